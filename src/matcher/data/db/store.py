"""Save a round to the database and load it back, exactly.

The database holds one region's current round. Saving is all-or-nothing: every table is
written in one transaction, so a failure (bad data, a crash, a killed process) leaves the
database as it was. Saving into a database that holds a round is refused unless `replace`
is given, which removes the old round and writes the new one in that same transaction.
Every import is recorded in `imports`, which is never cleared.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, inspect, select

from matcher.data.contract import TABLES, Kind, TableSpec
from matcher.data.db.migrate import current_revision, head_revision
from matcher.data.db.schema import LIST_VALUES, imports, list_tables, round_state, round_tables
from matcher.domain import Policy, Round
from matcher.domain.text import STORED


class DatabaseNotInitialisedError(Exception):
    """The database has no schema yet, or an older one."""


class DatabaseNotEmptyError(Exception):
    """The database already holds a round and replacing it was not asked for."""


@dataclass(frozen=True)
class ImportRecord:
    """One import: when, from where, and how many rows per table."""

    import_id: int
    imported_at: datetime
    source: str
    counts: dict[str, int]


def require_current_schema(engine: Engine) -> None:
    """Raise DatabaseNotInitialisedError unless the schema is at the newest revision."""
    revision = current_revision(engine)
    if revision is None:
        raise DatabaseNotInitialisedError(
            "the database has no matcher tables yet; run `matcher db init` first"
        )
    if revision != head_revision():
        raise DatabaseNotInitialisedError(
            f"the database schema is at version {revision}, this matcher needs "
            f"{head_revision()}; run `matcher db init` to upgrade it"
        )


def is_empty(engine: Engine) -> bool:
    """True when no round is stored (the schema must exist)."""
    require_current_schema(engine)
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(round_state)).scalar_one() == 0


def save_round(
    engine: Engine, round_: Round, *, source: str, replace: bool = False
) -> ImportRecord:
    """Store round_ in one transaction; refuse a non-empty database unless replace."""
    require_current_schema(engine)
    counts = {
        spec.name: len(rows) for spec in TABLES if (rows := getattr(round_, spec.name)) is not None
    }
    with engine.begin() as connection:
        _lock_round(connection)
        imported_at = datetime.now(UTC)
        inserted = connection.execute(
            imports.insert().values(imported_at=imported_at, source=source, counts=counts)
        ).inserted_primary_key
        assert inserted is not None
        import_id: int = inserted[0]
        stored = connection.execute(select(func.count()).select_from(round_state)).scalar_one()
        if stored and not replace:
            raise DatabaseNotEmptyError(
                "the database already holds a round; import with --replace to replace it whole"
            )
        if stored:
            _clear_round(connection)
        for spec in TABLES:
            rows = getattr(round_, spec.name)
            if rows:
                _insert_table(connection, spec, rows)
        connection.execute(
            round_state.insert().values(
                singleton=1,
                import_id=import_id,
                optional_files=[s.name for s in TABLES if not s.required and s.name in counts],
                policy=None if round_.policy is None else round_.policy.model_dump(mode="json"),
            )
        )
    return ImportRecord(import_id, imported_at, source, counts)


def load_round(engine: Engine) -> Round:
    """The stored round, exactly as it was saved (an empty round when none is stored)."""
    require_current_schema(engine)
    with engine.connect() as connection:
        state = connection.execute(select(round_state)).mappings().first()
        present = set(state["optional_files"]) if state else set()
        tables: dict[str, Any] = {}
        for spec in TABLES:
            if spec.required or spec.name in present:
                tables[spec.name] = _select_table(connection, spec)
        policy = state["policy"] if state else None
        tables["policy"] = None if policy is None else Policy.model_validate(policy, context=STORED)
    return Round.model_validate(tables, context=STORED)


def _lock_round(connection: Connection) -> None:
    """Serialise concurrent imports so the second sees the first's round.

    PostgreSQL: an exclusive lock on the state table until commit. SQLite needs nothing:
    the first write (the import record, written before the check) takes the file's lock.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE round_state IN EXCLUSIVE MODE")


def _clear_round(connection: Connection) -> None:
    connection.execute(delete(round_state))
    children = list(list_tables.values())
    parents = [round_tables[spec.name] for spec in reversed(TABLES)]
    for table in children + parents:
        connection.execute(delete(table))


def _insert_table(connection: Connection, spec: TableSpec, rows: Iterable[Any]) -> None:
    scalars = [c.name for c in spec.columns if c.kind is not Kind.LIST]
    lists = [c.name for c in spec.columns if c.kind is Kind.LIST]
    parent_key = spec.key[0]
    records: list[dict[str, Any]] = []
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for position, row in enumerate(rows):
        record = {name: getattr(row, name) for name in scalars}
        record["position"] = position
        records.append(record)
        for name in lists:
            value_name = LIST_VALUES[name][0]
            key = getattr(row, parent_key)
            children[name].extend(
                {parent_key: key, "rank": rank, value_name: value}
                for rank, value in enumerate(getattr(row, name))
            )
    connection.execute(round_tables[spec.name].insert(), records)
    for name, child_rows in children.items():
        if child_rows:
            connection.execute(list_tables[(spec.name, name)].insert(), child_rows)


def _select_table(connection: Connection, spec: TableSpec) -> tuple[Any, ...]:
    table = round_tables[spec.name]
    parent_key = spec.key[0]
    lists: dict[str, dict[str, list[str]]] = {}
    for column in spec.columns:
        if column.kind is Kind.LIST:
            child = list_tables[(spec.name, column.name)]
            value_name = LIST_VALUES[column.name][0]
            grouped: dict[str, list[str]] = defaultdict(list)
            query = select(child.c[parent_key], child.c[value_name]).order_by(
                child.c[parent_key], child.c.rank
            )
            for key, value in connection.execute(query):
                grouped[key].append(value)
            lists[column.name] = grouped
    columns = [c for c in table.columns if c.name != "position"]
    result = connection.execute(select(*columns).order_by(table.c.position)).mappings()
    entities = []
    for row in result:
        values = dict(row)
        for name, grouped in lists.items():
            values[name] = tuple(grouped.get(values[parent_key], ()))
        entities.append(spec.entity.model_validate(values, context=STORED))
    return tuple(entities)


def table_names(engine: Engine) -> set[str]:
    """Names of the tables in the database (for checks and tests)."""
    return set(inspect(engine).get_table_names())
