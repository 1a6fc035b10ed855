"""What-if: waits for the scenarios service (matcher.services.scenarios), not yet on main."""

import streamlit as st

st.title("What-if")
st.info(
    "Scenario runs arrive with the scenarios service: baseline and scenario side by side, "
    "with their deltas, saved and loaded. Until then this page has nothing to run."
)
