"""One nightly batch per database at a time.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection held
open for the whole run. The server releases it when the session ends, also when the process
is killed (the connection closes), so a crashed run never leaves a stale lock.

SQLite: an exclusive ``flock`` on a lock file next to the database file
(``<file>.batch-lock``). SQLite databases live on one machine, and the kernel releases the
lock when the process dies, however it dies: no stale locks, no pid bookkeeping, and the
database itself is not written (so a killed run leaves it exactly as it was). A lock row or a
transaction held open for the whole run would do neither: a row outlives a killed process,
and an open write transaction would block imports and awards for the length of the run.
An in-memory SQLite database cannot be shared between processes and is not locked.
"""

import fcntl
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

# The advisory lock key: a fixed number, the same for every matcher process.
ADVISORY_KEY = zlib.crc32(b"matcher.batch")


class BatchAlreadyRunningError(Exception):
    """Another batch holds the database's batch lock."""


class UnsupportedDatabaseError(ValueError):
    """The batch lock exists for SQLite and PostgreSQL only (the databases matcher supports)."""


@contextmanager
def batch_lock(engine: Engine) -> Iterator[None]:
    """Hold the batch lock for the block; BatchAlreadyRunningError when another run holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
    elif engine.dialect.name == "sqlite":
        with _file_lock(engine.url.database):
            yield
    else:  # pragma: no cover - only the two dialects are supported
        raise UnsupportedDatabaseError(
            f"the nightly batch runs on SQLite or PostgreSQL, not on {engine.dialect.name}"
        )


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar_one()
        if not got:
            raise BatchAlreadyRunningError(_RUNNING)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})


@contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    if database in (None, "", ":memory:"):
        yield
        return
    path = Path(f"{database}.batch-lock")
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchAlreadyRunningError(_RUNNING) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


_RUNNING = "another batch is running on this database; this one did not start"
