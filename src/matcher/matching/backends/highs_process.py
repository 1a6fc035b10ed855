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
from dataclasses import replace
from typing import IO, Any, cast

import numpy as np
import numpy.typing as npt

from matcher.highs_worker import LARGE_COLUMNS
from matcher.highs_worker.protocol import StageAnswer, receive, send
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.formulation import Part, linear_model
from matcher.matching.problem import MatchingProblem

GRACE = 5.0  # seconds past a stage's limit before its worker counts as hung
LOAD_SECONDS = 60.0  # a worker that takes longer to read a model counts as hung
MAX_WAIT = 86_400.0  # select() refuses a far-off timeout (a run "without" a limit): a day
ABSOLUTE_GAP = 0.999  # objectives are integers: a gap below one is a proof
# A large stage's search is cut into rounds of about 1/ROUNDS of its time (at least
# MIN_ROUND s); after each, a worker starts again from the best answer of both.
ROUNDS = 8
MIN_ROUND = 0.5
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
    searches too, with other neighbourhoods; they search in rounds, each round combining the
    best answer with the other latest one (``_rounds``).
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
                if len(self.workers) > 1 and task.hint is not None:
                    answer = self._rounds(task)
                else:
                    answer = self._one_round(task)
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
        if answer.x is None:
            return StageResult(
                StageStatus(answer.status), empty, 0, math.nan, seconds, answer.message
            )
        x: npt.NDArray[np.bool_] = answer.x
        bound = answer.bound
        objective = int(task.objective[x].sum())
        status = StageStatus(answer.status)
        if status is StageStatus.FEASIBLE and _proven(objective, bound, task.rel_gap):
            status = StageStatus.OPTIMAL
        return StageResult(status, x, objective, bound, seconds)

    def _stage(self, task: StageTask, bound_elsewhere: bool) -> dict[str, Any]:
        """The stage as the workers get it: what changed since the model they hold."""
        new_rows = [
            (
                np.flatnonzero(row.coeffs).astype(np.int32),
                row.coeffs[row.coeffs != 0].astype(np.float64),
                float(row.lower),
            )
            for row in task.stage_rows[self.rows_sent :]
        ]
        must = np.fromiter(task.must_place - self.must_sent, dtype=np.int64)
        return {
            "objective": task.objective.astype(np.float64),
            "maximize": task.maximize,
            "new_rows": new_rows,
            "must_place": np.searchsorted(self.requests, must).astype(np.int32),
            "hint": task.hint,
            "time_limit": max(task.time_limit, 0.05),
            "rel_gap": task.rel_gap,
            "seed": self.stage,
            "bound_elsewhere": bound_elsewhere,
        }

    def _rounds(self, task: StageTask) -> StageAnswer:
        """A large stage on both workers: one takes the LP bound while the other searches;
        then both search in rounds of about ``1 / ROUNDS`` of the stage's time, each round
        starting from the best answer so far combined with the other latest one
        (``to_merge``), so the two cores add up their gains instead of racing
        (models/matching.md)."""
        assert task.hint is not None
        started = time.perf_counter()
        deadline = started + max(task.time_limit, 0.05)
        length = max(MIN_ROUND, task.time_limit / ROUNDS)
        searcher, bounder = self.workers
        stage = self._stage(task, bound_elsewhere=True)
        best: npt.NDArray[np.bool_] = task.hint
        latest: dict[int, npt.NDArray[np.bool_] | None] = {0: None, 1: None}
        bound, rounds = math.nan, 0
        proven = done = False  # a worker proved the stage / has nothing left to try
        try:
            searcher.post(("stage", {**stage, "time_limit": min(length, task.time_limit)}))
            bounder.post(("bound", stage))
            busy = {0, 1}
            while busy:
                k = self._next_answer(busy, deadline + GRACE)
                busy.discard(k)
                reply = self.workers[k].answer(GRACE)
                if k == 1 and math.isnan(bound) and not isinstance(reply, StageAnswer):
                    bound = float(reply)
                else:
                    latest[k] = reply.x
                    if _better(task, reply.x, best):
                        best = reply.x
                    proven = proven or reply.status == "optimal"
                    done = done or proven or reply.exhausted
                value = int(task.objective[best].sum())
                left = deadline - time.perf_counter()
                if done or left < MIN_ROUND / 2 or _proven(value, bound, task.rel_gap):
                    continue
                rounds += 1
                search = {
                    "best": best,
                    "other": to_merge(best, latest[k], latest[1 - k]),
                    "time_limit": min(length, left),
                    "seed": self.stage * 10_000 + rounds,
                }
                self.workers[k].post(("search", search))
                busy.add(k)
        except BaseException:
            self._end_workers()
            raise
        status = "optimal" if proven else "feasible"
        return StageAnswer(status, best, bound, time.perf_counter() - started)

    def _one_round(self, task: StageTask) -> StageAnswer:
        """The stage in one message per worker: HiGHS's branch and bound (a part up to
        ``LARGE_COLUMNS``, or a large one without a start); a second worker, when the part
        has one, is moved to the stage too and adds its LP bound."""
        stage = self._stage(task, bound_elsewhere=False)
        messages = [("stage", stage), ("bound", stage)][: len(self.workers)]
        answer, *bounds = self._exchange(messages, task.time_limit + GRACE)
        for other in bounds:
            if math.isfinite(other) and not math.isfinite(answer.bound):
                answer = replace(answer, bound=float(other))
            elif math.isfinite(other):
                tighter = min if task.maximize else max
                answer = replace(answer, bound=tighter(answer.bound, float(other)))
        assert isinstance(answer, StageAnswer)
        return answer

    def _next_answer(self, busy: set[int], until: float) -> int:
        """The index of a busy worker whose answer is ready, waiting until ``until``."""
        streams = {cast(IO[bytes], self.workers[k].process.stdout): k for k in busy}
        wait = min(max(until - time.perf_counter(), 0.0), MAX_WAIT)
        ready, _, _ = select.select(list(streams), [], [], wait)
        if not ready:
            raise WorkerError(f"the HiGHS worker gave no answer within {wait:.0f} s")
        return streams[ready[0]]

    def close(self) -> None:
        """Give the workers back to the pool."""
        for worker in self.workers:
            _release(worker)
        self.workers = []

    def _exchange(self, messages: list[tuple[Any, ...]], timeout: float) -> list[Any]:
        """One message to each worker, then every answer; on a failure every worker of the
        session is ended (a half-updated model must not be reused)."""
        workers = self.workers[: len(messages)]
        try:
            for worker, message in zip(workers, messages, strict=True):
                worker.post(message)
            return [worker.answer(timeout) for worker in workers]
        except BaseException:
            self._end_workers()
            raise

    def _end_workers(self) -> None:
        """Whatever broke an exchange (a hung or dead child, or an error on this side between
        a message and its answer), a worker may still owe an answer: one put back in the pool
        would hand that stale answer to the next part, so every worker of the session ends."""
        for worker in self.workers:
            worker.kill()
        self.workers = []


def to_merge(
    best: npt.NDArray[np.bool_],
    mine: npt.NDArray[np.bool_] | None,
    theirs: npt.NDArray[np.bool_] | None,
) -> npt.NDArray[np.bool_] | None:
    """The answer a worker's next round combines with the best (``neighbourhoods.merge``):
    the latest answer of the two workers that is not the best itself, whichever worker found
    the best. A worker whose own answer became the best must still take in what the other
    found meanwhile; before, it started from its own answer alone and the other's gains of
    that round were lost (5,000 requests at 10 s: place_normal 47,802 against 47,664–47,713)."""
    others = [a for a in (mine, theirs) if a is not None and a is not best]
    return others[0] if others else None


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
