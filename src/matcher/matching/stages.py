"""The lexicographic stages, solved one after another on one part.

Stage ``place_crisis``, ``place_high`` and ``place_normal`` each maximise the aging-weighted
number of placed requests of one urgency class; ``cost`` minimises cost plus the weighted
secondary terms. Every stage adds the row ``stage objective >= its optimum`` for the stages
after it, so no later stage can trade away an earlier optimum: the result is exactly
lexicographic (models/matching.md). Each stage starts from the previous stage's solution,
which is feasible for it.
"""

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from matcher.matching.backends.base import (
    Backend,
    NoTimeLeft,
    PartSolver,
    StageResult,
    StageRow,
    StageStatus,
    StageTask,
    open_part,
)
from matcher.matching.formulation import Part
from matcher.matching.greedy import fill, fits
from matcher.matching.problem import MatchingProblem

CLASS_STAGES = ("place_crisis", "place_high", "place_normal")
COST_STAGE = "cost"
# A class stage gets this many shares of the time left for every share of the cost stage:
# a client left waiting weighs more than euros, and on scarce rounds the placement search
# gains most per second (benchmarks/README.md, 5,000 requests at 10 s).
CLASS_WEIGHT = 2.0


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
    """Decide a part of one request (or none) without a solver: the best pair that fits on
    its own.

    Exact because nothing else competes for the rows this request touches. Returns None when
    the part has more than one request. A part without pairs has nothing to decide (a solver
    would call its model empty, and HiGHS answers that as a failure).
    """
    if part.cols.size == 0:
        return PartSolution(np.asarray([], dtype=np.int64), (), StageStatus.OPTIMAL)
    if np.unique(problem.pair_request[part.cols]).size != 1:
        return None
    rows = part.rows.tocoo()
    too_big = rows.data > part.rhs[rows.col]  # a pair that alone overfills one of its rows
    fits = np.bincount(rows.row[too_big], minlength=part.cols.size) == 0
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
    rel_gap: float = 0.0,
) -> PartSolution:
    """Run every stage of one part on one backend, keeping each optimum for the next."""
    single = solve_single(problem, part)
    if single is not None:
        return single
    try:
        session = (
            NoTimeLeft() if deadline <= time.perf_counter() else open_part(backend, problem, part)
        )
    except RuntimeError as exc:  # the solver could not start: the part has no answer
        return PartSolution(np.asarray([], dtype=np.int64), (), StageStatus.ERROR, str(exc))
    try:
        return _run_stages(problem, part, session, deadline, threads, warm, rel_gap)
    finally:
        session.close()


def _run_stages(
    problem: MatchingProblem,
    part: Part,
    backend: PartSolver,
    deadline: float,
    threads: int,
    warm: npt.NDArray[np.bool_] | None,
    rel_gap: float,
) -> PartSolution:
    """The stage loop of ``solve_part`` on an opened part."""
    rows: list[StageRow] = []
    must_place: frozenset[int] = frozenset()
    records: list[StageRecord] = []
    status = StageStatus.OPTIMAL
    x = _start(problem, part, warm)
    stages = stage_objectives(problem, part)
    weights = [CLASS_WEIGHT if maximize else 1.0 for _, _, maximize in stages]
    for done, (name, objective, maximize) in enumerate(stages):
        # Time left is shared among the stages still to run by their weights; what a stage
        # does not use passes on to the next.
        left = max(deadline - time.perf_counter(), 0.0)
        share = left * weights[done] / sum(weights[done:])
        hint = None if x is None else fill(problem, part, x)
        task = StageTask(
            problem,
            part,
            objective,
            maximize,
            tuple(rows),
            hint,
            max(share, 0.05),
            threads,
            rel_gap,
            must_place,
        )
        everyone = _whole_class(problem, part, objective) if maximize else None
        if everyone is not None and hint is not None and int(objective[hint].sum()) == everyone[0]:
            # The start already places the whole class: nothing can beat it, no solve needed.
            result = StageResult(StageStatus.OPTIMAL, hint, everyone[0], float(everyone[0]), 0.0)
        else:
            result = _better_of(backend.solve(task), hint, objective, maximize)
        if result.status in (StageStatus.INFEASIBLE, StageStatus.ERROR, StageStatus.NO_SOLUTION):
            records.append(StageRecord(name, result.status, 0, float("nan"), result.seconds))
            return PartSolution(
                np.asarray([], dtype=np.int64), tuple(records), result.status, result.message
            )
        if everyone is not None and result.objective == everyone[0]:
            # The whole class is placed: later stages keep that as equalities on assign_once,
            # a far tighter model than one aggregated row (exact: every optimum places them).
            result = StageResult(
                StageStatus.OPTIMAL,
                result.x,
                result.objective,
                float(everyone[0]),
                result.seconds,
            )
            must_place = must_place | everyone[1]
        else:
            rows.append(
                StageRow(
                    objective if maximize else -objective,
                    result.objective if maximize else -result.objective,
                )
            )
        if result.status is StageStatus.FEASIBLE:
            status = StageStatus.FEASIBLE
        record = StageRecord(name, result.status, result.objective, result.bound, result.seconds)
        records.append(with_trivial_bound(problem, part, record, must_place, tuple(rows)))
        x = result.x
    assert x is not None
    return PartSolution(part.cols[x].astype(np.int64), tuple(records), status)


def _start(
    problem: MatchingProblem, part: Part, warm: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.bool_] | None:
    """The pins, plus last round's matches where they still fit; None when the pins alone
    break a row (the solver then proves the round infeasible)."""
    pinned = problem.pair_pinned[part.cols].copy()
    if warm is not None and fits(problem, part, warm | pinned):
        return warm | pinned
    return pinned if fits(problem, part, pinned) else None


def _better_of(
    result: StageResult,
    hint: npt.NDArray[np.bool_] | None,
    objective: npt.NDArray[np.int64],
    maximize: bool,
) -> StageResult:
    """The solver's answer, or the greedy start when the solver stopped with something worse.

    A proven answer is never worse than the start. An unproven or missing one may be (HiGHS
    through OR-Tools takes no start and returns nothing when its time runs out); the start
    satisfies every earlier stage row, so it is a valid answer for this stage.
    """
    if hint is None or result.status not in (StageStatus.FEASIBLE, StageStatus.NO_SOLUTION):
        return result
    value = int(objective[hint].sum())
    if result.status is StageStatus.FEASIBLE:
        better = result.objective > value if maximize else result.objective < value
        if better or result.objective == value:
            return result
    return StageResult(StageStatus.FEASIBLE, hint, value, result.bound, result.seconds)


def _whole_class(
    problem: MatchingProblem, part: Part, objective: npt.NDArray[np.int64]
) -> tuple[int, frozenset[int]] | None:
    """The most points a class stage can reach (every request of the class placed) and
    those requests; None for a stage that is not a class stage."""
    requests = problem.pair_request[part.cols][objective > 0]
    if requests.size == 0:
        return None
    members = np.unique(requests)
    return int(problem.weight[members].sum()), frozenset(members.tolist())


def with_trivial_bound(
    problem: MatchingProblem,
    part: Part,
    record: StageRecord,
    must_place: frozenset[int] = frozenset(),
    rows: tuple[StageRow, ...] = (),
) -> StageRecord:
    """The record with the tighter of the solver's bound and a trivial one (one rule, every face).

    A stage that ran out of time may come back without a bound (NaN), or with one that says
    nothing (HiGHS reports about 1e20 before its first LP). Both are valid bounds, so the
    tighter one is kept: every request of the class placed (a placement stage), or for the
    cost stage ``cost_floor`` over the earlier stages' ``must_place`` and ``rows``.
    """
    if record.name in CLASS_STAGES:
        requests = np.unique(problem.pair_request[part.cols])
        k = CLASS_STAGES.index(record.name)
        trivial = float(problem.weight[requests][problem.urgency_rank[requests] == k].sum())
        bound = trivial if not math.isfinite(record.bound) else min(record.bound, trivial)
    else:
        trivial = cost_floor(problem, part, must_place, rows)
        bound = trivial if not math.isfinite(record.bound) else max(record.bound, trivial)
    return replace(record, bound=bound)


def cost_floor(
    problem: MatchingProblem,
    part: Part,
    must_place: frozenset[int],
    rows: tuple[StageRow, ...],
) -> float:
    """A true lower bound on the cost stage without a solver: the limit rows and pins dropped,
    the stage rows ``coeffs x >= lower`` priced in with multipliers ``lam >= 0``:

        L(lam) = sum_k lam_k lower_k
                 + sum_r min(0 unless r is in must_place, min_a c[a] - sum_k lam_k coeffs_k[a])

    (``a`` over the pairs of request ``r``).
    Any ``lam >= 0`` gives a bound (a relaxation, then weak duality). Each ``lam_k`` is the
    best for its row alone (the row's requests at their cheapest pair per point, in order,
    until they reach ``lower_k``). Without rows and ``must_place`` it is each request at its
    cheapest pair or unplaced, whichever is lower; with them, the bound of a part whose
    earlier stages placed (nearly) every request is near the sum of their cheapest pairs
    instead of 0, which is what an unbounded stage on a large part used to report.
    """
    requests, local = np.unique(problem.pair_request[part.cols], return_inverse=True)
    cost = problem.pair_objective[part.cols].astype(np.float64)
    cheapest = _per_request_min(cost, local, requests.size)
    placed = np.isin(requests, np.fromiter(must_place, dtype=np.int64, count=len(must_place)))
    reduced = cost.copy()
    constant = 0.0
    for row in rows:
        weight = np.zeros(requests.size)
        np.maximum.at(weight, local, row.coeffs.astype(np.float64))
        active = (weight > 0) & ~placed
        if not active.any() or row.lower <= 0:
            continue
        ratio = cheapest[active] / weight[active]
        order = np.argsort(ratio)
        reached = int(np.searchsorted(np.cumsum(weight[active][order]), row.lower))
        lam = max(float(ratio[order][min(reached, ratio.size - 1)]), 0.0)
        reduced -= lam * row.coeffs
        constant += lam * row.lower
    best = _per_request_min(reduced, local, requests.size)
    total = constant + float(np.where(placed, best, np.minimum(best, 0.0)).sum())
    return float(math.ceil(total - 1e-6))  # integer objective: round the bound up


def _per_request_min(
    values: npt.NDArray[np.float64], local: npt.NDArray[np.int64], n: int
) -> npt.NDArray[np.float64]:
    out = np.full(n, np.inf)
    np.minimum.at(out, local, values)
    return out
