"""Uploads: a zip of CSV files or a workbook; every error by file, row and column, and
nothing written when there is one."""

import io
import zipfile
from pathlib import Path

import pytest

from matcher.data.reader import read_round
from matcher.data.writer import write_workbook
from matcher.services.rounds import import_round, init_database, stored_round
from matcher.services.uploads import UploadError, import_upload, template_workbook
from tests.actors import STEWARD
from tests.paths import TINY, files_of


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"{folder}{name}", content)
    return buffer.getvalue()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    init_database(url)
    return url


def test_a_zip_of_the_round_in_a_folder_is_imported(url: str) -> None:
    outcome = import_upload("round.zip", zipped(files_of(TINY), "tiny/"), url, actor=STEWARD)
    assert outcome.imported is not None
    assert outcome.errors.empty
    assert stored_round(url) == read_round(TINY).round


def test_a_workbook_is_imported(url: str, tmp_path: Path) -> None:
    write_workbook(read_round(TINY).round, tmp_path / "tiny.xlsx")
    outcome = import_upload("tiny.xlsx", (tmp_path / "tiny.xlsx").read_bytes(), url, actor=STEWARD)
    assert outcome.imported is not None
    assert stored_round(url) == read_round(TINY).round


def test_errors_name_file_row_and_column_and_nothing_is_imported(url: str) -> None:
    import_round(TINY, url, actor=STEWARD)
    before = stored_round(url)
    files = files_of(TINY)
    files["bids.csv"] = files["bids.csv"].replace(b"R001,P002,61,", b"R001,P002,lots,")
    outcome = import_upload("bad.zip", zipped(files), url, actor=STEWARD)
    assert outcome.imported is None
    row = outcome.errors.iloc[0]
    assert (row["file"], row["row"], row["column"]) == ("bids.csv", 3, "tariff")
    assert stored_round(url) == before


def test_unsafe_or_foreign_uploads_are_refused(url: str) -> None:
    with pytest.raises(UploadError, match="unsafe path"):
        import_upload("evil.zip", zipped({"../interventions.csv": b"x"}), url, actor=STEWARD)
    with pytest.raises(UploadError, match="not a valid zip"):
        import_upload("broken.zip", b"not a zip", url, actor=STEWARD)
    with pytest.raises(UploadError, match=r"\.zip of CSV files or an \.xlsx"):
        import_upload("round.txt", b"", url, actor=STEWARD)


def test_the_template_has_a_sheet_with_the_header_of_every_file(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from matcher.data.contract import TABLES

    book = load_workbook(template_workbook(tmp_path / "t.xlsx"))
    for spec in TABLES:
        assert [c.value for c in book[spec.name][1]] == list(spec.column_names)
