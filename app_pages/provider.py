"""Provider portal: for the logged-in provider, the open requests it may bid on (without
client details), its bids and capacity while the round is open, and the full details of the
requests awarded to it. The services decide what may be shown and changed, for this provider
only (services/provider_view.py, services/marketplace.py)."""

import pandas as pd
import streamlit as st

from app_pages.components import download_buttons
from app_pages.state import actor, db_url, forget_round, require_round
from matcher.services.award_message import INFORMATION_MODEL, award_message
from matcher.services.catalogue import euros, number
from matcher.services.marketplace import (
    MarketRefusedError,
    declare_capacity,
    new_awards,
    place_bid,
    round_phase,
    withdraw_bid,
)
from matcher.services.provider_view import provider_view

st.title("Provider portal")
me = actor()
round_ = require_round()
provider_id = me.provider_id or ""
names = {p.provider_id: p.name for p in round_.providers}
phase = round_phase(db_url())
st.caption(
    f"{provider_id} {names.get(provider_id, '')} · the round is **{phase}** · client "
    "details appear only once a request is awarded to you."
)
view = provider_view(round_, provider_id, actor=me)
notice = new_awards(db_url(), me)
if notice.request_ids:
    since = "since your last login" if notice.since else "so far"
    st.success(f"Awarded to you {since}: " + ", ".join(notice.request_ids))

left, right = st.columns(2)
left.metric("Open requests to bid on", f"{len(view.open_to_bid):,}")
right.metric("Requests awarded to you", f"{len(view.awarded):,}")

st.subheader("Open requests you may bid on")
# The page shows the bid in euros and no bid as empty; the downloads keep the numbers.
shown = view.open_to_bid.assign(
    **{"your bid": [euros(None if pd.isna(v) else v) for v in view.open_to_bid["your bid"]]}
)
st.dataframe(shown, hide_index=True, height=360)
download_buttons(view.open_to_bid, "open-requests")


def done(message: str) -> None:
    forget_round()
    st.session_state["portal_done"] = message
    st.rerun()


if message := st.session_state.pop("portal_done", None):
    st.success(message)

bands = {i.intervention_id: (i.tariff_min, i.tariff_max) for i in round_.interventions}
with st.expander("Bid on a request", expanded=phase == "open"):
    if phase != "open":
        st.info(f"The round is {phase}: bids change only while it is open.")
    requests = list(view.open_to_bid["request"])
    frame = view.open_to_bid
    interventions = dict(zip(frame["request"], frame["intervention"], strict=True))
    picked = st.selectbox("Request", requests, key="portal_request")
    if picked is not None:
        low, high = bands[interventions[picked]]
        st.caption(f"Tariff band of {interventions[picked]}: € {number(float(low))} to "
                   f"€ {number(float(high))}")  # fmt: skip
    tariff = st.text_input("Tariff (€ per unit)", key="portal_tariff")
    units = st.text_input("Units a week (empty: the request's own)", key="portal_units")
    place, withdraw = st.columns(2)
    if place.button("Place or change the bid", disabled=picked is None):
        try:
            place_bid(db_url(), me, str(picked), tariff, units or None)
        except MarketRefusedError as exc:
            st.error(f"The bid was refused: {exc}.")
        else:
            done(f"Your bid on {picked} is placed.")
    if withdraw.button("Withdraw the bid", disabled=picked is None):
        try:
            withdraw_bid(db_url(), me, str(picked))
        except MarketRefusedError as exc:
            st.error(f"Nothing was withdrawn: {exc}.")
        else:
            done(f"Your bid on {picked} is withdrawn.")

with st.expander("Declare your capacity"):
    certified = sorted({c.intervention_id for c in round_.certifications
                        if c.provider_id == provider_id})  # fmt: skip
    current = {c.intervention_id: c.capacity_units for c in round_.capacity
               if c.provider_id == provider_id}  # fmt: skip
    which = st.selectbox("Intervention (* for your total)", [*certified, "*"], key="portal_cap")
    st.caption(f"Declared now: {current.get(which, 'nothing')} units a week. 0 stops the intake.")
    room = st.number_input("Units a week", min_value=0.0, step=1.0, key="portal_room")
    if st.button("Declare"):
        try:
            declare_capacity(db_url(), me, which, room)
        except MarketRefusedError as exc:
            st.error(f"The declaration was refused: {exc}.")
        else:
            done(f"Your capacity for {which} is {room:g} units a week.")

st.subheader("Awarded to you")
if view.awarded.empty:
    st.write("No open request of this round is awarded to you yet.")
else:
    st.dataframe(view.awarded, hide_index=True)
    chosen = st.selectbox("Award message of", list(view.awarded["request"]), key="portal_msg")
    if chosen is not None:
        st.download_button(
            "Download the draft 301 message (XML)",
            lambda: award_message(round_, str(chosen), actor=me),
            f"toewijzing-{chosen}.xml",
            "application/xml",
            help=f"Draft, after {INFORMATION_MODEL}.",
        )
