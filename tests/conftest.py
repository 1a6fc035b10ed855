"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

The PostgreSQL server at 127.0.0.1:5432 is part of every project machine and of CI; when it
cannot be reached the PostgreSQL tests fail (they are never skipped).
"""

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

# First, before any test module imports PuLP: the backends package keeps highspy out of this
# process (it clashes with OR-Tools' HiGHS; see matcher/matching/backends/__init__.py).
import matcher.matching.backends  # noqa: F401
from matcher.data.db.engine import make_engine
from matcher.data.db.migrate import upgrade
from tests.profiles import load_profile

HYPOTHESIS_PROFILE = load_profile()

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(autouse=True)
def _main_module_kept() -> Iterator[None]:
    """Put back the ``__main__`` module after each test.

    Streamlit's AppTest leaves the app's script as ``__main__``; a process started later with
    the "spawn" method (the concurrent-import tests) then runs ``app.py`` as its main module,
    dies in it without a session, and the parent waits for it for ever.
    """
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    name = f"matcher_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # pragma: no cover - only on a broken machine
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required for these tests: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_URL.format(name=name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite database file."""
    return f"sqlite:///{tmp_path / 'matcher.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A new, empty database on each backend in turn."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database, migrated to the current schema."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
