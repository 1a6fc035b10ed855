"""What every explanation of one solved outcome looks up, and the codes it speaks in.

Shared by the unplaced reasons (explain.py) and the placed notes (explain_placed.py), so
the lookups are built once per outcome and a national round stays linear.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.domain import Request, Round
from matcher.matching.problem import MatchingProblem, Rejection, RejectReason
from matcher.matching.room import URGENCY_NAMES, Room, describe_use

# For the types only: recommend imports this module's codes, and the engine would bring the
# decomposition (scipy.sparse.csgraph) that ranking never uses, SciPy itself 0.15 s more.
if TYPE_CHECKING:
    import scipy.sparse as sp

    from matcher.matching.engine import MatchOutcome

REASON_CODES = (
    "no_admissible_bid",
    "not_certified",
    "certification_expired",
    "tariff_out_of_band",
    "excluded_by_client",
    "missing_specialism",
    "beyond_distance",
    "no_capacity",
    "forbidden",
    "capacity_full",
    "budget_exhausted",
    "market_share_cap",
    "outranked",
    "task_funded",
    "pin_conflict",
    "time_limit",
    "not_explained",
)

REJECT_CODE = {
    RejectReason.NOT_CERTIFIED: "not_certified",
    RejectReason.CERTIFICATION_EXPIRED: "certification_expired",
    RejectReason.TARIFF_OUT_OF_BAND: "tariff_out_of_band",
    RejectReason.EXCLUDED_BY_CLIENT: "excluded_by_client",
    RejectReason.MISSING_SPECIALISM: "missing_specialism",
    RejectReason.BEYOND_DISTANCE: "beyond_distance",
    RejectReason.FORBIDDEN: "forbidden",
    RejectReason.NO_CAPACITY_ROW: "no_capacity",
}

ORDINALS = ("1st", "2nd", "3rd")


@dataclass(frozen=True)
class Context:
    """What every explanation of one outcome looks up, computed once as arrays.

    ``blocking`` is pair x row: the shortfall of each pair on each row it does not fit (the
    pair's coefficient minus the room left once the chosen pairs are counted, as
    ``Room.binding``); ``takers`` is row x chosen pair: the requests whose chosen pair uses
    the row. ``next_best`` is each request's admissible pair with the smallest objective
    other than its chosen one (ties by provider id), -1 when it has none.
    """

    round_: Round
    outcome: "MatchOutcome"
    room: Room
    placed_pair: dict[int, int]
    pairs_of: dict[int, list[int]]
    rejections_of: dict[int, list[Rejection]]
    # Looked up once per request: computed here so a national round stays linear.
    requests: dict[str, Request]
    objective: npt.NDArray[np.int64]
    provider_of_pair: list[int]
    next_best: npt.NDArray[np.int64]
    blocking: "sp.csr_matrix"
    takers: "sp.csr_matrix"
    words: dict[int, str] = field(default_factory=dict)  # describe_use of each row, once

    @classmethod
    def of(cls, round_: Round, outcome: "MatchOutcome") -> "Context":
        problem = outcome.problem
        request_of = problem.pair_request.astype(np.int64)
        order = np.argsort(request_of, kind="stable")
        starts = np.searchsorted(request_of[order], np.arange(problem.n_requests + 1))
        pairs_of = {
            r: order[starts[r] : starts[r + 1]].tolist()
            for r in range(problem.n_requests)
            if starts[r + 1] > starts[r]
        }
        rejections_of: dict[int, list[Rejection]] = defaultdict(list)
        for rejection in problem.rejections:
            rejections_of[rejection.request_index].append(rejection)
        room = Room.of(problem, outcome.chosen)
        return cls(
            round_,
            outcome,
            room,
            {int(problem.pair_request[a]): int(a) for a in outcome.chosen.tolist()},
            pairs_of,
            rejections_of,
            {r.request_id: r for r in round_.requests},
            problem.pair_objective,
            problem.pair_provider.tolist(),
            _next_best(problem, room.chosen),
            _blocking(problem, room),
            _takers(problem, outcome.chosen),
        )

    @property
    def problem(self) -> MatchingProblem:
        return self.outcome.problem

    def provider(self, a: int) -> str:
        return self.problem.provider_ids[self.provider_of_pair[a]]

    def binding(self, a: int) -> list[int]:
        """The rows on which pair a does not fit."""
        start, end = self.blocking.indptr[a], self.blocking.indptr[a + 1]
        rows: list[int] = self.blocking.indices[start:end].tolist()
        return rows

    def requests_on(self, rows: list[int]) -> npt.NDArray[np.int64]:
        """The requests whose chosen pair uses any of the rows, each once."""
        ptr, idx = self.takers.indptr, self.takers.indices
        found = [idx[ptr[k] : ptr[k + 1]] for k in rows]
        if not found:
            return np.asarray([], dtype=np.int64)
        return np.unique(self.problem.pair_request[self.outcome.chosen[np.concatenate(found)]])

    def use(self, k: int) -> str:
        """Row k's load in words (``describe_use``), worded once per row."""
        if k not in self.words:
            self.words[k] = describe_use(self.round_, self.room, k)
        return self.words[k]


def _next_best(problem: MatchingProblem, chosen: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Per request, the unchosen pair with the smallest objective (ties by provider id)."""
    best = np.full(problem.n_requests, -1, dtype=np.int64)
    others = np.flatnonzero(~chosen)
    if others.size == 0:
        return best
    ids = np.asarray(problem.provider_ids, dtype=object)
    name_rank = np.empty(ids.size, dtype=np.int64)
    name_rank[np.argsort(ids, kind="stable")] = np.arange(ids.size)
    request = problem.pair_request[others]
    order = np.lexsort(
        (name_rank[problem.pair_provider[others]], problem.pair_objective[others], request)
    )
    first = np.unique(request[order], return_index=True)
    best[first[0]] = others[order[first[1]]]
    return best


def _blocking(problem: MatchingProblem, room: Room) -> "sp.csr_matrix":
    """Pair x row: the shortfall where the pair does not fit the room left on the row."""
    import scipy.sparse as sp

    rows = problem.pair_rows
    free = np.asarray([lim.rhs for lim in problem.limits], dtype=np.int64) - room.lhs
    short = rows.data - free[rows.indices] if rows.nnz else rows.data
    blocked = sp.csr_matrix(
        (np.where(short > 0, short, 0), rows.indices.copy(), rows.indptr.copy()), shape=rows.shape
    )
    blocked.eliminate_zeros()  # in place: hence the copies, pair_rows is the problem's own
    return blocked


def _takers(problem: MatchingProblem, chosen: npt.NDArray[np.int64]) -> "sp.csr_matrix":
    """Row x position in ``chosen``: the chosen pairs that use each row (a positive
    coefficient, as ``Room.chosen_in``)."""
    used = problem.pair_rows[chosen].tocsr()
    used.data = (used.data > 0).astype(np.int64)
    used.eliminate_zeros()
    return used.T.tocsr()


def higher(problem: MatchingProblem, other: int, ri: int) -> str | None:
    """The words for request ``other`` when it comes before ri, else None."""
    mine, theirs = int(problem.urgency_rank[ri]), int(problem.urgency_rank[other])
    if theirs < mine or (theirs == mine and int(problem.weight[other]) > int(problem.weight[ri])):
        return _label(theirs, mine)
    return None


def ahead(problem: MatchingProblem, others: npt.NDArray[np.int64], ri: int) -> dict[str, int]:
    """``higher`` for many requests at once: how many of ``others`` come before ri, counted
    by their words, most urgent class first."""
    mine = int(problem.urgency_rank[ri])
    rank = problem.urgency_rank[others]
    first = (rank < mine) | ((rank == mine) & (problem.weight[others] > problem.weight[ri]))
    counts = np.bincount(rank[first], minlength=len(URGENCY_NAMES)).tolist()
    return {_label(u, mine): n for u, n in enumerate(counts) if n}


def _label(theirs: int, mine: int) -> str:
    """A request of class ``theirs`` that comes before one of class ``mine``, in words."""
    return URGENCY_NAMES[theirs] if theirs < mine else f"{URGENCY_NAMES[theirs]} waiting longer"
