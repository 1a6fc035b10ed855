"""Import findings as a table on stderr: the first of each file, and a count of the rest.

A round with 200,000 bad rows printed a 13 MB table; a regisseur fixes the first few of each
file, reads how many more there are, and runs the import again.
"""

from rich.console import Console
from rich.table import Table

from matcher.data.issues import SHOWN_PER_FILE, Issue, digest


def print_issues(
    console: Console,
    issues: tuple[Issue, ...],
    *,
    title: str,
    per_file: int | None = SHOWN_PER_FILE,
    hint: str = "",
) -> None:
    """The table of findings (per_file of each file; None lists all), then what was left
    out and the hint for listing it."""
    kept = digest(issues, per_file)
    table = Table(title=title, show_lines=False, expand=False)
    for column in ("file", "row", "column", "what is wrong"):
        table.add_column(column, overflow="fold")
    for issue in kept.shown:
        table.add_row(
            issue.file,
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            issue.message,
        )
    console.print(table)
    if kept.hidden:
        console.print(f"{kept.more()}{'; ' + hint if hint else ''}.", markup=False)
