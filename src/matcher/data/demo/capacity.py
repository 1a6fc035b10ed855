"""The demo's capacity rows, sized against demand so each market reads as generated.

Per intervention, on the round date: running care R, open requests O and the steady load
L = monthly intake (weekly units received a month over the last 12 months) x the mean care
duration in months (Little's law: the care that intake keeps running). BALANCED
interventions get max(R + 1.3-1.8 x O, BALANCED_MARGIN x L), so the steady load fits with a
margin and the list clears; SHORT ones R + 0.1 x O (the waiting list cannot be cleared, and
below the steady load); FLOODED ones 4.5 x (R + O) (providers get too little work). Each
provider's share follows its size, and is never below the care already awarded to it.

LEAVER's largest provider left 16 months ago (episodes.py): its row stays at LEAVER_SHARE of
today's total, the capacity it had until its certificate ended, and the newcomer certified
8 months ago holds as much; the other holders share the rest.

Some providers carry a `*` total over interventions of one unit. The total is the sum of
their sized rows, and those rows are raised to 1 / STAR_SHARE of it: the provider offers each
intervention more than it can staff at once, and the total binds without taking away the
capacity sized above (a total at 80% of the sized rows made balanced interventions short).
"""

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from matcher.data.demo.catalogue import MATCHED_PRODUCTS, PRODUCTS, Market
from matcher.data.demo.demand import Case
from matcher.data.demo.episodes import LEAVER, LEAVER_SHARE, Leaving
from matcher.data.demo.market import DemoProvider
from matcher.domain import CapacityRow

CAPACITY_FACTOR = {Market.BALANCED: (1.3, 1.8), Market.SHORT: (0.1, 0.1)}
FLOOD_FACTOR = 4.5
BALANCED_MARGIN = 1.4
STAR_SHARE = 0.8
INTAKE_WINDOW_DAYS = 365


def steady_loads(cases: list[Case], round_date: date) -> dict[str, float]:
    """L per intervention: weekly units received a month (last 12 months) x mean months."""
    since = round_date - timedelta(days=INTAKE_WINDOW_DAYS)
    received: dict[str, float] = defaultdict(float)
    for c in cases:
        if since <= c.received < round_date:
            received[c.product.code] += float(c.units)
    return {p.code: received[p.code] / 12 * p.months for p in MATCHED_PRODUCTS}


def size_capacity(
    rng: np.random.Generator,
    providers: list[DemoProvider],
    certified_now: dict[str, list[str]],
    cases: list[Case],
    round_date: date,
    leaving: Leaving,
) -> list[CapacityRow]:
    """Capacity rows sized against demand (see the module docstring); awards get providers."""
    running = [c for c in cases if c.started is not None and c.ended is None]
    weight = {p.provider.provider_id: p.weight for p in providers}
    load_running: dict[str, float] = defaultdict(float)
    load_open: dict[str, float] = defaultdict(float)
    for c in running:
        load_running[c.product.code] += float(c.units)
    for c in cases:
        if c.started is None:
            load_open[c.product.code] += float(c.units)
    steady = steady_loads(cases, round_date)
    rows: dict[tuple[str, str], float] = {}
    for product in MATCHED_PRODUCTS:
        code = product.code
        holders = certified_now[code]
        r, o = load_running[code], load_open[code]
        if product.market is Market.FLOODED:
            total = FLOOD_FACTOR * (r + o)
        else:
            low, high = CAPACITY_FACTOR[product.market]
            total = r + float(rng.uniform(low, high)) * o
            if product.market is Market.BALANCED:
                total = max(total, BALANCED_MARGIN * steady[code])
        share = _shares(holders, weight, total, leaving if code == LEAVER else None)
        used = _assign_running(rng, [c for c in running if c.product.code == code], share)
        for h in holders:
            rows[(h, code)] = max(share[h], used[h], 1.0)
        if code == LEAVER:  # the leaver's row stays: its capacity until its certificate ended
            rows[(leaving.leaver, code)] = LEAVER_SHARE * total
    totals = _total_rows(rng, providers, rows, running)
    starred = {t.provider_id for t in totals}
    result = [
        CapacityRow(
            provider_id=p,
            intervention_id=code,
            capacity_units=Decimal(math.ceil(units / STAR_SHARE if p in starred else units)),
        )
        for (p, code), units in sorted(rows.items())
    ]
    return result + totals


def _shares(
    holders: list[str], weight: dict[str, float], total: float, leaving: Leaving | None
) -> dict[str, float]:
    """Each holder's part of the total by its size; LEAVER's newcomer takes LEAVER_SHARE
    of it (the part the leaver held before it left), the others the rest."""
    rest = [h for h in holders if leaving is None or h != leaving.newcomer]
    left = total * (1 - LEAVER_SHARE) if leaving is not None else total
    weights = np.array([weight[h] for h in rest])
    share = {h: left * w / weights.sum() for h, w in zip(rest, weights, strict=True)}
    if leaving is not None:
        share[leaving.newcomer] = total * LEAVER_SHARE
    return share


def _assign_running(
    rng: np.random.Generator, cases: list[Case], share: dict[str, float]
) -> dict[str, float]:
    """Running care goes to providers in proportion to their free share of capacity."""
    used = dict.fromkeys(share, 0.0)
    holders = list(share)
    for case in cases:
        free = np.array([max(share[h] - used[h], 0.0) + 1e-6 for h in holders])
        chosen = holders[int(rng.choice(len(holders), p=free / free.sum()))]
        case.provider_id = chosen
        used[chosen] += float(case.units)
    return used


def _total_rows(
    rng: np.random.Generator,
    providers: list[DemoProvider],
    rows: dict[tuple[str, str], float],
    running: list[Case],
) -> list[CapacityRow]:
    """A `*` total (the sum of the sized rows) for some providers whose interventions share
    one unit (a total over hours and day-parts together would mean nothing)."""
    unit = {p.code: p.unit for p in PRODUCTS}
    awarded: dict[str, float] = defaultdict(float)
    for c in running:
        awarded[c.provider_id or ""] += float(c.units)
    totals = []
    for p in providers:
        pid = p.provider.provider_id
        own = [units for (q, code), units in rows.items() if q == pid]
        codes = [code for (q, code) in rows if q == pid]
        if len(own) < 2 or len({unit[c] for c in codes}) != 1 or rng.random() > 0.5:
            continue
        total = max(sum(math.ceil(u) for u in own), awarded[pid] + 1)
        totals.append(
            CapacityRow(
                provider_id=pid, intervention_id="*", capacity_units=Decimal(math.ceil(total))
            )
        )
    return totals
