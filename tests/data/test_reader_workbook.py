"""Bad round workbooks: the policy sheet's header and keys, two sheets for one table."""

from pathlib import Path

import pytest

from tests.data.roundfiles import TINY_POLICY_ROWS, import_errors, tiny_workbook


def test_policy_sheet_without_key_value_header_is_refused(tmp_path: Path) -> None:
    book = tiny_workbook(tmp_path / "round.xlsx")
    book["policy"].delete_rows(1)  # round_date now stands where the header belongs
    book.save(tmp_path / "round.xlsx")
    [error] = import_errors(tmp_path / "round.xlsx")
    assert (error.file, error.row, error.column) == ("round.xlsx, sheet policy", 1, None)
    assert "must start with a header row with the columns key and value" in error.message


def test_policy_sheet_key_given_twice_names_both_rows(tmp_path: Path) -> None:
    rows = [*TINY_POLICY_ROWS, ("solver", "highs"), ("solver", "scip")]
    tiny_workbook(tmp_path / "round.xlsx", policy=rows)
    [error] = import_errors(tmp_path / "round.xlsx")
    assert (error.file, error.row, error.column) == ("round.xlsx, sheet policy", 7, "key")
    assert "setting solver appears twice, in row 6 and row 7" in error.message


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([("weights", 3), ("weights.continuity", 10)], "weights is a single setting"),
        ([("weights.continuity", 10), ("weights", 3)], "weights is a group of settings"),
    ],
)
def test_policy_sheet_key_clashing_with_a_group_is_refused(
    tmp_path: Path, rows: list[tuple[str, object]], fragment: str
) -> None:
    tiny_workbook(tmp_path / "round.xlsx", policy=rows)
    [error] = import_errors(tmp_path / "round.xlsx")
    assert (error.file, error.row, error.column) == ("round.xlsx, sheet policy", 3, "key")
    assert fragment in error.message


@pytest.mark.parametrize("title", ["bids.csv", "Bids.CSV"])  # Excel refuses "bids" + "Bids"
def test_two_sheets_for_one_table_name_both_sheets(tmp_path: Path, title: str) -> None:
    book = tiny_workbook(tmp_path / "round.xlsx")
    book.copy_worksheet(book["bids"]).title = title
    book.save(tmp_path / "round.xlsx")
    [error] = import_errors(tmp_path / "round.xlsx")
    assert (error.file, error.row, error.column) == ("round.xlsx", None, None)
    assert f"sheets 'bids' and '{title}' both hold the table bids" in error.message
