"""HiGHS through OR-Tools' MathOpt: the same array-built model, with incumbents kept.

OR-Tools' model_builder wrapper of HiGHS drops the best solution when the time limit is hit
(status UNKNOWN, no values) and crashes on hints; MathOpt's HiGHS interface returns the
incumbent, the proven bound and accepts a starting solution. The model is still filled from
one sparse matrix (``ortools_mb.build_model``) and handed over as MPS text, which costs a
fraction of a second even for 100,000 pairs.
"""

import datetime
import math
import time
from typing import Any

import numpy as np
from ortools.math_opt.io.python import mps_converter
from ortools.math_opt.python import mathopt

from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.backends.ortools_mb import build_model, native_stdout_silenced
from matcher.matching.formulation import linear_model

ABSOLUTE_GAP = 0.999  # objectives are integers: below one is a proof
# HiGHS reports a bound of about 1e20 before it has solved its first LP: that is no bound.
NO_BOUND = 1e19


class MathOptHighsBackend:
    """HiGHS via MathOpt."""

    name = "highs"

    def solve(self, task: StageTask) -> StageResult:
        """Build, convert and solve one stage; an unproven answer keeps its bound."""
        started = time.perf_counter()
        n = task.part.cols.size
        empty = np.zeros(n, dtype=np.bool_)
        built = build_model(
            linear_model(task.problem, task.part, task.must_place), task, hints=False
        )
        model: Any = mathopt.Model.from_model_proto(
            mps_converter.mps_to_model_proto(built.export_to_mps_string(False))
        )
        variables = list(model.variables())
        params = mathopt.SolveParameters(
            time_limit=datetime.timedelta(seconds=max(task.time_limit, 0.05)),
            relative_gap_tolerance=task.rel_gap,
            absolute_gap_tolerance=ABSOLUTE_GAP,
        )
        model_params = None
        if task.hint is not None:
            hint = mathopt.SolutionHint(
                variable_values={
                    v: 1.0 if h else 0.0 for v, h in zip(variables, task.hint.tolist(), strict=True)
                }
            )
            model_params = mathopt.ModelSolveParameters(solution_hints=[hint])
        try:
            with native_stdout_silenced():
                result = mathopt.solve(
                    model, mathopt.SolverType.HIGHS, params=params, model_params=model_params
                )
        except Exception as exc:  # the solver's own failure, reported as a status
            seconds = time.perf_counter() - started
            return StageResult(StageStatus.ERROR, empty, 0, math.nan, seconds, str(exc))
        seconds = time.perf_counter() - started
        reason = result.termination.reason
        if reason in (
            mathopt.TerminationReason.INFEASIBLE,
            mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED,
        ):
            return StageResult(StageStatus.INFEASIBLE, empty, 0, math.nan, seconds)
        if not result.has_primal_feasible_solution():
            status = (
                StageStatus.NO_SOLUTION
                if reason is mathopt.TerminationReason.NO_SOLUTION_FOUND
                else StageStatus.ERROR
            )
            return StageResult(status, empty, 0, math.nan, seconds, str(reason))
        values = result.variable_values()
        x = np.asarray([values[v] > 0.5 for v in variables], dtype=np.bool_)
        objective = int(task.objective[x].sum())
        raw = float(result.termination.objective_bounds.dual_bound)
        if math.isfinite(raw) and abs(raw) < NO_BOUND:
            bound = float(math.floor(raw + 1e-6) if task.maximize else math.ceil(raw - 1e-6))
        else:
            bound = math.nan
        proven = reason is mathopt.TerminationReason.OPTIMAL
        if proven and math.isnan(bound):
            bound = float(objective)
        return StageResult(
            StageStatus.OPTIMAL if proven else StageStatus.FEASIBLE, x, objective, bound, seconds
        )
