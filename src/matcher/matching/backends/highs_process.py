"""HiGHS 1.16 (``highspy``) in a worker process, with one model per part kept across stages.

The worker (``matcher.highs_worker``) is a child process that never imports OR-Tools (the
two HiGHS builds clash in one process). A part's model is sent once; each stage sends only its
objective, the new stage row and the requests that became ``must_place``, and the worker
keeps HiGHS's model and options between them. Idle workers are kept in a small pool, so a
run pays the start of a worker (a few tenths of a second) once per process, not per part.

A worker that does not answer within its stage's time plus ``GRACE`` seconds is killed and
the stage answered ``no_solution`` (the stage runner then keeps its start).
"""

import atexit
import math
import select
import subprocess
import sys
import threading
import time
from typing import IO, Any, cast

import numpy as np
import numpy.typing as npt

from matcher.highs_worker import LARGE_COLUMNS
from matcher.highs_worker.protocol import receive, send
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.formulation import Part, linear_model
from matcher.matching.problem import MatchingProblem

GRACE = 5.0  # seconds past a stage's limit before its worker counts as hung
LOAD_SECONDS = 60.0  # a worker that takes longer to read a model counts as hung
MAX_WAIT = 86_400.0  # select() refuses a far-off timeout (a run "without" a limit): a day
ABSOLUTE_GAP = 0.999  # objectives are integers: a gap below one is a proof
_POOL: list["Worker"] = []
_POOL_LOCK = threading.Lock()


class WorkerError(RuntimeError):
    """The worker died, hung or answered an error."""


class Worker:
    """One ``python -m matcher.highs_worker`` child and its two pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "matcher.highs_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )

    def post(self, message: tuple[Any, ...]) -> None:
        """Send a message (the answer is read with ``answer``)."""
        try:
            send(cast(IO[bytes], self.process.stdin), message)
        except OSError as exc:
            raise WorkerError(f"the HiGHS worker stopped: {exc}") from None

    def answer(self, timeout: float) -> Any:
        """The answer to the last message, waiting up to ``timeout`` seconds."""
        stdout = cast(IO[bytes], self.process.stdout)
        try:
            ready, _, _ = select.select([stdout], [], [], min(timeout, MAX_WAIT))
            if not ready:
                raise WorkerError(f"the HiGHS worker gave no answer within {timeout:.0f} s")
            kind, answer = receive(stdout)
        except (OSError, EOFError) as exc:
            raise WorkerError(f"the HiGHS worker stopped: {exc}") from None
        if kind != "ok":
            raise WorkerError(str(answer))
        return answer

    def kill(self) -> None:
        """End the child at once (it may be mid-solve)."""
        self.process.kill()
        self._reap(None)

    def close(self) -> None:
        """Let the child end on its own (it stops when its input closes), else end it."""
        self._reap(2.0)

    def _reap(self, wait: float | None) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _acquire() -> Worker:
    """A live worker from the pool, or a new one."""
    with _POOL_LOCK:
        while _POOL:
            worker = _POOL.pop()
            if worker.process.poll() is None:
                return worker
            worker.close()  # ended while idle: close its pipes, start another
    return Worker()


def _release(worker: Worker) -> None:
    with _POOL_LOCK:
        _POOL.append(worker)


@atexit.register
def _close_pool() -> None:
    """End the idle workers when this process ends."""
    with _POOL_LOCK:
        workers = list(_POOL)
        _POOL.clear()
    for worker in workers:
        worker.close()


class HighsSession:
    """One part's live model: ``solve`` one stage after another, then ``close``.

    A large part (``LARGE_COLUMNS``) holds two workers with the same model, one on each core:
    one searches for better answers while the other computes the stage's LP bound and then
    searches too, from the same start with other neighbourhoods; the better answer is kept.
    """

    def __init__(self, problem: MatchingProblem, part: Part) -> None:
        self.requests = np.unique(problem.pair_request[part.cols])
        self.rows_sent = 0
        self.must_sent: frozenset[int] = frozenset()
        self.stage = 0
        linear = linear_model(problem, part)
        model = {
            "matrix": linear.matrix,
            "row_lo": linear.row_lo,
            "row_hi": linear.row_hi,
            "lb": linear.lb,
            "ub": linear.ub,
            "n_assign": int(self.requests.size),
            "n_limits": len(part.limits),
        }
        large = part.cols.size > LARGE_COLUMNS
        model["large"] = large
        self.model = model
        self.count = 2 if large else 1
        self.workers: list[Worker] = []
        self._open()

    def _open(self) -> None:
        """Workers holding the part's model; the stage rows are sent again with the next
        stage (a reopened session starts from the model as built)."""
        self.workers = [_acquire() for _ in range(self.count)]
        self.rows_sent = 0
        self.must_sent = frozenset()
        self._exchange([("load", self.model)] * self.count, LOAD_SECONDS)

    def solve(self, task: StageTask) -> StageResult:
        """The next stage: only what changed since the last one is sent.

        A worker that died (not one that hung) is replaced once: the model is loaded into a
        new one with every stage row so far, and the stage is asked again, so one lost child
        does not cost the part its answer. A hung stage is not repeated (it would take its
        time again); the next stage reopens the session.
        """
        started = time.perf_counter()
        empty = np.zeros(task.part.cols.size, dtype=np.bool_)
        for attempt in range(2):
            try:
                if not self.workers:
                    self._open()
                answers = self._exchange(self._messages(task), task.time_limit + GRACE)
                break
            except WorkerError as exc:
                hung = "no answer" in str(exc)
                if hung or attempt == 1:
                    status = StageStatus.NO_SOLUTION if hung else StageStatus.ERROR
                    seconds = time.perf_counter() - started
                    return StageResult(status, empty, 0, math.nan, seconds, str(exc))
        self.rows_sent = len(task.stage_rows)
        self.must_sent = task.must_place
        self.stage += 1
        seconds = time.perf_counter() - started
        answer = answers[0]
        if answer.x is None:
            return StageResult(
                StageStatus(answer.status), empty, 0, math.nan, seconds, answer.message
            )
        x: npt.NDArray[np.bool_] = answer.x
        bound = answer.bound
        if len(answers) > 1:
            bound, second = answers[1]
            if second is not None and _better(task, second, x):
                x = second
        objective = int(task.objective[x].sum())
        status = StageStatus(answer.status)
        if status is StageStatus.FEASIBLE and _proven(objective, bound, task.rel_gap):
            status = StageStatus.OPTIMAL
        return StageResult(status, x, objective, bound, seconds)

    def _messages(self, task: StageTask) -> list[tuple[Any, ...]]:
        """The stage's message to each worker: what changed since the model they hold."""
        new_rows = [
            (
                np.flatnonzero(row.coeffs).astype(np.int32),
                row.coeffs[row.coeffs != 0].astype(np.float64),
                float(row.lower),
            )
            for row in task.stage_rows[self.rows_sent :]
        ]
        must = np.fromiter(task.must_place - self.must_sent, dtype=np.int64)
        stage = {
            "objective": task.objective.astype(np.float64),
            "maximize": task.maximize,
            "new_rows": new_rows,
            "must_place": np.searchsorted(self.requests, must).astype(np.int32),
            "hint": task.hint,
            "time_limit": max(task.time_limit, 0.05),
            "rel_gap": task.rel_gap,
            "seed": self.stage,
            "bound_elsewhere": len(self.workers) > 1,
        }
        return [("stage", stage), ("bound", stage)][: len(self.workers)]

    def close(self) -> None:
        """Give the workers back to the pool."""
        for worker in self.workers:
            _release(worker)
        self.workers = []

    def _exchange(self, messages: list[tuple[Any, ...]], timeout: float) -> list[Any]:
        """One message to each worker, then every answer; on a failure every worker of the
        session is ended (a half-updated model must not be reused)."""
        try:
            for worker, message in zip(self.workers, messages, strict=True):
                worker.post(message)
            return [worker.answer(timeout) for worker in self.workers]
        except BaseException:
            # Whatever broke the exchange (a hung or dead child, or an error on this side
            # between a message and its answer), a worker may still owe an answer: one put
            # back in the pool would hand that stale answer to the next part.
            for worker in self.workers:
                worker.kill()
            self.workers = []
            raise


def _better(task: StageTask, y: npt.NDArray[np.bool_], x: npt.NDArray[np.bool_]) -> bool:
    """True when ``y`` has a better stage objective than ``x`` (both satisfy every row)."""
    gain = int(task.objective[y].sum()) - int(task.objective[x].sum())
    return gain > 0 if task.maximize else gain < 0


def _proven(objective: int, bound: float, rel_gap: float) -> bool:
    """A bound within the absolute gap of one (integer objectives) or the policy's gap."""
    return math.isfinite(bound) and abs(bound - objective) <= max(
        ABSOLUTE_GAP, rel_gap * max(abs(objective), 1)
    )


class HighsBackend:
    """HiGHS through ``highspy`` in a worker process (see the module doc)."""

    name = "highs"

    def open(self, problem: MatchingProblem, part: Part) -> HighsSession:
        """A session holding the part's model for its stages."""
        return HighsSession(problem, part)

    def solve(self, task: StageTask) -> StageResult:
        """One stage on its own: a session opened and closed around it."""
        try:
            session = self.open(task.problem, task.part)
        except WorkerError as exc:
            empty = np.zeros(task.part.cols.size, dtype=np.bool_)
            return StageResult(StageStatus.ERROR, empty, 0, math.nan, 0.0, str(exc))
        try:
            return session.solve(task)
        finally:
            session.close()
