"""Small hand-built rounds whose optimum is known by hand, and a capacity check by hand.

``two_for_one_slot``: providers P1 (room for 4 hours a week) and P2 (room for 10) both bid
on R1 and R2 (3 hours each), so P1 can take only one of them:
  R1->P1 + R2->P2 costs 3x60 + 3x66 = 378;  R2->P1 + R1->P2 costs 3x55 + 3x70 = 375.
The optimum is R1->P2, R2->P1 at EUR 375. R3 only has a bid outside the tariff band
(EUR 90 > 80), so it stays unplaced. No locations, preferences or current providers: every
secondary term is zero.
"""

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from matcher.domain import (
    ALL_INTERVENTIONS,
    Bid,
    CapacityRow,
    Certification,
    Intervention,
    Policy,
    Provider,
    Request,
    Round,
)
from matcher.domain.enums import Funding, Law, Segment, Unit, Urgency

ROUND_DATE = date(2026, 11, 23)
OPTIMUM = {"R1": "P2", "R2": "P1"}
OPTIMAL_COST = Decimal("375.00")


def two_for_one_slot() -> Round:
    """The round described in the module docstring."""
    intervention = Intervention(
        intervention_id="I1",
        name="Begeleiding",
        law=Law.WMO,
        segment=Segment.B,
        product_group="support",
        funding=Funding.EFFORT,
        unit=Unit.HOUR,
        tariff_min=Decimal(50),
        tariff_max=Decimal(80),
    )
    providers = tuple(Provider(provider_id=p, name=f"Provider {p}") for p in ("P1", "P2"))
    certifications = tuple(
        Certification(
            provider_id=p,
            intervention_id="I1",
            valid_from=date(2025, 1, 1),
            valid_to=date(2028, 12, 31),
        )
        for p in ("P1", "P2")
    )
    capacity = (
        CapacityRow(provider_id="P1", intervention_id="I1", capacity_units=Decimal(4)),
        CapacityRow(provider_id="P2", intervention_id="I1", capacity_units=Decimal(10)),
    )
    requests = tuple(
        Request(
            request_id=r,
            client_ref=f"C-{r}",
            team_id="T1",
            intervention_id="I1",
            units=Decimal(3),
            start_date=date(2026, 12, 1),
            urgency=Urgency.NORMAL,
        )
        for r in ("R1", "R2", "R3")
    )
    bids = tuple(
        Bid(request_id=r, provider_id=p, tariff=Decimal(t))
        for r, p, t in (
            ("R1", "P1", 60),
            ("R1", "P2", 70),
            ("R2", "P1", 55),
            ("R2", "P2", 66),
            ("R3", "P2", 90),
        )
    )
    return Round(
        interventions=(intervention,),
        providers=providers,
        certifications=certifications,
        capacity=capacity,
        requests=requests,
        bids=bids,
        policy=Policy(round_date=ROUND_DATE),
    )


def narrow_p2() -> Round:
    """two_for_one_slot with room for 2 hours at P2: R1 and R2 (3 hours each) cannot both be
    placed; R2 takes P1 (cheaper), R1 is left, and one more hour at P2 would place it."""
    round_ = two_for_one_slot()
    p2 = round_.capacity[1].model_copy(update={"capacity_units": Decimal(2)})
    return round_.model_copy(update={"capacity": (round_.capacity[0], p2)})


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV output file as dictionaries."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header_of(path: Path) -> list[str]:
    """The header row of a CSV output file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def capacity_breaches(round_: Round, assignments: list[dict[str, str]]) -> list[str]:
    """Capacity rows that the assignments plus the running awards overfill (by hand)."""
    intervention_of = {r.request_id: r.intervention_id for r in round_.requests}
    day = round_.effective_policy().round_date or date.today()
    load: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    placed = [
        (a["provider_id"], intervention_of[a["request_id"]], Decimal(a["units"]))
        for a in assignments
    ]
    running = [
        (a.provider_id, a.intervention_id, a.units)
        for a in round_.awards or ()
        if a.ends_on is None or a.ends_on >= day
    ]
    for provider, intervention, units in placed + running:
        load[(provider, intervention)] += units
        load[(provider, ALL_INTERVENTIONS)] += units
    return [
        f"{row.provider_id}/{row.intervention_id}"
        for row in round_.capacity
        if load[(row.provider_id, row.intervention_id)] > row.capacity_units
    ]
