"""One what-if from the app: match the baseline and the scenario, compare, write the run record.

The page keeps the baseline of the stored round and hands it back for the next scenario
with the same settings: matching the demo round takes its whole time limit, and a baseline
solved once also keeps the comparison steady between scenarios.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from matcher.data.db.audit import record_run, utc_now
from matcher.data.db.engine import engine_for
from matcher.domain import Round
from matcher.scenarios.apply import apply_scenario
from matcher.scenarios.compare import (
    GAP_SHOWN_UP_TO,
    SIGNAL_FIELDS,
    Comparison,
    KpiRow,
    compare,
    kpi_text,
)
from matcher.scenarios.run import BASELINE, RunResult, RunSettings, run_scenario
from matcher.scenarios.scenario import Scenario
from matcher.services.access import Actor, Permission, require
from matcher.services.whatif_form import describe

# The demo round is slow to prove: the page solves each run with a short limit and says so.
DEFAULT_TIME_LIMIT = 10.0
SOLVED = ("optimal", "feasible")
RECORD_KIND = "scenario"

Progress = Callable[[str, float], None]
Colour = Literal["normal", "inverse", "off"]


@dataclass(frozen=True)
class WhatIfRun:
    """Baseline and scenario side by side, and the run record written for them."""

    scenario: Scenario
    settings: RunSettings
    baseline: RunResult
    result: RunResult
    comparison: Comparison
    run_id: int
    baseline_reused: bool

    @property
    def time_limited(self) -> bool:
        """True when a stage of either run stopped at the time limit before its proof."""
        return any(s == "feasible" for s in self.comparison.statuses)

    @property
    def failed(self) -> tuple[str, ...]:
        """The runs (baseline, scenario name) the solver found no solution for."""
        return tuple(
            n for n, s in zip(self.comparison.columns, self.comparison.statuses, strict=True)
            if s not in SOLVED
        )  # fmt: skip


def run_and_record(
    db: str | None,
    round_: Round,
    scenario: Scenario,
    settings: RunSettings,
    *,
    actor: Actor,
    baseline: RunResult | None = None,
    progress: Progress | None = None,
) -> WhatIfRun:
    """Match the baseline (unless given) and the scenario, compare, record the run.

    Raises ScenarioError, before any solve, when a change does not fit the round;
    capacity managers only.
    """
    require(actor, Permission.CAPACITY)
    apply_scenario(round_, scenario)  # refuse a change that does not fit before solving
    started_at = utc_now()
    clock = time.perf_counter()
    reused = baseline is not None
    if baseline is None:
        _say(progress, "Matching the baseline (the round as it is)", 0.05)
        baseline = run_scenario(round_, BASELINE, settings)
    _say(progress, f"Matching the scenario '{scenario.name}'", 0.1 if reused else 0.5)
    result = run_scenario(round_, scenario, settings)
    _say(progress, "Comparing and writing the run record", 0.95)
    comparison = compare(baseline, [result])
    run_id = _record(
        db,
        scenario,
        settings,
        baseline,
        result,
        actor.username,
        started_at,
        time.perf_counter() - clock,
    )
    _say(progress, "Done", 1.0)
    return WhatIfRun(scenario, settings, baseline, result, comparison, run_id, reused)


def _say(progress: Progress | None, text: str, fraction: float) -> None:
    if progress is not None:
        progress(text, fraction)


def _record(
    db: str | None,
    scenario: Scenario,
    settings: RunSettings,
    baseline: RunResult,
    result: RunResult,
    who: str,
    started_at: Any,
    seconds: float,
) -> int:
    """The run record: the scenario in full and in words, both runs' KPIs; the History
    page's KPI columns (requests, placed, cost, gap) are the scenario's."""
    kpis = result.kpis
    with engine_for(db) as engine:
        return record_run(
            engine,
            kind=RECORD_KIND,
            started_at=started_at,
            seconds=seconds,
            who=who,
            scope="whole round",
            parameters={
                "solver": settings.solver,
                "time_limit": settings.time_limit,
                "scenario": scenario.name,
                "changes": [describe(c) for c in scenario.changes],
                "definition": scenario.model_dump(mode="json"),
            },
            status=kpis.status,
            kpis={
                "n_requests": kpis.n_open,
                "n_assigned": kpis.n_placed,
                "total_cost": kpis.total_cost,
                "gap": kpis.gap,
                "seconds": round(seconds, 2),
                "scenario": kpis.model_dump(mode="json"),
                "baseline": baseline.kpis.model_dump(mode="json"),
            },
        )


def side_by_side(comparison: Comparison) -> pd.DataFrame:
    """The KPI table as the page shows it: label, baseline, scenario, change (as text)."""
    rows = []
    for row in comparison.rows:
        base, other = row.values[0], row.values[1]
        rows.append(
            {
                "KPI": row.label,
                comparison.columns[0]: kpi_text(row, base),
                comparison.columns[1]: kpi_text(row, other),
                "change": _change(row, base, other),
            }
        )
    return pd.DataFrame(rows, columns=["KPI", *comparison.columns[:2], "change"])


def kpi_numbers(comparison: Comparison) -> pd.DataFrame:
    """The KPI table as numbers, one column per run, for downloads."""
    frame = pd.DataFrame(
        {
            name: [row.values[k] for row in comparison.rows]
            for k, name in enumerate(comparison.columns)
        }
    )
    frame.insert(0, "unit", [row.unit for row in comparison.rows])
    frame.insert(0, "kpi", [row.key for row in comparison.rows])
    return frame


@dataclass(frozen=True)
class Headline:
    """One st.metric: label, the scenario's value and its change against the baseline."""

    label: str
    value: str
    delta: str | None  # None: unknown in a run
    colour: Colour  # st.metric's delta_color: inverse when lower is better, off when neither
    help: str = ""  # which direction is good for the user, in words


# (KPI key, label on the page, lower is better; None: neither direction is good by itself)
HEADLINES: tuple[tuple[str, str, bool | None], ...] = (
    ("placed_pct", "Placed", False),
    ("urgent_placed_pct", "Urgent placed", False),
    ("total_cost", "Cost a week", True),
    ("cost_of_budget_pct", "Cost / budget", True),
    ("expected_wait_weeks", "Expected wait (weeks)", True),
    ("n_signals", "Capacity signals", None),
)
DIRECTION = {
    False: "Higher is better: green when the scenario places more.",
    True: "Lower is better: green when the scenario costs or waits less.",
    None: "Neither more nor fewer signals is good by itself (a provider leaving can remove "
    "its over-supply signals and add shortages): read which are added and removed below.",
}


def headlines(comparison: Comparison) -> list[Headline]:
    """The figures shown large, with their change against the baseline."""
    by_key = {row.key: row for row in comparison.rows}
    out = []
    for key, label, lower in HEADLINES:
        row = by_key[key]
        base, other = row.values[0], row.values[1]
        delta: str | None = None
        colour: Colour = "off"
        if base is not None and other is not None and base != other:
            delta = _change(row, base, other)
            colour = "off" if lower is None else "inverse" if lower else "normal"
        elif base is not None and other is not None:
            delta = "no change"
        text = kpi_text(row, other, whole_euros=True)
        out.append(Headline(label, text, delta, colour, DIRECTION[lower]))
    return out


# KPIs of the two charts: shares (percent) and money (euros a week).
CHART_SHARES = ("placed_pct", "urgent_placed_pct", "cost_of_budget_pct")
CHART_MONEY = ("total_cost", "total_budget")


def chart_frame(comparison: Comparison, keys: tuple[str, ...]) -> pd.DataFrame:
    """Long table (KPI, run, value) of some KPIs for a grouped bar chart."""
    rows = [
        {"KPI": row.label, "run": name, "value": value}
        for row in comparison.rows
        if row.key in keys
        for name, value in zip(comparison.columns, row.values, strict=True)
        if value is not None
    ]
    return pd.DataFrame(rows, columns=["KPI", "run", "value"])


def signal_table(comparison: Comparison) -> pd.DataFrame:
    """The capacity signals the scenario adds and removes, one row each (empty without an
    outlook or when nothing changes)."""
    change = comparison.signal_changes[1] if len(comparison.signal_changes) > 1 else None
    columns = ["change", *SIGNAL_FIELDS]
    if change is None:
        return pd.DataFrame(columns=columns)
    rows = [("added", *s) for s in change.added] + [("removed", *s) for s in change.removed]
    return pd.DataFrame(rows, columns=columns)


def _change(row: KpiRow, base: float | None, other: float | None) -> str:
    """The scenario minus the baseline with its sign, in the row's unit; '' when equal."""
    if base is None or other is None or base == other:
        return ""
    if row.key == "gap" and max(base, other) > GAP_SHOWN_UP_TO:
        return ""
    sign = "+" if other > base else "-"
    if row.unit == "%":
        return f"{sign}{abs(other - base):.1f} pt"
    if row.unit == "ratio":
        return f"{sign}{100 * abs(other - base):.0f} pt"
    return f"{sign}{kpi_text(row, abs(other - base))}"
