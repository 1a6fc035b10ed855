"""Which database, and how to connect to it.

The URL is `--db` when given, else $MATCHER_DB, else a SQLite file in the working directory.
"""

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

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
    engine = create_engine(parsed)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite leaves foreign keys off and gives up on a lock at once unless told otherwise."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cursor.close()
