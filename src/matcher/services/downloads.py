"""A table the app offers for download, as CSV or Excel bytes built on request.

The app passes these as callables to its download buttons, so a table is written only when
a user clicks (and a table that cannot be written never breaks a page's render). Both
formats keep text from running as a formula: matcher.data.spreadsheet says how.
"""

from collections.abc import Callable
from typing import Any

import pandas as pd

from matcher.data.spreadsheet import EXCEL_MIME, csv_bytes, workbook_bytes

__all__ = ["EXCEL_MIME", "csv_download", "excel_download"]


def csv_download(frame: pd.DataFrame) -> Callable[[], bytes]:
    """The bytes of frame as a spreadsheet-safe CSV file, when called."""
    return lambda: csv_bytes(_header(frame), _rows(frame))


def excel_download(frame: pd.DataFrame, sheet: str) -> Callable[[], bytes]:
    """The bytes of frame as a one-sheet Excel workbook, when called."""
    return lambda: workbook_bytes(sheet, _header(frame), _rows(frame))


def _header(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns]


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return list(frame.itertuples(index=False, name=None))
