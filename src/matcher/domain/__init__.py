"""Domain: entities, policy, money and unit rules. Imports nothing else of matcher."""

from matcher.domain.entities import (
    ALL_INTERVENTIONS,
    Award,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    HistoryRecord,
    Intervention,
    Offer,
    Provider,
    Request,
    Team,
)
from matcher.domain.enums import WEEKLY_MAXIMUM, Funding, Law, Segment, TeamKind, Unit, Urgency
from matcher.domain.policy import Aging, Policy, Weights
from matcher.domain.round import Round

__all__ = [
    "ALL_INTERVENTIONS",
    "WEEKLY_MAXIMUM",
    "Aging",
    "Award",
    "Bid",
    "Budget",
    "CapacityRow",
    "Certification",
    "Funding",
    "HistoryRecord",
    "Intervention",
    "Law",
    "Offer",
    "Policy",
    "Provider",
    "Request",
    "Round",
    "Segment",
    "Team",
    "TeamKind",
    "Unit",
    "Urgency",
    "Weights",
]
