"""What the commands share: two consoles, the options that name a round, one error table.

Every command prints a refused input the same way: file, row, column and what is wrong.
"""

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from matcher.data.issues import Issue

out = Console()
# Messages are never wrapped mid-sentence: they end up in logs and in other programs too.
err = Console(stderr=True, soft_wrap=True)

RoundArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar="ROUND_DIR",
        help="A round directory of CSV files, or an .xlsx workbook (or use --db).",
    ),
]
MatchDbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Match the round stored in this database (sqlite:///file.sqlite or "
        "postgresql://user@host/db) instead of a round directory.",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON on stdout, and nothing else.")
]


def print_issues(issues: tuple[Issue, ...], *, title: str, limit: int | None) -> None:
    """The issues as a table on stderr, the first ``limit`` of them (all when None)."""
    shown = issues if limit is None else issues[:limit]
    table = Table(title=escape(title), show_lines=False, expand=False)
    for column in ("file", "row", "column", "what is wrong"):
        table.add_column(column, overflow="fold")
    for issue in shown:
        table.add_row(  # escaped: a cell's value may look like Rich markup (`[/]`)
            escape(issue.file),
            "" if issue.row is None else str(issue.row),
            escape(issue.column or ""),
            escape(issue.message),
        )
    err.print(table)
    hidden = len(issues) - len(shown)
    if hidden:
        per_file = Counter(i.file for i in issues[len(shown) :])
        more = ", ".join(f"{n} in {f}" for f, n in per_file.items())
        err.print(f"... and {hidden} more ({more}); --all-warnings lists them all.")
