"""What-if use-case: read a round directory and scenario files, run them all, compare.

The baseline and every scenario are matched with the same settings. Runs go to Dask when
there is more than one and the caller did not ask for one worker: a scheduler address uses
that cluster, otherwise a ``distributed.LocalCluster`` lives for the duration of the call.
"""

import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.data.reader import read_round
from matcher.domain import Round
from matcher.scenarios.compare import Comparison, compare
from matcher.scenarios.files import load_scenarios
from matcher.scenarios.run import (
    BASELINE,
    Progress,
    RunResult,
    RunSettings,
    run_on_dask,
    run_serial,
)
from matcher.scenarios.scenario import Scenario
from matcher.scenarios.sweep import sweep_scenarios


@dataclass(frozen=True)
class WhatIfOutcome:
    """The comparison, the runs behind it, where they ran and how long it all took."""

    comparison: Comparison
    results: tuple[RunResult, ...]
    ran_on: str
    seconds: float


def load_round(path: Path) -> Round:
    """The round of a round directory or workbook (RoundImportError when it has errors)."""
    return read_round(Path(path)).round


def collect_scenarios(paths: Sequence[Path], sweeps: Sequence[str] = ()) -> list[Scenario]:
    """Every scenario of the files (sweep files expanded) and of the ``--sweep`` options,
    with repeated names made unique so each column can be told apart."""
    scenarios = [s for path in paths for s in load_scenarios(Path(path))]
    scenarios += sweep_scenarios(sweeps)
    seen: dict[str, int] = {BASELINE.name: 1}
    unique = []
    for scenario in scenarios:
        count = seen.get(scenario.name, 0) + 1
        seen[scenario.name] = count
        if count > 1:
            scenario = scenario.model_copy(update={"name": f"{scenario.name} ({count})"})
        unique.append(scenario)
    return unique


def run_whatif(
    round_: Round,
    scenarios: Sequence[Scenario],
    settings: RunSettings,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> WhatIfOutcome:
    """Run the baseline and every scenario; the comparison puts the baseline first."""
    started = time.perf_counter()
    runs = [BASELINE, *scenarios]
    if scheduler is None and (workers == 1 or len(runs) == 1):
        results = run_serial(round_, runs, settings, progress)
        ran_on = "this process"
    else:
        results, ran_on = _on_dask(round_, runs, settings, scheduler, workers, progress)
    return WhatIfOutcome(
        comparison=compare(results[0], results[1:]),
        results=tuple(results),
        ran_on=ran_on,
        seconds=time.perf_counter() - started,
    )


def _on_dask(
    round_: Round,
    runs: Sequence[Scenario],
    settings: RunSettings,
    scheduler: str | None,
    workers: int | None,
    progress: Progress | None,
) -> tuple[list[RunResult], str]:
    n = workers or min(len(runs), os.cpu_count() or 1)
    with dask_client(scheduler, n) as (client, ran_on):
        return run_on_dask(client, round_, runs, settings, progress), ran_on


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[tuple[Any, str]]:
    """A Dask client of the scheduler at an address, or of a local cluster of ``workers``
    single-threaded processes that lives as long as the ``with`` block; and its description."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client, f"scheduler {scheduler}"
        return
    # One thread per worker: each solve is single-threaded, processes sidestep the GIL.
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: 8787 may be taken
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client, f"local cluster, {workers} workers"
