"""Small hand-made rounds for the engine tests: one intervention, a few providers, by hand."""

from datetime import date
from decimal import Decimal

from matcher.domain import (
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Policy,
    Provider,
    Request,
    Round,
    Segment,
    Unit,
    Urgency,
)

DAY = date(2026, 11, 23)


def intervention(iid: str = "I1", funding: Funding = Funding.EFFORT) -> Intervention:
    """An hour-based intervention with the band EUR 50-100."""
    return Intervention(
        intervention_id=iid,
        name="Begeleiding",
        law=Law.WMO,
        segment=Segment.B,
        product_group="lasting_light",
        funding=funding,
        unit=Unit.HOUR,
        tariff_min=Decimal(50),
        tariff_max=Decimal(100),
    )


def request(
    rid: str,
    units: str = "1",
    urgency: Urgency = Urgency.NORMAL,
    iid: str = "I1",
    team: str = "T1",
    waiting_since: date | None = None,
    **extra: object,
) -> Request:
    """An open request starting on the round date."""
    return Request(
        request_id=rid,
        client_ref=f"C-{rid}",
        team_id=team,
        intervention_id=iid,
        units=Decimal(units),
        start_date=DAY,
        urgency=urgency,
        waiting_since=waiting_since,
        **extra,
    )


def make_round(
    requests: list[Request],
    bids: list[tuple[str, str, str]],
    capacity: dict[str, str],
    budgets: dict[tuple[str, str], str] | None = None,
    policy: Policy | None = None,
    interventions: list[Intervention] | None = None,
) -> Round:
    """A round where every provider in ``capacity`` is certified for every intervention.

    ``bids`` are (request, provider, tariff); ``capacity`` maps a provider to its ``*`` row.
    """
    items = interventions or [intervention()]
    providers = sorted(capacity)
    return Round(
        interventions=tuple(items),
        providers=tuple(Provider(provider_id=p, name=f"Provider {p}") for p in providers),
        certifications=tuple(
            Certification(
                provider_id=p,
                intervention_id=i.intervention_id,
                valid_from=date(2025, 1, 1),
                valid_to=date(2027, 12, 31),
            )
            for p in providers
            for i in items
        ),
        capacity=tuple(
            CapacityRow(provider_id=p, intervention_id="*", capacity_units=Decimal(units))
            for p, units in capacity.items()
        ),
        requests=tuple(requests),
        bids=tuple(Bid(request_id=r, provider_id=p, tariff=Decimal(t)) for r, p, t in bids),
        budgets=None
        if budgets is None
        else tuple(
            Budget(team_id=t, segment=Segment(s), amount=Decimal(a))
            for (t, s), a in budgets.items()
        ),
        policy=policy or Policy(round_date=DAY),
    )
