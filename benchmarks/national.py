"""A synthetic national round for the nightly batch benchmark, generated from a seed.

The Netherlands contracts care per region: each region has its own product codes, its own
providers (a few work in two regions) and its own teams. So the round falls apart into
regions or smaller: a request's candidates are the providers of its region that offer its
product (about 28 offer each product; expired certificates, client exclusions and required
specialisms leave about 20 admissible). Capacity per provider and product is sized so that
most requests can be placed; a few providers also have a binding total (`*`) row, and a few
teams a binding budget, which join products of a region into one larger part.

At 100,000 requests: 42 regions, 2,982 providers, 420 products. A smaller round keeps the
same density per region and has fewer regions (10,000 requests: 4 regions).
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from matcher.domain import (
    Award,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Offer,
    Policy,
    Provider,
    Request,
    Round,
    Segment,
    Team,
    TeamKind,
    Unit,
    Urgency,
)

ROUND_DATE = date(2026, 11, 23)
REQUESTS_PER_REGION = 2381  # 100,000 / 42
PROVIDERS_PER_REGION = 71  # about 3,000 nationally
PRODUCTS_PER_REGION = 10
PRODUCTS_PER_PROVIDER = 4
TEAMS_PER_REGION = 6
SPECIALISMS = ("trauma", "autism", "lvb", "ggz", "verslaving")
URGENCIES = (Urgency.CRISIS, Urgency.HIGH, Urgency.NORMAL)
CAPACITY_FACTOR = 1.6  # free capacity per product over its demand, shared over its offerers
TOTAL_ROW_SHARE = 0.02  # providers with a binding `*` row
TIGHT_BUDGET_SHARE = 0.03  # team budgets that bind


def national_round(n_requests: int = 100_000, seed: int = 42) -> Round:
    """A national round of about n_requests open requests (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_regions = max(1, round(n_requests / REQUESTS_PER_REGION))
    per_region = np.full(n_regions, n_requests // n_regions)
    per_region[: n_requests % n_regions] += 1
    parts = [_region(rng, g, int(per_region[g])) for g in range(n_regions)]
    return Round(
        interventions=tuple(x for p in parts for x in p["interventions"]),
        providers=tuple(x for p in parts for x in p["providers"]),
        certifications=tuple(x for p in parts for x in p["certifications"]),
        capacity=tuple(x for p in parts for x in p["capacity"]),
        requests=tuple(x for p in parts for x in p["requests"]),
        bids=tuple(x for p in parts for x in p["bids"]),
        offers=tuple(x for p in parts for x in p["offers"]),
        budgets=tuple(x for p in parts for x in p["budgets"]),
        teams=tuple(x for p in parts for x in p["teams"]),
        awards=tuple(x for p in parts for x in p["awards"]),
        policy=Policy(round_date=ROUND_DATE, max_distance_km=40.0),
    )


def _region(rng: np.random.Generator, g: int, n_req: int) -> dict[str, list[Any]]:
    """One region: its products, providers, teams, requests and what binds them."""
    centre = (51.0 + 2.4 * rng.random(), 4.0 + 2.8 * rng.random())
    products = []
    for k in range(PRODUCTS_PER_REGION):
        hourly = k < 6
        low = Decimal(int(rng.integers(45, 80)))
        products.append(
            Intervention(
                intervention_id=f"R{g:02d}P{k:02d}",
                name=f"Product {k} of region {g}",
                law=Law.JEUGDWET if k % 2 else Law.WMO,
                segment=Segment.B if k < 7 else Segment.C,
                product_group="ambulant" if hourly else "verblijf",
                funding=Funding.EFFORT if hourly else Funding.OUTPUT,
                unit=Unit.HOUR if hourly else Unit.ARRANGEMENT,
                tariff_min=low if hourly else low * 20,
                tariff_max=(low + 40) if hourly else (low + 40) * 20,
            )
        )
    providers, certs, offers = [], [], []
    offered: dict[str, list[str]] = {p.intervention_id: [] for p in products}
    for j in range(PROVIDERS_PER_REGION):
        pid = f"R{g:02d}A{j:03d}"
        lat, lon = _near(rng, centre, 0.12)
        providers.append(
            Provider(
                provider_id=pid,
                name=f"Provider {j} of region {g}",
                lat=lat,
                lon=lon,
                specialisms=tuple(s for s in SPECIALISMS if rng.random() < 0.6),
            )
        )
        chosen = rng.choice(PRODUCTS_PER_REGION, PRODUCTS_PER_PROVIDER, replace=False)
        for k in sorted(chosen.tolist()):
            product = products[k]
            iid = product.intervention_id
            expired = rng.random() < 0.05
            certs.append(
                Certification(
                    provider_id=pid,
                    intervention_id=iid,
                    valid_from=date(2024, 1, 1),
                    valid_to=date(2026, 6, 30) if expired else date(2028, 12, 31),
                )
            )
            span = product.tariff_max - product.tariff_min
            tariff = product.tariff_min + (span * Decimal(int(rng.integers(0, 101))) / 100)
            offers.append(Offer(provider_id=pid, intervention_id=iid, tariff=tariff))
            offered[iid].append(pid)
    teams = [
        Team(
            team_id=f"R{g:02d}T{t}",
            name=f"Team {t} of region {g}",
            municipality=f"Gemeente {g}-{t}",
            kind=TeamKind.YOUTH if t % 2 else TeamKind.NEIGHBOURHOOD,
        )
        for t in range(TEAMS_PER_REGION)
    ]
    requests, bids = [], []
    demand: dict[str, float] = {p.intervention_id: 0.0 for p in products}
    for i in range(n_req):
        product = products[int(rng.integers(0, PRODUCTS_PER_REGION))]
        iid = product.intervention_id
        units = Decimal(int(rng.integers(1, 9))) if product.unit is Unit.HOUR else Decimal(1)
        demand[iid] += float(units)
        pool = offered[iid]
        lat, lon = _near(rng, centre, 0.12)
        draw = rng.random(4)
        preferred = tuple(rng.choice(pool, 2, replace=False).tolist()) if draw[0] < 0.3 else ()
        excluded = tuple(p for p in pool if p not in preferred and rng.random() < 0.03)
        rid = f"R{g:02d}Q{i:05d}"
        requests.append(
            Request(
                request_id=rid,
                client_ref=f"C{g:02d}{i:05d}",
                team_id=teams[int(rng.integers(0, TEAMS_PER_REGION))].team_id,
                intervention_id=iid,
                units=units,
                start_date=ROUND_DATE + timedelta(days=int(rng.integers(0, 60))),
                urgency=URGENCIES[int(np.searchsorted([0.05, 0.25], draw[1], side="right"))],
                lat=lat,
                lon=lon,
                preferred_providers=preferred,
                excluded_providers=excluded,
                current_provider=str(rng.choice(pool)) if draw[2] < 0.1 else None,
                required_specialisms=(str(rng.choice(SPECIALISMS)),) if draw[3] < 0.1 else (),
                waiting_since=ROUND_DATE - timedelta(days=int(rng.integers(0, 400))),
            )
        )
        if rng.random() < 0.1:  # a tenth of the requests got explicit bids
            for pid in rng.choice(pool, min(3, len(pool)), replace=False).tolist():
                span = product.tariff_max - product.tariff_min
                tariff = product.tariff_min + span * Decimal(int(rng.integers(0, 101))) / 100
                bids.append(Bid(request_id=rid, provider_id=pid, tariff=tariff))
    capacity, awards = _capacity(rng, g, products, offered, demand)
    budgets = _budgets(rng, teams, requests, products)
    return {
        "interventions": products,
        "providers": providers,
        "certifications": certs,
        "capacity": capacity,
        "requests": requests,
        "bids": bids,
        "offers": offers,
        "budgets": budgets,
        "teams": teams,
        "awards": awards,
    }


def _capacity(
    rng: np.random.Generator,
    g: int,
    products: list[Intervention],
    offered: dict[str, list[str]],
    demand: dict[str, float],
) -> tuple[list[CapacityRow], list[Award]]:
    """Capacity per provider and product: CAPACITY_FACTOR x the product's demand shared over
    its offerers, plus running awards that use a part of it; some get a binding `*` row."""
    rows, awards = [], []
    per_provider: dict[str, float] = {}
    unit_of = {p.intervention_id: p for p in products}
    n = 0
    for iid, pool in offered.items():
        share = CAPACITY_FACTOR * demand[iid] / max(len(pool), 1)
        for pid in pool:
            free = max(1, round(share * (0.5 + rng.random())))
            running = int(rng.integers(0, 3))
            rows.append(
                CapacityRow(
                    provider_id=pid, intervention_id=iid, capacity_units=Decimal(free + running)
                )
            )
            per_provider[pid] = per_provider.get(pid, 0) + free
            product = unit_of[iid]
            for _ in range(running):
                awards.append(
                    Award(
                        request_id=f"R{g:02d}W{n:05d}",
                        provider_id=pid,
                        intervention_id=iid,
                        tariff=product.tariff_min,
                        units=Decimal(1),
                        awarded_on=ROUND_DATE - timedelta(days=30),
                    )
                )
                n += 1
    for pid, total in sorted(per_provider.items()):
        if rng.random() < TOTAL_ROW_SHARE:
            running = sum(1 for a in awards if a.provider_id == pid)
            rows.append(
                CapacityRow(
                    provider_id=pid,
                    intervention_id="*",
                    capacity_units=Decimal(max(1, round(0.8 * total)) + running),
                )
            )
    return rows, awards


def _budgets(
    rng: np.random.Generator,
    teams: list[Team],
    requests: list[Request],
    products: list[Intervention],
) -> list[Budget]:
    """A budget per team and segment: ample for most, binding for about one team in ten."""
    product = {p.intervention_id: p for p in products}
    need: dict[tuple[str, Segment], Decimal] = {}
    for r in requests:
        p = product[r.intervention_id]
        cost = p.tariff_max * r.units if p.funding is Funding.EFFORT else p.tariff_max
        key = (r.team_id, p.segment)
        need[key] = need.get(key, Decimal(0)) + cost
    budgets = []
    for (team, segment), amount in sorted(need.items()):
        factor = Decimal("0.7") if rng.random() < TIGHT_BUDGET_SHARE else Decimal("2")
        budgets.append(
            Budget(team_id=team, segment=segment, amount=(amount * factor).quantize(Decimal(1)))
        )
    return budgets


def _near(
    rng: np.random.Generator, centre: tuple[float, float], spread: float
) -> tuple[float, float]:
    lat = centre[0] + spread * rng.standard_normal()
    lon = centre[1] + 1.6 * spread * rng.standard_normal()
    return round(float(lat), 5), round(float(lon), 5)
