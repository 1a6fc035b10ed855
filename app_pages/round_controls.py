"""The Matching round page's undo controls: remove pins and forbids one by one, revoke an
award after a confirmation. Each owns its session keys (``overrides-*``, ``revoke-*``)."""

import pandas as pd
import streamlit as st

from app_pages.components import money_column
from app_pages.state import actor, db_url, forget_round
from matcher.data.db.audit import OverrideEntry
from matcher.data.db.awarding import AwardRefusedError
from matcher.services.award_undo import revocable_awards, revoke
from matcher.services.round_session import log_overrides

PENDING = "revoke-pending"


def overrides_panel(pins_key: str, forbids_key: str, run_id: int | None) -> None:
    """The session's pins and forbids, each with a tick box to remove it; removals are
    written in the audit as unpin / unforbid."""
    pins: set[tuple[str, str]] = st.session_state[pins_key]
    forbids: set[tuple[str, str]] = st.session_state[forbids_key]
    if not pins and not forbids:
        return
    with st.expander(f"Active pins and forbids ({len(pins) + len(forbids)})", expanded=True):
        table = pd.DataFrame(
            [(False, r, p, "pin") for r, p in sorted(pins)]
            + [(False, r, p, "forbid") for r, p in sorted(forbids)],
            columns=["remove", "request", "provider", "override"],
        )
        edited = st.data_editor(
            table,
            hide_index=True,
            disabled=["request", "provider", "override"],
            column_config={"remove": st.column_config.CheckboxColumn(width="small")},
            width="content",  # four short columns: no need to stretch over the page
            key=f"overrides-{len(pins)}-{len(forbids)}-{run_id}",
        )
        ticked = edited[edited["remove"]]
        st.caption("Tick the ones to remove; the next run solves without them.")
        if st.button(f"Remove ticked ({len(ticked)})", disabled=ticked.empty):
            entries = [
                OverrideEntry(
                    str(row.request), str(row.provider), f"un{row.override}", "removed by hand"
                )
                for row in ticked.itertuples()
            ]
            log_overrides(db_url(), entries, actor=actor(), run_id=run_id)
            gone = {(e.request_id, e.provider_id) for e in entries}
            st.session_state[pins_key] = pins - gone
            st.session_state[forbids_key] = forbids - gone
            st.rerun()


def revoke_panel(request_ids: set[str] | None) -> None:
    """The awards made from the app in this scope, and a two-step revoke of one of them."""
    awards = revocable_awards(db_url(), actor(), request_ids)
    if awards.empty:
        return
    with st.expander(f"Awards made from the app in this scope ({len(awards):,})"):
        st.dataframe(
            awards,
            hide_index=True,
            column_config={"tariff": money_column(), "cost a week": money_column()},
        )
        labels = {
            f"{rid} with {pid} (€ {cost:,.2f} a week)": str(rid)
            for rid, pid, cost in zip(
                awards["request"], awards["provider"], awards["cost a week"], strict=True
            )
        }
        picked = st.selectbox("Award to revoke", list(labels), key="revoke-pick")
        why = st.text_input("Why is it revoked (written in the audit)", key="revoke-why")
        pending = st.session_state.get(PENDING)
        if pending is None:
            if st.button("Revoke this award …", disabled=not why.strip()):
                st.session_state[PENDING] = labels[picked]
                st.rerun()
            return
        st.warning(
            f"Revoke the award of {pending}? The request becomes open again, the provider's "
            "room and the team's budget come back. The audit keeps both lines."
        )
        yes, no, _ = st.columns([1, 1, 4])
        if yes.button("Yes, revoke", type="primary"):
            st.session_state.pop(PENDING)
            try:
                line = revoke(db_url(), pending, actor=actor(), why=why)
            except AwardRefusedError as exc:
                st.error("Nothing was revoked:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
                return
            forget_round()
            st.session_state["revoked"] = f"{line.request_id} (was with {line.provider_id})"
            st.rerun()
        if no.button("Cancel"):
            st.session_state.pop(PENDING)
            st.rerun()
