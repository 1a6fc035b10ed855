"""What the commands share: two consoles, the options that name a round, one error table.

Every command prints a refused input the same way: file, row, column and what is wrong.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from matcher.data.issues import SHOWN_PER_FILE, Issue, digest

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


def print_issues(
    issues: tuple[Issue, ...],
    *,
    title: str,
    per_file: int | None = SHOWN_PER_FILE,
    hint: str = "",
) -> None:
    """The findings as a table on stderr: the first ``per_file`` of each file (None lists
    all), then how many were left out and the hint for listing them.

    A round with 200,000 bad rows printed a 13 MB table; a regisseur fixes the first few of
    each file, reads how many more there are, and runs the import again.
    """
    kept = digest(issues, per_file)
    table = Table(title=escape(title), show_lines=False, expand=False)
    for column in ("file", "row", "column", "what is wrong"):
        table.add_column(column, overflow="fold")
    for issue in kept.shown:
        table.add_row(  # escaped: a cell's value may look like Rich markup (`[/]`)
            escape(issue.file),
            "" if issue.row is None else str(issue.row),
            escape(issue.column or ""),
            escape(issue.message),
        )
    err.print(table)
    if kept.hidden:
        err.print(f"{kept.more()}{'; ' + hint if hint else ''}.", markup=False)
