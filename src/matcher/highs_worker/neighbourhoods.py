"""Large-neighbourhood search: free the requests around one that could do better, re-solve
that small MIP exactly (or until a short limit), keep the answer when it is better.

A neighbourhood follows the structure of a matching round: take a request that is unplaced
(a placement stage) or placed above its cheapest pair (the cost stage), pick one or two of the
limit rows its pairs are in — the capacity of a provider it could go to, mostly — and free
every request with a pair in those rows. The sub-MIP keeps every other request where it is,
every limit row with what the fixed requests use taken off its right-hand side, and every
stage row, so an accepted answer keeps all earlier optima. Rows shared by many requests
(a team's budget, a market-share cap) are not chosen as neighbourhoods: freeing them would
free most of the round.
"""

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

if TYPE_CHECKING:
    from matcher.highs_worker.model import LiveModel

# Measured on a 5,000-request scarce round of benchmarks/scale.py (seed 2, not the reported
# seed 1), 5 s of search from the greedy start: freeing 2,500 pairs with 0.5 s per sub-MIP
# gained 89 points, 1,000 pairs with 0.2 s 364, 400 pairs with 0.1 s 848: many small
# neighbourhoods solved to the end beat a few large ones stopped at their limit.
ROW_CAP = 400  # a limit row with more pairs than this is not a neighbourhood of its own
COLUMN_CAP = 400  # free at most this many pairs at once (the sub-MIP stays quick)
SUB_TIME = 0.1  # seconds for one sub-MIP
MIN_TIME = 0.05  # no sub-MIP is started with less time than this left


class Neighbourhoods:
    """The request and limit-row structure of a part, read once off its matrix."""

    def __init__(self, matrix: sp.csc_matrix, n_assign: int, n_limits: int) -> None:
        matrix = sp.csc_matrix(matrix)
        matrix.sort_indices()
        self.request = matrix.indices[matrix.indptr[:-1]].astype(np.int64)  # first row: assign
        self.n_requests = n_assign
        limits = matrix[n_assign : n_assign + n_limits]
        self.limit_cols = sp.csr_matrix(limits)  # limit row -> its pairs
        self.col_limits = sp.csc_matrix(limits)  # pair -> its limit rows
        sizes = np.diff(self.limit_cols.indptr)
        self.small_row = sizes <= ROW_CAP
        order = np.argsort(self.request, kind="stable")
        self.request_cols = np.split(
            order, np.cumsum(np.bincount(self.request, minlength=n_assign))[:-1]
        )

    def improve(
        self, model: "LiveModel", start: npt.NDArray[np.bool_], deadline: float, seed: int
    ) -> "Found":
        """The best answer found from ``start`` by ``deadline``, what it gained, and whether
        the search ran out of things to try (and whether that proves the answer optimal)."""
        rng = np.random.default_rng(seed)
        x = start.copy()
        activity = model.matrix @ x.astype(np.float64)  # kept up to date as answers change
        value = float(model.cost[x].sum())
        first = value
        sign = 1.0 if model.maximize else -1.0
        exhausted = proven = False
        while deadline - time.perf_counter() > MIN_TIME:
            free = self._neighbourhood(model, x, rng)
            if free is None:
                # Nothing could do better: for a placement stage every request with points
                # is placed (the most a stage can reach); for the cost stage only a stop.
                exhausted, proven = True, model.maximize
                break
            left = deadline - time.perf_counter()
            whole = free.size == model.n  # a small part: the neighbourhood is all of it
            found = sub_mip(model, free, x, activity, left if whole else min(SUB_TIME, left))
            if found is not None:
                y, new_activity, optimal = found
                candidate = float(model.cost[y].sum())
                if sign * (candidate - value) > 0.5:
                    x, value, activity = y, candidate, new_activity
                proven = whole and optimal
            if whole:
                exhausted = True  # the part was solved as one MIP: another round would repeat it
                break
        return Found(x, round(sign * (value - first)), exhausted, proven)

    def _neighbourhood(
        self, model: "LiveModel", x: npt.NDArray[np.bool_], rng: np.random.Generator
    ) -> npt.NDArray[np.int64] | None:
        seed = self._seed(model, x, rng)
        if seed is None:
            return None
        own = self.request_cols[int(self.request[seed])]
        rows = np.unique(
            np.concatenate([self._rows_of(int(j)) for j in own]) if own.size else np.array([])
        ).astype(np.int64)
        rows = rows[self.small_row[rows]]
        requests = {int(self.request[seed])}
        if rows.size:
            picked = rng.choice(rows, size=min(rows.size, int(rng.integers(1, 3))), replace=False)
            for row in picked.tolist():
                start, end = self.limit_cols.indptr[row], self.limit_cols.indptr[row + 1]
                requests.update(self.request[self.limit_cols.indices[start:end]].tolist())
        chosen = np.fromiter(requests, dtype=np.int64)
        rng.shuffle(chosen)
        cols: list[npt.NDArray[np.int64]] = []
        total = 0
        for r in [int(self.request[seed]), *chosen.tolist()]:
            if total >= COLUMN_CAP:
                break
            cols.append(self.request_cols[r])
            total += self.request_cols[r].size
        return np.unique(np.concatenate(cols))

    def _rows_of(self, j: int) -> npt.NDArray[np.int32]:
        start, end = self.col_limits.indptr[j], self.col_limits.indptr[j + 1]
        return np.asarray(self.col_limits.indices[start:end], dtype=np.int32)

    def _seed(
        self, model: "LiveModel", x: npt.NDArray[np.bool_], rng: np.random.Generator
    ) -> int | None:
        """A pair whose request could do better, drawn at random in proportion to what it
        could win: unplaced with points (a placement stage; by its points), or placed above
        its cheapest pair (the cost stage; by the excess).

        Measured on the 5,000-request round of benchmarks/scale.py (place_normal, 8 s from
        the greedy start, three seeds): drawing by points gained 1,173 on average against
        1,101 drawing every candidate pair alike.
        """
        placed = np.zeros(self.n_requests, dtype=np.bool_)
        placed[self.request[x]] = True
        if model.maximize:
            candidates = np.flatnonzero((model.cost > 0) & ~placed[self.request])
            if not candidates.size:
                return None
            points = model.cost[candidates]
            return int(rng.choice(candidates, p=points / points.sum()))
        cheapest = np.full(self.n_requests, np.inf)
        np.minimum.at(cheapest, self.request, model.cost)
        excess = np.where(x, model.cost - cheapest[self.request], 0.0)
        candidates = np.flatnonzero(excess > 0.5)
        if not candidates.size:
            return None
        weights = excess[candidates] / excess[candidates].sum()
        return int(rng.choice(candidates, p=weights))


@dataclass(frozen=True)
class Found:
    """What a search reached: the answer, its gain over the start, whether the search had
    nothing left to try, and whether that proves the answer optimal for the stage."""

    x: npt.NDArray[np.bool_]
    gained: int
    exhausted: bool
    proven: bool


def merge(
    model: "LiveModel", x: npt.NDArray[np.bool_], y: npt.NDArray[np.bool_], time_limit: float
) -> npt.NDArray[np.bool_]:
    """The best combination of two answers that both satisfy every row: the pairs on which
    they agree stay, the pairs where they differ are re-decided by one small MIP (each of the
    two answers is a solution of it, so the result is never worse than the better one)."""
    sign = 1.0 if model.maximize else -1.0
    base = x if sign * float(model.cost[x].sum() - model.cost[y].sum()) >= 0 else y
    differ = np.flatnonzero(x != y).astype(np.int64)
    if differ.size == 0 or time_limit < MIN_TIME:
        return base
    found = sub_mip(model, differ, base, model.matrix @ base.astype(np.float64), time_limit)
    if found is None or sign * float(model.cost[found[0]].sum() - model.cost[base].sum()) < 0:
        return base
    return found[0]


def sub_mip(
    model: "LiveModel",
    free: npt.NDArray[np.int64],
    x: npt.NDArray[np.bool_],
    activity: npt.NDArray[np.float64],
    time_limit: float,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], bool] | None:
    """``x`` with the ``free`` pairs re-decided by a MIP over them alone, its row activity and
    whether HiGHS proved that MIP; None when it found nothing or its answer breaks a row of
    the whole model (never accepted). ``activity`` is ``A x``: only the rows the free pairs
    touch change."""
    columns = sp.csc_matrix(model.matrix[:, free])
    touched = np.unique(columns.indices)
    sub = sp.csc_matrix(sp.csr_matrix(columns)[touched])
    fixed_use = activity[touched] - sub @ x[free].astype(np.float64)
    lo, hi = model.lo[touched] - fixed_use, model.hi[touched] - fixed_use
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = free.size, touched.size
    lp.col_cost_ = model.cost[free]
    lp.col_lower_, lp.col_upper_ = model.lb[free], model.ub[free]
    lp.row_lower_ = np.where(np.isfinite(lo), lo, -highspy.kHighsInf)
    lp.row_upper_ = np.where(np.isfinite(hi), hi, highspy.kHighsInf)
    lp.sense_ = highspy.ObjSense.kMaximize if model.maximize else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = sub.indptr, sub.indices
    lp.a_matrix_.value_ = sub.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * free.size
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("mip_abs_gap", 0.999)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("time_limit", max(time_limit, 0.01))
    highs.passModel(lp)
    hint = highspy.HighsSolution()
    hint.col_value = x[free].astype(np.float64)
    hint.value_valid = True
    highs.setSolution(hint)
    highs.run()
    solution = highs.getSolution()
    if not solution.value_valid:
        return None
    chosen = np.asarray(solution.col_value) > 0.5
    rows = fixed_use + sub @ chosen.astype(np.float64)
    inside = (rows >= model.lo[touched] - 1e-6) & (rows <= model.hi[touched] + 1e-6)
    bounds = (chosen >= model.lb[free] - 1e-9) & (chosen <= model.ub[free] + 1e-9)
    if not (inside.all() and bounds.all()):
        return None
    y = x.copy()
    y[free] = chosen
    new_activity = activity.copy()
    new_activity[touched] = rows
    optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return y, new_activity, optimal
