"""The greedy fill: what a regisseur would do with a list and a pen, and every stage's start.

Requests are taken one by one in priority order (urgency class, then aging points high to
low, then request id; ``MatchingProblem.request_rank``) and each gets its cheapest
admissible pair (lowest ``pair_objective``) that still fits every limit row it is in,
counting what earlier choices used; a pinned request is offered only its pinned pair. It is
fast and always feasible.

Two uses, one rule. ``greedy_matches`` is the hand-matching baseline the benchmarks compare
with (a yardstick for what the exact model gains: it never reconsiders a choice, so it can
block a later, heavier request or waste a provider only one client could use). ``fill``
extends a feasible answer: each stage starts from the previous stage's answer with every
request that still fits added, and that start stands if the solver stops with nothing
better. Adding a placement never lowers any stage's points, so the start satisfies every
earlier stage row.
"""

import numpy as np
import numpy.typing as npt

from matcher.matching.formulation import Part, whole
from matcher.matching.problem import MatchingProblem


def fill(
    problem: MatchingProblem, part: Part, chosen: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """``chosen`` (a mask over the part's pairs) plus every request that still fits.

    A row ``sum(coeffs x) <= rhs`` is checked as ``used + coeff <= rhs`` for each row of a
    candidate pair, which also covers market-share rows with their signed coefficients: a
    negative coefficient (a rival's placement) only makes room.
    """
    n = part.cols.size
    result = chosen.copy()
    if n == 0:
        return result
    request = problem.pair_request[part.cols]
    pinned = problem.pair_pinned[part.cols]
    # Candidates grouped by request in priority order, pins first, then cheapest first.
    order = np.lexsort(
        (np.arange(n), problem.pair_objective[part.cols], ~pinned, problem.request_rank[request])
    )
    rows = part.rows
    by_priority = rows[order]
    indptr, cols, coeffs = by_priority.indptr, by_priority.indices, by_priority.data
    rhs = part.rhs
    used = np.asarray(rows.T @ result.astype(np.int64)).ravel()
    placed = np.zeros(problem.n_requests, dtype=np.bool_)
    placed[request[result]] = True
    request_sorted = request[order]
    starts = np.flatnonzero(np.r_[True, request_sorted[1:] != request_sorted[:-1]])
    ends = np.r_[starts[1:], n]
    has_pin = pinned[order][starts]
    for s, e, pin in zip(starts.tolist(), ends.tolist(), has_pin.tolist(), strict=True):
        if placed[int(request_sorted[s])]:
            continue
        if pin:
            e = s + 1  # a pinned request is offered its pinned pair only
        lo, hi = int(indptr[s]), int(indptr[e])
        if lo == hi:
            result[int(order[s])] = True  # in no limit row: it always fits
            continue
        block = cols[lo:hi]
        fails = np.r_[0, np.cumsum(used[block] + coeffs[lo:hi] > rhs[block])]
        local = indptr[s : e + 1] - lo
        fitting = np.flatnonzero(fails[local[1:]] == fails[local[:-1]])
        if fitting.size == 0:
            continue
        j = s + int(fitting[0])
        a, b = int(indptr[j]), int(indptr[j + 1])
        used[cols[a:b]] += coeffs[a:b]
        result[int(order[j])] = True
    return result


def greedy_matches(problem: MatchingProblem) -> npt.NDArray[np.int64]:
    """Chosen pairs (global indices, sorted) of the hand-matching baseline: ``fill`` from
    nothing over the whole round."""
    if problem.n_pairs == 0:
        return np.asarray([], dtype=np.int64)
    return np.flatnonzero(fill(problem, whole(problem), np.zeros(problem.n_pairs, bool)))


def fits(problem: MatchingProblem, part: Part, chosen: npt.NDArray[np.bool_]) -> bool:
    """True when ``chosen`` respects assign_once and every limit row of the part."""
    request = problem.pair_request[part.cols][chosen]
    if np.unique(request).size != request.size:
        return False
    used = np.asarray(part.rows.T @ chosen.astype(np.int64)).ravel()
    return bool((used <= part.rhs).all())
