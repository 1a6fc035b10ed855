"""A hypothesis strategy for small, scarce matching rounds that reach the edges of every rule.

Rounds are tiny (a dozen requests at most) so that four solvers, and the enumeration of
``tests/matching/oracle.py`` on the smallest, can each solve hundreds of them quickly. They
are drawn to sit where the rules bite (``tests/matching/test_reach.py`` counts how often):
start dates after the round date with certificates that begin or end within a day of them,
bids mostly in the band with a few a cent outside either end, running awards ending before,
on and after the round date, shared ``*`` capacity, budgets of two segments per team and
market-share caps over requests of different sizes, plus exclusions, specialisms, distance.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from matcher.domain import (
    Aging,
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
    Unit,
    Urgency,
    Weights,
)

ROUND_DATE = date(2026, 3, 2)
SPECIALISMS = ("autism", "trauma", "lvb")
TEAMS = ("T1", "T2")
# Places in a small region (about 40 km across), so some pairs fall beyond a distance limit.
PLACES = ((52.37, 4.89), (52.38, 4.64), (52.16, 4.49), (52.09, 5.12), (52.31, 4.94))
CENT = Decimal("0.01")
# Days from the round date to a request's start: mostly later, so a rule read on the round
# date instead of the start date gives another answer.
START_OFFSETS = (0, 1, 2, 3, 5, 8, 13)
# Where a certificate begins or ends, relative to the start date of one of its requests.
CERT_EDGES = ("begins", "ends")

halves = st.integers(2, 8).map(lambda n: Decimal(n) / 2)
# Capacity rows hold one to three typical requests, so requests compete for them.
roomy = st.integers(2, 16).map(lambda n: Decimal(n) / 2)
# Now and then a large provider that would take most of an intervention: share caps bind.
large = st.integers(8, 20).map(Decimal)
capacities = st.one_of(roomy, roomy, roomy, large)
# Running awards end before, on and after the round date (or never).
AWARD_ENDS = (None, 0, 0, -1, -1, 7, 7)


@st.composite
def scarce_rounds(
    draw: st.DrawFn, max_requests: int = 12, min_providers: int = 2, max_providers: int = 5
) -> Round:
    """A round of 2-5 providers, 1-3 interventions and 3-12 requests; capacity often short.

    The bounds shrink it for the exhaustive oracle.
    """
    interventions = []
    for i in range(draw(st.sampled_from([1, 2, 3] if max_requests > 6 else [1, 2, 2]))):
        low = Decimal(draw(st.integers(20, 60)))
        interventions.append(
            Intervention(
                intervention_id=f"I{i}",
                name=f"intervention {i}",
                law=Law.WMO,
                # The first is B, the others mostly C: teams' budgets of two segments meet.
                segment=Segment.B
                if i == 0
                else draw(st.sampled_from([Segment.B, *[Segment.C] * 3])),
                product_group="group",
                funding=draw(st.sampled_from([Funding.EFFORT, Funding.EFFORT, Funding.OUTPUT])),
                unit=Unit.HOUR,
                tariff_min=low,
                tariff_max=low + draw(st.integers(5, 20)),
            )
        )
    iids = [i.intervention_id for i in interventions]
    band = {i.intervention_id: (i.tariff_min, i.tariff_max) for i in interventions}
    # A dominant provider (P0) is certified for everything, offers every specialism and has
    # room for everyone at the lowest tariff: without a market-share cap it takes it all.
    dominant = draw(st.integers(0, 2)) == 0
    providers = []
    for p in range(draw(st.integers(min_providers, max_providers))):
        place = draw(st.none() | st.sampled_from(PLACES))
        providers.append(
            Provider(
                provider_id=f"P{p}",
                name=f"provider {p}",
                lat=None if place is None else place[0],
                lon=None if place is None else place[1],
                specialisms=SPECIALISMS
                if dominant and p == 0
                else tuple(draw(st.sets(st.sampled_from(SPECIALISMS), max_size=2))),
            )
        )
    pids = [p.provider_id for p in providers]
    requests = []
    for r in range(draw(st.integers(3 if max_requests > 3 else 1, max_requests))):
        place = draw(st.none() | st.sampled_from(PLACES))
        preferred = draw(st.lists(st.sampled_from(pids), max_size=2, unique=True))
        others = [p for p in pids if p not in preferred]
        excluded = (
            [draw(st.sampled_from(others))] if others and draw(st.integers(0, 4)) == 4 else []
        )
        requests.append(
            Request(
                request_id=f"R{r}",
                client_ref=f"C-{r:04d}",
                team_id=draw(st.sampled_from([*TEAMS, TEAMS[0]])),
                intervention_id=draw(st.sampled_from(iids)),
                units=draw(halves),
                start_date=ROUND_DATE + timedelta(days=draw(st.sampled_from(START_OFFSETS))),
                urgency=draw(st.sampled_from(Urgency)),
                lat=None if place is None else place[0],
                lon=None if place is None else place[1],
                preferred_providers=tuple(preferred),
                excluded_providers=tuple(excluded),
                current_provider=draw(st.none() | st.sampled_from(pids)),
                required_specialisms=tuple(
                    draw(st.sampled_from([(), (), (), (), (SPECIALISMS[0],)]))
                ),
                waiting_since=draw(
                    st.none() | st.integers(0, 500).map(lambda d: ROUND_DATE - timedelta(days=d))
                ),
            )
        )
    certifications = [
        cert
        for pid in pids
        for iid in iids
        if (
            cert := draw(
                certificates(pid, iid, [r.start_date for r in requests if r.intervention_id == iid])
            )
        )
        is not None
    ]
    capacity = [
        CapacityRow(provider_id=pid, intervention_id=iid, capacity_units=draw(capacities))
        for pid in pids
        for iid in [*iids, "*"]
        if draw(st.integers(0, 3)) < (2 if iid == "*" else 3)
    ]
    bids = [
        Bid(
            request_id=request.request_id,
            provider_id=pid,
            tariff=draw(tariffs(*band[request.intervention_id])),
            units=draw(st.none() | halves),
        )
        for request in requests
        for pid in pids
        if draw(st.integers(0, 2)) < 2
    ]
    if dominant:
        certifications = [c for c in certifications if c.provider_id != "P0"]
        certifications += [
            Certification(
                provider_id="P0",
                intervention_id=i,
                valid_from=ROUND_DATE - timedelta(days=400),
                valid_to=ROUND_DATE + timedelta(days=400),
            )
            for i in iids
        ]
        capacity = [c for c in capacity if c.provider_id != "P0"]
        capacity += [
            CapacityRow(provider_id="P0", intervention_id=i, capacity_units=draw(large))
            for i in iids
        ]
        bids = [b for b in bids if b.provider_id != "P0"]
        bids += [
            Bid(request_id=r.request_id, provider_id="P0", tariff=band[r.intervention_id][0])
            for r in requests
        ]
    offers = [
        Offer(provider_id=pid, intervention_id=iid, tariff=draw(tariffs(*band[iid])))
        for pid in pids
        for iid in iids
        if draw(st.integers(0, 2)) == 0
    ]
    budgets = [
        Budget(team_id=team, segment=segment, amount=Decimal(draw(st.integers(0, 40))) * 10)
        for team in TEAMS
        for segment in (Segment.B, Segment.C)
        if draw(st.booleans())
    ]
    awards = [
        Award(
            request_id=f"A{a}",
            provider_id=draw(st.sampled_from(pids)),
            intervention_id=draw(st.sampled_from(iids)),
            tariff=Decimal(30),
            units=draw(halves),
            awarded_on=ROUND_DATE - timedelta(days=60),
            ends_on=draw(
                st.sampled_from(AWARD_ENDS).map(
                    lambda d: None if d is None else ROUND_DATE + timedelta(days=d)
                )
            ),
        )
        for a in range(draw(st.integers(0, 4)))
    ]
    policy = Policy(
        round_date=ROUND_DATE,
        weights=Weights(
            distance_per_km=Decimal(draw(st.integers(0, 5))),
            preference_per_rank=Decimal(draw(st.sampled_from([0, 10, 25]))),
            continuity=Decimal(draw(st.sampled_from([0, 50]))),
        ),
        aging=Aging(per_week=draw(st.sampled_from([Decimal("0.02"), Decimal("0.1")]))),
        market_share_cap=draw(st.none() | st.sampled_from([0.3, 0.4, 0.5])),
        max_distance_km=draw(st.none() | st.sampled_from([15.0, 30.0])),
    )
    return Round(
        interventions=tuple(interventions),
        providers=tuple(providers),
        certifications=tuple(certifications),
        capacity=tuple(capacity),
        requests=tuple(requests),
        bids=tuple(bids),
        offers=tuple(offers),
        budgets=tuple(budgets),
        awards=tuple(awards),
        policy=policy,
    )


@st.composite
def certificates(draw: st.DrawFn, pid: str, iid: str, starts: list[date]) -> Certification | None:
    """Valid all year, expired, missing, or beginning or ending within a day of one of the
    intervention's start dates (either side, or on it)."""
    kind = draw(st.sampled_from([*["valid"] * 6, "edge", "edge", "expired", "none"]))
    if kind == "none":
        return None
    start, end = ROUND_DATE - timedelta(days=400), ROUND_DATE + timedelta(days=400)
    if kind == "expired":
        end = ROUND_DATE - timedelta(days=10)
    elif kind == "edge" and starts:
        near = draw(st.sampled_from(starts)) + timedelta(days=draw(st.integers(-1, 1)))
        if draw(st.sampled_from(CERT_EDGES)) == "begins":
            start = near
        else:
            end = near
    return Certification(provider_id=pid, intervention_id=iid, valid_from=start, valid_to=end)


def tariffs(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    """Mostly inside the band, often on either end of it, now and then a cent outside."""
    where = st.sampled_from([*["inside"] * 6, "end", "end", "outside"])
    return where.flatmap(
        lambda w: {
            "inside": st.integers(0, int(high - low)).map(lambda k: low + k),
            "end": st.sampled_from([low, high]),
            "outside": st.sampled_from([low - CENT, high + CENT]),
        }[w]
    )
