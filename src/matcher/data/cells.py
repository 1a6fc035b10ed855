"""Turning one cell's text into a value, the way a Dutch spreadsheet user wrote it.

Numbers: a decimal point (`56.5`) or a decimal comma (`56,5`), thousands separators
(`1.234,50` or `1,234.50`, `1.234.567`), a leading `€`. A single `.` is always a decimal
point, a single `,` always a decimal comma. Thousands separators must mark groups of exactly
three digits: `12,5,0.1` or `1.25.0` is refused rather than guessed at, because a stray
separator is a typing error and removing it would silently change the amount.
Dates: ISO `2026-11-23` (the canonical form), or Dutch day-month-year `23-11-2026`,
`23/11/2026`, `23.11.2026`.
"""

import re
from datetime import date

from matcher.domain.text import shown

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d+)?|\.\d+)")
_DECIMAL_COMMA = re.compile(r"[+-]?(\d+,\d+|,\d+)")
_DUTCH_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")  # 1.234.567,89
_ENGLISH_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234,567.89
_GROUPED = re.compile(r"[+-]?[\d.,]*\d[\d.,]*")  # digits and separators, however placed
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
DATE_HINT = "write it as 2026-11-23"


class CellError(ValueError):
    """A cell's text cannot be read as the value its column needs."""


def parse_number(text: str) -> str:
    """The number in text as plain decimal text (`1.234,50` -> `1234.50`)."""
    s = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    if _PLAIN_NUMBER.fullmatch(s):
        return s
    if _DECIMAL_COMMA.fullmatch(s):
        return s.replace(",", ".")
    if _DUTCH_THOUSANDS.fullmatch(s):
        return s.replace(".", "").replace(",", ".")
    if _ENGLISH_THOUSANDS.fullmatch(s):
        return s.replace(",", "")
    if _GROUPED.fullmatch(s) and s.count(".") + s.count(",") > 1:
        raise CellError(
            f"'{shown(text)}' is not a number; thousands separators mark groups of three digits "
            "(1.250,50 or 1,250.50)"
        )
    raise CellError(f"'{shown(text)}' is not a number")


def parse_date(text: str) -> date:
    """The date in text, ISO or Dutch day-month-year."""
    s = text.strip()
    if match := _ISO_DATE.fullmatch(s):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DUTCH_DATE.fullmatch(s):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(f"'{shown(text)}' is not a date; {DATE_HINT}")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{shown(text)}' is not an existing date; {DATE_HINT}") from None


def split_list(text: str, separator: str = ";") -> tuple[str, ...]:
    """The values of a list cell, blanks dropped."""
    return tuple(part.strip() for part in text.split(separator) if part.strip())
