"""A hypothesis strategy for small, scarce matching rounds: more demand than capacity.

Rounds are tiny (a dozen requests at most) so that four solvers can each solve hundreds of
them quickly, yet they hold every rule that shapes a matching: expired certificates, bids
out of the band, standing offers, exclusions, specialisms, distance, running awards, shared
``*`` capacity, team budgets and market-share caps.
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

halves = st.integers(2, 8).map(lambda n: Decimal(n) / 2)
# Capacity rows hold one to three typical requests, so requests compete for them.
roomy = st.integers(2, 16).map(lambda n: Decimal(n) / 2)


@st.composite
def scarce_rounds(draw: st.DrawFn) -> Round:
    """A round of 2-5 providers, 1-3 interventions and 3-12 requests; capacity often short."""
    interventions = []
    for i in range(draw(st.integers(1, 3))):
        low = Decimal(draw(st.integers(20, 60)))
        interventions.append(
            Intervention(
                intervention_id=f"I{i}",
                name=f"intervention {i}",
                law=Law.WMO,
                segment=draw(st.sampled_from([Segment.B, Segment.C])),
                product_group="group",
                funding=draw(st.sampled_from([Funding.EFFORT, Funding.EFFORT, Funding.OUTPUT])),
                unit=Unit.HOUR,
                tariff_min=low,
                tariff_max=low + draw(st.integers(5, 20)),
            )
        )
    iids = [i.intervention_id for i in interventions]
    band = {i.intervention_id: (i.tariff_min, i.tariff_max) for i in interventions}
    providers = []
    for p in range(draw(st.integers(2, 5))):
        place = draw(st.none() | st.sampled_from(PLACES))
        providers.append(
            Provider(
                provider_id=f"P{p}",
                name=f"provider {p}",
                lat=None if place is None else place[0],
                lon=None if place is None else place[1],
                specialisms=tuple(draw(st.sets(st.sampled_from(SPECIALISMS), max_size=2))),
            )
        )
    pids = [p.provider_id for p in providers]
    certifications = []
    for pid in pids:
        for iid in iids:
            kind = draw(
                st.sampled_from(["valid", "valid", "valid", "valid", "valid", "expired", "none"])
            )
            if kind == "none":
                continue
            start = ROUND_DATE - timedelta(days=400)
            end = ROUND_DATE + timedelta(days=400 if kind == "valid" else -10)
            certifications.append(
                Certification(provider_id=pid, intervention_id=iid, valid_from=start, valid_to=end)
            )
    capacity = [
        CapacityRow(provider_id=pid, intervention_id=iid, capacity_units=draw(roomy))
        for pid in pids
        for iid in [*iids, "*"]
        if draw(st.integers(0, 3)) < (2 if iid == "*" else 3)
    ]
    requests = []
    for r in range(draw(st.integers(3, 12))):
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
                team_id=draw(st.sampled_from(TEAMS)),
                intervention_id=draw(st.sampled_from(iids)),
                units=draw(halves),
                start_date=ROUND_DATE + timedelta(days=draw(st.integers(0, 20))),
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
    bids = []
    for request in requests:
        low, high = band[request.intervention_id]
        for pid in pids:
            if draw(st.integers(0, 2)) == 2:
                continue
            where = draw(st.sampled_from([*["in"] * 8, "below", "above"]))
            tariff = {
                "in": low + draw(st.integers(0, int(high - low))),
                "below": low - 1,
                "above": high + Decimal("0.01"),
            }[where]
            bids.append(
                Bid(
                    request_id=request.request_id,
                    provider_id=pid,
                    tariff=tariff,
                    units=draw(st.none() | halves),
                )
            )
    offers = [
        Offer(
            provider_id=pid,
            intervention_id=iid,
            tariff=band[iid][0] + draw(st.integers(0, int(band[iid][1] - band[iid][0]) + 3)),
        )
        for pid in pids
        for iid in iids
        if draw(st.integers(0, 2)) == 0
    ]
    budgets = [
        Budget(team_id=team, segment=segment, amount=Decimal(draw(st.integers(0, 40))) * 10)
        for team in TEAMS
        for segment in (Segment.B, Segment.C)
        if draw(st.integers(0, 2)) == 0
    ]
    awards = [
        Award(
            request_id=f"A{a}",
            provider_id=draw(st.sampled_from(pids)),
            intervention_id=draw(st.sampled_from(iids)),
            tariff=Decimal(30),
            units=draw(halves),
            awarded_on=ROUND_DATE - timedelta(days=60),
            ends_on=draw(st.sampled_from([None, ROUND_DATE, ROUND_DATE - timedelta(days=1)])),
        )
        for a in range(draw(st.integers(0, 2)))
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
