"""Money rules: euros in, integer cents inside, one named rounding.

Solvers work in integers (CP-SAT only in integers), so every amount is converted once, at
the edge of the optimisation, with half-up rounding to the cent as on an invoice.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from matcher.domain.enums import Funding

CENT = Decimal("0.01")


def to_cents(euros: Decimal) -> int:
    """Euros to integer cents, rounding half up (EUR 0.005 becomes 1 cent)."""
    return int((euros / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def match_cost_cents(funding: Funding, tariff: Decimal, units: Decimal) -> int:
    """Weekly cost of one match in cents.

    Effort funding pays the tariff per unit of volume; output funding pays the tariff once
    per arrangement, whatever the volume. Task funding is a lump sum and never matched.
    """
    if funding is Funding.EFFORT:
        return to_cents(tariff * units)
    if funding is Funding.OUTPUT:
        return to_cents(tariff)
    raise ValueError("task-funded interventions are paid as a lump sum and not matched per case")


def cents_to_euros(cents: int) -> Decimal:
    """Integer cents back to euros, exact, with two decimals (``37896`` -> ``378.96``).

    The one conversion out of cents; ``euro_amount`` and ``euro_text`` are its two faces.
    """
    return Decimal(int(cents)).scaleb(-2).quantize(CENT)


def euro_amount(cents: float | None) -> float | None:
    """Cents as a number of euros for JSON and tables; None for a missing (None or
    non-finite) value."""
    if cents is None or cents != cents or cents in (float("inf"), float("-inf")):
        return None
    return float(cents_to_euros(round(cents)))


def euro_text(cents: int) -> str:
    """Cents as ``EUR 1234.50`` (no thousands separator, as in the import messages)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}EUR {cents_to_euros(abs(int(cents)))}"


def fraction_to_cents(numerator: Any, denominator: int) -> Any:
    """``to_cents`` of the exact amounts ``numerator / denominator`` cents, for an int or an
    integer array at once: half up, a tie away from zero as ``ROUND_HALF_UP``.

    The array form of the one rounding: the build prices hundreds of thousands of pairs from
    integer cents and hundredths without a Decimal per pair; plain operators, so this module
    needs no NumPy (``matcher --help`` imports it).
    """
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude * (1 - 2 * (numerator < 0))
