"""Explanations on small hand-built rounds: one test per reason code, then the placed side.

Each round is built so that the right explanation, and its figures, follow by hand.
"""

from datetime import date

from matcher.domain import Funding, Round, Urgency
from matcher.matching.engine import match_round
from matcher.matching.explain import REASON_CODES, Explanation, Reason, explain_outcome
from matcher.matching.overrides import Overrides
from tests.matching.builders import (
    award,
    bid,
    budget,
    capacity,
    cert,
    intervention,
    make_round,
    provider,
    request,
)


def explain(
    round_: Round, overrides: Overrides | None = None, changes: bool = False
) -> Explanation:
    return explain_outcome(round_, match_round(round_, overrides=overrides), find_changes=changes)


def reasons(round_: Round, rid: str, overrides: Overrides | None = None) -> tuple[Reason, ...]:
    return explain(round_, overrides).unplaced[rid].reasons


def codes(found: tuple[Reason, ...]) -> list[str]:
    return [r.code for r in found]


def test_every_reason_code_is_known() -> None:
    for code in ("capacity_full", "outranked", "task_funded", "pin_conflict", "no_capacity"):
        assert code in REASON_CODES


# --- one test per reason code -------------------------------------------------------------


def test_no_admissible_bid() -> None:
    r = make_round([provider("P1")], [request("R1")], [], [capacity("P1", "10")])
    (reason,) = reasons(r, "R1")
    assert reason.code == "no_admissible_bid"
    assert "H1" in reason.detail


def test_not_certified() -> None:
    r = make_round(
        [provider("P1")], [request("R1")], [bid("R1", "P1", "60")], [capacity("P1", "10")], certs=[]
    )
    (reason,) = reasons(r, "R1")
    assert reason.code == "not_certified"
    assert reason.detail == "P1 is not certified for H1"


def test_certification_expired() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1")],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10")],
        certs=[cert("P1", valid_from=date(2024, 1, 1), valid_to=date(2025, 2, 1))],
    )
    (reason,) = reasons(r, "R1")
    assert reason.code == "certification_expired"
    assert "2025-02-01" in reason.detail
    assert "2025-03-01" in reason.detail


def test_tariff_out_of_band() -> None:
    r = make_round(
        [provider("P1")], [request("R1")], [bid("R1", "P1", "120")], [capacity("P1", "10")]
    )
    (reason,) = reasons(r, "R1")
    assert reason.code == "tariff_out_of_band"
    assert "EUR 120" in reason.detail
    assert "50-100" in reason.detail


def test_excluded_by_client() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", excluded_providers=("P1",))],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10")],
    )
    (reason,) = reasons(r, "R1")
    assert reason.code == "excluded_by_client"
    assert "P1" in reason.detail


def test_missing_specialism() -> None:
    r = make_round(
        [provider("P1", specialisms=("dementia",))],
        [request("R1", required_specialisms=("autism",))],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10")],
    )
    (reason,) = reasons(r, "R1")
    assert reason.code == "missing_specialism"
    assert "autism" in reason.detail


def test_beyond_distance() -> None:
    # 0.2 degrees of latitude is 22.2 km.
    r = make_round(
        [provider("P1", lat=52.2, lon=4.6)],
        [request("R1", lat=52.0, lon=4.6)],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10")],
        max_distance_km=10,
    )
    (reason,) = reasons(r, "R1")
    assert reason.code == "beyond_distance"
    assert "22.2 km" in reason.detail
    assert "10 km" in reason.detail


def test_no_capacity() -> None:
    r = make_round([provider("P1")], [request("R1")], [bid("R1", "P1", "60")], [])
    (reason,) = reasons(r, "R1")
    assert reason.code == "no_capacity"
    assert "certified for H1" in reason.detail
    assert "no capacity" in reason.detail


def test_forbidden() -> None:
    r = make_round(
        [provider("P1")], [request("R1")], [bid("R1", "P1", "60")], [capacity("P1", "10")]
    )
    (reason,) = reasons(r, "R1", Overrides(forbids=frozenset({("R1", "P1")})))
    assert reason.code == "forbidden"
    assert "P1" in reason.detail


def test_capacity_full_names_every_provider_load() -> None:
    r = make_round(
        [provider("P1"), provider("P2"), provider("P3")],
        [request("R1", "4")],
        [bid("R1", p, "60") for p in ("P1", "P2", "P3")],
        [capacity("P1", "40"), capacity("P2", "10"), capacity("P3", "5")],
        awards=[award("A1", "P1", "38"), award("A2", "P2", "8"), award("A3", "P3", "5")],
    )
    first = reasons(r, "R1")[0]
    assert first.code == "capacity_full"
    assert first.detail.startswith("all 3 admissible providers are full")
    assert "P1 uses 38.0 of 40.0 hours a week" in first.detail
    assert "P2 uses 8.0 of 10.0 hours a week" in first.detail
    assert "P3 uses 5.0 of 5.0 hours a week" in first.detail


def test_capacity_full_counts_this_rounds_matches_and_the_total_row() -> None:
    # P1 has room for H1 (10) but its * total of 6 is taken: 2 awarded + 4 placed now.
    r = make_round(
        [provider("P1")],
        [request("R1", "4", Urgency.HIGH), request("R2", "3")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "10"), capacity("P1", "6", iid="*")],
        awards=[award("A1", "P1", "2")],
    )
    first = reasons(r, "R2")[0]
    assert first.code == "capacity_full"
    assert "P1 uses 6.0 of 6.0 units a week in total (it needs 3.0)" in first.detail


def test_budget_exhausted() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4", Urgency.CRISIS), request("R2", "4")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "40")],
        budgets=[budget("300")],
    )
    first = reasons(r, "R2")[0]
    assert first.code == "budget_exhausted"
    assert "team T1 segment B: EUR 240.00 of EUR 300.00 used" in first.detail
    assert "needs EUR 240.00" in first.detail


def test_market_share_cap() -> None:
    # Cap 30%, one unit each: P1 may hold o units of t placed while 1000 o - 300 t <= 1000,
    # so two of the four requests that only P1 serves fit next to one at P2 and one at P3.
    r = make_round(
        [provider("P1"), provider("P2"), provider("P3")],
        [
            request("R1", "1", Urgency.HIGH),
            request("R2", "1", Urgency.HIGH),
            request("R3", "1"),
            request("R4", "1"),
            request("R5", "1"),
            request("R6", "1"),
        ],
        [bid(rid, "P1", "60") for rid in ("R1", "R2", "R3", "R4")]
        + [bid("R5", "P2", "60"), bid("R6", "P3", "60")],
        [capacity(p, "40") for p in ("P1", "P2", "P3")],
        market_share_cap=0.3,
    )
    e = explain(r)
    assert set(e.unplaced) == {"R3", "R4"}
    first = e.unplaced["R3"].reasons[0]
    assert first.code == "market_share_cap"
    assert "P1 already has 2.0 of the 4.0 placed units of H1" in first.detail
    assert "30%" in first.detail


def test_outranked_by_a_higher_class() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4", Urgency.CRISIS), request("R2", "4", Urgency.HIGH)],
        [bid("R1", "P1", "60"), bid("R2", "P1", "50")],
        [capacity("P1", "4")],
    )
    found = reasons(r, "R2")
    assert codes(found) == ["capacity_full", "outranked"]
    assert found[1].detail.endswith("went to 1 request that comes first: 1 crisis")


def test_outranked_by_longer_waiting_in_the_same_class() -> None:
    # Ten weeks of waiting at 0.02 a week adds two points to the base weight of ten.
    r = make_round(
        [provider("P1")],
        [request("R1", "4", waiting_since=date(2024, 12, 21)), request("R2", "4")],
        [bid("R1", "P1", "90"), bid("R2", "P1", "50")],
        [capacity("P1", "4")],
    )
    found = reasons(r, "R2")
    assert codes(found) == ["capacity_full", "outranked"]
    assert "1 normal waiting longer" in found[1].detail


def test_no_outranked_when_an_equal_request_took_the_room() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4"), request("R2", "4")],
        [bid("R1", "P1", "50"), bid("R2", "P1", "90")],
        [capacity("P1", "4")],
    )
    assert codes(reasons(r, "R2")) == ["capacity_full"]


def test_task_funded() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", iid="T9")],
        [],
        [capacity("P1", "10")],
        interventions=[intervention(), intervention("T9", Funding.TASK)],
    )
    e = explain(r)
    (reason,) = e.unplaced["R1"].reasons
    assert reason.code == "task_funded"
    assert "T9" in reason.detail


def test_awarded_requests_are_not_explained() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1")],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10")],
        awards=[award("R1", "P1", "4")],
    )
    e = explain(r)
    assert e.placed == {}
    assert e.unplaced == {}


def test_pin_conflict() -> None:
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1"), request("R2")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "10")],
    )
    e = explain(r, Overrides(pins=frozenset({("R1", "P2")})))
    (reason,) = e.unplaced["R1"].reasons
    assert reason.code == "pin_conflict"
    assert "pin R1 to P2" in reason.detail
    assert "not an admissible provider" in reason.detail
    assert e.unplaced["R2"].reasons[0].code == "pin_conflict"


def test_rejections_follow_the_limit_reasons() -> None:
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "4", Urgency.CRISIS), request("R2", "4")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60"), bid("R2", "P2", "150")],
        [capacity("P1", "4"), capacity("P2", "10")],
    )
    assert codes(reasons(r, "R2")) == ["capacity_full", "outranked", "tariff_out_of_band"]


# --- placed requests ----------------------------------------------------------------------


def test_placed_terms_and_next_best_delta() -> None:
    r = make_round(
        [provider("P1"), provider("P2"), provider("P3")],
        [request("R1", "4", current_provider="P3")],
        [bid("R1", "P1", "60"), bid("R1", "P2", "70"), bid("R1", "P3", "90")],
        [capacity(p, "10") for p in ("P1", "P2", "P3")],
    )
    placed = explain(r).placed["R1"]
    assert placed.provider_id == "P1"
    # 4 h x EUR 60, plus EUR 50 for leaving the current provider.
    assert placed.terms == {"cost": 24000, "distance": 0, "preference": 0, "continuity": 5000}
    assert placed.next_best is not None
    # P2: 28000 + 5000; P3: 36000 + 0. P2 is next at 33000 - 29000.
    assert placed.next_best.provider_id == "P2"
    assert placed.next_best.cost_cents == 28000
    assert placed.next_best.objective_cents == 33000
    assert placed.next_best.delta_cents == 4000


def test_no_next_best_for_a_single_provider() -> None:
    r = make_round(
        [provider("P1")], [request("R1")], [bid("R1", "P1", "60")], [capacity("P1", "10")]
    )
    assert explain(r).placed["R1"].next_best is None


def test_preference_note_when_the_first_choice_costs_more() -> None:
    # P2 costs 3 h x EUR 20 = EUR 60 more; the preference weighs EUR 25: EUR 35 dearer.
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "3", preferred_providers=("P2",))],
        [bid("R1", "P1", "60"), bid("R1", "P2", "80")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )
    note = explain(r).placed["R1"].preference_note
    assert note is not None
    assert "P2, the client's 1st choice, had room" in note
    assert "EUR 35.00 a week dearer than P1" in note
    assert "cost +EUR 60.00" in note
    assert "preference -EUR 25.00" in note


def test_no_preference_note_when_the_first_choice_is_chosen() -> None:
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "3", preferred_providers=("P2",))],
        [bid("R1", "P1", "60"), bid("R1", "P2", "65")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )
    placed = explain(r).placed["R1"]
    assert placed.provider_id == "P2"
    assert placed.preference_note is None


def test_preference_note_when_the_first_choice_is_not_admissible() -> None:
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "3", preferred_providers=("P2",))],
        [bid("R1", "P1", "60"), bid("R1", "P2", "110")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )
    note = explain(r).placed["R1"].preference_note
    assert note is not None
    assert "not admissible (tariff_out_of_band)" in note
    assert "EUR 110" in note


def test_preference_note_when_the_first_choice_went_to_a_higher_class() -> None:
    r = make_round(
        [provider("P1"), provider("P2")],
        [
            request("R1", "4", Urgency.CRISIS),
            request("R2", "4", preferred_providers=("P2",)),
        ],
        [bid("R1", "P2", "60"), bid("R2", "P1", "60"), bid("R2", "P2", "60")],
        [capacity("P1", "10"), capacity("P2", "4")],
    )
    placed = explain(r).placed["R2"]
    assert placed.provider_id == "P1"
    assert placed.preference_note is not None
    assert "displaced a higher-priority placement" in placed.preference_note
    assert "P2 uses 4.0 of 4.0 hours a week" in placed.preference_note


# --- cheapest change ----------------------------------------------------------------------


def test_cheapest_change_is_extra_capacity() -> None:
    # P1 has 2 h free and asks EUR 80: 2.5 h more costs EUR 200; P2 would need 4.5 h x EUR 60.
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "4.5")],
        [bid("R1", "P1", "80"), bid("R1", "P2", "60")],
        [capacity("P1", "6"), capacity("P2", "4")],
        awards=[award("A1", "P1", "4"), award("A2", "P2", "4")],
    )
    change = explain(r, changes=True).unplaced["R1"].cheapest_change
    assert change == "2.5 more hours a week at P1 would place it (cost EUR 200.00 a week)"


def test_cheapest_change_skips_a_change_the_re_solve_gives_to_another_request() -> None:
    # Room added at P1 would go to the high request R1 first, so R2 needs room at P2.
    r = make_round(
        [provider("P1"), provider("P2")],
        [request("R1", "4", Urgency.HIGH), request("R2", "4")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60"), bid("R2", "P2", "70")],
        [capacity("P1", "4"), capacity("P2", "4")],
        awards=[award("A1", "P1", "4"), award("A2", "P2", "4")],
    )
    e = explain(r, changes=True)
    assert e.unplaced["R1"].cheapest_change == (
        "4.0 more hours a week at P1 would place it (cost EUR 240.00 a week)"
    )
    assert e.unplaced["R2"].cheapest_change == (
        "4.0 more hours a week at P2 would place it (cost EUR 280.00 a week)"
    )


def test_cheapest_change_is_extra_budget() -> None:
    # EUR 300 budget, EUR 240 spent on the crisis request: R2 needs EUR 180 more.
    r = make_round(
        [provider("P1")],
        [request("R1", "4", Urgency.CRISIS), request("R2", "4")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "40")],
        budgets=[budget("300")],
    )
    change = explain(r, changes=True).unplaced["R2"].cheapest_change
    assert change == "EUR 180.00 more budget for team T1 segment B would place it"


def test_cheapest_change_is_a_wider_distance_limit() -> None:
    # P1 is near but full (4 h at EUR 100 more would do); P2 is 12.2 km away, 2.2 km past
    # the limit, worth 2.2 x EUR 2 = EUR 4.40 a week by the policy's own distance weight.
    r = make_round(
        [provider("P1", lat=52.0, lon=4.6), provider("P2", lat=52.11, lon=4.6)],
        [request("R1", "4", lat=52.0, lon=4.6)],
        [bid("R1", "P1", "100"), bid("R1", "P2", "60")],
        [capacity("P1", "4"), capacity("P2", "10")],
        awards=[award("A1", "P1", "4")],
        max_distance_km=10,
    )
    found = explain(r, changes=True).unplaced["R1"]
    assert codes(found.reasons) == ["capacity_full", "beyond_distance"]
    assert found.cheapest_change == (
        "a distance limit of 12.2 km instead of 10 km would place it (with P2, 12.2 km away)"
    )


def test_no_change_searched_when_asked_not_to() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4")],
        [bid("R1", "P1", "60")],
        [capacity("P1", "4")],
        awards=[award("A1", "P1", "4")],
    )
    assert explain(r).unplaced["R1"].cheapest_change is None
    assert explain(r, changes=True).unplaced["R1"].cheapest_change is not None


def test_change_search_stops_at_its_time_budget() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4")],
        [bid("R1", "P1", "60")],
        [capacity("P1", "4")],
        awards=[award("A1", "P1", "4")],
    )
    outcome = match_round(r)
    assert explain_outcome(r, outcome, change_seconds=0).unplaced["R1"].cheapest_change is None
    assert explain_outcome(r, outcome).unplaced["R1"].cheapest_change is not None
