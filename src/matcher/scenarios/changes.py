"""The changes a what-if scenario can make to a round, one class per kind.

Each change is a frozen pydantic model that refuses unknown keys, so a misspelt key in a
scenario file is an error instead of a change that silently does nothing. The ``kind`` key
picks the class. What each change does to a round is in ``matcher.scenarios.apply``.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher.domain import Aging, Policy, Segment, Weights
from matcher.domain.entities import Identifier, Latitude, Longitude, TagList, Tariff, Volume
from matcher.scenarios.errors import plain_errors

# Growth and shifts are percentages of the current value; -100 would remove everything,
# which provider_exit says more plainly, and beyond +1000 is a typing error.
Percent = Annotated[Decimal, Field(gt=-100, le=1000, allow_inf_nan=False)]
# Demand growth is bounded per change and stacked (matcher.scenarios.scenario): a what-if of
# more than five times the demand is a typing error that would exhaust memory, not a plan.
MAX_GROWTH_PERCENT = 400
MAX_STACKED_GROWTH = 5  # the open requests may at most be multiplied by this, all together
MAX_ROUND_REQUESTS = 100_000  # five regional rounds: what a what-if may grow a round to
GrowthPercent = Annotated[Decimal, Field(ge=-100, le=MAX_GROWTH_PERCENT, allow_inf_nan=False)]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("10000000000"), allow_inf_nan=False)]


class Change(BaseModel):
    """Base of all changes: immutable, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DemandGrowth(Change):
    """More (or fewer) open requests: copies or drops a seeded sample of the selected ones.

    Without a filter it selects every open request; ``intervention_id``, ``team_id`` and
    ``municipality`` narrow the selection (together they all must hold).
    """

    kind: Literal["demand_growth"]
    percent: GrowthPercent
    intervention_id: Identifier | None = None
    team_id: Identifier | None = None
    municipality: str | None = None
    seed: int = Field(default=0, description="Which requests are copied or dropped.")


class TariffBand(Change):
    """A new tariff band for one intervention (or all): new bounds, or both shifted by %."""

    kind: Literal["tariff_band"]
    intervention_id: Identifier | None = Field(default=None, description="None: every one.")
    tariff_min: Tariff | None = None
    tariff_max: Tariff | None = None
    shift_percent: Percent | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        bounds = self.tariff_min is not None or self.tariff_max is not None
        if bounds == (self.shift_percent is not None):
            raise ValueError("give tariff_min and/or tariff_max, or shift_percent (one of the two)")
        if bounds and self.intervention_id is None:
            raise ValueError("new bounds need an intervention_id; shift_percent may go without")
        if (
            self.tariff_min is not None
            and self.tariff_max is not None
            and self.tariff_min > self.tariff_max
        ):
            raise ValueError(f"tariff_min {self.tariff_min} is above tariff_max {self.tariff_max}")
        return self


class ProviderExit(Change):
    """A provider leaves: its bids, standing offers, certifications and capacity go.

    The provider itself and its running awards stay: care already given keeps its history.
    """

    kind: Literal["provider_exit"]
    provider_id: Identifier


class EntryOffer(Change):
    """One intervention a new provider enters with: certified, with capacity and an offer."""

    intervention_id: Identifier
    capacity_units: Volume
    tariff: Tariff


class ProviderEntry(Change):
    """A new provider: certified for its interventions, with capacity and standing offers."""

    kind: Literal["provider_entry"]
    provider_id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=200)]
    lat: Latitude | None = None
    lon: Longitude | None = None
    specialisms: TagList = ()
    valid_from: date | None = Field(default=None, description="None: the round date.")
    valid_to: date | None = Field(default=None, description="None: three years on.")
    offers: tuple[EntryOffer, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: give both, or neither")
        ids = [o.intervention_id for o in self.offers]
        if len(set(ids)) != len(ids):
            raise ValueError("an intervention appears twice in offers")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} lies before valid_from {self.valid_from}")
        return self


class CapacityChange(Change):
    """New capacity for a provider: set to ``units``, or scaled by ``percent``.

    Without ``intervention_id`` a percentage scales every capacity row of the provider.
    ``*`` names the provider's total row.
    """

    kind: Literal["capacity"]
    provider_id: Identifier
    intervention_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    units: Volume | None = None
    percent: Percent | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.units is None) == (self.percent is None):
            raise ValueError("give units or percent (one of the two)")
        if self.units is not None and self.intervention_id is None:
            raise ValueError("units need an intervention_id (or * for the provider's total)")
        return self


class CertificationEnd(Change):
    """Move the end of a provider's certification for an intervention to ``valid_to``."""

    kind: Literal["certification_end"]
    provider_id: Identifier
    intervention_id: Identifier
    valid_to: date


class CertificationNew(Change):
    """A new certificate for an existing provider (capacity rows are not added)."""

    kind: Literal["certification_new"]
    provider_id: Identifier
    intervention_id: Identifier
    valid_from: date
    valid_to: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} lies before valid_from {self.valid_from}")
        return self


class BudgetChange(Change):
    """Budgets scaled by ``percent``, or one team and segment set to ``amount``."""

    kind: Literal["budget"]
    team_id: Identifier | None = Field(default=None, description="None: every team.")
    segment: Segment | None = Field(default=None, description="None: every segment.")
    amount: Amount | None = None
    percent: Percent | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("give amount or percent (one of the two)")
        if self.amount is not None and (self.team_id is None or self.segment is None):
            raise ValueError("amount needs a team_id and a segment")
        return self


class WeightsPatch(Change):
    """Weights to change; the others keep the round's values."""

    distance_per_km: Decimal | None = None
    preference_per_rank: Decimal | None = None
    continuity: Decimal | None = None


class AgingPatch(Change):
    """Aging settings to change; the others keep the round's values."""

    per_week: Decimal | None = None
    max_weeks: int | None = None


class PolicyChange(Change):
    """Policy fields to change: weights, aging, market-share cap, distance, round date."""

    kind: Literal["policy"]
    weights: WeightsPatch | None = None
    aging: AgingPatch | None = None
    market_share_cap: float | None = None
    max_distance_km: float | None = None
    round_date: date | None = None

    @model_validator(mode="after")
    def _within_policy_ranges(self) -> Self:
        # Checked against the policy's own ranges now, so the error names the scenario key.
        try:
            patch_policy(Policy(), self)
        except ValidationError as exc:
            raise ValueError("; ".join(plain_errors(exc))) from None
        return self


def patch_policy(policy: Policy, change: PolicyChange) -> Policy:
    """The policy with the fields the change gives replaced, validated as a whole."""
    data = policy.model_dump()
    for name in ("market_share_cap", "max_distance_km", "round_date"):
        value = getattr(change, name)
        if value is not None:
            data[name] = value
    for name, patch, model in (
        ("weights", change.weights, Weights),
        ("aging", change.aging, Aging),
    ):
        if patch is not None:
            merged = {**data[name], **patch.model_dump(exclude_none=True)}
            data[name] = model.model_validate(merged)
    return Policy.model_validate(data)


AnyChange = Annotated[
    DemandGrowth
    | TariffBand
    | ProviderExit
    | ProviderEntry
    | CapacityChange
    | CertificationEnd
    | CertificationNew
    | BudgetChange
    | PolicyChange,
    Field(discriminator="kind"),
]
