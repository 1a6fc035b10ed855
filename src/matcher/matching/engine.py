"""Match one round: build, split into parts, run the stages on each part, add up.

``solve`` is the one pipeline every face calls (``matcher match``, the app, the batch,
what-if, too-big-to-fail); the runner says where the parts are solved.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

import numpy as np
import numpy.typing as npt

from matcher.domain import Round
from matcher.matching.backends.base import StageStatus
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.formulation import Part
from matcher.matching.overrides import Overrides
from matcher.matching.problem import MatchingProblem, PinConflict
from matcher.matching.runner import LocalRunner, Runner, backend_named
from matcher.matching.settings import MatchSettings, Solver
from matcher.matching.stages import CLASS_STAGES, COST_STAGE, PartSolution

Progress = Callable[[int, int], None]


class MatchStatus(StrEnum):
    """How a match ended (equal to its plain string, as the faces show it)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    ERROR = "error"


@dataclass(frozen=True)
class StageTotal:
    """One stage summed over all parts."""

    name: str
    objective: int
    bound: float
    proven: bool

    def record(self) -> dict[str, object]:
        """The stage as summary.json and the batch's run record write it (None: no bound)."""
        return {
            "name": self.name,
            "objective": self.objective,
            "bound": self.bound if math.isfinite(self.bound) else None,
            "proven": self.proven,
            "unit": "cents" if self.name == COST_STAGE else "points",
        }


@dataclass(frozen=True)
class MatchResult:
    """The result of one round: chosen pairs, status, stage totals and timings.

    The gap rule (``gap``) is the same for every face: the largest relative stage gap.
    """

    problem: MatchingProblem
    status: MatchStatus
    chosen: npt.NDArray[np.int64]
    stages: tuple[StageTotal, ...]
    solver: str
    seconds: float
    build_seconds: float
    n_parts: int
    message: str = ""
    pin_conflicts: tuple[PinConflict, ...] = field(default=())

    @property
    def total_cost_cents(self) -> int:
        """Sum of the chosen matches' cost (tariff x units, or the tariff for output funding)."""
        return int(self.problem.pair_cost[self.chosen].sum())

    @property
    def objective_cents(self) -> int:
        """The last stage's objective: cost plus the weighted secondary terms."""
        return int(self.problem.pair_objective[self.chosen].sum())

    @property
    def bound_cents(self) -> float:
        """Proven lower bound of the last stage (equal to the objective when optimal)."""
        for stage in self.stages:
            if stage.name == COST_STAGE:
                return stage.bound
        return float(self.objective_cents)

    @property
    def gap(self) -> float:
        """Largest relative stage gap (bound against value); NaN when a stage has no bound.

        A stage counted as solved within the policy's ``mip_gap`` may show a gap up to it.
        """
        worst = 0.0
        for stage in self.stages:
            if math.isnan(stage.bound):
                return math.nan  # stopped without a proven bound: the gap is unknown
            worst = max(worst, abs(stage.bound - stage.objective) / max(abs(stage.objective), 1))
        return worst

    @property
    def reported_gap(self) -> float | None:
        """The gap as every face reports it: rounded to six places, None when unknown or when
        the round was not solved."""
        if self.status not in (MatchStatus.OPTIMAL, MatchStatus.FEASIBLE) or math.isnan(self.gap):
            return None
        return round(self.gap, 6)


def match_round(
    round_: Round,
    solver: str = "auto",
    time_limit: float | None = None,
    threads: int = 1,
    overrides: Overrides | None = None,
    progress: Progress | None = None,
    mip_gap: float | None = None,
    settings: MatchSettings | None = None,
) -> "MatchResult":
    """Build and solve a round to the lexicographic optimum (or the best found in time).

    ``settings`` when given, else the round's policy with these overrides (``auto`` = the
    policy's solver; ``mip_gap`` default the policy's).
    """
    started = time.perf_counter()
    overrides = overrides or Overrides()
    if settings is None:
        settings = MatchSettings.from_policy(
            round_.effective_policy(),
            solver=solver,
            time_limit=time_limit,
            threads=threads,
            mip_gap=mip_gap,
        )
    problem = build_problem(round_, overrides)
    return solve(
        problem,
        settings,
        _local(progress),
        previous=overrides.previous,
        started=started,
    )


def solve(
    problem: MatchingProblem,
    settings: MatchSettings,
    runner: Runner | None = None,
    *,
    previous: frozenset[tuple[str, str]] = frozenset(),
    warm: npt.NDArray[np.bool_] | None = None,
    parts: list[Part] | None = None,
    started: float | None = None,
) -> "MatchResult":
    """Solve a built problem part by part on the runner (default: this process).

    ``warm`` (a start per pair) or ``previous`` (last round's pairs) seed the solver;
    ``parts`` is ``split(problem)`` when the caller has it already.
    """
    started = time.perf_counter() if started is None else started
    build_seconds = time.perf_counter() - started
    end = partial(
        _outcome,
        problem,
        solver=settings.solver.value,
        started=started,
        build_seconds=build_seconds,
    )
    if problem.pin_conflicts:
        message = _conflict_message(problem.pin_conflicts)
        return end(MatchStatus.INFEASIBLE, [], 0, message, problem.pin_conflicts)
    runner = runner or _local(None)
    deadline = started + settings.time_limit
    parts = split(problem) if parts is None else parts
    if warm is None:
        warm = _warm_start(problem, previous)
    solutions: list[PartSolution] = []
    for index, solution in runner.run(problem, parts, settings, deadline, warm):
        if solution.status is StageStatus.INFEASIBLE:
            conflicts = pinned_limit_conflicts(problem, parts[index])
            message = _conflict_message(conflicts)
            return end(MatchStatus.INFEASIBLE, [], len(parts), message, conflicts)
        if solution.status in (StageStatus.ERROR, StageStatus.NO_SOLUTION):
            message = f"part {index} failed: {solution.message or solution.status.value}"
            return end(MatchStatus.ERROR, [], len(parts), message)
        solutions.append(solution)
    solved = all(s.status is StageStatus.OPTIMAL for s in solutions)
    status = MatchStatus.OPTIMAL if solved else MatchStatus.FEASIBLE
    return end(status, solutions, len(parts))


def solve_problem(
    problem: MatchingProblem,
    solver: str = "auto",
    time_limit: float = 60.0,
    threads: int = 1,
    previous: frozenset[tuple[str, str]] = frozenset(),
    progress: Progress | None = None,
) -> "MatchResult":
    """The earlier entry of ``solve`` (keyword arguments instead of MatchSettings)."""
    settings = MatchSettings(solver=Solver(solver), time_limit=time_limit, threads=threads)
    return solve(problem, settings, _local(progress), previous=previous)


def _local(progress: Progress | None) -> LocalRunner:
    # backend_named is looked up when a part is solved, so a test may replace it here.
    return LocalRunner(progress, lambda name: backend_named(name))


def _outcome(
    problem: MatchingProblem,
    status: MatchStatus,
    solutions: list[PartSolution],
    n_parts: int,
    message: str = "",
    conflicts: tuple[PinConflict, ...] = (),
    *,
    solver: str,
    started: float,
    build_seconds: float,
) -> MatchResult:
    chosen = (
        np.sort(np.concatenate([s.chosen for s in solutions])).astype(np.int64)
        if solutions
        else np.asarray([], dtype=np.int64)
    )
    totals = []
    for stage in (*CLASS_STAGES, COST_STAGE):
        records = [r for s in solutions for r in s.stages if r.name == stage]
        objective = _stage_value(problem, chosen, stage)
        # Parts decided without a solver are exact: their share of the bound is their value.
        by_solver = sum(r.objective for r in records)
        bound = sum(r.bound for r in records) + (objective - by_solver)
        proven = all(r.status is StageStatus.OPTIMAL for r in records)
        if stage != COST_STAGE and not records and objective == 0:
            continue
        totals.append(StageTotal(stage, objective, bound, proven))
    return MatchResult(
        problem=problem,
        status=status,
        chosen=chosen,
        stages=tuple(totals),
        solver=solver,
        seconds=time.perf_counter() - started,
        build_seconds=build_seconds,
        n_parts=n_parts,
        message=message,
        pin_conflicts=conflicts,
    )


def _stage_value(problem: MatchingProblem, chosen: np.ndarray, stage: str) -> int:
    if stage == COST_STAGE:
        return int(problem.pair_objective[chosen].sum())
    k = CLASS_STAGES.index(stage)
    requests = problem.pair_request[chosen]
    return int(problem.weight[requests][problem.urgency_rank[requests] == k].sum())


def _warm_start(
    problem: MatchingProblem, previous: frozenset[tuple[str, str]]
) -> npt.NDArray[np.bool_] | None:
    """Last round's matches as a start for the solver, where they are still admissible."""
    if not previous:
        return None
    keys = [
        (problem.request_ids[r], problem.provider_ids[p])
        for r, p in zip(problem.pair_request.tolist(), problem.pair_provider.tolist(), strict=True)
    ]
    return np.asarray([k in previous for k in keys], dtype=np.bool_)


def pinned_limit_conflicts(problem: MatchingProblem, part: Part) -> tuple[PinConflict, ...]:
    """Pins that together overfill one limit row (capacity, budget or share cap)."""
    pinned = set(part.cols[problem.pair_pinned[part.cols]].tolist())
    conflicts: list[PinConflict] = []
    for limit in part.limits:
        members = [j for j, a in enumerate(limit.pairs.tolist()) if a in pinned]
        used = int(limit.coeffs[members].sum()) if members else 0
        if members and used > limit.rhs:
            for j in members:
                a = int(limit.pairs[j])
                rid = problem.request_ids[int(problem.pair_request[a])]
                pid = problem.provider_ids[int(problem.pair_provider[a])]
                conflicts.append(
                    PinConflict(
                        rid,
                        pid,
                        f"pin {rid} to {pid}: the pins on {limit.kind.value} "
                        f"{limit.key[0]}/{limit.key[1]} need {used} but only {limit.rhs} is left",
                    )
                )
    if not conflicts:
        for a in sorted(pinned):
            rid = problem.request_ids[int(problem.pair_request[a])]
            pid = problem.provider_ids[int(problem.pair_provider[a])]
            conflicts.append(
                PinConflict(
                    rid, pid, f"pin {rid} to {pid}: the pins together break a limit of the round"
                )
            )
    return tuple(conflicts)


def _conflict_message(conflicts: tuple[PinConflict, ...]) -> str:
    return "the pinned matches contradict each other or the round: " + "; ".join(
        c.detail for c in conflicts
    )


# The earlier name of MatchResult, kept for callers (and tests) written against it.
MatchOutcome = MatchResult
