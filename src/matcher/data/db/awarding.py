"""Write awards so that no provider is ever over-booked, whatever runs at the same time.

Two regisseurs may award against the same provider at the same moment, each from a proposal
computed on what was free when they solved. The database decides: inside one transaction
the provider's capacity rows (and the teams' budget rows) are locked, the free room is
re-counted from the awards running on the award date, and the award is refused whole when
any line does not fit. PostgreSQL locks the rows with SELECT ... FOR UPDATE (READ COMMITTED:
after the lock is granted the next statement sees the other transaction's awards); SQLite
takes the database's write lock up front with BEGIN IMMEDIATE, which serialises writers.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from matcher.data.db.audit import audit_name
from matcher.data.db.schema import award_log, round_state, round_tables
from matcher.data.db.store import require_current_schema
from matcher.domain import ALL_INTERVENTIONS, Funding
from matcher.domain.money import CENT


class AwardRefusedError(Exception):
    """The award was refused whole; ``problems`` names each line that does not fit."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("nothing was awarded: " + "; ".join(self.problems))


@dataclass(frozen=True)
class AwardLine:
    """One match to award: the request, the provider, its tariff and weekly units."""

    request_id: str
    provider_id: str
    tariff: Decimal
    units: Decimal


@dataclass(frozen=True)
class AwardedLine:
    """An award as written, with the intervention and the weekly cost it took from budget."""

    request_id: str
    provider_id: str
    intervention_id: str
    tariff: Decimal
    units: Decimal
    cost: Decimal


def write_awards(
    engine: Engine,
    lines: Sequence[AwardLine],
    *,
    on: date,
    who: str,
    why: str,
    run_id: int | None = None,
) -> tuple[AwardedLine, ...]:
    """Award every line or none, and log each with who and why.

    Capacity counts the awards running on ``on`` (no end date, or ending on or after it),
    as the matching does. A team's budget holds what is left for the period, so each award
    takes its weekly cost off it; an award that would take a budget below zero is refused.
    """
    who = audit_name(who)
    require_current_schema(engine)
    if not lines:
        return ()
    if problems := _impossible_lines(lines):
        raise AwardRefusedError(problems)
    with _write_transaction(engine) as connection:
        requests = _requests(connection, [line.request_id for line in lines])
        problems = _unknown_or_awarded(connection, lines, requests)
        if problems:
            raise AwardRefusedError(problems)
        awarded = [_costed(line, requests[line.request_id]) for line in lines]
        problems = _capacity_problems(connection, awarded, on)
        problems += _budget_problems(connection, awarded, requests)
        if problems:
            raise AwardRefusedError(problems)
        _insert(connection, awarded, on=on, who=who, why=why, run_id=run_id)
    return tuple(awarded)


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement on SQLite."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
            connection.commit()
        except IntegrityError as exc:
            connection.rollback()
            raise AwardRefusedError(
                ["one of the requests was awarded by someone else just now"]
            ) from exc
        except BaseException:
            connection.rollback()
            raise


def _impossible_lines(lines: Sequence[AwardLine]) -> list[str]:
    """Lines no award can hold: units must be more than 0, a tariff may not be negative."""
    problems = []
    for line in lines:
        if not (line.units.is_finite() and line.units > 0):
            problems.append(f"{line.request_id}: units must be more than 0 (found {line.units})")
        if not (line.tariff.is_finite() and line.tariff >= 0):
            problems.append(f"{line.request_id}: the tariff may not be negative ({line.tariff})")
    return problems


@dataclass(frozen=True)
class _Request:
    intervention_id: str
    team_id: str
    funding: Funding
    segment: str


def _requests(connection: Connection, ids: list[str]) -> dict[str, _Request]:
    requests, interventions = round_tables["requests"], round_tables["interventions"]
    query = (
        select(
            requests.c.request_id,
            requests.c.intervention_id,
            requests.c.team_id,
            interventions.c.funding,
            interventions.c.segment,
        )
        .join(interventions, interventions.c.intervention_id == requests.c.intervention_id)
        .where(requests.c.request_id.in_(ids))
    )
    return {
        row.request_id: _Request(
            row.intervention_id, row.team_id, Funding(row.funding), row.segment
        )
        for row in connection.execute(query)
    }


def _unknown_or_awarded(
    connection: Connection, lines: Sequence[AwardLine], requests: dict[str, _Request]
) -> list[str]:
    awards = round_tables["awards"]
    ids = [line.request_id for line in lines]
    taken = set(
        connection.execute(
            select(awards.c.request_id).where(awards.c.request_id.in_(ids))
        ).scalars()
    )
    problems: list[str] = []
    seen: set[str] = set()
    for line in lines:
        rid = line.request_id
        if rid in seen:
            problems.append(f"request {rid} is listed twice")
        elif rid not in requests:
            problems.append(f"request {rid} is not in the stored round")
        elif rid in taken:
            problems.append(f"request {rid} is awarded already")
        elif requests[rid].funding is Funding.TASK:
            problems.append(f"request {rid} is task-funded and not awarded per case")
        seen.add(rid)
    return problems


def _costed(line: AwardLine, request: _Request) -> AwardedLine:
    if request.funding is Funding.EFFORT:
        cost = (line.tariff * line.units).quantize(CENT)
    else:
        cost = line.tariff
    return AwardedLine(
        line.request_id, line.provider_id, request.intervention_id, line.tariff, line.units, cost
    )


def _capacity_problems(
    connection: Connection, awarded: Sequence[AwardedLine], on: date
) -> list[str]:
    """Lock the providers' capacity rows, then check each row against running awards."""
    capacity, awards = round_tables["capacity"], round_tables["awards"]
    providers = sorted({line.provider_id for line in awarded})
    locked = (
        select(capacity.c.provider_id, capacity.c.intervention_id, capacity.c.capacity_units)
        .where(capacity.c.provider_id.in_(providers))
        .order_by(capacity.c.provider_id, capacity.c.intervention_id)
        .with_for_update()
    )
    rows = {
        (r.provider_id, r.intervention_id): r.capacity_units for r in connection.execute(locked)
    }
    running = (
        select(awards.c.provider_id, awards.c.intervention_id, func.sum(awards.c.units))
        .where(awards.c.provider_id.in_(providers))
        .where(or_(awards.c.ends_on.is_(None), awards.c.ends_on >= on))
        .group_by(awards.c.provider_id, awards.c.intervention_id)
    )
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for pid, iid, units in connection.execute(running):
        used[(pid, iid)] += Decimal(units)
        used[(pid, ALL_INTERVENTIONS)] += Decimal(units)
    wanted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in awarded:
        wanted[(line.provider_id, line.intervention_id)] += line.units
        wanted[(line.provider_id, ALL_INTERVENTIONS)] += line.units
    problems: list[str] = []
    for line in awarded:
        own = (line.provider_id, line.intervention_id)
        if own not in rows and (line.provider_id, ALL_INTERVENTIONS) not in rows:
            problems.append(
                f"{line.provider_id} has no capacity for {line.intervention_id} "
                f"(request {line.request_id})"
            )
    for key in sorted(wanted):
        if key in rows and used[key] + wanted[key] > rows[key]:
            pid, iid = key
            what = "in total" if iid == ALL_INTERVENTIONS else f"for {iid}"
            free = max(rows[key] - used[key], Decimal(0))
            problems.append(
                f"{pid} has {free.normalize():f} units a week free {what}, "
                f"these awards need {wanted[key].normalize():f}"
            )
    return problems


def _budget_problems(
    connection: Connection, awarded: Sequence[AwardedLine], requests: dict[str, _Request]
) -> list[str]:
    """Lock the teams' budget rows, check them and take each award's weekly cost off."""
    budgets = round_tables["budgets"]
    need: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in awarded:
        request = requests[line.request_id]
        need[(request.team_id, request.segment)] += line.cost
    teams = sorted({team for team, _ in need})
    locked = (
        select(budgets.c.team_id, budgets.c.segment, budgets.c.amount)
        .where(budgets.c.team_id.in_(teams))
        .order_by(budgets.c.team_id, budgets.c.segment)
        .with_for_update()
    )
    left = {(r.team_id, r.segment): Decimal(r.amount) for r in connection.execute(locked)}
    problems: list[str] = []
    for key in sorted(need):
        if key not in left:
            continue  # no budget row: the team's segment is not budget-limited
        if need[key] > left[key]:
            team, segment = key
            problems.append(
                f"team {team} has EUR {left[key]:.2f} left for segment {segment}, "
                f"these awards cost EUR {need[key]:.2f} a week"
            )
            continue
        connection.execute(
            update(budgets)
            .where(budgets.c.team_id == key[0], budgets.c.segment == key[1])
            .values(amount=left[key] - need[key])
        )
    return problems


def _insert(
    connection: Connection,
    awarded: Sequence[AwardedLine],
    *,
    on: date,
    who: str,
    why: str,
    run_id: int | None,
) -> None:
    _declare_awards_present(connection)
    awards = round_tables["awards"]
    position = connection.execute(
        select(func.coalesce(func.max(awards.c.position), -1))
    ).scalar_one()
    now = datetime.now(UTC)
    connection.execute(
        awards.insert(),
        [
            {
                "position": position + 1 + k,
                "request_id": line.request_id,
                "provider_id": line.provider_id,
                "intervention_id": line.intervention_id,
                "tariff": line.tariff,
                "units": line.units,
                "awarded_on": on,
                "ends_on": None,
            }
            for k, line in enumerate(awarded)
        ],
    )
    connection.execute(
        award_log.insert(),
        [
            {
                "awarded_at": now,
                "run_id": run_id,
                "request_id": line.request_id,
                "provider_id": line.provider_id,
                "intervention_id": line.intervention_id,
                "tariff": line.tariff,
                "units": line.units,
                "who": who,
                "why": why,
            }
            for line in awarded
        ],
    )


def _declare_awards_present(connection: Connection) -> None:
    """A round imported without awards.csv gains the table with its first award, or the
    stored round would load without it."""
    state = connection.execute(select(round_state.c.optional_files)).scalar_one_or_none()
    if state is not None and "awards" not in state:
        connection.execute(update(round_state).values(optional_files=[*state, "awards"]))
