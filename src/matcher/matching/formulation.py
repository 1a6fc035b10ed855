"""The linear model of one part of a round, as a sparse matrix built from arrays.

Rows, in this order (names as in models/matching.md):
``assign_once[r]``  sum of x over the pairs of request r <= 1;
``limit[l]``        sum of coeffs x over the pairs of limit l <= rhs (capacity, budget,
                    market share).
Stage objectives and the rows that keep earlier stage optima are added by the stage runner.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.matching.problem import Limit, MatchingProblem, pair_limit_matrix


@dataclass(frozen=True)
class Part:
    """A set of pairs solved together, with the limits that touch them.

    ``cols`` are global pair indices; ``limits`` are the problem's limits restricted to these
    pairs. A whole round is one part; decomposition splits it into independent parts.
    """

    cols: npt.NDArray[np.int64]
    limits: tuple[Limit, ...]

    @cached_property
    def rows(self) -> sp.csr_matrix:
        """The part's pairs x its limit rows (``pair_limit_matrix``), computed once per part."""
        return pair_limit_matrix(self.cols, self.limits)

    @property
    def rhs(self) -> npt.NDArray[np.int64]:
        """The right-hand side of each limit row of the part."""
        return np.asarray([limit.rhs for limit in self.limits], dtype=np.int64)


@dataclass(frozen=True)
class LinearModel:
    """``row_lo <= A x <= row_hi``, ``lb <= x <= ub``, x binary, over the pairs of a part."""

    matrix: sp.csr_matrix
    row_lo: npt.NDArray[np.float64]
    row_hi: npt.NDArray[np.float64]
    lb: npt.NDArray[np.float64]
    ub: npt.NDArray[np.float64]
    row_names: tuple[str, ...]


def whole(problem: MatchingProblem) -> Part:
    """The whole round as one part."""
    return Part(np.arange(problem.n_pairs, dtype=np.int64), problem.limits)


def reduced_row(coeffs: npt.NDArray[np.int64], rhs: int) -> tuple[npt.NDArray[np.int64], int]:
    """Divide a row by the gcd of its coefficients and round the right-hand side down.

    With binary x the left side is a multiple of the gcd, so ``floor(rhs / g)`` cuts off no
    integer solution but tightens the LP: capacity counted in whole places (7 days a week
    each, say) becomes a row of ones, a network-flow row the LP solves exactly.
    """
    nonzero = np.abs(coeffs[coeffs != 0])
    g = int(np.gcd.reduce(nonzero)) if nonzero.size else 1
    if g <= 1:
        return coeffs, rhs
    return coeffs // g, rhs // g


def linear_model(
    problem: MatchingProblem, part: Part, must_place: frozenset[int] = frozenset()
) -> LinearModel:
    """Assemble the constraint matrix of a part from the problem's arrays in one go.

    Requests in ``must_place`` get ``assign_once`` as an equality (see ``StageTask``).
    """
    n = part.cols.size
    local = np.full(problem.n_pairs, -1, dtype=np.int64)
    local[part.cols] = np.arange(n)
    requests, request_row = np.unique(problem.pair_request[part.cols], return_inverse=True)
    rows = [request_row.astype(np.int64)]
    cols = [np.arange(n, dtype=np.int64)]
    vals = [np.ones(n, dtype=np.float64)]
    hi = [np.ones(requests.size, dtype=np.float64)]
    names = [f"assign_once[{problem.request_ids[r]}]" for r in requests.tolist()]
    base = requests.size
    for k, limit in enumerate(part.limits):
        members = local[limit.pairs]
        keep = members >= 0
        coeffs, rhs = reduced_row(limit.coeffs[keep], limit.rhs)
        rows.append(np.full(int(keep.sum()), base + k, dtype=np.int64))
        cols.append(members[keep])
        vals.append(coeffs.astype(np.float64))
        hi.append(np.asarray([rhs], dtype=np.float64))
        names.append(f"{limit.kind.value}[{limit.key[0]},{limit.key[1]}]")
    n_rows = base + len(part.limits)
    matrix = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, n)
    )
    row_hi = np.concatenate(hi)
    lb = problem.pair_pinned[part.cols].astype(np.float64)
    row_lo = np.full(n_rows, -np.inf)
    if must_place:
        row_lo[: requests.size] = np.where(
            np.isin(requests, np.fromiter(must_place, dtype=np.int64)), 1.0, -np.inf
        )
    return LinearModel(
        matrix=matrix,
        row_lo=row_lo,
        row_hi=row_hi,
        lb=lb,
        ub=np.ones(n, dtype=np.float64),
        row_names=tuple(names),
    )
