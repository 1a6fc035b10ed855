"""A true bound for a part's cost stage that ran out of time: its Lagrangian dual, by subgradient.

Why: at 100,000 requests and 60 s a large part's cost stage stops before HiGHS's interior
point gives its LP bound, and the stage keeps only ``cost_floor`` (the limit rows dropped),
13-16% below its value; those parts were nearly all of the batch's gap. At 5,000 requests
and 10 s in one process the interior point's bound after 2.6 s was 166.9 M cents where 0.25 s
of these steps gave 173.6 M (the LP's own value is 180.4 M). The LP bound needs no
LP solver: dualise every limit row (multiplier ``mu >= 0``) and every earlier stage row
``g_k x >= z_k`` (``lam_k >= 0``) and keep ``assign_once``; each request then takes its pair
of least reduced cost, or none (a ``must_place`` request must take one):

    L(mu, lam) = - mu.b + lam.z + sum_r min(0 unless r must be placed,
                                            min_a c[a] + mu.A[:, a] - lam.G[:, a])

Any ``mu, lam >= 0`` gives a true lower bound (a relaxation, then weak duality); pins are
dropped, which only relaxes. The subproblem's optima are integral, so the best ``L`` is the
LP bound. Subgradient steps (Polyak's rule towards the stage's value) reach it to a few
tenths of a percent in a few hundred steps of a few milliseconds each, in this process,
while the part's HiGHS workers are idle.
"""

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.matching.backends.base import Backend, StageStatus
from matcher.matching.formulation import Part, reduced_row
from matcher.matching.problem import MatchingProblem
from matcher.matching.ragged import spread
from matcher.matching.stages import CLASS_STAGES, COST_STAGE, PartSolution, solve_part

ABSOLUTE_GAP = 0.999  # integer objectives: a gap below one cent is a proof
# What a part keeps of its time for the bound of an unproven cost stage: about 150
# subgradient steps (15-50 ns per pair and step), at most a quarter of its time.
BOUND_SECONDS_PER_PAIR = 5e-6
BOUND_SHARE = 0.25
# Polyak's step towards best + TARGET x (value - best), halved after STALL steps without a
# better bound: of the rules tried on the 100,000 round's parts, the one nearest the LP bound
# after 50-100 steps (0.3% above it on a part of 54,000 pairs).
THETA = 2.0
STALL = 5
TARGET = 0.3
MIN_THETA = 1e-4  # below this the steps no longer move the bound


@dataclass(frozen=True)
class CostRelaxation:
    """The cost stage of one part with its rows scaled to a largest coefficient of one (the
    rows are the same; the subgradient's steps are then comparable between rows)."""

    cost: npt.NDArray[np.float64]  # per pair
    pairs: npt.NDArray[np.int64]  # request x its pairs, padded with the index n_pairs
    must: npt.NDArray[np.bool_]  # per request: must take a pair (its class placed whole)
    limits: sp.csr_matrix  # limit rows x pairs (coefficients reduced by their gcd)
    limit_rhs: npt.NDArray[np.float64]
    stage: npt.NDArray[np.float64]  # stage rows x pairs
    stage_lower: npt.NDArray[np.float64]

    def value(
        self, mu: npt.NDArray[np.float64], lam: npt.NDArray[np.float64]
    ) -> tuple[float, float, npt.NDArray[np.int64]]:
        """``L(mu, lam)``, a bound on its rounding error, and the pairs the subproblem takes."""
        reduced = self.cost + self.limits.T @ mu - self.stage.T @ lam
        padded = np.append(reduced, np.inf)[self.pairs]
        best = padded.argmin(axis=1)
        low = padded[np.arange(best.size), best]
        take = self.must | (low < 0)
        terms = (-mu * self.limit_rhs, lam * self.stage_lower, low[take])
        value = float(sum(t.sum() for t in terms))
        error = 1e-9 * float(sum(np.abs(t).sum() for t in terms)) + 1e-6
        return value, error, self.pairs[take, best[take]]


def relaxation(problem: MatchingProblem, part: Part, solution: PartSolution) -> CostRelaxation:
    """The cost stage of ``part`` as the stage loop posed it, from the records of its stages.

    Each class stage left the row ``its objective >= its value`` (``stages.py``); where the
    value is the whole class, the loop keeps it as ``must_place`` instead, the same set of
    answers. The rows are rebuilt from the records, so nothing new travels back from HiGHS.
    """
    requests, local = np.unique(problem.pair_request[part.cols], return_inverse=True)
    order = np.argsort(local, kind="stable")
    counts = np.bincount(local, minlength=requests.size)
    pairs = np.full((requests.size, int(counts.max(initial=1))), part.cols.size, dtype=np.int64)
    _, slot = spread(counts)
    pairs[local[order], slot] = order
    must = np.zeros(requests.size, dtype=np.bool_)
    rank = problem.urgency_rank[requests][local]
    weight = problem.weight[requests][local].astype(np.float64)
    stage_rows, lower = [], []
    for record in solution.stages:
        if record.name not in CLASS_STAGES:
            continue
        coeffs = np.where(rank == CLASS_STAGES.index(record.name), weight, 0.0)
        members = np.unique(local[coeffs > 0])
        if record.objective >= problem.weight[requests[members]].sum():
            must[members] = True
        elif coeffs.any():
            stage_rows.append(coeffs / coeffs.max())
            lower.append(record.objective / coeffs.max())
    rows, rhs = _limit_rows(part)
    return CostRelaxation(
        problem.pair_objective[part.cols].astype(np.float64),
        pairs,
        must,
        rows,
        rhs,
        np.asarray(stage_rows, dtype=np.float64).reshape(len(stage_rows), part.cols.size),
        np.asarray(lower, dtype=np.float64),
    )


def _limit_rows(part: Part) -> tuple[sp.csr_matrix, npt.NDArray[np.float64]]:
    """The part's limit rows, reduced as the solver gets them and scaled to a largest
    coefficient of one."""
    matrix = part.rows.T.tocsr().astype(np.float64)  # limits x pairs
    rhs = np.zeros(matrix.shape[0])
    for k in range(matrix.shape[0]):
        start, end = matrix.indptr[k], matrix.indptr[k + 1]
        coeffs, reduced_rhs = reduced_row(matrix.data[start:end].astype(np.int64), int(part.rhs[k]))
        top = max(float(np.abs(coeffs).max(initial=1)), 1.0)
        matrix.data[start:end] = coeffs / top
        rhs[k] = reduced_rhs / top
    return matrix, rhs


def lagrangian_bound(model: CostRelaxation, upper: float, deadline: float, rel_gap: float) -> float:
    """The best ``L`` found by ``deadline`` (time.perf_counter()), rounded up to a cent:
    a true lower bound on the cost stage. ``upper`` is the stage's value (the steps aim at it).
    """
    mu = np.zeros(model.limit_rhs.size)
    lam = np.zeros(model.stage_lower.size)
    best, theta, stall, steps = -math.inf, THETA, 0, 0
    proof = max(ABSOLUTE_GAP, rel_gap * max(abs(upper), 1.0))
    while theta > MIN_THETA and (steps % 10 or time.perf_counter() < deadline):
        steps += 1
        value, error, taken = model.value(mu, lam)
        if value - error > best:
            best, stall = value - error, 0
        else:
            stall += 1
            if stall >= STALL:
                theta, stall = theta / 2, 0
        if upper - best <= proof:
            break
        x = np.zeros(model.cost.size)
        x[taken] = 1.0
        limit_step = model.limits @ x - model.limit_rhs
        stage_step = model.stage_lower - model.stage @ x
        limit_step[(mu <= 0) & (limit_step < 0)] = 0.0  # projected: a multiplier stays >= 0
        stage_step[(lam <= 0) & (stage_step < 0)] = 0.0
        norm = float(limit_step @ limit_step + stage_step @ stage_step)
        if norm == 0.0:
            break  # the subproblem's answer is feasible and complementary: L is optimal
        target = upper if math.isinf(best) else best + TARGET * (upper - best)
        step = theta * max(target - value, 1.0) / norm
        mu = np.maximum(mu + step * limit_step, 0.0)
        lam = np.maximum(lam + step * stage_step, 0.0)
    return float(math.ceil(best - 1e-6)) if math.isfinite(best) else math.nan


def solve_and_bound(
    problem: MatchingProblem,
    part: Part,
    backend: Backend,
    deadline: float,
    threads: int = 1,
    warm: npt.NDArray[np.bool_] | None = None,
    rel_gap: float = 0.0,
) -> PartSolution:
    """``solve_part``, keeping a slice of the part's time for the Lagrangian bound of its cost
    stage when that stage ends unproven (every face solves its parts through this)."""
    left = max(deadline - time.perf_counter(), 0.0)
    kept = min(BOUND_SHARE * left, BOUND_SECONDS_PER_PAIR * part.cols.size)
    solution = solve_part(problem, part, backend, deadline - kept, threads, warm, rel_gap)
    return tightened(problem, part, solution, deadline, rel_gap)


def tightened(
    problem: MatchingProblem,
    part: Part,
    solution: PartSolution,
    deadline: float,
    rel_gap: float,
) -> PartSolution:
    """The solution with its cost stage's bound raised to the Lagrangian bound where that is
    tighter; a stage the bound proves (within ``rel_gap`` or a cent) counts as optimal."""
    records = list(solution.stages)
    last = records[-1] if records else None
    if last is None or last.name != COST_STAGE or last.status is not StageStatus.FEASIBLE:
        return solution
    started = time.perf_counter()
    bound = lagrangian_bound(
        relaxation(problem, part, solution), float(last.objective), deadline, rel_gap
    )
    if not bound > last.bound:  # also when NaN: keep what the stage had
        return solution
    proven = last.objective - bound <= max(ABSOLUTE_GAP, rel_gap * max(abs(last.objective), 1))
    records[-1] = replace(
        last,
        bound=bound,
        status=StageStatus.OPTIMAL if proven else last.status,
        seconds=last.seconds + time.perf_counter() - started,
    )
    solved = all(r.status is StageStatus.OPTIMAL for r in records)
    return replace(
        solution,
        stages=tuple(records),
        status=StageStatus.OPTIMAL if solved else solution.status,
    )
