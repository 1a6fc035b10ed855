"""Run scenarios: apply, match, compute KPIs; one at a time or in parallel on Dask.

``run_scenario`` is a plain function of plain data, so a Dask worker runs exactly what a
serial loop runs and a sweep gives the same KPIs either way (when each solve is proven
optimal; a solve cut short by its time limit may differ between runs).
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from matcher.domain import Round
from matcher.matching.engine import match_round
from matcher.scenarios.apply import apply_scenario
from matcher.scenarios.kpis import Kpis, compute_kpis
from matcher.scenarios.scenario import Scenario

BASELINE = Scenario(name="baseline")

# Called after each finished run with (runs done, runs in all, name of the run just done).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RunSettings:
    """How each run is matched."""

    solver: str = "auto"
    time_limit: float | None = None
    threads: int = 1


class RunResult(BaseModel):
    """One run's name, KPIs and wall time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kpis: Kpis
    seconds: float


def run_scenario(round_: Round, scenario: Scenario, settings: RunSettings) -> RunResult:
    """Apply the scenario, match the round, compute its KPIs."""
    started = time.perf_counter()
    edited = apply_scenario(round_, scenario)
    outcome = match_round(
        edited, solver=settings.solver, time_limit=settings.time_limit, threads=settings.threads
    )
    kpis = compute_kpis(edited, outcome)
    return RunResult(name=scenario.name, kpis=kpis, seconds=time.perf_counter() - started)


def run_serial(
    round_: Round,
    scenarios: Sequence[Scenario],
    settings: RunSettings,
    progress: Progress | None = None,
) -> list[RunResult]:
    """Every scenario in turn, in this process."""
    results = []
    for k, scenario in enumerate(scenarios):
        results.append(run_scenario(round_, scenario, settings))
        if progress is not None:
            progress(k + 1, len(scenarios), scenario.name)
    return results


def run_on_dask(
    client: Any,
    round_: Round,
    scenarios: Sequence[Scenario],
    settings: RunSettings,
    progress: Progress | None = None,
) -> list[RunResult]:
    """Every scenario as one task on a Dask cluster; results in the order given.

    The round is sent to the workers once (scattered), not once per task.
    """
    from distributed import as_completed

    shared = client.scatter(round_, broadcast=True)
    futures = [
        client.submit(run_scenario, shared, scenario, settings, pure=False)
        for scenario in scenarios
    ]
    index = {future.key: k for k, future in enumerate(futures)}
    results: list[RunResult | None] = [None] * len(futures)
    for done, future in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
        k = index[future.key]
        results[k] = future.result()
        if progress is not None:
            progress(done, len(futures), scenarios[k].name)
    return [r for r in results if r is not None]
