"""Store accounts, failed logins and the account log. No password passes through here in
clear: the services hash it first (services/accounts.py) and hand over the hash only."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from matcher.data.db.audit import audit_name, utc_now
from matcher.data.db.awarding import _write_transaction as write_transaction
from matcher.data.db.schema import account_log, login_failures, users
from matcher.data.db.store import require_current_schema


@dataclass(frozen=True)
class UserRecord:
    """One account as stored."""

    username: str
    password_hash: str
    role: str
    teams: tuple[str, ...]
    provider_id: str | None
    active: bool
    demo: bool
    created_at: datetime


@dataclass(frozen=True)
class LoginFailures:
    """The failed logins of one typed user name since its last success."""

    failures: int
    locked_until: datetime | None


class UserExistsError(Exception):
    """An account of that name exists already; nothing was written."""


class UnknownUserError(Exception):
    """No account of that name."""


def add_user(engine: Engine, record: UserRecord, *, who: str) -> None:
    """Write a new account and its log line in one transaction."""
    who = audit_name(who)
    require_current_schema(engine)
    try:
        with engine.begin() as connection:
            connection.execute(insert(users).values(**_row(record)))
            _log(connection, who, record.username, "add", _describe(record))
    except IntegrityError:
        raise UserExistsError(f"an account named {record.username} exists already") from None


def get_user(engine: Engine, username: str) -> UserRecord | None:
    """The account, or None."""
    require_current_schema(engine)
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == username)).first()
    return None if row is None else _record(row._mapping)


def all_users(engine: Engine) -> list[UserRecord]:
    """Every account, by name."""
    require_current_schema(engine)
    with engine.connect() as connection:
        rows = connection.execute(select(users).order_by(users.c.username)).all()
    return [_record(r._mapping) for r in rows]


def change_user(engine: Engine, username: str, *, who: str, action: str, **values: object) -> None:
    """Change columns of one account (role, teams, provider_id, active) and log it."""
    who = audit_name(who)
    require_current_schema(engine)
    with engine.begin() as connection:
        done = connection.execute(update(users).where(users.c.username == username).values(values))
        if done.rowcount != 1:
            raise UnknownUserError(f"there is no account named {username}")
        detail = ", ".join(f"{k}={v}" for k, v in sorted(values.items()))
        _log(connection, who, username, action, detail)


def log_account(engine: Engine, *, who: str, username: str, action: str, detail: str) -> None:
    """One line in the account log (a login, a logout)."""
    who = audit_name(who)
    with engine.begin() as connection:
        _log(connection, who, username, action, detail)


def failures_of(engine: Engine, username: str) -> LoginFailures:
    """The failed logins of a typed name since its last success (zero when none)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(login_failures).where(login_failures.c.username == username)
        ).first()
    if row is None:
        return LoginFailures(0, None)
    return LoginFailures(row.failures, row.locked_until)


def count_failure(engine: Engine, username: str, lock_for: Sequence[float]) -> LoginFailures:
    """Add one failed login and lock the name for ``lock_for[failures]`` seconds (the last
    entry from there on); read and written in one transaction, so two tries at once both count.
    """
    now = utc_now()
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":  # SQLite holds its write lock already
            connection.exec_driver_sql("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE")
        row = connection.execute(
            select(login_failures.c.failures).where(login_failures.c.username == username)
        ).first()
        failures = 1 if row is None else row.failures + 1
        seconds = lock_for[min(failures, len(lock_for) - 1)]
        locked_until = now + timedelta(seconds=seconds) if seconds > 0 else None
        values = {"failures": failures, "last_failure": now, "locked_until": locked_until}
        if row is None:
            connection.execute(insert(login_failures).values(username=username, **values))
        else:
            connection.execute(
                update(login_failures).where(login_failures.c.username == username).values(values)
            )
    return LoginFailures(failures, locked_until)


def clear_failures(engine: Engine, username: str) -> None:
    """A successful login forgets the failures before it."""
    with engine.begin() as connection:
        connection.execute(delete(login_failures).where(login_failures.c.username == username))


def account_log_rows(engine: Engine) -> list[dict[str, object]]:
    """The account log, newest first."""
    require_current_schema(engine)
    with engine.connect() as connection:
        rows = connection.execute(select(account_log).order_by(account_log.c.log_id.desc()))
        return [dict(r._mapping) for r in rows]


def _log(connection: Connection, who: str, username: str, action: str, detail: str) -> None:
    connection.execute(
        insert(account_log).values(
            logged_at=utc_now(), who=who, username=username, action=action, detail=detail
        )
    )


def _describe(record: UserRecord) -> str:
    parts = [f"role={record.role}"]
    if record.teams:
        parts.append("teams=" + ",".join(record.teams))
    if record.provider_id:
        parts.append(f"provider={record.provider_id}")
    if record.demo:
        parts.append("demo account")
    return ", ".join(parts)


def _row(record: UserRecord) -> dict[str, object]:
    return {
        "username": record.username,
        "password_hash": record.password_hash,
        "role": record.role,
        "teams": list(record.teams),
        "provider_id": record.provider_id,
        "active": record.active,
        "demo": record.demo,
        "created_at": record.created_at,
    }


def _record(row: object) -> UserRecord:
    m = dict(row)  # type: ignore[call-overload]
    return UserRecord(
        username=m["username"],
        password_hash=m["password_hash"],
        role=m["role"],
        teams=tuple(m["teams"] or ()),
        provider_id=m["provider_id"],
        active=bool(m["active"]),
        demo=bool(m["demo"]),
        created_at=m["created_at"],
    )
