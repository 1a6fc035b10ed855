"""200,000 bad rows: the first of each file and a count of the rest, not a 13 MB table
(issue 15, finding 8), in the CLI and in the app's upload."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli.main import app
from matcher.data.issues import SHOWN_PER_FILE
from matcher.services.rounds import init_database
from matcher.services.uploads import import_upload
from tests.actors import STEWARD
from tests.paths import TINY, files_of

BAD_ROWS = 200_000


@pytest.fixture(scope="module")
def flooded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny round with 200,000 requests whose units are not a number, and one bad bid."""
    where = tmp_path_factory.mktemp("flooded") / "round"
    shutil.copytree(TINY, where)
    header = (TINY / "requests.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = (
        f"X{k},C-X{k},HLM-CENTRUM,02A01,lots,2026-12-01,normal" + "," * 7 for k in range(BAD_ROWS)
    )
    (where / "requests.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    bids = (where / "bids.csv").read_text(encoding="utf-8")
    (where / "bids.csv").write_text(bids + "R001,P003,cheap,\n", encoding="utf-8")
    return where


def test_the_cli_lists_the_first_of_each_file_and_counts_the_rest(flooded: Path) -> None:
    url = f"sqlite:///{flooded.parent / 'cli.sqlite'}"
    init_database(url)
    result = CliRunner().invoke(
        app, ["import", str(flooded), "--db", url], env={"COLUMNS": "300", "NO_COLOR": "1"}
    )
    assert result.exit_code == 1
    assert len(result.output) < 20_000, f"{len(result.output):,} characters printed"
    assert result.output.count("| units") + result.output.count("│ units") == SHOWN_PER_FILE
    assert "│ bids.csv" in result.output  # the other file's one error is listed too
    hidden = BAD_ROWS - SHOWN_PER_FILE
    assert f"... and {hidden:,} more ({hidden:,} in requests.csv)." in result.output
    assert f"Nothing was imported: {BAD_ROWS + 1} problem(s)" in result.output


def test_the_upload_keeps_the_first_of_each_file_and_says_how_many(flooded: Path) -> None:
    url = f"sqlite:///{flooded.parent / 'app.sqlite'}"
    init_database(url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files_of(flooded).items():
            archive.writestr(name, content)
    outcome = import_upload("flooded.zip", buffer.getvalue(), url, actor=STEWARD)
    assert outcome.imported is None
    assert outcome.n_errors == BAD_ROWS + 1
    assert list(outcome.errors["file"]).count("requests.csv") == SHOWN_PER_FILE
    assert list(outcome.errors["file"]).count("bids.csv") == 1
    hidden = BAD_ROWS - SHOWN_PER_FILE
    assert outcome.more_errors == f"... and {hidden:,} more ({hidden:,} in requests.csv)"
