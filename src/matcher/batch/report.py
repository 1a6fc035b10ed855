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
from matcher.matching import SECONDARY_TERMS, UNIT_SCALE, Explanation, proposals_of, unplaced_of


def proposal_rows(
    outcome: BatchOutcome, previous: Mapping[str, str | None] | None = None
) -> list[ProposalRow]:
    """One row per open request, in the round's order: placed with its terms, or why not.

    A renderer of the typed proposals and unplaced requests every face reads
    (``matching.proposals_of``, ``matching.unplaced_of``); ``kept`` marks a proposal of the
    same provider as the previous run's.
    """
    previous = previous or {}
    explanation = outcome.explanation
    proposals = {p.request_id: p for p in proposals_of(outcome.result, explanation)}
    part_of = dict(zip(outcome.problem.request_ids, outcome.request_part.tolist(), strict=True))
    rows = []
    # Open requests in the round's order, then those explained but not matched (task-funded).
    for item in unplaced_of(outcome.result, explanation):
        part = part_of.get(item.request_id, -1)
        rows.append(
            ProposalRow(
                request_id=item.request_id,
                provider_id=None,
                part=None if part < 0 else part,
                tariff=None,
                units=None,
                cost=None,
                **{term.column: None for term in SECONDARY_TERMS},
                objective=None,
                kept=False,
                reason_code=item.code,
                detail=item.text,
            )
        )
    for p in proposals.values():
        rows.append(
            ProposalRow(
                request_id=p.request_id,
                provider_id=p.provider_id,
                part=part_of[p.request_id],
                tariff=cents_to_euros(p.tariff_cents),
                units=(Decimal(p.units) / UNIT_SCALE).quantize(Decimal("0.01")),
                cost=cents_to_euros(p.cost_cents),
                **{term.column: cents_to_euros(p.terms[term.name]) for term in SECONDARY_TERMS},
                objective=cents_to_euros(p.objective_cents),
                kept=previous.get(p.request_id) == p.provider_id,
                reason_code=None,
                detail=_placed(explanation, p.request_id),
            )
        )
    order = {rid: k for k, rid in enumerate(outcome.problem.request_ids)}
    rows.sort(key=lambda row: (order.get(row.request_id, len(order)), row.request_id))
    return rows


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
        "total_cost": euro_amount(outcome.result.total_cost_cents),
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
