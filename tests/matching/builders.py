"""Small hand-built rounds for the explanation and recommendation tests.

One intervention ``H1`` (effort, hours, band EUR 50-100), providers certified for it all
year, and requests of team ``T1``; each test changes only what it is about.
"""

from datetime import date
from decimal import Decimal

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

DAY = date(2025, 3, 1)


def intervention(iid: str = "H1", funding: Funding = Funding.EFFORT) -> Intervention:
    """An intervention in hours with the band EUR 50-100."""
    return Intervention(
        intervention_id=iid,
        name=f"Support {iid}",
        law=Law.WMO,
        segment=Segment.B,
        product_group="support",
        funding=funding,
        unit=Unit.HOUR,
        tariff_min=Decimal(50),
        tariff_max=Decimal(100),
    )


def provider(
    pid: str, lat: float | None = None, lon: float | None = None, specialisms: tuple[str, ...] = ()
) -> Provider:
    return Provider(
        provider_id=pid, name=f"Provider {pid}", lat=lat, lon=lon, specialisms=specialisms
    )


def cert(
    pid: str,
    iid: str = "H1",
    valid_from: date = date(2025, 1, 1),
    valid_to: date = date(2025, 12, 31),
) -> Certification:
    return Certification(
        provider_id=pid, intervention_id=iid, valid_from=valid_from, valid_to=valid_to
    )


def capacity(pid: str, units: str, iid: str = "H1") -> CapacityRow:
    return CapacityRow(provider_id=pid, intervention_id=iid, capacity_units=Decimal(units))


def request(
    rid: str,
    units: str = "4",
    urgency: Urgency = Urgency.NORMAL,
    iid: str = "H1",
    team: str = "T1",
    **extra: object,
) -> Request:
    return Request.model_validate(
        {
            "request_id": rid,
            "client_ref": f"C-{rid}",
            "team_id": team,
            "intervention_id": iid,
            "units": Decimal(units),
            "start_date": DAY,
            "urgency": urgency,
            **extra,
        }
    )


def bid(rid: str, pid: str, tariff: str) -> Bid:
    return Bid(request_id=rid, provider_id=pid, tariff=Decimal(tariff))


def make_round(
    providers: list[Provider],
    requests: list[Request],
    bids: list[Bid],
    capacity_rows: list[CapacityRow],
    certs: list[Certification] | None = None,
    interventions: list[Intervention] | None = None,
    offers: list[Offer] | None = None,
    budgets: list[Budget] | None = None,
    awards: list[Award] | None = None,
    **policy: object,
) -> Round:
    """A round on DAY; certificates default to every provider for H1."""
    return Round(
        interventions=tuple(interventions or [intervention()]),
        providers=tuple(providers),
        certifications=tuple(
            certs if certs is not None else [cert(p.provider_id) for p in providers]
        ),
        capacity=tuple(capacity_rows),
        requests=tuple(requests),
        bids=tuple(bids),
        offers=None if offers is None else tuple(offers),
        budgets=None if budgets is None else tuple(budgets),
        awards=None if awards is None else tuple(awards),
        policy=Policy.model_validate({"round_date": DAY, **policy}),
    )


def budget(amount: str, team: str = "T1", segment: Segment = Segment.B) -> Budget:
    return Budget(team_id=team, segment=segment, amount=Decimal(amount))


def award(rid: str, pid: str, units: str, tariff: str = "60", iid: str = "H1") -> Award:
    return Award(
        request_id=rid,
        provider_id=pid,
        intervention_id=iid,
        tariff=Decimal(tariff),
        units=Decimal(units),
        awarded_on=date(2025, 1, 1),
    )
