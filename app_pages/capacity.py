"""Capacity: utilisation or shortfall per intervention × area, the signals that matter first
(the full list one click away), the demand forecast with its intervals, simulated waits
beside the formula's, concentration and expiring certificates."""

import altair as alt
import streamlit as st

from app_pages.components import download_buttons
from app_pages.state import cached_capacity, require_round
from matcher.services import capacity_views as views
from matcher.services.catalogue import number

st.title("Capacity")
round_ = require_round()
tbtf = bool(st.session_state.get("capacity_tbtf"))
report = cached_capacity(tbtf)
util = views.utilisation(report)
st.caption(
    f"As of {report.round_date.isoformat()} · horizon {report.settings.horizon_months} months "
    "· load at the upper 80% of the forecast, against certified capacity"
)

signals = views.signals(report, round_)
counts = signals["severity"].value_counts()
columns = st.columns(4)
columns[0].metric("Signals", f"{len(signals):,}")
for column, severity in zip(columns[1:], ("high", "medium", "low"), strict=True):
    column.metric(severity.capitalize(), f"{int(counts.get(severity, 0)):,}")

st.subheader("Utilisation per intervention and area")
left, right = st.columns([3, 1])
months = sorted(util["month"].unique())
month = left.select_slider("Month", months, value=months[0] if months else None)
measure = right.radio("Show", ["utilisation", "shortfall"], horizontal=True)
shown = util[util["month"] == month].copy()
names = {i.intervention_id: i.name for i in round_.interventions}
shown["row"] = [f"{iid} {names.get(iid, '')}".strip() for iid in shown["intervention"]]
# blue (room) to orange (over-full): a diverging scheme readable with red-green blindness
scale = (
    alt.Scale(scheme="blueorange", domain=[0, 1.5], clamp=True)
    if measure == "utilisation"
    else alt.Scale(scheme="oranges")
)
heatmap = (
    alt.Chart(shown)
    .mark_rect()
    .encode(
        x=alt.X("area:N", title=None),
        y=alt.Y("row:N", title=None),
        color=alt.Color(
            f"{measure}:Q",
            scale=scale,
            legend=alt.Legend(format=".0%" if measure == "utilisation" else ",.0f"),
        ),
        tooltip=[
            alt.Tooltip("row:N", title="intervention"),
            "area",
            alt.Tooltip("load:Q", format=",.1f"),
            alt.Tooltip("supply:Q", format=",.1f"),
            alt.Tooltip("utilisation:Q", format=".0%"),
            alt.Tooltip("shortfall:Q", format=",.1f"),
        ],
    )
)
st.altair_chart(heatmap, width="stretch")

st.subheader("What matters first")
st.caption("One line per intervention and area, the most clients affected first.")
st.dataframe(
    views.summary(report, round_),
    hide_index=True,
    placeholder="",
    column_config={
        "summary": st.column_config.TextColumn(width="large"),
        "EUR a week": st.column_config.NumberColumn("€ a week", format="euro"),
        "weeks": st.column_config.NumberColumn(format="%.1f"),
    },
    height=320,
)
with st.expander(f"All {len(signals):,} signals, largest impact first"):
    st.dataframe(
        signals.drop(columns=["type"]),  # the code stays in the downloads
        hide_index=True,
        placeholder="",
        column_config={
            "detail": st.column_config.TextColumn(width="large"),
            "action": st.column_config.TextColumn(width="large"),
            "EUR a week": st.column_config.NumberColumn("€ a week", format="euro"),
            "weeks": st.column_config.NumberColumn(format="%.1f"),
            "value": st.column_config.NumberColumn(format="%.2f"),
            "threshold": st.column_config.NumberColumn(format="%.2f"),
        },
        height=320,
    )
    download_buttons(signals, "signals")
if tbtf:
    found = int((signals["type"] == "too_big_to_fail").sum())
    st.caption(f"Too-big-to-fail checked: {found} signal(s) among those above.")
elif st.button(
    "Check too-big-to-fail",
    help="Re-matches the clients of the largest providers without them (a few seconds).",
):
    st.session_state["capacity_tbtf"] = True
    st.rerun()

st.subheader("Demand forecast")
interventions = sorted(report.forecasts)
picked = st.selectbox("Intervention", interventions, key="capacity_intervention")
frame = views.forecast(report, picked)
st.caption(views.forecast_quality(report, picked))
base = alt.Chart(frame).encode(x=alt.X("month:T", title=None))
chart = (
    base.mark_area(opacity=0.15).encode(y=alt.Y("lower95:Q", title="units a week"), y2="upper95")
    + base.mark_area(opacity=0.3).encode(y="lower80:Q", y2="upper80")
    + base.mark_line(color="#5d8aa8").encode(y="history:Q")
    + base.mark_line(color="#c0392b", strokeDash=[4, 3]).encode(y="forecast:Q")
)
st.altair_chart(chart, width="stretch")

st.subheader("Waiting time: simulation and formula")
st.caption(views.queue_caption(report, round_, picked))
waits = views.waits(report, round_, picked)
shown_waits = waits.assign(
    **{c: [number(v, 1) for v in waits[c]] for c in ("simulated", "formula")}
)
st.dataframe(shown_waits, hide_index=True, placeholder="")

left, right = st.columns(2)
with left:
    st.subheader("Provider concentration")
    st.dataframe(
        views.concentration(report, round_),
        hide_index=True,
        height=320,
        column_config={
            "largest share (%)": st.column_config.NumberColumn(format="%.1f%%"),
            "HHI (%)": st.column_config.NumberColumn(
                format="%.1f%%",
                help="Sum of the squared shares: 100% when one provider holds all the care.",
            ),
            "running units a week": st.column_config.NumberColumn(format="%.1f"),
        },
    )
with right:
    st.subheader("Certificates ending in the horizon")
    expiring = views.expiring_certificates(round_, report)
    if expiring.empty:
        st.write("No certificate ends within the horizon.")
    else:
        timeline = (
            alt.Chart(expiring)
            .mark_circle(size=90)
            .encode(
                x=alt.X("valid to:T", title=None),
                y=alt.Y("intervention:N", title=None),
                color=alt.Color("renewed:N", scale=alt.Scale(range=["#c0392b", "#5d8aa8"])),
                size=alt.Size("capacity units a week:Q", legend=None),
                tooltip=list(expiring.columns),
            )
        )
        st.altair_chart(timeline, width="stretch")
