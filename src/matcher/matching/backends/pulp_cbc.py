"""CBC (bundled with PuLP), or any solver PuLP drives, as a second, independent backend.

The model is written out here row by row from the problem's arrays and the part's limits,
not taken from ``formulation.linear_model``, so a mistake in one formulation shows up as a
disagreement between backends (tests/matching/test_backends_agree.py). PuLP also lets users
with a commercial licence solve the same model: pass e.g. ``pulp.GUROBI_CMD()``.
"""

import copy
import math
import re
import tempfile
import time
import warnings
from typing import Any

import numpy as np
import pulp

from matcher.matching.backends.base import StageResult, StageStatus, StageTask

# Every objective is integer, so a gap below one proves optimality.
ABSOLUTE_GAP = 0.999


# CBC's summary line with the proven bound, in the model's own sense: "Upper bound" when
# maximising, "Lower bound" when minimising.
CBC_BOUND = re.compile(r"^(?:Upper|Lower) bound:\s+(\S+)", re.MULTILINE)


def cbc_bound(log: str) -> float:
    """The bound CBC reports in its log when it stops early, or nan when it gives none."""
    found = CBC_BOUND.search(log)
    if found is None:
        return math.nan
    try:
        return float(found.group(1))
    except ValueError:
        return math.nan


def bundled_cbc(
    time_limit: float,
    threads: int,
    log_path: str | None = None,
    rel_gap: float = 0.0,
) -> Any:
    """PuLP's bundled CBC binary, silent (its log goes to log_path), set to prove optimality.

    CBC 2.10.3's MIP preprocessing is off: it called some feasible stages infeasible
    ("Cut generators found to be infeasible") and reported a worse answer of others as
    optimal (tests/matching/test_pulp_backend.py holds one of each). CBC is not the default
    solver, so a correct answer comes before a faster one."""
    with warnings.catch_warnings():
        # PuLP 3.3 announces that PULP_CBC_CMD moves out in 4.0; it is what ships today.
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(
            msg=False,
            timeLimit=time_limit,
            gapRel=rel_gap,
            gapAbs=ABSOLUTE_GAP,
            threads=max(threads, 1),
            logPath=log_path,
            options=["preprocess off"],
        )


class PulpBackend:
    """Solves a stage with PuLP: the bundled CBC by default, or the solver given.

    A given solver keeps its own settings (gaps, threads, licence); only its time limit is
    set per stage, on a shallow copy, so the caller's object is left alone.
    """

    name = "cbc"

    def __init__(self, solver: Any = None) -> None:
        self.solver = solver
        if solver is not None:
            self.name = str(getattr(solver, "name", "pulp")).lower()

    def solve(self, task: StageTask) -> StageResult:
        """Build the stage model with PuLP, solve it and read the chosen pairs back."""
        with tempfile.TemporaryDirectory(prefix="matcher-cbc-") as folder:
            log_path = f"{folder}/cbc.log"
            result, model = self._solve(task, log_path)
            if result.status is StageStatus.FEASIBLE and math.isnan(result.bound):
                bound = getattr(model, "bestBound", None)
                if bound is not None:
                    found = float(bound)
                elif self.solver is None:
                    with open(log_path, encoding="utf-8", errors="replace") as log:
                        found = cbc_bound(log.read())
                else:
                    found = math.nan
                result = StageResult(
                    result.status, result.x, result.objective, found, result.seconds
                )
        return result

    def _solver_for(self, task: StageTask, log_path: str) -> Any:
        limit = max(task.time_limit, 0.01)
        if self.solver is None:
            return bundled_cbc(limit, task.threads, log_path, task.rel_gap)
        solver = copy.copy(self.solver)
        solver.timeLimit = limit
        return solver

    def _solve(self, task: StageTask, log_path: str) -> tuple[StageResult, Any]:
        started = time.perf_counter()
        n = task.part.cols.size
        empty = np.zeros(n, dtype=np.bool_)
        model, x = build_stage_model(task)
        try:
            model.solve(self._solver_for(task, log_path))
        except pulp.PulpError as exc:
            seconds = time.perf_counter() - started
            return StageResult(StageStatus.ERROR, empty, 0, math.nan, seconds, str(exc)), model
        seconds = time.perf_counter() - started
        status, solution = int(model.status), int(model.sol_status)
        if status == pulp.LpStatusInfeasible or solution == pulp.LpSolutionInfeasible:
            return StageResult(StageStatus.INFEASIBLE, empty, 0, math.nan, seconds), model
        if solution not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            message = f"{self.name}: {pulp.LpStatus.get(status, status)}, no solution"
            if status == pulp.LpStatusNotSolved and seconds >= 0.9 * task.time_limit:
                return StageResult(
                    StageStatus.NO_SOLUTION, empty, 0, math.nan, seconds, message
                ), model
            return StageResult(StageStatus.ERROR, empty, 0, math.nan, seconds, message), model
        chosen = np.asarray([(v.value() or 0.0) > 0.5 for v in x], dtype=np.bool_)
        objective = int(task.objective[chosen].sum())
        if solution == pulp.LpSolutionOptimal:
            optimal = StageResult(StageStatus.OPTIMAL, chosen, objective, float(objective), seconds)
            return optimal, model
        return StageResult(StageStatus.FEASIBLE, chosen, objective, math.nan, seconds), model


def build_stage_model(task: StageTask) -> tuple[Any, list[Any]]:
    """The PuLP model of one stage: a binary per pair of the part, then the rows.

    Rows (models/matching.md): ``assign_once`` per request, one row per limit of the part
    (capacity, budget, market_share), one row per earlier stage keeping its optimum.
    """
    problem, part = task.problem, task.part
    cols = part.cols.tolist()
    sense = pulp.LpMaximize if task.maximize else pulp.LpMinimize
    model = pulp.LpProblem(f"stage_{task.part.cols.size}", sense)
    pinned = problem.pair_pinned
    # Integer in [0, 1] rather than LpBinary: PuLP resets a binary's bounds to 0..1, which
    # would drop the lower bound 1 that holds a pin.
    x = [
        model.add_variable(f"x_{a}", lowBound=1 if pinned[a] else 0, upBound=1, cat=pulp.LpInteger)
        for a in cols
    ]
    local = {a: j for j, a in enumerate(cols)}
    by_request: dict[int, list[int]] = {}
    for j, a in enumerate(cols):
        by_request.setdefault(int(problem.pair_request[a]), []).append(j)
    for r, members in sorted(by_request.items()):
        placed = pulp.lpSum(x[j] for j in members)
        model += (placed == 1 if r in task.must_place else placed <= 1, f"assign_once_{r}")
    for k, limit in enumerate(part.limits):
        terms = [
            (x[local[a]], int(c))
            for a, c in zip(limit.pairs.tolist(), limit.coeffs.tolist(), strict=True)
            if a in local and c != 0
        ]
        model += (pulp.lpSum(c * v for v, c in terms) <= int(limit.rhs), f"{limit.kind.value}_{k}")
    for k, row in enumerate(task.stage_rows):
        model += (
            pulp.lpSum(int(c) * x[j] for j, c in enumerate(row.coeffs.tolist()) if c != 0)
            >= int(row.lower),
            f"stage_{k}",
        )
    model += pulp.lpSum(int(c) * x[j] for j, c in enumerate(task.objective.tolist()) if c != 0)
    return model, x
