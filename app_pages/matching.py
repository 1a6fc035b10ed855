"""Matching round: pick the scope, run, read the proposals and the unplaced requests with
their reasons, pin or forbid from the table, re-solve, award the chosen matches."""

from dataclasses import replace

import streamlit as st

from app_pages.components import (
    download_buttons,
    money_column,
    run_with_progress,
    score_column,
    show_run_summary,
)
from app_pages.round_controls import overrides_panel, revoke_panel
from app_pages.state import (
    actor,
    cached_open_requests,
    db_url,
    forget_round,
    require_round,
    round_import,
)
from matcher.data.db.audit import OverrideEntry
from matcher.data.db.awarding import AwardRefusedError
from matcher.matching import SOLVERS
from matcher.services.access import own_scopes
from matcher.services.round_session import (
    DEFAULT_TIME_LIMIT,
    award,
    find_changes,
    log_overrides,
    round_day,
    scopes,
    solve_and_record,
)
from matcher.services.round_tables import CODE_COLUMNS
from matcher.services.session_overrides import without_requests

RESULT, PINS, FORBIDS, SCOPE = "match_result", "match_pins", "match_forbids", "match_scope"
WHY, CLEAR_WHY = "match_why", "match_why_clear"

st.title("Matching round")
round_ = require_round()
choices = own_scopes(actor(), round_, scopes(round_))
if not choices:
    st.info("None of your teams has requests in this round.")
    st.stop()
st.session_state.setdefault(PINS, set())
st.session_state.setdefault(FORBIDS, set())
if st.session_state.pop(CLEAR_WHY, False):
    st.session_state[WHY] = ""  # the reason served one action; the next one needs its own

left, right = st.columns([3, 2])
label = left.selectbox("Team or municipality", list(choices), key=SCOPE)
policy_limit = round_.effective_policy().time_limit_seconds
with right.expander("Advanced: solver and time limit"):
    time_limit = st.number_input(
        "Time limit (s)",
        min_value=1.0,
        max_value=600.0,
        value=min(DEFAULT_TIME_LIMIT, policy_limit),
    )
    solver = st.selectbox(
        "Solver", list(SOLVERS), help="auto: the round policy's solver, else HiGHS"
    )
scope = choices[label]
st.caption(
    f"Round date {round_day(round_).isoformat()} · awards are dated on it · "
    f"solver {solver}, time limit {time_limit:,.0f} s"
)

requests = cached_open_requests()
if scope.teams:
    requests = requests[requests["team"].isin(scope.teams)]
with st.expander(f"Open requests in scope: {len(requests):,}", expanded=False):
    f1, f2 = st.columns(2)
    urgency = f1.multiselect("Urgency", ["crisis", "high", "normal"])
    interventions = f2.multiselect("Intervention", sorted(requests["intervention"].unique()))
    shown = requests
    if urgency:
        shown = shown[shown["urgency"].isin(urgency)]
    if interventions:
        shown = shown[shown["intervention"].isin(interventions)]
    st.dataframe(
        shown,
        hide_index=True,
        height=300,
        placeholder="",
        column_config={"units": st.column_config.NumberColumn(format="%.2f")},
    )


def run() -> None:
    """Solve the scope with the session's pins and forbids; keep the result in the session."""
    result = run_with_progress(
        "Matching",
        lambda progress: solve_and_record(
            db_url(),
            round_,
            scope,
            actor=actor(),
            pins=st.session_state[PINS],
            forbids=st.session_state[FORBIDS],
            time_limit=float(time_limit),
            solver=solver,
            progress=progress,
            import_id=round_import(),
        ),
    )
    st.session_state[RESULT] = (label, result)
    # overrides that no longer apply leave the session; the notices say which and why
    st.session_state[PINS] = st.session_state[PINS] - result.dropped
    st.session_state[FORBIDS] = st.session_state[FORBIDS] - result.dropped


if st.button("Run matching", type="primary"):
    run()
if st.session_state.get("revoked"):
    st.success(f"Revoked: {st.session_state.pop('revoked')}. Run the matching again to place it.")

stored = st.session_state.get(RESULT)
# the undo controls come before the result: they are the way out of any result
overrides_panel(PINS, FORBIDS, None if stored is None else stored[1].run_id)
in_scope = {r.request_id for r in round_.requests if r.team_id in scope.teams}
revoke_panel(in_scope if scope.teams else None)
if stored is None or stored[0] != label:
    st.info("Run the matching to see proposals for this scope.")
    st.stop()
result = stored[1]


def settle_overrides(done: set[str], run_id: int | None) -> None:
    """An award settles its requests: their pins and forbids leave the session (audited)."""
    pins, forbids = st.session_state[PINS], st.session_state[FORBIDS]
    keep_pins, keep_forbids = without_requests(pins, done), without_requests(forbids, done)
    entries = [OverrideEntry(r, p, "unpin", "settled by the award") for r, p in pins - keep_pins]
    entries += [
        OverrideEntry(r, p, "unforbid", "settled by the award") for r, p in forbids - keep_forbids
    ]
    log_overrides(
        db_url(),
        sorted(entries, key=lambda e: (e.request_id, e.provider_id)),
        actor=actor(),
        run_id=run_id,
    )
    st.session_state[PINS], st.session_state[FORBIDS] = keep_pins, keep_forbids


for notice in result.notices:
    st.info(notice)
show_run_summary(result.summary)
if result.outcome.status not in ("optimal", "feasible"):
    st.error(result.outcome.message or "The solver found no solution.")
    st.stop()

st.subheader(f"Proposals ({len(result.proposals):,})")
st.caption(
    "Tick **pin** to keep a match, **forbid** to rule it out, then re-solve. "
    "Tick **award** and press Award to write the awards."
)
table = result.proposals.copy()
table.insert(0, "award", False)
table.insert(1, "forbid", False)
table.insert(
    1,
    "pin",
    [
        (r, p) in st.session_state[PINS]
        for r, p in zip(table["request"], table["provider"], strict=True)
    ],
)
edited = st.data_editor(
    table,
    hide_index=True,
    placeholder="",
    disabled=[c for c in table.columns if c not in ("award", "pin", "forbid")],
    column_config={
        "why": st.column_config.TextColumn(width="large"),
        "tariff": money_column(),
        "cost a week": money_column(),
        "next best pays more a week": money_column(),
        "next best score difference": score_column(),
        "km": st.column_config.NumberColumn(format="%.1f"),
        "units": st.column_config.NumberColumn(format="%.2f"),
    },
    key=f"proposals-{result.run_id}",
    height=420,
)
reason = st.text_input("Why (written in the audit with pins, forbids and awards)", key=WHY)
col_resolve, col_award, _ = st.columns([2, 2, 4])
pairs = list(zip(edited["request"], edited["provider"], strict=True))
pinned = {pair for pair, flag in zip(pairs, edited["pin"], strict=True) if flag}
forbidden = {pair for pair, flag in zip(pairs, edited["forbid"], strict=True) if flag}

if col_resolve.button("Re-solve with pins and forbids"):
    shown_pairs = set(pairs)
    old_pins = st.session_state[PINS]
    new_pins = (old_pins - shown_pairs) | (pinned - forbidden)
    new_forbids = st.session_state[FORBIDS] | forbidden
    entries = [OverrideEntry(r, p, "pin", reason) for r, p in sorted(new_pins - old_pins)]
    entries += [OverrideEntry(r, p, "unpin", reason) for r, p in sorted(old_pins - new_pins)]
    entries += [
        OverrideEntry(r, p, "forbid", reason)
        for r, p in sorted(new_forbids - st.session_state[FORBIDS])
    ]
    log_overrides(db_url(), entries, actor=actor(), run_id=result.run_id)
    st.session_state[PINS], st.session_state[FORBIDS] = new_pins, new_forbids
    st.session_state[CLEAR_WHY] = bool(entries)
    run()
    st.rerun()

chosen = sorted(edited.loc[edited["award"], "request"])
if col_award.button(f"Award selected ({len(chosen)})", disabled=not chosen):
    try:
        awarded = award(db_url(), result, chosen, actor=actor(), why=reason, on=round_day(round_))
    except AwardRefusedError as exc:
        st.error("Nothing was awarded:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
    else:
        forget_round()
        done = {line.request_id for line in awarded}
        settle_overrides(done, result.run_id)
        kept = result.proposals[~result.proposals["request"].isin(done)]
        st.session_state[RESULT] = (label, replace(result, proposals=kept.reset_index(drop=True)))
        st.session_state["match_awarded"] = awarded
        st.session_state[CLEAR_WHY] = True
        st.rerun()

if st.session_state.get("match_awarded"):
    lines = st.session_state.pop("match_awarded")
    cost = sum(float(line.cost) for line in lines)
    st.success(
        f"Awarded: {', '.join(line.request_id for line in lines)} (€ {cost:,.2f} a week). "
        "The figures above are those of the run; run the matching again to refresh them."
    )
download_buttons(result.proposals, "proposals")

st.subheader(f"Unplaced requests ({len(result.unplaced):,})")
searched = result.unplaced["change that would place it"].astype(bool).any()
if not result.unplaced.empty and not searched:
    ask, how_many = st.columns([3, 1])
    count = how_many.number_input("How many", min_value=1, max_value=50, value=3)
    if ask.button("Find the change that would place the most urgent ones (re-solves each)"):
        result = run_with_progress(
            "Searching the cheapest changes",
            lambda progress: find_changes(round_, result, scope, int(count)),
        )
        st.session_state[RESULT] = (label, result)
st.dataframe(
    result.unplaced.drop(columns=list(CODE_COLUMNS)),
    hide_index=True,
    placeholder="",
    column_config={
        "detail": st.column_config.TextColumn(width="large"),
        "change that would place it": st.column_config.TextColumn(width="large"),
    },
    height=360,
)
download_buttons(result.unplaced, "unplaced")
