"""The marketplace in the database: the round's phase, providers' bids and capacity.

Bids and capacity declarations change only while the round is open, and the phase is read
in the same transaction that writes them, under a lock the phase change also takes
(SQLite: BEGIN IMMEDIATE; PostgreSQL: an exclusive lock on round_phase). So a bid placed
while the round closes is either in (written before the close) or refused (after it), never
half; and the matching, which reads the stored round, reads the bids as they stood at closing.
The bid and capacity rows are the round's own tables, so the round keeps its data contract.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine, delete, func, insert, select

from matcher.data.db.audit import audit_name, utc_now
from matcher.data.db.awarding import _write_transaction as write_transaction
from matcher.data.db.schema import market_log, round_phase, round_state, round_tables
from matcher.data.db.store import require_current_schema
from matcher.domain import ALL_INTERVENTIONS

PHASES = ("open", "closed", "matched", "awarded")
# The phase a round may move to from each phase (closed -> open reopens the bidding).
NEXT_PHASES = {
    "open": ("closed",),
    "closed": ("open", "matched"),
    "matched": ("awarded",),
    "awarded": (),
}


class MarketRefusedError(Exception):
    """The bid, declaration or phase change was refused; nothing was written. The message
    says why in plain words."""


def phase_of(engine: Engine) -> str:
    """The phase of the stored round (open when none was set for its import)."""
    require_current_schema(engine)
    with engine.connect() as connection:
        return _phase(connection)


def change_phase(engine: Engine, to: str, *, who: str) -> str:
    """Move the round to phase ``to``; returns the phase it had."""
    who = audit_name(who)
    require_current_schema(engine)
    with _market_transaction(engine) as connection:
        now = _phase(connection)
        if to not in NEXT_PHASES[now]:
            allowed = " or ".join(NEXT_PHASES[now]) or "no other phase"
            raise MarketRefusedError(f"the round is {now}: it can move to {allowed}, not {to}")
        import_id = connection.execute(select(round_state.c.import_id)).scalar_one_or_none()
        if import_id is None:
            raise MarketRefusedError("there is no round in the database")
        connection.execute(delete(round_phase))
        connection.execute(
            insert(round_phase).values(
                singleton=1, import_id=import_id, phase=to, changed_at=utc_now(), who=who
            )
        )
        _log(connection, who, "phase", None, None, f"{now} -> {to}")
    return now


def put_bid(
    engine: Engine,
    provider_id: str,
    request_id: str,
    tariff: Decimal,
    units: Decimal | None,
    *,
    who: str,
) -> bool:
    """Place or change a provider's bid on an open request; True when it changed one.
    Refused (MarketRefusedError) outside the tariff band, for an intervention the provider
    is not certified for on the request's start date, or when the round is not open."""
    who = audit_name(who)
    require_current_schema(engine)
    if not (tariff.is_finite() and tariff >= 0):
        raise MarketRefusedError(f"a tariff is zero euros or more, not {tariff}")
    if units is not None and not (units.is_finite() and units > 0):
        raise MarketRefusedError(f"the units of a bid are more than 0, not {units}")
    bids = round_tables["bids"]
    with _market_transaction(engine) as connection:
        _require_open(connection)
        intervention, start = _biddable(connection, provider_id, request_id)
        low, high = _band(connection, intervention)
        if not low <= tariff <= high:
            raise MarketRefusedError(
                f"the tariff € {tariff:.2f} lies outside the band € {low:.2f} to € {high:.2f} "
                f"of intervention {intervention}; bid within the band"
            )
        if not _certified(connection, provider_id, intervention, start):
            raise MarketRefusedError(
                f"you are not certified for intervention {intervention} on the start date "
                f"{start.isoformat()} of request {request_id}"
            )
        key = (bids.c.request_id == request_id) & (bids.c.provider_id == provider_id)
        position = connection.execute(select(bids.c.position).where(key)).scalar_one_or_none()
        changed = position is not None
        if changed:
            connection.execute(delete(bids).where(key))
        else:
            position = _next_position(connection, "bids")
        connection.execute(
            insert(bids).values(
                position=position,
                request_id=request_id,
                provider_id=provider_id,
                tariff=tariff,
                units=units,
            )
        )
        detail = f"tariff {tariff:.2f}" + (f", units {units}" if units is not None else "")
        _log(connection, who, "bid", provider_id, request_id, detail)
    return changed


def remove_bid(engine: Engine, provider_id: str, request_id: str, *, who: str) -> None:
    """Withdraw a provider's bid while the round is open."""
    who = audit_name(who)
    require_current_schema(engine)
    bids = round_tables["bids"]
    with _market_transaction(engine) as connection:
        _require_open(connection)
        done = connection.execute(
            delete(bids).where(
                (bids.c.request_id == request_id) & (bids.c.provider_id == provider_id)
            )
        )
        if done.rowcount != 1:
            raise MarketRefusedError(f"you have no bid on request {request_id} to withdraw")
        _log(connection, who, "withdraw", provider_id, request_id, "")


def put_capacity(
    engine: Engine, provider_id: str, intervention_id: str, units: Decimal, *, who: str
) -> None:
    """Declare a provider's weekly capacity for an intervention (or ``*``, its total) while
    the round is open; 0 is an intake stop, a negative value is refused."""
    who = audit_name(who)
    require_current_schema(engine)
    if not (units.is_finite() and units >= 0):
        raise MarketRefusedError(
            f"a capacity is 0 (an intake stop) or more units a week, not {units}"
        )
    capacity, interventions = round_tables["capacity"], round_tables["interventions"]
    with _market_transaction(engine) as connection:
        _require_open(connection)
        known = connection.execute(
            select(interventions.c.intervention_id).where(
                interventions.c.intervention_id == intervention_id
            )
        ).first()
        if intervention_id != ALL_INTERVENTIONS and known is None:
            raise MarketRefusedError(f"there is no intervention {intervention_id} in the round")
        key = (capacity.c.provider_id == provider_id) & (
            capacity.c.intervention_id == intervention_id
        )
        position = connection.execute(select(capacity.c.position).where(key)).scalar_one_or_none()
        connection.execute(delete(capacity).where(key))
        connection.execute(
            insert(capacity).values(
                position=position
                if position is not None
                else _next_position(connection, "capacity"),
                provider_id=provider_id,
                intervention_id=intervention_id,
                capacity_units=units,
            )
        )
        _log(connection, who, "capacity", provider_id, None, f"{intervention_id}: {units}")


def market_log_rows(engine: Engine, provider_id: str | None = None) -> list[dict[str, object]]:
    """The marketplace log (of one provider when given), newest first."""
    require_current_schema(engine)
    query = select(market_log).order_by(market_log.c.log_id.desc())
    if provider_id is not None:
        query = query.where(market_log.c.provider_id == provider_id)
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


@contextmanager
def _market_transaction(engine: Engine) -> Iterator[Connection]:
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":  # SQLite holds its write lock already
            connection.exec_driver_sql("LOCK TABLE round_phase IN EXCLUSIVE MODE")
        yield connection


def _phase(connection: Connection) -> str:
    import_id = connection.execute(select(round_state.c.import_id)).scalar_one_or_none()
    row = connection.execute(select(round_phase)).first()
    if row is None or row.import_id != import_id:
        return "open"
    phase: str = row.phase
    return phase


def _require_open(connection: Connection) -> None:
    phase = _phase(connection)
    if phase != "open":
        raise MarketRefusedError(
            f"the round is {phase}: bids and capacity change only while it is open"
        )


def _biddable(connection: Connection, provider_id: str, request_id: str) -> tuple[str, date]:
    requests, awards = round_tables["requests"], round_tables["awards"]
    providers = round_tables["providers"]
    row = connection.execute(
        select(requests.c.intervention_id, requests.c.start_date).where(
            requests.c.request_id == request_id
        )
    ).first()
    if row is None:
        raise MarketRefusedError(f"there is no open request {request_id}")
    awarded = connection.execute(
        select(awards.c.request_id).where(awards.c.request_id == request_id)
    ).first()
    if awarded is not None:
        raise MarketRefusedError(f"request {request_id} is awarded already")
    if (
        connection.execute(
            select(providers.c.provider_id).where(providers.c.provider_id == provider_id)
        ).first()
        is None
    ):
        raise MarketRefusedError(f"provider {provider_id} is not in the round")
    return row.intervention_id, row.start_date


def _band(connection: Connection, intervention_id: str) -> tuple[Decimal, Decimal]:
    interventions = round_tables["interventions"]
    row = connection.execute(
        select(
            interventions.c.tariff_min, interventions.c.tariff_max, interventions.c.funding
        ).where(interventions.c.intervention_id == intervention_id)
    ).one()
    if row.funding == "task":
        raise MarketRefusedError(f"intervention {intervention_id} is task-funded: it takes no bids")
    return Decimal(row.tariff_min), Decimal(row.tariff_max)


def _certified(connection: Connection, provider_id: str, intervention_id: str, day: date) -> bool:
    certifications = round_tables["certifications"]
    found = connection.execute(
        select(certifications.c.provider_id).where(
            (certifications.c.provider_id == provider_id)
            & (certifications.c.intervention_id == intervention_id)
            & (certifications.c.valid_from <= day)
            & (certifications.c.valid_to >= day)
        )
    ).first()
    return found is not None


def _next_position(connection: Connection, table: str) -> int:
    column = round_tables[table].c.position
    return int(connection.execute(select(func.max(column))).scalar_one() or 0) + 1


def _log(
    connection: Connection,
    who: str,
    action: str,
    provider_id: str | None,
    request_id: str | None,
    detail: str,
) -> None:
    connection.execute(
        insert(market_log).values(
            logged_at=utc_now(),
            who=who,
            action=action,
            provider_id=provider_id,
            request_id=request_id,
            detail=detail,
        )
    )
