"""One case and the round agree on room (issue 16, point 3)."""

from matcher.domain import Round, Urgency
from matcher.services.cases import rank_case
from matcher.services.round_session import solve
from tests.actors import ANNA
from tests.matching.builders import award, bid, capacity, make_round, provider, request


def full_after_the_round() -> Round:
    """P1 has room for 4 hours: the crisis R2 takes them, R1 (normal, 4 h) is left over."""
    return make_round(
        [provider("P1")],
        [request("R1", "4"), request("R2", "4", Urgency.CRISIS)],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "4")],
    )


def test_one_case_and_the_round_agree_on_room_for_an_unplaced_request() -> None:
    round_ = full_after_the_round()
    result = solve(round_)
    unplaced = result.unplaced.set_index("request")
    assert "capacity_full" in str(unplaced.loc["R1", "reason"])

    case = rank_case(round_, "R1", result.outcome, "run 7", actor=ANNA)
    row = case.table.set_index("provider").to_dict("index")["P1"]
    assert not row["fits"]
    assert row["room left (units a week)"] == 0.0
    assert "full" in row["reasons"]
    assert "room for" not in row["reasons"]
    assert "current proposals of run 7" in case.basis

    alone = rank_case(
        round_, "R1", actor=ANNA
    )  # no run: the basis says so, and the room is the awards'
    assert alone.table.set_index("provider").loc["P1", "fits"]
    assert "awards only" in alone.basis


def test_an_award_made_since_the_run_is_not_counted_twice() -> None:
    round_ = full_after_the_round()
    result = solve(round_)
    awarded = round_.model_copy(update={"awards": (award("R2", "P1", "4"),)})
    case = rank_case(awarded, "R1", result.outcome, actor=ANNA)
    row = case.table.set_index("provider").loc["P1"]
    assert row["room left (units a week)"] == 0.0  # 4 - 4 awarded, not 4 - 4 - 4


def test_the_case_pays_the_euro_difference_and_labels_the_terms() -> None:
    round_ = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "3", preferred_providers=("P2",))],
        [bid("R1", "P1", "60"), bid("R1", "P2", "80")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )
    table = rank_case(round_, "R1", actor=ANNA).table.set_index("provider").to_dict("index")
    assert table["P1"]["rank"] == 1
    assert table["P2"]["pays more a week than no. 1"] == 60.0  # 3 x 80 - 3 x 60
    assert table["P1"]["weighted terms (score, not paid)"] > 0  # not the client's 1st
    assert table["P2"]["weighted terms (score, not paid)"] == 0.0
