"""The round's policy (policy.toml): round date, objective weights, limits and solver settings.

Every key is optional; the defaults below are what a round without policy.toml uses. Unknown
keys are refused, so a misspelt weight cannot silently fall back to its default.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from matcher.domain.text import entering


class Weights(BaseModel):
    """Weights of the secondary objective terms, in euros per unit of the term.

    Cost always counts one euro per euro; the others translate a non-money term into euros
    a regisseur can reason about ("one km further is worth EUR 2 a week").
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    distance_per_km: Annotated[Decimal, Field(ge=0, le=10000, allow_inf_nan=False)] = Field(
        default=Decimal("2"), description="Euros per week per km between client and provider."
    )
    preference_per_rank: Annotated[Decimal, Field(ge=0, le=10000, allow_inf_nan=False)] = Field(
        default=Decimal("25"),
        description="Euros per week per step down the client's ranked preferences "
        "(unranked providers count as one step below the last).",
    )
    continuity: Annotated[Decimal, Field(ge=0, le=10000, allow_inf_nan=False)] = Field(
        default=Decimal("50"),
        description="Euros per week saved by staying with the current provider.",
    )


class Aging(BaseModel):
    """How waiting time raises a request's weight within its urgency class."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_week: Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)] = Field(
        default=Decimal("0.02"), description="Extra weight per full week waited (1 = base weight)."
    )
    max_weeks: Annotated[int, Field(ge=0, le=520)] = Field(
        default=52, description="Waiting beyond this many weeks adds nothing more."
    )


# A stage counts as solved within 0.01%: the target, and a full proof for any stage
# objective below 10,000 (objectives are integers).
DEFAULT_MIP_GAP = 0.0001

SolverName = Literal["auto", "cp-sat", "highs", "scip", "cbc"]


EARLIEST_ROUND_DATE = date(1900, 1, 1)
LATEST_ROUND_DATE = date(2999, 12, 31)


def _plausible_round_date(value: date, info: ValidationInfo) -> date:
    if entering(info) and not EARLIEST_ROUND_DATE <= value <= LATEST_ROUND_DATE:
        raise ValueError(
            f"round_date {value} is not a plausible date for a round; "
            f"use a date from {EARLIEST_ROUND_DATE} to {LATEST_ROUND_DATE}"
        )
    return value


class Policy(BaseModel):
    """Policy of one matching round."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Bounded so date arithmetic (horizons, forecasts, ages) never runs past year 9999.
    round_date: Annotated[date, AfterValidator(_plausible_round_date)] | None = Field(
        default=None, description="Date the round is held; defaults to the day it runs."
    )
    weights: Weights = Field(default_factory=Weights)
    aging: Aging = Field(default_factory=Aging)
    market_share_cap: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = Field(
        default=None, description="Largest share of an intervention's placed units per provider."
    )
    max_distance_km: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] | None = Field(
        default=None, description="Longest admissible distance when both locations are known."
    )
    solver: SolverName = Field(default="auto", description="Solver backend.")
    time_limit_seconds: Annotated[float, Field(gt=0, le=86400, allow_inf_nan=False)] = Field(
        default=60.0, description="Wall-clock limit of one solve."
    )
    mip_gap: Annotated[float, Field(ge=0, le=0.1, allow_inf_nan=False)] = Field(
        default=DEFAULT_MIP_GAP,
        description="Relative gap at which a stage counts as solved (0.0001 = 0.01%). Stage "
        "objectives are integers, so below 10,000 points this is a full proof; 0 always "
        "asks for one.",
    )
