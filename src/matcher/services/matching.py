"""``matcher match`` over the one use-case ``run_round`` (``matcher recommend`` solves nothing:
``services.recommend``).

The round comes from a round directory or workbook (checked like an import) or from the
database. Overrides and the previous round's assignments are files the regisseur keeps next
to the round. Only a solved round (optimal, or feasible within the time limit) writes the
output directory: an infeasible or failed run leaves an earlier result in place and says
why in the summary it returns.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.data.output_dir import OutputKind, check_target
from matcher.domain import Round
from matcher.matching import SOLVERS, MatchingProblem, Overrides, Progress, model_text
from matcher.services.match_defaults import DEFAULT_CHANGES
from matcher.services.match_output import (
    assignment_rows,
    summary_json,
    unassigned_rows,
    write_outputs,
)
from matcher.services.override_files import read_overrides, read_previous
from matcher.services.round_run import (
    SOLVED,
    ChangeSearch,
    RoundSettings,
    RunDeadline,
    SolverUnavailableError,
    StoredRound,
    load,
    run_round,
)

MODEL_FORMATS = (".lp", ".mps")
__all__ = ["DEFAULT_CHANGES", "SOLVED", "SolverUnavailableError"]


class MatchArgumentError(ValueError):
    """An argument that cannot work (an unknown solver, a model file of unknown format)."""


@dataclass(frozen=True)
class MatchOptions:
    """How to match, as ``matcher match``'s flags say it; the defaults are the policy's.

    ``solver`` ``auto`` is the round policy's solver; ``changes`` caps the unplaced requests
    (highest priority first) for which the cheapest change that would place them is
    searched: each search re-solves the request's part up to a few times. ``started`` is
    the ``time.perf_counter()`` at which the command started: the run's one deadline counts
    from it (RunDeadline), so reading the round uses up the limit too; None: when the
    service is called.
    """

    solver: str = "auto"
    time_limit: float | None = None
    threads: int = 1
    overrides_file: Path | None = None
    previous_file: Path | None = None
    export_model: Path | None = None
    progress: Progress | None = None
    changes: int = DEFAULT_CHANGES
    started: float | None = None

    def deadline(self) -> RunDeadline:
        """The run's one deadline: from ``started``, else from now."""
        return RunDeadline.starting_now() if self.started is None else RunDeadline(self.started)


def match_directory(
    path: Path, out_dir: Path, options: MatchOptions | None = None
) -> dict[str, Any]:
    """Match the round in a directory or workbook; returns the summary (see summary.json).

    Raises RoundImportError when the round or an overrides file has errors, and
    OutputDirRefusedError when out_dir is the round itself or not a matcher result (nothing is
    written then).
    """
    options = options or MatchOptions()
    run = options.deadline()
    check_target(Path(out_dir), OutputKind.MATCH, reading=(Path(path),))
    round_, warnings = load(Path(path))
    return match(round_, out_dir, options, import_warnings=warnings, deadline=run)


def match_database(
    db: str | None, out_dir: Path, options: MatchOptions | None = None
) -> dict[str, Any]:
    """Match the round stored in the database at db; as match_directory otherwise."""
    options = options or MatchOptions()
    run = options.deadline()
    return match(load(StoredRound(db))[0], out_dir, options, deadline=run)


def match(
    round_: Round,
    out_dir: Path,
    options: MatchOptions | None = None,
    *,
    import_warnings: int = 0,
    deadline: RunDeadline | None = None,
) -> dict[str, Any]:
    """``run_round`` with the CLI's files: writes the outputs of a solved round (an
    infeasible or failed one leaves an earlier result in place); returns summary.json.
    ``deadline`` is the run's (default: the options')."""
    o = options or MatchOptions()
    run = deadline or o.deadline()
    out_dir = Path(out_dir)
    check_arguments(out_dir, o.solver, o.export_model)
    overrides = read_overrides(o.overrides_file, round_) if o.overrides_file else Overrides()
    previous = read_previous(o.previous_file) if o.previous_file else frozenset()
    overrides = Overrides(pins=overrides.pins, forbids=overrides.forbids, previous=previous)
    settings = RoundSettings(
        solver=o.solver,
        time_limit=o.time_limit,
        threads=o.threads,
        changes=ChangeSearch(max_changes=o.changes),
    )
    report = run_round(round_, settings, overrides, on_part=o.progress, deadline=run)
    if o.export_model is not None:
        write_model(report.result.problem, Path(o.export_model))
    summary = summary_json(report, import_warnings=import_warnings)
    if report.solved:
        write_outputs(out_dir, assignment_rows(report), unassigned_rows(report), summary)
    return summary


def check_arguments(out_dir: Path, solver: str, export_model: Path | None) -> None:
    """Refuse arguments that cannot work before any time is spent solving."""
    if solver not in SOLVERS:
        raise MatchArgumentError(f"unknown solver {solver!r}; use one of {', '.join(SOLVERS)}")
    check_target(out_dir, OutputKind.MATCH)
    if export_model is not None and Path(export_model).suffix.lower() not in MODEL_FORMATS:
        raise MatchArgumentError(f"{export_model}: the model can be written as .lp or .mps")


def write_model(problem: MatchingProblem, path: Path) -> None:
    """The first stage's model of the whole round (one part, undecomposed) as LP or MPS."""
    text = model_text(problem, "mps" if path.suffix.lower() == ".mps" else "lp")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
