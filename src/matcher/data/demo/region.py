"""Assemble the demo region: providers, certificates, demand, capacity, bids and budgets.

Capacity is sized from demand per intervention (`capacity.py`): balanced, short or flooded.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from matcher.data.demo.capacity import size_capacity
from matcher.data.demo.catalogue import MATCHED_PRODUCTS, PRODUCTS, Product
from matcher.data.demo.demand import Case, generate_cases
from matcher.data.demo.episodes import choose_leaving, leaving_certificates
from matcher.data.demo.geography import (
    MUNICIPALITIES,
    neighbourhood_team_id,
    youth_team_id,
)
from matcher.data.demo.market import (
    DemoProvider,
    make_certifications,
    make_providers,
)
from matcher.domain import (
    Award,
    Bid,
    Budget,
    Certification,
    HistoryRecord,
    Intervention,
    Offer,
    Policy,
    Request,
    Round,
    Team,
    TeamKind,
    Unit,
    Urgency,
)
from matcher.domain.money import match_cost_cents

MIN_PROVIDERS_PER_PRODUCT = 3


def generate_region(seed: int = 2026, round_date: date = date(2026, 11, 23)) -> Round:
    """The demo region for seed, as of round_date. Pure: the same seed gives the same round."""
    rng = np.random.default_rng(seed)
    providers, leaving = choose_leaving(_cover_every_product(rng, make_providers(rng)))
    certifications = leaving_certificates(
        make_certifications(rng, providers, round_date), leaving, round_date
    )
    certified_now = _certified_on(certifications, round_date)
    cases = generate_cases(rng, round_date)
    started = [c for c in cases if c.started is not None]
    for number, case in enumerate(started, start=1):
        case.case_id = f"H{number:06d}"
    open_cases = [c for c in cases if c.started is None]
    running = [c for c in cases if c.started is not None and c.ended is None]
    capacity = size_capacity(rng, providers, certified_now, cases, round_date, leaving)
    _assign_past_providers(rng, providers, certifications, cases)
    by_id = {p.provider.provider_id: p for p in providers}
    requests = _open_requests(rng, open_cases, certified_now, by_id, round_date)
    return Round(
        interventions=tuple(_intervention(p) for p in PRODUCTS),
        providers=tuple(p.provider for p in providers),
        certifications=tuple(certifications),
        capacity=tuple(capacity),
        requests=tuple(requests),
        bids=tuple(_bids(rng, requests, certifications, providers)),
        offers=tuple(_offers(rng, certified_now)),
        budgets=tuple(_budgets(rng, requests)),
        teams=tuple(_teams()),
        awards=tuple(_awards(rng, running, round_date)),
        history=tuple(_history(c) for c in started),
        policy=Policy(round_date=round_date, max_distance_km=25),
    )


def _intervention(p: Product) -> Intervention:
    return Intervention(
        intervention_id=p.code,
        name=p.name,
        law=p.law,
        segment=p.segment,
        product_group=p.group,
        funding=p.funding,
        unit=p.unit,
        tariff_min=p.tariff_min,
        tariff_max=p.tariff_max,
    )


def _cover_every_product(
    rng: np.random.Generator, providers: list[DemoProvider]
) -> list[DemoProvider]:
    """Give every matched intervention at least three providers, adding it to small ones."""
    holders: dict[str, int] = defaultdict(int)
    for p in providers:
        for code in p.products:
            holders[code] += 1
    small = list(range(5, len(providers)))
    for product in MATCHED_PRODUCTS:
        while holders[product.code] < MIN_PROVIDERS_PER_PRODUCT:
            index = int(rng.choice(small))
            p = providers[index]
            if product.code in p.products:
                continue
            providers[index] = replace(p, products=tuple(sorted((*p.products, product.code))))
            holders[product.code] += 1
    return providers


def _certified_on(certifications: list[Certification], day: date) -> dict[str, list[str]]:
    """Providers certified on day, per intervention, in provider order."""
    result: dict[str, list[str]] = defaultdict(list)
    for c in certifications:
        if c.covers(day) and c.provider_id not in result[c.intervention_id]:
            result[c.intervention_id].append(c.provider_id)
    return result


def _assign_past_providers(
    rng: np.random.Generator,
    providers: list[DemoProvider],
    certifications: list[Certification],
    cases: list[Case],
) -> None:
    """Ended care was delivered by a provider that held the intervention, by size: one
    certified on the start date when there is one (the leaver before it left, the newcomer
    only after it came)."""
    holders: dict[str, list[DemoProvider]] = defaultdict(list)
    for p in providers:
        for code in p.products:
            holders[code].append(p)
    spans: dict[tuple[str, str], list[Certification]] = defaultdict(list)
    for c in certifications:
        spans[(c.provider_id, c.intervention_id)].append(c)
    for case in cases:
        if case.started is None or case.provider_id is not None:
            continue
        code, day = case.product.code, case.started
        pool = [
            p
            for p in holders[code]
            if any(c.covers(day) for c in spans[(p.provider.provider_id, code)])
        ] or holders[code]
        weights = np.array([p.weight for p in pool])
        case.provider_id = pool[
            int(rng.choice(len(pool), p=weights / weights.sum()))
        ].provider.provider_id


def _open_requests(
    rng: np.random.Generator,
    cases: list[Case],
    certified_now: dict[str, list[str]],
    providers: dict[str, DemoProvider],
    round_date: date,
) -> list[Request]:
    refs = rng.choice(16**6, size=len(cases), replace=False)
    requests = []
    for number, (case, ref) in enumerate(zip(cases, refs, strict=True), start=1):
        product = case.product
        holders = certified_now[product.code]
        crisis = product.group == "crisis" or rng.random() < 0.03
        urgency = (
            Urgency.CRISIS if crisis else (Urgency.HIGH if rng.random() < 0.15 else Urgency.NORMAL)
        )
        start = round_date + timedelta(days=int(rng.integers(0, 4 if crisis else 43)))
        located = rng.random() < 0.85
        m = case.municipality
        preferred = _pick(rng, holders, int(rng.choice([1, 2, 3]))) if rng.random() < 0.2 else ()
        others = [h for h in holders if h not in preferred]
        excluded = _pick(rng, others, 1) if rng.random() < 0.05 else ()
        current = (
            _pick(rng, [h for h in others if h not in excluded], 1) if rng.random() < 0.12 else ()
        )
        offered = sorted({s for h in holders for s in providers[h].provider.specialisms})
        required = _pick(rng, offered, 1) if offered and rng.random() < 0.06 else ()
        requests.append(
            Request(
                request_id=f"R{number:05d}",
                client_ref=f"C-{int(ref):06X}",
                team_id=case.team_id,
                intervention_id=product.code,
                units=case.units,
                start_date=start,
                urgency=urgency,
                lat=round(m.lat + float(rng.normal(0, 0.01)), 5) if located else None,
                lon=round(m.lon + float(rng.normal(0, 0.015)), 5) if located else None,
                preferred_providers=preferred,
                excluded_providers=excluded,
                current_provider=current[0] if current else None,
                required_specialisms=required,
                waiting_since=case.received,  # with the history: the full intake
            )
        )
    return requests


def _pick(rng: np.random.Generator, pool: list[str], count: int) -> tuple[str, ...]:
    if not pool:
        return ()
    picks = rng.choice(len(pool), size=min(count, len(pool)), replace=False)
    return tuple(pool[int(i)] for i in picks)


def _tariff(
    rng: np.random.Generator, product: Product, low: float = 0.1, high: float = 0.9
) -> Decimal:
    """A tariff inside the band, to the quarter euro."""
    span = float(product.tariff_max - product.tariff_min)
    value = float(product.tariff_min) + span * float(rng.uniform(low, high))
    return Decimal(str(round(value * 4) / 4))


def _bids(
    rng: np.random.Generator,
    requests: list[Request],
    certifications: list[Certification],
    providers: list[DemoProvider],
) -> list[Bid]:
    """Bids from providers certified on the start date; a few from lapsed providers and a
    handful outside the band, as in any real round."""
    product = {p.code: p for p in PRODUCTS}
    lapsed: dict[str, list[str]] = defaultdict(list)
    for p in providers:
        for code in p.lapsed:
            lapsed[code].append(p.provider.provider_id)
    bids: list[Bid] = []
    for request in requests:
        item = product[request.intervention_id]
        eligible = [
            c.provider_id
            for c in certifications
            if c.intervention_id == request.intervention_id and c.covers(request.start_date)
        ]
        eligible = [e for e in dict.fromkeys(eligible) if e not in request.excluded_providers]
        bidders = list(_pick(rng, eligible, int(rng.poisson(2.2))))
        if lapsed[request.intervention_id] and rng.random() < 0.02:
            bidders += [
                p for p in _pick(rng, lapsed[request.intervention_id], 1) if p not in bidders
            ]
        for provider_id in bidders:
            tariff = _tariff(rng, item)
            if rng.random() < 0.006:
                tariff = item.tariff_max + Decimal(int(rng.integers(1, 10)))
            units = None
            if item.unit is Unit.HOUR and rng.random() < 0.1:
                units = max(Decimal("0.5"), request.units + Decimal(str(rng.choice([-0.5, 0.5]))))
            bids.append(
                Bid(
                    request_id=request.request_id,
                    provider_id=provider_id,
                    tariff=tariff,
                    units=units,
                )
            )
    return bids


def _offers(rng: np.random.Generator, certified_now: dict[str, list[str]]) -> list[Offer]:
    product = {p.code: p for p in PRODUCTS}
    offers = []
    for code, holders in sorted(certified_now.items()):
        for provider_id in holders:
            if rng.random() < 0.55:
                tariff = _tariff(rng, product[code], 0.2, 0.95)
                offers.append(Offer(provider_id=provider_id, intervention_id=code, tariff=tariff))
    return offers


def _budgets(rng: np.random.Generator, requests: list[Request]) -> list[Budget]:
    """Per team and segment: the mid-band cost of its open requests times 0.6-1.4, so some
    teams can place everything and others run out."""
    product = {p.code: p for p in PRODUCTS}
    need: dict[tuple[str, str], int] = defaultdict(int)
    for r in requests:
        item = product[r.intervention_id]
        mid = (item.tariff_min + item.tariff_max) / 2
        need[(r.team_id, item.segment.value)] += match_cost_cents(item.funding, mid, r.units)
    budgets = []
    for (team, segment), cents in sorted(need.items()):
        amount = max(500, round(cents / 100 * float(rng.uniform(0.6, 1.4)), -2))
        budgets.append(Budget(team_id=team, segment=segment, amount=Decimal(int(amount))))
    return budgets


def _teams() -> list[Team]:
    teams = []
    for m in MUNICIPALITIES:
        for name in m.neighbourhood_teams:
            teams.append(
                Team(
                    team_id=neighbourhood_team_id(m, name),
                    name=f"Sociaal wijkteam {name}",
                    municipality=m.name,
                    kind=TeamKind.NEIGHBOURHOOD,
                )
            )
        teams.append(
            Team(
                team_id=youth_team_id(m),
                name=f"CJG {m.name}",
                municipality=m.name,
                kind=TeamKind.YOUTH,
            )
        )
    return teams


def _awards(rng: np.random.Generator, running: list[Case], round_date: date) -> list[Award]:
    """Care running on the round date; most have a planned end, still ahead."""
    awards = []
    for case in running:
        assert case.started is not None
        assert case.provider_id is not None
        planned = case.started + timedelta(days=int(case.product.months * 30.4 * 1.5))
        awards.append(
            Award(
                request_id=case.case_id,
                provider_id=case.provider_id,
                intervention_id=case.product.code,
                tariff=_tariff(rng, case.product),
                units=case.units,
                awarded_on=case.started,
                ends_on=planned if rng.random() < 0.7 and planned > round_date else None,
            )
        )
    return awards


def _history(case: Case) -> HistoryRecord:
    return HistoryRecord(
        request_id=case.case_id,
        team_id=case.team_id,
        intervention_id=case.product.code,
        units=case.units,
        received_on=case.received,
        started_on=case.started,
        ended_on=case.ended,
        provider_id=case.provider_id,
    )
