"""The lexicographic stages, solved one after another on one part.

Stage ``place_crisis``, ``place_high`` and ``place_normal`` each maximise the aging-weighted
number of placed requests of one urgency class; ``cost`` minimises cost plus the weighted
secondary terms. Every stage adds the row ``stage objective >= its optimum`` for the stages
after it, so no later stage can trade away an earlier optimum: the result is exactly
lexicographic (models/matching.md). Each stage starts from the previous stage's solution,
which is feasible for it.
"""

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.matching.backends.base import (
    Backend,
    StageResult,
    StageRow,
    StageStatus,
    StageTask,
)
from matcher.matching.formulation import Part
from matcher.matching.problem import MatchingProblem

CLASS_STAGES = ("place_crisis", "place_high", "place_normal")
COST_STAGE = "cost"


@dataclass(frozen=True)
class StageRecord:
    """What one stage of one part reached: objective, proven bound, status, seconds."""

    name: str
    status: StageStatus
    objective: int
    bound: float
    seconds: float


@dataclass(frozen=True)
class PartSolution:
    """The chosen pairs of one part (global pair indices) and the record of its stages."""

    chosen: npt.NDArray[np.int64]
    stages: tuple[StageRecord, ...]
    status: StageStatus
    message: str = ""


def stage_objectives(problem: MatchingProblem, part: Part) -> list[tuple[str, np.ndarray, bool]]:
    """(name, objective over the part's pairs, maximise?) of every stage that has pairs."""
    rank = problem.urgency_rank[problem.pair_request[part.cols]]
    weight = problem.weight[problem.pair_request[part.cols]]
    stages: list[tuple[str, np.ndarray, bool]] = []
    for k, name in enumerate(CLASS_STAGES):
        mask = rank == k
        if mask.any():
            stages.append((name, np.where(mask, weight, 0).astype(np.int64), True))
    stages.append((COST_STAGE, problem.pair_objective[part.cols].astype(np.int64), False))
    return stages


def solve_single(problem: MatchingProblem, part: Part) -> PartSolution | None:
    """Decide a part of one request without a solver: the best pair that fits on its own.

    Exact because nothing else competes for the rows this request touches. Returns None when
    the part has more than one request.
    """
    if np.unique(problem.pair_request[part.cols]).size != 1:
        return None
    fits = np.ones(part.cols.size, dtype=np.bool_)
    local = {int(a): j for j, a in enumerate(part.cols.tolist())}
    for limit in part.limits:
        for a, c in zip(limit.pairs.tolist(), limit.coeffs.tolist(), strict=True):
            if a in local and c > limit.rhs:
                fits[local[a]] = False
    pinned = problem.pair_pinned[part.cols]
    if pinned.any():
        fits &= pinned
    if not fits.any():
        status = StageStatus.INFEASIBLE if pinned.any() else StageStatus.OPTIMAL
        return PartSolution(np.asarray([], dtype=np.int64), (), status)
    cost = problem.pair_objective[part.cols]
    candidates = np.flatnonzero(fits)
    best = candidates[np.argmin(cost[candidates])]
    return PartSolution(np.asarray([part.cols[best]], dtype=np.int64), (), StageStatus.OPTIMAL)


def solve_part(
    problem: MatchingProblem,
    part: Part,
    backend: Backend,
    deadline: float,
    threads: int = 1,
    warm: npt.NDArray[np.bool_] | None = None,
) -> PartSolution:
    """Run every stage of one part on one backend, keeping each optimum for the next."""
    single = solve_single(problem, part)
    if single is not None:
        return single
    rows: list[StageRow] = []
    records: list[StageRecord] = []
    hint = warm
    status = StageStatus.OPTIMAL
    x = np.zeros(part.cols.size, dtype=np.bool_)
    stages = stage_objectives(problem, part)
    for done, (name, objective, maximize) in enumerate(stages):
        # Time left is shared among the stages still to run; what a stage does not use
        # passes on to the next.
        share = max(deadline - time.perf_counter(), 0.0) / (len(stages) - done)
        task = StageTask(
            problem, part, objective, maximize, tuple(rows), hint, max(share, 0.05), threads
        )
        result: StageResult = backend.solve(task)
        if result.status in (StageStatus.INFEASIBLE, StageStatus.ERROR):
            if result.status is StageStatus.ERROR and hint is not None and rows:
                # Out of time before any solution: the previous stage's answer still holds
                # every earlier optimum, so it stands, unimproved.
                result = StageResult(
                    StageStatus.FEASIBLE,
                    hint,
                    int(objective[hint].sum()),
                    float("nan"),
                    result.seconds,
                )
            else:
                records.append(StageRecord(name, result.status, 0, float("nan"), result.seconds))
                return PartSolution(
                    np.asarray([], dtype=np.int64), tuple(records), result.status, result.message
                )
        if result.status is StageStatus.FEASIBLE:
            status = StageStatus.FEASIBLE
        records.append(
            StageRecord(name, result.status, result.objective, result.bound, result.seconds)
        )
        rows.append(
            StageRow(
                objective if maximize else -objective,
                result.objective if maximize else -result.objective,
            )
        )
        x = result.x
        hint = x
    return PartSolution(part.cols[x].astype(np.int64), tuple(records), status)
