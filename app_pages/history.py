"""Run history and audit: every run with its parameters, status and KPIs; every award and
override with who and why."""

from typing import Any

import pandas as pd
import streamlit as st

from app_pages.components import download_buttons
from app_pages.state import actor, db_url, version
from matcher.services.catalogue import readable, timezone
from matcher.services.history import awards, batch_runs, overrides, runs

RUN_COLUMNS = {
    "started": st.column_config.DatetimeColumn(
        f"started ({timezone()})", format="YYYY-MM-DD HH:mm:ss"
    ),
    "run date": st.column_config.DateColumn(),
    "cost a week": st.column_config.NumberColumn(format="€ %.2f"),
    "gap": st.column_config.NumberColumn(format="percent"),
    "seconds": st.column_config.NumberColumn(format="%.1f"),
}
LOG_COLUMNS = {
    "when": st.column_config.DatetimeColumn(f"when ({timezone()})", format="YYYY-MM-DD HH:mm:ss"),
    "tariff": st.column_config.NumberColumn(format="€ %.2f"),
    "units": st.column_config.NumberColumn(format="%.2f"),
}


def section(
    title: str, table: pd.DataFrame, empty: str, name: str, columns: dict[str, Any] | None = None
) -> None:
    """One table of the page with its count, a line when it is empty, and its downloads."""
    st.subheader(f"{title} ({len(table):,})")
    if table.empty:
        st.write(empty)
        return
    st.dataframe(readable(table), hide_index=True, column_config=columns, placeholder="")
    download_buttons(table.astype(str), name)  # the stored names and codes, for tools


st.title("History and audit")
if version() is None:
    st.info("The database is not initialised yet: run `matcher db init`.")
    st.stop()

url = db_url()
section(
    "Runs",
    runs(url, actor()),
    "No run yet: runs of the Matching round and What-if pages appear here.",
    "runs",
    RUN_COLUMNS,
)
section(
    "Nightly batch runs",
    batch_runs(url, actor()),
    "No nightly run yet: `matcher batch` writes one record per night.",
    "batch_runs",
    RUN_COLUMNS,
)
section("Awards", awards(url, actor()), "No award made from the app yet.", "awards", LOG_COLUMNS)
section(
    "Pins and forbids",
    overrides(url, actor()),
    "No pin or forbid set yet.",
    "overrides",
    LOG_COLUMNS,
)
