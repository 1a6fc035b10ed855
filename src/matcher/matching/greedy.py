"""The hand-matching baseline: what a regisseur would do with a list and a pen.

Requests are taken one by one in priority order (urgency class, then aging points high to
low, then request id) and each gets its cheapest admissible pair (lowest ``pair_objective``)
that still fits every limit row it is in, counting what earlier choices used. It is fast,
always feasible, and a yardstick for what the exact lexicographic model gains; it never
reconsiders a choice, so it can block a later, more urgent-by-weight request or waste a
provider that only one client could use.
"""

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.matching.problem import MatchingProblem


def priority_order(problem: MatchingProblem) -> npt.NDArray[np.int64]:
    """Request indices in the order a regisseur handles them: class, aging points, id."""
    ids = np.asarray(problem.request_ids, dtype=object)
    # lexsort sorts by the last key first.
    return np.lexsort((ids, -problem.weight, problem.urgency_rank)).astype(np.int64)


def _pair_rows(problem: MatchingProblem) -> sp.csr_matrix:
    """Pairs x limit rows, holding each pair's coefficient in each row it is in."""
    n_limits = len(problem.limits)
    if not problem.limits:
        return sp.csr_matrix((problem.n_pairs, 0), dtype=np.int64)
    rows = np.concatenate([limit.pairs for limit in problem.limits])
    cols = np.concatenate(
        [np.full(limit.pairs.size, k, dtype=np.int64) for k, limit in enumerate(problem.limits)]
    )
    vals = np.concatenate([limit.coeffs for limit in problem.limits]).astype(np.int64)
    return sp.csr_matrix((vals, (rows, cols)), shape=(problem.n_pairs, n_limits), dtype=np.int64)


def greedy_matches(problem: MatchingProblem) -> npt.NDArray[np.int64]:
    """Chosen pairs (global indices, sorted) of the priority-order, cheapest-fit baseline.

    A row ``sum(coeffs x) <= rhs`` is checked as ``used + coeff <= rhs`` for each row of a
    candidate pair, which also covers market-share rows with their signed coefficients: a
    negative coefficient (a rival's placement) only makes room. Pinned pairs are honoured:
    a request with a pin is offered only its pinned pair.
    """
    if problem.n_pairs == 0:
        return np.asarray([], dtype=np.int64)
    rank_of = np.empty(problem.n_requests, dtype=np.int64)
    rank_of[priority_order(problem)] = np.arange(problem.n_requests)
    # Candidates grouped by request in priority order, cheapest first, pins before the rest
    # (a pinned request then only looks at its first candidate).
    pinned = problem.pair_pinned
    order = np.lexsort(
        (np.arange(problem.n_pairs), problem.pair_objective, ~pinned, rank_of[problem.pair_request])
    )
    by_priority = _pair_rows(problem)[order]
    indptr, cols, coeffs = by_priority.indptr, by_priority.indices, by_priority.data
    rhs = np.asarray([limit.rhs for limit in problem.limits], dtype=np.int64)
    used = np.zeros(rhs.size, dtype=np.int64)
    request_sorted = problem.pair_request[order]
    starts = np.flatnonzero(np.r_[True, request_sorted[1:] != request_sorted[:-1]])
    ends = np.r_[starts[1:], order.size]
    has_pin = pinned[order][starts]
    chosen: list[int] = []
    for s, e, pin in zip(starts.tolist(), ends.tolist(), has_pin.tolist(), strict=True):
        if pin:
            e = s + 1
        lo, hi = int(indptr[s]), int(indptr[e])
        if lo == hi:
            chosen.append(int(order[s]))
            continue
        block = cols[lo:hi]
        fails = np.cumsum(used[block] + coeffs[lo:hi] > rhs[block])
        fails = np.r_[0, fails]
        local = indptr[s : e + 1] - lo
        fitting = np.flatnonzero(fails[local[1:]] == fails[local[:-1]])
        if fitting.size == 0:
            continue
        j = s + int(fitting[0])
        a, b = int(indptr[j]), int(indptr[j + 1])
        used[cols[a:b]] += coeffs[a:b]
        chosen.append(int(order[j]))
    return np.sort(np.asarray(chosen, dtype=np.int64))
