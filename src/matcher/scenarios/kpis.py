"""The KPIs of one what-if run, computed from the round and its matching outcome.

Definitions are in models/scenarios.md ("What-if KPIs"); the names here are the names there.
All money is in euros per week (the cost of a match is a weekly cost), all percentages are
0-100, utilisation is a fraction (1.0 = full), HHI is on the 0-10,000 scale.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from matcher.domain import ALL_INTERVENTIONS, Round, Urgency
from matcher.domain.money import cents_to_euros
from matcher.matching import MatchOutcome, active_awards, round_date_of, units_of
from matcher.scenarios.outlook import Outlook

URGENT = frozenset({Urgency.CRISIS.rank, Urgency.HIGH.rank})


class Kpis(BaseModel):
    """The figures a capacity manager compares between a baseline and its what-ifs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: str
    n_open: int
    n_placed: int
    placed_pct: float
    n_urgent: int
    urgent_placed_pct: float | None
    total_cost: float
    total_budget: float | None
    cost_of_budget_pct: float | None
    avg_tariff: float | None
    utilisation_min: float | None
    utilisation_median: float | None
    utilisation_max: float | None
    utilisation_std: float | None
    hhi_max: float | None
    hhi_mean: float | None
    gap: float | None  # None when a stage stopped without a bound (unknown)
    expected_wait_weeks: float | None = None
    lists_over_norm: int | None = None
    n_signals: int | None = None


def compute_kpis(round_: Round, outcome: MatchOutcome, view: Outlook | None = None) -> Kpis:
    """Every KPI of one matched round; the waiting and signal figures come from the
    capacity outlook when it is given."""
    problem = outcome.problem
    chosen = outcome.chosen
    placed_requests = problem.pair_request[chosen]
    n_open = problem.n_requests
    urgent = [k for k in range(n_open) if int(problem.urgency_rank[k]) in URGENT]
    urgent_placed = sum(
        1 for r in placed_requests.tolist() if int(problem.urgency_rank[r]) in URGENT
    )
    total_cost = float(cents_to_euros(outcome.total_cost_cents))
    budget = None if round_.budgets is None else float(sum(b.amount for b in round_.budgets))
    units = problem.pair_units[chosen]
    tariffs = problem.pair_tariff[chosen]
    avg_tariff = (
        float((tariffs * units).sum()) / float(units.sum()) / 100 if units.sum() > 0 else None
    )
    load = _provider_load(round_, outcome)
    spread = provider_utilisation(round_, load)
    hhis = list(_hhi_per_intervention(round_, outcome).values())
    return Kpis(
        status=outcome.status,
        n_open=n_open,
        n_placed=len(placed_requests),
        placed_pct=_pct(len(placed_requests), n_open) or 0.0,
        n_urgent=len(urgent),
        urgent_placed_pct=_pct(urgent_placed, len(urgent)),
        total_cost=total_cost,
        total_budget=budget,
        cost_of_budget_pct=_pct(total_cost, budget) if budget else None,
        avg_tariff=avg_tariff,
        utilisation_min=min(spread) if spread else None,
        utilisation_median=statistics.median(spread) if spread else None,
        utilisation_max=max(spread) if spread else None,
        utilisation_std=statistics.pstdev(spread) if spread else None,
        hhi_max=max(hhis) if hhis else None,
        hhi_mean=statistics.fmean(hhis) if hhis else None,
        expected_wait_weeks=None if view is None else view.expected_wait_weeks,
        lists_over_norm=None if view is None else view.lists_over_norm,
        n_signals=None if view is None else len(view.signals),
        gap=None if math.isnan(outcome.gap) else outcome.gap,
    )


def _pct(part: float, whole: float | None) -> float | None:
    return None if not whole else 100.0 * part / whole


def _placements(round_: Round, outcome: MatchOutcome) -> Iterable[tuple[str, str, int]]:
    """(provider, intervention, units in hundredths) of running awards and new matches."""
    for award in active_awards(round_, round_date_of(round_)):
        yield award.provider_id, award.intervention_id, units_of(award.units)
    problem = outcome.problem
    intervention_of = {r.request_id: r.intervention_id for r in round_.requests}
    for a in outcome.chosen.tolist():
        rid = problem.request_ids[int(problem.pair_request[a])]
        pid = problem.provider_ids[int(problem.pair_provider[a])]
        yield pid, intervention_of[rid], int(problem.pair_units[a])


def _provider_load(round_: Round, outcome: MatchOutcome) -> dict[str, int]:
    load: dict[str, int] = defaultdict(int)
    for pid, _, units in _placements(round_, outcome):
        load[pid] += units
    return load


def provider_utilisation(round_: Round, load: Mapping[str, int]) -> list[float]:
    """Load / weekly capacity of every provider with capacity, sorted by provider id.

    Capacity is the provider's ``*`` row when it has one (its real total), else the sum of
    its intervention rows; load is the weekly units of running awards plus new matches.
    """
    total: dict[str, int] = {}
    summed: dict[str, int] = defaultdict(int)
    for row in round_.capacity:
        if row.intervention_id == ALL_INTERVENTIONS:
            total[row.provider_id] = units_of(row.capacity_units)
        else:
            summed[row.provider_id] += units_of(row.capacity_units)
    capacity = {**summed, **total}
    return [load.get(pid, 0) / capacity[pid] for pid in sorted(capacity) if capacity[pid] > 0]


def _hhi_per_intervention(round_: Round, outcome: MatchOutcome) -> dict[str, float]:
    units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pid, iid, u in _placements(round_, outcome):
        units[iid][pid] += u
    return {iid: hhi(per.values()) for iid, per in sorted(units.items())}


def hhi(volumes: Iterable[int | float]) -> float:
    """Herfindahl-Hirschman index of the volumes' shares, 0-10,000 (10,000 = one provider)."""
    values = [float(v) for v in volumes]
    whole = sum(values)
    if whole <= 0:
        return 0.0
    return sum((100.0 * v / whole) ** 2 for v in values)
