"""The three files of a matching run: assignments.csv, unassigned.csv and summary.json.

A thin renderer of ``round_run.RoundReport``. Amounts are euros with two decimals (the
report counts in cents; the conversion happens only here); the term columns follow the
catalogue of objective terms (``matching.TERMS``). The directory is written through
matcher.data.output_dir: a failure part-way leaves an earlier result as it was, never a mix
of old and new files, and a directory that is not an earlier match result is never replaced.
"""

import csv
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from matcher.data.output_dir import OutputKind, replace_dir
from matcher.domain.money import cents_to_euros
from matcher.matching import TERMS, UNIT_SCALE, MatchOutcome
from matcher.services.round_run import RoundReport, RoundSummary

ASSIGNMENT_COLUMNS = (
    "request_id",
    "provider_id",
    "tariff",
    "units",
    "cost",
    *(term.column for term in TERMS),
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


def assignment_rows(report: RoundReport) -> list[Row]:
    """One row per proposal, in request order, with its objective terms and runner-up.

    The terms come from the problem's own arrays, so the objective column adds up to the
    summary's objective exactly.
    """
    rows: list[Row] = []
    for p in report.proposals:
        runner_up = p.next_best
        rows.append(
            (
                p.request_id,
                p.provider_id,
                euros(p.tariff_cents),
                units_text(p.units),
                euros(p.cost_cents),
                *(euros(p.terms[term.name]) for term in TERMS),
                euros(p.objective_cents),
                "" if runner_up is None else runner_up.provider_id,
                "" if runner_up is None else euros(runner_up.delta_cents),
            )
        )
    return rows


def unassigned_rows(report: RoundReport) -> list[Row]:
    """One row per request left unplaced (report.unplaced, round order): its most decisive
    reason code, then every reason and the cheapest change that would place it, in words."""
    return [(u.request_id, u.code, u.text) for u in report.unplaced]


def summary_of(outcome: MatchOutcome, **extra: Any) -> dict[str, Any]:
    """summary.json's figures of one engine result: the fixed keys first, in order, then
    whatever the caller adds."""
    s = RoundSummary.of(outcome)
    summary = s.figures()
    summary.update(
        seconds=round(s.seconds, 3),
        build_seconds=round(s.build_seconds, 3),
        n_parts=s.n_parts,
        stages=[stage.record() for stage in s.stages],
        message=s.message,
        conflicts=[
            {"request_id": c.request_id, "provider_id": c.provider_id, "detail": c.detail}
            for c in outcome.pin_conflicts
        ],
    )
    summary.update(extra)
    return summary


def summary_json(report: RoundReport, **extra: Any) -> dict[str, Any]:
    """summary.json of a run: summary_of, the overrides counted, then how long explaining took."""
    summary = summary_of(
        report.result,
        pins=len(report.overrides.pins),
        forbids=len(report.overrides.forbids),
        **extra,
    )
    if report.explain_seconds is not None:
        summary["explain_seconds"] = round(report.explain_seconds, 3)
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
    """Write the three files into out_dir, replacing it whole only once all are written
    (matcher.data.output_dir: never over a directory that is not an earlier match result)."""

    def fill(staging: Path) -> None:
        write_csv(staging / ASSIGNMENTS_FILE, ASSIGNMENT_COLUMNS, assignments)
        write_csv(staging / UNASSIGNED_FILE, UNASSIGNED_COLUMNS, unassigned)
        (staging / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    replace_dir(Path(out_dir), OutputKind.MATCH, fill)
