"""What a backend is asked and what it answers."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from matcher.matching.formulation import Part
from matcher.matching.problem import MatchingProblem


class StageStatus(StrEnum):
    """Outcome of one stage."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"  # stopped at the time limit before finding a solution
    ERROR = "error"


@dataclass(frozen=True)
class StageRow:
    """Keeps an earlier stage's optimum: ``sum(coeffs x) >= lower`` over the part's pairs."""

    coeffs: npt.NDArray[np.int64]
    lower: int


@dataclass(frozen=True)
class StageTask:
    """One stage of one part: maximise or minimise ``objective @ x`` under the stage rows.

    ``must_place`` lists requests (problem indices) whose ``assign_once`` row is an equality:
    an earlier stage placed its whole class, so every optimum places them all.
    """

    problem: MatchingProblem
    part: Part
    objective: npt.NDArray[np.int64]
    maximize: bool
    stage_rows: tuple[StageRow, ...]
    hint: npt.NDArray[np.bool_] | None
    time_limit: float
    threads: int
    rel_gap: float = 0.0
    must_place: frozenset[int] = frozenset()


@dataclass(frozen=True)
class StageResult:
    """Chosen pairs (a boolean per column of the part), objective, proven bound, status."""

    status: StageStatus
    x: npt.NDArray[np.bool_]
    objective: int
    bound: float
    seconds: float
    message: str = ""


class Backend(Protocol):
    """A solver that answers one stage task."""

    name: str

    def solve(self, task: StageTask) -> StageResult:
        """Solve one stage; never raises for solver trouble, answers status ERROR instead."""
        ...


class PartSolver(Protocol):
    """The stages of one part, one after another, on one model where the backend keeps one."""

    def solve(self, task: StageTask) -> StageResult:
        """Solve the part's next stage (tasks come in stage order, with growing stage rows)."""
        ...

    def close(self) -> None:
        """Release what the part held (a worker, a model)."""
        ...


class EachStageAnew:
    """A backend without a live model: every stage builds its own (CBC through PuLP, SCIP and
    CP-SAT through model_builder; building from arrays costs little next to their solves)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def solve(self, task: StageTask) -> StageResult:
        """The stage, built and solved from scratch."""
        return self.backend.solve(task)

    def close(self) -> None:
        """Nothing is held between stages."""


class NoTimeLeft:
    """The stages of a part reached after the run's deadline: each answers at once without a
    solver, so the stage runner keeps its greedy start. Opening a solver only to stop it costs
    seconds on a large part (at 20,000 requests: a worker started, the model sent)."""

    def solve(self, task: StageTask) -> StageResult:
        """No solution, at once."""
        empty = np.zeros(task.part.cols.size, dtype=np.bool_)
        return StageResult(StageStatus.NO_SOLUTION, empty, 0, float("nan"), 0.0, "no time left")

    def close(self) -> None:
        """Nothing was opened."""


def open_part(backend: Backend, problem: MatchingProblem, part: Part) -> PartSolver:
    """The backend's live model of a part when it keeps one (``open``), else a stage-by-stage
    adaptor. Raises RuntimeError when the backend cannot start (a worker that did not come up)."""
    opener = getattr(backend, "open", None)
    if callable(opener):
        solver: PartSolver = opener(problem, part)
        return solver
    return EachStageAnew(backend)
