"""No database error carries client data, and what the database would refuse is refused in
words first (issue 15), on SQLite and PostgreSQL."""

import traceback
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from matcher.data.db.audit import AuditNameError, record_run
from matcher.data.db.awarding import AwardLine, AwardRefusedError, write_awards
from matcher.data.db.engine import StorageError, make_engine, plain_database_errors, redacted_url
from matcher.data.db.migrate import upgrade
from matcher.data.db.schema import round_tables
from matcher.data.issues import RoundImportError
from matcher.services.rounds import import_round, init_database
from tests.actors import STEWARD
from tests.data.roundfiles import copy_tiny, set_cell
from tests.matching.builders import DAY
from tests.services.test_awarding import one_provider, stored

SECRET = "C-SECRET-77"


def test_a_nul_byte_in_a_client_ref_is_refused_before_the_database_sees_it(
    db_url: str, tmp_path: Path
) -> None:
    init_database(db_url)
    directory = copy_tiny(tmp_path)
    set_cell(directory, "requests.csv", 2, "client_ref", "C-7F\x00A91")

    with pytest.raises(RoundImportError) as caught:
        import_round(directory, db_url, actor=STEWARD)

    [error] = caught.value.errors
    assert (error.file, error.row, error.column) == ("requests.csv", 2, "client_ref")
    assert "C-1B22C0" not in str(caught.value)  # no other request's client_ref either


def test_a_database_error_names_neither_values_nor_statement(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        row = {
            "request_id": "R1",
            "client_ref": SECRET,
            "team_id": "T",
            "intervention_id": "I",
            "units": 1,
            "start_date": DAY,
            "urgency": "normal",
        }
        table = round_tables["requests"]
        # the intervention I does not exist
        with pytest.raises(IntegrityError) as raw, engine.begin() as connection:
            connection.execute(insert(table), [row])
        assert SECRET not in str(raw.value)

        with (
            pytest.raises(StorageError) as caught,
            plain_database_errors(),
            engine.begin() as connection,
        ):
            connection.execute(insert(table), [row])
    finally:
        engine.dispose()
    printed = "".join(traceback.format_exception(caught.value))
    assert SECRET not in printed
    assert "INSERT" not in printed
    assert "the database refused the work (IntegrityError" in str(caught.value)


def test_a_duplicate_key_on_postgresql_keeps_its_detail_line_to_itself(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        table = round_tables["teams"]
        row = {"team_id": SECRET, "name": "n", "municipality": "m", "kind": "youth", "position": 1}
        with engine.begin() as connection:
            connection.execute(insert(table), [row])
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(insert(table), [row])
    finally:
        engine.dispose()
    assert "duplicate key" in str(caught.value)
    assert SECRET not in "".join(traceback.format_exception(caught.value))


def test_an_audit_name_too_long_for_the_database_is_refused_in_words(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with pytest.raises(AuditNameError, match="201 characters long; at most 200 fit"):
            record_run(
                engine,
                kind="round",
                started_at=datetime.now(UTC),
                seconds=1.0,
                who="a" * 201,
                scope="all",
                parameters={},
                status="optimal",
                kpis={},
            )
    finally:
        engine.dispose()


def test_an_award_of_negative_units_is_refused(db_url: str) -> None:
    stored(db_url, one_provider(1))
    engine = make_engine(db_url)
    try:
        with pytest.raises(AwardRefusedError, match="units must be more than 0"):
            write_awards(
                engine,
                [AwardLine("R0", "P1", Decimal("60"), Decimal("-4"))],
                on=DAY,
                who="anna",
                why="test",
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://anna:s3cr@t@db.example/matcher", "postgresql://anna:***@db.example/matcher"),
        ("postgresql://anna:s3cret@db/m", "postgresql://anna:***@db/m"),
        ("sqlite:///matcher.sqlite", "sqlite:///matcher.sqlite"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown
