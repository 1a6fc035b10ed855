"""The app's table downloads: numbers stay numbers, text stays text (issue 15)."""

import io
from datetime import UTC, datetime

import pandas as pd
from openpyxl import load_workbook

from matcher.services.downloads import csv_download, excel_download


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider": ["=1+1", "P002"],
            "units": [3, 4],
            "cost": [12.5, float("nan")],
            "at": [datetime(2026, 11, 23, 9, tzinfo=UTC), pd.NaT],
        }
    )


def test_the_excel_download_keeps_numbers_and_dates_and_writes_text_as_text() -> None:
    data = excel_download(frame(), "proposals")()

    sheet = load_workbook(io.BytesIO(data))["proposals"]
    rows = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    assert rows[1][:3] == [("=1+1", "s"), (3, "n"), (12.5, "n")]
    assert rows[1][3] == (datetime(2026, 11, 23, 9), "d")
    assert rows[2] == [("P002", "s"), (4, "n"), (None, "n"), (None, "n")]


def test_the_csv_download_neutralises_formula_text_only() -> None:
    text = csv_download(frame())().decode("utf-8")

    assert text.splitlines()[1:] == ["'=1+1,3,12.5,2026-11-23 09:00:00+00:00", "P002,4,,"]
