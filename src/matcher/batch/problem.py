"""The batch's matching problem: the round's problem plus the change penalty.

Last night's proposals should not churn for a cent: a regisseur may already have called the
provider. So the cost stage charges ``change_penalty`` cents for every request whose previous
proposal is still admissible but not repeated (changed to another provider, or dropped). As
a linear term that is ``penalty x (1 - x[previous pair])``: the constant is left out of the
model and the previous pair's coefficient is lowered by the penalty (``pair_change``). Other
pairs of the request are thereby ``penalty`` dearer than staying, and dropping the request
costs the penalty too (models/batch.md).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np

from matcher.matching import IntArray, Limit, MatchingProblem, Part


@dataclass(frozen=True)
class BatchProblem(MatchingProblem):
    """A MatchingProblem whose cost-stage coefficients include ``pair_change`` (cents)."""

    pair_change: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def pair_objective(self) -> IntArray:
        """Cost, secondary terms and the change term: what the cost stage minimises."""
        return super().pair_objective + self.pair_change


def with_change_penalty(
    problem: MatchingProblem, previous: Mapping[str, str | None], penalty_cents: int
) -> tuple[BatchProblem, int]:
    """The problem with the change term, and the number of previous proposals it protects.

    Only a previous proposal whose pair is still admissible counts: for any other request
    every choice is a change, and a penalty on all of them would change nothing.
    """
    change = np.zeros(problem.n_pairs, dtype=np.int64)
    protected = 0
    if previous and penalty_cents:
        request_ids = np.asarray(problem.request_ids, dtype=object)
        provider_ids = np.asarray(problem.provider_ids, dtype=object)
        before = np.asarray(
            [previous.get(r) for r in request_ids[problem.pair_request].tolist()], dtype=object
        )
        same = before == provider_ids[problem.pair_provider]
        change[same] = -penalty_cents
        protected = int(same.sum())
    values = {f.name: getattr(problem, f.name) for f in fields(MatchingProblem)}
    return BatchProblem(**values, pair_change=change), protected


def as_batch(problem: MatchingProblem) -> BatchProblem:
    """A plain problem as a BatchProblem without a change term (what a worker solves)."""
    return with_change_penalty(problem, {}, 0)[0]


def restrict(problem: BatchProblem, part: Part) -> BatchProblem:
    """The part as a self-contained problem with its own request, provider and pair numbers.

    This is what a Dask task receives: only the part's arrays (a few MB at most), never the
    round. Pair ``j`` of the result is pair ``part.cols[j]`` of the problem; part.cols is
    sorted (``decompose.split`` sorts it).
    """
    cols = part.cols
    requests, pair_request = np.unique(problem.pair_request[cols], return_inverse=True)
    providers, pair_provider = np.unique(problem.pair_provider[cols], return_inverse=True)
    limits = tuple(
        Limit(
            limit.kind,
            limit.key,
            np.searchsorted(cols, limit.pairs).astype(np.int64),
            limit.coeffs,
            limit.rhs,
            limit.total,
            limit.used,
        )
        for limit in part.limits
    )
    return BatchProblem(
        request_ids=tuple(problem.request_ids[r] for r in requests.tolist()),
        provider_ids=tuple(problem.provider_ids[p] for p in providers.tolist()),
        urgency_rank=problem.urgency_rank[requests],
        weight=problem.weight[requests],
        pair_request=pair_request.astype(np.int64),
        pair_provider=pair_provider.astype(np.int64),
        pair_tariff=problem.pair_tariff[cols],
        pair_units=problem.pair_units[cols],
        pair_terms={name: values[cols] for name, values in problem.pair_terms.items()},
        pair_from_bid=problem.pair_from_bid[cols],
        pair_km=problem.pair_km[cols],
        pair_pinned=problem.pair_pinned[cols],
        limits=limits,
        pair_change=problem.pair_change[cols],
    )
