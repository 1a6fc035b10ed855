"""Bidding round: the phase of the stored round (open for bids, closed, matched, awarded),
moved on by a regisseur. Bids and capacity declarations change only while it is open."""

import streamlit as st

from app_pages.state import actor, db_url, forget_round
from matcher.services.marketplace import (
    NEXT_PHASES,
    MarketRefusedError,
    round_phase,
    set_round_phase,
)

WORDS = {
    "open": "Open for bids",
    "closed": "Closed: bids are frozen, match the round",
    "matched": "Matched: award the proposals",
    "awarded": "Awarded",
}
BUTTONS = {"closed": "Close the bidding", "open": "Reopen the bidding",
           "matched": "Mark as matched", "awarded": "Mark as awarded"}  # fmt: skip

st.title("Bidding round")
me = actor()
phase = round_phase(db_url())
st.metric("Phase", WORDS[phase])
for to in NEXT_PHASES[phase]:
    if st.button(BUTTONS[to], key=f"phase-{to}"):
        try:
            set_round_phase(db_url(), me, to)
        except MarketRefusedError as exc:
            st.error(str(exc).capitalize() + ".")
        else:
            forget_round()
            st.rerun()
