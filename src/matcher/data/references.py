"""Checks across files: unique keys, references, volumes per unit, and warnings.

Each table arrives as (row number, entity) pairs so every finding names its row. A table
that had errors of its own is "incomplete": references into it are not checked, because a
row that failed to read would make every reference to it look unknown.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from matcher.data.contract import TABLES_BY_NAME, TableSpec
from matcher.data.issues import Issue, Severity
from matcher.domain import ALL_INTERVENTIONS, WEEKLY_MAXIMUM, Funding, Intervention

Numbered = Sequence[tuple[int, Any]]  # (row number, entity of the table)


class Checker:
    """Collects findings about a round whose rows each passed their own checks."""

    def __init__(
        self,
        tables: dict[str, Numbered],
        labels: dict[str, str],
        incomplete: set[str],
        as_of: date,
    ) -> None:
        self.as_of = as_of  # the round date: certificates that ended before it no longer count
        self.tables = tables
        self.labels = labels
        self.incomplete = incomplete
        self.issues: list[Issue] = []

    def run(self) -> list[Issue]:
        """All findings, errors and warnings."""
        for name in self.tables:
            self.unique_keys(TABLES_BY_NAME[name])
        self.references()
        self.volumes()
        self.task_funding()
        self.tariffs_outside_band()
        self.certified_without_capacity()
        return self.issues

    def add(self, table: str, row: int, column: str, message: str, warn: bool = False) -> None:
        severity = Severity.WARNING if warn else Severity.ERROR
        self.issues.append(Issue(self.labels[table], message, row, column, severity))

    def rows(self, table: str) -> Numbered:
        return self.tables.get(table, ())

    def ids(self, table: str, column: str) -> set[str]:
        return {getattr(entity, column) for _, entity in self.rows(table)}

    def unique_keys(self, spec: TableSpec) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        for row, entity in self.rows(spec.name):
            key = tuple(getattr(entity, column) for column in spec.key)
            if key in seen:
                shown = ", ".join(f"{c} {v}" for c, v in zip(spec.key, key, strict=True))
                self.add(
                    spec.name,
                    row,
                    spec.key[-1],
                    f"duplicate: {shown} is already in row {seen[key]}",
                )
            else:
                seen[key] = row

    def references(self) -> None:
        providers = self.ids("providers", "provider_id")
        interventions = self.ids("interventions", "intervention_id")
        requests = self.ids("requests", "request_id")
        teams = self.ids("teams", "team_id") if "teams" in self.tables else None
        known = {
            "provider": providers,
            "intervention": interventions,
            "request": requests,
            "intervention or *": interventions | {ALL_INTERVENTIONS},
        }
        plan: list[tuple[str, str, str]] = [
            ("certifications", "provider_id", "provider"),
            ("certifications", "intervention_id", "intervention"),
            ("capacity", "provider_id", "provider"),
            ("capacity", "intervention_id", "intervention or *"),
            ("requests", "intervention_id", "intervention"),
            ("requests", "current_provider", "provider"),
            ("requests", "preferred_providers", "provider"),
            ("requests", "excluded_providers", "provider"),
            ("bids", "request_id", "request"),
            ("bids", "provider_id", "provider"),
            ("offers", "provider_id", "provider"),
            ("offers", "intervention_id", "intervention"),
            ("awards", "provider_id", "provider"),
            ("awards", "intervention_id", "intervention"),
            ("history", "intervention_id", "intervention"),
            ("history", "provider_id", "provider"),
        ]
        target = {"provider": "providers", "intervention": "interventions", "request": "requests"}
        for table, column, what in plan:
            if target[what.split()[0]] not in self.incomplete:
                self._refer(table, column, what, known[what])
        if teams is not None and "teams" not in self.incomplete:
            for table in ("requests", "budgets", "history"):
                self._refer(table, "team_id", "team", teams, hint=" (it is not in teams.csv)")

    def _refer(self, table: str, column: str, what: str, known: set[str], hint: str = "") -> None:
        file = f"{what.split()[0]}s.csv" if not hint else "teams.csv"
        for row, entity in self.rows(table):
            value = getattr(entity, column)
            values: Iterable[str] = value if isinstance(value, tuple) else (value,)
            for v in values:
                if v is not None and v not in known:
                    message = hint or f" (it is not in {file})"
                    self.add(table, row, column, f"unknown {what.split()[0]} '{v}'{message}")

    def volumes(self) -> None:
        """A weekly volume above what a week holds is a typing error (e.g. yearly volume)."""
        if self.incomplete & {"interventions", "requests"}:
            return
        unit_of = {i.intervention_id: i.unit for _, i in self._interventions()}
        intervention_of = {e.request_id: e.intervention_id for _, e in self.rows("requests")}
        sources: dict[str, Callable[[Any], str | None]] = {
            "requests": lambda e: e.intervention_id,
            "bids": lambda e: intervention_of.get(e.request_id),
            "awards": lambda e: e.intervention_id,
            "history": lambda e: e.intervention_id,
        }
        for table, intervention in sources.items():
            for row, entity in self.rows(table):
                units: Decimal | None = entity.units
                unit = unit_of.get(intervention(entity) or "")
                if units is None or unit is None:
                    continue
                limit = WEEKLY_MAXIMUM[unit]
                if units > limit:
                    self.add(
                        table,
                        row,
                        "units",
                        f"{units} {unit.value} per week is more than one client can use in a week "
                        f"(at most {limit}); units is a weekly volume",
                    )

    def task_funding(self) -> None:
        task = {i.intervention_id for _, i in self._interventions() if i.funding is Funding.TASK}
        for row, entity in self.rows("requests"):
            if entity.intervention_id in task:
                self.add(
                    "requests",
                    row,
                    "intervention_id",
                    f"intervention {entity.intervention_id} is task-funded (a lump sum) "
                    "and is not matched per case",
                )

    def tariffs_outside_band(self) -> None:
        """Kept on purpose (a wider band in a what-if may admit them); never admissible now."""
        band = {i.intervention_id: i for _, i in self._interventions()}
        intervention_of = {e.request_id: e.intervention_id for _, e in self.rows("requests")}
        finders: tuple[tuple[str, Callable[[Any], str | None]], ...] = (
            ("bids", lambda e: intervention_of.get(e.request_id)),
            ("offers", lambda e: e.intervention_id),
        )
        for table, find in finders:
            for row, entity in self.rows(table):
                intervention = band.get(find(entity) or "")
                tariff: Decimal = entity.tariff
                if intervention and not intervention.admits_tariff(tariff):
                    self.add(
                        table,
                        row,
                        "tariff",
                        f"tariff {tariff} lies outside the band {intervention.tariff_min}–"
                        f"{intervention.tariff_max} of {intervention.intervention_id}; it is kept "
                        "but can never be chosen",
                        warn=True,
                    )

    def certified_without_capacity(self) -> None:
        if "capacity" in self.incomplete:
            return
        rows = {(e.provider_id, e.intervention_id) for _, e in self.rows("capacity")}
        warned: set[tuple[str, str]] = set()
        for row, entity in self.rows("certifications"):
            pair = (entity.provider_id, entity.intervention_id)
            if entity.valid_to < self.as_of:
                continue
            if pair in warned or pair in rows or (pair[0], ALL_INTERVENTIONS) in rows:
                continue
            warned.add(pair)
            self.add(
                "certifications",
                row,
                "provider_id",
                f"provider {pair[0]} is certified for {pair[1]} but has no capacity row for it "
                "(nor a * row): it has no capacity",
                warn=True,
            )

    def _interventions(self) -> Iterable[tuple[int, Intervention]]:
        for row, entity in self.rows("interventions"):
            assert isinstance(entity, Intervention)
            yield row, entity
