"""Ranked providers for one request: "who should take this one case?", instantly.

No solver runs: the admissible pairs of the one request are built (or read from a solved
outcome) and ranked by the last stage's objective (cost plus the weighted secondary terms).
Remaining room is the capacity left after running awards and, when an outcome is given,
after the other requests' chosen matches; a page can call this on every click.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from matcher.domain import ALL_INTERVENTIONS, Request, Round
from matcher.domain.money import to_cents
from matcher.matching.build import active_awards, build_problem, round_date_of
from matcher.matching.explain_context import ORDINALS, REJECT_CODE
from matcher.matching.problem import UNIT_SCALE, MatchingProblem, units_of
from matcher.matching.room import euros, intervention_unit_words, volume

# For the type only: the engine brings the decomposition (scipy.sparse.csgraph), which
# ranking a round (`matcher recommend`) never uses.
if TYPE_CHECKING:
    from matcher.matching.engine import MatchOutcome


@dataclass(frozen=True)
class Recommendation:
    """One provider for the request: admissible ones ranked 1, 2, ...; the others after.

    Money is in cents a week and volumes are weekly units. ``remaining_units`` is the free
    room on the provider's tightest capacity row (its row for the intervention or its ``*``
    total), None when it is not admissible. ``reasons`` are short phrases for the rank.
    ``delta_cents`` is the objective difference to rank 1 (cost plus the weighted secondary
    terms, a ranking score); ``cost_delta_cents`` the euros a week more the team pays than
    with rank 1 (negative: less).
    """

    provider_id: str
    rank: int | None
    tariff_cents: int | None
    units: Decimal | None
    cost_cents: int | None
    objective_cents: int | None
    terms: dict[str, int]
    delta_cents: int | None
    remaining_units: Decimal | None
    fits: bool
    reasons: tuple[str, ...]
    rejection_code: str | None = None
    cost_delta_cents: int | None = None


def recommend(
    round_: Round, request_id: str, outcome: "MatchOutcome | None" = None
) -> list[Recommendation]:
    """Every candidate provider of one request, admissible ones first, best objective first."""
    request = next((r for r in round_.requests if r.request_id == request_id), None)
    if request is None:
        raise ValueError(f"request {request_id} is not in the round")
    if outcome is not None and request_id in outcome.problem.request_ids:
        problem = outcome.problem
        chosen = outcome.chosen
    else:
        problem = build_problem(_only(round_, request_id))
        chosen = np.asarray([], dtype=np.int64)
    if request_id not in problem.request_ids:
        raise ValueError(
            f"request {request_id} is not open in this round: it is awarded already or "
            "its intervention is task-funded"
        )
    ri = problem.request_ids.index(request_id)
    pairs = np.flatnonzero(problem.pair_request == ri)
    others = chosen[problem.pair_request[chosen] != ri]
    free = _free_capacity(round_, problem, others)
    budget_left = _budget_left(round_, problem, others, request.team_id, request.intervention_id)
    objective = problem.pair_objective
    order = sorted(pairs.tolist(), key=lambda a: (int(objective[a]), _pid(problem, a)))
    best = int(objective[order[0]]) if order else 0
    first_cost = int(problem.pair_cost[order[0]]) if order else 0
    cheapest = min((int(problem.pair_cost[a]) for a in order), default=0)
    unit = intervention_unit_words(round_, request.intervention_id)
    out: list[Recommendation] = []
    for rank, a in enumerate(order, start=1):
        pid = _pid(problem, a)
        units = int(problem.pair_units[a])
        room = min(
            free.get((pid, request.intervention_id), np.inf),
            free.get((pid, ALL_INTERVENTIONS), np.inf),
        )
        remaining = None if room == np.inf else int(room)
        cost = int(problem.pair_cost[a])
        fits_room = remaining is None or units <= remaining
        fits_budget = budget_left is None or cost <= budget_left
        reasons = _reasons(problem, request, a, rank, cost == cheapest, first_cost)
        if not fits_room:
            reasons.append(f"full: would need {volume(units - (remaining or 0))} more {unit}")
        elif remaining is not None:
            reasons.append(f"room for {volume(remaining)} {unit}")
        if not fits_budget and budget_left is not None:
            reasons.append(f"over budget: the team has {euros(budget_left)} a week left")
        out.append(
            Recommendation(
                provider_id=pid,
                rank=rank,
                tariff_cents=int(problem.pair_tariff[a]),
                units=Decimal(units) / UNIT_SCALE,
                cost_cents=cost,
                objective_cents=int(objective[a]),
                terms=problem.terms_of(a),
                delta_cents=int(objective[a]) - best,
                remaining_units=None if remaining is None else Decimal(remaining) / UNIT_SCALE,
                fits=fits_room and fits_budget,
                reasons=tuple(reasons),
                cost_delta_cents=cost - first_cost,
            )
        )
    for rejection in sorted(
        (j for j in problem.rejections if j.request_index == ri), key=lambda j: j.provider_id
    ):
        out.append(
            Recommendation(
                provider_id=rejection.provider_id,
                rank=None,
                tariff_cents=None,
                units=None,
                cost_cents=None,
                objective_cents=None,
                terms={},
                delta_cents=None,
                remaining_units=None,
                fits=False,
                reasons=(rejection.detail,),
                rejection_code=REJECT_CODE[rejection.reason],
            )
        )
    return out


def _only(round_: Round, request_id: str) -> Round:
    """The round cut down to one request and its bids: building it takes no time."""
    return round_.model_copy(
        update={
            "requests": tuple(r for r in round_.requests if r.request_id == request_id),
            "bids": tuple(b for b in round_.bids if b.request_id == request_id),
        }
    )


def _pid(problem: MatchingProblem, a: int) -> str:
    return problem.provider_ids[int(problem.pair_provider[a])]


def _free_capacity(
    round_: Round, problem: MatchingProblem, others: np.ndarray
) -> dict[tuple[str, str], int]:
    """Free hundredths on every capacity row after running awards and ``others``' matches."""
    used: dict[tuple[str, str], int] = defaultdict(int)
    for award in active_awards(round_, round_date_of(round_)):
        used[(award.provider_id, award.intervention_id)] += units_of(award.units)
        used[(award.provider_id, ALL_INTERVENTIONS)] += units_of(award.units)
    intervention_of = {r.request_id: r.intervention_id for r in round_.requests}
    for a in others.tolist():
        pid = _pid(problem, a)
        iid = intervention_of[problem.request_ids[int(problem.pair_request[a])]]
        used[(pid, iid)] += int(problem.pair_units[a])
        used[(pid, ALL_INTERVENTIONS)] += int(problem.pair_units[a])
    return {
        (c.provider_id, c.intervention_id): units_of(c.capacity_units)
        - used[(c.provider_id, c.intervention_id)]
        for c in round_.capacity
    }


def _budget_left(
    round_: Round, problem: MatchingProblem, others: np.ndarray, team: str, intervention_id: str
) -> int | None:
    """Cents left in the request's team and segment budget, None when there is no budget."""
    segment = next(
        i.segment.value for i in round_.interventions if i.intervention_id == intervention_id
    )
    amount = next(
        (
            b.amount
            for b in round_.budgets or ()
            if b.team_id == team and b.segment.value == segment
        ),
        None,
    )
    if amount is None:
        return None
    requests = {r.request_id: r for r in round_.requests}
    segment_of = {i.intervention_id: i.segment.value for i in round_.interventions}
    spent = 0
    for a in others.tolist():
        other = requests[problem.request_ids[int(problem.pair_request[a])]]
        if other.team_id == team and segment_of[other.intervention_id] == segment:
            spent += int(problem.pair_cost[a])
    return to_cents(amount) - spent


def _reasons(
    problem: MatchingProblem, request: Request, a: int, rank: int, cheapest: bool, first: int
) -> list[str]:
    """Short phrases for why the pair ranks where it does."""
    pid = _pid(problem, a)
    reasons: list[str] = []
    if cheapest:
        reasons.append("cheapest")
    if pid in request.preferred_providers:
        k = request.preferred_providers.index(pid)
        reasons.append(f"client's {ORDINALS[k] if k < len(ORDINALS) else f'{k + 1}th'} choice")
    if request.current_provider == pid:
        reasons.append("current provider")
    km = float(problem.pair_km[a])
    if not np.isnan(km):
        reasons.append(f"{km:.1f} km")
    if not bool(problem.pair_from_bid[a]):
        reasons.append("standing offer")
    paid = int(problem.pair_cost[a]) - first
    if rank > 1 and paid > 0:
        reasons.append(f"{euros(paid)} a week more than no. 1")
    elif rank > 1 and paid < 0:
        reasons.append(f"{euros(-paid)} a week cheaper than no. 1, ranked lower on the other terms")
    return reasons
