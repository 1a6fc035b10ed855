"""One case: pick a request and see every provider that could take it, ranked, with reasons."""

import streamlit as st

from app_pages.components import escape_markdown
from app_pages.state import cached_open_requests, current_round, require_round
from matcher.services.cases import ranked_providers

st.title("One case")
st.caption("Who should take this one request? Ranked without a solve, on the room left now.")
require_round()
requests = cached_open_requests()
if requests.empty:
    st.info("The round has no open requests.")
    st.stop()
labels = {
    f"{r['request']} · {r['intervention']} {r['name']} · {r['urgency']} · {r['team']}": r["request"]
    for _, r in requests.iterrows()
}
picked = st.selectbox("Request", list(labels), key="case_request")
round_ = current_round()
assert round_ is not None
ranking = ranked_providers(round_, labels[picked])
if ranking.empty:
    st.warning("No provider bid on this request or has a standing offer for its intervention.")
    st.stop()
admissible = ranking[ranking["admissible"]]
st.metric("Admissible providers", f"{len(admissible):,} of {len(ranking):,}")
if not admissible.empty:
    best = admissible.iloc[0]
    named = f"{escape_markdown(best['provider'])} {escape_markdown(best['provider name'])}"
    st.success(
        f"Best: **{named}** at € {best['cost a week']:,.2f} "
        f"a week{'' if best['fits'] else ' (but has no room left now)'}"
    )
    st.bar_chart(
        admissible.set_index("provider")["cost a week"].head(15),
        horizontal=True,
        x_label="",
        y_label="€ a week",
    )
st.dataframe(
    ranking,
    hide_index=True,
    column_config={"reasons": st.column_config.TextColumn(width="large")},
)
