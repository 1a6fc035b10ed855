"""Rounds drawn for the build's reference test: ``scarce_rounds`` pushed onto the edges.

``scarce_rounds`` (tests/matching/strategies.py) already puts tariffs on and a cent outside
the band, certificates within a day of a start date, start dates on the round date,
exclusions, specialisms, awards and share caps. For the build alone this adds what those
rounds never hold: a distance limit exactly on a pair's distance or a tenth below it,
certificates that begin or end exactly on a start date (and the day around it), intake stops
(``capacity_units = 0``), tariffs and units in cents, weights whose products end on half a
cent, requests already awarded or task-funded, later bids and offers over earlier ones, rows
that name unknown providers or interventions, and pins and forbids (some that cannot hold).
``tests/matching/test_build_reference.py`` counts how often each edge is reached.
"""

from datetime import timedelta
from decimal import Decimal

from hypothesis import strategies as st

from matcher.domain import (
    Award,
    Bid,
    CapacityRow,
    Certification,
    Funding,
    Offer,
    Round,
    Weights,
)
from matcher.matching.overrides import Overrides
from tests.matching.reference_build import distance_km, offered_and_bid
from tests.matching.strategies import ROUND_DATE, SPECIALISMS, scarce_rounds

TASK_ID = "IT"  # a task-funded intervention: its requests are never matched
UNKNOWN = "PX"  # a provider id no provider row has
# Weights whose products with whole km, tenths and ranks end on half a cent.
DISTANCE_WEIGHTS = ("0", "2", "0.35", "2.5", "0.125", "1.005")
ODD_TENTH_WEIGHTS = ("0.35", "0.05")  # times an odd number of tenths of a km: half a cent
PREFERENCE_WEIGHTS = ("0", "25", "12.5", "0.333")
CONTINUITY_WEIGHTS = ("0", "50", "33.335", "0.005")
AGING = ("0.02", "0.1", "0.05", "0.25")  # 0.05 x 10 x odd weeks is a half point
# Where a certificate is put relative to a request's start date: (begins, ends) in days.
CERT_EDGES = {"begins on": (0, 300), "ends on": (-300, 0), "ended": (-300, -1), "later": (1, 300)}


def decimals(draw: st.DrawFn, low: Decimal, high: Decimal) -> Decimal:
    """An amount in whole cents from ``low`` to ``high``."""
    return Decimal(draw(st.integers(int(low * 100), int(high * 100)))) / 100


def often(draw: st.DrawFn, in_n: int = 3) -> bool:
    return draw(st.integers(1, in_n)) == 1


@st.composite
def edge_rounds(draw: st.DrawFn) -> tuple[Round, Overrides]:
    """A ``scarce_rounds`` round with the edges above, and overrides for it."""
    round_ = draw(scarce_rounds())
    round_ = _moved(draw, round_)
    round_ = _in_cents(draw, round_)
    round_ = _certificates_on_start_dates(draw, round_)
    round_ = _left_out_requests(draw, round_)
    round_ = _noise(draw, round_)
    round_ = _distance_limit(draw, round_)
    return round_, _overrides(draw, round_)


def _moved(draw: st.DrawFn, round_: Round) -> Round:
    """Locations a few km off the fixed places, so distances take many values."""

    def jitter(value: float | None) -> float | None:
        if value is None or not often(draw, 2):
            return value
        return round(value + draw(st.integers(-5000, 5000)) / 100_000, 5)

    providers = tuple(
        p.model_copy(update={"lat": jitter(p.lat), "lon": jitter(p.lon)}) for p in round_.providers
    )
    requests = tuple(
        r.model_copy(update={"lat": jitter(r.lat), "lon": jitter(r.lon)}) for r in round_.requests
    )
    return round_.model_copy(update={"providers": providers, "requests": requests})


def _in_cents(draw: st.DrawFn, round_: Round) -> Round:
    """Tariffs and units in cents, intake stops, and weights that end on half cents."""
    band = {i.intervention_id: (i.tariff_min, i.tariff_max) for i in round_.interventions}
    of = {r.request_id: r.intervention_id for r in round_.requests}
    bids = []
    for b in round_.bids:
        low, high = band[of[b.request_id]]
        change: dict[str, object] = {}
        if often(draw):
            change["tariff"] = decimals(draw, low, high)
        if often(draw):
            change["units"] = decimals(draw, Decimal("0.01"), Decimal(6))
        bids.append(b.model_copy(update=change))
    requests = tuple(
        r.model_copy(update={"units": decimals(draw, Decimal("0.01"), Decimal(6))})
        if often(draw, 4)
        else r
        for r in round_.requests
    )
    capacity = tuple(
        c.model_copy(update={"capacity_units": Decimal(0)}) if often(draw, 5) else c
        for c in round_.capacity
    )
    policy = round_.effective_policy()
    policy = policy.model_copy(
        update={
            "weights": Weights(
                distance_per_km=Decimal(draw(st.sampled_from(DISTANCE_WEIGHTS))),
                preference_per_rank=Decimal(draw(st.sampled_from(PREFERENCE_WEIGHTS))),
                continuity=Decimal(draw(st.sampled_from(CONTINUITY_WEIGHTS))),
            ),
            "aging": policy.aging.model_copy(
                update={"per_week": Decimal(draw(st.sampled_from(AGING)))}
            ),
            # Share caps more often than scarce_rounds draws them: their rows need three
            # providers with admissible pairs, which the rules above often leave out.
            "market_share_cap": policy.market_share_cap or draw(st.sampled_from([None, 0.4])),
        }
    )
    return round_.model_copy(
        update={"bids": tuple(bids), "requests": requests, "capacity": capacity, "policy": policy}
    )


def _certificates_on_start_dates(draw: st.DrawFn, round_: Round) -> Round:
    """For a few (request, provider) candidates, the provider's only certificate for the
    intervention begins or ends on the start date, or the day beside it (the start date
    moved to the round date now and then); a second, expired or later, certificate now and
    then, so the words must pick the right date."""
    certs, requests = list(round_.certifications), list(round_.requests)
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(0, len(requests) - 1))
        if often(draw):  # the start date on the round date: both dates meet the edge
            requests[k] = requests[k].model_copy(update={"start_date": ROUND_DATE})
        request = requests[k]
        offered = sorted(offered_and_bid(round_, request))
        if not offered:
            continue
        pid, iid = draw(st.sampled_from(offered)), request.intervention_id
        begins, ends = CERT_EDGES[draw(st.sampled_from(sorted(CERT_EDGES)))]
        start = request.start_date
        certs = [c for c in certs if (c.provider_id, c.intervention_id) != (pid, iid)]
        certs.append(_cert(pid, iid, start + timedelta(begins), start + timedelta(ends)))
        if often(draw):
            gap = draw(st.integers(2, 40))
            before = start - timedelta(gap)
            after = start + timedelta(gap)
            certs.append(
                _cert(pid, iid, before - timedelta(30), before)
                if often(draw, 2)
                else _cert(pid, iid, after, after + timedelta(30))
            )
    return round_.model_copy(update={"certifications": tuple(certs), "requests": tuple(requests)})


def _cert(pid: str, iid: str, begins: object, ends: object) -> Certification:
    return Certification.model_validate(
        {"provider_id": pid, "intervention_id": iid, "valid_from": begins, "valid_to": ends}
    )


def _left_out_requests(draw: st.DrawFn, round_: Round) -> Round:
    """Requests that are not open: one already awarded, some of a task-funded intervention;
    and a request needing two specialisms."""
    awards = list(round_.awards or ())
    requests = list(round_.requests)
    if often(draw):
        r = draw(st.sampled_from(requests))
        pid = draw(st.sampled_from([p.provider_id for p in round_.providers]))
        awards.append(
            Award(
                request_id=r.request_id,
                provider_id=pid,
                intervention_id=r.intervention_id,
                tariff=Decimal(40),
                units=r.units,
                awarded_on=ROUND_DATE - timedelta(days=7),
                ends_on=draw(st.none() | st.just(ROUND_DATE) | st.just(ROUND_DATE - timedelta(1))),
            )
        )
    interventions = list(round_.interventions)
    offers = list(round_.offers or ())
    if often(draw, 4):
        first = interventions[0]
        interventions.append(
            first.model_copy(update={"intervention_id": TASK_ID, "funding": Funding.TASK})
        )
        offers.append(
            Offer(
                provider_id=round_.providers[0].provider_id,
                intervention_id=TASK_ID,
                tariff=first.tariff_min,
            )
        )
        for k in draw(st.sets(st.integers(0, len(requests) - 1), min_size=1, max_size=2)):
            requests[k] = requests[k].model_copy(update={"intervention_id": TASK_ID})
    if often(draw):
        k = draw(st.integers(0, len(requests) - 1))
        requests[k] = requests[k].model_copy(update={"required_specialisms": SPECIALISMS[:2]})
    return round_.model_copy(
        update={
            "awards": tuple(awards),
            "requests": tuple(requests),
            "interventions": tuple(interventions),
            "offers": tuple(offers),
        }
    )


def _noise(draw: st.DrawFn, round_: Round) -> Round:
    """Rows the build must pass over or resolve: a bid and an offer of an unknown provider,
    an offer, a capacity row and a certificate of an unknown intervention, a client excluding
    or preferring an unknown provider, and a later bid or offer on a pair that already has
    one."""
    bids, offers = list(round_.bids), list(round_.offers or ())
    capacity, certs = list(round_.capacity), list(round_.certifications)
    requests = list(round_.requests)
    pid = round_.providers[0].provider_id
    if often(draw):
        rid = draw(st.sampled_from(requests)).request_id
        bids.append(Bid(request_id=rid, provider_id=UNKNOWN, tariff=Decimal(30)))
        offers.append(Offer(provider_id=UNKNOWN, intervention_id="I0", tariff=Decimal(30)))
        offers.append(Offer(provider_id=pid, intervention_id="IX", tariff=Decimal(30)))
        capacity.append(
            CapacityRow(provider_id=pid, intervention_id="IX", capacity_units=Decimal(5))
        )
        capacity.append(
            CapacityRow(provider_id=UNKNOWN, intervention_id="*", capacity_units=Decimal(5))
        )
        certs.append(_cert(UNKNOWN, "I0", ROUND_DATE - timedelta(9), ROUND_DATE + timedelta(99)))
        k = draw(st.integers(0, len(requests) - 1))
        if not requests[k].excluded_providers:
            requests[k] = requests[k].model_copy(update={"excluded_providers": (UNKNOWN,)})
        k = draw(st.integers(0, len(requests) - 1))
        if UNKNOWN not in requests[k].excluded_providers:  # ranked first, it moves the others
            preferred = (UNKNOWN, *requests[k].preferred_providers)
            requests[k] = requests[k].model_copy(update={"preferred_providers": preferred})
    if bids and often(draw):
        bid = draw(st.sampled_from(bids))
        bids.append(bid.model_copy(update={"tariff": bid.tariff + 1, "units": None}))
    if offers and often(draw):
        offer = draw(st.sampled_from(offers))
        offers.append(offer.model_copy(update={"tariff": offer.tariff + Decimal("0.01")}))
        if often(draw, 2):  # no bids of that provider there: the offers decide its pairs
            of = {r.request_id for r in requests if r.intervention_id == offer.intervention_id}
            bids = [b for b in bids if b.provider_id != offer.provider_id or b.request_id not in of]
    return round_.model_copy(
        update={
            "bids": tuple(bids),
            "offers": tuple(offers),
            "capacity": tuple(capacity),
            "certifications": tuple(certs),
            "requests": tuple(requests),
        }
    )


def _distance_limit(draw: st.DrawFn, round_: Round) -> Round:
    """A distance limit exactly on a candidate pair's distance, or a tenth below it (that
    pair then lies one tenth of a km beyond), or the drawn one; and now and then a weight per
    km that puts a pair at an odd tenth of a km on half a cent (``ODD_TENTH_WEIGHTS``: without
    it, that edge hung on how often the drawn weight and a known distance met, and a new
    Hypothesis version drew it in 1 round of 200)."""
    kind = draw(st.sampled_from(["drawn", "on", "on", "below"]))
    providers = {p.provider_id: p for p in round_.providers}
    distances = sorted(
        {
            km
            for r in round_.requests
            for pid in offered_and_bid(round_, r)
            if pid in providers and (km := distance_km(r, providers[pid])) is not None and km > 0.2
        }
    )
    policy = round_.effective_policy()
    if any(round(km * 10) % 2 for km in distances) and often(draw, 2):
        weight = Decimal(draw(st.sampled_from(ODD_TENTH_WEIGHTS)))
        weights = policy.weights.model_copy(update={"distance_per_km": weight})
        policy = policy.model_copy(update={"weights": weights})
    if kind != "drawn" and distances:
        km = draw(st.sampled_from(distances))
        limit = km if kind == "on" else round(km - 0.1, 1)
        policy = policy.model_copy(update={"max_distance_km": limit})
    return round_.model_copy(update={"policy": policy})


def _overrides(draw: st.DrawFn, round_: Round) -> Overrides:
    """Up to two pins and two forbids on candidate pairs; now and then a pin on a request
    that is not open, on a provider without a bid or offer, or a second pin on a request
    (each a conflict)."""
    if not often(draw, 2):
        return Overrides()
    pairs = sorted(
        (r.request_id, pid) for r in round_.requests for pid in offered_and_bid(round_, r)
    )
    pids = [p.provider_id for p in round_.providers]
    awarded = [(a.request_id, a.provider_id) for a in round_.awards or ()]
    strays = [("RX", pids[0]), (round_.requests[0].request_id, UNKNOWN), *awarded]
    pins = draw(st.sets(st.sampled_from(pairs), max_size=2)) if pairs else set()
    if often(draw, 3):  # a pin on a request not open (unknown or awarded), or off the bids
        pins.add(draw(st.sampled_from(strays)))
    if pins and often(draw, 4):  # a second pin on a request already pinned: a conflict
        rid = min(pins)[0]
        pins.add((rid, draw(st.sampled_from([p for p in pids if (rid, p) not in pins] or pids))))
    others = [p for p in pairs if p not in pins]
    forbids = draw(st.sets(st.sampled_from(others), max_size=2)) if others else set()
    return Overrides(pins=frozenset(pins), forbids=frozenset(forbids))
