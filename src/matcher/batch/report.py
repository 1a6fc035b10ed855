"""What a run writes: a proposal per open request, the changes since last night, a summary.

Amounts go to the database in euros (Decimal, two decimals); the engine counts in cents.
Explanations come from ``matcher.matching.explain`` (models/explanations.md): an unplaced
request gets its most decisive reason code and every reason in words; a placed one its
runner-up and the client's preference note, in ``detail``.
"""

from collections import Counter
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from matcher.batch.run import BatchOutcome
from matcher.data.db.runs import ChangeRow, ProposalRow
from matcher.domain.money import cents_to_euros, euro_amount
from matcher.matching import UNIT_SCALE, Explanation


def proposal_rows(
    outcome: BatchOutcome, previous: Mapping[str, str | None] | None = None
) -> list[ProposalRow]:
    """One row per open request, in the round's order: placed with its terms, or why not.

    ``kept`` marks a proposal of the same provider as the previous run's.
    """
    previous = previous or {}
    problem = outcome.problem
    explanation = outcome.explanation
    placed = {
        problem.request_ids[int(problem.pair_request[a])]: int(a) for a in outcome.chosen.tolist()
    }
    part_of = dict(zip(problem.request_ids, outcome.request_part.tolist(), strict=True))
    # Open requests in the round's order, then those explained but not matched (task-funded).
    others = sorted(set(explanation.unplaced) - set(part_of))
    rows = []
    for rid in (*problem.request_ids, *others):
        part = part_of.get(rid, -1)
        a = placed.get(rid)
        if a is None:
            code, detail = _unplaced(explanation, rid)
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
                tariff=cents_to_euros(int(problem.pair_tariff[a])),
                units=(Decimal(int(problem.pair_units[a])) / UNIT_SCALE).quantize(Decimal("0.01")),
                cost=cents_to_euros(terms[0]),
                distance_term=cents_to_euros(terms[1]),
                preference_term=cents_to_euros(terms[2]),
                continuity_term=cents_to_euros(terms[3]),
                objective=cents_to_euros(sum(terms)),
                kept=previous.get(rid) == problem.provider_ids[int(problem.pair_provider[a])],
                reason_code=None,
                detail=_placed(explanation, rid),
            )
        )
    return rows


def _unplaced(explanation: Explanation, rid: str) -> tuple[str, str]:
    unplaced = explanation.unplaced.get(rid)
    if unplaced is None or not unplaced.reasons:
        return "unexplained", "no reason was found"
    return unplaced.reasons[0].code, "; ".join(reason.detail for reason in unplaced.reasons)


def _placed(explanation: Explanation, rid: str) -> str | None:
    placed = explanation.placed.get(rid)
    if placed is None:
        return None
    notes = []
    if placed.next_best is not None:
        runner_up = placed.next_best
        notes.append(
            f"next best {runner_up.provider_id} (pays EUR "
            f"{cents_to_euros(runner_up.cost_delta_cents)} a week more; "
            f"score +{cents_to_euros(runner_up.delta_cents)})"
        )
    if placed.preference_note:
        notes.append(placed.preference_note)
    return "; ".join(notes) or None


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
        "total_cost": euro_amount(int(outcome.problem.pair_cost[outcome.chosen].sum())),
        "objective": euro_amount(outcome.objective_cents),
        "bound": euro_amount(outcome.bound_cents) if solved else None,
        "gap": outcome.result.reported_gap,
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
        "change_penalty": euro_amount(outcome.change_penalty_cents),
        "change_term": euro_amount(outcome.change_cents),
        "stages": [s.record() for s in outcome.stages],
        "timings": {k: round(v, 3) for k, v in outcome.seconds.items()},
        "message": outcome.message,
    }
