"""`matcher whatif`: baseline and scenarios side by side, sweeps run in parallel on Dask."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.console import err, out, print_issues
from matcher.data.issues import RoundImportError

if TYPE_CHECKING:
    from matcher.scenarios.compare import Comparison, KpiRow


def whatif(
    round_dir: Annotated[
        Path, typer.Argument(help="A round directory of CSV files, or a workbook.")
    ],
    scenario_files: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario TOML files (a file with a [sweep] table expands)."),
    ] = None,
    sweep: Annotated[
        list[str] | None,
        typer.Option(
            "--sweep",
            help="An axis of a sweep, e.g. growth=0:10:2 or exit=P001,P004 (none = nobody); "
            "several --sweep options run their product. Axes: growth, exit, tariff, budget, "
            "share_cap.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the KPIs as JSON.")] = False,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0.1, help="Seconds per run (default: the policy's)."),
    ] = None,
    solver: Annotated[str, typer.Option(help="auto, highs, cp-sat, scip or cbc.")] = "auto",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of a Dask scheduler (default: a local cluster)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Local Dask workers; 1 runs everything here."),
    ] = None,
) -> None:
    """Match the baseline and each scenario, and show their KPIs side by side."""
    # Matching, capacity and Dask load only when a what-if runs: other commands start at once.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from matcher.scenarios.errors import ScenarioError
    from matcher.scenarios.run import RunSettings
    from matcher.services import scenarios as service
    from matcher.services.rounds import round_from

    try:
        round_ = round_from(round_dir)[1]
        scenarios = service.collect_scenarios(scenario_files or [], sweep or [])
    except RoundImportError as exc:
        print_issues(exc.errors, title=f"{round_dir} cannot be read")
        raise typer.Exit(1) from None
    except (ScenarioError, ValueError) as exc:
        err.print(f"[bold red]Scenario refused:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    settings = RunSettings(solver=solver, time_limit=time_limit)
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as bar:
            task = bar.add_task("What-if runs", total=len(scenarios) + 1)

            def advance(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, description=f"Done: {name[:40]}")

            outcome = service.run_whatif(
                round_, scenarios, settings, scheduler=scheduler, workers=workers, progress=advance
            )
    except ScenarioError as exc:
        err.print(f"[bold red]Scenario refused:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        data = outcome.comparison.as_dict()
        data["seconds"] = round(outcome.seconds, 3)
        data["ran_on"] = outcome.ran_on
        out.print_json(json.dumps(data))
        return
    out.print(_table(outcome.comparison))
    err.print(f"{len(outcome.results)} runs on {outcome.ran_on} in {outcome.seconds:.1f} s.")


def _table(comparison: "Comparison") -> Table:
    table = Table(title="What-if KPIs (change against the baseline in brackets)")
    table.add_column("KPI")
    for name, status in zip(comparison.columns, comparison.statuses, strict=True):
        table.add_column(
            name if status in {"optimal", "feasible"} else f"{name} [{status}]", justify="right"
        )
    for row in comparison.rows:
        cells = [_cell(row, k) for k in range(len(row.values))]
        table.add_row(row.label, *cells)
    return table


def _cell(row: "KpiRow", k: int) -> str:
    from matcher.scenarios.compare import kpi_text

    value = row.values[k]
    text = kpi_text(row, value, euro="EUR ")
    base = row.values[0]
    if value is None or k == 0 or base is None or value == base:
        return text
    return f"{text} ({'+' if value > base else '-'}{kpi_text(row, abs(value - base), euro='EUR ')})"


def register(app: typer.Typer) -> None:
    """Add the whatif command to the matcher app."""
    app.command("whatif")(whatif)
