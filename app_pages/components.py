"""Small reusable widgets."""

import io
from typing import Any

import pandas as pd
import streamlit as st

# crisis, high, normal: alarm red, amber, calm blue, in the order of the urgency columns
# (typed loosely: st.bar_chart wants a list of its own colour union)
URGENCY_COLOURS: list[Any] = ["#c0392b", "#f39c12", "#5d8aa8"]


def download_buttons(frame: pd.DataFrame, name: str) -> None:
    """CSV and Excel downloads of a table, side by side."""
    excel = io.BytesIO()
    frame.to_excel(excel, index=False, sheet_name=name[:31])
    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        "CSV",
        frame.to_csv(index=False).encode("utf-8"),
        f"{name}.csv",
        "text/csv",
        key=f"{name}-csv",
    )
    right.download_button(
        "Excel",
        excel.getvalue(),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{name}-xlsx",
    )
