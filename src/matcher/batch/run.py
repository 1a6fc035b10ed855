"""One nightly run, without the database: build, split, solve the parts on Dask, add up.

``run_batch`` takes the round and last night's proposals and returns a BatchOutcome; the
service (``matcher.services.batch``) loads, locks and writes around it.
"""

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from distributed import Client

from matcher.batch.problem import BatchProblem, with_change_penalty
from matcher.batch.solve import PartResult, bundles, solve_on
from matcher.domain import Round
from matcher.matching import (
    CLASS_STAGES,
    COST_STAGE,
    Explanation,
    MatchingProblem,
    MatchOutcome,
    MatchSettings,
    MatchStatus,
    StageStatus,
    StageTotal,
    build_problem,
    explain_outcome,
    split,
)

Event = Callable[[dict[str, Any]], None]
# Without pins a part always has an answer (the greedy start); these mean the solver broke.
FAILED = (StageStatus.ERROR, StageStatus.INFEASIBLE, StageStatus.NO_SOLUTION)


@dataclass(frozen=True)
class BatchSettings:
    """How to run: solver, overall time limit for the solve (s), the change penalty (cents),
    and whether the capacity signals are refreshed into the run record."""

    solver: str = "auto"
    time_limit: float = 1800.0
    change_penalty_cents: int = 5_000
    workers: int = 2
    signals: bool = True


@dataclass(frozen=True)
class BatchOutcome:
    """The chosen pairs of the whole round, the part of every request, and the totals."""

    problem: BatchProblem
    status: str
    chosen: npt.NDArray[np.int64]
    request_part: npt.NDArray[np.int64]  # part number per request, -1 without pairs
    stages: tuple[StageTotal, ...]
    solver: str
    n_parts: int
    workers: int
    protected: int  # previous proposals still admissible (each may cost the penalty)
    change_penalty_cents: int
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""
    explanation: Explanation = field(default_factory=lambda: Explanation({}, {}))

    @property
    def kept(self) -> int:
        """Previous proposals repeated tonight."""
        return int((self.problem.pair_change[self.chosen] < 0).sum())

    @property
    def change_cents(self) -> int:
        """The change term: penalty x previous proposals still admissible but not repeated."""
        return self.change_penalty_cents * (self.protected - self.kept)

    @property
    def bound_cents(self) -> float:
        """Proven bound of the cost stage in the terms of the objective (change term included)."""
        for stage in self.stages:
            if stage.name == COST_STAGE:
                return stage.bound + (self.objective_cents - stage.objective)
        return float(self.objective_cents)

    @property
    def objective_cents(self) -> int:
        """Cost + secondary terms + change term of the chosen pairs."""
        chosen = self.chosen
        real = self.problem.pair_cost[chosen] + self.problem.pair_secondary[chosen]
        return int(real.sum()) + self.change_cents

    @property
    def gap(self) -> float:
        """Largest relative gap over the stages (a stage solved within the policy's mip_gap
        may show up to it). Every stage has a finite bound here (see ``solve._bounded``)."""
        worst = 0.0
        for s in self.stages:
            if math.isfinite(s.bound):
                worst = max(worst, abs(s.bound - s.objective) / max(abs(s.objective), 1))
        return worst


def run_batch(
    round_: Round,
    previous: Mapping[str, str | None],
    settings: BatchSettings,
    client: Client,
    on_event: Event | None = None,
) -> BatchOutcome:
    """Match every open request of the round; awards are never re-matched (they are not open)."""
    emit = on_event or (lambda _event: None)
    # "auto" is the round policy's solver (MatchSettings resolves it); any other name goes to
    # the workers as given (an unknown one fails there, as a failed part).
    solver = settings.solver
    if solver == "auto":
        solver = MatchSettings.from_policy(round_.effective_policy()).solver.value
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    base = build_problem(round_)
    problem, protected = with_change_penalty(base, previous, settings.change_penalty_cents)
    seconds["build"] = time.perf_counter() - started
    emit(
        {
            "event": "built",
            "n_requests": problem.n_requests,
            "n_pairs": problem.n_pairs,
            "n_limits": len(problem.limits),
            "seconds": round(seconds["build"], 3),
        }
    )
    started = time.perf_counter()
    parts = split(problem)
    request_part = np.full(problem.n_requests, -1, dtype=np.int64)
    for k, part in enumerate(parts):
        request_part[problem.pair_request[part.cols]] = k
    warm = (problem.pair_change < 0) if protected else None
    work = bundles(
        problem,
        parts,
        solver,
        settings.time_limit,
        settings.workers,
        warm,
        round_.effective_policy().mip_gap,
    )
    seconds["split"] = time.perf_counter() - started
    emit(
        {
            "event": "split",
            "n_parts": len(parts),
            "n_tasks": len(work),
            "largest_part_pairs": int(parts[0].cols.size) if parts else 0,
            "seconds": round(seconds["split"], 3),
        }
    )
    started = time.perf_counter()
    results: list[PartResult] = []
    for result in solve_on(client, work):
        results.append(result)
        emit(
            {
                "event": "part",
                "part": result.index,
                "n_requests": result.n_requests,
                "n_pairs": result.n_pairs,
                "status": result.status.value,
                "seconds": round(result.seconds, 3),
                "worker": result.worker,
                "done": len(results),
                "total": len(parts),
            }
        )
    seconds["solve"] = time.perf_counter() - started
    outcome = _outcome(problem, parts, results, request_part, solver, settings, protected, seconds)
    if outcome.status not in ("optimal", "feasible"):
        return outcome
    started = time.perf_counter()
    explanation = explain_outcome(round_, as_match_outcome(outcome), find_changes=False)
    seconds["explain"] = time.perf_counter() - started
    return replace(outcome, explanation=explanation)


def as_match_outcome(outcome: BatchOutcome) -> MatchOutcome:
    """The batch's result as the engine's, on the problem without the change term.

    ``matcher.matching.explain`` reads it: runners-up and their deltas are then in cost and
    secondary terms only, as in ``matcher match``. The cheapest change that would place an
    unplaced request is not searched (each search re-solves a part; too slow at national
    scale).
    """
    problem = outcome.problem
    plain = MatchingProblem(**{f.name: getattr(problem, f.name) for f in fields(MatchingProblem)})
    return MatchOutcome(
        problem=plain,
        status=MatchStatus(outcome.status),
        chosen=outcome.chosen,
        stages=outcome.stages,
        solver=outcome.solver,
        seconds=sum(outcome.seconds.values()),
        build_seconds=outcome.seconds.get("build", 0.0),
        n_parts=outcome.n_parts,
        message=outcome.message,
    )


def _outcome(
    problem: BatchProblem,
    parts: list[Any],
    results: list[PartResult],
    request_part: npt.NDArray[np.int64],
    solver: str,
    settings: BatchSettings,
    protected: int,
    seconds: dict[str, float],
) -> BatchOutcome:
    failed = [r for r in results if r.status in FAILED]
    chosen_parts = [parts[r.index].cols[r.chosen] for r in results if r.chosen.size]
    chosen = (
        np.sort(np.concatenate(chosen_parts)).astype(np.int64)
        if chosen_parts
        else np.asarray([], dtype=np.int64)
    )
    if failed:
        status = "error"
        message = f"part {failed[0].index} failed: {failed[0].message or failed[0].status.value}"
    else:
        solved = all(r.status is StageStatus.OPTIMAL for r in results)
        status, message = ("optimal" if solved else "feasible"), ""
    return BatchOutcome(
        problem=problem,
        status=status,
        chosen=chosen,
        request_part=request_part,
        stages=stage_totals(problem, chosen, results),
        solver=solver,
        n_parts=len(parts),
        workers=settings.workers,
        protected=protected,
        change_penalty_cents=settings.change_penalty_cents,
        seconds=seconds,
        message=message,
    )


def stage_totals(
    problem: BatchProblem, chosen: npt.NDArray[np.int64], results: list[PartResult]
) -> tuple[StageTotal, ...]:
    """Each stage summed over the parts, as ``engine`` does for a sequential solve.

    A part decided without a solver (one request) has no stage records: it is exact, so its
    share of the bound is its value.
    """
    totals = []
    requests = problem.pair_request[chosen]
    for stage in (*CLASS_STAGES, COST_STAGE):
        records = [s for r in results for s in r.stages if s.name == stage]
        if stage == COST_STAGE:
            objective = int(problem.pair_objective[chosen].sum())
        else:
            k = CLASS_STAGES.index(stage)
            objective = int(problem.weight[requests][problem.urgency_rank[requests] == k].sum())
        if stage != COST_STAGE and not records and objective == 0:
            continue
        proven = all(s.status is StageStatus.OPTIMAL for s in records)
        bound = sum(s.bound for s in records) + objective - sum(s.objective for s in records)
        totals.append(StageTotal(stage, objective, bound, proven))
    return tuple(totals)
