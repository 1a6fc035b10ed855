"""The round-directory data contract: which files, which columns, in which order.

One table spec per file. Reader, writer and database all take column names and order from
here, so the contract is written down once. Outside tools depend on it: change it only
together with PRODUCT.md.
"""

from dataclasses import dataclass
from enum import Enum

from matcher.domain import (
    Award,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    HistoryRecord,
    Intervention,
    Offer,
    Provider,
    Request,
    Team,
)
from matcher.domain.entities import Entity

LIST_SEPARATOR = ";"
# Text columns that hold words a person reads; every other text or list column holds ids.
FREE_TEXT = frozenset(
    {"name", "product_group", "municipality", "specialisms", "required_specialisms"}
)
POLICY_FILE = "policy.toml"


class Kind(Enum):
    """How a cell's text is turned into a value."""

    TEXT = "text"
    NUMBER = "number"  # decimal comma and thousands dots are understood
    DATE = "date"  # ISO 8601 (2026-11-23); Dutch 23-11-2026 is understood too
    LIST = "list"  # ';'-separated values


@dataclass(frozen=True)
class Column:
    """One column of a round file."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = True

    @property
    def identifier(self) -> bool:
        """True for a column of ids (or codes), where a look-alike letter is worth a warning."""
        return self.kind in (Kind.TEXT, Kind.LIST) and self.name not in FREE_TEXT


@dataclass(frozen=True)
class TableSpec:
    """One file of a round directory (or one sheet of a round workbook)."""

    name: str  # attribute of Round, sheet name, file name without .csv
    entity: type[Entity]
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns whose values must be unique together
    required: bool = True  # must the file be present?

    @property
    def filename(self) -> str:
        """The file name in a round directory."""
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        """All column names, in contract order."""
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns that must be in the header."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called name."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


T, N, D, L = Kind.TEXT, Kind.NUMBER, Kind.DATE, Kind.LIST


def _c(name: str, kind: Kind = T, required: bool = True) -> Column:
    return Column(name, kind, required)


def _o(name: str, kind: Kind = T) -> Column:
    return Column(name, kind, required=False)


INTERVENTIONS = TableSpec(
    "interventions",
    Intervention,
    (
        _c("intervention_id"),
        _c("name"),
        _c("law"),
        _c("segment"),
        _c("product_group"),
        _c("funding"),
        _c("unit"),
        _c("tariff_min", N),
        _c("tariff_max", N),
    ),
    key=("intervention_id",),
)
PROVIDERS = TableSpec(
    "providers",
    Provider,
    (
        _c("provider_id"),
        _c("name"),
        _o("agb_code"),
        _o("lat", N),
        _o("lon", N),
        _o("specialisms", L),
    ),
    key=("provider_id",),
)
CERTIFICATIONS = TableSpec(
    "certifications",
    Certification,
    (_c("provider_id"), _c("intervention_id"), _c("valid_from", D), _c("valid_to", D)),
    key=("provider_id", "intervention_id", "valid_from"),
)
CAPACITY = TableSpec(
    "capacity",
    CapacityRow,
    (_c("provider_id"), _c("intervention_id"), _c("capacity_units", N)),
    key=("provider_id", "intervention_id"),
)
REQUESTS = TableSpec(
    "requests",
    Request,
    (
        _c("request_id"),
        _c("client_ref"),
        _c("team_id"),
        _c("intervention_id"),
        _c("units", N),
        _c("start_date", D),
        _c("urgency"),
        _o("lat", N),
        _o("lon", N),
        _o("preferred_providers", L),
        _o("excluded_providers", L),
        _o("current_provider"),
        _o("required_specialisms", L),
        _o("waiting_since", D),
    ),
    key=("request_id",),
)
BIDS = TableSpec(
    "bids",
    Bid,
    (_c("request_id"), _c("provider_id"), _c("tariff", N), _o("units", N)),
    key=("request_id", "provider_id"),
)
OFFERS = TableSpec(
    "offers",
    Offer,
    (_c("provider_id"), _c("intervention_id"), _c("tariff", N)),
    key=("provider_id", "intervention_id"),
    required=False,
)
BUDGETS = TableSpec(
    "budgets",
    Budget,
    (_c("team_id"), _c("segment"), _c("amount", N)),
    key=("team_id", "segment"),
    required=False,
)
TEAMS = TableSpec(
    "teams",
    Team,
    (_c("team_id"), _c("name"), _c("municipality"), _c("kind")),
    key=("team_id",),
    required=False,
)
AWARDS = TableSpec(
    "awards",
    Award,
    (
        _c("request_id"),
        _c("provider_id"),
        _c("intervention_id"),
        _c("tariff", N),
        _c("units", N),
        _c("awarded_on", D),
        _o("ends_on", D),
    ),
    key=("request_id",),
    required=False,
)
HISTORY = TableSpec(
    "history",
    HistoryRecord,
    (
        _c("request_id"),
        _c("team_id"),
        _c("intervention_id"),
        _c("units", N),
        _c("received_on", D),
        _o("started_on", D),
        _o("ended_on", D),
        _o("provider_id"),
    ),
    key=("request_id",),
    required=False,
)

# In contract order; references only point to tables earlier in this tuple (teams excepted,
# which are checked once all tables are read).
TABLES: tuple[TableSpec, ...] = (
    INTERVENTIONS,
    PROVIDERS,
    CERTIFICATIONS,
    CAPACITY,
    REQUESTS,
    BIDS,
    OFFERS,
    BUDGETS,
    TEAMS,
    AWARDS,
    HISTORY,
)
TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
