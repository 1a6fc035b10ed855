"""What-if use-case: read a round directory and scenario files, run them all, compare.

The baseline and every scenario are matched with the same settings. Runs go to Dask when
there is more than one and the caller did not ask for one worker: a scheduler address uses
that cluster, otherwise a ``distributed.LocalCluster`` lives for the duration of the call.
"""

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    with whatif_cluster(scheduler, n) as (client, ran_on):
        return run_on_dask(client, round_, runs, settings, progress), ran_on


@contextmanager
def whatif_cluster(scheduler: str | None, workers: int) -> Iterator[tuple[Any, str]]:
    """The batch's Dask client (``matcher.batch.cluster``), and where the runs go in words.

    Imported here, not at the top: ``matcher whatif`` on one process never loads Dask.
    """
    from matcher.batch.cluster import dask_client

    with dask_client(scheduler, workers, quiet=True) as client:
        yield (
            client,
            (f"scheduler {scheduler}" if scheduler else f"local cluster, {workers} workers"),
        )
