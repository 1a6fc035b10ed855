"""How the parts of a round are executed: the one place that decides where solves run.

``solve`` (``matcher.matching.engine``) splits a problem into parts and hands them to a
runner; the runner answers each part's :class:`PartSolution` with the chosen pairs as global
pair indices. :class:`LocalRunner` solves them one after another in this process; the batch
has a runner on Dask (``matcher.batch.solve.DaskRunner``). Time sharing between parts is the
runner's: a sequential runner shares the time left, a parallel one spreads it over workers.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from matcher.matching.backends.base import Backend
from matcher.matching.cost_bound import solve_and_bound
from matcher.matching.formulation import Part
from matcher.matching.problem import MatchingProblem
from matcher.matching.settings import MatchSettings, Solver
from matcher.matching.stages import PartSolution

Warm = npt.NDArray[np.bool_] | None


class Runner(Protocol):
    """Executes the parts of one problem; yields (part number, solution) in any order."""

    def run(
        self,
        problem: MatchingProblem,
        parts: Sequence[Part],
        settings: MatchSettings,
        deadline: float,
        warm: Warm,
    ) -> Iterator[tuple[int, PartSolution]]:
        """Solve every part by ``deadline`` (time.perf_counter()); stop early when asked."""
        ...


def backend_named(name: str | Solver) -> Backend:
    """The backend for a resolved solver (``auto`` is resolved by MatchSettings)."""
    solver = Solver(name)
    if solver in (Solver.AUTO, Solver.HIGHS):
        from matcher.matching.backends.highs_process import HighsBackend

        return HighsBackend()
    if solver is Solver.CBC:
        from matcher.matching.backends.pulp_cbc import PulpBackend

        backend: Backend = PulpBackend()
        return backend
    from matcher.matching.backends.ortools_mb import ModelBuilderBackend

    return ModelBuilderBackend(solver.value)


class LocalRunner:
    """The parts one after another in this process, each with a share of the time left in
    proportion to its size (what a part does not use passes on to the next)."""

    def __init__(
        self,
        progress: Callable[[int, int], None] | None = None,
        backend: Callable[[Solver], Backend] | None = None,
    ) -> None:
        self.progress = progress
        self.backend = backend or backend_named

    def run(
        self,
        problem: MatchingProblem,
        parts: Sequence[Part],
        settings: MatchSettings,
        deadline: float,
        warm: Warm,
    ) -> Iterator[tuple[int, PartSolution]]:
        """Solve each part in turn (see class doc)."""
        backend = self.backend(settings.solver)
        pairs_left = sum(p.cols.size for p in parts)
        for done, part in enumerate(parts):
            now = time.perf_counter()
            share = max(deadline - now, 0.0) * part.cols.size / max(pairs_left, 1)
            pairs_left -= part.cols.size
            yield (
                done,
                solve_and_bound(
                    problem,
                    part,
                    backend,
                    now + share,
                    settings.threads,
                    None if warm is None else warm[part.cols],
                    settings.mip_gap,
                ),
            )
            if self.progress is not None:
                self.progress(done + 1, len(parts))
