"""The demo's demand: three years of requests with trend and season, and today's open ones.

One process makes both. Requests arrive month by month (Poisson, with ~4% growth a year
and a seasonal pattern: a dip in summer, peaks in autumn and January), wait, start, run
and end. All of them are the history (the intake record a forecast needs); those not yet
started on the round date are also the round's open requests (waiting since they were
received, under the same request id), and those still running are the awarded care.
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
    case_id: str = ""  # request id: H... once started, else the open request's R...


def generate_cases(rng: np.random.Generator, round_date: date) -> list[Case]:
    """Every request received in the 36 months before round_date.

    Draws are made in arrays per month and intervention: a Python call per draw would make
    the ~22,000 cases the slowest part of the generator.
    """
    population = np.array([m.population for m in MUNICIPALITIES], dtype=float)
    share = population / population.sum()
    first = _add_months(round_date.replace(day=1), -HISTORY_MONTHS)
    cases: list[Case] = []
    for offset in range(HISTORY_MONTHS + 1):
        month = _add_months(first, offset)
        days = (_add_months(month, 1) - month).days
        level = SEASON[month.month - 1] * (1 + GROWTH_PER_YEAR) ** ((offset - HISTORY_MONTHS) / 12)
        for product in MATCHED_PRODUCTS:
            count = int(rng.poisson(product.intake_per_month * INTAKE_SCALE * level))
            day = rng.integers(0, days, size=count)
            where = rng.choice(len(MUNICIPALITIES), size=count, p=share)
            wait = _wait_days(rng, product, count)
            months = rng.gamma(2.0, product.months / 2.0, size=count)
            units = weekly_units(rng, product, count)
            team = rng.integers(0, 1 << 16, size=count)  # picks a neighbourhood team
            for i in range(count):
                received = month + timedelta(days=int(day[i]))
                if received >= round_date:
                    continue
                municipality = MUNICIPALITIES[int(where[i])]
                start = received + timedelta(days=int(wait[i]))
                end = start + timedelta(days=max(7, int(float(months[i]) * 30.4)))
                started = start if start < round_date else None
                ended = end if started is not None and end < round_date else None
                cases.append(
                    Case(
                        product=product,
                        municipality=municipality,
                        team_id=team_for(product, municipality, int(team[i])),
                        units=units[i],
                        received=received,
                        started=started,
                        ended=ended,
                    )
                )
    return cases


def _wait_days(rng: np.random.Generator, product: Product, count: int) -> np.ndarray:
    """Crisis care starts within days; elsewhere the wait follows how tight the market is."""
    if product.group == CRISIS:
        return rng.integers(0, 4, size=count)
    return np.floor(rng.exponential(MEAN_WAIT_WEEKS[product.market] * 7, size=count))


def team_for(product: Product, municipality: Municipality, draw: int) -> str:
    """Youth care is held by the youth team, adult support by a neighbourhood team."""
    if product.law is Law.JEUGDWET:
        return youth_team_id(municipality)
    teams = municipality.neighbourhood_teams
    return neighbourhood_team_id(municipality, teams[draw % len(teams)])


def weekly_units(rng: np.random.Generator, product: Product, count: int) -> list[Decimal]:
    """Clients' weekly volumes: half hours for hour units, whole units otherwise."""
    low, high = product.weekly_units
    if product.unit is Unit.HOUR:
        halves = np.rint(rng.uniform(low, high, size=count) * 2).astype(int)
        return [Decimal(int(h)) / 2 for h in halves]
    return [Decimal(int(u)) for u in rng.integers(int(low), int(high) + 1, size=count)]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
