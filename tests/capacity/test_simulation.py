"""The simulated queue against the formulas, on cases where both apply.

Tolerances: steady means within 10% and percentiles within 15% (ten runs of 4,000 weeks:
sampling error of a few percent); the fluid clearance within 15% of the simulated one for a
backlog far larger than the places that free up each week.
"""

import math

import pytest

from matcher.capacity.demand import LoadProjection
from matcher.capacity.months import WEEKS_PER_MONTH
from matcher.capacity.shortage import clearance_weeks
from matcher.capacity.simulation import (
    QueueCase,
    erlang_c,
    simulate,
    steady_mean_wait,
    steady_wait_quantile,
)
from matcher.capacity.waiting import target_capacity, target_mean_wait

STEADY = dict(running=0, backlog=0, weeks=4_000.0)


def test_one_place_matches_kingman_and_the_nhs_target_capacity() -> None:
    """With one place (M/M/1) Kingman's wait ρ/(1−ρ)·(ca² + cs²)/2·T is exact. At the NHS
    target capacity the time from request to the end of service is the target mean wait."""
    demand, norm = 3.0, 8.0
    capacity = target_capacity(demand, norm)  # starts a week
    case = QueueCase(demand, 1 / capacity, 1, **STEADY)  # type: ignore[arg-type]
    rho = demand / capacity
    kingman = rho / (1 - rho) * (1 + 1) / 2 * (1 / capacity)
    simulated = simulate(case, runs=10, seed=1)
    assert simulated.mean == pytest.approx(kingman, rel=0.10)
    assert steady_mean_wait(case) == pytest.approx(kingman)
    assert simulated.mean + 1 / capacity == pytest.approx(target_mean_wait(norm), rel=0.10)


@pytest.mark.parametrize(("arrivals", "care_weeks", "places"), [(2.0, 4.0, 10), (9.0, 2.0, 20)])
def test_many_places_match_erlang_c(arrivals: float, care_weeks: float, places: int) -> None:
    case = QueueCase(arrivals, care_weeks, places, **STEADY)  # type: ignore[arg-type]
    simulated = simulate(case, runs=10, seed=2)
    assert simulated.mean == pytest.approx(steady_mean_wait(case), rel=0.10)
    for q, value in ((0.80, simulated.p80), (0.95, simulated.p95)):
        formula = steady_wait_quantile(case, q)
        assert value == pytest.approx(formula, rel=0.15, abs=0.05)


def test_erlang_c_is_one_without_a_steady_state() -> None:
    assert erlang_c(10.0, 2.0, 20) == 1.0
    assert math.isinf(steady_mean_wait(QueueCase(10.0, 2.0, 20, **STEADY)))  # type: ignore[arg-type]


def test_the_backlog_clears_as_the_fluid_estimate_says() -> None:
    """100 places, 80 in care and as many arriving as leave, care of 3 months, 300 waiting:
    20 start at once, then places free up at (100 − 80) ÷ 3 a month beyond new intake."""
    months = 3.0
    care = months * WEEKS_PER_MONTH
    case = QueueCase(80 / care, care, 100, running=80, backlog=300, weeks=600.0)
    simulated = simulate(case, runs=10, seed=3)
    horizon = 24
    projection = LoadProjection(
        "I", "A", 0, (0.0,) * horizon, (0.0,) * horizon, (80.0,) * horizon,
        (80.0,) * horizon, (80.0,) * horizon, backlog=300.0, duration=months,
    )  # fmt: skip
    fluid = clearance_weeks(projection, (100.0,) * horizon)
    assert fluid == pytest.approx(280 / (20 / months) * WEEKS_PER_MONTH)
    assert simulated.clear_weeks == pytest.approx(fluid, rel=0.15)
