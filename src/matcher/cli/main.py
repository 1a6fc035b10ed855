"""The `matcher` command line: a thin face over matcher.services (start-up rule: cli/__init__).

Exit codes: 0 done; 1 the input or the database refused the work (the message says why);
2 the command was called wrongly (Typer's usage errors). `matcher match` adds 3 (the round
is infeasible: pins that contradict each other, named on stderr) and 4 (the solver failed).
"""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from matcher.cli import batch as batch_cli
from matcher.cli import capacity as capacity_cli
from matcher.cli import recommend as recommend_cli
from matcher.cli import users as users_cli
from matcher.cli import whatif as whatif_cli
from matcher.cli.console import JsonOption, MatchDbOption, RoundArgument, err, out, print_issues
from matcher.data.issues import RoundImportError
from matcher.matching import Solver
from matcher.services.access import Role, command_line
from matcher.services.match_defaults import DEFAULT_CHANGES

app = typer.Typer(
    name="matcher",
    help="Matching and capacity planning for the social domain (Wmo, Jeugdwet).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a traceback's local variables may hold client data
)
db_app = typer.Typer(help="Create and upgrade the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.sqlite or postgresql://user@host/db). "
        "Default: $MATCHER_DB, else sqlite:///matcher.sqlite.",
    ),
]
WARNINGS_SHOWN = 20
# `matcher import` and `export` are a data steward's work (services/access.command_line).
STEWARD = command_line(Role.DATA_STEWARD)


@db_app.command("init")
def db_init(db: DbOption = None) -> None:
    """Create the database schema, or upgrade it to the newest version."""
    from matcher.data.db.engine import redacted_url
    from matcher.services import rounds

    url, revision = rounds.init_database(db)
    out.print(f"Database ready at {redacted_url(url)} (schema version {revision}).")


@app.command("import")
def import_(
    path: Annotated[
        Path, typer.Argument(help="A round directory of CSV files, or an .xlsx workbook.")
    ],
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the round already in the database.")
    ] = False,
    drop_awards: Annotated[
        bool, typer.Option(help="With --replace: drop awards made since the last import.")
    ] = False,
    all_warnings: Annotated[
        bool, typer.Option("--all-warnings", help="List every warning, not 20 of each file.")
    ] = False,
) -> None:
    """Check a round and store it; on any error nothing is stored."""
    from matcher.data.db.engine import StorageError, redacted_url
    from matcher.data.db.store import DatabaseNotEmptyError, DatabaseNotInitialisedError
    from matcher.services import rounds

    try:
        with err.status(f"Checking and importing {path} ..."):
            outcome = rounds.import_round(
                path, db, actor=STEWARD, replace=replace, drop_awards=drop_awards
            )
    except RoundImportError as exc:
        print_issues(exc.errors, title=f"{path} was not imported")
        err.print(f"[bold red]Nothing was imported:[/] {len(exc.errors)} problem(s) to fix first.")
        raise typer.Exit(1) from None
    except (DatabaseNotEmptyError, DatabaseNotInitialisedError, StorageError) as exc:
        err.print(f"[bold red]Nothing was imported:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if outcome.warnings:
        print_issues(
            outcome.warnings,
            title="Warnings",
            per_file=None if all_warnings else WARNINGS_SHOWN,
            hint="--all-warnings lists them all",
        )
    counts = ", ".join(f"{n} {table}" for table, n in outcome.record.counts.items())
    out.print(
        f"Imported {path} into {redacted_url(outcome.url)} "
        f"(import {outcome.record.import_id}): {counts}."
    )


@app.command("export")
def export(
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="A directory for CSV files, or a file name ending in .xlsx."),
    ],
    db: DbOption = None,
) -> None:
    """Write the stored round as a round directory of CSV files, or as one Excel workbook."""
    from matcher.data.db.engine import StorageError
    from matcher.data.db.store import DatabaseNotInitialisedError
    from matcher.data.output_dir import OutputDirRefusedError
    from matcher.services import rounds

    try:
        round_ = rounds.export_round(out_dir, db, actor=STEWARD)
    except (DatabaseNotInitialisedError, StorageError, OutputDirRefusedError) as exc:
        err.print(f"[bold red]Nothing was exported:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    out.print(f"Exported {len(round_.requests)} requests and the rest of the round to {out_dir}.")


@app.command("demo")
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory to write the round to.")] = Path(
        "data/demo"
    ),
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same region.")
    ] = 2026,
) -> None:
    """Generate the demo region (Zuid-Kennemerland/IJmond-like) as a round directory."""
    from matcher.data.output_dir import OutputDirRefusedError
    from matcher.services import rounds

    try:
        with err.status("Generating the demo region ..."):
            round_ = rounds.generate_demo(out_dir, seed=seed)
    except OutputDirRefusedError as exc:
        err.print(f"[bold red]Nothing was written:[/] {exc}")
        raise typer.Exit(1) from None
    out.print(
        f"Wrote a demo region to {out_dir}: {len(round_.providers)} providers, "
        f"{len(round_.interventions)} interventions, {len(round_.requests)} open requests."
    )


EXIT_INFEASIBLE = 3
EXIT_SOLVER = 4
MATCH_EPILOG = (
    "Exit codes: 0 matched (optimal, or the best found within the time limit); "
    "1 the round, the overrides or the database has errors (file, row and column named, "
    "nothing written); 2 the command was called wrongly; 3 infeasible: pins that contradict "
    "each other or the round (named on stderr, nothing written); 4 the solver failed or is "
    "not available (nothing written)."
)


@app.command("match", epilog=MATCH_EPILOG)
def match(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Directory for assignments.csv, unassigned.csv and summary.json; replaced "
            "whole, only when the round was solved, and only when it is new, empty or an "
            "earlier match result.",
        ),
    ],
    round_dir: RoundArgument = None,
    db: MatchDbOption = None,
    as_json: JsonOption = False,
    solver: Annotated[
        Solver,
        typer.Option(help="The solver; auto takes the policy's, else the benchmarked default."),
    ] = Solver.AUTO,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit", min=0.01, help="Seconds for the whole round (default: the policy's)."
        ),
    ] = None,
    threads: Annotated[int, typer.Option(min=1, help="Solver threads (CP-SAT workers).")] = 1,
    overrides: Annotated[
        Path | None,
        typer.Option(help="overrides.csv: request_id, provider_id, action (pin or forbid)."),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(help="A previous assignments.csv, to start the solver from its matches."),
    ] = None,
    export_model: Annotated[
        Path | None,
        typer.Option(
            "--export-model",
            help="Also write the first stage's model of the whole round as .lp or .mps.",
        ),
    ] = None,
    changes: Annotated[
        int,
        typer.Option(
            min=0,
            help="Search the cheapest change that would place an unplaced request for at most "
            "this many of them, most urgent first (each search re-solves; 0 skips it).",
        ),
    ] = DEFAULT_CHANGES,
) -> None:
    """Match the open requests of a round to providers and explain every decision."""
    started = time.perf_counter()  # the run's one deadline counts from here (RunDeadline)
    from matcher.data.db.store import DatabaseNotInitialisedError
    from matcher.data.output_dir import OutputDirRefusedError
    from matcher.services import matching, rounds

    source = _match_source(round_dir, db, export_model)
    try:
        with _solving_progress() as progress:
            options = matching.MatchOptions(
                solver=solver.value,
                time_limit=time_limit,
                threads=threads,
                overrides_file=overrides,
                previous_file=previous,
                export_model=export_model,
                progress=progress,
                changes=changes,
                started=started,
            )
            summary = source(out_dir, options)
    except RoundImportError as exc:
        print_issues(exc.errors, title="The input has errors")
        err.print(f"[bold red]Nothing was matched:[/] {len(exc.errors)} problem(s) to fix first.")
        raise typer.Exit(1) from None
    except (DatabaseNotInitialisedError, rounds.NoRoundStoredError, OutputDirRefusedError) as exc:
        err.print(f"[bold red]Nothing was matched:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    except matching.MatchArgumentError as exc:
        raise typer.BadParameter(str(exc)) from None
    except matching.SolverUnavailableError as exc:
        err.print(f"[bold red]Nothing was matched:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_SOLVER) from None
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    _report_match(summary, out_dir, export_model, quiet=as_json)
    if summary["status"] == "infeasible":
        raise typer.Exit(EXIT_INFEASIBLE)
    if summary["status"] not in matching.SOLVED:
        raise typer.Exit(EXIT_SOLVER)


def _match_source(
    round_dir: Path | None, db: str | None, export_model: Path | None
) -> Callable[..., dict[str, Any]]:
    """Which service to call; usage errors (exit 2) for a missing or doubled round."""
    if round_dir is not None and db is not None:
        raise typer.BadParameter("give either ROUND_DIR or --db, not both")
    if round_dir is None and db is None:
        raise typer.BadParameter("give a ROUND_DIR, or --db URL to match the stored round")
    from matcher.services import matching

    if export_model is not None and export_model.suffix.lower() not in matching.MODEL_FORMATS:
        raise typer.BadParameter(
            f"{export_model} must end in .lp or .mps", param_hint="--export-model"
        )
    if round_dir is not None:
        path = round_dir
        return lambda out, options: matching.match_directory(path, out, options)
    return lambda out, options: matching.match_database(db, out, options)


@contextmanager
def _solving_progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, advanced by the engine after each solved part."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("Solving parts"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("solve", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _report_match(
    summary: dict[str, Any], out_dir: Path, export_model: Path | None, *, quiet: bool
) -> None:
    """What happened, for a person: on stdout unless --json, trouble always on stderr."""
    from matcher.services.matching import SOLVED

    if export_model is not None:
        err.print(f"Wrote the first stage's model to {export_model}.")
    status = summary["status"]
    if status == "infeasible":
        err.print("[bold red]Infeasible:[/] no matching satisfies these pins. Nothing was written.")
        for conflict in summary["conflicts"]:
            err.print(f"  - {conflict['detail']}")
        return
    if status not in SOLVED:
        err.print(f"[bold red]The solver failed:[/] {summary['message']}. Nothing was written.")
        return
    if quiet:
        return
    if status == "optimal":
        gap = ""
    elif summary["gap"] is None:
        gap = ", gap unknown: a stage stopped at the time limit without a bound"
    else:
        gap = f", gap {summary['gap']:.2%}"
    out.print(
        f"Matched {summary['n_assigned']} of {summary['n_requests']} open requests "
        f"({status}{gap}, {summary['solver']}, {summary['seconds']:.1f} s): "
        f"total cost EUR {summary['total_cost']:,.2f}, objective EUR {summary['objective']:,.2f}."
    )
    out.print(f"Wrote assignments.csv, unassigned.csv and summary.json to {out_dir}.")


def run() -> None:
    """Console-script entry point."""
    app()


capacity_cli.register(app)
whatif_cli.register(app)
batch_cli.register(app)
recommend_cli.register(app)
users_cli.register(app)


if __name__ == "__main__":  # `python -m matcher.cli.main ...`, as the entry point `matcher`
    run()
