"""under_supply: a steady load above certified capacity, or a backlog that free capacity
cannot clear within the law's waiting norm (models/capacity.md, "under_supply").

Open requests are a backlog, not a load: they start as capacity frees up. Only when the
load of running care and new intake (the steady load) does not fit, or the backlog's
clearance takes longer than the norm, is the intervention short.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from matcher.capacity.areas import REGION
from matcher.capacity.demand import LoadProjection
from matcher.capacity.local import judged_places_of
from matcher.capacity.months import WEEKS_PER_MONTH, label
from matcher.capacity.queues import Queue
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.signals import (
    EPSILON,
    UNDER_SUPPLY,
    Place,
    Signal,
    region_first,
)
from matcher.capacity.supply import Supply
from matcher.domain import Intervention


@dataclass(frozen=True)
class Shortage:
    """How far and how long one intervention × area is short."""

    months_short_upper: int  # months with the upper-80% steady load above capacity
    months_short_mean: int  # months with the expected steady load above capacity
    first_short: int | None  # index of the first month the expected steady load is short
    worst_gap: float  # largest (expected steady load − capacity) ÷ capacity, ≥ 0
    clearance_weeks: float  # weeks until the backlog has started (inf: never)


def clearance_weeks(projection: LoadProjection, capacity: tuple[float, ...]) -> float:
    """Weeks until free capacity has taken in the backlog (a fluid estimate).

    What is free in month 0 takes its share at once; after that care ends at capacity ÷ D
    units a month while new intake takes steady load ÷ D, so the backlog shrinks by
    (capacity − steady load) ÷ D a month (means over the horizon). Never when that is ≤ 0.
    """
    backlog = projection.backlog
    if backlog <= EPSILON or not capacity:
        return 0.0
    steady = projection.steady_mean
    free_now = max(capacity[0] - steady[0], 0.0)
    if backlog <= free_now:
        return 0.0
    relief = (sum(capacity) - sum(steady)) / len(capacity) / projection.duration
    if relief <= EPSILON:
        return math.inf
    return (backlog - free_now) / relief * WEEKS_PER_MONTH


def shortage_of(place: Place, tolerance: float = 0.0) -> Shortage:
    """The shortage figures of one place judged on its capacity (local.judged_places); a
    month is short when the expected steady load exceeds capacity by more than
    ``tolerance`` (a share)."""
    margin = 1 + tolerance + EPSILON
    p, capacity = place.projection, place.capacity
    upper, mean = p.steady_upper80, p.steady_mean
    upper_short = sum(u > c + EPSILON for u, c in zip(upper, capacity, strict=True))
    short = [k for k, (m, c) in enumerate(zip(mean, capacity, strict=True)) if m > c * margin]
    gaps = [(m - c) / c if c > EPSILON else math.inf for m, c in zip(mean, capacity, strict=True)]
    return Shortage(
        months_short_upper=upper_short,
        months_short_mean=len(short),
        first_short=short[0] if short else None,
        worst_gap=max([0.0, *gaps]),
        clearance_weeks=clearance_weeks(p, capacity),
    )


def severity_of(shortage: Shortage, norm_weeks: float) -> str:
    """High when the expected load is short in three months or more and by 15% or more at
    its worst, or the backlog needs four norms or more; medium on one of the two, or a
    backlog of two norms; else low (a small, brief gap or a backlog a little over the norm)."""
    long, far = shortage.months_short_mean >= 3, shortage.worst_gap >= 0.15
    if (long and far) or shortage.clearance_weeks >= 4 * norm_weeks:
        return "high"
    if long or far or shortage.clearance_weeks >= 2 * norm_weeks:
        return "medium"
    return "low"


def under_supply(
    projections: Mapping[tuple[str, str], LoadProjection],
    supply: Supply,
    queues: Mapping[tuple[str, str], Queue],
    interventions: Mapping[str, Intervention],
    settings: CapacitySettings,
) -> list[Signal]:
    """Expected steady load above certified capacity in some month, or a backlog that takes
    longer than the law's norm to clear. The upper 80% bound is stated, not acted on: a
    signal on the bound alone fires where supply is fine one year in five."""
    signals = []
    judged_by = judged_places_of(projections, supply, queues, settings.shortage_tolerance)
    for iid, judged in judged_by.items():
        i = interventions[iid]
        norm = settings.norm_for(i.law)
        lone = len(judged) == 1
        signals += region_first(
            judged, partial(_under, iid, i.name, norm, lone=lone, settings=settings)
        )
    return signals


def _under(
    iid: str, name: str, norm: float, place: Place, *, lone: bool, settings: CapacitySettings
) -> Signal | None:
    p, capacity, area = place.projection, place.capacity, place.area
    shortage = shortage_of(place, settings.shortage_tolerance)
    backlog_late = shortage.clearance_weeks > norm
    if shortage.first_short is None and not backlog_late:
        return None
    severity = severity_of(shortage, norm)
    waiting = _waiting(place, shortage, norm)
    history = _wait_history(place.queue, settings)
    if shortage.first_short is not None:
        k = shortage.first_short
        upper = p.steady_upper80
        detail = (
            f"In {label(p.first_month + k)} running care and new requests are expected at "
            f"{p.steady_mean[k]:,.1f} units a week (upper 80% {upper[k]:,.1f}) against "
            f"{capacity[k]:,.1f} {_judged_on(area, lone)}; expected load short in "
            f"{shortage.months_short_mean} of {len(capacity)} months, at most "
            f"{shortage.worst_gap:.0%} over (upper 80% short in "
            f"{shortage.months_short_upper}). {waiting}"
        )
        value, threshold, month = p.steady_mean[k], capacity[k], label(p.first_month + k)
        action = (
            f"Certify more providers for {name} or agree extra capacity with the certified "
            f"ones ({area})."
        )
    else:
        detail = f"The steady load fits the certified capacity. {waiting}"
        value, threshold, month = shortage.clearance_weeks, norm, label(p.first_month)
        action = (
            f"Clear the backlog of {name} ({area}): agree temporary extra capacity with the "
            f"certified providers, or certify more."
        )
    return Signal(
        UNDER_SUPPLY,
        iid,
        area,
        month,
        severity,
        value,
        threshold,
        detail + (" " + history if history else ""),
        action,
    )


def _judged_on(area: str, lone: bool) -> str:
    """What the capacity figure is: the region's certified capacity, or what the providers
    in reach of a municipality can give it after the others they serve."""
    if area == REGION or lone:
        return "certified now"
    return "certified now in reach of it after the other municipalities' load"


def _waiting(place: Place, shortage: Shortage, norm: float) -> str:
    """The backlog and its clearance in words."""
    p = place.projection
    if p.backlog <= EPSILON:
        return "No backlog."
    count = f" ({place.queue.waiting_list.queue_size} requests)" if place.queue else ""
    weeks = shortage.clearance_weeks
    clears = (
        "never clears at this capacity" if math.isinf(weeks) else f"clears in {weeks:.0f} weeks"
    )
    return f"Backlog of {p.backlog:,.1f} units a week{count} {clears} (norm {norm:g} weeks)."


def _wait_history(queue: Queue | None, settings: CapacitySettings) -> str | None:
    """The waits of the last months in words, when enough requests started."""
    if queue is None or queue.started < settings.wait_min_cases:
        return None
    wl = queue.waiting_list
    return (
        f"Clients waited {wl.mean_wait_weeks:.1f} weeks on average (pressure "
        f"{wl.pressure:.1f}); starts needed to clear the list to its target in 26 weeks: "
        f"{wl.relief_capacity():.1f} a week (now {wl.starts_per_week:.1f})."
    )
