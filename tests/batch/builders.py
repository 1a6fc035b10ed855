"""Small matching rounds for the batch tests, built from the domain entities.

Every provider is certified for every intervention it is given, all year; requests carry no
locations, so admissibility is decided by bids, offers, capacity and exclusions alone.
"""

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

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
    Unit,
    Urgency,
)

DAY = date(2026, 11, 23)


def intervention(iid: str) -> Intervention:
    """An hour-based intervention with a wide tariff band."""
    return Intervention(
        intervention_id=iid,
        name=f"Intervention {iid}",
        law=Law.WMO,
        segment=Segment.B,
        product_group="ambulant",
        funding=Funding.EFFORT,
        unit=Unit.HOUR,
        tariff_min=Decimal(1),
        tariff_max=Decimal(1000),
    )


def request(
    rid: str, iid: str = "I1", urgency: Urgency = Urgency.NORMAL, units: int = 1
) -> Request:
    """An open request of one client, starting on the round date."""
    return Request(
        request_id=rid,
        client_ref=f"C-{rid}",
        team_id="T1",
        intervention_id=iid,
        units=Decimal(units),
        start_date=DAY,
        urgency=urgency,
    )


def make_round(
    requests: list[Request],
    capacity: dict[tuple[str, str], int],
    bids: dict[tuple[str, str], int],
    awards: list[Award] | None = None,
    budgets: list[Budget] | None = None,
    offers: list[Offer] | None = None,
) -> Round:
    """A round from requests, capacity per (provider, intervention) and tariffs per
    (request, provider); providers and certificates follow from capacity."""
    interventions = sorted({r.intervention_id for r in requests} | {i for _, i in capacity})
    providers = sorted({p for p, _ in capacity} | {p for _, p in bids})
    return Round(
        interventions=tuple(intervention(i) for i in interventions if i != "*"),
        providers=tuple(Provider(provider_id=p, name=f"Provider {p}") for p in providers),
        certifications=tuple(
            Certification(
                provider_id=p,
                intervention_id=i,
                valid_from=date(2026, 1, 1),
                valid_to=date(2027, 12, 31),
            )
            for p in providers
            for i in interventions
            if i != "*"
        ),
        capacity=tuple(
            CapacityRow(provider_id=p, intervention_id=i, capacity_units=Decimal(units))
            for (p, i), units in sorted(capacity.items())
        ),
        requests=tuple(requests),
        bids=tuple(
            Bid(request_id=r, provider_id=p, tariff=Decimal(t))
            for (r, p), t in sorted(bids.items())
        ),
        offers=tuple(offers) if offers is not None else None,
        budgets=tuple(budgets) if budgets is not None else None,
        awards=tuple(awards) if awards is not None else None,
        policy=Policy(round_date=DAY),
    )


@st.composite
def matching_rounds(draw: st.DrawFn) -> Round:
    """A small round with scarce capacity: 1-3 regions of 1-3 providers and 1-6 requests.

    Providers of a region bid on requests of that region only; some have a `*` row, and a
    team budget may join the regions, so parts range from one request to the whole round.
    """
    requests: list[Request] = []
    capacity: dict[tuple[str, str], int] = {}
    bids: dict[tuple[str, str], int] = {}
    for g in range(draw(st.integers(1, 3))):
        pids = [f"G{g}P{k}" for k in range(draw(st.integers(1, 3)))]
        iids = [f"I{k}" for k in range(draw(st.integers(1, 2)))]
        for pid in pids:
            for iid in iids:
                if draw(st.booleans()):
                    capacity[(pid, iid)] = draw(st.integers(1, 4))
            if draw(st.integers(0, 3)) == 0:
                capacity[(pid, "*")] = draw(st.integers(1, 4))
        for k in range(draw(st.integers(1, 6))):
            rid = f"G{g}R{k}"
            requests.append(
                request(
                    rid,
                    draw(st.sampled_from(iids)),
                    draw(st.sampled_from(Urgency)),
                    draw(st.integers(1, 3)),
                )
            )
            for pid in pids:
                if draw(st.integers(0, 3)):
                    bids[(rid, pid)] = draw(st.integers(10, 90))
    budgets = None
    if draw(st.booleans()):
        budgets = [
            Budget(team_id="T1", segment=Segment.B, amount=Decimal(draw(st.integers(50, 400))))
        ]
    return make_round(requests, capacity, bids, budgets=budgets)
