"""The round's policy: policy.toml in a round directory, or a `policy` sheet in a workbook.

Kept apart from the table reader because a policy is settings, not rows of entities. Both
sources end in the same check (the Policy model, which refuses unknown keys so a misspelt
weight cannot silently fall back to its default). Errors name the dotted key
(`weights.distance_per_km`) as the column.

policy.toml is decoded like the CSV files (UTF-8 with or without a byte-order mark, else
Windows-1252), because the same users edit it in Notepad on Windows. A TOML syntax error
names its line, as Issue.row, so the user knows where to look.
"""

import re
import tomllib
from typing import Any

from pydantic import ValidationError

from matcher.data.issues import Issue, Severity
from matcher.data.messages import plain_message
from matcher.data.sources import RawTable, SourceError, decode
from matcher.domain import Policy

_TOML_PLACE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_TOML_HINT = "write each setting as key = value, e.g. round_date = 2026-11-23"
_SHEET_HEADER = ("key", "value")


def policy_from_toml(data: bytes, label: str, issues: list[Issue]) -> Policy | None:
    """The policy in the bytes of a policy.toml file; None (with issues added) when invalid."""
    try:
        text = decode(data, label)
    except SourceError as exc:
        issues.append(exc.issue)
        return None
    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        issues.append(_toml_syntax_issue(str(exc), label))
        return None
    return _validated(settings, label, {}, issues)


def _toml_syntax_issue(reason: str, label: str) -> Issue:
    """tomllib's reason ends in '(at line 3, column 7)': the line becomes Issue.row."""
    place = _TOML_PLACE.search(reason)
    what = _TOML_PLACE.sub("", reason).strip().rstrip(".") or "syntax error"
    what = what[0].lower() + what[1:]
    if place is None or place.group(1) is None:
        return Issue(label, f"is not valid TOML ({what}, at the end of the file); {_TOML_HINT}")
    line, column = place.group(1), place.group(2)
    message = f"line {line} is not valid TOML ({what}, at character {column}); {_TOML_HINT}"
    return Issue(label, message, int(line))


def policy_from_sheet(raw: RawTable, issues: list[Issue]) -> Policy | None:
    """The policy in a `policy` sheet: a header `key | value`, then one row per setting.

    The header is required: without it the first setting would be taken for the header and
    silently lost. A key given twice is refused (which one is meant cannot be guessed).
    """
    header = tuple(h.lower() for h in raw.header[:2])
    if header != _SHEET_HEADER:
        message = (
            "must start with a header row with the columns key and value "
            "(then one setting per row, e.g. round_date | 2026-11-23)"
        )
        issues.append(Issue(raw.label, message, 1))
        return None
    for name in raw.header[2:]:
        if name:
            message = "is not part of the policy sheet and is ignored"
            issues.append(Issue(raw.label, message, 1, name, Severity.WARNING))
    settings: dict[str, Any] = {}
    rows: dict[str, int] = {}
    ok = True
    for number, cells in raw.rows:
        key = cells[0].strip() if cells else ""
        value = cells[1].strip() if len(cells) > 1 else ""
        if not key:
            issues.append(Issue(raw.label, "has a value without a key", number, "key"))
            ok = False
        elif key in rows:
            message = f"setting {key} appears twice, in row {rows[key]} and row {number}; keep one"
            issues.append(Issue(raw.label, message, number, "key"))
            ok = False
        else:
            rows[key] = number
            ok = _place(settings, key, value, raw.label, number, issues) and ok
    return _validated(settings, raw.label, rows, issues) if ok else None


def _place(
    settings: dict[str, Any], key: str, value: str, label: str, row: int, issues: list[Issue]
) -> bool:
    """Put value at the dotted key; False (with an issue) when it clashes with another key."""
    target = settings
    *parents, leaf = key.split(".")
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            message = f"{part} is a single setting, so {key} cannot be set as well"
            issues.append(Issue(label, message, row, "key"))
            return False
    if isinstance(target.get(leaf), dict):
        message = f"{key} is a group of settings; set its parts, e.g. {key}.<name>"
        issues.append(Issue(label, message, row, "key"))
        return False
    target[leaf] = value
    return True


def _validated(
    settings: dict[str, Any], label: str, rows: dict[str, int], issues: list[Issue]
) -> Policy | None:
    """The Policy, or None with an issue per bad setting (at its sheet row, if it has one)."""
    try:
        return Policy.model_validate(settings)
    except ValidationError as exc:
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"])
            value = _lookup(settings, error["loc"])
            issues.append(Issue(label, plain_message(error, value), rows.get(key), key))
        return None


def _lookup(settings: dict[str, Any], loc: tuple[int | str, ...]) -> str | None:
    value: Any = settings
    for part in loc:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return None if isinstance(value, dict) else str(value)
