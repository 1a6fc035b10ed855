"""HiGHS, SCIP and CP-SAT through OR-Tools' model_builder, filled from sparse arrays.

``fill_model_from_sparse_data`` takes the constraint matrix as one CSR matrix, so a model of
100,000 pairs is built without a Python call per variable. CP-SAT receives the same model
(OR-Tools scales the integer coefficients exactly). Gaps are set to prove optimality: every
objective is integer, so an absolute gap below one is a proof.
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

SOLVER_NAMES = {"highs": "highs", "scip": "scip", "cp-sat": "sat"}


def _parameters(name: str, threads: int) -> str:
    if name == "highs":
        return "output_flag=false\nmip_rel_gap=0\nmip_abs_gap=0.999\nthreads=1\n"
    if name == "scip":
        return "limits/gap = 0\nlimits/absgap = 0.999\nparallel/maxnthreads = 1\n"
    return f"num_workers:{max(threads, 1)},relative_gap_limit:0,absolute_gap_limit:0.999"


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
        for j in np.flatnonzero(task.hint).tolist():
            helper.add_hint(j, 1.0)
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
        linear = linear_model(task.problem, task.part)
        # Hints crash OR-Tools 9.15's HiGHS wrapper (segmentation fault), so HiGHS starts cold.
        model = build_model(linear, task, hints=self.name != "highs")
        solver: Any = mb.Solver(SOLVER_NAMES[self.name])
        solver.set_time_limit_in_seconds(max(task.time_limit, 0.01))
        solver.set_solver_specific_parameters(_parameters(self.name, task.threads))
        with native_stdout_silenced():
            status = solver.solve(model)
        seconds = time.perf_counter() - started
        empty = np.zeros(n, dtype=np.bool_)
        if status in (mb.SolveStatus.INFEASIBLE,):
            return StageResult(StageStatus.INFEASIBLE, empty, 0, float("nan"), seconds)
        if status not in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
            return StageResult(StageStatus.ERROR, empty, 0, float("nan"), seconds, str(status))
        # The solve helper holds the values as one array; reading it avoids a call per variable.
        values = np.asarray(solver._Solver__solve_helper.variable_values())
        x = values > 0.5
        objective = int(task.objective[x].sum())
        bound = float(solver.best_objective_bound)
        proven = status == mb.SolveStatus.OPTIMAL
        return StageResult(
            StageStatus.OPTIMAL if proven else StageStatus.FEASIBLE, x, objective, bound, seconds
        )


def export_model(task: StageTask) -> tuple[str, str]:
    """The stage model as LP and MPS text, for inspection with any solver."""
    model = build_model(linear_model(task.problem, task.part), task)
    return model.export_to_lp_string(False), model.export_to_mps_string(False)
