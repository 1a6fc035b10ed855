"""Each signal on crafted data: one case where it fires and one where it stays silent."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from matcher.capacity.areas import areas_of
from matcher.capacity.demand import LoadProjection
from matcher.capacity.months import WEEKS_PER_MONTH, month_of
from matcher.capacity.queues import Queue
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.shortage import under_supply
from matcher.capacity.signals import (
    certification_expiry,
    concentration,
    over_supply,
)
from matcher.capacity.supply import Supply, supply_of
from matcher.capacity.tbtf import too_big_to_fail
from matcher.capacity.waiting import WaitingList
from matcher.domain import CapacityRow, Law
from tests.capacity.build import ROUND_DATE, award, certificate, intervention, round_with

SETTINGS = CapacitySettings(horizon_months=3)
START = month_of(ROUND_DATE)
INTERVENTIONS = {"I1": intervention()}


def projection(committed: float, new_upper: float, new_mean: float = 0.0) -> LoadProjection:
    return LoadProjection(
        "I1",
        "Town",
        START,
        (committed,) * 3,
        (0.0,) * 3,
        (new_mean,) * 3,
        (new_upper,) * 3,
        (new_upper,) * 3,
    )


def supply(capacity: float) -> Supply:
    return Supply(
        START,
        {("P1", "I1"): capacity},
        {("P1", "I1"): (True,) * 3},
        {("I1", "Town"): (capacity,) * 3},
        {},
    )


def queue(mean_wait: float, started: int = 20) -> dict[tuple[str, str], Queue]:
    wl = WaitingList(2.0, 2.0, 4, mean_wait, SETTINGS.norm_for(Law.WMO), 4.0)
    return {("I1", "Town"): Queue(wl, started)}


def test_under_supply_fires_when_the_expected_steady_load_exceeds_capacity() -> None:
    signals = under_supply(
        {("I1", "Town"): projection(90, 30, 20)}, supply(100), {}, INTERVENTIONS, SETTINGS
    )
    # 110 expected against 100 for all 3 months, 10% over: long but not far.
    assert [(s.type, s.area, s.value, s.threshold, s.severity) for s in signals] == [
        ("under_supply", "Town", 110, 100, "medium")
    ]
    assert "short in 3 of 3 months, at most 10% over" in signals[0].detail


def test_under_supply_is_silent_on_the_upper_bound_alone() -> None:
    assert (
        under_supply(
            {("I1", "Town"): projection(80, 30, 10)},
            supply(100),
            queue(1.0),
            INTERVENTIONS,
            SETTINGS,
        )
        == []
    )


def test_under_supply_is_silent_within_the_tolerance() -> None:
    signals = under_supply(
        {("I1", "Town"): projection(80, 24, 24)}, supply(100), {}, INTERVENTIONS, SETTINGS
    )
    assert signals == []  # 104 against 100: within the forecast's 5%


def test_a_backlog_that_free_capacity_takes_in_at_once_is_silent() -> None:
    p = replace(projection(60, 10, 10), backlog=25.0)  # 30 free now
    assert under_supply({("I1", "Town"): p}, supply(100), {}, INTERVENTIONS, SETTINGS) == []


def test_a_backlog_that_clears_slower_than_the_norm_is_under_supply() -> None:
    # 5 free now, then (100 − 95) / 12 units a month: 55 units take 132 months.
    p = replace(projection(85, 10, 10), backlog=60.0, duration=12.0)
    (signal,) = under_supply({("I1", "Town"): p}, supply(100), {}, INTERVENTIONS, SETTINGS)
    weeks = 55 / (5 / 12) * WEEKS_PER_MONTH
    assert signal.value == pytest.approx(weeks)
    assert (signal.threshold, signal.severity) == (2.0, "high")
    assert f"clears in {weeks:.0f} weeks (norm 2 weeks)" in signal.detail


def test_past_waits_above_the_norm_alone_are_no_shortage() -> None:
    """The history's waits are stated in a signal's detail; without a steady gap or a late
    backlog they raise none (the load and capacity say the list can be served now)."""
    assert (
        under_supply(
            {("I1", "Town"): projection(80, 10, 10)},
            supply(100),
            queue(5.0),
            INTERVENTIONS,
            SETTINGS,
        )
        == []
    )


def test_over_supply_fires_below_the_floor() -> None:
    signals = over_supply(
        {("I1", "Town"): projection(30, 10, 10)}, supply(100), INTERVENTIONS, SETTINGS
    )
    assert [(s.type, s.value, s.threshold) for s in signals] == [("over_supply", 0.4, 0.5)]
    assert "Pause new certifications" in signals[0].action


def test_over_supply_is_silent_at_the_floor() -> None:
    assert (
        over_supply({("I1", "Town"): projection(40, 10, 10)}, supply(100), INTERVENTIONS, SETTINGS)
        == []
    )


def awards_split(units: dict[str, int], per_award: int = 1) -> list:  # type: ignore[type-arg]
    """Awards of per_award units each, so the providers hold the given units."""
    return [
        award(f"A-{p}-{k}", p, per_award) for p, u in units.items() for k in range(u // per_award)
    ]


def test_concentration_fires_on_a_dominant_provider() -> None:
    # 50 / 25 / 25: HHI 3,750 and one provider above 40%.
    round_ = round_with(
        {"P1": 100, "P2": 100, "P3": 100}, awards_split({"P1": 10, "P2": 5, "P3": 5})
    )
    signals = concentration(round_, areas_of(round_), INTERVENTIONS, START, SETTINGS)
    assert [(s.type, s.area, round(s.value)) for s in signals] == [
        ("concentration", "region", 3750)
    ]
    assert "P1 holds 50%" in signals[0].detail


def test_concentration_is_silent_in_a_spread_market() -> None:
    # Five providers of 20% each: HHI 2,000.
    round_ = round_with(
        {f"P{k}": 100 for k in range(1, 6)}, awards_split({f"P{k}": 4 for k in range(1, 6)})
    )
    assert concentration(round_, areas_of(round_), INTERVENTIONS, START, SETTINGS) == []


def expiry_round(valid_to: date) -> list:  # type: ignore[type-arg]
    round_ = round_with(
        {"P1": 60, "P2": 40},
        certifications=[certificate("P1"), certificate("P2", valid_to=valid_to)],
    )
    areas = areas_of(round_)
    shares = {"I1": {"Town": 1.0}}
    supply_ = supply_of(round_, areas, shares, START, 3, 25.0, ROUND_DATE)
    return certification_expiry(round_, supply_, INTERVENTIONS, START, SETTINGS)


def test_certification_expiry_counts_capacity_at_risk_per_window() -> None:
    signals = expiry_round(date(2026, 11, 30))  # P2 ends in November: gone from December
    assert len(signals) == 1
    s = signals[0]
    assert (s.month, s.severity, s.value) == ("2026-12", "medium", pytest.approx(0.4))
    assert "3 months: 0.0" in s.detail
    assert "6 months: 40.0" in s.detail
    assert "P2 (valid to 2026-11-30)" in s.detail


def test_certification_expiry_is_silent_when_certificates_outlast_the_year() -> None:
    assert expiry_round(date(2027, 9, 1)) == []


def test_supply_honours_certificate_validity_and_the_total_row() -> None:
    round_ = round_with(
        {"P1": 60, "P2": 40},
        certifications=[certificate("P1"), certificate("P2", valid_to=date(2026, 8, 1))],
    )
    total = CapacityRow(provider_id="P1", intervention_id="*", capacity_units=Decimal(30))
    round_ = round_.model_copy(update={"capacity": (*round_.capacity, total)})
    supply_ = supply_of(round_, areas_of(round_), {"I1": {"Town": 1.0}}, START, 3, 25.0, ROUND_DATE)
    # July and August with P2 (valid until 1 August), September without; P1 capped at 30.
    assert supply_.by_area[("I1", "Town")] == pytest.approx((70.0, 70.0, 30.0))


def tbtf_round(spare: int) -> list:  # type: ignore[type-arg]
    """P1 holds 8 clients of 2 units (16 of 20 awarded units); P2 has 4 in use."""
    awards = [award(f"A{k}", "P1", 2) for k in range(8)] + [award("B1", "P2", 4)]
    round_ = round_with({"P1": 20, "P2": 4 + spare}, awards, offers={"P2": 70})
    signals, _ = too_big_to_fail(round_, INTERVENTIONS, ROUND_DATE, START, CapacitySettings())
    return signals


def test_too_big_to_fail_fires_when_the_others_cannot_take_the_clients() -> None:
    signals = tbtf_round(spare=10)  # room for 5 of the 8 clients
    assert [(s.type, s.intervention_id, s.value) for s in signals] == [
        ("too_big_to_fail", "I1", 3.0)
    ]
    # The five placed clients cost (70 - 60) x 2 units = EUR 20 a week more each.
    assert "3 of its 8 clients" in signals[0].detail
    assert "EUR 100.00 a week more" in signals[0].detail


def test_too_big_to_fail_is_silent_when_the_others_have_room() -> None:
    assert tbtf_round(spare=16) == []
