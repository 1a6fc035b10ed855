"""The tables of a solved round as the Matching round page shows them: one row per proposal
with its reasons and the next-best alternative, one row per unplaced request with its
reasons, and the run's figures: thin renderers of ``round_run.RoundReport``. Money in
euros, units as numbers; requests named by request_id only.

"Pays more" is euros a week the team would pay; "score difference" is the objective
difference (cost plus the policy-weighted distance, preference and continuity terms).
"""

from typing import Any

import pandas as pd

from matcher.domain.money import cents_to_euros, euro_amount
from matcher.matching import SECONDARY_TERMS, UNIT_SCALE, Proposal
from matcher.services.catalogue import words
from matcher.services.round_run import RoundReport

# Columns kept for tools (downloads) and left out of the page's tables: they hold codes.
CODE_COLUMNS = ("reason",)
PROPOSAL_COLUMNS = [
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
UNPLACED_COLUMNS = [
    "request",
    "team",
    "intervention",
    "urgency",
    "reason",
    "why not placed",
    "detail",
    "change that would place it",
]
URGENCY_ORDER = {"crisis": 0, "high": 1, "normal": 2}


def proposals_table(report: RoundReport) -> pd.DataFrame:
    """One row per proposed match, with its reasons and the next-best alternative."""
    requests = {r.request_id: r for r in report.round_.requests}
    providers = {p.provider_id: p.name for p in report.round_.providers}
    rows = []
    for p in report.proposals:
        request = requests[p.request_id]
        next_best = p.next_best
        rows.append(
            {
                "request": p.request_id,
                "team": request.team_id,
                "intervention": request.intervention_id,
                "urgency": request.urgency.value,
                "provider": p.provider_id,
                "provider name": providers.get(p.provider_id, ""),
                "tariff": euro_amount(p.tariff_cents),
                "units": p.units / UNIT_SCALE,
                "cost a week": euro_amount(p.cost_cents),
                "km": p.km,
                "pinned": p.pinned,
                "why": _why(p),
                "next best": next_best.provider_id if next_best else "",
                "next best pays more a week": euro_amount(next_best.cost_delta_cents)
                if next_best
                else None,
                "next best score difference": euro_amount(next_best.delta_cents)
                if next_best
                else None,
            }
        )
    return pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)


def _why(p: Proposal) -> str:
    """The proposal's cost, then its weighted terms (a score, not paid) in words, then the
    note on the client's first choice."""
    parts = [f"costs € {cents_to_euros(p.cost_cents):,.2f} a week"]
    terms = [
        f"{words('term', term.name)} {cents_to_euros(value):+,.2f}"
        for term in SECONDARY_TERMS
        if (value := p.terms[term.name])
    ]
    if terms:
        parts.append("weighted terms (score, not paid): " + ", ".join(terms))
    if p.pinned:
        parts.append("pinned by the regisseur")
    text = "; ".join(parts)
    return f"{text}. {p.preference_note}" if p.preference_note else text


def unplaced_table(report: RoundReport) -> pd.DataFrame:
    """One row per request left unplaced, its reasons and the change that would place it,
    most urgent first."""
    requests = {r.request_id: r for r in report.round_.requests}
    rows = []
    for item in report.unplaced:
        request = requests.get(item.request_id)
        rows.append(
            {
                "request": item.request_id,
                "team": request.team_id if request else "",
                "intervention": request.intervention_id if request else "",
                "urgency": request.urgency.value if request else "",
                "reason": ", ".join(r.code for r in item.reasons),
                "why not placed": "; ".join(words("reason", r.code) for r in item.reasons),
                "detail": " ".join(r.detail for r in item.reasons),
                "change that would place it": item.cheapest_change or "",
            }
        )
    frame = pd.DataFrame(rows, columns=UNPLACED_COLUMNS)
    return frame.sort_values(
        by=["urgency", "request"], key=lambda s: s.map(URGENCY_ORDER) if s.name == "urgency" else s
    ).reset_index(drop=True)


def run_figures(report: RoundReport) -> dict[str, Any]:
    """The figures of a run as the page and the run record show them: money in euros, the
    engine's one gap rule (None when unknown), the stages proven."""
    s = report.summary
    return s.figures() | {
        "gap_known": s.gap_known,
        "proven": list(s.proven),
        "seconds": round(s.seconds, 2),
        "message": s.message,
    }
