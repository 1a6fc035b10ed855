"""How a round is matched: solver, time limit, threads and gap, built once per run.

Every face (``matcher match``, the app, what-if, too-big-to-fail, the batch) builds one
:class:`MatchSettings` from the round's policy plus its own explicit overrides; ``auto`` is
resolved here and nowhere else, so every face uses the policy's solver.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from matcher.domain.policy import DEFAULT_MIP_GAP, Policy


class Solver(StrEnum):
    """The solver backends; ``auto`` stands for the policy's solver or the default."""

    AUTO = "auto"
    HIGHS = "highs"
    SCIP = "scip"
    CP_SAT = "cp-sat"
    CBC = "cbc"


# "auto" is HiGHS: highspy 1.16 in its own worker process (backends/highs_process.py), chosen
# from benchmarks/scale.py, benchmarks/gap.py and the demo region (figures in
# models/matching.md): the tightest bounds and the best incumbents on scarce rounds, where
# CP-SAT and SCIP stay further from the optimum in the same time.
DEFAULT_SOLVER = Solver.HIGHS
# The names a user may choose, each once ("auto" first).
SOLVERS = tuple(s.value for s in Solver)


class UnknownSolverError(ValueError):
    """A solver name that is none of :data:`SOLVERS` (the message lists them)."""


def solver_named(name: str) -> Solver:
    """The Solver of a user's name; raises UnknownSolverError listing the known names."""
    try:
        return Solver(name)
    except ValueError:
        known = ", ".join(SOLVERS)
        raise UnknownSolverError(f"unknown solver {name!r}; choose one of {known}") from None


class MatchSettings(BaseModel):
    """The settings of one match; ``solver`` is never ``auto`` once built."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    solver: Solver = DEFAULT_SOLVER
    time_limit: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 60.0
    threads: Annotated[int, Field(ge=1)] = 1
    mip_gap: Annotated[float, Field(ge=0, le=0.1)] = DEFAULT_MIP_GAP

    @field_validator("solver", mode="after")
    @classmethod
    def _resolved(cls, solver: Solver) -> Solver:
        return DEFAULT_SOLVER if solver is Solver.AUTO else solver

    @classmethod
    def from_policy(
        cls,
        policy: Policy,
        *,
        solver: str | None = None,
        time_limit: float | None = None,
        threads: int | None = None,
        mip_gap: float | None = None,
    ) -> "MatchSettings":
        """The policy's settings with the caller's explicit overrides; an override of
        ``auto`` (or None) keeps the policy's solver. Raises UnknownSolverError for an
        unknown name."""
        chosen = solver_named(solver) if solver is not None else Solver.AUTO
        if chosen is Solver.AUTO:
            chosen = solver_named(policy.solver)
        return cls(
            solver=chosen,
            time_limit=time_limit or policy.time_limit_seconds,
            threads=threads or 1,
            mip_gap=policy.mip_gap if mip_gap is None else mip_gap,
        )
