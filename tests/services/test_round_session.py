"""The app's matching round: scope, solve with overrides, tables with reasons, award, audit."""

from pathlib import Path

import pytest

from matcher.data.db.audit import OverrideEntry
from matcher.data.db.awarding import AwardRefusedError
from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.domain import Round, Urgency
from matcher.services import history
from matcher.services.round_session import (
    award,
    log_overrides,
    open_requests,
    restrict,
    round_day,
    scopes,
    solve,
    solve_and_record,
)
from matcher.services.rounds import import_round, init_database
from tests.actors import ANNA, BOB, STEWARD
from tests.matching.builders import bid, capacity, make_round, provider, request
from tests.paths import TINY


def scarce() -> Round:
    """P1 (EUR 60) and P2 (EUR 70) each fit one of R1 and R2 (4 units, capacity 5). R1 is
    high: both are placed, the cheaper P1 goes to whichever is cheaper overall (a tie), so
    the optimum costs 4 x 60 + 4 x 70 = EUR 520 a week."""
    return make_round(
        [provider("P1"), provider("P2")],
        [request("R1", urgency=Urgency.HIGH), request("R2")],
        [bid("R1", "P1", "60"), bid("R1", "P2", "70"), bid("R2", "P1", "60"),
         bid("R2", "P2", "70")],
        [capacity("P1", "5"), capacity("P2", "5")],
    )  # fmt: skip


def test_scopes_offer_the_round_each_municipality_and_each_team() -> None:
    round_ = read_round(TINY).round
    choices = scopes(round_)
    assert choices["Municipality Haarlem"].teams == ("HLM-CENTRUM", "CJG-HLM")
    assert choices["Team CJG Zandvoort (CJG-ZVT)"].teams == ("CJG-ZVT",)
    only = restrict(round_, choices["Municipality Zandvoort"])
    assert [r.request_id for r in only.requests] == ["R005"]
    assert {b.request_id for b in only.bids} <= {"R005"}
    assert only.capacity == round_.capacity


def test_open_requests_leave_out_awarded_ones_and_client_details() -> None:
    round_ = read_round(TINY).round
    table = open_requests(round_)
    assert list(table["request"]) == ["R001", "R002", "R003", "R004", "R005"]
    assert "client_ref" not in table.columns
    assert "C-7F3A91" not in table.to_csv()


def test_solve_gives_proposals_with_next_best_and_the_optimum() -> None:
    result = solve(scarce())
    assert result.summary["status"] == "optimal"
    assert result.summary["total_cost"] == 520.0
    table = result.proposals.set_index("request")
    assert set(table["provider"]) == {"P1", "P2"}
    for rid in ("R1", "R2"):
        other = "P2" if table.loc[rid, "provider"] == "P1" else "P1"
        assert table.loc[rid, "next best"] == other
    assert result.unplaced.empty


def test_pins_and_forbids_change_the_proposal() -> None:
    result = solve(scarce(), pins=[("R2", "P1")])
    table = result.proposals.set_index("request")
    assert table.loc["R2", "provider"] == "P1"
    assert bool(table.loc["R2", "pinned"])
    assert "pinned by the regisseur" in str(table.loc["R2", "why"])
    forbidden = solve(scarce(), forbids=[("R1", "P1"), ("R1", "P2")])
    assert list(forbidden.proposals["request"]) == ["R2"]
    (row,) = forbidden.unplaced.itertuples()
    assert row.request == "R1"
    assert "forbidden" in str(row.reason)


def test_unplaced_requests_carry_their_reason_and_urgency_order() -> None:
    round_ = make_round(
        [provider("P1")],
        [request("R1"), request("R2", urgency=Urgency.CRISIS)],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "4")],
    )
    result = solve(round_)
    assert list(result.proposals["request"]) == ["R2"]
    row = result.unplaced.iloc[0]
    assert row["request"] == "R1"
    assert "capacity_full" in row["reason"]  # the code, for the downloads
    assert "the providers that could take it are full" in row["why not placed"]  # the words
    assert "_" not in row["why not placed"]
    assert row["change that would place it"]  # capacity at P1 would place it


def test_run_award_and_audit_end_to_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    init_database(url)
    round_ = scarce()
    write_round(round_, tmp_path / "round")
    import_round(tmp_path / "round", url, actor=STEWARD)
    scope = scopes(round_)["Whole round"]
    result = solve_and_record(url, round_, scope, actor=ANNA, pins=[("R2", "P1")])
    log_overrides(url, [OverrideEntry("R2", "P1", "pin", "client asked")], actor=ANNA,
                  run_id=result.run_id)  # fmt: skip
    day = round_day(round_)
    awarded = award(url, result, ["R1", "R2"], actor=ANNA, why="agreed", on=day)
    assert {a.request_id for a in awarded} == {"R1", "R2"}
    with pytest.raises(AwardRefusedError):
        award(url, result, ["R1"], actor=BOB, why="again", on=day)

    runs = history.runs(url, ANNA)
    assert list(runs["who"]) == ["anna"]
    assert runs.loc[0, "n_assigned"] == 2
    assert "R2>P1" in str(runs.loc[0, "parameters"])
    awards = history.awards(url, ANNA)
    assert set(awards["request_id"]) == {"R1", "R2"}
    assert set(awards["run_id"]) == {result.run_id}
    overrides = history.overrides(url, ANNA)
    assert list(overrides["why"]) == ["client asked"]
