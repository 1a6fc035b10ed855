"""The batch's runner: the parts of a round solved on Dask, one task per bundle of parts.

``DaskRunner`` is a ``matcher.matching.Runner``: the batch calls the same ``solve`` as every
other face and only says where the parts run. The stages, the trivial bounds, the totals and
the gap are therefore the engine's (``matching.stages``/``matching.engine``), not a copy.

Each task carries self-contained sub-problems (``problem.restrict``), so a worker needs
nothing but matcher itself: it works the same on a LocalCluster and on a remote cluster.
Small parts are bundled into one task (at least ``BUNDLE_PAIRS`` pairs) so a round with
thousands of one-request parts does not become thousands of scheduler round-trips.
"""

import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from distributed import Client, as_completed

from matcher.batch.problem import BatchProblem, as_batch, restrict
from matcher.matching import (
    MatchingProblem,
    MatchSettings,
    Part,
    PartSolution,
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
                solution.stages,
                solution.status,
                solution.message,
                time.perf_counter() - started,
                task.problem.n_requests,
                task.problem.n_pairs,
                worker,
            )
        )
    return results


def bundles(
    problem: BatchProblem,
    parts: Sequence[Part],
    settings: MatchSettings,
    deadline: float,
    workers: int,
    warm: npt.NDArray[np.bool_] | None,
) -> list[Bundle]:
    """The parts as bundles, in the order given (largest first), each with its time share.

    ``deadline`` is a ``time.perf_counter()`` instant. A part's share is what it would get if
    the work were spread evenly over the workers: ``time left x workers x its pairs / all
    pairs``, never beyond the deadline (carried to the workers as wall-clock time).
    """
    time_left = max(deadline - time.perf_counter(), 0.0)
    deadline_epoch = time.time() + time_left
    total = max(sum(p.cols.size for p in parts), 1)
    result: list[Bundle] = []
    current: list[PartTask] = []
    size = 0

    def close() -> None:
        result.append(
            Bundle(tuple(current), settings.solver.value, deadline_epoch, 1, settings.mip_gap)
        )

    for index, part in enumerate(parts):
        budget = min(time_left, time_left * workers * part.cols.size / total)
        current.append(
            PartTask(
                index, restrict(problem, part), budget, None if warm is None else warm[part.cols]
            )
        )
        size += part.cols.size
        if size >= BUNDLE_PAIRS:
            close()
            current, size = [], 0
    if current:
        close()
    return result


class PartFailedError(Exception):
    """A task raised on its worker, or the worker died (Dask gave up after its retries)."""


def solve_on(client: Client, work: list[Bundle]) -> Iterator[PartResult]:
    """Submit every bundle and yield part results as bundles finish (any order).

    Futures still running when the caller stops (a failed part, an error) are cancelled.
    """
    futures = [client.submit(solve_bundle, b, pure=False) for b in work]
    try:
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            try:
                results: list[PartResult] = future.result()
            except Exception as exc:
                first = work[futures.index(future)].parts[0].index
                raise PartFailedError(f"the task holding part {first} failed: {exc!r}") from exc
            future.release()
            yield from results
    finally:
        client.cancel(futures)  # type: ignore[no-untyped-call]


class DaskRunner:
    """Runs the parts of a problem on a Dask cluster (the batch's ``Runner``).

    ``on_part`` hears of every part as it finishes (for the run's progress events).
    """

    def __init__(
        self,
        client: Client,
        workers: int,
        on_part: Callable[[PartResult], None] | None = None,
    ) -> None:
        self.client = client
        self.workers = workers
        self.on_part = on_part

    def run(
        self,
        problem: MatchingProblem,
        parts: Sequence[Part],
        settings: MatchSettings,
        deadline: float,
        warm: npt.NDArray[np.bool_] | None,
    ) -> Iterator[tuple[int, PartSolution]]:
        """Solve the parts as bundles on the cluster; the chosen pairs are the problem's."""
        batch = problem if isinstance(problem, BatchProblem) else as_batch(problem)
        work = bundles(batch, parts, settings, deadline, self.workers, warm)
        for result in solve_on(self.client, work):
            if self.on_part is not None:
                self.on_part(result)
            chosen = parts[result.index].cols[result.chosen].astype(np.int64)
            yield result.index, PartSolution(chosen, result.stages, result.status, result.message)
