"""The demo's provider field: a few large regional providers and many small local ones.

Large providers hold several interventions and most of the capacity; small ones one or two
interventions in their own municipality. Certificates run three years and are staggered,
so some expire within months of the round date; every current one follows the certificate
it renewed, and a few pairs lapsed (expired without renewal).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matcher.data.demo.catalogue import MATCHED_PRODUCTS, Product
from matcher.data.demo.geography import MUNICIPALITIES, Municipality
from matcher.domain import Certification, Law, Provider

SPECIALISMS = (
    "autism",
    "intellectual_disability",
    "trauma",
    "addiction",
    "brain_injury",
    "dementia",
    "eating_disorder",
    "multilingual",
)
LARGE_NAMES = (
    "Spaarnestad Zorggroep",
    "Duinkracht Jeugd en Gezin",
    "IJmondzorg Collectief",
    "Kustlicht GGZ",
    "Lindehof Wonen en Zorg",
)
_STEMS = ("Zorg", "Buurt", "Duin", "Kust", "Polder", "Linde", "Eik", "Spaarne", "Hout", "Berken")
_TAILS = ("hulp", "kracht", "huis", "plein", "groep", "stroom", "werk", "punt", "hof", "licht")
_FORMS = ("{} BV", "Stichting {}", "{}", "{} Jeugd", "{} Thuis")
VALIDITY_YEARS = 3


@dataclass(frozen=True)
class DemoProvider:
    """A provider with what the demo needs to know about it beyond the round file."""

    provider: Provider
    home: Municipality
    weight: float  # relative size: large providers weigh far more
    products: tuple[str, ...]
    lapsed: frozenset[str]  # interventions whose certificate expired without renewal


def make_providers(rng: np.random.Generator, small_count: int = 118) -> list[DemoProvider]:
    """Five large regional providers, then small_count small and medium local ones."""
    population = np.array([m.population for m in MUNICIPALITIES], dtype=float)
    providers: list[DemoProvider] = []
    used_names: set[str] = set()
    for index in range(len(LARGE_NAMES) + small_count):
        large = index < len(LARGE_NAMES)
        home = MUNICIPALITIES[
            0 if large and index < 3 else int(rng.choice(7, p=population / population.sum()))
        ]
        if large:
            law = (Law.WMO, Law.JEUGDWET, None, None, Law.WMO)[index]
            pool = [p for p in MATCHED_PRODUCTS if law is None or p.law is law]
            count = min(len(pool), int(rng.integers(8, 14)))
            name = LARGE_NAMES[index]
            weight = float(rng.uniform(9, 15))
            specialisms = tuple(sorted(rng.choice(SPECIALISMS, size=4, replace=False).tolist()))
        else:
            pool = list(MATCHED_PRODUCTS)
            count = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
            name = _small_name(rng, used_names)
            weight = (
                float(rng.uniform(2, 4)) if rng.random() < 0.15 else float(rng.uniform(0.3, 1.2))
            )
            k = int(rng.choice([0, 1, 2], p=[0.5, 0.35, 0.15]))
            specialisms = tuple(sorted(rng.choice(SPECIALISMS, size=k, replace=False).tolist()))
        used_names.add(name)
        chosen = _choose_products(rng, pool, count)
        lapsed = frozenset(c for c in chosen if not large and rng.random() < 0.04)
        provider = Provider(
            provider_id=f"P{index + 1:03d}",
            name=name,
            agb_code=f"98{rng.integers(0, 1_000_000):06d}",
            lat=round(home.lat + float(rng.normal(0, 0.008)), 5),
            lon=round(home.lon + float(rng.normal(0, 0.012)), 5),
            specialisms=specialisms,
        )
        providers.append(DemoProvider(provider, home, weight, chosen, lapsed))
    return providers


def _small_name(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        stem = f"{rng.choice(_STEMS)}{rng.choice(_TAILS)}"
        name = str(rng.choice(_FORMS)).format(stem)
        if name not in used:
            return name


def _choose_products(rng: np.random.Generator, pool: list[Product], count: int) -> tuple[str, ...]:
    weights = np.array([p.intake_per_month + 4 for p in pool], dtype=float)
    picks = rng.choice(len(pool), size=count, replace=False, p=weights / weights.sum())
    return tuple(sorted(pool[int(i)].code for i in picks))


def make_certifications(
    rng: np.random.Generator, providers: list[DemoProvider], round_date: date
) -> list[Certification]:
    """Staggered three-year certificates, each after the one it renewed; lapsed pairs
    expired."""
    certifications: list[Certification] = []
    span = VALIDITY_YEARS * 365
    for p in providers:
        for code in p.products:
            if code in p.lapsed:
                end = round_date - timedelta(days=int(rng.integers(20, 240)))
                certifications.append(_certificate(p, code, end - timedelta(days=span - 1), end))
                continue
            start = round_date - timedelta(days=int(rng.integers(20, span - 25)))
            # renewed: the expired certificate before the current one, so the provider was
            # certified all through the history (a backtest's earlier dates see it)
            certifications.append(
                _certificate(p, code, start - timedelta(days=span), start - timedelta(days=1))
            )
            certifications.append(_certificate(p, code, start, start + timedelta(days=span - 1)))
    return certifications


def _certificate(p: DemoProvider, code: str, start: date, end: date) -> Certification:
    return Certification(
        provider_id=p.provider.provider_id, intervention_id=code, valid_from=start, valid_to=end
    )
