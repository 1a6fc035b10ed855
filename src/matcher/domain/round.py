"""A matching round: every table of the data contract, frozen together.

Optional files are ``None`` when the round has no such file, which is different from an
empty file: a round without teams.csv does not check team references, and writing a round
back produces exactly the files it was read from.
"""

from pydantic import BaseModel, ConfigDict, Field

from matcher.domain.entities import (
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
from matcher.domain.policy import Policy


class Round(BaseModel):
    """All data of one matching round, as read from a round directory or the database."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    interventions: tuple[Intervention, ...]
    providers: tuple[Provider, ...]
    certifications: tuple[Certification, ...]
    capacity: tuple[CapacityRow, ...]
    requests: tuple[Request, ...]
    bids: tuple[Bid, ...]
    offers: tuple[Offer, ...] | None = None
    budgets: tuple[Budget, ...] | None = None
    teams: tuple[Team, ...] | None = None
    awards: tuple[Award, ...] | None = None
    history: tuple[HistoryRecord, ...] | None = None
    policy: Policy | None = Field(
        default=None, description="None when the round has no policy.toml."
    )

    def effective_policy(self) -> Policy:
        """The round's policy, or the defaults when it has none."""
        return self.policy if self.policy is not None else Policy()
