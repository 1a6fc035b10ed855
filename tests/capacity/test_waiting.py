"""Waiting-list arithmetic against the documented examples of the R package NHSRwaitinglist."""

import pytest

from matcher.capacity.waiting import (
    WaitingList,
    queue_load,
    relief_capacity,
    target_capacity,
    target_mean_wait,
    target_queue_size,
    waiting_list_pressure,
)


def test_queue_load_of_the_ent_example() -> None:
    """calc_queue_load(30, 27) = 1.11111111 (test-calc_queue_load.R; the vignette's ENT list:
    demand 30 a week, capacity 27): above 1, the list grows."""
    assert queue_load(30, 27) == pytest.approx(1.11111111)
    assert queue_load(35, 27) == pytest.approx(1.2962963)


def test_target_mean_wait_is_a_quarter_of_the_target() -> None:
    """calc_target_mean_wait(52, 4) = 13 and (52, 6) = 8.6666667 (test-calc_target_mean_wait.R)."""
    assert target_mean_wait(52) == 13
    assert target_mean_wait(52, 6) == pytest.approx(8.6666667)


def test_target_queue_size_by_littles_law() -> None:
    """calc_target_queue_size(30, 52, 4) = 390 patients (its roxygen example)."""
    assert target_queue_size(30, 52, 4) == pytest.approx(390)


def test_relief_capacity_of_the_ent_example() -> None:
    """calc_relief_capacity(30, 1200, 390, 26) = 30 + (1200 - 390) / 26 = 61.15 (its example)."""
    assert relief_capacity(30, 1200, 390, 26) == pytest.approx(61.15, abs=0.005)


def test_target_capacity_kingman_marchal() -> None:
    """calc_target_capacity(30, 52, 3, 1.1, 1.2) = 30.076442 (test-calc_target_capacity.R)."""
    assert target_capacity(30, 52, 3, 1.1, 1.2) == pytest.approx(30.076442)
    assert target_capacity(30, 52) == pytest.approx(30 + 4 / 52)


def test_waiting_list_pressure() -> None:
    """calc_waiting_list_pressure(63, 52) = 2.42307692; (42, 24) = 3.5; (55, 50) = 2.2."""
    assert waiting_list_pressure(63, 52) == pytest.approx(2.42307692)
    assert waiting_list_pressure(42, 24) == pytest.approx(3.5)
    assert waiting_list_pressure(55, 50) == pytest.approx(2.2)


def test_waiting_list_record_combines_the_formulas() -> None:
    wl = WaitingList(
        demand_per_week=30,
        starts_per_week=27,
        queue_size=1200,
        mean_wait_weeks=63,
        norm_weeks=52,
        factor=4,
    )
    assert wl.load == pytest.approx(1.11111111)
    assert wl.target_queue == pytest.approx(390)
    assert wl.relief_capacity(26) == pytest.approx(61.15, abs=0.005)
    assert wl.pressure == pytest.approx(2.42307692)
