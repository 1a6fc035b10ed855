"""Run history and audit: every run, award and override, as tables for the app."""

from typing import Any

import pandas as pd

from matcher.data.db import audit
from matcher.data.db.audit import DataVersion
from matcher.data.db.engine import engine_for
from matcher.data.db.migrate import current_revision
from matcher.data.db.runs import run_records
from matcher.services.access import Actor, Permission, require

KPI_COLUMNS = ("n_requests", "n_assigned", "total_cost", "gap", "seconds")


def data_version(db: str | None) -> DataVersion | None:
    """Changes whenever the stored round does; None when the database is not initialised."""
    with engine_for(db) as engine:
        if current_revision(engine) is None:
            return None
        return audit.data_version(engine)


def runs(db: str | None, actor: Actor) -> pd.DataFrame:
    """Every run from the app, newest first, with its parameters and KPIs as columns."""
    require(actor, Permission.AUDIT)
    frame = _read(db, audit.runs_table)
    if frame.empty:
        return frame
    for name in KPI_COLUMNS:
        frame[name] = [k.get(name) for k in frame["kpis"]]
    frame["parameters"] = [_words(p) for p in frame["parameters"]]
    return frame.drop(columns=["kpis"])


def batch_runs(db: str | None, actor: Actor) -> pd.DataFrame:
    """Every nightly batch run, newest first: when, parameters, status, KPIs and changes."""
    require(actor, Permission.AUDIT)
    with engine_for(db) as engine:
        records = run_records(engine)
    rows = [
        {
            "run_date": r.run_date,
            "started_at": r.started_at,
            "seconds": r.seconds,
            "parameters": f"{r.solver}, {r.workers} worker(s), change penalty "
            f"EUR {r.change_penalty}",
            "status": r.status,
            "n_parts": r.n_parts,
            "n_requests": r.n_requests,
            "n_assigned": r.n_assigned,
            "total_cost": float(r.total_cost),
            "gap": r.gap,
            "changes": _changes_in_words(r.summary),
            "signals": r.summary.get("n_signals"),
        }
        for r in records
    ]
    return pd.DataFrame(rows)


def _changes_in_words(summary: dict[str, Any]) -> str:
    """'3 new, 1 changed, 0 dropped, 5 kept' from the run summary's counts."""
    kinds = ("new", "changed", "dropped", "kept")
    return ", ".join(f"{summary.get('n_' + kind, 0)} {kind}" for kind in kinds)


def awards(db: str | None, actor: Actor) -> pd.DataFrame:
    """Every award made from the app, newest first, with who and why."""
    require(actor, Permission.AUDIT)
    frame = _read(db, audit.awards_table)
    for name in ("tariff", "units"):
        if name in frame:
            frame[name] = frame[name].astype(float)
    return frame


def overrides(db: str | None, actor: Actor) -> pd.DataFrame:
    """Every pin and forbid set or lifted, newest first, with who and why."""
    require(actor, Permission.AUDIT)
    return _read(db, audit.overrides_table)


def _read(db: str | None, reader: Any) -> pd.DataFrame:
    with engine_for(db) as engine:
        frame: pd.DataFrame = reader(engine)
        return frame


def _words(parameters: dict[str, Any]) -> str:
    """Parameters in one line: auto, limit 20 s; pins: R1>P1; scenario: P001 leaves."""
    parts = [f"{parameters.get('solver', '?')}, limit {parameters.get('time_limit', '?')} s"]
    for name in ("pins", "forbids"):
        values = parameters.get(name) or []
        if values:
            parts.append(f"{name}: {', '.join(values)}")
    for key, value in parameters.items():
        if key in ("solver", "time_limit", "pins", "forbids", "teams", "definition"):
            continue  # a what-if's definition is the full scenario: its changes say it in words
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "none"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)
