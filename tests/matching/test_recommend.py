"""Recommendations for one request on small hand-built rounds: ranking, room and reasons."""

from decimal import Decimal

import pytest

from matcher.domain import Urgency
from matcher.matching.engine import match_round
from matcher.matching.recommend import recommend
from tests.matching.builders import award, bid, budget, capacity, make_round, provider, request


def test_ranked_by_objective_with_reasons_and_inadmissible_after() -> None:
    # P1: 3 h x 60 = 180 + 25 (not preferred) = 205; P2: 240, the client's 1st choice;
    # P3 asks above the band.
    r = make_round(
        [provider("P1", lat=52.0, lon=4.6), provider("P2"), provider("P3")],
        [request("R1", "3", lat=52.0, lon=4.7, preferred_providers=("P2",))],
        [bid("R1", "P1", "60"), bid("R1", "P2", "80"), bid("R1", "P3", "120")],
        [capacity(p, "10") for p in ("P1", "P2", "P3")],
        weights={"distance_per_km": 0},
    )
    found = recommend(r, "R1")
    assert [(x.provider_id, x.rank) for x in found] == [("P1", 1), ("P2", 2), ("P3", None)]
    first, second, third = found
    assert first.cost_cents == 18000
    assert first.objective_cents == 20500
    assert first.tariff_cents == 6000
    assert first.units == Decimal(3)
    assert first.terms["preference"] == 2500
    assert "cheapest" in first.reasons
    assert "6.8 km" in first.reasons
    assert second.delta_cents == 3500  # the ranking score: cost plus weighted terms
    assert second.cost_delta_cents == 6000  # what the team pays more: 240 - 180
    assert "client's 1st choice" in second.reasons
    assert "EUR 60.00 a week more than no. 1" in second.reasons
    assert third.rejection_code == "tariff_out_of_band"
    assert not third.fits


def test_remaining_room_counts_awards_and_the_other_chosen_matches() -> None:
    # P1: 10 h, 2 awarded, R1 (crisis) placed there with 4 in the outcome: 4 left for R2.
    r = make_round(
        [provider("P1")],
        [request("R1", "4", Urgency.CRISIS), request("R2", "6")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "10")],
        awards=[award("A1", "P1", "2")],
    )
    before = recommend(r, "R2")[0]
    assert before.remaining_units == Decimal(8)
    assert before.fits
    after = recommend(r, "R2", match_round(r))[0]
    assert after.remaining_units == Decimal(4)
    assert not after.fits
    assert "full: would need 2.0 more hours a week" in after.reasons


def test_remaining_room_is_the_tightest_of_the_intervention_and_total_rows() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4")],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10"), capacity("P1", "5", iid="*")],
        awards=[award("A1", "P1", "2")],
    )
    (found,) = recommend(r, "R1")
    assert found.remaining_units == Decimal(3)
    assert "full: would need 1.0 more hours a week" in found.reasons


def test_own_chosen_match_does_not_count_against_its_room() -> None:
    r = make_round(
        [provider("P1")], [request("R1", "4")], [bid("R1", "P1", "60")], [capacity("P1", "4")]
    )
    (found,) = recommend(r, "R1", match_round(r))
    assert found.remaining_units == Decimal(4)
    assert found.fits


def test_budget_left_after_the_other_matches() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1", "4", Urgency.CRISIS), request("R2", "4")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60")],
        [capacity("P1", "40")],
        budgets=[budget("300")],
    )
    (found,) = recommend(r, "R2", match_round(r))
    assert not found.fits
    assert "over budget: the team has EUR 60.00 a week left" in found.reasons


def test_unknown_or_awarded_request_is_refused() -> None:
    r = make_round(
        [provider("P1")],
        [request("R1")],
        [bid("R1", "P1", "60")],
        [capacity("P1", "10")],
        awards=[award("R1", "P1", "4")],
    )
    with pytest.raises(ValueError, match="not in the round"):
        recommend(r, "R9")
    with pytest.raises(ValueError, match="awarded already"):
        recommend(r, "R1")
