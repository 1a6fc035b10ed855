"""Baseline and scenarios side by side: one row per KPI, one column per run."""

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.scenarios.run import RunResult

# (key in Kpis, label, unit) in the order a capacity manager reads them.
ROWS: tuple[tuple[str, str, str], ...] = (
    ("placed_pct", "placed", "%"),
    ("urgent_placed_pct", "urgent placed (crisis+high)", "%"),
    ("n_open", "open requests", ""),
    ("n_placed", "placed requests", ""),
    ("total_cost", "total cost (per week)", "EUR"),
    ("total_budget", "total budget", "EUR"),
    ("cost_of_budget_pct", "cost / budget", "%"),
    ("avg_tariff", "average tariff per unit", "EUR"),
    ("utilisation_min", "provider utilisation min", "ratio"),
    ("utilisation_median", "provider utilisation median", "ratio"),
    ("utilisation_max", "provider utilisation max", "ratio"),
    ("utilisation_std", "provider utilisation std", "ratio"),
    ("hhi_max", "HHI max over interventions", ""),
    ("hhi_mean", "HHI mean over interventions", ""),
    ("gap", "largest MIP gap", ""),
)


@dataclass(frozen=True)
class KpiRow:
    """One KPI across the runs (None where it does not apply, e.g. no budgets)."""

    key: str
    label: str
    unit: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Comparison:
    """The side-by-side table: columns are run names, baseline first."""

    columns: tuple[str, ...]
    statuses: tuple[str, ...]
    rows: tuple[KpiRow, ...]

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready form: ``{"columns": [...], "kpis": {key: [values...]}}``."""
        return {
            "columns": list(self.columns),
            "status": list(self.statuses),
            "kpis": {row.key: list(row.values) for row in self.rows},
        }


def compare(baseline: RunResult, scenarios: Sequence[RunResult]) -> Comparison:
    """Baseline first, then each scenario, every KPI as a row."""
    runs = (baseline, *scenarios)
    rows = []
    for key, label, unit in ROWS:
        values = tuple(_number(getattr(r.kpis, key)) for r in runs)
        rows.append(KpiRow(key, label, unit, values))
    return Comparison(
        columns=tuple(r.name for r in runs),
        statuses=tuple(r.kpis.status for r in runs),
        rows=tuple(rows),
    )


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
