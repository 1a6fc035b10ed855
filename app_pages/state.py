"""Cached reads the pages share; the only place the app touches the services for data."""

import streamlit as st

from matcher.services.overview import RoundOverview, summarise
from matcher.services.rounds import stored_round


@st.cache_data(ttl=60, show_spinner="Loading the round ...")
def cached_overview(db_url: str) -> RoundOverview | None:
    """The overview of the stored round, or None when the database holds none yet."""
    round_ = stored_round(db_url)
    return None if round_ is None else summarise(round_)
