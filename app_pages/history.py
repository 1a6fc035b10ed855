"""Run history and audit: every run with its parameters, status and KPIs; every award and
override with who and why."""

import streamlit as st

from app_pages.components import download_buttons
from app_pages.state import db_url, version
from matcher.services.history import awards, batch_runs, overrides, runs

st.title("History and audit")
if version() is None:
    st.info("The database is not initialised yet: run `matcher db init`.")
    st.stop()

run_table = runs(db_url())
st.subheader(f"Runs ({len(run_table):,})")
if run_table.empty:
    st.write("No run yet: runs of the Matching round and What-if pages appear here.")
else:
    st.dataframe(
        run_table,
        hide_index=True,
        column_config={
            "started_at": st.column_config.DatetimeColumn("started (UTC)"),
            "total_cost": st.column_config.NumberColumn("cost a week", format="€ %.2f"),
            "gap": st.column_config.NumberColumn(format="%.4f"),
        },
    )
    download_buttons(run_table.astype(str), "runs")

batch_table = batch_runs(db_url())
st.subheader(f"Nightly batch runs ({len(batch_table):,})")
if batch_table.empty:
    st.write("No nightly run yet: `matcher batch` writes one record per night.")
else:
    st.dataframe(
        batch_table,
        hide_index=True,
        column_config={
            "started_at": st.column_config.DatetimeColumn("started (UTC)"),
            "total_cost": st.column_config.NumberColumn("cost a week", format="€ %.2f"),
            "gap": st.column_config.NumberColumn(format="%.4f"),
        },
    )
    download_buttons(batch_table.astype(str), "batch_runs")

award_table = awards(db_url())
st.subheader(f"Awards ({len(award_table):,})")
if award_table.empty:
    st.write("No award made from the app yet.")
else:
    st.dataframe(award_table, hide_index=True)
    download_buttons(award_table.astype(str), "awards")

override_table = overrides(db_url())
st.subheader(f"Pins and forbids ({len(override_table):,})")
if override_table.empty:
    st.write("No pin or forbid set yet.")
else:
    st.dataframe(override_table, hide_index=True)
    download_buttons(override_table.astype(str), "overrides")
