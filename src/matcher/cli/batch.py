"""`matcher batch`: the nightly re-optimisation of every open request (a thin face)."""

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import typer

from matcher.cli.console import err, out
from matcher.matching import SOLVERS

EXIT_SOLVER = 4
EXIT_RUNNING = 5
BATCH_EPILOG = (
    "Exit codes: 0 the run is written (optimal, or the best found within the time limit); "
    "1 the database refused the work (not initialised, or no round stored); 2 the command "
    "was called wrongly; 4 a part could not be solved (nothing written); 5 another batch is "
    "running on this database (this one did not start, nothing written)."
)


def register(app: typer.Typer) -> None:
    """Add `matcher batch` to the app."""
    app.command("batch", epilog=BATCH_EPILOG)(batch)


def batch(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (sqlite:///file.sqlite or postgresql://user@host/db). "
            "Default: $MATCHER_DB, else sqlite:///matcher.sqlite.",
        ),
    ] = None,
    run_date: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="Run date (default today). A rerun of a date replaces that date's run.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a running Dask scheduler (tcp://host:8786); "
            "default: a local cluster of --workers processes.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Local worker processes (1 thread each).")
    ] = 2,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", min=1.0, help="Seconds for solving all parts (shared by size)."
        ),
    ] = 1800.0,
    solver: Annotated[
        str,
        typer.Option(
            "--solver", help="auto (the benchmarked default), highs, scip, cp-sat or cbc."
        ),
    ] = "auto",
    change_penalty: Annotated[
        float,
        typer.Option(
            "--change-penalty",
            min=0.0,
            help="Euros charged for changing or dropping last night's proposal.",
        ),
    ] = 50.0,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="JSON log lines on stderr and the summary as JSON on stdout."),
    ] = False,
    signals: Annotated[
        bool,
        typer.Option(
            "--signals/--no-signals",
            help="Refresh the capacity signals into the run record (default on).",
        ),
    ] = True,
) -> None:
    """Re-optimise every open request and write one run record (see models/batch.md)."""
    if solver not in SOLVERS:
        raise typer.BadParameter(f"unknown solver {solver!r}", param_hint="--solver")
    # Dask, the solvers and the capacity model load only when a batch really runs, so that
    # `matcher --help` and the other commands start at once (cli/__init__).
    from matcher.batch.run import BatchSettings
    from matcher.data.db.lock import BatchAlreadyRunningError
    from matcher.data.db.store import DatabaseNotInitialisedError
    from matcher.domain.money import to_cents
    from matcher.services.batch import BatchSolveError, run_nightly
    from matcher.services.rounds import NoRoundStoredError

    settings = BatchSettings(
        solver=solver,
        time_limit=time_limit,
        change_penalty_cents=to_cents(Decimal(str(change_penalty))),
        workers=workers,
        signals=signals,
    )
    day = None if run_date is None else run_date.date()
    try:
        with _reporter(as_json) as on_event:
            result = run_nightly(db, day, scheduler=scheduler, settings=settings, on_event=on_event)
    except BatchAlreadyRunningError as exc:
        _fail(as_json, str(exc))
        raise typer.Exit(EXIT_RUNNING) from None
    except (DatabaseNotInitialisedError, NoRoundStoredError) as exc:
        _fail(as_json, f"nothing was run: {exc}")
        raise typer.Exit(1) from None
    except BatchSolveError as exc:
        _fail(as_json, str(exc))
        raise typer.Exit(EXIT_SOLVER) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    _print_summary(result)


@contextmanager
def _reporter(as_json: bool) -> Iterator[Callable[[dict[str, Any]], None]]:
    """JSON lines on stderr with --json; a rich progress bar over the parts on a terminal."""
    if as_json:

        def log(event: dict[str, Any]) -> None:
            sys.stderr.write(json.dumps(event) + "\n")
            sys.stderr.flush()

        yield log
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    task = progress.add_task("Loading the round", total=None)

    def show(event: dict[str, Any]) -> None:
        kind = event["event"]
        if kind == "built":
            progress.update(task, description="Splitting into parts")
        elif kind == "split":
            progress.update(task, description="Solving parts", total=event["n_parts"])
        elif kind == "part":
            progress.update(task, completed=event["done"])

    with progress:
        yield show


def _fail(as_json: bool, message: str) -> None:
    if as_json:
        sys.stderr.write(json.dumps({"event": "failed", "message": message}) + "\n")
    else:
        err.print(f"[bold red]Batch not written:[/] {message}")


def _print_summary(result: dict[str, Any]) -> None:
    gap = "" if result["status"] == "optimal" else f", gap {result['gap']:.2%}"
    out.print(
        f"Batch {result['run_date']}: proposed {result['n_assigned']} of "
        f"{result['n_requests']} open requests ({result['status']}{gap}, {result['solver']}, "
        f"{result['n_parts']} parts on {result['workers']} workers, {result['seconds']:.1f} s): "
        f"total cost EUR {result['total_cost']:,.2f}, objective EUR {result['objective']:,.2f}."
    )
    out.print(
        f"Since {result['previous_run'] or 'no earlier run'}: {result['n_new']} new, "
        f"{result['n_changed']} changed, {result['n_dropped']} dropped, "
        f"{result['n_kept']} kept."
    )
