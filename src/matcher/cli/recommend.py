"""`matcher recommend`: the providers for one request, best first, with reasons."""

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.console import JsonOption, MatchDbOption, RoundArgument, err, out, print_issues
from matcher.data.db.store import DatabaseNotInitialisedError
from matcher.data.issues import RoundImportError
from matcher.services import matching, rounds


def recommend(
    request_id: Annotated[str, typer.Argument(metavar="REQUEST_ID", help="The request.")],
    round_dir: RoundArgument = None,
    db: MatchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the providers for one request by cost and the weighted terms, with reasons.

    Instant: nothing is solved. Room left counts the running awards; admissible providers
    come first, best first, then the providers that bid but are not admissible, and why.
    Exit codes: 0 done; 1 the round or the database has errors, or the request is not open
    in it; 2 the command was called wrongly.
    """
    if (round_dir is None) == (db is None):
        raise typer.BadParameter("give either ROUND_DIR or --db URL")
    try:
        items = matching.recommend_for(request_id, round_dir, db)
    except RoundImportError as exc:
        print_issues(exc.errors, title="The input has errors", limit=None)
        raise typer.Exit(1) from None
    except (
        DatabaseNotInitialisedError,
        rounds.NoRoundStoredError,
        matching.UnknownRequestError,
    ) as exc:
        err.print(f"[bold red]No recommendation:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps([matching.recommendation_record(i) for i in items], indent=2))
        return
    out.print(recommendation_table(request_id, items))


def recommendation_table(request_id: str, items: list[Any]) -> Table:
    table = Table(title=f"Providers for {request_id}, best first (EUR a week)")
    for column in ("rank", "provider", "tariff", "cost", "objective", "vs best"):
        table.add_column(column, justify="left" if column == "provider" else "right", no_wrap=True)
    table.add_column("why", overflow="fold")
    for item in items:
        record = matching.recommendation_record(item)
        if item.rank is None:
            why = f"not admissible ({item.rejection_code}): {'; '.join(item.reasons)}"
            table.add_row("-", item.provider_id, "", "", "", "", why, style="dim")
            continue
        table.add_row(
            str(item.rank),
            item.provider_id,
            f"{record['tariff']:,.2f}",
            f"{record['cost']:,.2f}",
            f"{record['objective']:,.2f}",
            f"+{record['delta']:,.2f}" if record["delta"] else "best",
            ("does not fit now; " if not item.fits else "") + ", ".join(item.reasons),
        )
    if not items:
        table.caption = "No provider bid on this request or has a standing offer for it."
    return table


def register(app: typer.Typer) -> None:
    """Add the command to the CLI."""
    app.command("recommend")(recommend)
