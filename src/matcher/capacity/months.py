"""Calendar months as integers, so month arithmetic is plain addition.

A month is ``year * 12 + (month - 1)``: consecutive months differ by one and a span of
months is a ``range``.
"""

from datetime import date

Month = int


def month_of(day: date) -> Month:
    """The month a day falls in."""
    return day.year * 12 + day.month - 1


def first_day(month: Month) -> date:
    """First day of a month."""
    return date(month // 12, month % 12 + 1, 1)


def last_day(month: Month) -> date:
    """Last day of a month."""
    return date.fromordinal(first_day(month + 1).toordinal() - 1)


def label(month: Month) -> str:
    """``YYYY-MM``, the way months appear in tables and signals."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_WEEK = 7.0
WEEKS_PER_MONTH = DAYS_PER_MONTH / DAYS_PER_WEEK
