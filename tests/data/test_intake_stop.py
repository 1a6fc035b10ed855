"""A capacity of 0 is an intake stop ("no room now"), valid in CSV, Excel and the database;
only a negative capacity is an error. The matching places nothing there and says why."""

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from matcher.data.reader import read_round
from matcher.data.writer import write_workbook
from matcher.domain import Round
from matcher.services.capacity import capacity_report
from matcher.services.capacity_views import utilisation
from matcher.services.round_session import solve
from matcher.services.rounds import import_round, init_database, stored_round
from tests.actors import CAPACITY, STEWARD
from tests.data.roundfiles import copy_tiny, import_errors, read_rows, set_cell

# capacity.csv of the tiny round: P003's 46A01 row (the only provider certified for R004's
# intervention) is spreadsheet row 7.
STOP_ROW = 7


def stopped(tmp_path: Path, value: str = "0") -> Path:
    directory = copy_tiny(tmp_path)
    assert read_rows(directory / "capacity.csv")[STOP_ROW - 1][:2] == ["P003", "46A01"]
    set_cell(directory, "capacity.csv", STOP_ROW, "capacity_units", value)
    return directory


def room_of(round_: Round, provider: str, intervention: str) -> Decimal:
    return next(
        r.capacity_units
        for r in round_.capacity
        if (r.provider_id, r.intervention_id) == (provider, intervention)
    )


def test_a_zero_capacity_in_csv_is_read_as_an_intake_stop(tmp_path: Path) -> None:
    round_ = read_round(stopped(tmp_path)).round
    assert room_of(round_, "P003", "46A01") == 0


def test_a_negative_capacity_is_an_error_naming_file_row_and_column(tmp_path: Path) -> None:
    [error] = import_errors(stopped(tmp_path, "-1"))
    assert (error.file, error.row, error.column) == ("capacity.csv", STOP_ROW, "capacity_units")


def test_a_zero_capacity_in_excel_as_a_number_or_as_text(tmp_path: Path) -> None:
    round_ = read_round(stopped(tmp_path)).round
    workbook_path = tmp_path / "round.xlsx"
    write_workbook(round_, workbook_path)
    assert room_of(read_round(workbook_path).round, "P003", "46A01") == 0
    book = load_workbook(workbook_path)
    sheet = book["capacity"]
    sheet.cell(row=STOP_ROW, column=3).value = 0  # a number, as Excel users type it
    book.save(workbook_path)
    assert room_of(read_round(workbook_path).round, "P003", "46A01") == 0


def test_a_zero_capacity_is_stored_and_loaded(tmp_path: Path, db_url: str) -> None:
    init_database(db_url)
    import_round(stopped(tmp_path), db_url, actor=STEWARD)
    stored = stored_round(db_url)
    assert stored is not None
    assert room_of(stored, "P003", "46A01") == 0


def test_nothing_is_placed_behind_an_intake_stop_and_capacity_still_reads(
    tmp_path: Path,
) -> None:
    round_ = read_round(stopped(tmp_path)).round
    result = solve(round_, time_limit=10)
    assert "R004" not in set(result.proposals["request"])
    (row,) = result.unplaced[result.unplaced["request"] == "R004"].to_dict("records")
    assert "capacity_full" in row["reason"]
    table = utilisation(capacity_report(round_, actor=CAPACITY))
    assert not table.empty
