"""Pins and forbids that outlive their proposal, and awards undone: the regisseur's round
never reaches a dead end (issue 16, point 1)."""

from pathlib import Path

import pytest

from matcher.data.db.awarding import AwardRefusedError
from matcher.data.writer import write_round
from matcher.domain import Round, Urgency
from matcher.services import history
from matcher.services.award_undo import revocable_awards, revoke
from matcher.services.round_session import award, round_day, scopes, solve, solve_and_record
from matcher.services.rounds import import_round, init_database, stored_round
from matcher.services.session_overrides import applicable, without_requests
from tests.actors import ANNA, BOB, STEWARD
from tests.matching.builders import (
    award as an_award,
)
from tests.matching.builders import (
    bid,
    budget,
    capacity,
    make_round,
    provider,
    request,
)


def two_requests(**extra: object) -> Round:
    """R1 (high) and R2, each with bids from P1 (EUR 60) and P2 (EUR 70), room for both."""
    return make_round(
        [provider("P1"), provider("P2")],
        [request("R1", urgency=Urgency.HIGH), request("R2")],
        [bid("R1", "P1", "60"), bid("R1", "P2", "70"), bid("R2", "P1", "60"),
         bid("R2", "P2", "70")],
        [capacity("P1", "10"), capacity("P2", "10")],
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def stored(tmp_path: Path, round_: Round) -> str:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    init_database(url)
    write_round(round_, tmp_path / "round")
    import_round(tmp_path / "round", url, actor=STEWARD)
    return url


def test_a_pin_on_an_awarded_request_is_dropped_with_a_notice_not_made_infeasible() -> None:
    round_ = two_requests(awards=[an_award("R1", "P2", "4", "70")])
    result = solve(round_, pins=[("R1", "P1"), ("R2", "P2")], forbids=[("R1", "P2")])
    assert result.summary["status"] == "optimal"
    assert result.pins == {("R2", "P2")}
    assert result.forbids == frozenset()
    assert result.dropped == {("R1", "P1"), ("R1", "P2")}
    assert any("R1 is awarded to P2" in n and "pin" in n for n in result.notices)
    assert any("forbid of R1 on P2" in n for n in result.notices)
    assert list(result.proposals["request"]) == ["R2"]
    assert result.proposals.loc[0, "provider"] == "P2"  # the live pin still holds


def test_a_pin_whose_provider_is_no_longer_admissible_is_dropped() -> None:
    round_ = two_requests()
    no_p1_bid_on_r2 = round_.model_copy(
        update={"bids": tuple(b for b in round_.bids if (b.request_id, b.provider_id)
                              != ("R2", "P1"))}
    )  # fmt: skip
    result = solve(no_p1_bid_on_r2, pins=[("R2", "P1")])
    assert result.summary["status"] == "optimal"
    assert result.dropped == {("R2", "P1")}
    assert "P1 is not an admissible provider for R2" in result.notices[0]
    assert result.summary["n_assigned"] == 2


def test_overrides_outside_the_scope_are_kept_for_their_scope_not_used() -> None:
    round_ = two_requests()
    only_r2 = round_.model_copy(update={"requests": round_.requests[1:]})
    split = applicable(only_r2, [("R1", "P1"), ("R2", "P2")], [])
    assert split.pins == {("R2", "P2")}
    assert split.dropped == frozenset()
    assert split.notices == ()


def test_an_award_clears_its_requests_overrides() -> None:
    pins = {("R1", "P1"), ("R2", "P2")}
    assert without_requests(pins, ["R1"]) == {("R2", "P2")}


def test_pin_award_and_run_again_is_not_infeasible(tmp_path: Path) -> None:
    url = stored(tmp_path, two_requests())
    round_ = stored_round(url)
    assert round_ is not None
    scope = scopes(round_)["Whole round"]
    first = solve_and_record(url, round_, scope, actor=ANNA, pins=[("R2", "P2")])
    award(url, first, ["R2"], actor=ANNA, why="agreed", on=round_day(round_))
    again_round = stored_round(url)
    assert again_round is not None
    # the session still holds the pin: the run drops it and solves the rest
    again = solve_and_record(url, again_round, scope, actor=ANNA, pins=[("R2", "P2")])
    assert again.summary["status"] == "optimal"
    assert again.summary["n_requests"] == 1
    assert list(again.proposals["request"]) == ["R1"]
    assert again.dropped == {("R2", "P2")}
    assert "R2>P2" not in str(history.runs(url, ANNA).loc[0, "parameters"])  # newest run first


def test_revoke_reopens_the_request_refunds_the_budget_and_is_audited(tmp_path: Path) -> None:
    url = stored(tmp_path, two_requests(budgets=[budget("1000")]))
    round_ = stored_round(url)
    assert round_ is not None
    result = solve(round_)
    by_request = result.proposals.set_index("request")
    cost = float(str(by_request.loc["R1", "cost a week"]))
    award(url, result, ["R1"], actor=ANNA, why="agreed", on=round_day(round_))
    after_award = stored_round(url)
    assert after_award is not None
    assert after_award.budgets is not None
    assert float(after_award.budgets[0].amount) == pytest.approx(1000 - cost)
    assert list(revocable_awards(url, ANNA)["request"]) == ["R1"]

    with pytest.raises(AwardRefusedError, match="say why"):
        revoke(url, "R1", actor=BOB, why=" ")
    line = revoke(url, "R1", actor=BOB, why="client moved away")
    assert line.request_id == "R1"
    reopened = stored_round(url)
    assert reopened is not None
    assert reopened.budgets is not None
    assert {a.request_id for a in reopened.awards or ()} == set()
    assert float(reopened.budgets[0].amount) == pytest.approx(1000)
    assert revocable_awards(url, ANNA).empty
    log = history.awards(url, ANNA)
    assert list(log["action"]) == ["revoke", "award"]
    assert list(log["who"]) == ["bob", "anna"]
    assert log.loc[0, "why"] == "client moved away"
    with pytest.raises(AwardRefusedError, match="no award made from the app"):
        revoke(url, "R1", actor=BOB, why="again")
    # open again: it can be matched and awarded anew
    award(url, solve(reopened), ["R1"], actor=ANNA, why="new start", on=round_day(reopened))


def test_an_imported_award_cannot_be_revoked_from_the_app(tmp_path: Path) -> None:
    url = stored(tmp_path, two_requests(awards=[an_award("R1", "P2", "4", "70")]))
    assert revocable_awards(url, ANNA).empty
    with pytest.raises(AwardRefusedError, match="no award made from the app"):
        revoke(url, "R1", actor=BOB, why="try")
