"""Who may do what, at the service layer: each rule of services/access.py refused where the
role does not allow it, with nothing written, whatever page or command calls it."""

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matcher.data.db.audit import OverrideEntry
from matcher.data.reader import read_round
from matcher.domain import Round
from matcher.scenarios.run import RunSettings
from matcher.scenarios.scenario import Scenario
from matcher.services import capacity_views as views
from matcher.services import history
from matcher.services.access import AccessDeniedError, Actor, Role, command_line, own_scopes
from matcher.services.award_undo import revocable_awards, revoke
from matcher.services.capacity import capacity_report
from matcher.services.cases import rank_case
from matcher.services.provider_view import provider_view
from matcher.services.round_session import (
    Scope,
    award,
    log_overrides,
    round_day,
    scopes,
    solve_and_record,
)
from matcher.services.rounds import export_round, import_round, init_database
from matcher.services.uploads import import_upload
from matcher.services.whatif_runs import run_and_record, side_by_side, signal_table
from tests.actors import ADMIN, CAPACITY, STEWARD, provider, regisseur
from tests.paths import TINY

# The tiny round's teams: R001/R002 are HLM-CENTRUM's, the others CJG-HLM's and CJG-ZVT's.
CENTRUM = regisseur("HLM-CENTRUM", name="centrum")
ZANDVOORT = regisseur("CJG-ZVT", name="zandvoort")


@pytest.fixture
def stored(tmp_path: Path) -> tuple[str, Round]:
    url = f"sqlite:///{tmp_path / 'access.sqlite'}"
    init_database(url)
    import_round(TINY, url, actor=STEWARD)
    return url, read_round(TINY).round


def team_scope(round_: Round, team: str) -> Scope:
    return next(s for s in scopes(round_).values() if s.teams == (team,))


def team_of(round_: Round, team: str) -> list[str]:
    return [r.request_id for r in round_.requests if r.team_id == team]


def test_a_regisseur_of_one_team_cannot_award_another_teams_request(
    stored: tuple[str, Round],
) -> None:
    url, round_ = stored
    centrum = team_scope(round_, "HLM-CENTRUM")
    result = solve_and_record(url, round_, centrum, actor=CENTRUM)
    proposed = list(result.proposals["request"])
    assert proposed
    assert set(proposed) <= set(team_of(round_, "HLM-CENTRUM"))
    with pytest.raises(AccessDeniedError, match="not a regisseur of team HLM-CENTRUM"):
        award(url, result, proposed, actor=ZANDVOORT, why="not mine", on=round_day(round_))
    assert history.awards(url, CENTRUM).empty  # nothing was written
    awarded = award(url, result, proposed[:1], actor=CENTRUM, why="ok", on=round_day(round_))
    assert [a.request_id for a in awarded] == proposed[:1]
    # and the award of it cannot be revoked, listed or overridden by the other team either
    with pytest.raises(AccessDeniedError):
        revoke(url, proposed[0], actor=ZANDVOORT, why="not mine")
    assert revocable_awards(url, ZANDVOORT).empty
    assert list(revocable_awards(url, CENTRUM)["request"]) == proposed[:1]
    with pytest.raises(AccessDeniedError):
        log_overrides(url, [OverrideEntry(proposed[0], "P001", "pin", "x")], actor=ZANDVOORT,
                      run_id=result.run_id)  # fmt: skip
    assert history.overrides(url, CENTRUM).empty


def test_a_regisseur_matches_only_scopes_within_its_teams(stored: tuple[str, Round]) -> None:
    url, round_ = stored
    allowed = own_scopes(CENTRUM, round_, scopes(round_))
    assert [s.teams for s in allowed.values()] == [("HLM-CENTRUM",)]
    for scope in (scopes(round_)["Whole round"], team_scope(round_, "CJG-ZVT")):
        with pytest.raises(AccessDeniedError):
            solve_and_record(url, round_, scope, actor=CENTRUM)
    assert history.runs(url, CENTRUM).empty
    every = regisseur("CJG-HLM", "CJG-ZVT", "HLM-CENTRUM")
    assert "Whole round" in own_scopes(every, round_, scopes(round_))


def test_one_case_is_only_for_a_regisseur_of_the_requests_team(
    stored: tuple[str, Round],
) -> None:
    _, round_ = stored
    (mine, *_) = team_of(round_, "HLM-CENTRUM")
    assert not rank_case(round_, mine, actor=CENTRUM).table.empty
    for actor in (ZANDVOORT, CAPACITY, ADMIN, provider("P001")):
        with pytest.raises(AccessDeniedError):
            rank_case(round_, mine, actor=actor)


def every_text(frames: list[pd.DataFrame], texts: list[str]) -> str:
    return "\n".join([f.to_csv() for f in frames] + texts)


def test_a_capacity_manager_never_sees_a_client_ref(stored: tuple[str, Round]) -> None:
    url, round_ = stored
    report = capacity_report(round_, actor=CAPACITY)
    interventions = [i.intervention_id for i in round_.interventions]
    frames = [
        views.utilisation(report),
        views.signals(report, round_),
        views.summary(report, round_),
        views.concentration(report, round_),
        views.expiring_certificates(round_, report),
        *[views.forecast(report, i) for i in interventions],
        *[views.waits(report, round_, i) for i in interventions],
    ]
    texts = [views.queue_caption(report, round_, i) for i in interventions]

    whatif = run_and_record(url, round_, Scenario(name="same"), RunSettings(outlook=False),
                            actor=CAPACITY)  # fmt: skip
    frames += [side_by_side(whatif.comparison), signal_table(whatif.comparison)]
    shown = every_text(frames, texts)
    assert all("client_ref" not in f.columns for f in frames)
    for request in round_.requests:
        assert request.client_ref not in shown
    # and every client-level use-case refuses the capacity manager
    (first, *_) = round_.requests
    refused: list[Callable[[], object]] = [
        lambda: rank_case(round_, first.request_id, actor=CAPACITY),
        lambda: solve_and_record(url, round_, scopes(round_)["Whole round"], actor=CAPACITY),
        lambda: provider_view(round_, "P001", actor=CAPACITY),
        lambda: revocable_awards(url, CAPACITY),
        lambda: history.awards(url, CAPACITY),
        lambda: export_round(Path(url.removeprefix("sqlite:///")).with_suffix(".xlsx"), url,
                             actor=CAPACITY),
    ]  # fmt: skip
    for call in refused:
        with pytest.raises(AccessDeniedError):
            call()


def test_only_a_capacity_manager_analyses_capacity(stored: tuple[str, Round]) -> None:
    _, round_ = stored
    for actor in (CENTRUM, STEWARD, ADMIN, provider("P001")):
        with pytest.raises(AccessDeniedError, match="may not see capacity"):
            capacity_report(round_, actor=actor)


def test_only_a_data_steward_imports_and_exports(stored: tuple[str, Round], tmp_path: Path) -> None:
    url, _ = stored
    for actor in (CENTRUM, CAPACITY, ADMIN, provider("P001")):
        with pytest.raises(AccessDeniedError, match="may not import or export"):
            import_round(TINY, url, actor=actor, replace=True)
        with pytest.raises(AccessDeniedError):
            import_upload("round.zip", b"", url, actor=actor)
        with pytest.raises(AccessDeniedError):
            export_round(tmp_path / "out.xlsx", url, actor=actor)
    assert not (tmp_path / "out.xlsx").exists()
    export_round(tmp_path / "out.xlsx", url, actor=STEWARD)
    assert (tmp_path / "out.xlsx").exists()


def test_the_audit_is_read_by_regisseurs_and_data_stewards_only(
    stored: tuple[str, Round],
) -> None:
    url, _ = stored
    assert history.runs(url, STEWARD).empty
    for actor in (CAPACITY, ADMIN, provider("P001")):
        for read in (history.runs, history.awards, history.overrides, history.batch_runs):
            with pytest.raises(AccessDeniedError, match="may not read the history"):
                read(url, actor)


def test_the_command_line_acts_for_the_operating_system_user() -> None:
    actor = command_line(Role.DATA_STEWARD)
    assert actor.username.startswith("cli:")
    assert actor == Actor(actor.username, Role.DATA_STEWARD)
