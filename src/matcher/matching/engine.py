"""Match one round: build, split into parts, run the stages on each part, add up.

This is the function every face calls (``matcher match``, the app, the batch, what-if).
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.domain import Round
from matcher.domain.policy import DEFAULT_MIP_GAP
from matcher.matching.backends.base import Backend, StageStatus
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.formulation import Part
from matcher.matching.overrides import Overrides
from matcher.matching.problem import MatchingProblem, PinConflict
from matcher.matching.stages import CLASS_STAGES, COST_STAGE, PartSolution, solve_part

# "auto" is HiGHS through MathOpt, chosen from benchmarks/scale.py, benchmarks/gap.py and the
# demo region (figures in benchmarks/README.md): the tightest bounds and the best incumbents
# on scarce rounds, where CP-SAT and SCIP stay further from the optimum in the same time.
DEFAULT_SOLVER = "auto"
SOLVERS = ("auto", "highs", "scip", "cp-sat", "cbc")

Progress = Callable[[int, int], None]


def backend_named(name: str) -> Backend:
    """The backend for a solver name; ``auto`` is the benchmarked default."""
    if name in ("auto", "highs"):
        from matcher.matching.backends.mathopt_highs import MathOptHighsBackend

        return MathOptHighsBackend()
    if name == "cbc":
        from matcher.matching.backends.pulp_cbc import PulpBackend

        backend: Backend = PulpBackend()
        return backend
    from matcher.matching.backends.ortools_mb import ModelBuilderBackend

    return ModelBuilderBackend(name)


@dataclass(frozen=True)
class StageTotal:
    """One stage summed over all parts."""

    name: str
    objective: int
    bound: float
    proven: bool


@dataclass(frozen=True)
class MatchOutcome:
    """The result of one round: chosen pairs, status, stage totals and timings."""

    problem: MatchingProblem
    status: str
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


def match_round(
    round_: Round,
    solver: str = "auto",
    time_limit: float | None = None,
    threads: int = 1,
    overrides: Overrides | None = None,
    progress: Progress | None = None,
    mip_gap: float | None = None,
) -> MatchOutcome:
    """Solve a round to the lexicographic optimum (or the best found within the time limit).

    ``mip_gap`` (default: the policy's) is the relative gap at which a stage counts as solved.
    """
    started = time.perf_counter()
    overrides = overrides or Overrides()
    problem = build_problem(round_, overrides)
    return solve_problem(
        problem,
        solver=solver,
        time_limit=time_limit or round_.effective_policy().time_limit_seconds,
        threads=threads,
        previous=overrides.previous,
        progress=progress,
        started=started,
        rel_gap=round_.effective_policy().mip_gap if mip_gap is None else mip_gap,
    )


def solve_problem(
    problem: MatchingProblem,
    solver: str = "auto",
    time_limit: float = 60.0,
    threads: int = 1,
    previous: frozenset[tuple[str, str]] = frozenset(),
    progress: Progress | None = None,
    started: float | None = None,
    rel_gap: float = DEFAULT_MIP_GAP,
) -> MatchOutcome:
    """Solve an already built problem part by part."""
    started = time.perf_counter() if started is None else started
    name = solver
    build_seconds = time.perf_counter() - started
    if problem.pin_conflicts:
        return _outcome(
            problem,
            "infeasible",
            [],
            name,
            started,
            build_seconds,
            0,
            _conflict_message(problem.pin_conflicts),
            problem.pin_conflicts,
        )
    backend = backend_named(name)
    deadline = started + time_limit
    parts = split(problem)
    warm = _warm_start(problem, previous)
    solutions: list[PartSolution] = []
    pairs_left = sum(p.cols.size for p in parts)
    for done, part in enumerate(parts):
        # Each part gets a share of the time left in proportion to its size.
        now = time.perf_counter()
        part_deadline = now + max(deadline - now, 0.0) * part.cols.size / max(pairs_left, 1)
        pairs_left -= part.cols.size
        solution = solve_part(
            problem,
            part,
            backend,
            part_deadline,
            threads,
            None if warm is None else warm[part.cols],
            rel_gap,
        )
        if solution.status is StageStatus.INFEASIBLE:
            conflicts = pinned_limit_conflicts(problem, part)
            return _outcome(
                problem,
                "infeasible",
                [],
                name,
                started,
                build_seconds,
                len(parts),
                _conflict_message(conflicts),
                conflicts,
            )
        if solution.status in (StageStatus.ERROR, StageStatus.NO_SOLUTION):
            return _outcome(
                problem,
                "error",
                [],
                name,
                started,
                build_seconds,
                len(parts),
                solution.message or "the solver failed",
            )
        solutions.append(solution)
        if progress is not None:
            progress(done + 1, len(parts))
    status = "optimal" if all(s.status is StageStatus.OPTIMAL for s in solutions) else "feasible"
    return _outcome(problem, status, solutions, name, started, build_seconds, len(parts))


def _outcome(
    problem: MatchingProblem,
    status: str,
    solutions: list[PartSolution],
    solver: str,
    started: float,
    build_seconds: float,
    n_parts: int,
    message: str = "",
    conflicts: tuple[PinConflict, ...] = (),
) -> MatchOutcome:
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
    return MatchOutcome(
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
