"""`matcher recommend`: the providers for one request, best first, with reasons.

Nothing is solved, so the command imports no solver, Dask, pandas or SciPy, and the database
layer only with --db (services.recommend).
"""

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.console import JsonOption, MatchDbOption, RoundArgument, err, out, print_issues
from matcher.data.issues import RoundImportError


def recommend(
    request_id: Annotated[str, typer.Argument(metavar="REQUEST_ID", help="The request.")],
    round_dir: RoundArgument = None,
    db: MatchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the providers for one request by cost and the weighted terms, with reasons.

    Instant: nothing is solved. Room left counts the running awards; admissible providers
    come first, best first, then the providers that bid but are not admissible, and why.
    Only the rows this request's ranking depends on are read and checked (its bids, the
    offers for its intervention, its providers' certifications, capacity and awards; not
    history.csv): match and import check the whole round.
    Exit codes: 0 done; 1 the round or the database has errors, or the request is not open
    in it; 2 the command was called wrongly.
    """
    if (round_dir is None) == (db is None):
        raise typer.BadParameter("give either ROUND_DIR or --db URL")
    from matcher.services.recommend import (
        NoRecommendationError,
        recommend_for,
        recommendation_record,
    )

    try:
        items = recommend_for(request_id, round_dir, db)
    except RoundImportError as exc:
        print_issues(exc.errors, title="The input has errors")
        raise typer.Exit(1) from None
    except NoRecommendationError as exc:
        err.print(f"[bold red]No recommendation:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    records = [recommendation_record(item) for item in items]
    if as_json:
        typer.echo(json.dumps(records, indent=2))
        return
    out.print(recommendation_table(request_id, records))


def recommendation_table(request_id: str, records: list[dict[str, Any]]) -> Table:
    """The recommendations (as ``services.recommend.recommendation_record`` gives them)."""
    table = Table(title=f"Providers for {request_id}, best first (EUR a week)")
    for column in ("rank", "provider", "tariff", "cost", "objective", "vs best"):
        table.add_column(column, justify="left" if column == "provider" else "right", no_wrap=True)
    table.add_column("why", overflow="fold")
    for record in records:
        if record["rank"] is None:
            why = f"not admissible ({record['rejection_code']}): {'; '.join(record['reasons'])}"
            table.add_row("-", record["provider_id"], "", "", "", "", why, style="dim")
            continue
        table.add_row(
            str(record["rank"]),
            record["provider_id"],
            f"{record['tariff']:,.2f}",
            f"{record['cost']:,.2f}",
            f"{record['objective']:,.2f}",
            f"+{record['delta']:,.2f}" if record["delta"] else "best",
            ("does not fit now; " if not record["fits"] else "") + ", ".join(record["reasons"]),
        )
    if not records:
        table.caption = "No provider bid on this request or has a standing offer for it."
    return table


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("recommend")(recommend)
