"""Capacity signals: one record per finding, in plain words, with the figure and threshold.

Every signal type has one function here (too_big_to_fail has its own module, it re-runs the
matching engine). Definitions and formulas: models/capacity.md, under the same names.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from functools import partial

from matcher.capacity.areas import REGION, Areas
from matcher.capacity.demand import LoadProjection
from matcher.capacity.months import Month, first_day, label
from matcher.capacity.queues import Queue
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.supply import Supply, certified_months
from matcher.domain import Intervention, Round

UNDER_SUPPLY = "under_supply"
OVER_SUPPLY = "over_supply"
CONCENTRATION = "concentration"
TOO_BIG_TO_FAIL = "too_big_to_fail"
CERTIFICATION_EXPIRY = "certification_expiry"
SIGNAL_TYPES = (UNDER_SUPPLY, OVER_SUPPLY, CONCENTRATION, TOO_BIG_TO_FAIL, CERTIFICATION_EXPIRY)
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
EPSILON = 1e-9


@dataclass(frozen=True)
class Signal:
    """One finding: what, where, when, how bad, the figure against its threshold, and what
    to do about it."""

    type: str
    intervention_id: str
    area: str
    month: str  # YYYY-MM
    severity: str  # high / medium / low
    value: float
    threshold: float
    detail: str
    action: str

    def as_dict(self) -> dict[str, object]:
        """The record as JSON-ready key/value pairs."""
        return asdict(self)


def sort_signals(signals: Iterable[Signal]) -> list[Signal]:
    """Most severe first, then by type, intervention, area and month."""
    return sorted(
        signals,
        key=lambda s: (
            SEVERITY_ORDER.get(s.severity, 9),
            SIGNAL_TYPES.index(s.type) if s.type in SIGNAL_TYPES else 9,
            s.intervention_id,
            s.area,
            s.month,
        ),
    )


@dataclass(frozen=True)
class Place:
    """One intervention in one area (or the whole region): its load and certified supply."""

    area: str
    projection: LoadProjection
    capacity: tuple[float, ...]
    queue: Queue | None


def places_of(
    projections: Mapping[tuple[str, str], LoadProjection],
    supply: Supply,
    queues: Mapping[tuple[str, str], Queue],
) -> dict[str, list[Place]]:
    """Per intervention: the whole region first (when there are several areas), then each
    area. The region's load and supply are the areas' sums."""
    by_intervention: dict[str, list[Place]] = defaultdict(list)
    for (iid, area), p in sorted(projections.items()):
        capacity = supply.by_area.get((iid, area), (0.0,) * len(p.committed))
        by_intervention[iid].append(Place(area, p, capacity, queues.get((iid, area))))
    result = {}
    for iid, places in by_intervention.items():
        if len(places) > 1:
            region = Place(
                REGION,
                replace(
                    places[0].projection,
                    area=REGION,
                    committed=_sum([q.projection.committed for q in places]),
                    waiting=_sum([q.projection.waiting for q in places]),
                    new_mean=_sum([q.projection.new_mean for q in places]),
                    new_upper80=_sum([q.projection.new_upper80 for q in places]),
                    new_upper95=_sum([q.projection.new_upper95 for q in places]),
                    backlog=sum(q.projection.backlog for q in places),
                ),
                _sum([q.capacity for q in places]),
                queues.get((iid, REGION)),
            )
            places = [region, *places]
        result[iid] = places
    return result


def _sum(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(float(sum(v)) for v in zip(*rows, strict=True))


def region_first(places: list[Place], finding: Callable[[Place], Signal | None]) -> list[Signal]:
    """The region's signal when it has one, naming the areas that share it; else the areas'
    own signals (a local shortage the regional total hides)."""
    if len(places) == 1 or places[0].area != REGION:
        return [f for f in map(finding, places) if f is not None]
    region = finding(places[0])
    local = {p.area: f for p in places[1:] if (f := finding(p)) is not None}
    if region is None:
        return list(local.values())
    also = (
        f" Also in {len(local)} of {len(places) - 1} municipalities: {', '.join(sorted(local))}."
        if local
        else " No single municipality shows it on its own."
    )
    return [replace(region, detail=region.detail + also)]


def over_supply(
    projections: Mapping[tuple[str, str], LoadProjection],
    supply: Supply,
    interventions: Mapping[str, Intervention],
    settings: CapacitySettings,
) -> list[Signal]:
    """Expected utilisation over the horizon (mean load / mean certified capacity) below the
    floor: the certified providers get too little work."""
    signals = []
    for iid, places in places_of(projections, supply, {}).items():
        name = interventions[iid].name
        signals += region_first(places, partial(_over, iid, name, settings=settings))
    return signals


def _over(iid: str, name: str, place: Place, *, settings: CapacitySettings) -> Signal | None:
    p, capacity, area = place.projection, place.capacity, place.area
    if sum(capacity) <= EPSILON:
        return None
    utilisation = sum(p.load_mean) / sum(capacity)
    if utilisation >= settings.over_supply_floor:
        return None
    months = len(capacity)
    return Signal(
        OVER_SUPPLY,
        iid,
        area,
        label(p.first_month),
        "high" if utilisation < settings.over_supply_floor / 2 else "medium",
        utilisation,
        settings.over_supply_floor,
        f"Expected load {sum(p.load_mean) / months:,.1f} units a week against "
        f"{sum(capacity) / months:,.1f} certified: {utilisation:.0%} used over the "
        f"next {months} months.",
        f"Pause new certifications for {name} ({area}); the certified providers "
        f"have work for {utilisation:.0%} of their capacity.",
    )


def concentration(
    round_: Round,
    areas: Areas,
    interventions: Mapping[str, Intervention],
    start: Month,
    settings: CapacitySettings,
) -> list[Signal]:
    """Herfindahl-Hirschman index of running awards' units above hhi_threshold, or one
    provider above share_threshold, per intervention × area and for the whole region."""
    units: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    count: dict[tuple[str, str], int] = defaultdict(int)
    for award in round_.awards or ():
        if award.ends_on is not None and award.ends_on < first_day(start):
            continue
        places = {REGION}
        area = areas.of_request.get(award.request_id)
        if area is not None and len(areas.names) > 1:
            places.add(area)
        for place in places:
            units[(award.intervention_id, place)][award.provider_id] += float(award.units)
            count[(award.intervention_id, place)] += 1
    found: dict[str, dict[str, Signal]] = defaultdict(dict)
    for (iid, area), per_provider in sorted(units.items()):
        if count[(iid, area)] < settings.concentration_min_awards:
            continue
        signal = _concentrated(
            iid, area, per_provider, count[(iid, area)], interventions, start, settings
        )
        if signal is not None:
            found[iid][area] = signal
    signals: list[Signal] = []
    for per_area in found.values():
        region = per_area.pop(REGION, None)
        if region is None:
            signals += per_area.values()
            continue
        also = f" Also in {', '.join(sorted(per_area))}." if per_area else ""
        signals.append(replace(region, detail=region.detail + also))
    return signals


def _concentrated(
    iid: str,
    area: str,
    per_provider: Mapping[str, float],
    awards: int,
    interventions: Mapping[str, Intervention],
    start: Month,
    settings: CapacitySettings,
) -> Signal | None:
    total = sum(per_provider.values())
    if total <= 0:
        return None
    shares = {p: u / total for p, u in per_provider.items()}
    hhi = sum((100 * s) ** 2 for s in shares.values())
    top, top_share = max(shares.items(), key=lambda kv: (kv[1], kv[0]))
    if hhi <= settings.hhi_threshold and top_share <= settings.share_threshold:
        return None
    name = interventions[iid].name if iid in interventions else iid
    return Signal(
        CONCENTRATION,
        iid,
        area,
        label(start),
        "high" if hhi > 2 * settings.hhi_threshold or top_share > 0.6 else "medium",
        hhi,
        settings.hhi_threshold,
        f"{top} holds {top_share:.0%} of the running care's units; HHI {hhi:,.0f} "
        f"over {len(shares)} provider(s) and {awards} awards.",
        f"Steer new requests for {name} ({area}) to other providers (a market-share "
        f"cap in the policy) and certify newcomers.",
    )


def certification_expiry(
    round_: Round,
    supply: Supply,
    interventions: Mapping[str, Intervention],
    start: Month,
    settings: CapacitySettings,
) -> list[Signal]:
    """Certified capacity whose certificates end, without a follow-up, within each window
    (3, 6, 12 months); one record per intervention whose share at risk in the longest window
    reaches expiry_min_share, dated the first month without it."""
    windows = sorted(settings.expiry_windows_months)
    flags = certified_months(round_, start, max(windows) + 1)
    valid_to: dict[tuple[str, str], str] = {}
    for c in round_.certifications:
        key = (c.provider_id, c.intervention_id)
        valid_to[key] = max(valid_to.get(key, ""), c.valid_to.isoformat())
    signals: list[Signal] = []
    for iid in sorted(interventions):
        held = {
            key: cap
            for key, cap in supply.capacity.items()
            if key[1] == iid and flags.get(key, (False,))[0]
        }
        now = sum(held.values())
        lost = {
            key: next(k for k, on in enumerate(flags[key]) if not on)
            for key in held
            if not all(flags[key])
        }
        if not lost:
            continue
        at_risk = {w: sum(held[key] for key, k in lost.items() if k <= w) for w in windows}
        if now <= 0 or at_risk[windows[-1]] / now < settings.expiry_min_share:
            continue
        first = min(lost.values())
        committed = sum(supply.committed.get(key, 0.0) for key in lost)
        figures = "; ".join(
            f"{w} months: {at_risk[w]:,.1f} units a week ({at_risk[w] / now:.0%})" for w in windows
        )
        ending = sorted(lost, key=lambda key: (valid_to[key], key))
        who = ", ".join(f"{p} (valid to {valid_to[(p, i)]})" for p, i in ending[:5])
        who += f" and {len(ending) - 5} more" if len(ending) > 5 else ""
        severity = (
            "high"
            if at_risk[windows[0]] > 0
            else "medium"
            if len(windows) > 1 and at_risk[windows[1]] > 0
            else "low"
        )
        signals.append(
            Signal(
                CERTIFICATION_EXPIRY,
                iid,
                REGION,
                label(start + first),
                severity,
                at_risk[windows[-1]] / now,
                settings.expiry_min_share,
                f"Capacity at risk of {now:,.1f} certified: {figures}. Certificates ending: "
                f"{who}; their clients hold {committed:,.1f} units a week.",
                f"Start re-certification with {', '.join(sorted({p for p, _ in lost}))} "
                f"or certify other providers for {interventions[iid].name} before "
                f"{label(start + first)}.",
            )
        )
    return signals
