"""Solve the parts of a batch on Dask: one task per bundle of parts, results as they come.

Each task carries self-contained sub-problems (``problem.restrict``), so a worker needs
nothing but matcher itself: it works the same on a LocalCluster and on a remote cluster.
Small parts are bundled into one task (at least ``BUNDLE_PAIRS`` pairs) so a round with
thousands of one-request parts does not become thousands of scheduler round-trips.
"""

import math
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from distributed import Client, as_completed

from matcher.batch.problem import BatchProblem, restrict
from matcher.matching import (
    CLASS_STAGES,
    Part,
    StageRecord,
    StageStatus,
    backend_named,
    solve_part,
    whole,
)

BUNDLE_PAIRS = 5_000


@dataclass(frozen=True)
class PartTask:
    """One part to solve: its number, its sub-problem and its share of the time limit."""

    index: int
    problem: BatchProblem
    budget: float
    warm: npt.NDArray[np.bool_] | None


@dataclass(frozen=True)
class Bundle:
    """What one Dask task receives."""

    parts: tuple[PartTask, ...]
    solver: str
    deadline_epoch: float  # wall clock (time.time()): comparable across machines
    threads: int
    rel_gap: float  # the policy's mip_gap: a stage within it counts as solved


@dataclass(frozen=True)
class PartResult:
    """What one part came to; ``chosen`` are the sub-problem's pair numbers."""

    index: int
    chosen: npt.NDArray[np.int64]
    stages: tuple[StageRecord, ...]
    status: StageStatus
    message: str
    seconds: float
    n_requests: int
    n_pairs: int
    worker: str


def solve_bundle(bundle: Bundle) -> list[PartResult]:
    """Run on a worker: solve each part of the bundle through every stage."""
    backend = backend_named(bundle.solver)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    results = []
    for task in bundle.parts:
        started = time.perf_counter()
        left = max(bundle.deadline_epoch - time.time(), 0.0)
        deadline = started + min(task.budget, left)
        solution = solve_part(
            task.problem,
            whole(task.problem),
            backend,
            deadline,
            bundle.threads,
            task.warm,
            bundle.rel_gap,
        )
        results.append(
            PartResult(
                task.index,
                solution.chosen,
                tuple(_bounded(task.problem, record) for record in solution.stages),
                solution.status,
                solution.message,
                time.perf_counter() - started,
                task.problem.n_requests,
                task.problem.n_pairs,
                worker,
            )
        )
    return results


def _bounded(problem: BatchProblem, record: StageRecord) -> StageRecord:
    """The record with the tighter of the solver's bound and a trivial one.

    A stage that ran out of time may come back without a bound (NaN), or with one that says
    nothing (HiGHS reports about 1e20 before its first LP). Both are valid bounds, so the
    tighter one is kept: every request of the class placed (a placement stage), or each
    request at its cheapest pair or unplaced, whichever is lower (the cost stage). Without
    this the gap would read 0 (NaN skipped) or astronomically.
    """
    if record.name in CLASS_STAGES:
        k = CLASS_STAGES.index(record.name)
        trivial = float(problem.weight[problem.urgency_rank == k].sum())
        bound = trivial if not math.isfinite(record.bound) else min(record.bound, trivial)
    else:
        cheapest = np.zeros(problem.n_requests, dtype=np.int64)
        np.minimum.at(cheapest, problem.pair_request, problem.pair_objective)
        trivial = float(cheapest.sum())
        bound = trivial if not math.isfinite(record.bound) else max(record.bound, trivial)
    return replace(record, bound=bound)


def bundles(
    problem: BatchProblem,
    parts: list[Part],
    solver: str,
    time_limit: float,
    workers: int,
    warm: npt.NDArray[np.bool_] | None,
    rel_gap: float = 0.0,
) -> list[Bundle]:
    """The parts as bundles, largest first, each part with its share of the time limit.

    A part's share is what it would get if the work were spread evenly over the workers:
    ``time_limit x workers x its pairs / all pairs``, never beyond the overall deadline.
    """
    total = max(sum(p.cols.size for p in parts), 1)
    deadline = time.time() + time_limit
    result: list[Bundle] = []
    current: list[PartTask] = []
    size = 0
    for index, part in enumerate(parts):
        budget = min(time_limit, time_limit * workers * part.cols.size / total)
        current.append(
            PartTask(
                index, restrict(problem, part), budget, None if warm is None else warm[part.cols]
            )
        )
        size += part.cols.size
        if size >= BUNDLE_PAIRS:
            result.append(Bundle(tuple(current), solver, deadline, 1, rel_gap))
            current, size = [], 0
    if current:
        result.append(Bundle(tuple(current), solver, deadline, 1, rel_gap))
    return result


class PartFailedError(Exception):
    """A task raised on its worker, or the worker died (Dask gave up after its retries)."""


def solve_on(client: Client, work: list[Bundle]) -> Iterator[PartResult]:
    """Submit every bundle and yield part results as bundles finish (any order)."""
    futures = [client.submit(solve_bundle, b, pure=False) for b in work]
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        try:
            results: list[PartResult] = future.result()
        except Exception as exc:
            first = work[futures.index(future)].parts[0].index
            raise PartFailedError(f"the task holding part {first} failed: {exc!r}") from exc
        future.release()
        yield from results
