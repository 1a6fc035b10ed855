"""The demo's history with a story: waits that follow intake against capacity, and three
episodes a capacity backtest can be scored on (models/capacity.md, "Demo episodes").

Each intervention's queue is followed month by month as a fluid: care ends at running ÷ D
a month (D the mean duration), free capacity takes waiting and new requests at once, the
rest waits. A request received in month m waits the month's queue ÷ its starts (Little's
law) on top of a short handling time (half the law's norm), so a well supplied intervention
starts care within the norm and a short one's waits grow month by month. Capacity in the
queue is a multiple of the steady load at the round's intake level (``RATIO``):

- SHORT interventions hold 0.9 × the steady load, with a list of two months' intake when
  the history starts: the list grows all along.
- BUILD_UP (45K02, short): intake grows by 60% between 30 and 12 months before the round
  date while capacity stays at 1.3 × the starting load: enough at first, short from about
  20 months before the round date, the list longer every month after.
- LEAVER (02K02): its largest provider's certificate ends 16 months before the round date
  (half of the capacity gone), a newcomer is certified 8 months before it (as much back):
  eight months short, the backlog cleared by the round date.
- SHOCK (45K05): intake × 2.5 for four months from 16 months before the round date (a
  neighbouring region's provider closing), then back; the list builds and clears.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from matcher.data.demo.catalogue import Market, Product
from matcher.data.demo.market import VALIDITY_YEARS, DemoProvider
from matcher.domain import Certification, Law

BUILD_UP, LEAVER, SHOCK = "45K02", "02K02", "45K05"
RATIO = {Market.BALANCED: 1.4, Market.SHORT: 0.9, Market.FLOODED: 4.5}
SHORT_BACKLOG_MONTHS = 2.0  # a short intervention's list when the history starts: 2 months
BUILD_UP_RATIO = 1.3
BUILD_UP_MONTHS = (-30, -12)  # ramp of the intake, months from the round month
BUILD_UP_GROWTH = 0.6
LEAVE_MONTH, NEWCOMER_MONTH = -16, -8
LEAVER_SHARE = 0.5  # of today's capacity: the leaver's row, and the newcomer's
SHOCK_MONTHS, SHOCK_FACTOR = (-16, -12), 2.5  # [first, end)
NORM_WEEKS = {Law.WMO: 2.0, Law.JEUGDWET: 6.0}  # the laws' waiting norms
HANDLING_SHARE = 0.5  # handling time: half the norm, exponential
WEEKS_PER_MONTH = 365.25 / 12 / 7


@dataclass(frozen=True)
class Queue:
    """The fluid queue of one intervention: mean weeks in the queue per month received."""

    waits: tuple[float, ...]


def intake_factor(code: str, month: int) -> float:
    """Intake multiplier of an episode in a month (months from the round month, ≤ 0)."""
    if code == BUILD_UP:
        first, last = BUILD_UP_MONTHS
        done = min(max((month - first) / (last - first), 0.0), 1.0)
        return 1 + BUILD_UP_GROWTH * done
    if code == SHOCK and SHOCK_MONTHS[0] <= month < SHOCK_MONTHS[1]:
        return SHOCK_FACTOR
    return 1.0


def capacity_ratio(product: Product, month: int) -> float:
    """Capacity over the steady load at the round's intake level, in a month."""
    if product.code == BUILD_UP:
        return BUILD_UP_RATIO
    base = RATIO[product.market] * (1.05 if product.code == LEAVER else 1.0)
    if product.code == LEAVER and LEAVE_MONTH <= month < NEWCOMER_MONTH:
        return base * (1 - LEAVER_SHARE)
    return base


def handling_weeks(product: Product) -> float:
    """Mean handling time before care can start: half the law's norm."""
    return HANDLING_SHARE * NORM_WEEKS.get(product.law, 2.0)


def queue_of(product: Product, reference: float, arrivals: list[float], months: list[int]) -> Queue:
    """The fluid queue over the history: ``arrivals`` expected requests per month,
    ``months`` their offsets from the round month, ``reference`` the intake a month whose
    steady load (reference × D) the capacity ratio multiplies."""
    d = product.months
    running = min(arrivals[0] * d, capacity_ratio(product, months[0]) * reference * d)
    waiting = 0.0
    if product.market is Market.SHORT and product.code != BUILD_UP:
        waiting = SHORT_BACKLOG_MONTHS * arrivals[0]
    waits = []
    for a, m in zip(arrivals, months, strict=True):
        capacity = capacity_ratio(product, m) * reference * d
        running -= running / d
        starts = min(waiting + a, max(capacity - running, 0.0))
        before = waiting
        running += starts
        waiting += a - starts
        pace = max(starts, capacity / d) / WEEKS_PER_MONTH  # starts a week when it flows
        waits.append((before + waiting) / 2 / pace)
    return Queue(tuple(waits))


@dataclass(frozen=True)
class Leaving:
    """Who leaves LEAVER's market and who comes in."""

    leaver: str
    newcomer: str


def choose_leaving(providers: list[DemoProvider]) -> tuple[list[DemoProvider], Leaving]:
    """The largest provider holding LEAVER leaves; the first small one without it comes in
    (the intervention is added to its list)."""
    holders = [p for p in providers if LEAVER in p.products and LEAVER not in p.lapsed]
    leaver = max(holders, key=lambda p: (p.weight, p.provider.provider_id))
    index = next(n for n, p in enumerate(providers[5:], start=5) if LEAVER not in p.products)
    joining = providers[index]
    providers = list(providers)
    providers[index] = replace(joining, products=tuple(sorted((*joining.products, LEAVER))))
    return providers, Leaving(leaver.provider.provider_id, joining.provider.provider_id)


def month_start(round_date: date, months: int) -> date:
    """First day of the month ``months`` from the round month."""
    index = round_date.year * 12 + round_date.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def leaving_certificates(
    certifications: list[Certification], leaving: Leaving, round_date: date
) -> list[Certification]:
    """The leaver's certificate for LEAVER ends the day before LEAVE_MONTH (three years
    after it began, like any other); the newcomer's starts on NEWCOMER_MONTH."""
    span = timedelta(days=VALIDITY_YEARS * 365 - 1)
    ends = month_start(round_date, LEAVE_MONTH) - timedelta(days=1)
    starts = month_start(round_date, NEWCOMER_MONTH)
    kept = [
        c
        for c in certifications
        if c.intervention_id != LEAVER or c.provider_id not in (leaving.leaver, leaving.newcomer)
    ]
    return [
        *kept,
        Certification(
            provider_id=leaving.leaver,
            intervention_id=LEAVER,
            valid_from=ends - span,
            valid_to=ends,
        ),
        Certification(
            provider_id=leaving.newcomer,
            intervention_id=LEAVER,
            valid_from=starts,
            valid_to=starts + span,
        ),
    ]
