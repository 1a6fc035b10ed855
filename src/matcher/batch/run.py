"""One nightly run, without the database: build, add the change term, solve on Dask.

``run_batch`` is ``matcher.matching.solve`` with the Dask runner and the change penalty as
one more objective term: the same stages, bounds, totals and gap as ``matcher match``. The
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
from matcher.batch.solve import DaskRunner, PartResult
from matcher.domain import Round
from matcher.matching import (
    COST_STAGE,
    Explanation,
    MatchingProblem,
    MatchResult,
    MatchSettings,
    StageRecord,
    StageTotal,
    build_problem,
    explain_outcome,
    solve,
    split,
)

Event = Callable[[dict[str, Any]], None]


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
    """The engine's result of the whole round, plus what only the batch knows: the part of
    every request, the workers, and the change term."""

    result: MatchResult  # on the BatchProblem: the cost stage includes the change term
    request_part: npt.NDArray[np.int64]  # part number per request, -1 without pairs
    workers: int
    protected: int  # previous proposals still admissible (each may cost the penalty)
    change_penalty_cents: int
    seconds: dict[str, float] = field(default_factory=dict)
    explanation: Explanation = field(default_factory=lambda: Explanation({}, {}))

    @property
    def problem(self) -> BatchProblem:
        """The problem solved (with ``pair_change``)."""
        problem = self.result.problem
        assert isinstance(problem, BatchProblem)
        return problem

    @property
    def status(self) -> str:
        """optimal, feasible, infeasible or error (the engine's MatchStatus)."""
        return self.result.status.value

    @property
    def chosen(self) -> npt.NDArray[np.int64]:
        """The chosen pairs of the whole round."""
        return self.result.chosen

    @property
    def stages(self) -> tuple[StageTotal, ...]:
        """The engine's stage totals (the cost stage with the change coefficients)."""
        return self.result.stages

    @property
    def solver(self) -> str:
        """The solver that ran (never ``auto``)."""
        return self.result.solver

    @property
    def n_parts(self) -> int:
        """How many independent parts the round split into."""
        return self.result.n_parts

    @property
    def message(self) -> str:
        """Why a run failed, in words ("" when it did not)."""
        return self.result.message

    @property
    def gap(self) -> float:
        """The engine's gap rule, the same as ``matcher match`` reports."""
        return self.result.gap

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


def run_batch(
    round_: Round,
    previous: Mapping[str, str | None],
    settings: BatchSettings,
    client: Client,
    on_event: Event | None = None,
) -> BatchOutcome:
    """Match every open request of the round; awards are never re-matched (they are not open).

    Raises ``UnknownSolverError`` for a solver name that does not exist (before solving) and
    ``PartFailedError`` when a task fails on its worker.
    """
    emit = on_event or (lambda _event: None)
    match_settings = MatchSettings.from_policy(
        round_.effective_policy(), solver=settings.solver, time_limit=settings.time_limit
    )
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
    seconds["split"] = time.perf_counter() - started
    emit(
        {
            "event": "split",
            "n_parts": len(parts),
            "largest_part_pairs": int(parts[0].cols.size) if parts else 0,
            "seconds": round(seconds["split"], 3),
        }
    )
    done: list[int] = []

    def on_part(result: PartResult) -> None:
        done.append(result.index)
        emit(
            {
                "event": "part",
                "part": result.index,
                "n_requests": result.n_requests,
                "n_pairs": result.n_pairs,
                "status": result.status.value,
                "seconds": round(result.seconds, 3),
                "worker": result.worker,
                "stages": [stage_event(s) for s in result.stages],
                "done": len(done),
                "total": len(parts),
            }
        )

    started = time.perf_counter()
    runner = DaskRunner(client, settings.workers, on_part)
    result = solve(problem, match_settings, runner, warm=warm, parts=parts)
    seconds["solve"] = time.perf_counter() - started
    outcome = BatchOutcome(
        result, request_part, settings.workers, protected, settings.change_penalty_cents, seconds
    )
    if outcome.status not in ("optimal", "feasible"):
        return outcome
    started = time.perf_counter()
    explanation = explain_outcome(round_, as_match_outcome(outcome), find_changes=False)
    seconds["explain"] = time.perf_counter() - started
    return replace(outcome, explanation=explanation)


def stage_event(record: StageRecord) -> dict[str, Any]:
    """One stage of a part as the progress event carries it (None: no bound), so a run's
    log shows which part and stage a gap comes from."""
    bound = record.bound if math.isfinite(record.bound) else None
    return {
        "name": record.name,
        "status": record.status.value,
        "objective": record.objective,
        "bound": bound,
        "seconds": round(record.seconds, 3),
    }


def as_match_outcome(outcome: BatchOutcome) -> MatchResult:
    """The batch's result on the problem without the change term.

    ``matcher.matching.explain`` reads it: runners-up and their deltas are then in cost and
    secondary terms only, as in ``matcher match``. The cheapest change that would place an
    unplaced request is not searched (each search re-solves a part; too slow at national
    scale).
    """
    problem = outcome.problem
    plain = MatchingProblem(**{f.name: getattr(problem, f.name) for f in fields(MatchingProblem)})
    return replace(outcome.result, problem=plain)
