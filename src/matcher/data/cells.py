"""Turning one cell's text into a value, the way a Dutch spreadsheet user wrote it.

Numbers: a decimal point (`56.5`) or a decimal comma (`56,5`), thousands separators
(`1.234,50` or `1,234.50`), a leading `€`. A single `.` is always a decimal point, a single
`,` always a decimal comma. Dates: ISO `2026-11-23` (the canonical form), or Dutch
day-month-year `23-11-2026`, `23/11/2026`, `23.11.2026`.
"""

import re
from datetime import date

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d+)?|\.\d+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
DATE_HINT = "write it as 2026-11-23"


class CellError(ValueError):
    """A cell's text cannot be read as the value its column needs."""


def parse_number(text: str) -> str:
    """The number in text as plain decimal text (`1.234,50` -> `1234.50`)."""
    s = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(",") > 1:
        s = s.replace(",", "")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    if not _PLAIN_NUMBER.fullmatch(s):
        raise CellError(f"'{text}' is not a number")
    return s


def parse_date(text: str) -> date:
    """The date in text, ISO or Dutch day-month-year."""
    s = text.strip()
    if match := _ISO_DATE.fullmatch(s):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DUTCH_DATE.fullmatch(s):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(f"'{text}' is not a date; {DATE_HINT}")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{text}' is not an existing date; {DATE_HINT}") from None


def split_list(text: str, separator: str = ";") -> tuple[str, ...]:
    """The values of a list cell, blanks dropped."""
    return tuple(part.strip() for part in text.split(separator) if part.strip())
