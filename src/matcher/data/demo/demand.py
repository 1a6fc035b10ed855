"""The demo's demand: three years of requests with trend and season, and today's open ones.

One process makes both. Requests arrive month by month (Poisson, with ~4% growth a year
and a seasonal pattern: a dip in summer, peaks in autumn and January; episodes.py adds the
episodes), wait as their intervention's queue says (episodes.queue_of), start, run and end.
Those received before the round date but not yet started are the round's open requests
(waiting since they were received); the others are history, and those still running on the
round date are the awarded care.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from matcher.data.demo.catalogue import CRISIS, MATCHED_PRODUCTS, Product
from matcher.data.demo.episodes import handling_weeks, intake_factor, month_start, queue_of
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
    """Every request received in the 36 months before round_date; waits follow each
    intervention's queue (episodes.queue_of)."""
    population = np.array([m.population for m in MUNICIPALITIES], dtype=float)
    share = population / population.sum()
    offsets = list(range(HISTORY_MONTHS + 1))
    months = [o - HISTORY_MONTHS for o in offsets]
    level = [
        SEASON[month_start(round_date, m).month - 1] * (1 + GROWTH_PER_YEAR) ** (m / 12)
        for m in months
    ]
    expected = {
        p.code: [
            p.intake_per_month * INTAKE_SCALE * v * intake_factor(p.code, m)
            for v, m in zip(level, months, strict=True)
        ]
        for p in MATCHED_PRODUCTS
    }
    queues = {
        p.code: queue_of(p, p.intake_per_month * INTAKE_SCALE, expected[p.code], months)
        for p in MATCHED_PRODUCTS
    }
    cases: list[Case] = []
    for offset, m in zip(offsets, months, strict=True):
        month = month_start(round_date, m)
        days = (month_start(round_date, m + 1) - month).days
        for product in MATCHED_PRODUCTS:
            queued = queues[product.code].waits[offset]
            for _ in range(int(rng.poisson(expected[product.code][offset]))):
                received = month + timedelta(days=int(rng.integers(0, days)))
                if received >= round_date:
                    continue
                municipality = MUNICIPALITIES[int(rng.choice(len(MUNICIPALITIES), p=share))]
                cases.append(_case(rng, product, municipality, received, round_date, queued))
    return cases


def _case(
    rng: np.random.Generator,
    product: Product,
    municipality: Municipality,
    received: date,
    round_date: date,
    queued_weeks: float,
) -> Case:
    if product.group == CRISIS:
        wait_days = int(rng.integers(0, 4))
    else:
        handling = float(rng.exponential(handling_weeks(product)))
        queued = queued_weeks * float(rng.uniform(0.8, 1.2))
        wait_days = int((handling + queued) * 7)
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
