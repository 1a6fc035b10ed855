"""The demo region's list of interventions, with the figures that drive its demand.

Codes: the first two digits are the national product category of the iWmo (01-18) or iJw
(40-50) standard, which every municipality must use; the rest ("K" for Kennemerland and a
serial) is this region's own product code within the category, as municipalities may define
them. The "K" keeps them apart from the national standard product code list, whose codes a
municipality's own codes may not reuse. Tariff bands are plausible 2026 levels.
Each intervention also carries how much demand it sees and how the market around it is
built: SHORT ones get too little certified capacity, FLOODED ones far too much.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from matcher.domain import Funding, Law, Segment, Unit


class Market(Enum):
    """How the demo sizes certified capacity against demand for an intervention."""

    BALANCED = "balanced"
    SHORT = "short"
    FLOODED = "flooded"


@dataclass(frozen=True)
class Product:
    """One intervention of the list and its demand profile."""

    code: str
    name: str
    law: Law
    segment: Segment
    group: str
    funding: Funding
    unit: Unit
    tariff_min: Decimal
    tariff_max: Decimal
    intake_per_month: float  # new requests in the whole region, before trend and season
    weekly_units: tuple[float, float]  # range of a client's weekly volume
    months: float  # mean duration of the care
    market: Market = Market.BALANCED


W, J = Law.WMO, Law.JEUGDWET
B, C, A = Segment.B, Segment.C, Segment.A
EFF, OUT, TASK = Funding.EFFORT, Funding.OUTPUT, Funding.TASK
HOUR, DAYPART, DAY, ARR, WEEK = Unit.HOUR, Unit.DAYPART, Unit.DAY, Unit.ARRANGEMENT, Unit.WEEK
DEV, LIGHT, HEAVY, CRISIS = "development_recovery", "lasting_light", "lasting_heavy", "crisis"
SHORT, FLOODED = Market.SHORT, Market.FLOODED


def _p(
    code: str,
    name: str,
    law: Law,
    segment: Segment,
    group: str,
    funding: Funding,
    unit: Unit,
    band: tuple[int, int],
    intake: float,
    units: tuple[float, float],
    months: float,
    market: Market = Market.BALANCED,
) -> Product:
    low, high = band
    return Product(
        code, name, law, segment, group, funding, unit, Decimal(low), Decimal(high),
        intake, units, months, market,
    )  # fmt: skip


PRODUCTS: tuple[Product, ...] = (
    # Wmo: support for adults
    _p("01K01", "Hulp bij het huishouden", W, B, LIGHT, EFF, HOUR, (31, 39), 60, (2, 4), 18, FLOODED),
    _p("02K01", "Individuele begeleiding basis", W, B, DEV, EFF, HOUR, (56, 85), 70, (2, 5), 8, FLOODED),
    _p("02K02", "Individuele begeleiding specialistisch", W, B, DEV, EFF, HOUR, (68, 95), 20, (2, 6), 9),
    _p("02K03", "Begeleiding licht langdurig", W, B, LIGHT, EFF, HOUR, (52, 72), 25, (1, 3), 14),
    _p("02K04", "Begeleiding zwaar langdurig", W, B, HEAVY, EFF, HOUR, (64, 92), 15, (4, 9), 14),
    _p("03K01", "Persoonlijke verzorging", W, B, LIGHT, EFF, HOUR, (55, 75), 20, (2, 7), 10),
    _p("04K01", "Kortdurend verblijf (logeren)", W, B, HEAVY, EFF, DAY, (110, 170), 6, (1, 3), 6),
    _p("06K01", "Herstelgerichte ondersteuning GGZ", W, B, DEV, EFF, HOUR, (62, 88), 15, (2, 5), 7),
    _p("07K01", "Dagbesteding basis", W, B, LIGHT, EFF, DAYPART, (38, 58), 30, (2, 6), 12),
    _p("07K02", "Dagbesteding specialistisch", W, B, HEAVY, EFF, DAYPART, (52, 78), 12, (2, 8), 12, SHORT),
    _p("07K03", "Dagbesteding arbeidsmatig", W, B, DEV, EFF, DAYPART, (35, 52), 10, (2, 6), 10),
    _p("10K01", "Maatwerkarrangement herstel", W, B, DEV, OUT, ARR, (900, 1500), 10, (1, 1), 5),
    _p("15K01", "Beschermd wonen licht", W, C, HEAVY, EFF, DAY, (95, 140), 6, (7, 7), 14),
    _p("15K02", "Beschermd wonen intensief", W, C, HEAVY, EFF, DAY, (150, 230), 4, (7, 7), 16, SHORT),
    _p("16K01", "Maatschappelijke opvang", W, C, CRISIS, EFF, DAY, (85, 135), 8, (7, 7), 3),
    _p("17K01", "Spoedopvang", W, B, CRISIS, EFF, DAY, (120, 190), 8, (7, 7), 1),
    _p("09K01", "Inloop en ontmoeting (algemene voorziening)", W, A, LIGHT, TASK, WEEK, (0, 0), 0, (1, 1), 12),
    # Jeugdwet: youth care
    _p("40K01", "Persoonlijke verzorging jeugd", J, B, LIGHT, EFF, HOUR, (52, 70), 6, (2, 5), 10),
    _p("41K01", "Dagbehandeling", J, B, DEV, EFF, DAYPART, (62, 95), 8, (2, 8), 9),
    _p("41K02", "Dagbehandeling LVB", J, B, HEAVY, EFF, DAYPART, (70, 105), 5, (2, 8), 12),
    _p("43K01", "Behandelgroep residentieel", J, C, HEAVY, EFF, DAY, (280, 420), 4, (7, 7), 12, SHORT),
    _p("44K01", "Gezinshuis", J, C, HEAVY, EFF, DAY, (150, 230), 3, (7, 7), 18),
    _p("44K02", "Pleegzorg", J, B, HEAVY, EFF, DAY, (35, 60), 5, (7, 7), 24),
    _p("44K03", "Logeeropvang jeugd", J, B, LIGHT, EFF, DAY, (130, 190), 5, (1, 3), 8),
    _p("45K01", "Jeugdhulp ambulant basis", J, B, DEV, EFF, HOUR, (51, 78), 60, (1, 3), 6),
    _p("45K02", "Jeugdhulp ambulant specialistisch", J, B, DEV, EFF, HOUR, (78, 110), 25, (2, 4), 8, SHORT),
    _p("45K03", "Gezinsbehandeling", J, B, DEV, EFF, HOUR, (85, 120), 15, (2, 5), 6),
    _p("45K04", "Ambulante begeleiding jeugd langdurig", J, B, LIGHT, EFF, HOUR, (50, 70), 20, (1, 3), 14, FLOODED),
    _p("45K05", "Jeugd-GGZ basis (traject)", J, B, DEV, OUT, ARR, (650, 1100), 30, (1, 1), 4),
    _p("45K06", "Jeugd-GGZ specialistisch (traject)", J, C, DEV, OUT, ARR, (2400, 4200), 10, (1, 1), 6),
    _p("46K01", "Crisishulp ambulant", J, B, CRISIS, EFF, HOUR, (90, 130), 8, (3, 8), 1),
    _p("46K02", "Crisisopvang met verblijf", J, C, CRISIS, EFF, DAY, (260, 380), 4, (7, 7), 2),
    _p("48K01", "Jeugdbescherming (gecertificeerde instelling)", J, C, HEAVY, TASK, WEEK, (0, 0), 0, (1, 1), 12),
)  # fmt: skip

SHORT_INTERVENTIONS = tuple(p.code for p in PRODUCTS if p.market is Market.SHORT)
FLOODED_INTERVENTIONS = tuple(p.code for p in PRODUCTS if p.market is Market.FLOODED)
MATCHED_PRODUCTS = tuple(p for p in PRODUCTS if p.funding is not Funding.TASK)
BALANCED_INTERVENTIONS = tuple(p.code for p in MATCHED_PRODUCTS if p.market is Market.BALANCED)
