"""Baseline and scenarios side by side: one row per KPI, one column per run."""

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.scenarios.outlook import SignalKey
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
    ("expected_wait_weeks", "expected wait (weeks)", "weeks"),
    ("lists_over_norm", "waiting lists over the norm", ""),
    ("n_signals", "capacity signals", ""),
    ("signals_added", "signals added vs baseline", ""),
    ("signals_removed", "signals removed vs baseline", ""),
    ("gap", "largest MIP gap", ""),
)
# Rows computed here, from two runs, rather than read from one run's KPIs.
_DIFF_ROWS = frozenset({"signals_added", "signals_removed"})


@dataclass(frozen=True)
class KpiRow:
    """One KPI across the runs (None where it does not apply, e.g. no budgets)."""

    key: str
    label: str
    unit: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class SignalChange:
    """The capacity signals a scenario adds to the baseline's, and those it removes."""

    added: tuple[SignalKey, ...]
    removed: tuple[SignalKey, ...]


@dataclass(frozen=True)
class Comparison:
    """The side-by-side table: columns are run names, baseline first."""

    columns: tuple[str, ...]
    statuses: tuple[str, ...]
    rows: tuple[KpiRow, ...]
    signal_changes: tuple[SignalChange | None, ...]

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready form: ``{"columns": [...], "kpis": {key: [values...]}, ...}``."""
        return {
            "columns": list(self.columns),
            "status": list(self.statuses),
            "kpis": {row.key: list(row.values) for row in self.rows},
            "signal_changes": [
                None
                if c is None
                else {
                    "added": [dict(zip(SIGNAL_FIELDS, s, strict=True)) for s in c.added],
                    "removed": [dict(zip(SIGNAL_FIELDS, s, strict=True)) for s in c.removed],
                }
                for c in self.signal_changes
            ],
        }


SIGNAL_FIELDS = ("type", "intervention_id", "area", "month", "severity")


def compare(baseline: RunResult, scenarios: Sequence[RunResult]) -> Comparison:
    """Baseline first, then each scenario, every KPI as a row.

    A signal counts as added when the scenario has it and the baseline has not, compared by
    type, intervention, area, month and severity (a signal that turns from medium to high
    is one removed and one added).
    """
    runs = (baseline, *scenarios)
    changes = tuple(_signal_change(baseline, r) for r in runs)
    rows = []
    for key, label, unit in ROWS:
        if key in _DIFF_ROWS:
            field = "added" if key == "signals_added" else "removed"
            values = tuple(None if c is None else float(len(getattr(c, field))) for c in changes)
        else:
            values = tuple(_number(getattr(r.kpis, key)) for r in runs)
        rows.append(KpiRow(key, label, unit, values))
    return Comparison(
        columns=tuple(r.name for r in runs),
        statuses=tuple(r.kpis.status for r in runs),
        rows=tuple(rows),
        signal_changes=changes,
    )


def _signal_change(baseline: RunResult, run: RunResult) -> SignalChange | None:
    if baseline.signals is None or run.signals is None:
        return None
    before, after = set(baseline.signals), set(run.signals)
    return SignalChange(added=tuple(sorted(after - before)), removed=tuple(sorted(before - after)))


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


# A stage stopped far from its bound can report a gap of millions of percent: shown capped.
GAP_SHOWN_UP_TO = 1.0


def kpi_text(row: KpiRow, value: float | None, whole_euros: bool = False, euro: str = "€ ") -> str:
    """A KPI value for people: percentages, euros (``euro`` before the amount), weeks."""
    if value is None:
        return "unknown" if row.key == "gap" else "-"
    if row.key == "gap" and value > GAP_SHOWN_UP_TO:
        return f"> {GAP_SHOWN_UP_TO:.0%}"
    if row.unit == "%":
        return f"{value:.1f}%"
    if row.unit == "ratio":
        return f"{100 * value:.0f}%"
    if row.unit == "weeks":
        return f"{value:.1f}"
    if row.unit == "EUR":
        return f"{euro}{value:,.0f}" if whole_euros else f"{euro}{value:,.2f}"
    if row.key == "gap":
        return f"{value:.2%}"
    return f"{value:,.0f}"
