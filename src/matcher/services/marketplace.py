"""The provider side of the marketplace: bids within the band while the round is open,
capacity declarations (0 is an intake stop), the round's phase set by a regisseur, and the
notice of new awards. Every change is written with the authenticated user in the
marketplace log (data/db/market.py holds the transaction rules)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from matcher.data.db.engine import engine_for, plain_database_errors
from matcher.data.db.market import (
    NEXT_PHASES,
    PHASES,
    MarketRefusedError,
    change_phase,
    market_log_rows,
    phase_of,
    put_bid,
    put_capacity,
    remove_bid,
)
from matcher.data.db.schema import account_log, award_log
from matcher.services.access import Actor, Permission, require, require_provider

__all__ = ["NEXT_PHASES", "PHASES", "MarketRefusedError"]


def round_phase(db: str | None) -> str:
    """The phase of the stored round: open, closed, matched or awarded."""
    with engine_for(db) as engine, plain_database_errors():
        return phase_of(engine)


def set_round_phase(db: str | None, actor: Actor, to: str) -> str:
    """Move the round to another phase (regisseurs only); returns the phase it had."""
    require(actor, Permission.MATCH)
    if to not in PHASES:
        raise MarketRefusedError(f"{to} is not a phase of a round ({', '.join(PHASES)})")
    with engine_for(db) as engine, plain_database_errors():
        return change_phase(engine, to, who=actor.username)


def place_bid(
    db: str | None, actor: Actor, request_id: str, tariff: object, units: object = None
) -> bool:
    """The provider's bid (tariff in euros, weekly units or None for the request's own) on
    an open request; True when it replaced an earlier bid."""
    provider_id = _own_provider(actor)
    amount = _decimal(tariff, "the tariff")
    volume = None if units in (None, "") else _decimal(units, "the units")
    with engine_for(db) as engine, plain_database_errors():
        return put_bid(engine, provider_id, request_id, amount, volume, who=actor.username)


def withdraw_bid(db: str | None, actor: Actor, request_id: str) -> None:
    """Withdraw the provider's bid on a request while the round is open."""
    provider_id = _own_provider(actor)
    with engine_for(db) as engine, plain_database_errors():
        remove_bid(engine, provider_id, request_id, who=actor.username)


def declare_capacity(db: str | None, actor: Actor, intervention_id: str, units: object) -> None:
    """The provider's weekly capacity for an intervention (``*`` for its total); 0 stops
    the intake."""
    provider_id = _own_provider(actor)
    volume = _decimal(units, "the capacity")
    with engine_for(db) as engine, plain_database_errors():
        put_capacity(engine, provider_id, intervention_id, volume, who=actor.username)


@dataclass(frozen=True)
class AwardNotice:
    """Awards made to the provider since its previous login."""

    since: datetime | None
    request_ids: tuple[str, ...]


def new_awards(db: str | None, actor: Actor) -> AwardNotice:
    """The requests awarded (and not revoked) to the provider since its previous login."""
    provider_id = _own_provider(actor)
    with engine_for(db) as engine, plain_database_errors(), engine.connect() as connection:
        logins = (
            connection.execute(
                select(account_log.c.logged_at)
                .where(
                    (account_log.c.username == actor.username) & (account_log.c.action == "login")
                )
                .order_by(account_log.c.log_id.desc())
                .limit(2)
            )
            .scalars()
            .all()
        )
        since = logins[1] if len(logins) > 1 else None
        query = select(award_log.c.request_id, award_log.c.action).where(
            award_log.c.provider_id == provider_id
        )
        if since is not None:
            query = query.where(award_log.c.awarded_at > since)
        standing: dict[str, bool] = {}
        for row in connection.execute(query.order_by(award_log.c.log_id)):
            standing[row.request_id] = row.action == "award"
    return AwardNotice(since, tuple(sorted(r for r, on in standing.items() if on)))


def portal_log(db: str | None, actor: Actor) -> list[dict[str, object]]:
    """The provider's own bids, withdrawals and declarations, newest first."""
    provider_id = _own_provider(actor)
    with engine_for(db) as engine, plain_database_errors():
        return market_log_rows(engine, provider_id)


def _own_provider(actor: Actor) -> str:
    require(actor, Permission.PORTAL)
    assert actor.provider_id is not None  # a provider account always has one (accounts.py)
    require_provider(actor, actor.provider_id)
    return actor.provider_id


def _decimal(value: object, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise MarketRefusedError(f"{what} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise MarketRefusedError(f"{what} must be a number, not {value!r}")
    return number.quantize(Decimal("0.01"))
