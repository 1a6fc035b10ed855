"""A solved round as typed rows: one proposal per chosen pair, one entry per unplaced request.

Every face renders these and nothing else: ``matcher match``'s CSV files, the app's tables
and the batch's run record. Money stays in cents and units in hundredths here; each face
converts once, with ``domain.money``.
"""

from dataclasses import dataclass

from matcher.matching.engine import MatchResult
from matcher.matching.explain import Explanation, Unplaced
from matcher.matching.explain_placed import Alternative
from matcher.matching.terms import COST, score_cents


@dataclass(frozen=True)
class Proposal:
    """One proposed match: the pair's tariff, units, objective terms (cents, in the order of
    ``matching.terms``), distance, pin, the runner-up and the note on the client's choice."""

    request_id: str
    provider_id: str
    tariff_cents: int
    units: int  # hundredths of a unit (UNIT_SCALE)
    terms: dict[str, int]
    km: float | None
    pinned: bool
    next_best: Alternative | None = None
    preference_note: str | None = None

    @property
    def cost_cents(self) -> int:
        """What the team pays a week."""
        return self.terms[COST.name]

    @property
    def objective_cents(self) -> int:
        """The pair's cost-stage score: the sum of its terms."""
        return score_cents(self.terms)


def proposals_of(result: MatchResult, explanation: Explanation | None) -> tuple[Proposal, ...]:
    """One proposal per chosen pair, in the order of the chosen pairs (request order)."""
    problem = result.problem
    out = []
    for a in result.chosen.tolist():
        rid = problem.request_ids[int(problem.pair_request[a])]
        placed = explanation.placed.get(rid) if explanation is not None else None
        km = float(problem.pair_km[a])
        out.append(
            Proposal(
                request_id=rid,
                provider_id=problem.provider_ids[int(problem.pair_provider[a])],
                tariff_cents=int(problem.pair_tariff[a]),
                units=int(problem.pair_units[a]),
                terms=problem.terms_of(a),
                km=None if km != km else km,
                pinned=bool(problem.pair_pinned[a]),
                next_best=placed.next_best if placed is not None else None,
                preference_note=placed.preference_note if placed is not None else None,
            )
        )
    return tuple(out)


def unplaced_of(result: MatchResult, explanation: Explanation | None) -> tuple[Unplaced, ...]:
    """Every request without a match, with its reasons; none when the round was not explained.

    The round's open requests come first, in round order; requests that are never matched
    case by case (task-funded interventions) follow, so every request without a match and
    without an award is accounted for. One the explanation has no entry for gets no reasons
    (its code reads ``unexplained``).
    """
    if explanation is None:
        return ()
    problem = result.problem
    placed = {problem.request_ids[int(r)] for r in problem.pair_request[result.chosen].tolist()}
    known = set(problem.request_ids)
    extra = [rid for rid in explanation.unplaced if rid not in known]
    return tuple(
        explanation.unplaced.get(rid) or Unplaced(rid, (), None)
        for rid in (*problem.request_ids, *extra)
        if rid not in placed
    )
