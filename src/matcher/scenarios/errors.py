"""Scenario errors in plain words: which file, which key, what is wrong.

Pydantic's messages are written for programmers ("Extra inputs are not permitted"); a
capacity manager editing a TOML file needs the key path as typed (``changes[2].percent``)
and a sentence saying what to do.
"""

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

# The tags of the change kinds appear in pydantic's locations; a user never typed them.
_TAGS = frozenset(
    {
        "demand_growth",
        "tariff_band",
        "provider_exit",
        "provider_entry",
        "capacity",
        "certification_end",
        "certification_new",
        "budget",
        "policy",
    }
)


class ScenarioError(ValueError):
    """A scenario that cannot be read or applied; the message names the file and the key."""

    def __init__(self, problems: Iterable[str], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(where + "; ".join(self.problems))


def key_path(loc: tuple[int | str, ...]) -> str:
    """``('changes', 1, 'budget', 'percent')`` as typed in the file: ``changes[1].percent``."""
    text = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in _TAGS and i > 0 and isinstance(loc[i - 1], int):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def plain(error: ErrorDetails) -> str:
    """One pydantic error as a sentence that starts with the key."""
    key = key_path(tuple(error["loc"]))
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    given = error.get("input")
    if kind == "extra_forbidden":
        return f"{key} is not a known key (check its spelling)"
    if kind == "missing":
        return f"{key} is missing"
    if kind == "union_tag_invalid":
        return f"{key}.kind '{ctx.get('tag')}' is unknown; use one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"{key} has no kind; every change needs kind = '...'"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        words = {
            "greater_than": "above",
            "greater_than_equal": "at least",
            "less_than": "below",
            "less_than_equal": "at most",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return f"{key} must be {words} {limit}, not {given}"
    if kind == "value_error":
        return f"{key}: {ctx.get('error', error['msg'])}"
    return f"{key}: {error['msg'][0].lower()}{error['msg'][1:]} (got {given!r})"


def plain_errors(exc: ValidationError) -> list[str]:
    """Every error of a validation, in plain words."""
    return [plain(e) for e in exc.errors(include_url=False)]
