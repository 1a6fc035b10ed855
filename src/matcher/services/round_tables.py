"""The tables of a solved round as the Matching round page shows them: one row per proposal
with its reasons and the next-best alternative, one row per unplaced request with its
reasons. Money in euros, units as numbers; requests named by request_id only.

"Pays more" is euros a week the team would pay; "score difference" is the objective
difference (cost plus the policy-weighted distance, preference and continuity terms).
"""

from typing import Any

import pandas as pd

from matcher.domain import Round
from matcher.matching import UNIT_SCALE, Explanation, MatchOutcome
from matcher.services.catalogue import words

# Columns kept for tools (downloads) and left out of the page's tables: they hold codes.
CODE_COLUMNS = ("reason",)


def proposals_table(
    round_: Round, outcome: MatchOutcome, explanation: Explanation | None
) -> pd.DataFrame:
    """One row per proposed match, with its reasons and the next-best alternative."""
    problem = outcome.problem
    requests = {r.request_id: r for r in round_.requests}
    providers = {p.provider_id: p.name for p in round_.providers}
    rows = []
    for a in outcome.chosen.tolist():
        rid = problem.request_ids[int(problem.pair_request[a])]
        pid = problem.provider_ids[int(problem.pair_provider[a])]
        request = requests[rid]
        placed = explanation.placed.get(rid) if explanation else None
        next_best = placed.next_best if placed else None
        rows.append(
            {
                "request": rid,
                "team": request.team_id,
                "intervention": request.intervention_id,
                "urgency": request.urgency.value,
                "provider": pid,
                "provider name": providers.get(pid, ""),
                "tariff": int(problem.pair_tariff[a]) / 100,
                "units": int(problem.pair_units[a]) / UNIT_SCALE,
                "cost a week": int(problem.pair_cost[a]) / 100,
                "km": None
                if problem.pair_km[a] != problem.pair_km[a]
                else float(problem.pair_km[a]),
                "pinned": bool(problem.pair_pinned[a]),
                "why": _why(problem, a, placed.preference_note if placed else None),
                "next best": next_best.provider_id if next_best else "",
                "next best pays more a week": next_best.cost_delta_cents / 100
                if next_best
                else None,
                "next best score difference": next_best.delta_cents / 100 if next_best else None,
            }
        )
    columns = [
        "request",
        "team",
        "intervention",
        "urgency",
        "provider",
        "provider name",
        "tariff",
        "units",
        "cost a week",
        "km",
        "pinned",
        "why",
        "next best",
        "next best pays more a week",
        "next best score difference",
    ]
    return pd.DataFrame(rows, columns=columns)


def _why(problem: Any, a: int, note: str | None) -> str:
    """The chosen pair's cost, then its weighted terms (a score, not paid) in words, then the
    note on the client's first choice."""
    parts = [f"costs € {int(problem.pair_cost[a]) / 100:,.2f} a week"]
    terms = [
        f"{name} {value / 100:+,.2f}"
        for name, array in (
            ("distance", problem.pair_distance),
            ("preference", problem.pair_preference),
            ("continuity", problem.pair_continuity),
        )
        if (value := int(array[a]))
    ]
    if terms:
        parts.append("weighted terms (score, not paid): " + ", ".join(terms))
    if bool(problem.pair_pinned[a]):
        parts.append("pinned by the regisseur")
    words = "; ".join(parts)
    return f"{words}. {note}" if note else words


def unplaced_table(
    round_: Round, outcome: MatchOutcome, explanation: Explanation | None
) -> pd.DataFrame:
    """One row per request left unplaced, its reasons and the change that would place it."""
    requests = {r.request_id: r for r in round_.requests}
    rows = []
    if explanation is not None:
        for rid, item in explanation.unplaced.items():
            request = requests.get(rid)
            rows.append(
                {
                    "request": rid,
                    "team": request.team_id if request else "",
                    "intervention": request.intervention_id if request else "",
                    "urgency": request.urgency.value if request else "",
                    "reason": ", ".join(r.code for r in item.reasons),
                    "why not placed": "; ".join(words("reason", r.code) for r in item.reasons),
                    "detail": " ".join(r.detail for r in item.reasons),
                    "change that would place it": item.cheapest_change or "",
                }
            )
    columns = ["request", "team", "intervention", "urgency", "reason", "why not placed", "detail"]
    columns.append("change that would place it")
    frame = pd.DataFrame(rows, columns=columns)
    order = {"crisis": 0, "high": 1, "normal": 2}
    return frame.sort_values(
        by=["urgency", "request"], key=lambda s: s.map(order) if s.name == "urgency" else s
    ).reset_index(drop=True)
