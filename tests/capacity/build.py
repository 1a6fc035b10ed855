"""Small hand-made rounds for the capacity tests: one municipality, one or two interventions."""

from datetime import date
from decimal import Decimal

from matcher.domain import (
    Award,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Offer,
    Policy,
    Provider,
    Round,
    Segment,
    Team,
    TeamKind,
    Unit,
)

ROUND_DATE = date(2026, 7, 15)


def intervention(iid: str = "I1") -> Intervention:
    return Intervention(
        intervention_id=iid,
        name=f"Support {iid}",
        law=Law.WMO,
        segment=Segment.B,
        product_group="development_recovery",
        funding=Funding.EFFORT,
        unit=Unit.HOUR,
        tariff_min=Decimal(50),
        tariff_max=Decimal(80),
    )


def certificate(pid: str, valid_to: date = date(2029, 1, 1), iid: str = "I1") -> Certification:
    return Certification(
        provider_id=pid, intervention_id=iid, valid_from=date(2024, 1, 1), valid_to=valid_to
    )


def award(rid: str, pid: str, units: int, iid: str = "I1", tariff: int = 60) -> Award:
    return Award(
        request_id=rid,
        provider_id=pid,
        intervention_id=iid,
        tariff=Decimal(tariff),
        units=Decimal(units),
        awarded_on=date(2026, 1, 1),
    )


def round_with(
    capacity: dict[str, int],
    awards: list[Award] = (),  # type: ignore[assignment]
    certifications: list[Certification] | None = None,
    offers: dict[str, int] | None = None,
) -> Round:
    """Providers P1.. with the given weekly capacity for I1, certified to 2029 unless given."""
    pids = sorted(capacity)
    return Round(
        interventions=(intervention(),),
        providers=tuple(Provider(provider_id=p, name=f"Provider {p}") for p in pids),
        certifications=tuple(certifications or [certificate(p) for p in pids]),
        capacity=tuple(
            CapacityRow(provider_id=p, intervention_id="I1", capacity_units=Decimal(u))
            for p, u in capacity.items()
        ),
        requests=(),
        bids=(),
        offers=tuple(
            Offer(provider_id=p, intervention_id="I1", tariff=Decimal(t))
            for p, t in (offers or {}).items()
        ),
        teams=(Team(team_id="T1", name="Team", municipality="Town", kind=TeamKind.NEIGHBOURHOOD),),
        awards=tuple(awards),
        policy=Policy(round_date=ROUND_DATE),
    )
