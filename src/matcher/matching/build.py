"""Turn a round into a :class:`MatchingProblem`: admissible pairs, cost terms, limit rows.

The candidate pairs come from ``candidates``, the admissibility rules (a fixed order, so
each left-out pair gets the first rule it breaks as its reason) from ``admissibility``, the
terms from ``terms``, the limits from ``limits`` (models/matching.md); all array work.
"""

from collections import defaultdict
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.domain import Award, Funding, Intervention, Policy, Provider, Request, Round
from matcher.matching.admissibility import ADMISSIBLE, check, rejections
from matcher.matching.candidates import Candidates, Codes, candidates
from matcher.matching.geo import haversine_km_array, tenths_of_km
from matcher.matching.limits import limit_rows
from matcher.matching.overrides import Overrides
from matcher.matching.problem import BASE_WEIGHT, MatchingProblem, PinConflict
from matcher.matching.terms import COST, PairArrays, price_pairs


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


def build_problem(round_: Round, overrides: Overrides | None = None) -> MatchingProblem:
    """Build the arrays and limit rows of one round (see models/matching.md).

    Array work over all candidate pairs at once (``candidates``, ``admissibility``,
    ``terms``); Python runs once per bid, offer, request and rejected pair, never per pair.
    """
    overrides = overrides or Overrides()
    policy = round_.effective_policy()
    day = round_date_of(round_)
    interventions = {i.intervention_id: i for i in round_.interventions}
    providers = {p.provider_id: p for p in round_.providers}
    provider_ids = tuple(sorted(providers))
    requests = open_requests(round_)
    request_ids = tuple(r.request_id for r in requests)
    codes = Codes(
        {rid: k for k, rid in enumerate(request_ids)},
        {pid: k for k, pid in enumerate(provider_ids)},
        {iid: k for k, iid in enumerate(interventions)},
    )
    in_order = [providers[pid] for pid in provider_ids]
    cands = candidates(round_, requests, codes)
    km_tenths = _km_tenths(requests, in_order, cands)
    checked = check(
        round_,
        requests,
        in_order,
        list(interventions.values()),
        codes,
        cands,
        km_tenths,
        policy,
        overrides,
    )
    keep = checked.reason == ADMISSIBLE
    pair_request, pair_provider = cands.request[keep], cands.provider[keep]
    pair_units, pair_km_tenths = cands.units[keep], km_tenths[keep]
    pair_tariff = cands.tariff_cents[keep]
    pair_terms = price_pairs(
        _pair_arrays(
            requests,
            interventions,
            codes,
            (pair_request, pair_provider, pair_tariff, pair_units, pair_km_tenths),
            policy,
        )
    )
    pinned, pin_conflicts = _pins(overrides, codes, pair_request, pair_provider)
    limits = limit_rows(
        round_,
        requests,
        interventions,
        provider_ids,
        pair_request,
        pair_provider,
        pair_units,
        pair_terms[COST.name],
        active_awards(round_, day),
        policy,
    )
    weights: dict[int | None, int] = {}
    return MatchingProblem(
        request_ids=request_ids,
        provider_ids=provider_ids,
        urgency_rank=np.asarray([r.urgency.rank for r in requests], dtype=np.int64),
        weight=np.asarray(
            [_cached_weight(weights, r, policy, day) for r in requests], dtype=np.int64
        ),
        pair_request=pair_request,
        pair_provider=pair_provider,
        pair_tariff=pair_tariff,
        pair_units=pair_units,
        pair_terms=pair_terms,
        pair_from_bid=cands.from_bid[keep],
        pair_km=np.where(pair_km_tenths >= 0, pair_km_tenths / 10, np.nan),
        pair_pinned=pinned,
        limits=tuple(limits),
        rejections=tuple(
            rejections(checked, cands, requests, in_order, interventions, km_tenths, policy)
        ),
        pin_conflicts=tuple(pin_conflicts),
    )


def _cached_weight(
    known: dict[int | None, int], request: Request, policy: Policy, day: date
) -> int:
    """``aging_weight``, computed once per number of days waited."""
    waited = None if request.waiting_since is None else (day - request.waiting_since).days
    if waited not in known:
        known[waited] = aging_weight(request, policy, day)
    return known[waited]


def _km_tenths(
    requests: list[Request], providers: list[Provider], cands: Candidates
) -> npt.NDArray[np.int64]:
    """Each candidate's distance in tenths of a km, -1 where a location is unknown."""

    def located(items: list[Request] | list[Provider]) -> npt.NDArray[np.float64]:
        return np.asarray(
            [(np.nan, np.nan) if x.lat is None or x.lon is None else (x.lat, x.lon) for x in items],
            dtype=np.float64,
        ).reshape(-1, 2)

    here, there = located(requests)[cands.request], located(providers)[cands.provider]
    known = ~(np.isnan(here[:, 0]) | np.isnan(there[:, 0]))
    tenths = np.full(cands.request.size, -1, dtype=np.int64)
    km = haversine_km_array(here[known, 0], here[known, 1], there[known, 0], there[known, 1])
    tenths[known] = tenths_of_km(km)
    return tenths


def _pair_arrays(
    requests: list[Request],
    interventions: dict[str, Intervention],
    codes: Codes,
    pairs: tuple[npt.NDArray[np.int64], ...],
    policy: Policy,
) -> PairArrays:
    """What the terms read of the admissible pairs ``pairs`` (request, provider, tariff in
    cents, units, tenths of a km): the request's side looked up per pair."""
    pair_request, pair_provider, tariff_cents, units, km_tenths = pairs
    funding = np.asarray([interventions[r.intervention_id].funding for r in requests], dtype=object)
    ranked = np.asarray([len(r.preferred_providers) for r in requests], dtype=np.int64)
    places = {
        ri * len(codes.provider) + codes.provider[pid]: place
        for ri, r in enumerate(requests)
        for place, pid in enumerate(r.preferred_providers)
        if pid in codes.provider
    }
    choice_key = np.asarray(sorted(places), dtype=np.int64)
    choice_place = np.asarray([places[k] for k in choice_key.tolist()], dtype=np.int64)
    key = codes.pair_key(pair_request, pair_provider)
    at = np.minimum(np.searchsorted(choice_key, key), max(choice_key.size - 1, 0))
    found = choice_key[at] == key if choice_key.size else np.zeros(key.size, dtype=np.bool_)
    current = np.asarray(
        [
            -1 if r.current_provider is None else codes.provider.get(r.current_provider, -1)
            for r in requests
        ],
        dtype=np.int64,
    )
    has_current = np.asarray([r.current_provider is not None for r in requests], dtype=np.bool_)
    return PairArrays(
        funding=funding[pair_request],
        tariff_cents=tariff_cents,
        units=units,
        km_tenths=km_tenths,
        rank=np.where(found, choice_place[at] if choice_key.size else -1, -1),
        ranked=ranked[pair_request],
        has_current=has_current[pair_request],
        is_current=current[pair_request] == pair_provider,
        policy=policy,
    )


def _pins(
    overrides: Overrides,
    codes: Codes,
    pair_request: npt.NDArray[np.int64],
    pair_provider: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.bool_], list[PinConflict]]:
    """Mark pinned pairs; a pin on a pair that is not admissible, or two pins on one request,
    is a conflict (the round is then infeasible, with these pins named)."""
    pinned = np.zeros(pair_request.shape[0], dtype=np.bool_)
    conflicts: list[PinConflict] = []
    keys = codes.pair_key(pair_request, pair_provider)  # ascending: the pair order
    per_request: dict[str, list[str]] = defaultdict(list)
    for rid, pid in sorted(overrides.pins):
        per_request[rid].append(pid)
        r, p = codes.request.get(rid), codes.provider.get(pid)
        a = -1
        if r is not None and p is not None:
            key = r * len(codes.provider) + p
            a = int(np.searchsorted(keys, key))
            a = a if a < keys.size and keys[a] == key else -1
        if a < 0:
            why = (
                "the request is not open in this round"
                if r is None
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
