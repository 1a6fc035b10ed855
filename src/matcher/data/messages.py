"""Validation errors in words a regisseur understands, never a library's raw text."""

from typing import Any

from pydantic_core import ErrorDetails

from matcher.domain.text import shown as shown_value

_IDENTIFIER_PATTERN = r"^[^;*\s]+$"


def plain_message(error: ErrorDetails, raw: str | None) -> str:
    """One pydantic error as a sentence about the cell's value."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    shown = f"'{shown_value(raw)}'" if raw else "the value"
    if kind in ("missing", "string_too_short"):
        return "is empty, but a value is required"
    if kind == "enum" or kind == "literal_error":
        return f"{shown} is not allowed here; use {ctx.get('expected', 'one of the listed values')}"
    if kind == "greater_than":
        return f"must be more than {ctx['gt']} (found {shown})"
    if kind == "greater_than_equal":
        return f"may not be below {ctx['ge']} (found {shown})"
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return f"{shown} is implausibly large; at most {limit} is accepted"
    if kind == "decimal_max_places":
        return f"{shown} has more than {ctx['decimal_places']} decimals"
    if kind in ("finite_number", "decimal_parsing", "float_parsing", "decimal_type"):
        return f"{shown} is not a number"
    if kind.startswith("date"):
        return f"{shown} is not a date; write it as 2026-11-23"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _IDENTIFIER_PATTERN:
            return f"{shown} may not contain spaces, ';' or '*'"
        if ctx.get("pattern") == r"^[^;]+$":
            return f"{shown} may not contain ';' (it separates the values of a list)"
        if ctx.get("pattern") == r"^\d{8}$":
            return f"{shown} must be exactly 8 digits"
        return f"{shown} is not in the expected form"
    if kind == "string_too_long":
        return f"{shown} is too long (at most {ctx['max_length']} characters)"
    if kind == "extra_forbidden":
        return "is not a known setting"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("bool_parsing", "bool_type"):
        return f"{shown} is not true or false"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{shown} is not a whole number"
    return str(error["msg"])
