"""The closed vocabularies of the data contract.

Each value is the exact spelling used in the round files, so parsing a file and writing it
back gives the same text.
"""

from enum import StrEnum


class Law(StrEnum):
    """The law a intervention is granted under."""

    WMO = "wmo"
    JEUGDWET = "jeugdwet"
    PARTICIPATIEWET = "participatiewet"


class Segment(StrEnum):
    """Kennemerland segments: A basic (not matched per case), B indicated, C specialised."""

    A = "A"
    B = "B"
    C = "C"


class Funding(StrEnum):
    """How a provider is paid; decides how the cost of a match is computed."""

    EFFORT = "effort"
    OUTPUT = "output"
    TASK = "task"


class Unit(StrEnum):
    """The unit a request's weekly volume and a provider's weekly capacity are counted in."""

    MINUTE = "minute"
    HOUR = "hour"
    DAYPART = "daypart"
    DAY = "day"
    WEEK = "week"
    ARRANGEMENT = "arrangement"


class Urgency(StrEnum):
    """Priority class of a request; matching places classes strictly in this order."""

    CRISIS = "crisis"
    HIGH = "high"
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        """0 for crisis, 1 for high, 2 for normal: lower ranks are placed first."""
        return _URGENCY_RANK[self]


_URGENCY_RANK = {Urgency.CRISIS: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2}


class TeamKind(StrEnum):
    """Neighbourhood teams serve adults (Wmo); youth teams serve youth (Jeugdwet)."""

    NEIGHBOURHOOD = "neighbourhood"
    YOUTH = "youth"


# The most a single client can use of one unit in one week. Anything above is a typing
# error (hours entered as minutes, a yearly volume entered as weekly) and is refused.
WEEKLY_MAXIMUM: dict[Unit, int] = {
    Unit.MINUTE: 7 * 24 * 60,
    Unit.HOUR: 7 * 24,
    Unit.DAYPART: 7 * 3,
    Unit.DAY: 7,
    Unit.WEEK: 1,
    Unit.ARRANGEMENT: 1,
}
