"""The three files of a matching run: assignments.csv, unassigned.csv and summary.json.

Amounts are euros with two decimals (the engine counts in cents; the conversion happens
only here). The files are written into a temporary directory next to the target, which
then replaces the target in one rename: a failure part-way leaves an earlier result as it
was, never a mix of old and new files.
"""

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from matcher.domain.money import cents_to_euros, euro_amount
from matcher.matching import UNIT_SCALE, Explanation, MatchOutcome

ASSIGNMENT_COLUMNS = (
    "request_id",
    "provider_id",
    "tariff",
    "units",
    "cost",
    "cost_term",
    "distance_term",
    "preference_term",
    "continuity_term",
    "objective",
    "next_best_provider",
    "next_best_delta",
)
UNASSIGNED_COLUMNS = ("request_id", "reason_code", "detail")
SUMMARY_KEYS = (
    "status",
    "n_requests",
    "n_assigned",
    "total_cost",
    "objective",
    "bound",
    "gap",
    "solver",
    "seconds",
)
ASSIGNMENTS_FILE = "assignments.csv"
UNASSIGNED_FILE = "unassigned.csv"
SUMMARY_FILE = "summary.json"

Row = Sequence[str]


def euros(cents: int) -> str:
    """Cents as euros with two decimals (``378960`` -> ``3789.60``), as the CSV files hold them."""
    return str(cents_to_euros(cents))


def units_text(hundredths: int) -> str:
    """A weekly volume in hundredths as the plain number of the round files (``450`` -> ``4.5``)."""
    return format((Decimal(hundredths) / UNIT_SCALE).normalize(), "f")


def assignment_rows(outcome: MatchOutcome, explanation: Explanation) -> list[Row]:
    """One row per chosen match, in request order, with its objective terms and runner-up.

    The terms come from the problem's own arrays, so the objective column adds up to the
    summary's objective exactly.
    """
    problem = outcome.problem
    rows: list[Row] = []
    for a in outcome.chosen.tolist():
        rid = problem.request_ids[int(problem.pair_request[a])]
        terms = (
            int(problem.pair_cost[a]),
            int(problem.pair_distance[a]),
            int(problem.pair_preference[a]),
            int(problem.pair_continuity[a]),
        )
        placed = explanation.placed.get(rid)
        runner_up = placed.next_best if placed is not None else None
        rows.append(
            (
                rid,
                problem.provider_ids[int(problem.pair_provider[a])],
                euros(int(problem.pair_tariff[a])),
                units_text(int(problem.pair_units[a])),
                euros(terms[0]),
                *(euros(t) for t in terms),
                euros(sum(terms)),
                "" if runner_up is None else runner_up.provider_id,
                "" if runner_up is None else euros(runner_up.delta_cents),
            )
        )
    return rows


def unassigned_rows(outcome: MatchOutcome, explanation: Explanation) -> list[Row]:
    """One row per request left unplaced: its most decisive reason code, then every reason
    and the cheapest change that would place it, in words.

    The round's open requests come first, in round order; requests that are never matched
    case by case (task-funded interventions) follow, so every request without a match and
    without an award is accounted for.
    """
    problem = outcome.problem
    placed = {problem.request_ids[int(r)] for r in problem.pair_request[outcome.chosen].tolist()}
    extra = [rid for rid in explanation.unplaced if rid not in set(problem.request_ids)]
    rows: list[Row] = []
    for rid in (*problem.request_ids, *extra):
        if rid in placed:
            continue
        unplaced = explanation.unplaced.get(rid)
        if unplaced is None or not unplaced.reasons:
            rows.append((rid, "unexplained", "no reason was found"))
            continue
        details = [reason.detail for reason in unplaced.reasons]
        if unplaced.cheapest_change:
            details.append(f"cheapest change: {unplaced.cheapest_change}")
        rows.append((rid, unplaced.reasons[0].code, "; ".join(details)))
    return rows


def summary_of(outcome: MatchOutcome, **extra: Any) -> dict[str, Any]:
    """summary.json: the fixed keys first, in order, then whatever the caller adds."""
    solved = outcome.status in ("optimal", "feasible")
    summary: dict[str, Any] = {
        "status": outcome.status,
        "n_requests": outcome.problem.n_requests,
        "n_assigned": int(outcome.chosen.size),
        "total_cost": euro_amount(outcome.total_cost_cents),
        "objective": euro_amount(outcome.objective_cents),
        "bound": euro_amount(outcome.bound_cents) if solved else None,
        "gap": outcome.reported_gap,
        "solver": outcome.solver,
        "seconds": round(outcome.seconds, 3),
    }
    summary.update(
        build_seconds=round(outcome.build_seconds, 3),
        n_parts=outcome.n_parts,
        stages=[s.record() for s in outcome.stages],
        message=outcome.message,
        conflicts=[
            {"request_id": c.request_id, "provider_id": c.provider_id, "detail": c.detail}
            for c in outcome.pin_conflicts
        ],
    )
    summary.update(extra)
    return summary


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Row]) -> None:
    """One CSV file: UTF-8, comma-separated, ``\\n`` line endings (as the round files)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_outputs(
    out_dir: Path, assignments: Sequence[Row], unassigned: Sequence[Row], summary: dict[str, Any]
) -> None:
    """Write the three files into out_dir, replacing it whole only once all are written."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write_csv(staging / ASSIGNMENTS_FILE, ASSIGNMENT_COLUMNS, assignments)
        write_csv(staging / UNASSIGNED_FILE, UNASSIGNED_COLUMNS, unassigned)
        (staging / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace target by staging; the old directory is removed only after the move."""
    if not target.exists():
        os.replace(staging, target)
        return
    if not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
