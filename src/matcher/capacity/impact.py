"""The few signals that matter first: each signal's impact in clients, euros and weeks, and
one summary line per intervention and area, largest impact first.

Impact is what a capacity manager weighs: clients affected (waiting now, or left without
room by a shortfall, displaced, or in care with a provider whose certificate ends), euros a
week at stake (those clients' units at the intervention's mean award tariff) and weeks of
waiting (the backlog's clearance, or the months a shortage lasts).
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from matcher.capacity.areas import REGION
from matcher.capacity.local import judged_places_of
from matcher.capacity.months import WEEKS_PER_MONTH
from matcher.capacity.report import CapacityReport
from matcher.capacity.shortage import shortage_of
from matcher.capacity.signals import (
    CERTIFICATION_EXPIRY,
    CONCENTRATION,
    SEVERITY_ORDER,
    TOO_BIG_TO_FAIL,
    UNDER_SUPPLY,
    Place,
    Signal,
)
from matcher.domain import Round


@dataclass(frozen=True)
class Impact:
    """What one signal puts at stake."""

    clients: int
    euros_per_week: float
    weeks: float


@dataclass(frozen=True)
class Ranked:
    """A signal with its impact."""

    signal: Signal
    impact: Impact


@dataclass(frozen=True)
class Line:
    """One intervention in one area: its signals summed up in a line."""

    intervention_id: str
    area: str
    clients: int
    euros_per_week: float
    weeks: float
    text: str


def rank(report: CapacityReport, round_: Round) -> list[Ranked]:
    """Every signal with its impact, most clients first (then euros, weeks, severity)."""
    facts = _Facts.of(report, round_)
    ranked = [Ranked(s, facts.impact(s)) for s in report.signals]
    return sorted(
        ranked,
        key=lambda r: (
            -r.impact.clients,
            -r.impact.euros_per_week,
            -r.impact.weeks,
            SEVERITY_ORDER.get(r.signal.severity, 9),
        ),
    )


def summary_lines(ranked: list[Ranked], round_: Round) -> list[Line]:
    """One line per intervention × area with a signal, largest impact first."""
    names = {i.intervention_id: i.name for i in round_.interventions}
    groups: dict[tuple[str, str], list[Ranked]] = defaultdict(list)
    for r in ranked:
        groups[(r.signal.intervention_id, r.signal.area)].append(r)
    lines = []
    for (iid, area), rows in groups.items():
        clients = max(r.impact.clients for r in rows)
        euros = max(r.impact.euros_per_week for r in rows)
        weeks = max(r.impact.weeks for r in rows)
        what = ", ".join(f"{r.signal.type} ({r.signal.severity})" for r in rows)
        head = rows[0].signal.action
        lines.append(
            Line(
                iid,
                area,
                clients,
                euros,
                weeks,
                f"{iid} {names.get(iid, '')} ({area}): {clients} clients, EUR {euros:,.0f} a "
                f"week, {weeks:.0f} weeks — {what}. {head}",
            )
        )
    return sorted(lines, key=lambda x: (-x.clients, -x.euros_per_week, -x.weeks))


@dataclass(frozen=True)
class _Facts:
    """What the impact of any signal needs, gathered once."""

    report: CapacityReport
    units: dict[str, float]  # mean units of a client, per intervention
    tariff: dict[str, float]  # mean award tariff, per intervention
    waiting: dict[tuple[str, str], int]  # open requests per intervention × area / region
    running: dict[tuple[str, str], int]  # running awards per intervention × provider
    local: dict[tuple[str, str, str], int]  # the same per intervention × area × provider
    places: dict[tuple[str, str], Place]  # intervention × area (and region)

    @classmethod
    def of(cls, report: CapacityReport, round_: Round) -> "_Facts":
        units: dict[str, list[float]] = defaultdict(list)
        tariff: dict[str, list[float]] = defaultdict(list)
        running: dict[tuple[str, str], int] = defaultdict(int)
        local: dict[tuple[str, str, str], int] = defaultdict(int)
        for h in round_.history or ():
            units[h.intervention_id].append(float(h.units))
        for a in round_.awards or ():
            tariff[a.intervention_id].append(float(a.tariff))
            if a.ends_on is None or a.ends_on >= report.round_date:
                running[(a.intervention_id, a.provider_id)] += 1
                area = report.areas.of_request.get(a.request_id, REGION)
                local[(a.intervention_id, area, a.provider_id)] += 1
        awarded = {a.request_id for a in round_.awards or ()}
        waiting: dict[tuple[str, str], int] = defaultdict(int)
        for r in round_.requests:
            if r.request_id not in awarded:
                waiting[(r.intervention_id, report.areas.of(r.team_id))] += 1
                waiting[(r.intervention_id, REGION)] += 1
        return cls(
            report,
            {i: sum(v) / len(v) for i, v in units.items() if sum(v) > 0},
            {i: sum(v) / len(v) for i, v in tariff.items()},
            dict(waiting),
            dict(running),
            dict(local),
            {
                (iid, p.area): p
                for iid, rows in judged_places_of(
                    report.projections,
                    report.supply,
                    report.queues,
                    report.settings.shortage_tolerance,
                ).items()
                for p in rows
            },
        )

    def impact(self, s: Signal) -> Impact:
        iid = s.intervention_id
        per_client = self.units.get(iid, 1.0)
        price = self.tariff.get(iid, 0.0) * per_client
        if s.type == UNDER_SUPPLY:
            return self._shortage(s, per_client, price)
        if s.type == TOO_BIG_TO_FAIL:
            return Impact(round(s.value), round(s.value) * price, 0.0)
        if s.type == CONCENTRATION:
            top = max(
                (
                    n
                    for (i, a, _), n in self.local.items()
                    if i == iid and (s.area == REGION or a == s.area)
                ),
                default=0,
            )
            if s.area == REGION:
                top = max((n for (i, _), n in self.running.items() if i == iid), default=0)
            return Impact(top, top * price, 0.0)
        if s.type == CERTIFICATION_EXPIRY:
            flags = self.report.supply.certified
            ending = {p for (p, i), f in flags.items() if i == iid and f[0] and not all(f)}
            clients = sum(n for (i, p), n in self.running.items() if i == iid and p in ending)
            left = min(self.report.supply.region(iid), default=0.0)
            place = self.places.get((iid, REGION))
            if place is not None and left >= max(place.projection.steady_mean, default=0.0):
                clients = 0  # the capacity that stays can take them all
            return Impact(clients, clients * price, 0.0)
        return Impact(0, 0.0, 0.0)

    def _shortage(self, s: Signal, per_client: float, price: float) -> Impact:
        waiting = self.waiting.get((s.intervention_id, s.area), 0)
        place = self.places.get((s.intervention_id, s.area))
        if place is None or not place.capacity:
            return Impact(waiting, waiting * price, 0.0)
        found = shortage_of(place, self.report.settings.shortage_tolerance)
        gap = found.worst_gap * place.capacity[0] if math.isfinite(found.worst_gap) else 0.0
        clients = waiting + math.ceil(gap / per_client)
        clearance = found.clearance_weeks
        weeks = max(
            found.months_short_mean * WEEKS_PER_MONTH,
            clearance if math.isfinite(clearance) else len(place.capacity) * WEEKS_PER_MONTH,
        )
        return Impact(clients, clients * price, weeks)
