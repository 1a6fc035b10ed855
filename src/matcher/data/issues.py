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
