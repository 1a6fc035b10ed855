"""The `matcher` command line: a thin face over matcher.services.

Exit codes: 0 done; 1 the input or the database refused the work (the message says why);
2 the command was called wrongly (Typer's usage errors).
"""

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli import capacity as capacity_cli
from matcher.cli import whatif as whatif_cli
from matcher.data.db.store import DatabaseNotEmptyError, DatabaseNotInitialisedError
from matcher.data.issues import Issue, RoundImportError
from matcher.services import rounds

app = typer.Typer(
    name="matcher",
    help="Matching and capacity planning for the social domain (Wmo, Jeugdwet).",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Create and upgrade the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.sqlite or postgresql://user@host/db). "
        "Default: $MATCHER_DB, else sqlite:///matcher.sqlite.",
    ),
]
WARNINGS_SHOWN = 20


@db_app.command("init")
def db_init(db: DbOption = None) -> None:
    """Create the database schema, or upgrade it to the newest version."""
    url, revision = rounds.init_database(db)
    out.print(f"Database ready at {_safe(url)} (schema version {revision}).")


@app.command("import")
def import_(
    path: Annotated[
        Path, typer.Argument(help="A round directory of CSV files, or an .xlsx workbook.")
    ],
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the round already in the database.")
    ] = False,
    all_warnings: Annotated[
        bool, typer.Option("--all-warnings", help="List every warning, not only the first 20.")
    ] = False,
) -> None:
    """Check a round and store it; on any error nothing is stored."""
    try:
        with err.status(f"Checking and importing {path} ..."):
            outcome = rounds.import_round(path, db, replace=replace)
    except RoundImportError as exc:
        _print_issues(exc.errors, title=f"{path} was not imported", limit=None)
        err.print(f"[bold red]Nothing was imported:[/] {len(exc.errors)} problem(s) to fix first.")
        raise typer.Exit(1) from None
    except (DatabaseNotEmptyError, DatabaseNotInitialisedError) as exc:
        err.print(f"[bold red]Nothing was imported:[/] {exc}")
        raise typer.Exit(1) from None
    if outcome.warnings:
        _print_issues(
            outcome.warnings, title="Warnings", limit=None if all_warnings else WARNINGS_SHOWN
        )
    counts = ", ".join(f"{n} {table}" for table, n in outcome.record.counts.items())
    out.print(
        f"Imported {path} into {_safe(outcome.url)} (import {outcome.record.import_id}): {counts}."
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
    try:
        round_ = rounds.export_round(out_dir, db)
    except DatabaseNotInitialisedError as exc:
        err.print(f"[bold red]Nothing was exported:[/] {exc}")
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
    with err.status("Generating the demo region ..."):
        round_ = rounds.generate_demo(out_dir, seed=seed)
    out.print(
        f"Wrote a demo region to {out_dir}: {len(round_.providers)} providers, "
        f"{len(round_.interventions)} interventions, {len(round_.requests)} open requests."
    )


def _print_issues(issues: tuple[Issue, ...], *, title: str, limit: int | None) -> None:
    shown = issues if limit is None else issues[:limit]
    table = Table(title=title, show_lines=False, expand=False)
    for column in ("file", "row", "column", "what is wrong"):
        table.add_column(column, overflow="fold")
    for issue in shown:
        table.add_row(
            issue.file,
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            issue.message,
        )
    err.print(table)
    hidden = len(issues) - len(shown)
    if hidden:
        per_file = Counter(i.file for i in issues[len(shown) :])
        more = ", ".join(f"{n} in {f}" for f, n in per_file.items())
        err.print(f"... and {hidden} more ({more}); --all-warnings lists them all.")


def _safe(url: str) -> str:
    """The URL without a password, fit to print."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.split("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


def run() -> None:
    """Console-script entry point."""
    app()


capacity_cli.register(app)
whatif_cli.register(app)
