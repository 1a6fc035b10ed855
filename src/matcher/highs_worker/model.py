"""One part's model, live in HiGHS across its stages: solve, bound and improve a stage.

The model is a binary program ``row_lo <= A x <= row_hi``, ``lb <= x <= ub``, whose first
``n_assign`` rows are the requests' ``assign_once`` rows and whose next ``n_limits`` rows are
the limit rows (capacity, budget, market share); stage rows are appended as the stages go
(models/matching.md). It is passed to HiGHS once; a stage changes the objective, appends its
row and turns ``assign_once`` rows into equalities on the live model.

A stage runs one of two ways, chosen by size (``LARGE_COLUMNS``, from benchmarks/scale.py):
a part HiGHS's branch and bound can work on gets the MIP from the start it is given; on a
large part the MIP does not finish its root LP in the time a regisseur waits, so the stage
takes the LP bound by PDLP or interior point (no crossover; ``LP_METHOD_CLASS``,
``LP_METHOD_COST``) and improves the start by
large-neighbourhood search (``neighbourhoods``). Either way the bound is a true one.
"""

import math
import time
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.highs_worker.neighbourhoods import Neighbourhoods, merge
from matcher.highs_worker.protocol import StageAnswer

INF = highspy.kHighsInf
ABSOLUTE_GAP = 0.999  # objectives are integers: a gap below one is a proof
NO_BOUND = 1e19  # HiGHS reports about 1e20 before its first LP: that is no bound
# The share of a large stage's time the LP bound may take before the search starts.
LP_SHARE = 0.9
# The LP method of a large stage's bound (HiGHS 1.16, measured on the place_normal stages of
# benchmarks/scale.py, one core): first-order PDLP reached 49,577 on 99,000 pairs in 1.7 s
# where interior point took 5.1 s, and 193,681 on 400,000 pairs in 3.3 s where interior point
# stood at 266,862 after 3 s and 198,632 after 6 s (the LP: about 193,200). On the cost stage
# interior point stays: PDLP did not finish there in 20 s, and the Lagrangian bound of
# ``matching.cost_bound`` backs that stage at short limits.
LP_METHOD_CLASS = "pdlp"
LP_METHOD_COST = "ipm"
# PDLP's relative optimality tolerance (HiGHS's default 1e-7). The bound is the Lagrangian
# value of whatever duals PDLP stops with, so a looser tolerance only makes it a little
# weaker, and the time saved goes to the search: measured 2026-12-06 on the place_normal
# stages of benchmarks/scale.py (one core), 5,000 requests 49,585 in 1.4 s against 49,577 in
# 2.4 s (round seed 2: 48,385 in 1.6 s against 48,379 in 2.7 s); 20,000 requests 193,226 in
# 10 s against 193,189 in 20 s. At 1e-3 the bound loses ten times as much (49,662).
PDLP_TOLERANCE = 1e-4
# The share of a search round that combining two answers may take before the search.
MERGE_SHARE = 0.3


class LiveModel:
    """The HiGHS model of one part plus the arrays needed to cut sub-models out of it."""

    def __init__(
        self,
        matrix: sp.csr_matrix,
        row_lo: npt.NDArray[np.float64],
        row_hi: npt.NDArray[np.float64],
        lb: npt.NDArray[np.float64],
        ub: npt.NDArray[np.float64],
        n_assign: int,
        n_limits: int,
        large: bool,
    ) -> None:
        self.matrix = sp.csc_matrix(matrix)
        self.lo, self.hi = row_lo.astype(np.float64), row_hi.astype(np.float64)
        self.lb, self.ub = lb.astype(np.float64), ub.astype(np.float64)
        self.n = self.matrix.shape[1]
        self.large = large  # search and LP bound instead of branch and bound (LARGE_COLUMNS)
        self.cost = np.zeros(self.n)
        self.maximize = True
        self.highs: Any = _highs()  # highspy's stubs lack some calls used here
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, self.matrix.shape[0]
        lp.col_cost_ = self.cost
        lp.col_lower_, lp.col_upper_ = self.lb, self.ub
        lp.row_lower_ = np.where(np.isfinite(self.lo), self.lo, -INF)
        lp.row_upper_ = np.where(np.isfinite(self.hi), self.hi, INF)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.matrix.indptr
        lp.a_matrix_.index_ = self.matrix.indices
        lp.a_matrix_.value_ = self.matrix.data
        lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n
        self.highs.passModel(lp)
        self.search = Neighbourhoods(self.matrix, n_assign, n_limits)

    def set_stage(
        self,
        objective: npt.NDArray[np.float64],
        maximize: bool,
        new_rows: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], float]],
        must_place: npt.NDArray[np.int32],
    ) -> None:
        """The next stage on the live model: its objective, the rows keeping earlier optima
        (``coeffs x >= lower``) and the ``assign_once`` rows that became equalities."""
        self.cost = objective.astype(np.float64)
        self.maximize = maximize
        self.highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), self.cost)
        sense = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        self.highs.changeObjectiveSense(sense)
        for index, values, lower in new_rows:
            self.highs.addRow(lower, INF, index.size, index, values)
            row = sp.csc_matrix((values, (np.zeros(index.size), index)), shape=(1, self.n))
            self.matrix = sp.vstack([self.matrix, row], format="csc")
            self.lo, self.hi = np.r_[self.lo, lower], np.r_[self.hi, np.inf]
        if must_place.size:
            ones = np.ones(must_place.size)
            self.highs.changeRowsBounds(must_place.size, must_place, ones, ones)
            self.lo[must_place] = 1.0

    def solve_stage(
        self,
        hint: npt.NDArray[np.bool_] | None,
        time_limit: float,
        rel_gap: float,
        seed: int,
        bound_elsewhere: bool = False,
    ) -> StageAnswer:
        """Solve the current stage within ``time_limit`` seconds (see the module doc).

        ``bound_elsewhere``: a second worker computes the LP bound of this large stage at the
        same time, so this one spends all its time on the search (and reports no bound); the
        parent then goes on with ``search`` rounds (``HighsSession``).
        """
        started = time.perf_counter()
        deadline = started + time_limit
        if self.large and hint is not None:
            bound = math.nan if bound_elsewhere else self.lp_bound(time_limit * LP_SHARE)
            found = self.search.improve(self, hint, deadline, seed)
            value = float(self.cost[found.x].sum())
            proven = math.isfinite(bound) and _within(value, bound, rel_gap)
            status = "optimal" if proven or found.proven else "feasible"
            seconds = time.perf_counter() - started
            return StageAnswer(status, found.x, bound, seconds, "", found.gained, found.exhausted)
        return self.mip(hint, time_limit, rel_gap, started)

    def search_round(
        self,
        best: npt.NDArray[np.bool_],
        other: npt.NDArray[np.bool_] | None,
        time_limit: float,
        seed: int,
    ) -> StageAnswer:
        """One more round of search on a large stage: first combine the best answer known
        (found by either worker) with the other latest answer of the two, then search from that.

        Both answers satisfy every row, and they differ only where the two searches moved
        requests, so the combination is a small MIP over the pairs where they differ
        (``neighbourhoods.merge``) and keeps the gains of both.
        """
        started = time.perf_counter()
        deadline = started + time_limit
        start = best if other is None else merge(self, best, other, time_limit * MERGE_SHARE)
        found = self.search.improve(self, start, deadline, seed)
        status = "optimal" if found.proven else "feasible"
        seconds = time.perf_counter() - started
        return StageAnswer(status, found.x, math.nan, seconds, "", found.gained, found.exhausted)

    def mip(
        self,
        hint: npt.NDArray[np.bool_] | None,
        time_limit: float,
        rel_gap: float,
        started: float,
    ) -> StageAnswer:
        """HiGHS's branch and bound on the live model from ``hint``.

        HiGHS 1.16 can lose the objective offset of the columns its presolve fixes when it is
        given a start: it then reports the start "optimal" with a bound that is too good
        (seen on a round where an equality ``assign_once`` row fixed one pair; named test in
        tests/matching/test_highs_worker.py). Its reported objective then differs from the
        answer's own value; such a run is repeated without the start in the time left, and
        if that run disagrees too the answer is kept without status or bound.
        """
        answer, consistent = self._branch_and_bound(hint, time_limit, rel_gap, started)
        if consistent or hint is None:
            return answer
        self.highs.clearSolver()
        left = time_limit - (time.perf_counter() - started)
        retry, consistent = self._branch_and_bound(None, left, rel_gap, started)
        if consistent and retry.x is not None:
            return retry
        return StageAnswer("feasible", answer.x, math.nan, time.perf_counter() - started)

    def _branch_and_bound(
        self,
        hint: npt.NDArray[np.bool_] | None,
        time_limit: float,
        rel_gap: float,
        started: float,
    ) -> tuple[StageAnswer, bool]:
        """One MIP run; True beside it when HiGHS's objective is the answer's own value."""
        highs = self.highs
        highs.setOptionValue("time_limit", max(time_limit, 0.01))  # the MIP times each run alone
        highs.setOptionValue("mip_rel_gap", rel_gap)
        if hint is not None:
            solution = highspy.HighsSolution()
            solution.col_value = hint.astype(np.float64)
            solution.value_valid = True
            highs.setSolution(solution)
        highs.run()
        seconds = time.perf_counter() - started
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return StageAnswer("infeasible", None, math.nan, seconds), True
        solution = highs.getSolution()
        if not solution.value_valid:
            name = highs.modelStatusToString(status)
            timed_out = status == highspy.HighsModelStatus.kTimeLimit
            answer = StageAnswer(
                "no_solution" if timed_out else "error", None, math.nan, seconds, name
            )
            return answer, True
        x = np.asarray(solution.col_value) > 0.5
        info = highs.getInfo()
        value = float(self.cost[x].sum())
        consistent = abs(float(info.objective_function_value) - value) < 0.5
        raw = float(info.mip_dual_bound)
        bound = _rounded(raw, self.maximize) if abs(raw) < NO_BOUND else math.nan
        # pybind11 enums are compared by value (``is`` fails on equal members).
        proven = status == highspy.HighsModelStatus.kOptimal or (
            math.isfinite(bound) and _within(value, bound, rel_gap)
        )
        if proven and math.isnan(bound):
            bound = value
        return StageAnswer("optimal" if proven else "feasible", x, bound, seconds), consistent

    def lp_bound(self, time_limit: float) -> float:
        """A true bound on the stage from the LP relaxation, by PDLP for a class stage and
        interior point for the cost stage, without crossover (``LP_METHOD_CLASS``).

        The bound is not the LP's reported value but the Lagrangian value of its row duals,
        ``sum of y·(the row's side) + sum of max(0, reduced cost)`` — valid for any duals, so
        an interior point stopped early or slightly infeasible still gives a true bound. NaN
        when the LP gave no duals.
        """
        highs = self.highs
        highs.setOptionValue("solve_relaxation", True)
        highs.setOptionValue("solver", LP_METHOD_CLASS if self.maximize else LP_METHOD_COST)
        highs.setOptionValue("run_crossover", "off")
        highs.setOptionValue("pdlp_optimality_tolerance", PDLP_TOLERANCE)
        _limit_time(highs, time_limit)
        try:
            highs.run()
            solution = highs.getSolution()
            duals = np.asarray(solution.row_dual) if solution.dual_valid else None
        finally:
            highs.setOptionValue("solve_relaxation", False)
            highs.setOptionValue("solver", "choose")
            highs.setOptionValue("run_crossover", "on")
        if duals is None or duals.size != self.lo.size:
            return math.nan
        tighter = min if self.maximize else max
        return _rounded(tighter(self.dual_value(duals), self.dual_value(-duals)), self.maximize)

    def dual_value(self, y: npt.NDArray[np.float64]) -> float:
        """The Lagrangian bound for row multipliers ``y`` (either sign convention works: the
        caller takes the tighter of ``y`` and ``-y``), in the stage's own sense."""
        c = self.cost if self.maximize else -self.cost
        # A multiplier on a side that is infinite would make the bound infinite: drop it.
        y = np.where((y > 0) & ~np.isfinite(self.hi), 0.0, y)
        y = np.where((y < 0) & ~np.isfinite(self.lo), 0.0, y)
        rows = np.where(y > 0, y * np.where(np.isfinite(self.hi), self.hi, 0.0), 0.0)
        rows += np.where(y < 0, y * np.where(np.isfinite(self.lo), self.lo, 0.0), 0.0)
        reduced = c - self.matrix.T @ y
        cols = np.where(reduced > 0, reduced * self.ub, reduced * self.lb)
        total = float(rows.sum() + cols.sum())
        return total if self.maximize else -total

    def feasible(self, x: npt.NDArray[np.bool_]) -> bool:
        """True when ``x`` satisfies every row and column bound of the live model."""
        activity = self.matrix @ x.astype(np.float64)
        inside_cols = bool(((x >= self.lb - 1e-9) & (x <= self.ub + 1e-9)).all())
        return inside_cols and bool(
            ((activity >= self.lo - 1e-6) & (activity <= self.hi + 1e-6)).all()
        )


def _highs() -> highspy.Highs:
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("mip_abs_gap", ABSOLUTE_GAP)
    return highs


def _limit_time(highs: highspy.Highs, seconds: float) -> None:
    """Let the next LP run take ``seconds``: for an LP, HiGHS's clock counts every run of the
    object since it was made (measured: a second 8 s relaxation stopped after 5 s), so the
    limit is what has run so far plus this run's share. The MIP times each run on its own."""
    highs.setOptionValue("time_limit", float(highs.getRunTime()) + max(seconds, 0.01))


def _rounded(raw: float, maximize: bool) -> float:
    """A bound on an integer objective rounded inwards (floor for a maximum, ceil for a
    minimum); a small tolerance absorbs the solver's floating-point noise."""
    if not math.isfinite(raw):
        return math.nan
    return float(math.floor(raw + 1e-6) if maximize else math.ceil(raw - 1e-6))


def _within(value: float, bound: float, rel_gap: float) -> bool:
    return abs(bound - value) <= max(ABSOLUTE_GAP, rel_gap * max(abs(value), 1.0))
