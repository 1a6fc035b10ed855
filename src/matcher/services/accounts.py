"""Local accounts: add, list, disable, set a role, and log in.

Passwords are hashed with argon2id (argon2-cffi, its default parameters: the memory-hard
winner of the Password Hashing Competition and OWASP's first choice); only the hash is
stored and no password is ever logged or put in a message. A wrong password and an unknown
user get the same answer, after the same work (an unknown user is checked against a dummy
hash). Failed logins are counted per typed name in the database, and from the third one on
the name is locked for a growing window, so guessing is slowed down across sessions.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from matcher.data.db.audit import utc_now
from matcher.data.db.engine import engine_for, plain_database_errors
from matcher.data.db.users import (
    UnknownUserError,
    UserExistsError,
    UserRecord,
    add_user,
    all_users,
    change_user,
    clear_failures,
    count_failure,
    failures_of,
    get_user,
    log_account,
)
from matcher.domain.text import text_problem
from matcher.services.access import Actor, Permission, Role, require

__all__ = ["UnknownUserError", "UserExistsError"]

MIN_PASSWORD = 12
# Seconds a name is locked after its n-th failed login in a row (the last entry from then on).
LOCK_SECONDS = (0, 0, 0, 5, 15, 60, 300, 900)
LOGIN_REFUSED = "the user name or the password is not right"
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """The hash an unknown name is checked against; made on first use (hashing takes tenths
    of a second: at import it slowed every command that imports this module)."""
    return _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account cannot be made or changed as asked; the message says why."""


class LoginRefusedError(Exception):
    """The login failed; the message is the same for a wrong password and an unknown user."""


class LockedOutError(LoginRefusedError):
    """Too many failed logins for this name: try again after ``seconds``."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"too many failed logins for this name; try again in {seconds} seconds")


@dataclass(frozen=True)
class Account:
    """An account as listed (never with its hash)."""

    username: str
    role: Role
    teams: tuple[str, ...]
    provider_id: str | None
    active: bool
    demo: bool


def add_account(
    db: str | None,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    *,
    teams: tuple[str, ...] = (),
    provider_id: str | None = None,
    demo: bool = False,
) -> Account:
    """Create an account (administrators only)."""
    require(actor, Permission.ACCOUNTS)
    name = _checked_name(username)
    _check_role_details(role, teams, provider_id)
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")
    record = UserRecord(
        username=name,
        password_hash=_HASHER.hash(password),
        role=role.value,
        teams=teams,
        provider_id=provider_id,
        active=True,
        demo=demo,
        created_at=utc_now(),
    )
    with engine_for(db) as engine, plain_database_errors():
        add_user(engine, record, who=actor.username)
    return _account(record)


def accounts(db: str | None, actor: Actor) -> list[Account]:
    """Every account, by name (administrators only)."""
    require(actor, Permission.ACCOUNTS)
    with engine_for(db) as engine, plain_database_errors():
        return [_account(r) for r in all_users(engine)]


def disable(db: str | None, actor: Actor, username: str) -> None:
    """Stop an account from logging in (it stays, so the audit keeps its name)."""
    require(actor, Permission.ACCOUNTS)
    with engine_for(db) as engine, plain_database_errors():
        change_user(engine, username, who=actor.username, action="disable", active=False)


def set_role(
    db: str | None,
    actor: Actor,
    username: str,
    role: Role,
    *,
    teams: tuple[str, ...] = (),
    provider_id: str | None = None,
) -> None:
    """Give an account another role (with its teams or provider)."""
    require(actor, Permission.ACCOUNTS)
    _check_role_details(role, teams, provider_id)
    with engine_for(db) as engine, plain_database_errors():
        change_user(
            engine,
            username,
            who=actor.username,
            action="set-role",
            role=role.value,
            teams=list(teams),
            provider_id=provider_id,
        )


def log_in(db: str | None, username: str, password: str) -> Actor:
    """The actor of a name and password; LoginRefusedError (same words whatever was wrong)
    or LockedOutError while the name is locked after repeated failures."""
    name = username.strip()[:64]
    with engine_for(db) as engine, plain_database_errors():
        _refuse_if_locked(failures_of(engine, name).locked_until)
        record = get_user(engine, name)
        if not _verified(record, password):
            locked_until = count_failure(engine, name, LOCK_SECONDS).locked_until
            _refuse_if_locked(locked_until)
            raise LoginRefusedError(LOGIN_REFUSED)
        assert record is not None
        clear_failures(engine, name)
        log_account(engine, who=record.username, username=record.username, action="login",
                    detail="password")  # fmt: skip
    return actor_of(record)


def sso_log_in(db: str | None, claims: Mapping[str, object]) -> Actor:
    """The actor of a person an OpenID Connect provider has logged in (st.user's claims).

    The user name is the ``preferred_username`` claim (else ``email``); the account must be
    in the users table and active, so the identity provider alone lets nobody in. The role
    is the one matcher role in the ``roles`` claim when there is exactly one (app roles of
    Microsoft Entra ID), else the table's; a regisseur's teams and a provider's provider_id
    always come from the table.
    """
    name = claims.get("preferred_username") or claims.get("email")
    if not isinstance(name, str) or not name.strip():
        raise LoginRefusedError("the identity provider gave no user name")
    with engine_for(db) as engine, plain_database_errors():
        record = get_user(engine, name.strip()[:64])
        if record is None or not record.active:
            raise LoginRefusedError(
                "this account is not known to matcher or may not log in; ask an administrator"
            )
        claimed = claims.get("roles")
        named = {str(r) for r in claimed} if isinstance(claimed, list) else set()
        roles = [role for role in Role if role.value in named]
        role = roles[0] if len(roles) == 1 else Role(record.role)
        log_account(engine, who=record.username, username=record.username, action="login",
                    detail=f"single sign-on as {role.value}")  # fmt: skip
    teams = record.teams if role is Role.REGISSEUR else ()
    provider_id = record.provider_id if role is Role.PROVIDER else None
    return Actor(record.username, role, teams, provider_id)


def log_out(db: str | None, actor: Actor, why: str = "logout") -> None:
    """Write the logout (or session timeout) in the account log."""
    with engine_for(db) as engine, plain_database_errors():
        log_account(engine, who=actor.username, username=actor.username, action=why, detail="")


def actor_of(record: UserRecord) -> Actor:
    """The actor an account logs in as."""
    return Actor(record.username, Role(record.role), record.teams, record.provider_id)


def new_password() -> str:
    """A random password of 20 characters, for demo accounts and first administrators."""
    return secrets.token_urlsafe(15)


def _verified(record: UserRecord | None, password: str) -> bool:
    dummy = _dummy_hash()  # made for a known name too, so the first login takes no longer
    stored = record.password_hash if record is not None and record.active else dummy
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return record is not None and record.active


def _refuse_if_locked(locked_until: datetime | None) -> None:
    if locked_until is None:
        return
    if locked_until.tzinfo is None:  # SQLite gives naive UTC back
        locked_until = locked_until.replace(tzinfo=utc_now().tzinfo)
    left = (locked_until - utc_now()).total_seconds()
    if left > 0:
        raise LockedOutError(int(left) + 1)


def _checked_name(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64:
        raise AccountError("a user name has 1 to 64 characters")
    if problem := text_problem(name):
        raise AccountError(f"the user name {problem}")
    if name.startswith("cli:"):
        raise AccountError("user names starting with cli: are kept for the command line")
    return name


def _check_role_details(role: Role, teams: tuple[str, ...], provider_id: str | None) -> None:
    if role is Role.REGISSEUR and not teams:
        raise AccountError("a regisseur needs at least one team (--team)")
    if role is not Role.REGISSEUR and teams:
        raise AccountError("only a regisseur has teams")
    if role is Role.PROVIDER and not provider_id:
        raise AccountError("a provider account needs its provider_id (--provider)")
    if role is not Role.PROVIDER and provider_id:
        raise AccountError("only a provider account has a provider_id")


def _account(record: UserRecord) -> Account:
    return Account(
        record.username,
        Role(record.role),
        record.teams,
        record.provider_id,
        record.active,
        record.demo,
    )
