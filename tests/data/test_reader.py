"""Reading valid rounds: canonical CSV, Dutch spreadsheet files, workbooks, warnings."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook

from matcher.data.contract import TABLES
from matcher.data.issues import Severity
from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.domain import Round
from tests.data.roundfiles import (
    append_row,
    copy_tiny,
    import_errors,
    read_rows,
    set_cell,
    tiny_workbook,
)
from tests.paths import TINY
from tests.profiles import examples
from tests.strategies import rounds


def tiny() -> Round:
    return read_round(TINY).round


def test_tiny_round_reads_without_findings() -> None:
    result = read_round(TINY)
    assert result.warnings == ()
    assert [r.request_id for r in result.round.requests] == ["R001", "R002", "R003", "R004", "R005"]
    assert result.round.requests[0].preferred_providers == ("P002", "P001")
    assert result.round.providers[0].specialisms == ("autism", "lvb")
    assert result.round.policy is not None
    assert result.round.policy.round_date == date(2026, 11, 23)


def _as_dutch_excel(source: Path, target: Path, encoding: str) -> None:
    """Rewrite a canonical round as Dutch Excel saves it: ';', decimal commas, d-m-Y dates."""
    target.mkdir()
    for spec in TABLES:
        if not (source / spec.filename).exists():
            continue
        rows = read_rows(source / spec.filename)
        kinds = {c.name: c.kind.value for c in spec.columns}
        lines = []
        for number, row in enumerate(rows):
            cells = []
            for name, cell in zip(rows[0], row, strict=True):
                if number and kinds[name] == "number" and cell:
                    cell = cell.replace(".", ",")
                if number and kinds[name] == "date" and cell:
                    y, m, d = cell.split("-")
                    cell = f"{d}-{m}-{y}"
                cells.append(f'"{cell}"' if ";" in cell or "," in cell else cell)
            lines.append(";".join(cells))
        data = "\r\n".join(lines) + "\r\n"
        raw = data.encode(encoding)
        if encoding == "utf-8":
            raw = b"\xef\xbb\xbf" + raw
        (target / spec.filename).write_bytes(raw)
    shutil.copy(source / "policy.toml", target / "policy.toml")


def test_dutch_excel_csv_with_bom_and_decimal_commas_reads_the_same(tmp_path: Path) -> None:
    _as_dutch_excel(TINY, tmp_path / "nl", "utf-8")
    assert b";" in (tmp_path / "nl" / "bids.csv").read_bytes()
    assert b"64,5" in (tmp_path / "nl" / "bids.csv").read_bytes()
    assert read_round(tmp_path / "nl").round == tiny()


def test_windows_1252_file_with_accents(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    set_cell(source, "providers.csv", 3, "name", "Zorgcoöperatie Café")
    _as_dutch_excel(source, tmp_path / "cp", "cp1252")
    assert (
        "Zorgcoöperatie Café".encode("cp1252") in (tmp_path / "cp" / "providers.csv").read_bytes()
    )
    assert read_round(tmp_path / "cp").round.providers[1].name == "Zorgcoöperatie Café"


def test_policy_toml_saved_in_windows_1252_is_read(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    text = "# Vastgesteld in het overleg van café De Zon; plafond € 25.000\n"
    text += (TINY / "policy.toml").read_text(encoding="utf-8")
    (source / "policy.toml").write_bytes(text.encode("cp1252"))
    assert read_round(source).round.policy == tiny().policy


def test_thousands_separators_and_euro_signs(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    set_cell(source, "budgets.csv", 2, "amount", "€ 25.000,00")
    set_cell(source, "budgets.csv", 3, "amount", "18,000.00")
    budgets = read_round(source).round.budgets
    assert budgets is not None
    assert [b.amount for b in budgets[:2]] == [Decimal(25000), Decimal(18000)]


def test_rows_ending_early_read_their_missing_cells_as_empty(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    for spec in TABLES:
        lines = (source / spec.filename).read_text(encoding="utf-8").splitlines()
        cut = [lines[0], *(line.rstrip(",") for line in lines[1:])]
        (source / spec.filename).write_text("\n".join(cut) + "\n", encoding="utf-8")
    assert "\nR004,C-44AB10,CJG-HLM,46A01,1,2026-11-24,crisis\n" in (
        source / "requests.csv"
    ).read_text(encoding="utf-8")
    assert read_round(source).round == tiny()


def test_workbook_reads_the_same_as_the_directory(tmp_path: Path) -> None:
    tiny_workbook(tmp_path / "round.xlsx")
    assert read_round(tmp_path / "round.xlsx").round == tiny()


def test_workbook_missing_a_sheet(tmp_path: Path) -> None:
    Workbook().save(tmp_path / "round.xlsx")
    errors = import_errors(tmp_path / "round.xlsx")
    assert any(e.file == "round.xlsx" and "no sheet 'requests'" in e.message for e in errors)


def test_bid_outside_the_band_is_kept_with_a_warning(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    set_cell(source, "bids.csv", 2, "tariff", "99")
    result = read_round(source)
    assert result.round.bids[0].tariff == Decimal(99)
    [warning] = result.warnings
    assert (warning.file, warning.row, warning.column) == ("bids.csv", 2, "tariff")
    assert "outside the band 56–85" in warning.message
    assert warning.severity is Severity.WARNING


def test_certified_provider_without_capacity_gets_a_warning(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    append_row(
        source,
        "certifications.csv",
        {
            "provider_id": "P002",
            "intervention_id": "45A48",
            "valid_from": "2026-01-01",
            "valid_to": "2028-12-31",
        },
    )
    (source / "capacity.csv").write_text(
        (source / "capacity.csv").read_text().replace("P002,*,16\n", ""), encoding="utf-8"
    )
    messages = [w.message for w in read_round(source).warnings]
    assert any("P002 is certified for 02A01" in m and "no capacity" in m for m in messages)
    assert any("P002 is certified for 45A48" in m for m in messages)


def test_overlapping_certificates_for_one_provider_and_intervention_are_allowed(
    tmp_path: Path,
) -> None:
    source = copy_tiny(tmp_path)
    certificate = {"provider_id": "P001", "intervention_id": "02A01"}
    row = append_row(  # a renewal issued while 2024-01-01..2026-12-31 still runs
        source,
        "certifications.csv",
        {**certificate, "valid_from": "2026-10-01", "valid_to": "2029-09-30"},
    )
    result = read_round(source)
    assert len(result.round.certifications) == row - 1
    assert result.warnings == ()


def test_expired_certificate_without_capacity_is_no_warning(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    append_row(
        source,
        "certifications.csv",
        {
            "provider_id": "P002",
            "intervention_id": "45A48",
            "valid_from": "2020-01-01",
            "valid_to": "2022-12-31",
        },
    )
    (source / "capacity.csv").write_text(
        (source / "capacity.csv").read_text().replace("P002,*,16\n", "P002,02A01,16\n"),
        encoding="utf-8",
    )
    assert read_round(source).warnings == ()


def test_unknown_columns_are_ignored_with_a_warning_and_blank_rows_skipped(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    path = source / "teams.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",notes"] + [line + ",note" for line in lines[1:]] + [",,,,", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_round(source)
    assert result.round.teams == tiny().teams
    [warning] = result.warnings
    assert (warning.file, warning.row, warning.column) == ("teams.csv", 1, "notes")


def test_optional_files_absent_are_none_and_header_only_is_empty(tmp_path: Path) -> None:
    source = copy_tiny(tmp_path)
    (source / "history.csv").unlink()
    (source / "policy.toml").unlink()
    (source / "awards.csv").write_text(read_rows_header(source / "awards.csv"), encoding="utf-8")
    round_ = read_round(source).round
    assert round_.history is None
    assert round_.policy is None
    assert round_.awards == ()


def read_rows_header(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0] + "\n"


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(round_=rounds())
def test_writing_then_reading_gives_the_same_round(tmp_path: Path, round_: Round) -> None:
    target = tmp_path / "rt"
    write_round(round_, target)
    assert read_round(target).round == round_
