"""The default solver: HiGHS first, SCIP when HiGHS cannot prove a stage in its slice.

Why both: on rounds that decompose well or have loose capacity HiGHS proves each stage
fastest, but through OR-Tools 9.15 it returns no solution at all when its time runs out. On
scarce rounds (a multiple-knapsack core) SCIP keeps improving an incumbent from the hint and
reports a bound, so a time-limited stage still has an answer and an honest gap. The figures
behind the choice are in benchmarks/README.md.
"""

import time

from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.backends.ortools_mb import ModelBuilderBackend

# Share of a stage's time HiGHS gets before SCIP takes over (and an upper bound in seconds).
HIGHS_SHARE = 0.3
HIGHS_MAX_SECONDS = 15.0


class PortfolioBackend:
    """HiGHS for a slice of the stage's time, then SCIP from the best known solution."""

    name = "auto"

    def __init__(self) -> None:
        self.first = ModelBuilderBackend("highs")
        self.second = ModelBuilderBackend("scip")

    def solve(self, task: StageTask) -> StageResult:
        """Solve one stage; the answer says which solver proved or found it."""
        started = time.perf_counter()
        slice_ = min(task.time_limit * HIGHS_SHARE, HIGHS_MAX_SECONDS)
        quick = self.first.solve(_with_time(task, slice_))
        if quick.status in (StageStatus.OPTIMAL, StageStatus.INFEASIBLE):
            return quick
        left = max(task.time_limit - (time.perf_counter() - started), 0.05)
        result = self.second.solve(_with_time(task, left))
        return StageResult(
            result.status,
            result.x,
            result.objective,
            result.bound,
            time.perf_counter() - started,
            result.message,
        )


def _with_time(task: StageTask, seconds: float) -> StageTask:
    return StageTask(
        task.problem,
        task.part,
        task.objective,
        task.maximize,
        task.stage_rows,
        task.hint,
        max(seconds, 0.05),
        task.threads,
    )
