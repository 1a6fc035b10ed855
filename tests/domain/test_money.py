"""Money rules: integer cents, half-up rounding, cost per funding model."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.domain import Funding
from matcher.domain.money import fraction_to_cents, match_cost_cents, to_cents


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


def _scalar_cents(numerator: int, denominator: int) -> int:
    """The scalar rule on the exact amount ``numerator / denominator`` cents (one Decimal
    division: exact for the build's denominators, 2^a 5^b, and far from any tie otherwise)."""
    return to_cents(Decimal(numerator) / Decimal(100 * denominator))


# Denominators as the build makes them (100 for units, 10 x a weight's as_integer_ratio) and
# a few others that have no terminating decimal.
denominators = st.one_of(
    st.builds(lambda a, b: 2**a * 5**b, st.integers(0, 6), st.integers(0, 6)),
    st.integers(1, 10_000),
)


@st.composite
def fractions(draw: st.DrawFn) -> tuple[list[int], int]:
    """Numerators over one denominator, a third of them exact half-cent ties, either sign."""
    denominator = draw(denominators)
    numerators = []
    for _ in range(draw(st.integers(1, 40))):
        whole = draw(st.integers(-(10**9), 10**9))
        kind = draw(st.sampled_from(["tie", "any", "any"]))
        if kind == "tie" and denominator % 2 == 0:
            # whole + 1/2 cent, exactly: (2 whole + 1) / 2 = n / denominator.
            numerators.append((2 * whole + 1) * (denominator // 2))
        else:
            numerators.append(whole * denominator + draw(st.integers(0, denominator - 1)))
    return numerators, denominator


@given(drawn=fractions())
def test_fraction_to_cents_on_an_array_is_to_cents_of_each_element(
    drawn: tuple[list[int], int],
) -> None:
    numerators, denominator = drawn
    expected = [_scalar_cents(n, denominator) for n in numerators]
    as_array = fraction_to_cents(np.asarray(numerators, dtype=np.int64), denominator)
    assert as_array.tolist() == expected
    assert [fraction_to_cents(n, denominator) for n in numerators] == expected


# Amounts of up to four decimals, and exact half cents (EUR 0.005, -12.345, ...).
half_cents = st.integers(-(10**8), 10**8).map(lambda k: Decimal(2 * k + 1) / 200)
amounts = st.decimals(min_value=-10000, max_value=10000, places=4, allow_nan=False) | half_cents


@given(euros=st.lists(amounts, min_size=1))
def test_fraction_to_cents_of_decimal_amounts_is_to_cents(euros: list[Decimal]) -> None:
    """Each amount written as the ratio the build uses (``as_integer_ratio`` of its cents)."""
    ratios = [(e * 100).as_integer_ratio() for e in euros]
    common = math.lcm(*(d for _, d in ratios))  # one array, one denominator
    numerators = np.asarray([n * (common // d) for n, d in ratios], dtype=np.int64)
    assert fraction_to_cents(numerators, common).tolist() == [to_cents(e) for e in euros]


def test_fraction_to_cents_rounds_ties_away_from_zero_on_both_sides() -> None:
    # 1.5, 2.5, -1.5, -2.5 and 0.5 cents; 0.49 and -0.49 cents.
    numerators = np.asarray([3, 5, -3, -5, 1, 49, -49], dtype=np.int64)
    denominators = np.asarray([2, 2, 2, 2, 2, 100, 100], dtype=np.int64)
    got = [fraction_to_cents(int(n), int(d)) for n, d in zip(numerators, denominators, strict=True)]
    assert got == [2, 3, -2, -3, 1, 0, 0]
    assert got == [
        _scalar_cents(int(n), int(d)) for n, d in zip(numerators, denominators, strict=True)
    ]


def test_fraction_to_cents_on_object_arrays_of_large_integers() -> None:
    """Beyond int64 the build hands Python ints in an object array (terms.weighted_cents)."""
    big = [10**20 + 5, -(10**20) - 5, 3 * 10**19 + 15, -7]
    got = fraction_to_cents(np.asarray(big, dtype=object), 10)
    assert list(got) == [_scalar_cents(n, 10) for n in big]
