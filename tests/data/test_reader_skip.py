"""read_round's skip: an optional table a caller never uses is left unread; a required one
can never be left out."""

from pathlib import Path

import pytest

from matcher.data.contract import TABLES
from matcher.data.reader import read_round
from tests.data.roundfiles import assert_error, copy_tiny, set_cell, tiny_workbook
from tests.paths import TINY

HISTORY = frozenset({"history"})


def test_a_skipped_table_is_none_and_the_rest_reads_as_without_a_skip() -> None:
    whole = read_round(TINY).round
    skipped = read_round(TINY, skip=HISTORY).round

    assert whole.history
    assert skipped.history is None
    assert skipped == whole.model_copy(update={"history": None})


def test_an_error_in_a_skipped_table_is_not_reported(tmp_path: Path) -> None:
    round_dir = copy_tiny(tmp_path)
    set_cell(round_dir, "history.csv", 2, "intervention_id", "NOPE")
    assert_error(round_dir, "history.csv", 2, "intervention_id", "unknown intervention")

    assert read_round(round_dir, skip=HISTORY).round.history is None


def test_a_skipped_sheet_of_a_workbook_is_not_read(tmp_path: Path) -> None:
    book = tiny_workbook(tmp_path / "round.xlsx")
    book["history"]["C2"] = "NOPE"
    book.save(tmp_path / "round.xlsx")
    assert_error(
        tmp_path / "round.xlsx", "round.xlsx, sheet history", 2, "intervention_id", "unknown"
    )

    assert read_round(tmp_path / "round.xlsx", skip=HISTORY).round.history is None


@pytest.mark.parametrize("table", [t.name for t in TABLES if t.required])
def test_a_required_table_cannot_be_skipped(table: str) -> None:
    with pytest.raises(ValueError, match="only optional tables can be skipped"):
        read_round(TINY, skip=frozenset({table}))


def test_an_unknown_table_cannot_be_skipped() -> None:
    with pytest.raises(ValueError, match="histories"):
        read_round(TINY, skip=frozenset({"histories"}))
