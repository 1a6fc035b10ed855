"""A plain reference for ``build_problem``: every candidate pair judged one at a time.

The build works on arrays (``matcher.matching.candidates``, ``admissibility``, ``terms``,
``limits``); this module writes the same domain rules out pair by pair, with Decimal money
and ``math`` trigonometry, the way the build did before it was vectorised (commit ad543ed),
so that a property test can hold the two side by side. It shares nothing with the array code
but the domain's money rules (``to_cents``, ``match_cost_cents``) and the result types.
Speed does not matter here; being easy to read against models/matching.md does.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from matcher.domain import (
    ALL_INTERVENTIONS,
    Funding,
    Intervention,
    Policy,
    Provider,
    Request,
    Round,
)
from matcher.domain.money import match_cost_cents, to_cents
from matcher.matching.overrides import Overrides
from matcher.matching.problem import (
    Limit,
    LimitKind,
    MatchingProblem,
    PinConflict,
    Rejection,
    RejectReason,
)

EARTH_RADIUS_KM = 6371.0088
SHARE_SCALE = 1000  # market shares in thousandths
SHARE_CAP_MIN_PROVIDERS = 3  # a share cap needs a real choice of providers
BASE_WEIGHT = 10  # points of one placed request


@dataclass
class Pair:
    """One admissible pair as the reference sees it."""

    request: int
    provider: int
    tariff: Decimal
    units: Decimal
    from_bid: bool
    km: float | None
    terms: dict[str, int]


def distance_km(request: Request, provider: Provider) -> float | None:
    """Great-circle km rounded to a tenth; None when either location is unknown."""
    if request.lat is None or request.lon is None or provider.lat is None or provider.lon is None:
        return None
    p1, p2 = math.radians(request.lat), math.radians(provider.lat)
    dp, dl = p2 - p1, math.radians(provider.lon - request.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h))), 1)


def hundredths(units: Decimal) -> int:
    return int(units * 100)


def weight_of(request: Request, policy: Policy, day: date) -> int:
    """10 points, plus per_week x 10 for every whole week waited (capped)."""
    if request.waiting_since is None:
        return BASE_WEIGHT
    weeks = min(max((day - request.waiting_since).days // 7, 0), policy.aging.max_weeks)
    return BASE_WEIGHT + int((policy.aging.per_week * BASE_WEIGHT * weeks).to_integral_value())


def broken_rule(
    round_: Round,
    request: Request,
    provider: Provider,
    intervention: Intervention,
    tariff: Decimal,
    km: float | None,
    policy: Policy,
    overrides: Overrides,
) -> tuple[RejectReason, str] | None:
    """The first rule of the data contract the pair breaks, with its words; None if none."""
    pid, iid, start = provider.provider_id, intervention.intervention_id, request.start_date
    if (request.request_id, pid) in overrides.forbids:
        return RejectReason.FORBIDDEN, f"the regisseur ruled out {pid} for this request"
    if pid in request.excluded_providers:
        return RejectReason.EXCLUDED_BY_CLIENT, f"the client does not want {pid}"
    held = [c for c in round_.certifications if c.provider_id == pid and c.intervention_id == iid]
    if not any(c.valid_from <= start <= c.valid_to for c in held):
        ended = [c.valid_to for c in held if c.valid_to < start]
        if ended:
            return (
                RejectReason.CERTIFICATION_EXPIRED,
                f"{pid}'s certificate for {iid} ended on {max(ended).isoformat()}, "
                f"before the start date {start.isoformat()}",
            )
        if held:
            first = min(c.valid_from for c in held)
            return (
                RejectReason.NOT_CERTIFIED,
                f"{pid}'s certificate for {iid} only starts on {first.isoformat()}, "
                f"after the start date {start.isoformat()}",
            )
        return RejectReason.NOT_CERTIFIED, f"{pid} is not certified for {iid}"
    if not intervention.tariff_min <= tariff <= intervention.tariff_max:
        return (
            RejectReason.TARIFF_OUT_OF_BAND,
            f"{pid} asks EUR {tariff}, outside the band EUR {intervention.tariff_min}"
            f"-{intervention.tariff_max} of {iid}",
        )
    missing = sorted(set(request.required_specialisms) - set(provider.specialisms))
    if missing:
        words = ", ".join(m.replace("_", " ") for m in missing)
        return RejectReason.MISSING_SPECIALISM, f"{pid} does not offer {words}"
    limit = policy.max_distance_km
    if km is not None and limit is not None and km > limit:
        return (
            RejectReason.BEYOND_DISTANCE,
            f"{pid} is {km:.1f} km away, beyond the limit of {limit:g} km",
        )
    rows = {(c.provider_id, c.intervention_id) for c in round_.capacity}
    if (pid, iid) not in rows and (pid, ALL_INTERVENTIONS) not in rows:
        return (
            RejectReason.NO_CAPACITY_ROW,
            f"{pid} is certified for {iid} but has no capacity listed for it",
        )
    return None


def terms_of(
    request: Request,
    pid: str,
    intervention: Intervention,
    tariff: Decimal,
    units: Decimal,
    km: float | None,
    policy: Policy,
) -> dict[str, int]:
    """The four objective terms of one pair in cents, in catalogue order."""
    weights = policy.weights
    ranked = request.preferred_providers
    steps = (ranked.index(pid) if pid in ranked else len(ranked)) if ranked else 0
    change = request.current_provider is not None and request.current_provider != pid
    return {
        "cost": match_cost_cents(intervention.funding, tariff, units),
        "distance": 0 if km is None else to_cents(weights.distance_per_km * Decimal(str(km))),
        "preference": to_cents(weights.preference_per_rank * steps),
        "continuity": to_cents(weights.continuity) if change else 0,
    }


def offered_and_bid(round_: Round, request: Request) -> dict[str, tuple[Decimal, Decimal, bool]]:
    """Provider -> (tariff, units, from a bid) for one request: the standing offers of its
    intervention, then its own bids over them; of two on one provider the later counts."""
    found: dict[str, tuple[Decimal, Decimal, bool]] = {}
    for offer in round_.offers or ():
        if offer.intervention_id == request.intervention_id:
            found[offer.provider_id] = (offer.tariff, request.units, False)
    for bid in round_.bids:
        if bid.request_id == request.request_id:
            units = request.units if bid.units is None else bid.units
            found[bid.provider_id] = (bid.tariff, units, True)
    return found


def reference_build(round_: Round, overrides: Overrides | None = None) -> MatchingProblem:
    """The MatchingProblem of ``round_``, built one pair at a time."""
    overrides = overrides or Overrides()
    policy = round_.effective_policy()
    day = policy.round_date or date.today()
    interventions = {i.intervention_id: i for i in round_.interventions}
    providers = {p.provider_id: p for p in round_.providers}
    provider_ids = tuple(sorted(providers))
    awarded = {a.request_id for a in round_.awards or ()}
    requests = [
        r
        for r in round_.requests
        if r.request_id not in awarded
        and interventions[r.intervention_id].funding is not Funding.TASK
    ]
    pairs: list[Pair] = []
    rejections: list[Rejection] = []
    for ri, request in enumerate(requests):
        intervention = interventions[request.intervention_id]
        candidates = offered_and_bid(round_, request)
        for pid in sorted(candidates):
            if pid not in providers:
                continue
            tariff, units, from_bid = candidates[pid]
            km = distance_km(request, providers[pid])
            why = broken_rule(
                round_, request, providers[pid], intervention, tariff, km, policy, overrides
            )
            if why is not None:
                rejections.append(Rejection(ri, pid, why[0], why[1]))
                continue
            terms = terms_of(request, pid, intervention, tariff, units, km, policy)
            pairs.append(Pair(ri, provider_ids.index(pid), tariff, units, from_bid, km, terms))
    pinned, conflicts = pins_of(overrides, requests, provider_ids, pairs)
    return MatchingProblem(
        request_ids=tuple(r.request_id for r in requests),
        provider_ids=provider_ids,
        urgency_rank=ints([r.urgency.rank for r in requests]),
        weight=ints([weight_of(r, policy, day) for r in requests]),
        pair_request=ints([p.request for p in pairs]),
        pair_provider=ints([p.provider for p in pairs]),
        pair_tariff=ints([to_cents(p.tariff) for p in pairs]),
        pair_units=ints([hundredths(p.units) for p in pairs]),
        pair_terms={
            name: ints([p.terms[name] for p in pairs])
            for name in ("cost", "distance", "preference", "continuity")
        },
        pair_from_bid=np.asarray([p.from_bid for p in pairs], dtype=np.bool_),
        pair_km=np.asarray([math.nan if p.km is None else p.km for p in pairs], dtype=np.float64),
        pair_pinned=np.asarray(pinned, dtype=np.bool_),
        limits=tuple(limits_of(round_, requests, interventions, provider_ids, pairs, policy)),
        rejections=tuple(rejections),
        pin_conflicts=tuple(conflicts),
    )


def ints(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def pins_of(
    overrides: Overrides, requests: list[Request], provider_ids: tuple[str, ...], pairs: list[Pair]
) -> tuple[list[bool], list[PinConflict]]:
    """Which pairs are pinned; a pin on no admissible pair, or a second pin on a request, is
    a conflict (in the order of the sorted pins, then per request)."""
    request_ids = [r.request_id for r in requests]
    where = {(request_ids[p.request], provider_ids[p.provider]): a for a, p in enumerate(pairs)}
    pinned = [False] * len(pairs)
    conflicts: list[PinConflict] = []
    per_request: dict[str, list[str]] = {}
    for rid, pid in sorted(overrides.pins):
        per_request.setdefault(rid, []).append(pid)
        if (rid, pid) in where:
            pinned[where[(rid, pid)]] = True
        elif rid not in request_ids:
            why = "the request is not open in this round"
            conflicts.append(PinConflict(rid, pid, f"pin {rid} to {pid}: {why}"))
        else:
            why = f"{pid} is not an admissible provider for it"
            conflicts.append(PinConflict(rid, pid, f"pin {rid} to {pid}: {why}"))
    for rid, pids in per_request.items():
        for pid in pids if len(pids) > 1 else []:
            others = ", ".join(p for p in pids if p != pid)
            conflicts.append(
                PinConflict(rid, pid, f"pin {rid} to {pid}: {rid} is also pinned to {others}")
            )
    return pinned, conflicts


def limits_of(
    round_: Round,
    requests: list[Request],
    interventions: dict[str, Intervention],
    provider_ids: tuple[str, ...],
    pairs: list[Pair],
    policy: Policy,
) -> list[Limit]:
    """Capacity rows (net of running awards), team budgets and share caps, in that order,
    each over its admissible pairs; rows that can never bind are left out."""
    day = policy.round_date or date.today()
    running = [a for a in round_.awards or () if a.ends_on is None or a.ends_on >= day]
    iid_of = [requests[p.request].intervention_id for p in pairs]
    rows: list[Limit] = []
    for row in sorted(round_.capacity, key=lambda c: (c.provider_id, c.intervention_id)):
        members = [
            a
            for a, p in enumerate(pairs)
            if provider_ids[p.provider] == row.provider_id
            and (row.intervention_id == ALL_INTERVENTIONS or iid_of[a] == row.intervention_id)
        ]
        if not members:
            continue
        used = sum(
            hundredths(a.units)
            for a in running
            if a.provider_id == row.provider_id
            and row.intervention_id in (ALL_INTERVENTIONS, a.intervention_id)
        )
        total = hundredths(row.capacity_units)
        units = [hundredths(pairs[a].units) for a in members]
        key = (row.provider_id, row.intervention_id)
        rows.append(
            Limit(
                LimitKind.CAPACITY,
                key,
                ints(members),
                ints(units),
                max(total - used, 0),
                total,
                used,
            )
        )
    for budget in sorted(round_.budgets or (), key=lambda b: (b.team_id, b.segment.value)):
        members = [
            a
            for a, p in enumerate(pairs)
            if requests[p.request].team_id == budget.team_id
            and interventions[iid_of[a]].segment == budget.segment
        ]
        if not members:
            continue
        cents = to_cents(budget.amount)
        costs = [pairs[a].terms["cost"] for a in members]
        key = (budget.team_id, budget.segment.value)
        rows.append(Limit(LimitKind.BUDGET, key, ints(members), ints(costs), cents, cents, 0))
    if policy.market_share_cap is not None:
        cap = round(policy.market_share_cap * SHARE_SCALE)
        for iid in sorted(set(iid_of)):
            members = [a for a in range(len(pairs)) if iid_of[a] == iid]
            field = sorted({pairs[a].provider for a in members})
            if len(field) < SHARE_CAP_MIN_PROVIDERS:
                continue
            allowance = max(hundredths(pairs[a].units) for a in members) * SHARE_SCALE
            for p in field:
                coeffs = [
                    ((SHARE_SCALE if pairs[a].provider == p else 0) - cap)
                    * hundredths(pairs[a].units)
                    for a in members
                ]
                key = (provider_ids[p], iid)
                rows.append(
                    Limit(
                        LimitKind.MARKET_SHARE, key, ints(members), ints(coeffs), allowance, cap, 0
                    )
                )
    return [row for row in rows if could_bind(row, pairs)]


def could_bind(row: Limit, pairs: list[Pair]) -> bool:
    """True when the row could be broken: every request of it taking its largest pair in it
    (a negative coefficient counts as nothing) would exceed the right-hand side."""
    largest: dict[int, int] = {}
    for a, coeff in zip(row.pairs.tolist(), row.coeffs.tolist(), strict=True):
        r = pairs[a].request
        largest[r] = max(largest.get(r, 0), coeff)
    return sum(largest.values()) > row.rhs
