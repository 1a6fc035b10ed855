"""Run records of the nightly batch: write one run whole, read the previous one back.

A run is written in one transaction: the old run of the same date (if any) is removed and
the new run, its proposals and its changes are inserted, then committed. A failure or a
killed process before the commit leaves the database exactly as it was; a rerun of a date
replaces that date's run. See models/batch.md.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, delete, func, select

from matcher.data.db.schema import proposals, round_state, run_changes, runs


@dataclass(frozen=True)
class RunRecord:
    """One night's run: when, on which import, and its summary figures (euros)."""

    run_date: date
    started_at: datetime
    finished_at: datetime
    import_id: int
    status: str
    solver: str
    workers: int
    n_parts: int
    n_requests: int
    n_assigned: int
    total_cost: Decimal
    objective: Decimal
    bound: Decimal | None
    gap: float | None
    seconds: float
    change_penalty: Decimal
    summary: dict[str, Any]


@dataclass(frozen=True)
class ProposalRow:
    """One open request of a run: its proposed provider with the terms, or why it has none."""

    request_id: str
    provider_id: str | None
    part: int | None
    tariff: Decimal | None
    units: Decimal | None
    cost: Decimal | None
    distance_term: Decimal | None
    preference_term: Decimal | None
    continuity_term: Decimal | None
    objective: Decimal | None
    kept: bool
    reason_code: str | None
    detail: str | None


@dataclass(frozen=True)
class ChangeRow:
    """What changed for one request since the previous run: new, changed or dropped."""

    request_id: str
    change: str
    previous_provider: str | None
    provider_id: str | None
    detail: str | None


def stored_import_id(engine: Engine) -> int | None:
    """The import the stored round came from, or None when no round is stored."""
    with engine.connect() as connection:
        value: int | None = connection.execute(select(round_state.c.import_id)).scalar()
        return value


def save_run(
    engine: Engine,
    run: RunRecord,
    proposal_rows: Sequence[ProposalRow],
    change_rows: Sequence[ChangeRow],
) -> None:
    """Replace the run of run.run_date by this one, all in one transaction."""
    with engine.begin() as connection:
        for table in (run_changes, proposals, runs):
            connection.execute(delete(table).where(table.c.run_date == run.run_date))
        connection.execute(runs.insert().values(**asdict(run)))
        if proposal_rows:
            connection.execute(
                proposals.insert(),
                [{"run_date": run.run_date, **asdict(p)} for p in proposal_rows],
            )
        if change_rows:
            connection.execute(
                run_changes.insert(),
                [{"run_date": run.run_date, **asdict(c)} for c in change_rows],
            )


def previous_run_date(engine: Engine, before: date) -> date | None:
    """The latest run date strictly before ``before`` (a rerun compares with the night before)."""
    with engine.connect() as connection:
        value: date | None = connection.execute(
            select(func.max(runs.c.run_date)).where(runs.c.run_date < before)
        ).scalar()
        return value


def proposed_providers(engine: Engine, run_date: date) -> dict[str, str | None]:
    """Request id -> proposed provider (None when not placed) of the run of run_date."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(proposals.c.request_id, proposals.c.provider_id).where(
                proposals.c.run_date == run_date
            )
        )
        return {request_id: provider_id for request_id, provider_id in rows}


def load_run(
    engine: Engine, run_date: date
) -> tuple[RunRecord, list[ProposalRow], list[ChangeRow]]:
    """The run of run_date with its proposals and changes (in request order); KeyError if none."""
    with engine.connect() as connection:
        row = connection.execute(select(runs).where(runs.c.run_date == run_date)).mappings().first()
        if row is None:
            raise KeyError(f"no batch run on {run_date.isoformat()}")
        record = RunRecord(**dict(row))
        found = connection.execute(
            select(proposals)
            .where(proposals.c.run_date == run_date)
            .order_by(proposals.c.request_id)
        ).mappings()
        proposal_rows = [
            ProposalRow(**{k: v for k, v in p.items() if k != "run_date"}) for p in found
        ]
        changed = connection.execute(
            select(run_changes)
            .where(run_changes.c.run_date == run_date)
            .order_by(run_changes.c.request_id)
        ).mappings()
        change_rows = [
            ChangeRow(**{k: v for k, v in c.items() if k != "run_date"}) for c in changed
        ]
    return record, proposal_rows, change_rows


def run_dates(engine: Engine) -> list[date]:
    """Every run date, oldest first."""
    with engine.connect() as connection:
        return list(connection.execute(select(runs.c.run_date).order_by(runs.c.run_date)).scalars())


def run_records(engine: Engine) -> list[RunRecord]:
    """Every night's run record (no proposals), newest first: the history of the batch."""
    with engine.connect() as connection:
        rows = connection.execute(select(runs).order_by(runs.c.run_date.desc())).mappings()
        return [RunRecord(**dict(row)) for row in rows]
