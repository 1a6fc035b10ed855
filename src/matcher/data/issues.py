"""Import findings: where exactly something is wrong, in words a regisseur understands.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is
row 2. Errors stop an import; warnings are reported and the import goes on.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Errors refuse the import; warnings only inform."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One finding about one place in the input."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class RoundImportError(Exception):
    """A round could not be read; carries every finding, in the order found (not sorted).

    The order is: files that cannot be read at all and the policy's findings, then each
    table's own findings (header, cells, rows) in contract order, then the checks across files
    (duplicate keys, unknown references, volumes). So one file's findings need not stand
    together.
    `issues` may hold warnings for context; `errors` holds only the errors.
    """

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        errors = [i for i in self.issues if i.severity is Severity.ERROR]
        lines = [f"The round was not imported: {len(errors)} problem(s) found."]
        lines += [f"  - {issue}" for issue in errors]
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Only the errors (warnings may ride along for context)."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)


# What a face lists of each file's findings: 200,000 bad rows are a count, not a 13 MB table.
SHOWN_PER_FILE = 20


@dataclass(frozen=True)
class IssueDigest:
    """The first findings of each file, in the order found, and how many more each has."""

    shown: tuple[Issue, ...]
    hidden: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.shown) + sum(self.hidden.values())

    def more(self) -> str:
        """``... and 199,980 more (199,980 in requests.csv)``; empty when nothing is hidden."""
        if not self.hidden:
            return ""
        per_file = ", ".join(f"{n:,} in {name}" for name, n in self.hidden.items())
        return f"... and {sum(self.hidden.values()):,} more ({per_file})"


def digest(issues: Iterable[Issue], per_file: int | None = SHOWN_PER_FILE) -> IssueDigest:
    """Keep the first per_file findings of each file (None keeps all); count the rest."""
    shown: list[Issue] = []
    seen: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for issue in issues:
        seen[issue.file] = seen.get(issue.file, 0) + 1
        if per_file is None or seen[issue.file] <= per_file:
            shown.append(issue)
        else:
            hidden[issue.file] = hidden.get(issue.file, 0) + 1
    return IssueDigest(tuple(shown), hidden)
