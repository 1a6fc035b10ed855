"""Supply: certified capacity per provider, intervention, area and month; committed load.

A provider's weekly capacity for an intervention is its capacity row. A ``*`` row caps the
provider's total: rows above it are scaled down to fit, and interventions it is certified
for without a row of their own share what the rows leave of the total equally. Capacity
counts in a month when a certificate covers any day of it: an expiring certificate removes
the capacity from the months after valid_to. The capacity is shared over the municipalities
the provider reaches (areas.reach) in proportion to their demand, so the areas' supply adds
up to the region's. Those slices are for the heatmap and over-supply; a municipality's
shortage is judged on the providers in its reach (``reach``, local.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from matcher.capacity.areas import Areas, reach
from matcher.capacity.months import Month, first_day, last_day
from matcher.domain import ALL_INTERVENTIONS, Round


@dataclass(frozen=True)
class Supply:
    """Certified capacity (weekly units) over the horizon."""

    first_month: Month
    # (provider, intervention) -> weekly units it can deliver, whatever the certificate
    capacity: dict[tuple[str, str], float]
    # (provider, intervention) -> per month: True when a certificate covers the month
    certified: dict[tuple[str, str], tuple[bool, ...]]
    # (intervention, area) -> per month: capacity of the certified providers in the area
    by_area: dict[tuple[str, str], tuple[float, ...]]
    # (provider, intervention) -> weekly units of its awards running on the round date
    committed: dict[tuple[str, str], float]
    # provider -> the areas it serves (areas.reach); a provider not listed serves them all
    reach: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def region(self, intervention_id: str) -> tuple[float, ...]:
        """Certified capacity of the intervention summed over the providers, per month."""
        months = len(next(iter(self.certified.values()), ()))
        totals = [0.0] * months
        for (p, i), flags in self.certified.items():
            if i == intervention_id:
                for k, on in enumerate(flags):
                    totals[k] += self.capacity.get((p, i), 0.0) * on
        return tuple(totals)

    def provider_utilisation(self) -> dict[tuple[str, str], float]:
        """Committed load / capacity per provider and intervention, on the round date."""
        return {
            key: self.committed.get(key, 0.0) / cap
            for key, cap in self.capacity.items()
            if cap > 0 and self.certified.get(key, (False,))[0]
        }

    def intervention_utilisation(self) -> dict[str, float]:
        """Committed load / certified capacity per intervention, on the round date."""
        load: dict[str, float] = defaultdict(float)
        for (_, i), units in self.committed.items():
            load[i] += units
        result = {}
        for i in {i for (_, i) in self.capacity}:
            supply = self.region(i)
            if supply and supply[0] > 0:
                result[i] = load[i] / supply[0]
        return result


def provider_capacity(round_: Round) -> dict[tuple[str, str], float]:
    """Weekly capacity per provider and intervention, with the ``*`` totals applied."""
    rows: dict[str, dict[str, float]] = defaultdict(dict)
    totals: dict[str, float] = {}
    for row in round_.capacity:
        if row.is_total:
            totals[row.provider_id] = float(row.capacity_units)
        else:
            rows[row.provider_id][row.intervention_id] = float(row.capacity_units)
    certified: dict[str, set[str]] = defaultdict(set)
    for c in round_.certifications:
        certified[c.provider_id].add(c.intervention_id)
    result: dict[tuple[str, str], float] = {}
    for pid in sorted(set(rows) | set(totals)):
        own = rows.get(pid, {})
        total = totals.get(pid)
        if total is not None:
            scale = min(1.0, total / sum(own.values())) if own else 1.0
            own = {i: u * scale for i, u in own.items()}
            rest = sorted(certified[pid] - set(own) - {ALL_INTERVENTIONS})
            left = max(total - sum(own.values()), 0.0)
            own.update({i: left / len(rest) for i in rest})
        result.update({(pid, i): u for i, u in own.items()})
    return result


def certified_months(
    round_: Round, start: Month, horizon: int
) -> dict[tuple[str, str], tuple[bool, ...]]:
    """Per provider and intervention: is some certificate valid on a day of each month."""
    flags: dict[tuple[str, str], list[bool]] = defaultdict(lambda: [False] * horizon)
    for c in round_.certifications:
        row = flags[(c.provider_id, c.intervention_id)]
        for k in range(horizon):
            if c.valid_from <= last_day(start + k) and c.valid_to >= first_day(start + k):
                row[k] = True
    return {key: tuple(v) for key, v in flags.items()}


def supply_of(
    round_: Round,
    areas: Areas,
    shares: dict[str, dict[str, float]],
    start: Month,
    horizon: int,
    reach_km: float,
    round_date: date,
) -> Supply:
    """Certified capacity per intervention × area × month and the load already committed.

    ``shares`` holds each intervention's demand share per area (demand.area_shares).
    """
    capacity = provider_capacity(round_)
    certified = certified_months(round_, start, horizon)
    located = {p.provider_id: (p.lat, p.lon) for p in round_.providers}
    served_by = {
        pid: reach(areas, *located.get(pid, (None, None)), reach_km) for pid, _ in capacity
    }
    by_area: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * horizon)
    for (pid, iid), units in capacity.items():
        flags = certified.get((pid, iid))
        if flags is None or iid not in shares:
            continue
        served = served_by[pid]
        weights = {a: shares[iid].get(a, 0.0) for a in served}
        total = sum(weights.values())
        weights = (
            {a: w / total for a, w in weights.items()}
            if total > 0
            else {a: 1 / len(served) for a in served}
        )
        for area, w in weights.items():
            row = by_area[(iid, area)]
            for k, on in enumerate(flags):
                row[k] += units * w * on
    committed: dict[tuple[str, str], float] = defaultdict(float)
    for award in round_.awards or ():
        if award.ends_on is None or award.ends_on >= round_date:
            committed[(award.provider_id, award.intervention_id)] += float(award.units)
    return Supply(
        first_month=start,
        capacity=capacity,
        certified=certified,
        by_area={k: tuple(v) for k, v in by_area.items()},
        committed=dict(committed),
        reach=served_by,
    )
