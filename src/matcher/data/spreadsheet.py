"""Tables written for people to open in a spreadsheet program: text never runs as a formula.

A provider named `=HYPERLINK(...)` or an id `+31...` is text a user typed; a spreadsheet
would run it. So:
- Excel workbooks (`matcher export --out x.xlsx`, every Excel download of the app) write every
  text cell as a text cell, with Excel's quote prefix when it begins like a formula. The
  value stays exactly the text, so matcher reads its own workbook back unchanged.
- CSV downloads of the app (tables meant for a spreadsheet) put a single quote before a text
  cell that begins with `= + - @`, a tab or a carriage return, as spreadsheet users expect;
  text that is a plain number (`-2.5`) is left alone.
- The round directory and the files of `matcher match --out` are the data contract, read by
  programs and by matcher itself: written exactly, never neutralised (matcher.data.writer).
  Importing one into a spreadsheet is the user's choice; the workbook export is the safe way.
"""

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def runs_as_formula(text: str) -> bool:
    """True when a spreadsheet would read text as a formula rather than as text."""
    return text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text)


def add_sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """A sheet of header and rows: text as text cells, numbers and dates as themselves."""
    sheet = book.create_sheet(title[:31])
    for r, values in enumerate((header, *rows), start=1):
        for c, value in enumerate(values, start=1):
            if _empty(value):
                continue
            cell = sheet.cell(r, c)
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones
            if isinstance(value, numbers.Number | date):
                cell.value = value
                continue
            text = str(value)
            # A control character cannot be stored in a workbook; import refuses them, so
            # only text that never came through an import can hold one.
            cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
            cell.data_type = "s"  # never "f": the text is stored, not run
            if text.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def workbook_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One table as the bytes of an Excel workbook of one sheet."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    add_sheet(book, title, header, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One table as UTF-8 CSV for a spreadsheet, formula-like text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_text(h) for h in header])
    writer.writerows([_csv_text(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _csv_text(value: Any) -> str:
    if _empty(value):
        return ""
    if not isinstance(value, str):
        return str(value)
    return f"'{value}" if runs_as_formula(value) else value


def _empty(value: Any) -> bool:
    """None, NaN and pandas' missing markers (NaT, NA) leave the cell empty."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NaTType", "NAType")
