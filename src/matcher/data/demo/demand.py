"""The demo's demand: three years of requests with trend and season, and today's open ones.

One process makes both. Requests arrive month by month (Poisson, with ~4% growth a year
and a seasonal pattern: a dip in summer, peaks in autumn and January), wait, start, run
and end. Those received before the round date but not yet started are the round's open
requests (waiting since they were received); the others are history, and those still
running on the round date are the awarded care.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from matcher.data.demo.catalogue import CRISIS, MATCHED_PRODUCTS, Market, Product
from matcher.data.demo.geography import (
    MUNICIPALITIES,
    Municipality,
    neighbourhood_team_id,
    youth_team_id,
)
from matcher.domain import Law, Unit

SEASON = (1.10, 1.00, 1.05, 0.98, 0.97, 0.95, 0.80, 0.78, 1.05, 1.12, 1.10, 0.90)  # Jan..Dec
GROWTH_PER_YEAR = 0.04
HISTORY_MONTHS = 36
INTAKE_SCALE = 1.2
MEAN_WAIT_WEEKS = {Market.BALANCED: 10.0, Market.SHORT: 20.0, Market.FLOODED: 2.0}


@dataclass
class Case:
    """One request, past or open, as the generator follows it."""

    product: Product
    municipality: Municipality
    team_id: str
    units: Decimal
    received: date
    started: date | None
    ended: date | None  # None while running or never started
    provider_id: str | None = None
    case_id: str = ""  # history id, given once the case is known to have started


def generate_cases(rng: np.random.Generator, round_date: date) -> list[Case]:
    """Every request received in the 36 months before round_date."""
    population = np.array([m.population for m in MUNICIPALITIES], dtype=float)
    share = population / population.sum()
    first = _add_months(round_date.replace(day=1), -HISTORY_MONTHS)
    cases: list[Case] = []
    for offset in range(HISTORY_MONTHS + 1):
        month = _add_months(first, offset)
        days = (_add_months(month, 1) - month).days
        level = SEASON[month.month - 1] * (1 + GROWTH_PER_YEAR) ** ((offset - HISTORY_MONTHS) / 12)
        for product in MATCHED_PRODUCTS:
            for _ in range(int(rng.poisson(product.intake_per_month * INTAKE_SCALE * level))):
                received = month + timedelta(days=int(rng.integers(0, days)))
                if received >= round_date:
                    continue
                municipality = MUNICIPALITIES[int(rng.choice(len(MUNICIPALITIES), p=share))]
                cases.append(_case(rng, product, municipality, received, round_date))
    return cases


def _case(
    rng: np.random.Generator,
    product: Product,
    municipality: Municipality,
    received: date,
    round_date: date,
) -> Case:
    if product.group == CRISIS:
        wait_days = int(rng.integers(0, 4))
    else:
        wait_days = int(rng.exponential(MEAN_WAIT_WEEKS[product.market] * 7))
    started: date | None = received + timedelta(days=wait_days)
    ended: date | None = None
    assert started is not None
    if started >= round_date:
        started = None
    else:
        months = float(rng.gamma(2.0, product.months / 2.0))
        end = started + timedelta(days=max(7, int(months * 30.4)))
        ended = end if end < round_date else None
    return Case(
        product=product,
        municipality=municipality,
        team_id=team_for(rng, product, municipality),
        units=weekly_units(rng, product),
        received=received,
        started=started,
        ended=ended,
    )


def team_for(rng: np.random.Generator, product: Product, municipality: Municipality) -> str:
    """Youth care is held by the youth team, adult support by a neighbourhood team."""
    if product.law is Law.JEUGDWET:
        return youth_team_id(municipality)
    team = municipality.neighbourhood_teams[
        int(rng.integers(0, len(municipality.neighbourhood_teams)))
    ]
    return neighbourhood_team_id(municipality, team)


def weekly_units(rng: np.random.Generator, product: Product) -> Decimal:
    """A client's weekly volume: half hours for hour units, whole units otherwise."""
    low, high = product.weekly_units
    if product.unit is Unit.HOUR:
        return Decimal(str(round(float(rng.uniform(low, high)) * 2) / 2))
    return Decimal(int(rng.integers(int(low), int(high) + 1)))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
