"""Raw tables from a round directory (CSV files) or a round workbook (one sheet per file).

A raw table is a header and rows of text cells, each row with the number a spreadsheet
shows for it (header = row 1). Encoding and delimiter of a CSV file are detected: UTF-8 with
or without a byte-order mark, UTF-16 with one, else Windows-1252 (what Dutch Excel writes);
`,`, `;` or tab, whichever the header line uses most.

A workbook is read for its values, never its formulas: a formula cell is noted (row, column)
for the reader to refuse, because its value is whatever Excel last computed (nothing at all
when another program wrote the file), so a `="P002"` in excluded_providers would silently
drop the exclusion. openpyxl loads only when a workbook is read: a round directory is read
without it (a third of a second less before `matcher recommend` answers).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from matcher.data.issues import Issue
from matcher.data.zip_limits import ZipLimitError, check_members
from matcher.domain.text import shown

DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class RawTable:
    """A table as text, before any checking."""

    label: str  # how issues name it: `requests.csv` or `round.xlsx, sheet requests`
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells)
    delimiter: str | None = None  # what separates the cells of a CSV file; None in a workbook
    sheet: str | None = None  # the sheet's title, in a workbook
    formulas: tuple[tuple[int, int], ...] = ()  # (row number, column index) of formula cells

    def formula_issues(self) -> list[Issue]:
        """One error per formula cell, naming sheet, row and column."""
        message = "holds a formula; matcher reads values only, so type the value itself"
        return [
            Issue(self.label, message, row, self._column_name(index))
            for row, index in self.formulas
        ]

    def _column_name(self, index: int) -> str:
        from openpyxl.utils import get_column_letter

        name = self.header[index] if index < len(self.header) else ""
        return name or f"{get_column_letter(index + 1)} (no header)"


class SourceError(Exception):
    """The table cannot be read at all; carries the issue to report."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def decode(data: bytes, label: str) -> str:
    """The text of a CSV file, whatever encoding a spreadsheet saved it in."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceError(
            Issue(label, "is not a text file in UTF-8 or Windows-1252; save it as CSV (UTF-8)")
        ) from None


def read_csv(path: Path) -> RawTable:
    """A CSV file as a raw table."""
    label = path.name
    data = path.read_bytes()
    if not data:
        raise SourceError(
            Issue(label, "the file is empty (0 bytes); it needs at least a header row")
        )
    text = decode(data, label)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = ((n, list(cells)) for n, cells in enumerate(records, start=1))
    return _raw_table(label, numbered, delimiter)


def _raw_table(
    label: str, numbered: Iterator[tuple[int, list[str]]], delimiter: str | None = None
) -> RawTable:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in numbered:
        if header is None:
            if "".join(cells).strip():
                header = cells  # blank lines above the header are tolerated
            continue
        if "".join(cells).strip():
            rows.append((number, cells))
    if header is None:
        raise SourceError(Issue(label, "has no header row"))
    return RawTable(label, [h.strip() for h in header], rows, delimiter)


def workbook_sheets(path: Path) -> dict[str, list[RawTable]]:
    """Every sheet of a workbook as a raw table, by lower-case name without `.csv`.

    Sheets that share a name that way (`bids`, `Bids`, `bids.csv`) are all kept, in workbook
    order, for the reader to refuse: which one is meant cannot be guessed.
    """
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:  # a workbook is a zip: no bombs either
            check_members(archive.infolist())
        book = load_workbook(path, read_only=True, data_only=False)
    except ZipLimitError as exc:  # our own words, whole (they hold no cell value)
        raise SourceError(
            Issue(path.name, f"cannot be opened as an Excel workbook ({exc})")
        ) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceError(
            Issue(path.name, f"cannot be opened as an Excel workbook ({shown(str(exc))})")
        ) from None
    try:
        sheets: dict[str, list[RawTable]] = {}
        for sheet in book.worksheets:
            name = sheet.title.strip().lower().removesuffix(".csv")
            label = f"{path.name}, sheet {shown(sheet.title)}"
            formulas: list[tuple[int, int]] = []
            rows = (
                (n, _row_text(n, cells, formulas))
                for n, cells in enumerate(sheet.iter_rows(), start=1)
            )
            try:
                raw = _raw_table(label, rows)
            except SourceError:
                continue  # an empty sheet is as good as no sheet
            found = replace(raw, sheet=sheet.title, formulas=tuple(formulas))
            sheets.setdefault(name, []).append(found)
        return sheets
    finally:
        book.close()


def _row_text(number: int, cells: Sequence[Any], formulas: list[tuple[int, int]]) -> list[str]:
    """A workbook row as text; a formula cell is noted in formulas and read as empty."""
    texts: list[str] = []
    for index, cell in enumerate(cells):
        if getattr(cell, "data_type", None) == "f":
            formulas.append((number, index))
            texts.append("")
        else:
            texts.append(cell_text(getattr(cell, "value", None)))
    return texts


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
