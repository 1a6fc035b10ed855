"""Overview page: what is in the loaded round, at a glance."""

import streamlit as st

from app_pages.components import URGENCY_COLOURS, download_buttons
from app_pages.state import cached_overview
from matcher.services.rounds import redacted_url

st.title("Round overview")
overview = cached_overview(st.session_state["db_url"])
if overview is None:
    st.info(
        "There is no round in the database yet. Import one with "
        "`matcher db init && matcher import data/demo`, or run `make demo`."
    )
    st.stop()

when = overview.round_date.isoformat() if overview.round_date else "not set"
st.caption(f"Round date {when} · database {redacted_url(st.session_state['db_url'])}")

counts = overview.counts
figures = {
    "Open requests": counts.get("open requests", 0),
    "Providers": counts.get("providers", 0),
    "Interventions": counts.get("interventions", 0),
    "Bids": counts.get("bids", 0),
    "Awarded care": counts.get("awards", 0),
}
for column, (label, value) in zip(st.columns(len(figures)), figures.items(), strict=True):
    column.metric(label, f"{value:,}")

st.subheader("Open requests by urgency")
for column, (label, value) in zip(st.columns(3), overview.urgency.items(), strict=True):
    column.metric(label.capitalize(), f"{value:,}")

left, right = st.columns(2)
with left:
    st.subheader("Open requests per municipality")
    st.bar_chart(
        overview.requests_by_municipality,
        stack=True,
        horizontal=True,
        color=URGENCY_COLOURS,
        x_label="",  # with horizontal bars x is the municipality axis
        y_label="open requests",
    )
with right:
    st.subheader("Requests received per month")
    if overview.intake_by_month.empty:
        st.write("The round has no request history.")
    else:
        st.line_chart(overview.intake_by_month)

st.subheader("Interventions")
st.dataframe(
    overview.interventions,
    hide_index=True,
    column_config={
        "tariff min (EUR)": st.column_config.NumberColumn("tariff min", format="€ %.2f"),
        "tariff max (EUR)": st.column_config.NumberColumn("tariff max", format="€ %.2f"),
    },
)
download_buttons(overview.interventions, "interventions")

st.subheader("Providers")
st.dataframe(overview.providers, hide_index=True)
download_buttons(overview.providers, "providers")
