"""Provider portal: for the logged-in provider, the open requests it may bid on without client
details, and the full details of the requests awarded to it. The service decides what may be
shown, for this provider only (services/provider_view.py)."""

import streamlit as st

from app_pages.components import download_buttons
from app_pages.state import actor, require_round
from matcher.services.provider_view import provider_view

st.title("Provider portal")
me = actor()
round_ = require_round()
provider_id = me.provider_id or ""
names = {p.provider_id: p.name for p in round_.providers}
st.caption(
    f"{provider_id} {names.get(provider_id, '')} · client details appear only once a "
    "request is awarded to you."
)
view = provider_view(round_, provider_id, actor=me)

left, right = st.columns(2)
left.metric("Open requests to bid on", f"{len(view.open_to_bid):,}")
right.metric("Requests awarded to you", f"{len(view.awarded):,}")

st.subheader("Open requests you may bid on")
st.dataframe(view.open_to_bid, hide_index=True, height=360)
download_buttons(view.open_to_bid, "open-requests")

st.subheader("Awarded to you")
if view.awarded.empty:
    st.write("No open request of this round is awarded to you yet.")
else:
    st.dataframe(view.awarded, hide_index=True)
