"""`matcher capacity`: demand against certified supply, and the signals it raises."""

import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.console import err, out, print_issues
from matcher.data.issues import RoundImportError

if TYPE_CHECKING:
    from matcher.capacity.impact import Line, Ranked

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
TOP = 15  # lines and signals shown without --all


def capacity(
    round_dir: Annotated[
        Path | None,
        typer.Argument(help="A round directory or .xlsx workbook; leave out to use --db."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Analyse the round stored in this database instead."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the signals as a JSON list.")
    ] = False,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, max=36, help="Months to forecast ahead.")
    ] = 12,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Also write the signals as JSON to this file.")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Compute the signals with only the history before this date (YYYY-MM-DD).",
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every signal, not only the ones that matter.")
    ] = False,
) -> None:
    """Forecast demand, lay it against certified capacity and list the capacity signals."""
    if (round_dir is None) == (db is None):
        err.print("[bold red]Give a round directory or --db URL (one of the two).[/]")
        raise typer.Exit(2)
    # The forecasting libraries load only when the analysis runs: other commands start at once.
    from matcher.capacity.impact import rank, summary_lines
    from matcher.capacity.signals import SIGNAL_TYPES
    from matcher.data.db.store import DatabaseNotInitialisedError
    from matcher.services.capacity import capacity_of, signals_json

    started = time.perf_counter()
    try:
        with err.status("Forecasting demand and checking capacity ..."):
            day = as_of.date() if as_of is not None else None
            run = capacity_of(round_dir, db, horizon=horizon, as_of_date=day)
    except RoundImportError as exc:
        print_issues(exc.errors, title="The round cannot be read")
        raise typer.Exit(1) from None
    except DatabaseNotInitialisedError as exc:
        err.print(f"[bold red]No round to analyse:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    except ValueError as exc:
        err.print(f"[bold red]Cannot analyse:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    seconds = time.perf_counter() - started
    signals = run.report.signals
    text = signals_json(run.report)
    if out_file is not None:
        out_file.write_text(text + "\n", encoding="utf-8")
    if as_json:
        typer.echo(text)
        return
    ranked = rank(run.report, run.round_)
    lines = summary_lines(ranked, run.round_)
    _print_summary(lines if show_all else lines[:TOP])
    _print_table(ranked if show_all else ranked[:TOP])
    if not show_all and len(ranked) > TOP:
        _say(f"The {TOP} that affect most clients of {len(ranked)}; --all lists every one.")
    counts = Counter(s.type for s in signals)
    summary = ", ".join(f"{counts.get(t, 0)} {t}" for t in SIGNAL_TYPES)
    _say(f"{len(signals)} signals for {run.source} ({summary}) in {seconds:.1f} s.")


def _say(text: str) -> None:
    """A closing line: plain when not on a terminal, so a file gets it whole."""
    if _plain():
        typer.echo(text)
    else:
        out.print(text)


def _plain() -> bool:
    """Not a terminal (a file, a pipe): print tab-separated lines, never cut to 80 columns."""
    return not sys.stdout.isatty()


def _print_plain(title: str, header: list[str], rows: list[list[str]]) -> None:
    typer.echo(f"# {title}")
    typer.echo("\t".join(header))
    for row in rows:
        typer.echo("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))


def _print_summary(lines: "list[Line]") -> None:
    title = "What matters first: one line per intervention and area"
    if _plain():
        _print_plain(title, ["clients", "summary"], [[str(x.clients), x.text] for x in lines])
        return
    table = Table(title=title)
    table.add_column("clients", justify="right", no_wrap=True)
    table.add_column("summary", overflow="fold")
    for line in lines:
        table.add_row(str(line.clients), line.text)
    out.print(table)


SIGNAL_COLUMNS = ["clients", "severity", "signal", "intervention", "area", "month", "value",
                  "threshold"]  # fmt: skip


def _print_table(ranked: "list[Ranked]") -> None:
    title = "Capacity signals, largest impact first"
    if _plain():
        rows = [
            [str(r.impact.clients), r.signal.severity, r.signal.type, r.signal.intervention_id,
             r.signal.area, r.signal.month, f"{r.signal.value:.2f}", f"{r.signal.threshold:.2f}",
             r.signal.detail, r.signal.action]
            for r in ranked
        ]  # fmt: skip
        _print_plain(title, [*SIGNAL_COLUMNS, "detail", "action"], rows)
        return
    table = Table(title=title, show_lines=False)
    for column in SIGNAL_COLUMNS:
        table.add_column(column, no_wrap=True)
    table.add_column("detail and action", overflow="fold")
    for r in ranked:
        s = r.signal
        table.add_row(
            str(r.impact.clients),
            f"[{SEVERITY_STYLE.get(s.severity, '')}]{s.severity}[/]",
            s.type,
            s.intervention_id,
            s.area,
            s.month,
            f"{s.value:,.2f}",
            f"{s.threshold:,.2f}",
            f"{s.detail} [bold]{s.action}[/]",
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `matcher capacity` to the command line."""
    app.command("capacity")(capacity)
