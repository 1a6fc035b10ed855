"""Storage on SQLite and PostgreSQL: exact round-trip, all-or-nothing, replace, migrations."""

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Connection, Engine, func, select

from matcher.data.contract import TableSpec
from matcher.data.db import store
from matcher.data.db.engine import make_engine
from matcher.data.db.migrate import current_revision, downgrade, head_revision, upgrade
from matcher.data.db.schema import imports, metadata, round_tables
from matcher.data.db.store import (
    DatabaseNotEmptyError,
    DatabaseNotInitialisedError,
    is_empty,
    load_round,
    save_round,
    table_names,
)
from matcher.data.reader import read_round
from matcher.domain import Round
from tests.paths import TINY
from tests.profiles import examples
from tests.strategies import rounds


def tiny() -> Round:
    return read_round(TINY).round


def import_count(engine: Engine) -> int:
    with engine.connect() as connection:
        count: int = connection.execute(select(func.count()).select_from(imports)).scalar_one()
        return count


def test_round_trip_is_exact(engine: Engine) -> None:
    original = tiny()
    record = save_round(engine, original, source="tiny")
    assert record.counts["requests"] == 5
    assert load_round(engine) == original


def test_absent_and_empty_optional_tables_stay_apart(engine: Engine) -> None:
    original = tiny().model_copy(update={"history": None, "awards": (), "policy": None})
    save_round(engine, original, source="t")
    loaded = load_round(engine)
    assert loaded.history is None
    assert loaded.awards == ()
    assert loaded.policy is None


def test_a_failure_halfway_leaves_the_database_empty(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store._insert_table

    def failing(connection: Connection, spec: TableSpec, rows: Iterable[Any]) -> None:
        if spec.name == "bids":
            raise RuntimeError("disk full")
        real(connection, spec, rows)

    monkeypatch.setattr(store, "_insert_table", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        save_round(engine, tiny(), source="t")
    assert is_empty(engine)
    assert import_count(engine) == 0
    assert load_round(engine).requests == ()


def test_a_failed_replace_keeps_the_previous_round(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_round(engine, tiny(), source="first")
    smaller = tiny().model_copy(update={"bids": tiny().bids[:2]})

    def failing(*_: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "_insert_table", failing)
    with pytest.raises(RuntimeError):
        save_round(engine, smaller, source="second", replace=True)
    assert load_round(engine) == tiny()
    assert import_count(engine) == 1


def test_second_import_is_refused_unless_replace(engine: Engine) -> None:
    save_round(engine, tiny(), source="first")
    with pytest.raises(DatabaseNotEmptyError, match="--replace"):
        save_round(engine, tiny(), source="second")
    smaller = tiny().model_copy(update={"bids": tiny().bids[:2], "teams": None})
    record = save_round(engine, smaller, source="third", replace=True)
    assert load_round(engine) == smaller
    assert record.import_id > 1
    assert import_count(engine) == 2


def test_every_import_is_recorded_with_its_counts(engine: Engine) -> None:
    save_round(engine, tiny(), source="tests/fixtures/rounds/tiny")
    with engine.connect() as connection:
        row = connection.execute(select(imports)).mappings().one()
    assert row["source"] == "tests/fixtures/rounds/tiny"
    assert row["counts"]["bids"] == len(tiny().bids)


def test_database_enforces_references(engine: Engine) -> None:
    broken = tiny().model_copy(
        update={
            "bids": (
                *tiny().bids,
                tiny().bids[0].model_copy(update={"provider_id": "P404", "request_id": "R005"}),
            )
        }
    )
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        save_round(engine, broken, source="t")
    assert is_empty(engine)


def test_amounts_compare_and_sort_as_numbers_in_sql(engine: Engine) -> None:
    save_round(engine, tiny(), source="t")
    bids = round_tables["bids"]
    with engine.connect() as connection:
        tariffs = connection.execute(
            select(bids.c.tariff).where(bids.c.tariff > 62).order_by(bids.c.tariff)
        ).scalars()
        assert list(tariffs) == [Decimal("64.50"), Decimal("66"), Decimal("70"), Decimal("3100")]
        total = connection.execute(select(func.sum(bids.c.tariff))).scalar_one()
        assert Decimal(total) == sum(b.tariff for b in tiny().bids)


def test_uninitialised_database_is_named_as_such(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(DatabaseNotInitialisedError, match="matcher db init"):
            save_round(engine, tiny(), source="t")
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    upgrade(engine)  # a second time changes nothing
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_downgrade_removes_every_table(engine: Engine) -> None:
    downgrade(engine)
    assert table_names(engine) <= {"alembic_version"}
    upgrade(engine)
    assert {t.name for t in metadata.sorted_tables} <= table_names(engine)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(round_=rounds())
def test_any_valid_round_survives_storage(tmp_path: Path, round_: Round) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'prop.sqlite'}")
    try:
        upgrade(engine)
        save_round(engine, round_, source="prop", replace=True)
        assert load_round(engine) == round_
    finally:
        engine.dispose()
