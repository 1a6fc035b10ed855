"""Money rules: euros in, integer cents inside, one named rounding.

Solvers work in integers (CP-SAT only in integers), so every amount is converted once, at
the edge of the optimisation, with half-up rounding to the cent as on an invoice.
"""

from decimal import ROUND_HALF_UP, Decimal

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
