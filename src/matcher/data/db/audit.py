"""The app's audit trail: runs, awards and overrides, with who and why. Append only."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from matcher.data.db.schema import (
    TEXT_LENGTH,
    app_runs,
    award_log,
    imports,
    market_log,
    override_log,
)
from matcher.data.db.store import require_current_schema
from matcher.domain.text import text_problem

OVERRIDE_ACTIONS = ("pin", "forbid", "unpin", "unforbid")


@dataclass(frozen=True)
class OverrideEntry:
    """One pin or forbid set (or lifted) by a regisseur."""

    request_id: str
    provider_id: str
    action: str
    why: str


class AuditNameError(ValueError):
    """The name to write in the audit cannot be stored; the message says why, in words."""


def audit_name(who: str) -> str:
    """who as the audit stores it (trimmed); refused before the database would refuse it."""
    name = who.strip()
    if not name:
        raise AuditNameError("the name for the audit is empty; type your name")
    if len(name) > TEXT_LENGTH:
        raise AuditNameError(
            f"the name for the audit is {len(name)} characters long; at most {TEXT_LENGTH} fit"
        )
    if problem := text_problem(name):
        raise AuditNameError(f"the name for the audit {problem}")
    return name


def record_run(
    engine: Engine,
    *,
    kind: str,
    started_at: datetime,
    seconds: float,
    who: str,
    scope: str,
    parameters: dict[str, Any],
    status: str,
    kpis: dict[str, Any],
) -> int:
    """Write one run record; returns its run_id."""
    who = audit_name(who)
    require_current_schema(engine)
    with engine.begin() as connection:
        inserted = connection.execute(
            app_runs.insert().values(
                kind=kind,
                started_at=started_at,
                seconds=seconds,
                who=who,
                scope=scope,
                parameters=parameters,
                status=status,
                kpis=kpis,
            )
        ).inserted_primary_key
    assert inserted is not None
    run_id: int = inserted[0]
    return run_id


def record_overrides(
    engine: Engine, entries: Sequence[OverrideEntry], *, who: str, run_id: int | None = None
) -> None:
    """Log pins and forbids; refuses an unknown action before writing anything."""
    who = audit_name(who)
    require_current_schema(engine)
    for entry in entries:
        if entry.action not in OVERRIDE_ACTIONS:
            raise ValueError(f"unknown override action {entry.action!r}")
    if not entries:
        return
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            override_log.insert(),
            [
                {
                    "logged_at": now,
                    "run_id": run_id,
                    "request_id": e.request_id,
                    "provider_id": e.provider_id,
                    "action": e.action,
                    "who": who,
                    "why": e.why,
                }
                for e in entries
            ],
        )


def runs_table(engine: Engine) -> pd.DataFrame:
    """Every run, newest first."""
    return _frame(engine, select(app_runs).order_by(app_runs.c.run_id.desc()))


def awards_table(engine: Engine) -> pd.DataFrame:
    """Every award made from the app, newest first."""
    return _frame(engine, select(award_log).order_by(award_log.c.log_id.desc()))


def overrides_table(engine: Engine) -> pd.DataFrame:
    """Every pin and forbid, newest first."""
    return _frame(engine, select(override_log).order_by(override_log.c.log_id.desc()))


def _frame(engine: Engine, query: Any) -> pd.DataFrame:
    require_current_schema(engine)
    with engine.connect() as connection:
        result = connection.execute(query)
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def utc_now() -> datetime:
    """The time stamps of the audit are in UTC."""
    return datetime.now(UTC)


DataVersion = tuple[int, int, int]


def data_version(engine: Engine) -> DataVersion:
    """A stamp that changes whenever the stored round changes: the last import, the last
    award and the last bid, capacity declaration or phase change. The app keys its cached
    round on it, so every session sees new awards and bids at once."""
    with engine.connect() as connection:
        last_import = connection.execute(select(func.max(imports.c.import_id))).scalar_one()
        last_award = connection.execute(select(func.max(award_log.c.log_id))).scalar_one()
        last_market = connection.execute(select(func.max(market_log.c.log_id))).scalar_one()
    return (last_import or 0, last_award or 0, last_market or 0)
