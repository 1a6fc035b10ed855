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
from scipy.sparse.csgraph import connected_components

if TYPE_CHECKING:
    from matcher.highs_worker.model import LiveModel

ROW_CAP = 400  # a limit row with more pairs than this is not a neighbourhood of its own


@dataclass(frozen=True)
class Reach:
    """How much one sub-MIP may free (pairs) and take (seconds), and whether HiGHS is given
    the current answer as its start: many quick neighbourhoods solved to the end beat a few
    large ones stopped at their limit."""

    columns: int
    seconds: float
    start: bool


# The placement stages (measured 2026-12-06, 6 s of search from the greedy start on one core,
# place_normal of benchmarks/scale.py): the median sub-MIP takes 9 ms and the few HiGHS cannot
# settle took a fifth of the search's time at 0.1 s; cut at 0.01 s, freeing up to 800 pairs
# (the requests of both rows drawn, where 400 cut the second row short) gained 1,345-1,381
# points at 5,000 requests (round seed 1; 1,355-1,413 on round seed 2) against 1,143-1,184
# with 400 pairs and 0.01 s and 727-946 with 400 pairs and 0.1 s; at 20,000 requests 2,603
# against 1,920-1,950. 600 or 1,000 pairs gained less than 800, 1,400 far less; at 0.02 s
# fewer sub-MIPs ran and gained less, and 0.005 s ran no more of them than 0.01 s.
CLASS_REACH = Reach(columns=800, seconds=0.01, start=True)
# The cost stage's sub-MIPs are harder to prove (cents, not points): 400 pairs and 0.1 s gained
# 0.53-0.60 M cents in 3 s where 800 pairs gained 0.18-0.25 M; 0.2 s as much as 0.1 s, 0.05
# and 0.015 s less. (Until 2026-12-04, on seed 2 of the 5,000-request round, 5 s: 2,500 pairs
# with 0.5 s gained 89 points, 1,000 with 0.2 s 364, 400 with 0.1 s 848.)
# No start: given one, HiGHS 1.16 can call it optimal when its presolve fixes a column (the bug
# ``LiveModel.mip`` works around); 42 of 185 cost-stage sub-MIPs reported an objective other
# than their answer's own, and run again without the start 80 of 81 such sub-MIPs found better.
# Without starts a 3 s search gained 0.52-0.72 M cents against 0.40-0.58 M (5,000 requests;
# round seed 2 0.89-1.40 M against 0.50-1.29 M; 20,000 requests 1.46-2.52 M against
# 1.40-2.39 M). Every answer is still checked and kept only when better. The class stages keep
# their start: without it they gained no more, and a sub-MIP cut at 0.01 s needs it.
COST_REACH = Reach(columns=400, seconds=0.1, start=False)
MIN_TIME = 0.05  # no sub-MIP is started with less time than this left


def reach_of(model: "LiveModel") -> Reach:
    """The reach of the model's current stage: a placement stage maximises, the cost stage
    minimises."""
    return CLASS_REACH if model.maximize else COST_REACH


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
        draw = _SeedWeights(self, model, x)
        activity = model.matrix @ x.astype(np.float64)  # kept up to date as answers change
        value = float(model.cost[x].sum())
        first = value
        sign = 1.0 if model.maximize else -1.0
        exhausted = proven = False
        reach = reach_of(model)
        while deadline - time.perf_counter() > MIN_TIME:
            free = self._neighbourhood(rng, draw, reach.columns)
            if free is None:
                # Nothing could do better: for a placement stage every request with points
                # is placed (the most a stage can reach); for the cost stage only a stop.
                exhausted, proven = True, model.maximize
                break
            left = deadline - time.perf_counter()
            whole = free.size == model.n  # a small part: the neighbourhood is all of it
            seconds = left if whole else min(reach.seconds, left)
            found = sub_mip(model, free, x, activity, seconds, start=reach.start)
            if found is not None:
                y, new_activity, optimal = found
                # Only the free pairs changed: a sum over them, not over the whole part.
                cost = model.cost[free]
                candidate = value + float(cost[y[free]].sum() - cost[x[free]].sum())
                if sign * (candidate - value) > 0.5:
                    x, value, activity = y, candidate, new_activity
                    draw.update(x)
                proven = whole and optimal
            if whole:
                exhausted = True  # the part was solved as one MIP: another round would repeat it
                break
        return Found(x, round(sign * (value - first)), exhausted, proven)

    def _neighbourhood(
        self, rng: np.random.Generator, draw: "_SeedWeights", column_cap: int
    ) -> npt.NDArray[np.int64] | None:
        seed = draw.request(rng)
        if seed is None:
            return None
        own = self.request_cols[seed]
        rows = np.unique(
            np.concatenate([self._rows_of(int(j)) for j in own]) if own.size else np.array([])
        ).astype(np.int64)
        rows = rows[self.small_row[rows]]
        requests = {seed}
        if rows.size:
            picked = rng.choice(rows, size=min(rows.size, int(rng.integers(1, 3))), replace=False)
            for row in picked.tolist():
                start, end = self.limit_cols.indptr[row], self.limit_cols.indptr[row + 1]
                requests.update(self.request[self.limit_cols.indices[start:end]].tolist())
        chosen = np.fromiter(requests, dtype=np.int64)
        rng.shuffle(chosen)
        cols: list[npt.NDArray[np.int64]] = []
        total = 0
        for r in [seed, *chosen.tolist()]:
            if total >= column_cap:
                break
            cols.append(self.request_cols[r])
            total += self.request_cols[r].size
        return np.unique(np.concatenate(cols))

    def pieces(self, pairs: npt.NDArray[np.int64]) -> list[npt.NDArray[np.int64]]:
        """``pairs`` split into the sets joined by a request or a limit row of at most
        ``ROW_CAP`` pairs (rows shared by many requests are left to the sub-MIPs' own rows),
        largest first: pieces that can be re-decided one at a time (``merge``)."""
        limits = sp.csc_matrix(self.col_limits[:, pairs])
        limits = sp.csc_matrix(sp.diags(self.small_row.astype(np.float64)) @ limits)
        limits.eliminate_zeros()
        requests = sp.csr_matrix(
            (np.ones(pairs.size), (self.request[pairs], np.arange(pairs.size))),
            shape=(self.n_requests, pairs.size),
        )
        joined = (limits.T @ limits) + (requests.T @ requests)
        _, label = connected_components(joined, directed=False)
        order = np.argsort(label, kind="stable")
        groups = np.split(pairs[order], np.cumsum(np.bincount(label))[:-1])
        return sorted(groups, key=lambda group: -group.size)

    def _rows_of(self, j: int) -> npt.NDArray[np.int32]:
        start, end = self.col_limits.indptr[j], self.col_limits.indptr[j + 1]
        return np.asarray(self.col_limits.indices[start:end], dtype=np.int32)


class _SeedWeights:
    """Draws the request a neighbourhood starts from, at random in proportion to what it
    could win: unplaced with points (a placement stage; by its points, summed over its pairs
    with points), or placed above its cheapest pair (the cost stage; by the excess).

    What does not change within a search (per-request points, cheapest pairs) is computed once
    per search, and a draw is over requests, not pairs: at 20,000 requests (400,000 pairs) a
    draw over pairs took 2 ms, a sixth of the search's time beside the 6 ms sub-MIPs.

    Measured on the 5,000-request round of benchmarks/scale.py (place_normal, 8 s from the
    greedy start, three seeds): drawing by points gained 1,173 on average against 1,101
    drawing every candidate pair alike.
    """

    def __init__(
        self, search: Neighbourhoods, model: "LiveModel", x: npt.NDArray[np.bool_]
    ) -> None:
        self.request_of = search.request
        self.maximize = model.maximize
        if model.maximize:
            points = np.where(model.cost > 0, model.cost, 0.0)
            self.could_win = np.bincount(self.request_of, points, minlength=search.n_requests)
        else:
            cheapest = np.full(search.n_requests, np.inf)
            np.minimum.at(cheapest, self.request_of, model.cost)
            excess = model.cost - cheapest[self.request_of]
            self.could_win = np.where(excess > 0.5, excess, 0.0)
        self.cumulative = np.zeros(0)
        self.update(x)

    def update(self, x: npt.NDArray[np.bool_]) -> None:
        """Take in a new answer (once per accepted improvement, not once per draw)."""
        if self.maximize:
            weights = self.could_win.copy()
            weights[self.request_of[x]] = 0.0  # a placed request has nothing more to win
        else:
            weights = np.where(x, self.could_win, 0.0)  # only a placed pair can move
        self.cumulative = np.cumsum(weights)

    def request(self, rng: np.random.Generator) -> int | None:
        """A request to start from, None when no request could do better."""
        total = float(self.cumulative[-1]) if self.cumulative.size else 0.0
        if total <= 0:
            return None
        k = int(np.searchsorted(self.cumulative, rng.random() * total, side="right"))
        k = min(k, self.cumulative.size - 1)
        return k if self.maximize else int(self.request_of[k])


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
    """The best combination found of two answers that both satisfy every row: the pairs on
    which they agree stay, the pairs where they differ are re-decided, starting from the
    better answer, so the result is never worse than it.

    Differing pairs no more than one neighbourhood's (``Reach.columns``) are one MIP, with or
    without a start as the stage's sub-MIPs (``Reach.start``: a cost-stage merge given the
    better answer as its start was seen calling it optimal where the pieces found better);
    more are re-decided in pieces (``merge_in_pieces``). Why: after two searches of 0.7 s on the
    5,000-request round of benchmarks/scale.py the answers differ in about 1,800 pairs, and
    one MIP over them found nothing better than the better answer in 0.5 s (it needed 2 s),
    where the pieces (about 45, the largest 300 pairs) gained 114-145 points in 0.15 s."""
    sign = 1.0 if model.maximize else -1.0
    base = x if sign * float(model.cost[x].sum() - model.cost[y].sum()) >= 0 else y
    differ = np.flatnonzero(x != y).astype(np.int64)
    if differ.size == 0 or time_limit < MIN_TIME:
        return base
    reach = reach_of(model)
    if differ.size > reach.columns:
        return merge_in_pieces(model, base, differ, time_limit)
    activity = model.matrix @ base.astype(np.float64)
    found = sub_mip(model, differ, base, activity, time_limit, reach.start)
    if found is None or sign * float(model.cost[found[0]].sum() - model.cost[base].sum()) < 0:
        return base
    return found[0]


def merge_in_pieces(
    model: "LiveModel",
    base: npt.NDArray[np.bool_],
    differ: npt.NDArray[np.int64],
    time_limit: float,
) -> npt.NDArray[np.bool_]:
    """``base`` with the ``differ`` pairs re-decided piece by piece: a piece is a set of them
    joined by a request or by a limit row of at most ``ROW_CAP`` pairs
    (``Neighbourhoods.pieces``), each one sub-MIP of the stage's ``Reach``, largest first,
    until ``time_limit``; only improvements are kept."""
    sign = 1.0 if model.maximize else -1.0
    deadline = time.perf_counter() + time_limit
    reach = reach_of(model)
    result, value = base, float(model.cost[base].sum())
    activity = model.matrix @ base.astype(np.float64)
    for free in model.search.pieces(differ):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        found = sub_mip(model, free, result, activity, min(reach.seconds, left), reach.start)
        if found is None:
            continue
        cost = model.cost[free]
        candidate = value + float(cost[found[0][free]].sum() - cost[result[free]].sum())
        if sign * (candidate - value) > 0.5:
            result, activity, value = found[0], found[1], candidate
    return result


def sub_mip(
    model: "LiveModel",
    free: npt.NDArray[np.int64],
    x: npt.NDArray[np.bool_],
    activity: npt.NDArray[np.float64],
    time_limit: float,
    start: bool = True,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], bool] | None:
    """``x`` with the ``free`` pairs re-decided by a MIP over them alone, its row activity and
    whether HiGHS proved that MIP; None when it found nothing or its answer breaks a row of
    the whole model (never accepted). ``activity`` is ``A x``: only the rows the free pairs
    touch change. ``start``: give HiGHS ``x`` as its start (``Reach.start``)."""
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
    if start:
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
