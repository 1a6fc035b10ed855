"""Read a regisseur's overrides file and the previous round's assignments for a warm start.

``overrides.csv`` has the columns request_id, provider_id and action (``pin`` or ``forbid``).
It is checked like a round file: every problem names the file, the row (the header is row 1)
and the column, and all problems are reported together in one RoundImportError, so a
mistyped id never silently drops a pin. Ids must exist in the round; whether a pin can hold
(an admissible pair, one pin per request, room in the limits) is the engine's judgement, and
it names the pins that contradict each other.

The previous ``assignments.csv`` only seeds the solver (a hint, never a constraint), so ids
that are no longer in the round are simply not used.
"""

from pathlib import Path

from matcher.data.issues import Issue, RoundImportError
from matcher.data.sources import RawTable, SourceError, read_csv
from matcher.domain import Round
from matcher.domain.text import shown
from matcher.matching import Overrides, Pair

OVERRIDE_COLUMNS = ("request_id", "provider_id", "action")
PREVIOUS_COLUMNS = ("request_id", "provider_id")
ACTIONS = ("pin", "forbid")


def read_overrides(path: Path, round_: Round) -> Overrides:
    """Pins and forbids from an overrides file; RoundImportError lists every problem."""
    issues: list[Issue] = []
    raw = _raw(Path(path), OVERRIDE_COLUMNS, issues)
    if raw is None:
        raise RoundImportError(issues)
    requests = {r.request_id for r in round_.requests}
    providers = {p.provider_id for p in round_.providers}
    seen: dict[Pair, tuple[str, int]] = {}
    pins: set[Pair] = set()
    forbids: set[Pair] = set()
    for number, values in _rows(raw, OVERRIDE_COLUMNS, issues):
        rid, pid, action = values["request_id"], values["provider_id"], values["action"].lower()
        ok = True
        if rid not in requests:
            issues.append(
                Issue(
                    raw.label,
                    f"'{shown(rid)}' is not a request of this round",
                    number,
                    "request_id",
                )
            )
            ok = False
        if pid not in providers:
            issues.append(
                Issue(
                    raw.label,
                    f"'{shown(pid)}' is not a provider of this round",
                    number,
                    "provider_id",
                )
            )
            ok = False
        if action not in ACTIONS:
            issues.append(
                Issue(
                    raw.label,
                    f"'{shown(values['action'])}' is not allowed here; use pin or forbid",
                    number,
                    "action",
                )
            )
            ok = False
        if not ok:
            continue
        earlier = seen.get((rid, pid))
        if earlier is not None and earlier[0] != action:
            issues.append(
                Issue(
                    raw.label,
                    f"{rid} to {pid} is {action} here but "
                    f"{earlier[0]} in row {earlier[1]}; keep one of the two",
                    number,
                    "action",
                )
            )
            continue
        seen.setdefault((rid, pid), (action, number))
        (pins if action == "pin" else forbids).add((rid, pid))
    if issues:
        raise RoundImportError(issues)
    return Overrides(pins=frozenset(pins), forbids=frozenset(forbids))


def read_previous(path: Path) -> frozenset[Pair]:
    """The (request, provider) matches of a previous round's assignments.csv."""
    issues: list[Issue] = []
    raw = _raw(Path(path), PREVIOUS_COLUMNS, issues)
    if raw is None:
        raise RoundImportError(issues)
    pairs = {
        (values["request_id"], values["provider_id"])
        for _, values in _rows(raw, PREVIOUS_COLUMNS, issues)
    }
    if issues:
        raise RoundImportError(issues)
    return frozenset(pairs)


def _raw(path: Path, columns: tuple[str, ...], issues: list[Issue]) -> RawTable | None:
    """The file as a raw table with every needed column, or None (issues say why)."""
    if not path.is_file():
        issues.append(Issue(path.name, "does not exist" if not path.exists() else "is no file"))
        return None
    try:
        raw = read_csv(path)
    except SourceError as exc:
        issues.append(exc.issue)
        return None
    header = [name.lower() for name in raw.header]
    missing = [c for c in columns if c not in header]
    for column in missing:
        issues.append(Issue(raw.label, "is missing from the header", 1, column))
    return None if missing else raw


def _rows(
    raw: RawTable, columns: tuple[str, ...], issues: list[Issue]
) -> list[tuple[int, dict[str, str]]]:
    """Each row's needed cells by column; rows with an empty needed cell are reported."""
    header = [name.lower() for name in raw.header]
    position = {c: header.index(c) for c in columns}
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in raw.rows:
        values = {c: cells[i].strip() if i < len(cells) else "" for c, i in position.items()}
        empty = [c for c, v in values.items() if not v]
        for column in empty:
            issues.append(Issue(raw.label, "is empty, but a value is required", number, column))
        if not empty:
            rows.append((number, values))
    return rows
