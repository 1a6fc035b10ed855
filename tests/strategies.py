"""Hypothesis strategies drawing valid, referentially consistent rounds."""

from datetime import date, timedelta

from hypothesis import strategies as st

from matcher.domain import (
    Award,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Funding,
    HistoryRecord,
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
    Weights,
)

DAY0 = date(2026, 1, 1)
money = st.decimals(min_value=1, max_value=5000, places=2)
volume = st.decimals(min_value="0.5", max_value=7, places=2)
days = st.integers(min_value=0, max_value=900).map(lambda d: DAY0 + timedelta(days=d))
words = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz éü-", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
coordinates = st.tuples(
    st.floats(50.7, 53.6, allow_nan=False).map(lambda v: round(v, 5)),
    st.floats(3.3, 7.2, allow_nan=False).map(lambda v: round(v, 5)),
)


@st.composite
def rounds(draw: st.DrawFn, max_requests: int = 8) -> Round:
    """A small valid round using every file of the contract."""
    n_int = draw(st.integers(1, 3))
    interventions = []
    for i in range(n_int):
        low = draw(money)
        high = low + draw(st.decimals(min_value=0, max_value=100, places=2))
        interventions.append(
            Intervention(
                intervention_id=f"I{i}",
                name=draw(words),
                law=draw(st.sampled_from(Law)),
                segment=draw(st.sampled_from([Segment.B, Segment.C])),
                product_group=draw(words),
                funding=draw(st.sampled_from([Funding.EFFORT, Funding.OUTPUT])),
                unit=draw(st.sampled_from([Unit.HOUR, Unit.DAY, Unit.DAYPART])),
                tariff_min=low,
                tariff_max=high,
            )
        )
    ids = [i.intervention_id for i in interventions]
    providers = []
    for p in range(draw(st.integers(1, 4))):
        where = draw(st.none() | coordinates)
        providers.append(
            Provider(
                provider_id=f"P{p}",
                name=draw(words),
                agb_code=draw(st.none() | st.from_regex(r"\A\d{8}\Z")),
                lat=where[0] if where else None,
                lon=where[1] if where else None,
                specialisms=tuple(draw(st.lists(words, max_size=2, unique=True))),
            )
        )
    pids = [p.provider_id for p in providers]
    certifications = [
        Certification(
            provider_id=p,
            intervention_id=i,
            valid_from=start,
            valid_to=start + timedelta(days=draw(st.integers(0, 1200))),
        )
        for p in pids
        for i in ids
        if draw(st.booleans())
        for start in [draw(days)]
    ]
    capacity = [
        CapacityRow(provider_id=p, intervention_id=i, capacity_units=draw(volume) * 10)
        for p in pids
        for i in [*ids, "*"]
        if draw(st.booleans())
    ]
    teams = [
        Team(
            team_id=f"T{t}",
            name=draw(words),
            municipality=draw(words),
            kind=draw(st.sampled_from(TeamKind)),
        )
        for t in range(draw(st.integers(1, 2)))
    ]
    requests = []
    for r in range(draw(st.integers(0, max_requests))):
        preferred = draw(st.lists(st.sampled_from(pids), max_size=2, unique=True))
        excluded = draw(
            st.lists(
                st.sampled_from([p for p in pids if p not in preferred] or ["-"]),
                max_size=1,
                unique=True,
            )
        )
        place = draw(st.none() | coordinates)
        requests.append(
            Request(
                request_id=f"R{r}",
                client_ref=f"C-{r:06X}",
                team_id=draw(st.sampled_from(teams)).team_id,
                intervention_id=draw(st.sampled_from(ids)),
                units=draw(volume),
                start_date=draw(days),
                urgency=draw(st.sampled_from(Urgency)),
                lat=place[0] if place else None,
                lon=place[1] if place else None,
                preferred_providers=tuple(preferred),
                excluded_providers=tuple(e for e in excluded if e != "-"),
                current_provider=draw(st.none() | st.sampled_from(pids)),
                required_specialisms=tuple(draw(st.lists(words, max_size=1))),
                waiting_since=draw(st.none() | days),
            )
        )
    bids = [
        Bid(
            request_id=r.request_id,
            provider_id=p,
            tariff=draw(money),
            units=draw(st.none() | volume),
        )
        for r in requests
        for p in pids
        if draw(st.booleans())
    ]
    offers = [
        Offer(provider_id=p, intervention_id=i, tariff=draw(money))
        for p in pids
        for i in ids
        if draw(st.booleans())
    ]
    budgets = [
        Budget(team_id=t.team_id, segment=s, amount=draw(money) * 10)
        for t in teams
        for s in (Segment.B, Segment.C)
        if draw(st.booleans())
    ]
    awards = [
        Award(
            request_id=f"A{a}",
            provider_id=draw(st.sampled_from(pids)),
            intervention_id=draw(st.sampled_from(ids)),
            tariff=draw(money),
            units=draw(volume),
            awarded_on=DAY0,
            ends_on=draw(st.none() | days),
        )
        for a in range(draw(st.integers(0, 2)))
    ]
    history = [
        HistoryRecord(
            request_id=f"H{h}",
            team_id=draw(st.sampled_from(teams)).team_id,
            intervention_id=draw(st.sampled_from(ids)),
            units=draw(volume),
            received_on=DAY0,
            started_on=DAY0 + timedelta(days=7),
            ended_on=draw(st.none() | st.just(DAY0 + timedelta(days=90))),
            provider_id=draw(st.none() | st.sampled_from(pids)),
        )
        for h in range(draw(st.integers(0, 3)))
    ]
    optional = st.booleans()
    return Round(
        interventions=tuple(interventions),
        providers=tuple(providers),
        certifications=tuple(certifications),
        capacity=tuple(capacity),
        requests=tuple(requests),
        bids=tuple(bids),
        offers=tuple(offers) if draw(optional) else None,
        budgets=tuple(budgets) if draw(optional) else None,
        teams=tuple(teams) if draw(optional) else None,
        awards=tuple(awards) if draw(optional) else None,
        history=tuple(history) if draw(optional) else None,
        policy=draw(
            st.none()
            | st.builds(
                Policy,
                round_date=st.none() | days,
                max_distance_km=st.none() | st.integers(1, 100).map(float),
                weights=st.builds(Weights, distance_per_km=st.decimals(0, 50, places=2)),
            )
        ),
    )
