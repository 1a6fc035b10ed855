"""Each signal on crafted data: one case where it fires and one where it stays silent."""

from datetime import date
from decimal import Decimal

import pytest

from matcher.capacity.areas import areas_of
from matcher.capacity.demand import LoadProjection
from matcher.capacity.months import month_of
from matcher.capacity.queues import Queue
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.signals import (
    certification_expiry,
    concentration,
    over_supply,
    under_supply,
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


def test_under_supply_fires_when_the_upper_80_load_exceeds_capacity() -> None:
    signals = under_supply(
        {("I1", "Town"): projection(80, 30, 10)}, supply(100), {}, INTERVENTIONS, SETTINGS
    )
    assert [(s.type, s.area, s.value, s.threshold, s.severity) for s in signals] == [
        ("under_supply", "Town", 110, 100, "medium")  # expected load 90 still fits
    ]


def test_under_supply_is_silent_when_capacity_covers_the_upper_load() -> None:
    assert (
        under_supply(
            {("I1", "Town"): projection(80, 19, 10)},
            supply(100),
            queue(1.0),
            INTERVENTIONS,
            SETTINGS,
        )
        == []
    )


def test_under_supply_fires_on_waiting_above_the_law_norm() -> None:
    signals = under_supply(
        {("I1", "Town"): projection(80, 10, 10)}, supply(100), queue(5.0), INTERVENTIONS, SETTINGS
    )
    assert [(s.value, s.threshold) for s in signals] == [(5.0, 2.0)]  # Wmo norm: 2 weeks


def test_waiting_needs_enough_started_cases() -> None:
    assert (
        under_supply(
            {("I1", "Town"): projection(80, 10, 10)},
            supply(100),
            queue(5.0, started=2),
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
