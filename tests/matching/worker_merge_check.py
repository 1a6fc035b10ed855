"""``neighbourhoods.merge`` on a real stage, in a process of its own: prints one JSON line.

``python -m tests.matching.worker_merge_check`` draws a scarce round of
``benchmarks/scale.py`` (400 requests), builds its problem, makes the worker's ``LiveModel``
of the whole round as ``HighsSession`` sends it and moves it to the ``place_normal`` stage
(objective of ``stage_objectives``; the earlier stages' rows are left out, they only narrow
the feasible set). From the greedy start it runs one search (``Neighbourhoods.improve``) with
seed 1 and one with seed 2, merges the two answers (as one MIP, as ``merge`` does for so few
differing pairs, and piece by piece, ``merge_in_pieces``), reports how the differing pairs
were split into pieces (``pieces_split``: every pair in exactly one piece, and no request or
limit row of at most ``ROW_CAP`` pairs in two), and reports their values, whether each
satisfies every row (checked here on the model's matrix and, separately, on the problem's
own ``assign_once`` and limit rows), and the LP relaxation's optimum from a fresh HiGHS
model as an upper bound. tests/matching/test_highs_worker.py runs it and judges the figures.

Its own process because it imports ``highspy``, which must never share a process with
OR-Tools (pytest's); ``highspy`` is imported first, before ``matcher.matching.backends``
would block it.
"""

import json
import sys
import time
from typing import Any

import highspy  # first: matcher.matching.backends blocks it in processes that have not
import numpy as np
import numpy.typing as npt

from matcher.highs_worker import LARGE_COLUMNS
from matcher.highs_worker.model import LiveModel
from matcher.highs_worker.neighbourhoods import ROW_CAP, merge, merge_in_pieces
from matcher.matching.build import build_problem
from matcher.matching.formulation import linear_model, whole
from matcher.matching.greedy import fill
from matcher.matching.problem import MatchingProblem
from matcher.matching.stages import stage_objectives

REQUESTS = 400
SEED = 3
SEARCH_SECONDS = 1.5  # per search; the figures judged do not depend on how far it gets
MERGE_SECONDS = 5.0
STAGE = "place_normal"


def live_model(problem: MatchingProblem) -> LiveModel:
    """The worker's model of the whole round, from the arrays ``HighsSession`` sends."""
    part = whole(problem)
    linear = linear_model(problem, part)
    return LiveModel(
        matrix=linear.matrix,
        row_lo=linear.row_lo,
        row_hi=linear.row_hi,
        lb=linear.lb,
        ub=linear.ub,
        n_assign=int(np.unique(problem.pair_request).size),
        n_limits=len(part.limits),
        large=part.cols.size > LARGE_COLUMNS,
    )


def satisfies_matrix(model: LiveModel, x: npt.NDArray[np.bool_]) -> bool:
    """``lo <= A x <= hi`` and ``lb <= x <= ub`` on the live model's own arrays."""
    activity = model.matrix @ x.astype(np.float64)
    rows = (activity >= model.lo - 1e-9) & (activity <= model.hi + 1e-9)
    cols = (x >= model.lb) & (x <= model.ub)
    return bool(rows.all() and cols.all())


def satisfies_problem(problem: MatchingProblem, x: npt.NDArray[np.bool_]) -> bool:
    """Each request placed at most once, and every limit row of the problem (before the
    model's gcd reduction) within its right-hand side."""
    placed = problem.pair_request[x]
    if np.unique(placed).size != placed.size:
        return False
    return all(int((limit.coeffs * x[limit.pairs]).sum()) <= limit.rhs for limit in problem.limits)


def lp_optimum(model: LiveModel) -> tuple[float, str]:
    """The stage's LP relaxation solved to its optimum by a HiGHS model of its own: an upper
    bound on any answer of the (maximising) stage."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = model.n, model.matrix.shape[0]
    lp.col_cost_ = model.cost
    lp.col_lower_, lp.col_upper_ = model.lb, model.ub
    lp.row_lower_ = np.where(np.isfinite(model.lo), model.lo, -highspy.kHighsInf)
    lp.row_upper_ = np.where(np.isfinite(model.hi), model.hi, highspy.kHighsInf)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = model.matrix.indptr
    lp.a_matrix_.index_ = model.matrix.indices
    lp.a_matrix_.value_ = model.matrix.data
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    return float(highs.getInfo().objective_function_value), status


def check() -> dict[str, Any]:
    """Build, search twice, merge, and measure (see the module doc)."""
    from benchmarks.scale import scarce_round

    problem = build_problem(scarce_round(REQUESTS, seed=SEED))
    model = live_model(problem)
    part = whole(problem)
    name, objective, maximize = next(s for s in stage_objectives(problem, part) if s[0] == STAGE)
    model.set_stage(objective.astype(np.float64), maximize, [], np.zeros(0, dtype=np.int32))
    start = fill(problem, part, problem.pair_pinned.copy())
    x = model.search.improve(model, start, time.perf_counter() + SEARCH_SECONDS, 1).x
    y = model.search.improve(model, start, time.perf_counter() + SEARCH_SECONDS, 2).x
    merged = merge(model, x, y, MERGE_SECONDS)
    differ = np.flatnonzero(x != y).astype(np.int64)
    better = x if value_of(objective, x) >= value_of(objective, y) else y
    in_pieces = merge_in_pieces(model, better, differ, MERGE_SECONDS)
    bound, status = lp_optimum(model)

    def value(answer: npt.NDArray[np.bool_]) -> int:
        return value_of(objective, answer)

    return {
        "stage": name,
        "requests": problem.n_requests,
        "pairs": problem.n_pairs,
        "rows": int(model.matrix.shape[0]),
        "start": value(start),
        "x": value(x),
        "y": value(y),
        "merged": value(merged),
        "merged_in_pieces": value(in_pieces),
        "pairs_where_x_and_y_differ": int(differ.size),
        "pieces": len(model.search.pieces(differ)),
        "pieces_split": pieces_split(model, differ),
        "feasible_matrix": {
            k: satisfies_matrix(model, a) for k, a in _named(x, y, merged, in_pieces)
        },
        "feasible_problem": {
            k: satisfies_problem(problem, a) for k, a in _named(x, y, merged, in_pieces)
        },
        "lp_bound": bound,
        "lp_status": status,
        "ortools_loaded": any(m == "ortools" or m.startswith("ortools.") for m in sys.modules),
    }


def value_of(objective: npt.NDArray[np.int64], answer: npt.NDArray[np.bool_]) -> int:
    return int(objective[answer].sum())


def pieces_split(model: LiveModel, differ: npt.NDArray[np.int64]) -> bool:
    """Every differing pair in exactly one piece, and no request and no limit row of at most
    ``ROW_CAP`` pairs holding pairs of two pieces (counted here from the model's matrix)."""
    pieces = model.search.pieces(differ)
    together = np.sort(np.concatenate(pieces)) if pieces else np.zeros(0, dtype=np.int64)
    if not np.array_equal(together, np.sort(differ)):
        return False
    n_assign = model.search.n_requests
    limits = model.matrix[n_assign : n_assign + model.search.limit_cols.shape[0]].tocsr()
    small = np.diff(limits.indptr) <= ROW_CAP
    owner_of_request: dict[int, int] = {}
    owner_of_row: dict[int, int] = {}
    for k, piece in enumerate(pieces):
        for j in piece.tolist():
            request = int(model.matrix[:n_assign, j].nonzero()[0][0])
            if owner_of_request.setdefault(request, k) != k:
                return False
            for row in limits[:, j].nonzero()[0].tolist():
                if small[row] and owner_of_row.setdefault(row, k) != k:
                    return False
    return True


def _named(*answers: npt.NDArray[np.bool_]) -> list[tuple[str, npt.NDArray[np.bool_]]]:
    return list(zip(("x", "y", "merged", "in_pieces"), answers, strict=True))


if __name__ == "__main__":
    print(json.dumps(check()))
