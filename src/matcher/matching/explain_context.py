"""What every explanation of one solved outcome looks up, and the codes it speaks in.

Shared by the unplaced reasons (explain.py) and the placed notes (explain_placed.py), so
the lookups are built once per outcome and a national round stays linear.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.domain import Request, Round
from matcher.matching.engine import MatchOutcome
from matcher.matching.problem import MatchingProblem, Rejection, RejectReason
from matcher.matching.room import URGENCY_NAMES, Room

REASON_CODES = (
    "no_admissible_bid",
    "not_certified",
    "certification_expired",
    "tariff_out_of_band",
    "excluded_by_client",
    "missing_specialism",
    "beyond_distance",
    "no_capacity",
    "forbidden",
    "capacity_full",
    "budget_exhausted",
    "market_share_cap",
    "outranked",
    "task_funded",
    "pin_conflict",
    "time_limit",
)

REJECT_CODE = {
    RejectReason.NOT_CERTIFIED: "not_certified",
    RejectReason.CERTIFICATION_EXPIRED: "certification_expired",
    RejectReason.TARIFF_OUT_OF_BAND: "tariff_out_of_band",
    RejectReason.EXCLUDED_BY_CLIENT: "excluded_by_client",
    RejectReason.MISSING_SPECIALISM: "missing_specialism",
    RejectReason.BEYOND_DISTANCE: "beyond_distance",
    RejectReason.FORBIDDEN: "forbidden",
    RejectReason.NO_CAPACITY_ROW: "no_capacity",
}

ORDINALS = ("1st", "2nd", "3rd")


@dataclass(frozen=True)
class Context:
    """What every explanation of one outcome looks up."""

    round_: Round
    outcome: MatchOutcome
    room: Room
    placed_pair: dict[int, int]
    pairs_of: dict[int, list[int]]
    rejections_of: dict[int, list[Rejection]]
    # Looked up once per request: computed here so a national round stays linear.
    requests: dict[str, Request]
    objective: npt.NDArray[np.int64]

    @classmethod
    def of(cls, round_: Round, outcome: MatchOutcome) -> "Context":
        problem = outcome.problem
        pairs_of: dict[int, list[int]] = defaultdict(list)
        for a, r in enumerate(problem.pair_request.tolist()):
            pairs_of[r].append(a)
        rejections_of: dict[int, list[Rejection]] = defaultdict(list)
        for rejection in problem.rejections:
            rejections_of[rejection.request_index].append(rejection)
        return cls(
            round_,
            outcome,
            Room.of(problem, outcome.chosen),
            {int(problem.pair_request[a]): int(a) for a in outcome.chosen.tolist()},
            pairs_of,
            rejections_of,
            {r.request_id: r for r in round_.requests},
            problem.pair_objective,
        )

    @property
    def problem(self) -> MatchingProblem:
        return self.outcome.problem

    def provider(self, a: int) -> str:
        return self.problem.provider_ids[int(self.problem.pair_provider[a])]


def higher(problem: MatchingProblem, other: int, ri: int) -> str | None:
    """The words for request ``other`` when it comes before ri, else None."""
    mine, theirs = int(problem.urgency_rank[ri]), int(problem.urgency_rank[other])
    if theirs < mine:
        return URGENCY_NAMES[theirs]
    if theirs == mine and int(problem.weight[other]) > int(problem.weight[ri]):
        return f"{URGENCY_NAMES[theirs]} waiting longer"
    return None
