"""too_big_to_fail: could the region place a large provider's clients if it stopped?

For each of the largest providers (by running awards' units) holding at least ``tbtf_share``
of some intervention's awarded units, the round is rebuilt without it: its running awards
become requests starting on the round date, every other award keeps its capacity, and the
matching engine places them with the other certified providers' free capacity. Candidates
are the providers' standing offers; a certified provider without one is assumed to take
over at the band's maximum tariff (the most the municipality could be asked). Budgets and
the market-share cap are left out: this is care already granted. The open requests of the
round are left out too, so the answer is the best case for the displaced clients.
"""

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from matcher.capacity.areas import REGION
from matcher.capacity.months import Month, label
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.signals import TOO_BIG_TO_FAIL, Signal
from matcher.domain import Award, Intervention, Offer, Request, Round, Urgency
from matcher.domain.money import cents_to_euros, match_cost_cents
from matcher.matching import BASE_WEIGHT, COST_STAGE, MatchSettings, StageTotal, match_round


@dataclass(frozen=True)
class Displacement:
    """What happens to one intervention's clients when a provider stops."""

    provider_id: str
    intervention_id: str
    clients: int
    units: float
    unplaced: int
    unplaced_units: float
    extra_cost_cents: int  # weekly cost of the placed clients at new providers minus now
    proven: bool  # the re-match was solved to optimality within the time limit
    provider_unplaced_at_least: int  # proven minimum unplaced over all the provider's
    # interventions together (the placement bound is not split per intervention)


def running_awards(round_: Round, round_date: date) -> list[Award]:
    """Awards still running on the round date."""
    return [a for a in round_.awards or () if a.ends_on is None or a.ends_on >= round_date]


def dominant(round_: Round, round_date: date, settings: CapacitySettings) -> dict[str, set[str]]:
    """Per provider, the interventions where it holds at least tbtf_share of the running
    awards' units; the largest tbtf_max_providers providers (by those units) only."""
    units: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in running_awards(round_, round_date):
        units[a.intervention_id][a.provider_id] += float(a.units)
    size: dict[str, float] = defaultdict(float)
    held: dict[str, set[str]] = defaultdict(set)
    for iid, per_provider in units.items():
        total = sum(per_provider.values())
        for pid, u in per_provider.items():
            if total > 0 and u / total >= settings.tbtf_share:
                held[pid].add(iid)
                size[pid] += u
    ranked = sorted(held, key=lambda p: (-size[p], p))[: settings.tbtf_max_providers]
    return {pid: held[pid] for pid in ranked}


def without_provider(
    round_: Round, provider_id: str, round_date: date, only: set[str] | None = None
) -> Round:
    """The round as the displaced clients of provider_id would meet it (see module doc);
    with ``only``, just its clients of those interventions."""
    interventions = {i.intervention_id: i for i in round_.interventions}
    team = {h.request_id: h.team_id for h in round_.history or ()}
    team.update({r.request_id: r.team_id for r in round_.requests})
    theirs = [
        a
        for a in running_awards(round_, round_date)
        if a.provider_id == provider_id and (only is None or a.intervention_id in only)
    ]
    requests = tuple(
        Request(
            request_id=a.request_id,
            client_ref=f"moved-{k}",
            team_id=team.get(a.request_id, "unknown"),
            intervention_id=a.intervention_id,
            units=a.units,
            start_date=round_date,
            urgency=Urgency.NORMAL,
        )
        for k, a in enumerate(theirs, start=1)
        if a.intervention_id in interventions
    )
    certifications = tuple(c for c in round_.certifications if c.provider_id != provider_id)
    offers = [o for o in round_.offers or () if o.provider_id != provider_id]
    offered = {(o.provider_id, o.intervention_id) for o in offers}
    needed = {a.intervention_id for a in theirs}
    for c in certifications:
        key = (c.provider_id, c.intervention_id)
        if c.intervention_id in needed and c.covers(round_date) and key not in offered:
            offers.append(
                Offer(
                    provider_id=c.provider_id,
                    intervention_id=c.intervention_id,
                    tariff=interventions[c.intervention_id].tariff_max,
                )
            )
            offered.add(key)
    policy = round_.effective_policy().model_copy(
        update={"round_date": round_date, "market_share_cap": None}
    )
    return Round(
        interventions=round_.interventions,
        providers=tuple(p for p in round_.providers if p.provider_id != provider_id),
        certifications=certifications,
        capacity=tuple(c for c in round_.capacity if c.provider_id != provider_id),
        requests=requests,
        bids=(),
        offers=tuple(offers),
        awards=tuple(a for a in round_.awards or () if a.provider_id != provider_id),
        policy=policy,
    )


def displacement(
    round_: Round,
    provider_id: str,
    round_date: date,
    settings: CapacitySettings,
    only: set[str] | None = None,
) -> list[Displacement]:
    """Re-match provider_id's clients without it; the outcome per intervention.

    Within the time limit the engine may stop before proving its answer: ``unplaced`` is then
    what the best solution found leaves out (at most), and ``provider_unplaced_at_least``
    what the placement stage's bound proves must be left out over all its interventions.
    """
    interventions = {i.intervention_id: i for i in round_.interventions}
    reduced = without_provider(round_, provider_id, round_date, only)
    if not reduced.requests:
        return []
    # tbtf_solver "auto" is the round policy's solver (MatchSettings resolves it).
    match = MatchSettings.from_policy(
        reduced.effective_policy(),
        solver=settings.tbtf_solver,
        time_limit=settings.tbtf_time_limit_seconds,
    )
    outcome = match_round(reduced, settings=match)
    if outcome.status not in ("optimal", "feasible"):
        raise RuntimeError(
            f"re-matching the clients of {provider_id} failed ({outcome.status}): {outcome.message}"
        )
    problem = outcome.problem
    placed_cost = {
        problem.request_ids[int(problem.pair_request[a])]: int(problem.pair_cost[a])
        for a in outcome.chosen.tolist()
    }
    proven = outcome.status == "optimal"
    placeable = _placeable_bound(outcome.stages, len(reduced.requests))
    awards = {
        a.request_id: a for a in running_awards(round_, round_date) if a.provider_id == provider_id
    }
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # clients, unplaced, extra
    units: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for request in reduced.requests:
        iid = request.intervention_id
        award = awards[request.request_id]
        per[iid][0] += 1
        units[iid][0] += float(request.units)
        if request.request_id in placed_cost:
            now = match_cost_cents(interventions[iid].funding, award.tariff, award.units)
            per[iid][2] += placed_cost[request.request_id] - now
        else:
            per[iid][1] += 1
            units[iid][1] += float(request.units)
    at_least = len(reduced.requests) - placeable
    return [
        Displacement(
            provider_id,
            iid,
            clients,
            units[iid][0],
            unplaced,
            units[iid][1],
            extra,
            proven,
            at_least,
        )
        for iid, (clients, unplaced, extra) in sorted(per.items())
    ]


def _placeable_bound(stages: tuple[StageTotal, ...], clients: int) -> int:
    """Most clients any solution could place, from the placement stage's proven bound (every
    displaced client weighs BASE_WEIGHT: none has a waiting_since)."""
    for stage in stages:
        if stage.name != COST_STAGE and not math.isnan(stage.bound):
            return min(clients, math.floor(stage.bound / BASE_WEIGHT + 1e-9))
    return clients


def too_big_to_fail(
    round_: Round,
    interventions: Mapping[str, Intervention],
    round_date: date,
    start: Month,
    settings: CapacitySettings,
) -> tuple[list[Signal], list[Displacement]]:
    """Signals for every (large provider, intervention) whose clients cannot all be placed;
    silent when the others can take them all. Also returns every displacement measured."""
    names = {p.provider_id: p.name for p in round_.providers}
    signals: list[Signal] = []
    measured: list[Displacement] = []
    for pid, held in dominant(round_, round_date, settings).items():
        for d in displacement(round_, pid, round_date, settings, held):
            measured.append(d)
            if d.unplaced == 0:
                continue
            name = interventions[d.intervention_id].name
            extra = cents_to_euros(d.extra_cost_cents)
            how_many = (
                f"{d.unplaced}"
                if d.proven
                else f"up to {d.unplaced} (best found in {settings.tbtf_time_limit_seconds:g} s; "
                f"at least {d.provider_unplaced_at_least} over all its interventions)"
            )
            signals.append(
                Signal(
                    TOO_BIG_TO_FAIL,
                    d.intervention_id,
                    REGION,
                    label(start),
                    "high" if d.proven or d.provider_unplaced_at_least > 0 else "medium",
                    float(d.unplaced),
                    0.0,
                    f"If {pid} ({names.get(pid, pid)}) stopped, {how_many} of its "
                    f"{d.clients} clients ({d.unplaced_units:,.1f} of {d.units:,.1f} units a "
                    f"week) could not be placed with other providers; placing the others "
                    f"costs EUR {extra:,.2f} a week more.",
                    f"Reduce dependence on {pid} for {name}: certify or grow other "
                    f"providers and agree a continuity plan with {pid}.",
                )
            )
    return signals, measured
