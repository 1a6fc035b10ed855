"""Turn a round into a :class:`MatchingProblem`: admissible pairs, cost terms, limit rows.

The admissibility rules are those of the data contract, checked in a fixed order so each
left-out pair gets the first rule it breaks as its reason. Limits follow models/matching.md.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from matcher.domain import (
    ALL_INTERVENTIONS,
    Award,
    Certification,
    Funding,
    Intervention,
    Policy,
    Provider,
    Request,
    Round,
)
from matcher.domain.money import to_cents
from matcher.matching.geo import haversine_km
from matcher.matching.limits import limit_rows
from matcher.matching.overrides import Overrides
from matcher.matching.problem import (
    BASE_WEIGHT,
    MatchingProblem,
    PinConflict,
    Rejection,
    RejectReason,
    units_of,
)
from matcher.matching.terms import COST, TERMS, PairFacts, price


def round_date_of(round_: Round) -> date:
    """The round's date from its policy, or today when the policy does not say."""
    return round_.effective_policy().round_date or date.today()


def active_awards(round_: Round, day: date) -> list[Award]:
    """Awards still running on ``day``: they hold capacity."""
    return [a for a in round_.awards or () if a.ends_on is None or a.ends_on >= day]


def open_requests(round_: Round) -> list[Request]:
    """Requests to match: not yet awarded and not task-funded (paid as a lump sum)."""
    awarded = {a.request_id for a in round_.awards or ()}
    funding = {i.intervention_id: i.funding for i in round_.interventions}
    return [
        r
        for r in round_.requests
        if r.request_id not in awarded and funding.get(r.intervention_id) is not Funding.TASK
    ]


def aging_weight(request: Request, policy: Policy, day: date) -> int:
    """Priority points within the urgency class: 10, plus per_week x 10 per week waited.

    Whole points on purpose: a coarse integer objective lets the solver prove optimality
    from the rounded-down LP bound (at the default 0.02 a week, one point per five weeks).
    """
    if request.waiting_since is None:
        return BASE_WEIGHT
    weeks = min(max((day - request.waiting_since).days // 7, 0), policy.aging.max_weeks)
    return BASE_WEIGHT + int((policy.aging.per_week * BASE_WEIGHT * weeks).to_integral_value())


@dataclass
class _Pairs:
    """Column lists filled while scanning candidates; turned into arrays once at the end."""

    request: list[int]
    provider: list[int]
    tariff: list[int]
    units: list[int]
    from_bid: list[bool]
    km: list[float]
    terms: dict[str, list[int]]

    @classmethod
    def empty(cls) -> "_Pairs":
        return cls([], [], [], [], [], [], {term.name: [] for term in TERMS})


def build_problem(round_: Round, overrides: Overrides | None = None) -> MatchingProblem:
    """Build the arrays and limit rows of one round (see models/matching.md)."""
    overrides = overrides or Overrides()
    policy = round_.effective_policy()
    day = round_date_of(round_)
    interventions = {i.intervention_id: i for i in round_.interventions}
    providers = {p.provider_id: p for p in round_.providers}
    provider_ids = tuple(sorted(providers))
    provider_index = {p: k for k, p in enumerate(provider_ids)}
    certs: dict[tuple[str, str], list[Certification]] = defaultdict(list)
    for c in round_.certifications:
        certs[(c.provider_id, c.intervention_id)].append(c)
    capacity_rows = {(c.provider_id, c.intervention_id): c for c in round_.capacity}
    offers: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for o in round_.offers or ():
        offers[o.intervention_id].append((o.provider_id, o.tariff))
    bids: dict[str, dict[str, tuple[Decimal, Decimal | None]]] = defaultdict(dict)
    for b in round_.bids:
        bids[b.request_id][b.provider_id] = (b.tariff, b.units)

    requests = open_requests(round_)
    request_ids = tuple(r.request_id for r in requests)
    pairs = _Pairs.empty()
    rejections: list[Rejection] = []
    for ri, request in enumerate(requests):
        intervention = interventions[request.intervention_id]
        candidates: dict[str, tuple[Decimal, Decimal | None, bool]] = {
            pid: (tariff, None, False)
            for pid, tariff in offers.get(intervention.intervention_id, ())
        }
        for pid, (tariff, units) in bids.get(request.request_id, {}).items():
            candidates[pid] = (tariff, units, True)  # an explicit bid wins over the offer
        for pid in sorted(candidates):
            tariff, bid_units, from_bid = candidates[pid]
            provider = providers.get(pid)
            if provider is None:
                continue
            km = _distance(request, provider)
            reason = _first_broken_rule(
                request,
                provider,
                intervention,
                tariff,
                km,
                certs,
                capacity_rows,
                policy,
                overrides,
            )
            if reason is not None:
                rejections.append(Rejection(ri, pid, reason[0], reason[1]))
                continue
            units = bid_units if bid_units is not None else request.units
            pairs.request.append(ri)
            pairs.provider.append(provider_index[pid])
            pairs.tariff.append(to_cents(tariff))
            pairs.units.append(units_of(units))
            facts = PairFacts(request, pid, intervention.funding, tariff, units, km, policy)
            for name, cents in price(facts).items():
                pairs.terms[name].append(cents)
            pairs.from_bid.append(from_bid)
            pairs.km.append(np.nan if km is None else km)

    arrays = {
        name: np.asarray(getattr(pairs, name), dtype=np.int64)
        for name in ("request", "provider", "tariff", "units")
    }
    pair_terms = {name: np.asarray(values, dtype=np.int64) for name, values in pairs.terms.items()}
    pair_request, pair_provider = arrays["request"], arrays["provider"]
    pinned, pin_conflicts = _pins(overrides, request_ids, provider_ids, pair_request, pair_provider)
    limits = limit_rows(
        round_,
        requests,
        interventions,
        provider_ids,
        pair_request,
        pair_provider,
        arrays["units"],
        pair_terms[COST.name],
        active_awards(round_, day),
        policy,
    )
    return MatchingProblem(
        request_ids=request_ids,
        provider_ids=provider_ids,
        urgency_rank=np.asarray([r.urgency.rank for r in requests], dtype=np.int64),
        weight=np.asarray([aging_weight(r, policy, day) for r in requests], dtype=np.int64),
        pair_request=pair_request,
        pair_provider=pair_provider,
        pair_tariff=arrays["tariff"],
        pair_units=arrays["units"],
        pair_terms=pair_terms,
        pair_from_bid=np.asarray(pairs.from_bid, dtype=np.bool_),
        pair_km=np.asarray(pairs.km, dtype=np.float64),
        pair_pinned=pinned,
        limits=tuple(limits),
        rejections=tuple(rejections),
        pin_conflicts=tuple(pin_conflicts),
    )


def _distance(request: Request, provider: Provider) -> float | None:
    if request.lat is None or request.lon is None or provider.lat is None or provider.lon is None:
        return None
    return round(haversine_km(request.lat, request.lon, provider.lat, provider.lon), 1)


def _first_broken_rule(
    request: Request,
    provider: Provider,
    intervention: Intervention,
    tariff: Decimal,
    km: float | None,
    certs: dict[tuple[str, str], list[Certification]],
    capacity_rows: Mapping[tuple[str, str], object],
    policy: Policy,
    overrides: Overrides,
) -> tuple[RejectReason, str] | None:
    """The first admissibility rule the pair breaks, with the detail in words, or None."""
    pid, iid = provider.provider_id, intervention.intervention_id
    if (request.request_id, pid) in overrides.forbids:
        return RejectReason.FORBIDDEN, f"the regisseur ruled out {pid} for this request"
    if pid in request.excluded_providers:
        return RejectReason.EXCLUDED_BY_CLIENT, f"the client does not want {pid}"
    held = certs.get((pid, iid), [])
    if not any(c.covers(request.start_date) for c in held):
        start = request.start_date.isoformat()
        expired = [c for c in held if c.valid_to < request.start_date]
        if expired:
            last = max(c.valid_to for c in expired).isoformat()
            return (
                RejectReason.CERTIFICATION_EXPIRED,
                f"{pid}'s certificate for {iid} ended on {last}, before the start date {start}",
            )
        if held:
            first = min(c.valid_from for c in held).isoformat()
            return (
                RejectReason.NOT_CERTIFIED,
                f"{pid}'s certificate for {iid} only starts on {first}, "
                f"after the start date {start}",
            )
        return RejectReason.NOT_CERTIFIED, f"{pid} is not certified for {iid}"
    if not intervention.admits_tariff(tariff):
        return (
            RejectReason.TARIFF_OUT_OF_BAND,
            f"{pid} asks EUR {tariff}, outside the band EUR {intervention.tariff_min}"
            f"-{intervention.tariff_max} of {iid}",
        )
    missing = sorted(set(request.required_specialisms) - set(provider.specialisms))
    if missing:
        # The data set's specialism codes read as words ("intellectual disability").
        offered = ", ".join(code.replace("_", " ") for code in missing)
        return RejectReason.MISSING_SPECIALISM, f"{pid} does not offer {offered}"
    if km is not None and policy.max_distance_km is not None and km > policy.max_distance_km:
        return (
            RejectReason.BEYOND_DISTANCE,
            f"{pid} is {km:.1f} km away, beyond the limit of {policy.max_distance_km:g} km",
        )
    if (pid, iid) not in capacity_rows and (pid, ALL_INTERVENTIONS) not in capacity_rows:
        return (
            RejectReason.NO_CAPACITY_ROW,
            f"{pid} is certified for {iid} but has no capacity listed for it",
        )
    return None


def _pins(
    overrides: Overrides,
    request_ids: tuple[str, ...],
    provider_ids: tuple[str, ...],
    pair_request: np.ndarray,
    pair_provider: np.ndarray,
) -> tuple[np.ndarray, list[PinConflict]]:
    """Mark pinned pairs; a pin on a pair that is not admissible, or two pins on one request,
    is a conflict (the round is then infeasible, with these pins named)."""
    pinned = np.zeros(pair_request.shape[0], dtype=np.bool_)
    conflicts: list[PinConflict] = []
    index = {
        (request_ids[r], provider_ids[p]): a
        for a, (r, p) in enumerate(zip(pair_request.tolist(), pair_provider.tolist(), strict=True))
    }
    per_request: dict[str, list[str]] = defaultdict(list)
    for rid, pid in sorted(overrides.pins):
        per_request[rid].append(pid)
        a = index.get((rid, pid))
        if a is None:
            why = (
                "the request is not open in this round"
                if rid not in request_ids
                else f"{pid} is not an admissible provider for it"
            )
            conflicts.append(PinConflict(rid, pid, f"pin {rid} to {pid}: {why}"))
        else:
            pinned[a] = True
    for rid, pids in per_request.items():
        if len(pids) > 1:
            for pid in pids:
                others = ", ".join(p for p in pids if p != pid)
                conflicts.append(
                    PinConflict(rid, pid, f"pin {rid} to {pid}: {rid} is also pinned to {others}")
                )
    return pinned, conflicts
