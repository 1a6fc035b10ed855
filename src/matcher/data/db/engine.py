"""Which database, and how to connect to it.

The URL is `--db` when given, else $MATCHER_DB, else a SQLite file in the working directory.

No database error may carry client data to a screen or a log: the engine hides the
parameters of a failed statement, the driver's detail lines (which quote values, e.g. the key
of a duplicate row) are withheld, and `plain_database_errors` turns what is left into a
StorageError in plain words, without the statement, at the boundary of each use-case.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError

DEFAULT_URL = "sqlite:///matcher.sqlite"
ENV_VAR = "MATCHER_DB"
SQLITE_BUSY_MS = 30_000


def database_url(explicit: str | None = None) -> str:
    """The database URL to use: explicit, else $MATCHER_DB, else the default SQLite file."""
    return explicit or os.environ.get(ENV_VAR) or DEFAULT_URL


def make_engine(url: str) -> Engine:
    """An engine for url; `postgresql://` is driven by psycopg 3, SQLite gets foreign keys on."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, hide_parameters=True)
    event.listen(engine, "handle_error", _withhold_driver_text)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def engine_for(db: str | None) -> Iterator[Engine]:
    """An engine on the database at ``db`` (default: $MATCHER_DB or the SQLite file),
    disposed when the block ends: what each service call opens and closes."""
    engine = make_engine(database_url(db))
    try:
        yield engine
    finally:
        engine.dispose()


def redacted_url(url: str) -> str:
    """The URL with its password hidden, fit to print or show (`user:***@host`)."""
    scheme, separator, rest = url.partition("://")
    if not separator or "@" not in rest.split("?", 1)[0]:
        return url
    # The host never holds an `@`, a password may: the credentials end at the last one.
    credentials, host = rest.split("?", 1)[0].rsplit("@", 1)
    query = rest[len(credentials) + 1 + len(host) :]
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}{query}"


class StorageError(Exception):
    """The database refused or failed the work; the message holds no value and no statement."""


@contextmanager
def plain_database_errors() -> Iterator[None]:
    """Turn a database error into a StorageError in plain words (the original is dropped)."""
    try:
        yield
    except DBAPIError as exc:
        kind = type(exc).__name__
        code = getattr(exc.orig, "sqlstate", None)
        which = f"{kind}, SQLSTATE {code}" if code else kind
        raise StorageError(
            f"the database refused the work ({which}); nothing was changed. A value may be "
            "too long or hold a character the database does not accept, or the database "
            "cannot be reached"
        ) from None


def _withhold_driver_text(context: ExceptionContext) -> None:
    """Keep only the first line of PostgreSQL's message: its DETAIL quotes stored values
    (`Key (client_ref)=(...) already exists`). SQLite's messages name columns, not values."""
    original = context.original_exception
    primary = getattr(getattr(original, "diag", None), "message_primary", None)
    if not primary:
        return
    full = str(original)
    original.args = (primary,)
    wrapped = context.sqlalchemy_exception  # its message copied the driver's text already
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (wrapped.args[0].replace(full, primary), *wrapped.args[1:])


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite leaves foreign keys off and gives up on a lock at once unless told otherwise."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.close()
