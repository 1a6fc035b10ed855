"""Editing a copy of the tiny round the way a user would in a spreadsheet, for error tests."""

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from matcher.data.contract import TABLES
from matcher.data.issues import Issue, RoundImportError
from matcher.data.reader import read_round
from tests.paths import TINY


def copy_tiny(tmp_path: Path) -> Path:
    """A private copy of the tiny round."""
    target = tmp_path / "round"
    shutil.copytree(TINY, target)
    return target


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(directory: Path, file: str, row: int, column: str, value: str) -> None:
    """Put value in the cell at (spreadsheet) row and column of file."""
    rows = read_rows(directory / file)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(directory / file, rows)


def append_row(directory: Path, file: str, values: dict[str, str]) -> int:
    """Add a row (missing columns empty); returns its spreadsheet row number."""
    rows = read_rows(directory / file)
    rows.append([values.get(column, "") for column in rows[0]])
    write_rows(directory / file, rows)
    return len(rows)


def drop_column(directory: Path, file: str, column: str) -> None:
    rows = read_rows(directory / file)
    index = rows[0].index(column)
    write_rows(directory / file, [r[:index] + r[index + 1 :] for r in rows])


def import_errors(directory: Path) -> tuple[Issue, ...]:
    """The errors read_round raises for directory (fails the test when it raises none)."""
    with pytest.raises(RoundImportError) as caught:
        read_round(directory)
    return caught.value.errors


def assert_error(
    directory: Path, file: str, row: int | None, column: str | None, fragment: str
) -> None:
    """read_round refuses directory with an error at exactly this place saying fragment."""
    errors = import_errors(directory)
    matching = [e for e in errors if e.file == file and e.row == row and e.column == column]
    assert matching, f"no error at {file} row {row} column {column}; got {[str(e) for e in errors]}"
    assert any(fragment in e.message for e in matching), [str(e) for e in matching]


TINY_POLICY_ROWS: list[tuple[str, object]] = [
    ("round_date", "2026-11-23"),
    ("market_share_cap", 0.6),
    ("max_distance_km", 25),
    ("weights.distance_per_km", 1.5),
]


def tiny_workbook(path: Path, policy: list[tuple[str, object]] | None = None) -> Workbook:
    """The tiny round saved as a workbook the way Excel holds it (numbers and dates typed).

    The policy sheet gets the header `key | value`, then policy (default: the tiny round's).
    Returns the workbook so a test can change it and save it again.
    """
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for spec in TABLES:
        rows = read_rows(TINY / spec.filename)
        sheet = book.create_sheet(spec.name)
        kinds = {c.name: c.kind.value for c in spec.columns}
        for number, row in enumerate(rows):
            values: list[object] = []
            for name, cell in zip(rows[0], row, strict=True):
                if number and cell and kinds[name] == "number":
                    values.append(float(cell))
                elif number and cell and kinds[name] == "date":
                    values.append(date.fromisoformat(cell))
                else:
                    values.append(cell or None)
            sheet.append(values)
    sheet = book.create_sheet("policy")
    sheet.append(["key", "value"])
    for key, value in TINY_POLICY_ROWS if policy is None else policy:
        sheet.append([key, value])
    book.save(path)
    return book
