"""Read and check a round: a directory of CSV files, or one Excel workbook.

Everything is checked before anything is used: each cell (numbers, dates, lists), each row
(the entity's own rules), then the files together (unique keys, references, volumes). All
errors of all files are collected and raised together in one RoundImportError, so a user
fixes a file once, not once per error. Reading never writes anything.

Decisions:
- A bid (or standing offer) whose tariff lies outside its intervention's band is kept with
  a warning: matching never admits it, but a what-if that widens the band can.
- A bid from a provider not certified on the request's start date is kept silently:
  certificates change between bidding and matching; matching simply does not admit it.
- A provider certified on or after the round date with neither a capacity row for the
  intervention nor a `*` row gets a warning: it has no capacity.
- Columns that are not in the contract are ignored with a warning.
- Rows whose cells are all empty are skipped (spreadsheets leave them behind).
- In a workbook, two sheets for one table (`bids` and `bids.csv`, or `Bids` and `bids.CSV`) are
  an error and neither is read. An empty sheet counts as no sheet. A `policy` sheet needs
  the header `key | value`, and each key once.
- A row with fewer cells than the header reads its missing trailing cells as empty (some
  tools end a row at its last value). A row with a value beyond the last header column is
  an error and is not read: in a CSV file it nearly always means a value containing the
  separator was not quoted (`P1;P2` in a `;` file), so every cell after it has shifted.
- A cell holding a control or invisible character is an error (matcher.domain.text says
  which); an id with letters of another script than Latin gets a warning (a look-alike).
- A formula cell in a workbook is an error, and its row is not read further: its value is
  whatever Excel last computed, or nothing.
- A value repeated in a message is cut short and its invisible characters shown as codes.
- A caller that never uses an optional table may skip it (``skip``): its file or sheet is not
  read or checked, and the round holds None for it, as if the round had none. Recommend skips
  history.csv (ranking never uses it); every other caller reads the whole round. A required
  table can never be skipped. A round read with a skip is for its caller only: it is not
  stored or written back, since it lacks a table the source has.
- A caller that needs only some rows may choose them (``RowChoice``): per table, the rows
  whose cells in named columns hold named values (``Wanted``), decided from the tables read
  before it. Only those rows are converted and checked, the cross-file checks see only them,
  and an error in a row left out is not reported (a header, a formula cell or an unreadable
  file still is). Recommend reads one request's rows this way; like a skip, such a round
  is for its caller only.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from matcher.data.cells import CellError, parse_date, parse_number, split_list
from matcher.data.contract import POLICY_FILE, TABLES, TABLES_BY_NAME, Kind, TableSpec
from matcher.data.issues import Issue, RoundImportError, Severity
from matcher.data.messages import plain_message
from matcher.data.policy_reader import policy_from_sheet, policy_from_toml
from matcher.data.references import Checker, Numbered
from matcher.data.sources import RawTable, SourceError, read_csv, workbook_sheets
from matcher.domain import Policy, Round
from matcher.domain.entities import Entity
from matcher.domain.text import script_warning, shown, text_problem

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Values never repeated in a message: a client reference typed wrongly may be a real name.
UNREPEATABLE = frozenset({"client_ref"})


@dataclass(frozen=True)
class ReadResult:
    """A round that passed every check, and the warnings worth reading."""

    round: Round
    warnings: tuple[Issue, ...]


# Per column, the values a row's cell (stripped, as an entity holds it) must be one of.
# Rows a caller wants: those that match one of the alternatives, where a row matches when
# its cell (stripped, as an entity holds it) in every named column is one of the values.
Wanted = tuple[Mapping[str, frozenset[str]], ...]


class RowChoice(Protocol):
    """The rows of each table a caller needs, decided from the rows read before it."""

    @property
    def first(self) -> tuple[str, ...]:
        """Tables read first, in this order (the others follow in contract order)."""

    def rows(self, table: str, read: Mapping[str, tuple[Entity, ...]]) -> Wanted | None:
        """The rows of table to read (Wanted); None for every row. ``read`` holds the
        tables read so far."""


def read_round(
    path: Path, skip: frozenset[str] = frozenset(), choice: RowChoice | None = None
) -> ReadResult:
    """Read and check the round at path; raise RoundImportError listing every error.

    skip names optional tables left unread (None in the round); naming a required or an
    unknown table is a ValueError, since a round without it is no round. choice, when
    given, picks the rows read of each table (RowChoice).
    """
    path = Path(path)
    _check_skip(skip)
    issues: list[Issue] = []
    raw_tables, unreadable, policy = _sources(path, issues, skip)
    tables: dict[str, list[tuple[int, Entity]]] = {}
    labels: dict[str, str] = {}
    incomplete: set[str] = set(unreadable)
    # Findings are listed in contract order whatever the choice's order of reading.
    found: dict[str, list[Issue]] = {}
    for spec in _order(choice):
        if spec.name in skip:
            continue
        table_issues: list[Issue] = []
        found[spec.name] = table_issues
        raw = raw_tables.get(spec.name)
        if raw is None:
            if spec.required and spec.name not in unreadable:
                where = path.name if path.is_file() else spec.filename
                what = f"has no sheet '{spec.name}'" if path.is_file() else "is missing"
                table_issues.append(Issue(where, f"{what}; every round needs {spec.filename}"))
            continue
        labels[spec.name] = raw.label
        wanted = None
        if choice is not None:
            wanted = choice.rows(spec.name, {n: tuple(e for _, e in r) for n, r in tables.items()})
        rows = _read_table(spec, raw, table_issues, wanted)
        if rows is None:
            incomplete.add(spec.name)
            continue
        tables[spec.name] = rows
        if any(i.severity is Severity.ERROR for i in table_issues):
            incomplete.add(spec.name)
    issues.extend(i for spec in TABLES for i in found.get(spec.name, ()))
    in_order: dict[str, Numbered] = {s.name: tables[s.name] for s in TABLES if s.name in tables}
    as_of = policy.round_date if policy and policy.round_date else date.today()
    issues.extend(Checker(in_order, labels, incomplete, as_of).run())
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise RoundImportError(issues)
    content: dict[str, Any] = {name: tuple(e for _, e in rows) for name, rows in tables.items()}
    round_ = Round.model_validate({**content, "policy": policy})
    return ReadResult(round_, tuple(i for i in issues if i.severity is Severity.WARNING))


def _order(choice: RowChoice | None) -> list[TableSpec]:
    """The tables in the order they are read: the choice's first ones, then the others."""
    first = [TABLES_BY_NAME[name] for name in choice.first] if choice is not None else []
    return first + [spec for spec in TABLES if spec not in first]


def _check_skip(skip: frozenset[str]) -> None:
    """Refuse to skip a table the round cannot do without, or one that does not exist."""
    optional = {spec.name for spec in TABLES if not spec.required}
    if wrong := sorted(set(skip) - optional):
        names = ", ".join(sorted(optional))
        raise ValueError(f"only optional tables can be skipped ({names}), not {wrong}")


def _sources(
    path: Path, issues: list[Issue], skip: frozenset[str]
) -> tuple[dict[str, RawTable], set[str], Policy | None]:
    """The raw tables (none of skip), the tables present but unreadable, and the policy."""
    tables: dict[str, RawTable] = {}
    unreadable: set[str] = set()
    if not path.exists():
        issues.append(Issue(str(path), "does not exist"))
        return tables, unreadable, None
    if path.is_file():
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            message = "is neither a round directory nor an Excel workbook (.xlsx)"
            issues.append(Issue(path.name, message))
            return tables, unreadable, None
        try:
            sheets = workbook_sheets(path)
        except SourceError as exc:
            issues.append(exc.issue)
            return tables, {t.name for t in TABLES} - skip, None
        wanted = ({t.name for t in TABLES} - skip) | {"policy"}
        for name, found in sheets.items():
            if name in wanted and len(found) > 1:
                issues.append(_two_sheets(path, name, found))
                unreadable.add(name)
        single = {name: found[0] for name, found in sheets.items() if len(found) == 1}
        policy_sheet = single.pop("policy", None)
        if policy_sheet is not None:
            issues.extend(policy_sheet.formula_issues())
        tables = {name: raw for name, raw in single.items() if name in wanted}
        policy = None if policy_sheet is None else policy_from_sheet(policy_sheet, issues)
        return tables, unreadable, policy
    for spec in TABLES:
        file = path / spec.filename
        if spec.name not in skip and file.exists():
            try:
                tables[spec.name] = read_csv(file)
            except SourceError as exc:
                issues.append(exc.issue)
                unreadable.add(spec.name)
    toml_file = path / POLICY_FILE
    policy = (
        policy_from_toml(toml_file.read_bytes(), POLICY_FILE, issues)
        if toml_file.exists()
        else None
    )
    return tables, unreadable, policy


def _two_sheets(path: Path, name: str, found: list[RawTable]) -> Issue:
    """Two sheets for one table: neither is read, since which one is meant cannot be guessed."""
    titles = [f"'{raw.sheet}'" for raw in found]
    listed = ", ".join(titles[:-1]) + f" and {titles[-1]}"
    what = "the policy" if name == "policy" else f"the table {name}"
    each = "both" if len(found) == 2 else "all"
    message = f"sheets {listed} {each} hold {what}; keep only one of them (none was read)"
    return Issue(path.name, message)


def _read_table(
    spec: TableSpec, raw: RawTable, issues: list[Issue], wanted: Wanted | None = None
) -> list[tuple[int, Entity]] | None:
    """The rows of one table as entities (only the wanted ones when given); None when the
    header makes reading pointless."""
    issues.extend(raw.formula_issues())
    position: dict[str, int] = {}
    header_ok = True
    known = set(spec.column_names)
    for index, name in enumerate(raw.header):
        key = name.lower()
        if key in position:
            issues.append(Issue(raw.label, "appears twice in the header", 1, shown(name)))
            header_ok = False
        elif key in known:
            position[key] = index
        elif key:
            message = "is not part of the round format and is ignored"
            issues.append(Issue(raw.label, message, 1, shown(name), Severity.WARNING))
    for column in spec.required_columns:
        if column not in position:
            issues.append(Issue(raw.label, "is missing from the header", 1, column))
            header_ok = False
    if not header_ok:
        return None
    width = max((i + 1 for i, name in enumerate(raw.header) if name), default=0)
    entities: list[tuple[int, Entity]] = []
    with_formulas = {row for row, _ in raw.formulas}
    plan = _plan(spec, position)
    for number, cells in _wanted_rows(raw.rows, position, wanted):
        if number in with_formulas:
            continue  # refused above; the formula's value is unknown
        if len(cells) > width and "".join(cells[width:]).strip():
            issues.append(Issue(raw.label, _too_many_cells(raw, cells, width), number))
            continue  # its cells have shifted: reading them would only add confusing errors
        entity = _read_row(spec, raw.label, number, cells, plan, issues)
        if entity is not None:
            entities.append((number, entity))
    return entities


def _wanted_rows(
    rows: list[tuple[int, list[str]]], position: dict[str, int], wanted: Wanted | None
) -> list[tuple[int, list[str]]]:
    """The rows that match one of the wanted alternatives (all when no choice). Cells are
    compared stripped, as the entity will hold them, so a row left out could never have
    become an entity with wanted values; a column the header lacks reads as empty."""
    if wanted is None:
        return rows
    missing = -1  # the header lacks the column
    tests = [[(position.get(c, missing), values) for c, values in each.items()] for each in wanted]
    kept: list[tuple[int, list[str]]] = []
    for number, cells in rows:  # plain loops: this runs over every row of the largest files
        n_cells = len(cells)
        for each in tests:
            for index, values in each:
                if (cells[index].strip() if 0 <= index < n_cells else "") not in values:
                    break
            else:
                kept.append((number, cells))
                break
    return kept


def _too_many_cells(raw: RawTable, cells: list[str], width: int) -> str:
    """Why a row with a value beyond the header is refused, and how to fix it."""
    count = max(i + 1 for i, cell in enumerate(cells) if cell.strip())
    found = f"this row has {count} cells but the header has {width} columns"
    if raw.delimiter == ";":
        return f"{found}; put lists in quotes (\"P1;P2\"), because ';' also separates the cells"
    if raw.delimiter == ",":
        return (
            f"{found}; put a value that contains ',' in quotes (\"64,50\"), "
            "because ',' also separates the cells"
        )
    if raw.delimiter is not None:
        return f"{found}; a value may not contain the tab that separates the cells"
    return f"{found}; give the extra column a name in row 1, or remove its values"


@dataclass(frozen=True)
class _Cell:
    """One contract column present in a file's header, looked up once per file, not per row."""

    name: str
    index: int
    kind: Kind
    identifier: bool
    repeatable: bool


def _plan(spec: TableSpec, position: dict[str, int]) -> tuple[_Cell, ...]:
    """The columns of spec that the header holds, in contract order."""
    return tuple(
        _Cell(c.name, position[c.name], c.kind, c.identifier, c.name not in UNREPEATABLE)
        for c in spec.columns
        if c.name in position
    )


def _read_row(
    spec: TableSpec,
    label: str,
    number: int,
    cells: list[str],
    plan: tuple[_Cell, ...],
    issues: list[Issue],
) -> Entity | None:
    values: dict[str, Any] = {}
    raw_text: dict[str, str] = {}
    flagged: set[str] = set()
    n_cells = len(cells)
    for column in plan:
        cell = cells[column.index] if column.index < n_cells else ""
        text = cell.strip()
        if not text:
            continue
        if problem := text_problem(cell.strip(" \t\r\n")):
            issues.append(Issue(label, problem, number, column.name))
            flagged.add(column.name)
            continue
        if column.identifier and (warning := script_warning(text)):
            issues.append(Issue(label, warning, number, column.name, Severity.WARNING))
        if column.repeatable:
            raw_text[column.name] = text
        try:
            values[column.name] = _convert(column.kind, text)
        except CellError as exc:
            issues.append(Issue(label, str(exc), number, column.name))
            flagged.add(column.name)
    try:
        entity = spec.entity.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            column_name = (
                str(error["loc"][0]) if error["loc"] else _column_named(spec, error["msg"])
            )
            if column_name in flagged:
                continue
            message = plain_message(error, raw_text.get(column_name or ""))
            issues.append(Issue(label, message, number, column_name))
        return None
    return None if flagged else entity


def _convert(kind: Kind, text: str) -> Any:
    if kind is Kind.NUMBER:
        return parse_number(text)
    if kind is Kind.DATE:
        return parse_date(text)
    if kind is Kind.LIST:
        return split_list(text)
    return text


def _column_named(spec: TableSpec, message: str) -> str | None:
    """The first contract column a cross-field message names (the place to look)."""
    words = message.replace(",", " ").split()
    return next((w for w in words if w in spec.column_names), None)
