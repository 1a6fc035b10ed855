"""One case: the ranked providers for one request, as a table (``matcher recommend``'s view).

Room is counted on one stated basis, so the case and the round never contradict each other:
after the current proposals of a round run that holds the request (its other requests'
matches take their room), else after the awards only. Awards made since the run are not
counted twice: their requests' proposals are left out.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from matcher.domain import Round
from matcher.domain.money import euro_amount
from matcher.matching import MatchOutcome, recommend
from matcher.services.access import Actor, Permission, require, require_requests

COLUMNS = [
    "rank",
    "provider",
    "provider name",
    "admissible",
    "fits",
    "tariff",
    "cost a week",
    "pays more a week than no. 1",
    "weighted terms (score, not paid)",
    "room left (units a week)",
    "reasons",
]


@dataclass(frozen=True)
class Ranking:
    """The ranked table and, in words, what its room is counted after."""

    table: pd.DataFrame
    basis: str


def ranked_providers(round_: Round, request_id: str, *, actor: Actor) -> pd.DataFrame:
    """Every candidate provider of the request, on the room left after the awards."""
    return rank_case(round_, request_id, actor=actor).table


def rank_case(
    round_: Round,
    request_id: str,
    outcome: MatchOutcome | None = None,
    run: str = "",
    *,
    actor: Actor,
) -> Ranking:
    """Every candidate provider of the request: admissible first, best objective first.

    With ``outcome`` (a round run, described by ``run``) that holds the request, the room
    is what that run's other proposals leave; otherwise what the awards leave. Only for a
    regisseur of the request's team.
    """
    teams_of = {r.request_id: r.team_id for r in round_.requests}
    if request_id in teams_of:  # an unknown request is refused by recommend, in its words
        require_requests(actor, teams_of, [request_id])
    else:
        require(actor, Permission.MATCH)
    used = outcome if outcome is not None and request_id in outcome.problem.request_ids else None
    if used is not None:
        used = _without_awarded(round_, used)
        basis = f"Room left after the current proposals of {run or 'the last run'}."
    else:
        basis = (
            "Room left after the awards only: no run of this session holds this request, so "
            "other open requests' proposals are not counted."
        )
    names = {p.provider_id: p.name for p in round_.providers}
    rows = [
        {
            "rank": item.rank,
            "provider": item.provider_id,
            "provider name": names.get(item.provider_id, ""),
            "admissible": item.rejection_code is None,
            "fits": item.fits,
            "tariff": euro_amount(item.tariff_cents),
            "cost a week": euro_amount(item.cost_cents),
            "pays more a week than no. 1": euro_amount(item.cost_delta_cents),
            "weighted terms (score, not paid)": None
            if item.objective_cents is None or item.cost_cents is None
            else euro_amount(item.objective_cents - item.cost_cents),
            "room left (units a week)": None
            if item.remaining_units is None
            else float(item.remaining_units),
            "reasons": "; ".join(item.reasons),
        }
        for item in recommend(round_, request_id, used)
    ]
    return Ranking(pd.DataFrame(rows, columns=COLUMNS), basis)


def _without_awarded(round_: Round, outcome: MatchOutcome) -> MatchOutcome:
    """The run's proposals less those of requests awarded since (the awards count them)."""
    awarded = {a.request_id for a in round_.awards or ()}
    problem = outcome.problem
    keep = [
        int(a)
        for a in outcome.chosen.tolist()
        if problem.request_ids[int(problem.pair_request[a])] not in awarded
    ]
    return replace(outcome, chosen=np.asarray(keep, dtype=np.int64))
