"""validate_matches on one hand-built round: a clean set of matches, then one rule broken at a
time. Every figure below is worked out by hand from the round."""

from datetime import date, timedelta
from decimal import Decimal

from matcher.domain import (
    Aging,
    Award,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Offer,
    Policy,
    Provider,
    Request,
    Round,
    Segment,
    Unit,
    Urgency,
    Weights,
)
from matcher.matching.overrides import Overrides
from matcher.matching.validate import validate_matches

DAY = date(2026, 3, 2)
AMSTERDAM = (52.37, 4.89)
UTRECHT = (52.09, 5.12)  # 34.9 km from Amsterdam
CLEAN = [("R1", "PA"), ("R2", "PB"), ("R3", "PA"), ("R4", "PA")]


def intervention(iid: str, funding: Funding, segment: Segment, low: int, high: int) -> Intervention:
    return Intervention(
        intervention_id=iid,
        name=iid,
        law=Law.WMO,
        segment=segment,
        product_group="group",
        funding=funding,
        unit=Unit.HOUR,
        tariff_min=Decimal(low),
        tariff_max=Decimal(high),
    )


def certified(pid: str, iid: str, valid_to: date = date(2027, 1, 1)) -> Certification:
    return Certification(
        provider_id=pid, intervention_id=iid, valid_from=date(2025, 1, 1), valid_to=valid_to
    )


def capacity(pid: str, iid: str, units: int) -> CapacityRow:
    return CapacityRow(provider_id=pid, intervention_id=iid, capacity_units=Decimal(units))


def bid(rid: str, pid: str, tariff: str, units: str | None = None) -> Bid:
    return Bid(
        request_id=rid,
        provider_id=pid,
        tariff=Decimal(tariff),
        units=None if units is None else Decimal(units),
    )


def award(pid: str, iid: str, units: int, ends_on: date | None, rid: str = "A1") -> Award:
    return Award(
        request_id=rid,
        provider_id=pid,
        intervention_id=iid,
        tariff=Decimal(50),
        units=Decimal(units),
        awarded_on=DAY - timedelta(days=90),
        ends_on=ends_on,
    )


def make_round(**changes: object) -> Round:
    """I1 (effort, B, EUR 40-60) and I2 (output, C, EUR 500-800); providers PA (Amsterdam,
    autism), PB (no location, only a ``*`` row) and PC (Utrecht, offers I1 at EUR 42)."""
    round_ = Round(
        interventions=(
            intervention("I1", Funding.EFFORT, Segment.B, 40, 60),
            intervention("I2", Funding.OUTPUT, Segment.C, 500, 800),
        ),
        providers=(
            Provider(
                provider_id="PA",
                name="A",
                lat=AMSTERDAM[0],
                lon=AMSTERDAM[1],
                specialisms=("autism",),
            ),
            Provider(provider_id="PB", name="B"),
            Provider(provider_id="PC", name="C", lat=UTRECHT[0], lon=UTRECHT[1]),
        ),
        certifications=(
            certified("PA", "I1"),
            certified("PA", "I2"),
            certified("PB", "I1"),
            certified("PB", "I2", valid_to=date(2026, 2, 1)),
            certified("PC", "I1"),
            certified("PC", "I2"),
        ),
        capacity=(
            capacity("PA", "I1", 10),
            capacity("PA", "I2", 2),
            capacity("PB", "*", 6),
            capacity("PC", "I1", 10),
        ),
        requests=(
            Request(
                request_id="R1",
                client_ref="C-1",
                team_id="T1",
                intervention_id="I1",
                units=Decimal(4),
                start_date=DAY,
                urgency=Urgency.CRISIS,
                lat=AMSTERDAM[0],
                lon=AMSTERDAM[1],
                excluded_providers=("PB",),
            ),
            Request(
                request_id="R2",
                client_ref="C-2",
                team_id="T1",
                intervention_id="I1",
                units=Decimal(2),
                start_date=DAY,
                urgency=Urgency.NORMAL,
                preferred_providers=("PC", "PB"),
                waiting_since=DAY - timedelta(weeks=10),
            ),
            Request(
                request_id="R3",
                client_ref="C-3",
                team_id="T2",
                intervention_id="I2",
                units=Decimal(2),
                start_date=DAY,
                urgency=Urgency.HIGH,
                current_provider="PB",
            ),
            Request(
                request_id="R4",
                client_ref="C-4",
                team_id="T1",
                intervention_id="I1",
                units=Decimal(1),
                start_date=DAY,
                urgency=Urgency.NORMAL,
                required_specialisms=("autism",),
            ),
        ),
        bids=(
            bid("R1", "PA", "50"),
            bid("R1", "PB", "55"),
            bid("R2", "PB", "45", units="3"),
            bid("R2", "PC", "70"),
            bid("R3", "PA", "600"),
            bid("R3", "PB", "600"),
            bid("R4", "PA", "45"),
            bid("R4", "PC", "45"),
        ),
        offers=(
            Offer(provider_id="PA", intervention_id="I1", tariff=Decimal(70)),
            Offer(provider_id="PC", intervention_id="I1", tariff=Decimal(42)),
            Offer(provider_id="PC", intervention_id="I2", tariff=Decimal(700)),
        ),
        budgets=(
            Budget(team_id="T1", segment=Segment.B, amount=Decimal(400)),
            Budget(team_id="T2", segment=Segment.C, amount=Decimal(600)),
        ),
        awards=(),
        policy=Policy(
            round_date=DAY,
            weights=Weights(
                distance_per_km=Decimal(2),
                preference_per_rank=Decimal(25),
                continuity=Decimal(50),
            ),
            aging=Aging(per_week=Decimal("0.1")),
            max_distance_km=25.0,
        ),
    )
    return round_.model_copy(update=changes)


def only(round_: Round, matches: list[tuple[str, str]], overrides: Overrides | None = None) -> str:
    """The single violation the matches break."""
    violations = validate_matches(round_, matches, overrides).violations
    assert len(violations) == 1, violations
    return violations[0]


def test_clean_matches_break_nothing_and_give_the_stage_values_by_hand() -> None:
    check = validate_matches(make_round(), CLEAN)
    assert check.violations == []
    # R1 crisis 10; R3 high 10; R2 normal 10 + 0.1 x 10 x 10 weeks = 20, R4 normal 10.
    # Cost: R1 50 x 4 = 200 (the bid wins over PA's out-of-band offer of 70); R2 45 x 3
    # bid units = 135; R3 output: the tariff 600 whatever the units; R4 45 x 1 = 45.
    # Secondary: R2's PB is second on its list (25); R3 leaves its current provider (50);
    # R1 is 0 km from PA.
    assert check.stage_values == {
        "place_crisis": 10,
        "place_high": 10,
        "place_normal": 30,
        "cost": 98000 + 2500 + 5000,
        "total_cost_cents": 98000,
    }


def test_a_request_matched_twice() -> None:
    violations = validate_matches(make_round(), [*CLEAN, ("R4", "PC")]).violations
    assert any("R4 is matched 2 times" in v for v in violations), violations


def test_not_certified_on_the_start_date() -> None:
    assert "not certified for I2" in only(make_round(), [("R3", "PB")])


def test_no_bid_and_no_offer() -> None:
    assert "PB has no bid on R4 and no offer for I1" in only(make_round(), [("R4", "PB")])


def test_bid_tariff_out_of_band_wins_over_an_offer_in_band() -> None:
    assert "tariff 70 for R2 is outside the band" in only(make_round(), [("R2", "PC")])


def test_excluded_by_the_client() -> None:
    assert "PB is excluded by the client of R1" in only(make_round(), [("R1", "PB")])


def test_missing_a_required_specialism() -> None:
    assert "PC lacks the specialism autism" in only(make_round(), [("R4", "PC")])


def test_beyond_the_maximum_distance_only_when_both_locations_are_known() -> None:
    assert "34.9 km from R1" in only(make_round(), [("R1", "PC")])
    far = make_round(
        policy=make_round().effective_policy().model_copy(update={"max_distance_km": 1.0})
    )
    # R2 has no location, so PB (no location either) and the distance rule do not meet.
    assert validate_matches(far, [("R2", "PB")]).violations == []


def test_no_capacity_row_for_the_intervention() -> None:
    # Without budgets: PC's offer of 700 would also overrun T2's budget of 600.
    assert "PC has no capacity listed for I2" in only(make_round(budgets=()), [("R3", "PC")])


def test_capacity_counts_running_awards() -> None:
    running = make_round(awards=(award("PA", "I1", 6, ends_on=None),))
    # 6 awarded + 4 (R1) + 1 (R4) > 10.
    assert "capacity of PA for I1 exceeded" in only(running, CLEAN)
    ends_today = make_round(awards=(award("PA", "I1", 6, ends_on=DAY),))
    assert "capacity of PA for I1 exceeded" in only(ends_today, CLEAN)
    ended = make_round(awards=(award("PA", "I1", 6, ends_on=DAY - timedelta(days=1)),))
    assert validate_matches(ended, CLEAN).violations == []


def test_total_capacity_row_counts_every_intervention() -> None:
    # PB's * row of 6 holds an I2 award of 4 running, so R2's 3 units of I1 do not fit.
    round_ = make_round(awards=(award("PB", "I2", 4, ends_on=None),))
    assert "capacity of PB for * exceeded" in only(round_, CLEAN)
    assert validate_matches(round_, [c for c in CLEAN if c[0] != "R2"]).violations == []


def test_team_budget_per_segment() -> None:
    # T1/B spends 200 + 135 + 45 = 380 of 400; T2/C spends the output tariff 600 of 600.
    tight = (
        Budget(team_id="T1", segment=Segment.B, amount=Decimal("379.99")),
        Budget(team_id="T2", segment=Segment.C, amount=Decimal(600)),
    )
    assert "budget of team T1 for segment B exceeded" in only(make_round(budgets=tight), CLEAN)
    output = (Budget(team_id="T2", segment=Segment.C, amount=Decimal("599.99")),)
    assert "budget of team T2 for segment C exceeded" in only(make_round(budgets=output), CLEAN)


def test_market_share_cap() -> None:
    # Without the distance limit PC is admissible for R1 (offer 42): three providers of I1.
    # PA places 4 + 1 = 5 of 8 units; 5 > 0.1 x 8 + 4 (R1's units, the largest) = 4.8.
    policy = make_round().effective_policy()
    capped = policy.model_copy(update={"max_distance_km": None, "market_share_cap": 0.1})
    assert "market share of PA for I1 broken" in only(make_round(policy=capped), CLEAN)
    loose = capped.model_copy(update={"market_share_cap": 0.2})  # 5 <= 1.6 + 4
    assert validate_matches(make_round(policy=loose), CLEAN).violations == []
    # With the distance limit PC is admissible for no I1 request: two providers, no cap.
    two = policy.model_copy(update={"market_share_cap": 0.1})
    assert validate_matches(make_round(policy=two), CLEAN).violations == []


def test_pin_not_honoured() -> None:
    pins = Overrides(pins=frozenset({("R4", "PA")}))
    assert "R4 is pinned to PA" in only(make_round(), CLEAN[:3], pins)
    assert validate_matches(make_round(), CLEAN, pins).violations == []


def test_forbidden_pair_used() -> None:
    forbids = Overrides(forbids=frozenset({("R1", "PA")}))
    assert "forbidden pair used: R1 to PA" in only(make_round(), CLEAN, forbids)


def test_awarded_request_is_not_open() -> None:
    round_ = make_round(awards=(award("PA", "I1", 1, ends_on=None, rid="R4"),))
    assert "request R4 is not open" in only(round_, [("R4", "PA")])
