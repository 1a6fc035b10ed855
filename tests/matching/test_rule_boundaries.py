"""Each admissibility rule and limit of models/matching.md at its boundary: one side passes,
the other does not (the penalised / not-penalised pair of every constraint).

The round is one request R1 (4 hours a week of H1, band EUR 50-100, starting ten days after
the round date) and a provider P1 that bids EUR 60 with room for 10 hours; each test moves
one thing across one edge.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from matcher.domain import Funding, Policy, Round, Segment, Urgency
from matcher.matching.build import aging_weight
from matcher.matching.geo import haversine_km
from tests.matching.builders import (
    DAY,
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
from tests.matching.engine_answer import engine_answer

START = DAY + timedelta(days=10)
ONE = timedelta(days=1)


def one_request(**change: object) -> Round:
    """R1 and P1 as above; ``change`` replaces one argument of make_round or of R1."""
    r1 = {k[3:]: v for k, v in change.items() if k.startswith("r1_")}
    parts: dict[str, object] = {
        "providers": [provider("P1")],
        "requests": [request("R1", "4", start_date=START, **r1)],  # type: ignore[arg-type]
        "bids": [bid("R1", "P1", "60")],
        "capacity_rows": [capacity("P1", "10")],
    }
    parts.update({k: v for k, v in change.items() if not k.startswith("r1_")})
    return make_round(**parts)  # type: ignore[arg-type]


def placed(round_: Round, **overrides: object) -> set[tuple[str, str]]:
    answer = engine_answer(round_, **overrides)  # type: ignore[arg-type]
    assert answer.status == "optimal", answer.message
    return set(answer.matches)


def test_the_base_round_places_r1() -> None:
    assert placed(one_request()) == {("R1", "P1")}


def test_a_forbidden_pair_is_never_used_and_another_pair_stays() -> None:
    assert placed(one_request(), forbids=[("R1", "P1")]) == set()
    assert placed(one_request(), forbids=[("R1", "P2")]) == {("R1", "P1")}


@pytest.mark.parametrize(("excluded", "expected"), [(("P1",), set()), (("P2",), {("R1", "P1")})])
def test_the_client_excludes_only_the_provider_named(
    excluded: tuple[str, ...], expected: set[tuple[str, str]]
) -> None:
    assert placed(one_request(r1_excluded_providers=excluded)) == expected


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "admissible"),
    [
        (START, START + 400 * ONE, True),  # begins on the start date, after the round date
        (START + ONE, START + 400 * ONE, False),  # begins the day after the start date
        (DAY - 400 * ONE, START, True),  # ends on the start date
        (DAY - 400 * ONE, START - ONE, False),  # ends before the start, after the round date
    ],
    ids=["begins-on-start", "begins-day-after-start", "ends-on-start", "ends-day-before-start"],
)
def test_the_certificate_must_cover_the_start_date_not_the_round_date(
    valid_from: object, valid_to: object, admissible: bool
) -> None:
    certs = [cert("P1", valid_from=valid_from, valid_to=valid_to)]  # type: ignore[arg-type]
    assert placed(one_request(certs=certs)) == ({("R1", "P1")} if admissible else set())


@pytest.mark.parametrize(
    ("tariff", "admissible"),
    [("50", True), ("49.99", False), ("100", True), ("100.01", False)],
)
def test_the_tariff_band_includes_both_ends_and_nothing_beyond(
    tariff: str, admissible: bool
) -> None:
    round_ = one_request(bids=[bid("R1", "P1", tariff)])
    assert placed(round_) == ({("R1", "P1")} if admissible else set())


@pytest.mark.parametrize(("offered", "admissible"), [(("autism",), True), (("trauma",), False)])
def test_a_required_specialism_must_be_offered(offered: tuple[str, ...], admissible: bool) -> None:
    round_ = one_request(
        providers=[provider("P1", specialisms=offered)], r1_required_specialisms=("autism",)
    )
    assert placed(round_) == ({("R1", "P1")} if admissible else set())


@pytest.mark.parametrize(("slack", "admissible"), [(0.0, True), (-0.1, False)])
def test_the_distance_limit_admits_a_provider_exactly_at_it(slack: float, admissible: bool) -> None:
    km = round(haversine_km(52.37, 4.89, 52.09, 5.12), 1)
    round_ = one_request(
        providers=[provider("P1", lat=52.09, lon=5.12)],
        r1_lat=52.37,
        r1_lon=4.89,
        max_distance_km=round(km + slack, 1),
    )
    assert placed(round_) == ({("R1", "P1")} if admissible else set())


@pytest.mark.parametrize(
    ("rows", "admissible"),
    [([capacity("P1", "10", iid="*")], True), ([capacity("P1", "10", iid="H2")], False)],
    ids=["star-row", "row-of-another-intervention"],
)
def test_a_provider_needs_a_capacity_row_for_the_intervention_or_star(
    rows: list[object], admissible: bool
) -> None:
    interventions = [intervention(), intervention("H2")]
    round_ = one_request(capacity_rows=rows, interventions=interventions)
    assert placed(round_) == ({("R1", "P1")} if admissible else set())


@pytest.mark.parametrize(("room", "fits"), [("4", True), ("3.99", False)])
def test_capacity_holds_a_request_that_fills_it_exactly(room: str, fits: bool) -> None:
    assert placed(one_request(capacity_rows=[capacity("P1", room)])) == (
        {("R1", "P1")} if fits else set()
    )


@pytest.mark.parametrize(("star", "fits"), [("4", True), ("3.5", False)])
def test_the_star_row_binds_alongside_the_intervention_row(star: str, fits: bool) -> None:
    rows = [capacity("P1", "10"), capacity("P1", star, iid="*")]
    assert placed(one_request(capacity_rows=rows)) == ({("R1", "P1")} if fits else set())


@pytest.mark.parametrize(
    ("ends", "fits"),
    [(DAY + ONE, False), (DAY, False), (DAY - ONE, True), (None, False)],
    ids=["ends-after-round-date", "ends-on-round-date", "ended-day-before", "never-ends"],
)
def test_an_award_holds_capacity_until_and_including_its_last_day(ends: object, fits: bool) -> None:
    running = award("A1", "P1", "7").model_copy(update={"ends_on": ends})
    round_ = one_request(awards=[running])
    assert placed(round_) == ({("R1", "P1")} if fits else set())


@pytest.mark.parametrize(("amount", "fits"), [("240", True), ("239.99", False)])
def test_a_team_budget_holds_a_match_that_spends_it_exactly(amount: str, fits: bool) -> None:
    round_ = one_request(budgets=[budget(amount)])  # 4 hours x EUR 60 a week
    assert placed(round_) == ({("R1", "P1")} if fits else set())


@pytest.mark.parametrize(("amount", "fits"), [("240", True), ("239.99", False)])
def test_a_budget_that_a_dearer_pair_would_overspend_still_holds_one_that_spends_it_exactly(
    amount: str, fits: bool
) -> None:
    # P2's EUR 70 (280 a week) could overspend the budget, so its row stays in the model and
    # the one-request part is decided on that row: P1's 240 fills it exactly and fits.
    round_ = one_request(
        providers=[provider("P1"), provider("P2")],
        bids=[bid("R1", "P1", "60"), bid("R1", "P2", "70")],
        capacity_rows=[capacity("P1", "10"), capacity("P2", "10")],
        budgets=[budget(amount)],
    )
    assert placed(round_) == ({("R1", "P1")} if fits else set())


@pytest.mark.parametrize(("amount", "fits"), [("60", True), ("59.99", False)])
def test_an_output_funded_match_costs_its_tariff_against_the_budget(
    amount: str, fits: bool
) -> None:
    round_ = one_request(
        interventions=[intervention(funding=Funding.OUTPUT)], budgets=[budget(amount)]
    )
    assert placed(round_) == ({("R1", "P1")} if fits else set())


@pytest.mark.parametrize(
    ("team", "segment", "fits"),
    [("T1", Segment.B, False), ("T1", Segment.C, True), ("T2", Segment.B, True)],
    ids=["own-team-and-segment", "own-team-other-segment", "other-team-same-segment"],
)
def test_a_budget_binds_only_its_own_team_and_segment(
    team: str, segment: Segment, fits: bool
) -> None:
    round_ = one_request(budgets=[budget("0", team=team, segment=segment)])
    assert placed(round_) == ({("R1", "P1")} if fits else set())


def share_round(providers: int) -> Round:
    """R1 of 4 hours and four requests of 1 hour; P1 bids EUR 50 on all, the others EUR 90."""
    requests = [request("R1", "4"), *(request(f"S{k}", "1") for k in range(4))]
    pids = [f"P{k}" for k in range(1, providers + 1)]
    return make_round(
        [provider(p) for p in pids],
        requests,
        [bid(r.request_id, p, "50" if p == "P1" else "90") for r in requests for p in pids],
        [capacity(p, "100") for p in pids],
        market_share_cap=0.4,
    )


def test_the_share_cap_counts_units_with_one_request_of_allowance() -> None:
    # 8 hours placed: P1 may hold 0.4 x 8 + 4 (the largest request) = 7.2 hours, so it keeps
    # R1 and three of the 1-hour requests and one goes to P2 or P3. Counted in requests the
    # cap would give P1 three requests (0.4 x 5 + 1), or all five with a 4-request allowance.
    answer = engine_answer(share_round(3))
    own = {rid for rid, pid in answer.matches if pid == "P1"}
    assert len(answer.matches) == 5
    assert "R1" in own
    assert len(own) == 4
    assert answer.stages["cost"] == (7 * 50 + 90) * 100


def test_the_share_cap_needs_three_admissible_providers() -> None:
    answer = engine_answer(share_round(2))
    assert {pid for _, pid in answer.matches} == {"P1"}
    assert answer.stages["cost"] == 8 * 50 * 100


def test_an_earlier_stage_optimum_is_held_to_the_point() -> None:
    # One hour of room. R1 has waited five weeks (11 points), R2 is fresh (10 points) and
    # cheaper: giving up one point would let the cost stage pick R2.
    waited = request("R1", "1", waiting_since=DAY - timedelta(weeks=5))
    fresh = request("R2", "1")
    round_ = make_round(
        [provider("P1")],
        [waited, fresh],
        [bid("R1", "P1", "99"), bid("R2", "P1", "50")],
        [capacity("P1", "1")],
    )
    for solver in ("highs", "cbc"):
        answer = engine_answer(round_, solver)
        assert answer.stages["place_normal"] == 11, solver
        assert answer.matches == {("R1", "P1")}, solver


def test_a_crisis_point_is_held_by_the_high_and_normal_stages() -> None:
    crisis = request("C1", "1", Urgency.CRISIS, waiting_since=DAY - timedelta(weeks=5))
    high = request("H1", "1", Urgency.HIGH)
    round_ = make_round(
        [provider("P1")],
        [crisis, high, request("N1", "1")],
        [bid("C1", "P1", "99"), bid("H1", "P1", "50"), bid("N1", "P1", "50")],
        [capacity("P1", "1")],
    )
    answer = engine_answer(round_)
    assert answer.stages["place_crisis"] == 11
    assert answer.matches == {("C1", "P1")}


def test_pins_that_together_overfill_a_row_make_the_round_infeasible() -> None:
    two = one_request(
        requests=[request("R1", "4", start_date=START), request("R2", "7", start_date=START)],
        bids=[bid("R1", "P1", "60"), bid("R2", "P1", "60")],
    )
    assert engine_answer(two, pins=[("R1", "P1")]).matches == {("R1", "P1")}
    assert engine_answer(two, pins=[("R1", "P1"), ("R2", "P1")]).status == "infeasible"


def test_units_of_a_bid_replace_the_request_units() -> None:
    # The bid plans 3 hours: it fits a row of 3 and costs 3 x EUR 60 against the budget.
    round_ = one_request(
        bids=[bid("R1", "P1", "60").model_copy(update={"units": Decimal(3)})],
        capacity_rows=[capacity("P1", "3")],
        budgets=[budget("180")],
    )
    assert placed(round_) == {("R1", "P1")}


def test_an_over_booked_provider_takes_nothing_new_and_the_round_stays_solvable() -> None:
    # P1 runs 14 units against a row of 10: it has no room, and R1 goes to P2.
    round_ = one_request(
        providers=[provider("P1"), provider("P2")],
        bids=[bid("R1", "P1", "50"), bid("R1", "P2", "60")],
        capacity_rows=[capacity("P1", "10"), capacity("P2", "10")],
        awards=[award("A1", "P1", "14")],
    )
    assert placed(round_) == {("R1", "P2")}


def test_an_over_booked_provider_leaves_a_contested_part_solvable() -> None:
    # Two requests share P1's row, so the part goes to a solver: P1 runs 14 units against a
    # row of 10, and its row must read "no room" (0), not "-4" (no answer at all).
    round_ = one_request(
        providers=[provider("P1"), provider("P2")],
        requests=[request(r, "4", start_date=START) for r in ("R1", "R2")],
        bids=[bid(r, p, t) for r in ("R1", "R2") for p, t in (("P1", "50"), ("P2", "60"))],
        capacity_rows=[capacity("P1", "10"), capacity("P2", "10")],
        awards=[award("A1", "P1", "14")],
    )
    assert placed(round_) == {("R1", "P2"), ("R2", "P2")}


@pytest.mark.parametrize(
    ("weeks", "points"),
    [(0, 10), (3, 40), (4, 50), (5, 50), (30, 50)],
    ids=["new", "below-cap", "at-cap", "a-week-beyond", "far-beyond"],
)
def test_waiting_adds_weight_up_to_max_weeks_and_no_more(weeks: int, points: int) -> None:
    policy = Policy.model_validate({"round_date": DAY, "aging": {"per_week": 1, "max_weeks": 4}})
    waiting = request("R1", waiting_since=DAY - timedelta(weeks=weeks))
    assert aging_weight(waiting, policy, DAY) == points
