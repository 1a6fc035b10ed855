"""KPIs of one run against figures worked out by hand on the small round.

By hand: R5's bid (90) lies above the band, so R5 is never placed. P1 has 8 hours of I1
left (10 minus the 2 of award A1), and R3 (2 h) can only go to P1, so R1 (3 h) and R2 (4 h)
cannot both go to P1: R1->P1 + R2->P2 costs 180 + 260 = 440, the other way 210 + 248 = 458.
The optimum: R1->P1 (60 x 3), R2->P2 (65 x 4), R3->P1 (62 x 2), R4->P3 (1500), R6->P3 (1600).
"""

import pytest

from matcher.matching.engine import match_round
from matcher.scenarios.kpis import compute_kpis, hhi
from tests.scenarios.rounds import small_round


def test_kpis_of_the_small_round_match_the_hand_figures() -> None:
    round_ = small_round()
    kpis = compute_kpis(round_, match_round(round_))

    assert kpis.status == "optimal"
    assert (kpis.n_open, kpis.n_placed) == (6, 5)
    assert kpis.placed_pct == pytest.approx(100 * 5 / 6)
    assert kpis.n_urgent == 3  # R1 crisis, R2 and R6 high
    assert kpis.urgent_placed_pct == pytest.approx(100.0)
    assert kpis.total_cost == pytest.approx(180 + 260 + 124 + 1500 + 1600)
    assert kpis.total_budget == pytest.approx(6000)
    assert kpis.cost_of_budget_pct == pytest.approx(100 * 3664 / 6000)
    assert kpis.avg_tariff == pytest.approx(3664 / 11)
    # P1: (award 2 + 3 + 2) / its * row 12; P2: 4 / 8; P3: 2 / 2.
    assert kpis.utilisation_min == pytest.approx(0.5)
    assert kpis.utilisation_median == pytest.approx(7 / 12)
    assert kpis.utilisation_max == pytest.approx(1.0)
    # I1: P1 7 h, P2 4 h; I2: P3 alone.
    assert kpis.hhi_max == pytest.approx(10000)
    assert kpis.hhi_mean == pytest.approx((10000 * 65 / 121 + 10000) / 2)


def test_hhi_is_10000_for_one_provider_and_falls_with_equal_shares() -> None:
    assert hhi([5]) == pytest.approx(10000)
    assert hhi([1, 1, 1, 1]) == pytest.approx(2500)
    assert hhi([]) == 0.0


def test_a_round_without_budgets_has_no_budget_figures() -> None:
    round_ = small_round().model_copy(update={"budgets": None})
    kpis = compute_kpis(round_, match_round(round_))
    assert kpis.total_budget is None
    assert kpis.cost_of_budget_pct is None
