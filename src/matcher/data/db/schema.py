"""The database schema: one table per file of the round contract, plus bookkeeping.

Tables and columns carry the contract's names, so SQL written against the database reads
like the round files. List columns (specialisms, preferences, exclusions) become child
tables with a rank, so queries can use them and their order survives. Every round table has
a `position` column: rows come back in the order they were imported.

Bookkeeping: `imports` (every import ever done; never cleared) and `round_state` (one row
when a round is stored: which import it came from, which optional files it had, its policy).

Audit of the app (never cleared, also not by a replacing import): `app_runs` (every matching
round and what-if scenario run from the app: when, by whom, parameters, status, KPIs),
`award_log` (every award: who, why, which run proposed it) and `override_log` (every pin and
forbid a regisseur set or lifted, with who and why).

Nightly batch (`matcher batch`, models/batch.md): `runs` (one row per run date), `proposals`
(one row per open request of a run: its provider, or the reason it has none) and
`run_changes` (what changed since the previous run, request by request). Proposals and
changes hold request and provider ids without database references on purpose: a run is a
record of a night, and outlives the round that is replaced by the next import.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

from matcher.data.contract import TABLES, Kind, TableSpec
from matcher.data.contract import Column as ContractColumn

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# References enforced by the database. Some contract references are deliberately absent:
# capacity's intervention may be `*`, teams.csv is optional, an award may be for a request
# of an earlier round, and history lists requests of the past.
REFERENCES: dict[tuple[str, str], str] = {
    ("certifications", "provider_id"): "providers.provider_id",
    ("certifications", "intervention_id"): "interventions.intervention_id",
    ("capacity", "provider_id"): "providers.provider_id",
    ("requests", "intervention_id"): "interventions.intervention_id",
    ("requests", "current_provider"): "providers.provider_id",
    ("bids", "request_id"): "requests.request_id",
    ("bids", "provider_id"): "providers.provider_id",
    ("offers", "provider_id"): "providers.provider_id",
    ("offers", "intervention_id"): "interventions.intervention_id",
    ("awards", "provider_id"): "providers.provider_id",
    ("awards", "intervention_id"): "interventions.intervention_id",
    ("history", "intervention_id"): "interventions.intervention_id",
    ("history", "provider_id"): "providers.provider_id",
}
# The value column of each list's child table, and what it refers to.
LIST_VALUES: dict[str, tuple[str, str | None]] = {
    "specialisms": ("specialism", None),
    "preferred_providers": ("provider_id", "providers.provider_id"),
    "excluded_providers": ("provider_id", "providers.provider_id"),
    "required_specialisms": ("specialism", None),
}
ID_LENGTH = 64
TEXT_LENGTH = 200


def _column_type(column: ContractColumn) -> object:
    if column.kind is Kind.DATE:
        return Date()
    if column.kind is Kind.NUMBER:
        if column.name in ("lat", "lon"):
            return Double()
        # NUMERIC on both backends, so SQL compares, sorts and sums amounts as numbers. SQLite
        # keeps them as doubles: exact for every amount the domain admits (at most 13 digits
        # with 2 decimals), and SQLAlchemy gives them back as Decimal with 2 decimals.
        if column.name in ("units", "capacity_units"):
            return Numeric(14, 2)
        return Numeric(16, 2)
    if column.name in ("name", "product_group", "municipality"):
        return String(TEXT_LENGTH)
    return String(ID_LENGTH)


def _round_table(spec: TableSpec) -> Table:
    columns: list[Column[object] | ForeignKeyConstraint] = [
        Column("position", Integer, nullable=False)
    ]
    for c in spec.columns:
        if c.kind is Kind.LIST:
            continue
        reference = REFERENCES.get((spec.name, c.name))
        args: list[ForeignKey] = [ForeignKey(reference)] if reference else []
        columns.append(
            Column(
                c.name,
                _column_type(c),  # type: ignore[arg-type]
                *args,
                primary_key=c.name in spec.key,
                nullable=not c.required,
            )
        )
    return Table(spec.name, metadata, *columns)


def _list_table(spec: TableSpec, column: ContractColumn) -> Table:
    parent_key = spec.key[0]
    value_name, reference = LIST_VALUES[column.name]
    value_args: list[ForeignKey] = [ForeignKey(reference)] if reference else []
    return Table(
        f"{spec.name}_{column.name}",
        metadata,
        Column(
            parent_key,
            String(ID_LENGTH),
            ForeignKey(f"{spec.name}.{parent_key}", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("rank", Integer, primary_key=True),
        Column(value_name, String(TEXT_LENGTH), *value_args, nullable=False),
    )


round_tables: dict[str, Table] = {spec.name: _round_table(spec) for spec in TABLES}
list_tables: dict[tuple[str, str], Table] = {
    (spec.name, c.name): _list_table(spec, c)
    for spec in TABLES
    for c in spec.columns
    if c.kind is Kind.LIST
}

imports = Table(
    "imports",
    metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("source", Text, nullable=False),
    Column("counts", JSON, nullable=False),
)

round_state = Table(
    "round_state",
    metadata,
    Column("singleton", Integer, primary_key=True),  # always 1: one stored round
    Column("import_id", Integer, ForeignKey("imports.import_id"), nullable=False),
    Column("optional_files", JSON, nullable=False),  # names of the optional tables present
    Column("policy", JSON, nullable=True),  # None when the round had no policy.toml
)

app_runs = Table(
    "app_runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(ID_LENGTH), nullable=False),  # round or scenario
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("seconds", Double, nullable=False),
    Column("who", String(TEXT_LENGTH), nullable=False),
    Column("scope", Text, nullable=False),  # the teams or municipality matched, in words
    Column("parameters", JSON, nullable=False),  # solver, time limit, pins, forbids, ...
    Column("status", String(ID_LENGTH), nullable=False),
    Column("kpis", JSON, nullable=False),  # n_requests, n_assigned, cost, gap, ...
)

award_log = Table(
    "award_log",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("awarded_at", DateTime(timezone=True), nullable=False),
    Column("run_id", Integer, ForeignKey("app_runs.run_id"), nullable=True),
    Column("request_id", String(ID_LENGTH), nullable=False),
    Column("provider_id", String(ID_LENGTH), nullable=False),
    Column("intervention_id", String(ID_LENGTH), nullable=False),
    Column("tariff", Numeric(16, 2), nullable=False),
    Column("units", Numeric(14, 2), nullable=False),
    Column("who", String(TEXT_LENGTH), nullable=False),
    Column("why", Text, nullable=False),
    # award, or revoke: the award of this request was undone (AWARD_ACTIONS in audit.py)
    Column("action", String(ID_LENGTH), nullable=False, server_default="award"),
)
Index("ix_award_log_request_id", award_log.c.request_id)

override_log = Table(
    "override_log",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("run_id", Integer, ForeignKey("app_runs.run_id"), nullable=True),
    Column("request_id", String(ID_LENGTH), nullable=False),
    Column("provider_id", String(ID_LENGTH), nullable=False),
    Column("action", String(ID_LENGTH), nullable=False),  # pin, forbid, unpin, unforbid
    Column("who", String(TEXT_LENGTH), nullable=False),
    Column("why", Text, nullable=False),
)

MONEY = Numeric(16, 2)

runs = Table(
    "runs",
    metadata,
    Column("run_date", Date, primary_key=True),  # one run per date; a rerun replaces it
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("import_id", Integer, ForeignKey("imports.import_id"), nullable=False),
    Column("status", String(ID_LENGTH), nullable=False),
    Column("solver", String(ID_LENGTH), nullable=False),
    Column("workers", Integer, nullable=False),
    Column("n_parts", Integer, nullable=False),
    Column("n_requests", Integer, nullable=False),
    Column("n_assigned", Integer, nullable=False),
    Column("total_cost", MONEY, nullable=False),
    Column("objective", MONEY, nullable=False),
    Column("bound", MONEY, nullable=True),
    Column("gap", Double, nullable=True),
    Column("seconds", Double, nullable=False),
    Column("change_penalty", MONEY, nullable=False),
    Column("summary", JSON, nullable=False),  # the full summary, as printed by --json
)

proposals = Table(
    "proposals",
    metadata,
    Column(
        "run_date",
        Date,
        ForeignKey("runs.run_date", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("request_id", String(ID_LENGTH), primary_key=True),
    Column("provider_id", String(ID_LENGTH), nullable=True),  # None: not placed
    Column("part", Integer, nullable=True),  # None: the request has no admissible pair
    Column("tariff", MONEY, nullable=True),
    Column("units", Numeric(14, 2), nullable=True),
    Column("cost", MONEY, nullable=True),
    Column("distance_term", MONEY, nullable=True),
    Column("preference_term", MONEY, nullable=True),
    Column("continuity_term", MONEY, nullable=True),
    Column("objective", MONEY, nullable=True),
    Column("kept", Boolean, nullable=False),  # same provider as the previous run proposed
    Column("reason_code", String(ID_LENGTH), nullable=True),  # why not placed
    Column("detail", Text, nullable=True),
)

run_changes = Table(
    "run_changes",
    metadata,
    Column(
        "run_date",
        Date,
        ForeignKey("runs.run_date", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("request_id", String(ID_LENGTH), primary_key=True),
    Column("change", String(ID_LENGTH), nullable=False),  # new / changed / dropped
    Column("previous_provider", String(ID_LENGTH), nullable=True),
    Column("provider_id", String(ID_LENGTH), nullable=True),
    Column("detail", Text, nullable=True),
)

# Accounts (services/accounts.py, services/access.py): who may log in, with which role. Never
# cleared by an import. A password is stored only as its argon2 hash; `teams` lists a
# regisseur's teams, `provider_id` a provider's own provider (no database reference: the
# providers table is replaced by the next import, the account outlives it).
users = Table(
    "users",
    metadata,
    Column("username", String(ID_LENGTH), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(ID_LENGTH), nullable=False),
    Column("teams", JSON, nullable=False),
    Column("provider_id", String(ID_LENGTH), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("demo", Boolean, nullable=False),  # made by `matcher users demo`: not for real use
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Failed logins per typed user name (known or not, so a lockout says nothing about whether
# an account exists); a success clears the row.
login_failures = Table(
    "login_failures",
    metadata,
    Column("username", String(ID_LENGTH), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

# Every change to an account (added, disabled, role set) and every login and logout.
account_log = Table(
    "account_log",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("who", String(TEXT_LENGTH), nullable=False),
    Column("username", String(ID_LENGTH), nullable=False),
    Column("action", String(ID_LENGTH), nullable=False),
    Column("detail", Text, nullable=False),
)

# The marketplace (services/marketplace.py): the phase of the stored round (open for bids,
# closed, matched, awarded; no row, or a row of an earlier import, means open) and the log
# of every phase change, bid and capacity declaration, with who.
round_phase = Table(
    "round_phase",
    metadata,
    Column("singleton", Integer, primary_key=True),  # always 1
    Column("import_id", Integer, nullable=False),  # the import the phase is of
    Column("phase", String(ID_LENGTH), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("who", String(TEXT_LENGTH), nullable=False),
)

market_log = Table(
    "market_log",
    metadata,
    Column("log_id", Integer, primary_key=True, autoincrement=True),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("who", String(TEXT_LENGTH), nullable=False),
    Column("action", String(ID_LENGTH), nullable=False),  # phase, bid, withdraw, capacity
    Column("provider_id", String(ID_LENGTH), nullable=True),
    Column("request_id", String(ID_LENGTH), nullable=True),
    Column("detail", Text, nullable=False),
)
