"""One case: pick a request and see every provider that could take it, ranked, with reasons."""

import streamlit as st

from app_pages.components import escape_markdown, money_column, score_column
from app_pages.state import actor, cached_open_requests, current_round, require_round
from matcher.services.cases import rank_case

st.title("One case")
st.caption("Who should take this one request? Ranked without a solve.")
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
# The Matching round page keeps its last run here: the case counts room after its proposals.
stored = st.session_state.get("match_result")
outcome, run = (None, "") if stored is None else (stored[1].outcome, f"the last run ({stored[0]})")
case = rank_case(round_, labels[picked], outcome, run, actor=actor())
ranking = case.table
if ranking.empty:
    st.warning("No provider bid on this request or has a standing offer for its intervention.")
    st.stop()
st.caption(case.basis)
admissible = ranking[ranking["admissible"]]
fitting = admissible[admissible["fits"]]
st.metric("Admissible providers", f"{len(admissible):,} of {len(ranking):,}")
if admissible.empty:
    st.warning("No provider is admissible for this request: the reasons are in the table.")
elif fitting.empty:
    first = admissible.iloc[0]
    st.error(
        f"None of the {len(admissible):,} admissible providers has room or budget for it now. "
        f"No. 1 would be {escape_markdown(first['provider'])} "
        f"{escape_markdown(first['provider name'])} at € {first['cost a week']:,.2f} a week."
    )
else:
    best = fitting.iloc[0]
    note = "" if best["rank"] == 1 else f" (no. {int(best['rank'])}: the ones above are full)"
    named = f"{escape_markdown(best['provider'])} {escape_markdown(best['provider name'])}"
    st.success(f"Best that fits: **{named}** at € {best['cost a week']:,.2f} a week{note}")
if not admissible.empty:
    st.bar_chart(
        admissible.head(15),
        x="provider",
        y="cost a week",
        horizontal=True,
        sort=False,  # rank order, as in the table
        x_label="€ a week",
        y_label="",
    )
st.dataframe(
    ranking,
    hide_index=True,
    placeholder="",
    column_config={
        "rank": st.column_config.NumberColumn(format="%d"),
        "tariff": money_column(),
        "cost a week": money_column(),
        "pays more a week than no. 1": money_column(),
        "weighted terms (score, not paid)": score_column(),
        "room left (units a week)": st.column_config.NumberColumn(format="%.2f"),
        "reasons": st.column_config.TextColumn(width="large"),
    },
)
