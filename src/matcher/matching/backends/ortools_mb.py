"""SCIP and CP-SAT through OR-Tools' model_builder, filled from sparse arrays.

``fill_model_from_sparse_data`` takes the constraint matrix as one CSR matrix, so a model of
100,000 pairs is built without a Python call per variable. CP-SAT receives the same model
(OR-Tools scales the integer coefficients exactly). Every objective is an integer, so an
absolute gap below one is a proof. HiGHS gets the same model in a worker process of its own
(``highs_process``): model_builder's HiGHS wrapper drops the incumbent on a time-out and
crashes on hints, and OR-Tools' HiGHS is older than highspy's.
"""

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb

from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.formulation import LinearModel, linear_model
from matcher.matching.problem import MatchingProblem

SOLVER_NAMES = {"scip": "scip", "cp-sat": "sat"}


def _parameters(name: str, threads: int, rel_gap: float) -> str:
    if name == "scip":
        return f"limits/gap = {rel_gap}\nlimits/absgap = 0.999\nparallel/maxnthreads = 1\n"
    return f"num_workers:{max(threads, 1)},relative_gap_limit:{rel_gap},absolute_gap_limit:0.999"


@contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Send what native solver code prints on file descriptor 1 to /dev/null.

    HiGHS prints some diagnostics with printf whatever its output flag says; on stdout they
    would corrupt ``matcher match --json``. Python's own stdout is flushed first and kept.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def build_model(linear: LinearModel, task: StageTask, hints: bool = True) -> Any:
    """The model_builder model of one stage: part rows, stage rows and the objective."""
    n = task.part.cols.size
    matrix, lo, hi = linear.matrix, linear.row_lo, linear.row_hi
    if task.stage_rows:
        extra = sp.csr_matrix(np.vstack([r.coeffs.astype(np.float64) for r in task.stage_rows]))
        matrix = sp.vstack([matrix, extra], format="csr")
        lo = np.concatenate([lo, [float(r.lower) for r in task.stage_rows]])
        hi = np.concatenate([hi, np.full(len(task.stage_rows), np.inf)])
    model: Any = mb.Model()  # type: ignore[no-untyped-call]
    helper: Any = model.helper
    helper.fill_model_from_sparse_data(
        linear.lb, linear.ub, task.objective.astype(np.float64), lo, hi, matrix
    )
    for j in range(n):
        helper.set_var_integrality(j, True)
    helper.set_maximize(task.maximize)
    if hints and task.hint is not None:
        # A complete hint (zeros too): CP-SAT only uses a hint it can check as a whole.
        for j, value in enumerate(task.hint.tolist()):
            helper.add_hint(j, 1.0 if value else 0.0)
    return model


class ModelBuilderBackend:
    """One of the solvers bundled in OR-Tools."""

    def __init__(self, name: str) -> None:
        if name not in SOLVER_NAMES:
            raise ValueError(f"unknown OR-Tools solver {name!r}")
        self.name = name

    def solve(self, task: StageTask) -> StageResult:
        """Build and solve one stage; the model is rebuilt per stage (cheap from arrays)."""
        started = time.perf_counter()
        n = task.part.cols.size
        linear = linear_model(task.problem, task.part, task.must_place)
        model = build_model(linear, task)
        solver: Any = mb.Solver(SOLVER_NAMES[self.name])
        solver.set_time_limit_in_seconds(max(task.time_limit, 0.01))
        solver.set_solver_specific_parameters(_parameters(self.name, task.threads, task.rel_gap))
        with native_stdout_silenced():
            status = solver.solve(model)
        seconds = time.perf_counter() - started
        empty = np.zeros(n, dtype=np.bool_)
        if status in (mb.SolveStatus.INFEASIBLE,):
            return StageResult(StageStatus.INFEASIBLE, empty, 0, float("nan"), seconds)
        if status in (mb.SolveStatus.NOT_SOLVED, mb.SolveStatus.UNKNOWN_STATUS) and (
            seconds >= 0.9 * task.time_limit
        ):
            # Out of time without a solution (HiGHS through OR-Tools also ends up here when
            # it had one: the wrapper drops it). The stage runner falls back to its start.
            return StageResult(
                StageStatus.NO_SOLUTION, empty, 0, float("nan"), seconds, str(status)
            )
        if status not in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
            return StageResult(StageStatus.ERROR, empty, 0, float("nan"), seconds, str(status))
        # The solve helper holds the values as one array; reading it avoids a call per variable.
        values = np.asarray(solver._Solver__solve_helper.variable_values())
        x = values > 0.5
        objective = int(task.objective[x].sum())
        # Objectives are integers: a bound rounds inwards to one (a proof has bound = value).
        raw = float(solver.best_objective_bound)
        bound = (
            raw
            if not np.isfinite(raw)
            else float(np.floor(raw + 1e-6) if task.maximize else np.ceil(raw - 1e-6))
        )
        proven = status == mb.SolveStatus.OPTIMAL
        return StageResult(
            StageStatus.OPTIMAL if proven else StageStatus.FEASIBLE, x, objective, bound, seconds
        )


def export_model(task: StageTask) -> tuple[str, str]:
    """The stage model as LP and MPS text, for inspection with any solver."""
    model = build_model(linear_model(task.problem, task.part, task.must_place), task)
    return model.export_to_lp_string(False), model.export_to_mps_string(False)


def first_stage_text(problem: MatchingProblem, fmt: str) -> str:
    """The first stage of the whole round (one part, undecomposed) as ``lp`` or ``mps`` text."""
    from matcher.matching.formulation import whole
    from matcher.matching.stages import stage_objectives

    part = whole(problem)
    _, objective, maximize = stage_objectives(problem, part)[0]
    lp, mps = export_model(StageTask(problem, part, objective, maximize, (), None, 0.0, 1))
    return mps if fmt == "mps" else lp
