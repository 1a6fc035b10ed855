"""What a run writes: a proposal per open request, the changes since last night, a summary.

Amounts go to the database in euros (Decimal, two decimals); the engine counts in cents.
Unplaced requests get a reason code and the figures in words:

- without an admissible pair: the most frequent admissibility rule broken
  (``not_certified``, ``beyond_distance``, ... as in ``RejectReason``; ``no_capacity`` for a
  missing capacity row), or ``no_admissible_bid`` when nobody bid on it or offers its
  intervention;
- with admissible pairs: the limit that is full for most of them once tonight's proposals
  are counted (``capacity_full``, ``budget_exhausted``, ``market_share_cap``), or
  ``time_limit`` when one of them would still fit (only possible in a part the solver did
  not prove within the time limit).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from matcher.batch.run import BatchOutcome
from matcher.data.db.runs import ChangeRow, ProposalRow
from matcher.matching.problem import UNIT_SCALE, LimitKind, RejectReason

LIMIT_CODES = {
    LimitKind.CAPACITY: "capacity_full",
    LimitKind.BUDGET: "budget_exhausted",
    LimitKind.MARKET_SHARE: "market_share_cap",
}
REJECT_CODES = {reason: reason.value for reason in RejectReason} | {
    RejectReason.NO_CAPACITY_ROW: "no_capacity"
}


def euros(cents: int) -> Decimal:
    """Cents as euros with two decimals."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def proposal_rows(
    outcome: BatchOutcome, previous: Mapping[str, str | None] | None = None
) -> list[ProposalRow]:
    """One row per open request, in the round's order: placed with its terms, or why not.

    ``kept`` marks a proposal of the same provider as the previous run's.
    """
    previous = previous or {}
    problem = outcome.problem
    placed = {int(problem.pair_request[a]): int(a) for a in outcome.chosen.tolist()}
    unplaced_reasons = _unplaced_reasons(outcome, set(placed))
    rows = []
    for r, rid in enumerate(problem.request_ids):
        part = int(outcome.request_part[r])
        a = placed.get(r)
        if a is None:
            code, detail = unplaced_reasons[r]
            rows.append(
                ProposalRow(
                    request_id=rid,
                    provider_id=None,
                    part=None if part < 0 else part,
                    tariff=None,
                    units=None,
                    cost=None,
                    distance_term=None,
                    preference_term=None,
                    continuity_term=None,
                    objective=None,
                    kept=False,
                    reason_code=code,
                    detail=detail,
                )
            )
            continue
        terms = [
            int(problem.pair_cost[a]),
            int(problem.pair_distance[a]),
            int(problem.pair_preference[a]),
            int(problem.pair_continuity[a]),
        ]
        rows.append(
            ProposalRow(
                request_id=rid,
                provider_id=problem.provider_ids[int(problem.pair_provider[a])],
                part=part,
                tariff=euros(int(problem.pair_tariff[a])),
                units=(Decimal(int(problem.pair_units[a])) / UNIT_SCALE).quantize(Decimal("0.01")),
                cost=euros(terms[0]),
                distance_term=euros(terms[1]),
                preference_term=euros(terms[2]),
                continuity_term=euros(terms[3]),
                objective=euros(sum(terms)),
                kept=previous.get(rid) == problem.provider_ids[int(problem.pair_provider[a])],
                reason_code=None,
                detail=None,
            )
        )
    return rows


def _unplaced_reasons(outcome: BatchOutcome, placed: set[int]) -> dict[int, tuple[str, str]]:
    problem = outcome.problem
    reasons: dict[int, tuple[str, str]] = {}
    rejected: dict[int, list[str]] = defaultdict(list)
    for rejection in problem.rejections:
        rejected[rejection.request_index].append(REJECT_CODES[rejection.reason])
    has_pairs = np.zeros(problem.n_requests, dtype=np.bool_)
    has_pairs[problem.pair_request] = True
    for r in range(problem.n_requests):
        if r in placed or has_pairs[r]:
            continue
        codes = Counter(rejected.get(r, []))
        if not codes:
            reasons[r] = ("no_admissible_bid", "no provider bid on it or offers its intervention")
        else:
            counted = ", ".join(f"{n} {code}" for code, n in codes.most_common())
            reasons[r] = (
                codes.most_common(1)[0][0],
                f"{sum(codes.values())} candidate provider(s), none admissible: {counted}",
            )
    blocked = _blocking_limits(outcome)
    by_request: dict[int, list[str]] = defaultdict(list)
    for a in np.flatnonzero(~np.isin(problem.pair_request, list(placed))).tolist():
        by_request[int(problem.pair_request[a])].append(blocked.get(a, "time_limit"))
    for r, codes_of in by_request.items():
        codes = Counter(codes_of)
        counted = ", ".join(f"{code} for {n}" for code, n in codes.most_common())
        reasons[r] = (
            codes.most_common(1)[0][0],
            f"{len(codes_of)} admissible provider(s) tonight: {counted}",
        )
    return reasons


def _blocking_limits(outcome: BatchOutcome) -> dict[int, str]:
    """Pair -> code of the first limit it does not fit on, with tonight's proposals counted."""
    problem = outcome.problem
    chosen = np.zeros(problem.n_pairs, dtype=np.bool_)
    chosen[outcome.chosen] = True
    if not problem.limits:
        return {}
    pairs = np.concatenate([limit.pairs for limit in problem.limits])
    coeffs = np.concatenate([limit.coeffs for limit in problem.limits])
    owner = np.repeat(np.arange(len(problem.limits)), [lim.pairs.size for lim in problem.limits])
    used = np.bincount(owner, weights=np.where(chosen[pairs], coeffs, 0))
    slack = np.asarray([lim.rhs for lim in problem.limits]) - used
    full = (coeffs > slack[owner]) & ~chosen[pairs]
    # The first limit (in the problem's order) a pair does not fit on names the reason.
    first_pairs, first = np.unique(pairs[full], return_index=True)
    kinds = [LIMIT_CODES[lim.kind] for lim in problem.limits]
    return {
        int(a): kinds[int(k)]
        for a, k in zip(first_pairs.tolist(), owner[full][first].tolist(), strict=True)
    }


def change_rows(
    outcome: BatchOutcome, previous: Mapping[str, str | None], rows: list[ProposalRow]
) -> list[ChangeRow]:
    """What changed since the previous run, request by request (unchanged requests omitted)."""
    tonight = {row.request_id: row for row in rows}
    changes = []
    for rid, row in tonight.items():
        before = previous.get(rid)
        if row.provider_id is None:
            if before is not None:
                changes.append(
                    ChangeRow(rid, "dropped", before, None, f"not placed: {row.reason_code}")
                )
        elif before is None:
            changes.append(ChangeRow(rid, "new", None, row.provider_id, None))
        elif before != row.provider_id:
            changes.append(ChangeRow(rid, "changed", before, row.provider_id, None))
    for rid, before in sorted(previous.items()):
        if rid not in tonight and before is not None:
            changes.append(ChangeRow(rid, "dropped", before, None, "no longer open"))
    return changes


def summary(
    outcome: BatchOutcome,
    run_date: date,
    rows: list[ProposalRow],
    changes: list[ChangeRow],
    previous_date: date | None,
    seconds: float,
) -> dict[str, Any]:
    """The run's summary: matcher match's keys first, then the batch's own."""
    solved = outcome.status in ("optimal", "feasible")
    counted = Counter(c.change for c in changes)
    return {
        "status": outcome.status,
        "n_requests": outcome.problem.n_requests,
        "n_assigned": int(outcome.chosen.size),
        "total_cost": _money(int(outcome.problem.pair_cost[outcome.chosen].sum())),
        "objective": _money(outcome.objective_cents),
        "bound": _money(outcome.bound_cents) if solved else None,
        "gap": round(outcome.gap, 6) if solved else None,
        "solver": outcome.solver,
        "seconds": round(seconds, 3),
        "n_parts": outcome.n_parts,
        "workers": outcome.workers,
        "run_date": run_date.isoformat(),
        "previous_run": None if previous_date is None else previous_date.isoformat(),
        "n_new": counted["new"],
        "n_changed": counted["changed"],
        "n_dropped": counted["dropped"],
        "n_kept": sum(row.kept for row in rows),
        "change_penalty": _money(outcome.change_penalty_cents),
        "change_term": _money(outcome.change_cents),
        "stages": [
            {
                "name": s.name,
                "objective": s.objective,
                "bound": s.bound if math.isfinite(s.bound) else None,
                "proven": s.proven,
                "unit": "cents" if s.name == "cost" else "points",
            }
            for s in outcome.stages
        ],
        "timings": {k: round(v, 3) for k, v in outcome.seconds.items()},
        "message": outcome.message,
    }


def _money(cents: float) -> float | None:
    return round(cents / 100, 2) if math.isfinite(cents) else None
