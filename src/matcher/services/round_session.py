"""A regisseur's matching round: choose the scope, solve with overrides, read the proposals
with their reasons, award. The app's "Matching round" page is a face over these functions.

Tables are pandas frames with the columns the page shows; money in euros, units as numbers.
No client_ref ever leaves this module: the tables name requests by request_id only.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from matcher.data.db.audit import OverrideEntry, record_overrides, record_run, utc_now
from matcher.data.db.awarding import AwardedLine, AwardLine, write_awards
from matcher.data.db.engine import engine_for
from matcher.domain import Round
from matcher.matching import Explanation, MatchOutcome, Overrides
from matcher.services.access import Actor, require_scope, require_stored_requests
from matcher.services.round_run import (
    ChangeSearch,
    RoundReport,
    RoundSettings,
    Step,
    run_round,
)
from matcher.services.round_tables import proposals_table, run_figures, unplaced_table

# The demo round is scarce and hard: the app solves with a short limit and says so.
DEFAULT_TIME_LIMIT = 20.0
# Searching the cheapest change re-solves the request's part once per candidate: on the demo
# region about 8 s a request. A run searches it at once only for small rounds; otherwise
# the regisseur asks for it (find_changes) for the most urgent unplaced requests.
APP_MAX_CHANGES = 10
APP_CHANGE_SECONDS = 1.0


@dataclass(frozen=True)
class Scope:
    """Which requests a regisseur matches: the teams (empty = the whole round)."""

    teams: tuple[str, ...] = ()
    label: str = "whole round"


@dataclass(frozen=True)
class RoundResult:
    """A solved round as the page shows it: the use-case's report, rendered once.

    ``import_id`` is the import solved on (an award after a re-import is refused).
    """

    report: RoundReport
    proposals: pd.DataFrame
    unplaced: pd.DataFrame
    summary: dict[str, Any]
    run_id: int | None = None
    import_id: int | None = None

    @classmethod
    def of(cls, report: RoundReport) -> "RoundResult":
        """The page's tables and figures of one report."""
        return cls(report, proposals_table(report), unplaced_table(report), run_figures(report))

    @property
    def outcome(self) -> MatchOutcome:
        """The engine's result."""
        return self.report.result

    @property
    def explanation(self) -> Explanation | None:
        """Why each request is or is not placed (None when the round was not solved)."""
        return self.report.explanation

    @property
    def pins(self) -> frozenset[tuple[str, str]]:
        """The pins solved with."""
        return self.report.overrides.pins

    @property
    def forbids(self) -> frozenset[tuple[str, str]]:
        """The forbids solved with."""
        return self.report.overrides.forbids

    @property
    def dropped(self) -> frozenset[tuple[str, str]]:
        """Overrides that no longer apply: the page removes them from the session."""
        return self.report.dropped

    @property
    def notices(self) -> tuple[str, ...]:
        """Why each dropped override was dropped, in words."""
        return self.report.notices


def scopes(round_: Round) -> dict[str, Scope]:
    """Every scope a regisseur can pick: the whole round, each municipality, each team."""
    out = {"Whole round": Scope()}
    teams = round_.teams or ()
    by_municipality: dict[str, list[str]] = {}
    for team in teams:
        by_municipality.setdefault(team.municipality, []).append(team.team_id)
    for name in sorted(by_municipality):
        out[f"Municipality {name}"] = Scope(tuple(by_municipality[name]), name)
    names = {t.team_id: t.name for t in teams}
    for team_id in sorted({r.team_id for r in round_.requests}):
        label = f"{names[team_id]} ({team_id})" if team_id in names else team_id
        out[f"Team {label}"] = Scope((team_id,), label)
    return out


def restrict(round_: Round, scope: Scope) -> Round:
    """The round with only the scope's requests (and their bids); capacity, budgets and the
    awards stay whole, so other teams' care still counts against every limit."""
    if not scope.teams:
        return round_
    teams = set(scope.teams)
    requests = tuple(r for r in round_.requests if r.team_id in teams)
    kept = {r.request_id for r in requests}
    bids = tuple(b for b in round_.bids if b.request_id in kept)
    return round_.model_copy(update={"requests": requests, "bids": bids})


def open_requests(round_: Round, on: date | None = None) -> pd.DataFrame:
    """The round's open requests (not awarded), without client details."""
    on = on or round_.effective_policy().round_date or date.today()
    awarded = {a.request_id for a in round_.awards or ()}
    names = {i.intervention_id: i.name for i in round_.interventions}
    municipality = {t.team_id: t.municipality for t in round_.teams or ()}
    bids: dict[str, int] = {}
    for bid in round_.bids:
        bids[bid.request_id] = bids.get(bid.request_id, 0) + 1
    rows = [
        {
            "request": r.request_id,
            "team": r.team_id,
            "municipality": municipality.get(r.team_id, ""),
            "intervention": r.intervention_id,
            "name": names.get(r.intervention_id, ""),
            "urgency": r.urgency.value,
            "units": float(r.units),
            "start": r.start_date,
            "waiting weeks": (on - r.waiting_since).days // 7 if r.waiting_since else None,
            "bids": bids.get(r.request_id, 0),
        }
        for r in round_.requests
        if r.request_id not in awarded
    ]
    columns = [
        "request",
        "team",
        "municipality",
        "intervention",
        "name",
        "urgency",
        "units",
        "start",
        "waiting weeks",
        "bids",
    ]
    return pd.DataFrame(rows, columns=columns)


def solve(
    round_: Round,
    *,
    pins: Iterable[tuple[str, str]] = (),
    forbids: Iterable[tuple[str, str]] = (),
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    find_changes: bool | None = None,
    progress: Step | None = None,
) -> RoundResult:
    """``run_round`` with the session's pins and forbids, rendered for the page.

    The cheapest change for unplaced requests is searched when find_changes, or (None) when
    the round is small enough for it to take a moment. Pins and forbids that no longer
    apply are dropped with a notice (session_overrides), never made an infeasible round.
    """
    settings = RoundSettings(
        solver=solver,
        time_limit=time_limit,
        changes=ChangeSearch(
            max_changes=APP_MAX_CHANGES,
            enabled=find_changes,
            seconds_each=APP_CHANGE_SECONDS,
            one_deadline=False,
        ),
        drop_stale=True,
    )
    overrides = Overrides(pins=frozenset(pins), forbids=frozenset(forbids))
    return RoundResult.of(run_round(round_, settings, overrides, on_step=progress))


def find_changes(round_: Round, result: RoundResult, scope: "Scope", how_many: int) -> RoundResult:
    """The same result with the cheapest change searched for the how_many most urgent
    unplaced requests (re-solving each candidate change)."""
    report = result.report.search_changes(restrict(round_, scope), how_many, APP_CHANGE_SECONDS)
    return replace(result, report=report, unplaced=unplaced_table(report))


def record(
    db: str | None,
    result: RoundResult,
    *,
    who: str,
    scope: Scope,
    time_limit: float,
    started_at: Any,
    kind: str = "round",
) -> int:
    """Write the run record of a solved (or failed) round; returns its run_id."""
    with engine_for(db) as engine:
        return record_run(
            engine,
            kind=kind,
            started_at=started_at,
            seconds=float(result.summary["seconds"]),
            who=who,
            scope=scope.label,
            parameters={
                "solver": result.report.summary.solver,
                "time_limit": time_limit,
                "pins": sorted(f"{r}>{p}" for r, p in result.pins),
                "forbids": sorted(f"{r}>{p}" for r, p in result.forbids),
                "teams": list(scope.teams),
            },
            status=result.summary["status"],
            kpis={k: v for k, v in result.summary.items() if k not in ("status", "message")},
        )


def solve_and_record(
    db: str | None,
    round_: Round,
    scope: Scope,
    *,
    actor: Actor,
    pins: Iterable[tuple[str, str]] = (),
    forbids: Iterable[tuple[str, str]] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
    solver: str = "auto",
    progress: Step | None = None,
    import_id: int | None = None,
) -> RoundResult:
    """Solve the scope of the round and write its run record; import_id is the import the
    round was loaded from, which award() then checks is still the stored one."""
    require_scope(actor, round_, scope.teams)
    started_at = utc_now()
    clock = time.perf_counter()
    result = solve(
        restrict(round_, scope),
        pins=pins,
        forbids=forbids,
        solver=solver,
        time_limit=time_limit,
        progress=progress,
    )
    result.summary["seconds"] = round(time.perf_counter() - clock, 2)
    run_id = record(
        db, result, who=actor.username, scope=scope, time_limit=time_limit, started_at=started_at
    )
    return replace(result, run_id=run_id, import_id=import_id)


def log_overrides(
    db: str | None, entries: Iterable[OverrideEntry], *, actor: Actor, run_id: int | None
) -> None:
    """Log the pins and forbids a regisseur set or lifted, with why."""
    entries = list(entries)
    require_stored_requests(actor, db, [e.request_id for e in entries])
    with engine_for(db) as engine:
        record_overrides(engine, entries, who=actor.username, run_id=run_id)


def award(
    db: str | None,
    result: RoundResult,
    request_ids: Iterable[str],
    *,
    actor: Actor,
    why: str,
    on: date,
) -> tuple[AwardedLine, ...]:
    """Award the proposed matches of the chosen requests, all or none (AwardRefusedError)."""
    wanted = set(request_ids)
    require_stored_requests(actor, db, wanted)
    frame = result.proposals[result.proposals["request"].isin(wanted)]
    lines = [
        AwardLine(
            str(row["request"]),
            str(row["provider"]),
            Decimal(str(row["tariff"])).quantize(Decimal("0.01")),
            Decimal(str(row["units"])).quantize(Decimal("0.01")),
        )
        for _, row in frame.iterrows()
    ]
    missing = wanted - set(frame["request"])
    if missing:
        raise ValueError(f"no proposal for {', '.join(sorted(missing))}")
    with engine_for(db) as engine:
        return write_awards(
            engine,
            lines,
            on=on,
            who=actor.username,
            why=why,
            run_id=result.run_id,
            proposed_on=result.import_id,
        )


def round_day(round_: Round) -> date:
    """The day the round is held: its policy's round date, else today."""
    return round_.effective_policy().round_date or date.today()
