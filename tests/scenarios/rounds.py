"""A small hand-built round whose every row is known, for what-if tests.

Two interventions (I1 effort per hour, band 50-80; I2 output per arrangement, band
1000-2000), three providers, four teams in two municipalities, six open requests and one
awarded one. Round date 2026-12-01.
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
    Team,
    TeamKind,
    Unit,
    Urgency,
)

ROUND_DATE = date(2026, 12, 1)
D = Decimal


def intervention(iid: str, funding: Funding, low: str, high: str) -> Intervention:
    return Intervention(
        intervention_id=iid,
        name=f"Intervention {iid}",
        law=Law.WMO,
        segment=Segment.B,
        product_group="group",
        funding=funding,
        unit=Unit.HOUR if funding is Funding.EFFORT else Unit.ARRANGEMENT,
        tariff_min=D(low),
        tariff_max=D(high),
    )


def request(rid: str, team: str, iid: str, units: str, urgency: Urgency) -> Request:
    return Request(
        request_id=rid,
        client_ref=f"C-{rid}",
        team_id=team,
        intervention_id=iid,
        units=D(units),
        start_date=date(2026, 12, 15),
        urgency=urgency,
    )


def cert(pid: str, iid: str, start: str = "2025-01-01", end: str = "2027-12-31") -> Certification:
    return Certification(
        provider_id=pid,
        intervention_id=iid,
        valid_from=date.fromisoformat(start),
        valid_to=date.fromisoformat(end),
    )


def small_round() -> Round:
    """The round described in the module docstring."""
    return Round(
        interventions=(
            intervention("I1", Funding.EFFORT, "50", "80"),
            intervention("I2", Funding.OUTPUT, "1000", "2000"),
        ),
        providers=(
            Provider(provider_id="P1", name="Een"),
            Provider(provider_id="P2", name="Twee"),
            Provider(provider_id="P3", name="Drie"),
        ),
        certifications=(
            cert("P1", "I1"),
            cert("P1", "I2"),
            cert("P2", "I1", "2025-01-01", "2026-06-30"),
            cert("P2", "I1", "2026-07-01", "2027-06-30"),
            cert("P3", "I2"),
        ),
        capacity=(
            CapacityRow(provider_id="P1", intervention_id="I1", capacity_units=D("10")),
            CapacityRow(provider_id="P1", intervention_id="*", capacity_units=D("12")),
            CapacityRow(provider_id="P2", intervention_id="I1", capacity_units=D("8")),
            CapacityRow(provider_id="P3", intervention_id="I2", capacity_units=D("2")),
        ),
        requests=(
            request("R1", "T1", "I1", "3", Urgency.CRISIS),
            request("R2", "T1", "I1", "4", Urgency.HIGH),
            request("R3", "T2", "I1", "2", Urgency.NORMAL),
            request("R4", "T3", "I2", "1", Urgency.NORMAL),
            request("R5", "T3", "I1", "5", Urgency.NORMAL),
            request("R6", "T4", "I2", "1", Urgency.HIGH),
            request("A1", "T1", "I1", "2", Urgency.NORMAL),
        ),
        bids=(
            Bid(request_id="R1", provider_id="P1", tariff=D("60")),
            Bid(request_id="R1", provider_id="P2", tariff=D("70")),
            Bid(request_id="R2", provider_id="P2", tariff=D("65")),
            Bid(request_id="R4", provider_id="P3", tariff=D("1500")),
            Bid(request_id="R5", provider_id="P1", tariff=D("90")),
        ),
        offers=(
            Offer(provider_id="P1", intervention_id="I1", tariff=D("62")),
            Offer(provider_id="P3", intervention_id="I2", tariff=D("1600")),
        ),
        budgets=(
            Budget(team_id="T1", segment=Segment.B, amount=D("1000")),
            Budget(team_id="T3", segment=Segment.B, amount=D("5000")),
        ),
        teams=(
            Team(team_id="T1", name="Team 1", municipality="Haarlem", kind=TeamKind.NEIGHBOURHOOD),
            Team(team_id="T2", name="Team 2", municipality="Haarlem", kind=TeamKind.NEIGHBOURHOOD),
            Team(team_id="T3", name="Team 3", municipality="Velsen", kind=TeamKind.NEIGHBOURHOOD),
            Team(team_id="T4", name="Team 4", municipality="Velsen", kind=TeamKind.YOUTH),
        ),
        awards=(
            Award(
                request_id="A1",
                provider_id="P1",
                intervention_id="I1",
                tariff=D("60"),
                units=D("2"),
                awarded_on=date(2026, 10, 1),
            ),
        ),
        policy=Policy(round_date=ROUND_DATE),
    )


TABLES = (
    "interventions",
    "providers",
    "certifications",
    "capacity",
    "requests",
    "bids",
    "offers",
    "budgets",
    "teams",
    "awards",
    "history",
    "policy",
)


def changed_tables(before: Round, after: Round) -> set[str]:
    """The tables of the round that differ."""
    return {t for t in TABLES if getattr(before, t) != getattr(after, t)}
