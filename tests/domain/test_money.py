"""Money rules: integer cents, half-up rounding, cost per funding model."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.domain import Funding
from matcher.domain.money import match_cost_cents, to_cents


@pytest.mark.parametrize(
    ("euros", "cents"),
    [("0.005", 1), ("0.004", 0), ("56.125", 5613), ("-0.005", -1), ("1234.5", 123450)],
)
def test_to_cents_rounds_half_up(euros: str, cents: int) -> None:
    assert to_cents(Decimal(euros)) == cents


def test_effort_cost_is_tariff_times_units() -> None:
    assert match_cost_cents(Funding.EFFORT, Decimal("56.25"), Decimal("2.5")) == 14063


def test_output_cost_is_the_tariff_whatever_the_volume() -> None:
    assert match_cost_cents(Funding.OUTPUT, Decimal("1450"), Decimal("3")) == 145000


def test_task_funding_is_not_matched() -> None:
    with pytest.raises(ValueError, match="lump sum"):
        match_cost_cents(Funding.TASK, Decimal("10"), Decimal("1"))


@given(
    tariff=st.decimals(min_value=0, max_value=100000, places=2),
    units=st.decimals(min_value="0.01", max_value=168, places=2),
)
def test_effort_cost_is_within_half_a_cent_of_the_exact_amount(
    tariff: Decimal, units: Decimal
) -> None:
    exact_cents = tariff * units * 100
    assert abs(Decimal(match_cost_cents(Funding.EFFORT, tariff, units)) - exact_cents) <= Decimal(
        "0.5"
    )
