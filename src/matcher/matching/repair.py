"""Extend a feasible solution greedily: the starting point (and fallback) of every stage.

Adding a placement never lowers any stage's points, so a solution that satisfied the earlier
stages still does after extension. Each stage therefore starts from the previous stage's
answer with every request that still fits added (highest priority first, cheapest pair
first). If a solver stops without an answer, this extension stands, so a time-limited
scarce round still places every request that obviously fits.
"""

import numpy as np
import numpy.typing as npt

from matcher.matching.formulation import Part
from matcher.matching.problem import MatchingProblem


def extend(
    problem: MatchingProblem, part: Part, chosen: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """``chosen`` (a mask over the part's pairs) plus every request that still fits."""
    cols = part.cols
    n = cols.size
    local = {int(a): j for j, a in enumerate(cols.tolist())}
    rows_of: list[list[int]] = [[] for _ in range(n)]
    coeff_of: list[list[int]] = [[] for _ in range(n)]
    left = np.asarray([limit.rhs for limit in part.limits], dtype=np.int64)
    for k, limit in enumerate(part.limits):
        for a, c in zip(limit.pairs.tolist(), limit.coeffs.tolist(), strict=True):
            j = local.get(a)
            if j is not None:
                rows_of[j].append(k)
                coeff_of[j].append(c)
    result = chosen.copy()
    for j in np.flatnonzero(result).tolist():
        for k, c in zip(rows_of[j], coeff_of[j], strict=True):
            left[k] -= c
    request = problem.pair_request[cols]
    placed = np.zeros(problem.n_requests, dtype=np.bool_)
    placed[request[result]] = True
    # Priority: class first, then more points, then the cheaper pair.
    order = np.lexsort(
        (
            problem.pair_objective[cols],
            -problem.weight[request],
            problem.urgency_rank[request],
        )
    )
    for j in order.tolist():
        r = int(request[j])
        if placed[r]:
            continue
        rows, coeffs = rows_of[j], coeff_of[j]
        if all(left[k] - c >= 0 for k, c in zip(rows, coeffs, strict=True)):
            for k, c in zip(rows, coeffs, strict=True):
                left[k] -= c
            result[j] = True
            placed[r] = True
    return result


def fits(problem: MatchingProblem, part: Part, chosen: npt.NDArray[np.bool_]) -> bool:
    """True when ``chosen`` respects assign_once and every limit row of the part."""
    request = problem.pair_request[part.cols][chosen]
    if np.unique(request).size != request.size:
        return False
    mask = np.zeros(problem.n_pairs, dtype=np.bool_)
    mask[part.cols[chosen]] = True
    return all(int(lim.coeffs[mask[lim.pairs]].sum()) <= lim.rhs for lim in part.limits)
