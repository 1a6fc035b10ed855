"""The batch's runner: the parts of a round solved on Dask, one task per bundle of parts.

``DaskRunner`` is a ``matcher.matching.Runner``: the batch calls the same ``solve`` as every
other face and only says where the parts run. The stages, the trivial bounds, the totals and
the gap are therefore the engine's (``matching.stages``/``matching.engine``), not a copy.

Each task carries self-contained sub-problems (``problem.restrict``), so a worker needs
nothing but matcher itself: it works the same on a LocalCluster and on a remote cluster.
Small parts are bundled into one task (at least ``BUNDLE_PAIRS`` pairs) so a round with
thousands of one-request parts does not become thousands of scheduler round-trips.

Time is one pool, not fixed shares: a bundle is sent when a worker is free, with a deadline
computed then from the time the workers have left (``share``), so a part that proves early
hands its time to the parts after it. A cost stage that ends unproven gets the Lagrangian
bound (``bound.py``) in the time its part kept for it.
"""

import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from distributed import Client, Future, as_completed

from matcher.batch.problem import BatchProblem, as_batch, restrict
from matcher.matching import (
    MatchingProblem,
    MatchSettings,
    Part,
    PartSolution,
    StageRecord,
    StageStatus,
    backend_named,
    solve_and_bound,
    whole,
)

BUNDLE_PAIRS = 5_000
# Bundles sent ahead per worker: one waits on each worker while another runs, so a worker
# does not idle for the scheduler's round-trip between two bundles.
AHEAD = 2


@dataclass(frozen=True)
class PartTask:
    """One part to solve: its number, its sub-problem and its start."""

    index: int
    problem: BatchProblem
    warm: npt.NDArray[np.bool_] | None


@dataclass(frozen=True)
class Bundle:
    """What one Dask task receives; its ``seconds`` are set when it is sent."""

    parts: tuple[PartTask, ...]
    solver: str
    threads: int
    rel_gap: float  # the policy's mip_gap: a stage within it counts as solved
    seconds: float = 0.0  # its share, counted from when it starts on its worker
    end_epoch: float = 0.0  # the overall deadline, wall clock (time.time()): across machines

    @property
    def pairs(self) -> int:
        """The pairs of all its parts (what its time share is measured in)."""
        return sum(task.problem.n_pairs for task in self.parts)


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


def share(time_left: float, workers: int, committed: float, pairs: int, waiting: int) -> float:
    """Seconds for work of ``pairs`` starting now: its pairs' part of the worker time not yet
    promised (``workers x time_left`` less the ``committed`` seconds still ahead of the work
    already running), over the ``waiting`` pairs not yet started (its own included); never
    beyond the time left."""
    pool = max(workers * time_left - committed, 0.0)
    return max(min(time_left, pool * pairs / max(waiting, pairs, 1)), 0.0)


class TimePool:
    """The workers' time until ``end``, handed out as work starts (``share``) and handed back
    when it ends: what a bundle that proves early does not use goes to the bundles after it.

    Work counts as started when it is taken: one sent ahead and still waiting on its worker
    is counted a little short, which the overall deadline caps.
    """

    def __init__(self, end: float, workers: int, pairs: int) -> None:
        self.end = end
        self.workers = workers
        self.waiting = pairs  # pairs not yet taken
        self.running: dict[int, tuple[float, float]] = {}  # key -> (taken at, seconds)

    def take(self, key: int, pairs: int, now: float) -> float:
        """Seconds for work of ``pairs`` starting ``now``, kept as promised until handed back."""
        committed = sum(max(at + seconds - now, 0.0) for at, seconds in self.running.values())
        seconds = share(self.end - now, self.workers, committed, pairs, self.waiting)
        self.waiting -= pairs
        self.running[key] = (now, seconds)
        return seconds

    def give_back(self, key: int) -> None:
        """The work ended: what it did not use is free again."""
        del self.running[key]


def solve_bundle(bundle: Bundle) -> list[PartResult]:
    """Run on a worker: solve each part of the bundle through every stage, each part with
    its pairs' part of the bundle's time left (what one does not use passes on)."""
    backend = backend_named(bundle.solver)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    results = []
    pairs_left = bundle.pairs
    deadline_epoch = min(time.time() + bundle.seconds, bundle.end_epoch)
    for task in bundle.parts:
        started = time.perf_counter()
        left = max(deadline_epoch - time.time(), 0.0)
        budget = share(left, 1, 0.0, task.problem.n_pairs, pairs_left)
        pairs_left -= task.problem.n_pairs
        solution = solve_and_bound(
            task.problem,
            whole(task.problem),
            backend,
            started + budget,
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
    warm: npt.NDArray[np.bool_] | None,
) -> list[Bundle]:
    """The parts as bundles of at least ``BUNDLE_PAIRS`` pairs, in the order given (largest
    first); their deadlines are set when they are sent (``solve_on``)."""
    result: list[Bundle] = []
    current: list[PartTask] = []
    size = 0

    def close() -> None:
        result.append(Bundle(tuple(current), settings.solver.value, 1, settings.mip_gap))

    for index, part in enumerate(parts):
        current.append(
            PartTask(index, restrict(problem, part), None if warm is None else warm[part.cols])
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


def solve_on(
    client: Client, work: list[Bundle], end_epoch: float, workers: int
) -> Iterator[PartResult]:
    """Send the bundles in order, ``AHEAD`` per worker, each with its share of the time
    then left (``TimePool``); yield part results as bundles finish.

    Futures still running when the caller stops (a failed part, an error) are cancelled.
    """
    waiting = list(reversed(work))  # next bundle last
    pool = TimePool(end_epoch, workers, sum(b.pairs for b in work))
    running: dict[Future[list[PartResult]], tuple[Bundle, int]] = {}

    def send() -> Future[list[PartResult]]:
        bundle = waiting.pop()
        key = len(waiting)
        seconds = pool.take(key, bundle.pairs, time.time())
        bundle = replace(bundle, seconds=seconds, end_epoch=end_epoch)
        future = client.submit(solve_bundle, bundle, pure=False)
        running[future] = (bundle, key)
        return future

    ahead = [send() for _ in range(min(AHEAD * workers, len(waiting)))]
    futures = as_completed(ahead)  # type: ignore[no-untyped-call]
    try:
        for future in futures:
            bundle, key = running.pop(future)
            pool.give_back(key)
            try:
                results: list[PartResult] = future.result()
            except Exception as exc:
                first = bundle.parts[0].index
                raise PartFailedError(f"the task holding part {first} failed: {exc!r}") from exc
            future.release()
            if waiting:
                futures.add(send())  # type: ignore[no-untyped-call]
            yield from results
    finally:
        client.cancel(list(running))  # type: ignore[no-untyped-call]


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
        work = bundles(batch, parts, settings, warm)
        end_epoch = time.time() + max(deadline - time.perf_counter(), 0.0)
        for result in solve_on(self.client, work, end_epoch, self.workers):
            if self.on_part is not None:
                self.on_part(result)
            chosen = parts[result.index].cols[result.chosen].astype(np.int64)
            yield result.index, PartSolution(chosen, result.stages, result.status, result.message)
