"""The entities of a matching round, one class per file of the data contract.

Every entity is a frozen pydantic model: values are checked once, when a round is read,
and cannot change afterwards. Field names are the column names of the round files.
Amounts are Decimal (exact, as typed by the user); conversion to cents happens in
``matcher.domain.money`` when a solver needs integers.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from matcher.domain.enums import Funding, Law, Segment, TeamKind, Unit, Urgency
from matcher.domain.privacy import BSN_REFUSAL, is_valid_bsn
from matcher.domain.text import entering, text_problem

# Upper limits that catch typing errors (an extra zero, cents typed as euros) without
# getting in the way of any real region.
MAX_TARIFF = Decimal("100000")
MAX_CAPACITY = Decimal("1000000")
MAX_AMOUNT = Decimal("10000000000")


# Each check below tests the value first: nearly every value passes, and entering() is dearer.
def _printable(value: str, info: ValidationInfo) -> str:
    if (problem := text_problem(value)) and entering(info):
        raise ValueError(problem)
    return value


def _printable_id(value: str, info: ValidationInfo) -> str:
    if (problem := text_problem(value, identifier=True)) and entering(info):
        raise ValueError(problem)
    return value


def _not_a_bsn(value: str, info: ValidationInfo) -> str:
    if is_valid_bsn(value) and entering(info):
        raise ValueError(BSN_REFUSAL)
    return value


Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^;*\s]+$"),
    AfterValidator(_printable_id),
]
# An id a provider or a log can see that points at a client (a request, a client reference).
ClientId = Annotated[Identifier, AfterValidator(_not_a_bsn)]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_printable),
]
Tariff = Annotated[
    Decimal, Field(ge=0, le=MAX_TARIFF, decimal_places=2, allow_inf_nan=False, description="Euros.")
]
Volume = Annotated[Decimal, Field(gt=0, le=MAX_CAPACITY, decimal_places=2, allow_inf_nan=False)]
# Room a provider declares: 0 is an intake stop ("no room now"), only a negative is wrong.
Room = Annotated[Decimal, Field(ge=0, le=MAX_CAPACITY, decimal_places=2, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
# One value of a ';'-separated list cell: it may not contain the separator itself.
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^;]+$"),
    AfterValidator(_printable),
]
IdList = tuple[Identifier, ...]
TagList = tuple[Tag, ...]


class Entity(BaseModel):
    """Base of all entities: immutable, unknown fields refused."""

    # A validation error never repeats the value: it may be a client reference.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class Intervention(Entity):
    """An intervention on the municipality's list, with its tariff band."""

    intervention_id: Identifier = Field(description="Unique code, e.g. an iJw/iWmo product code.")
    name: Text = Field(description="Name a regisseur recognises.")
    law: Law = Field(description="Law it is granted under.")
    segment: Segment = Field(description="A basic, B indicated, C highly specialised.")
    product_group: Text = Field(description="Product group within the segment.")
    funding: Funding = Field(
        description="effort (tariff x volume), output (per arrangement), task."
    )
    unit: Unit = Field(description="Unit of volume and capacity.")
    tariff_min: Tariff = Field(description="Lowest admissible tariff; protects wages.")
    tariff_max: Tariff = Field(description="Highest admissible tariff; prevents excess margins.")

    @model_validator(mode="after")
    def _band_is_ordered(self) -> Self:
        if self.tariff_min > self.tariff_max:
            low, high = self.tariff_min, self.tariff_max
            raise ValueError(f"tariff_min {low} is above tariff_max {high}")
        return self

    def admits_tariff(self, tariff: Decimal) -> bool:
        """True when tariff lies within the band, bounds included."""
        return self.tariff_min <= tariff <= self.tariff_max


class Provider(Entity):
    """A care provider (zorgaanbieder)."""

    provider_id: Identifier = Field(description="Unique code of the provider.")
    name: Text = Field(description="Trade name.")
    agb_code: Annotated[str, StringConstraints(pattern=r"^\d{8}$")] | None = Field(
        default=None, description="Eight-digit AGB code (Vektis), when known."
    )
    lat: Latitude | None = Field(default=None, description="Latitude of the main location.")
    lon: Longitude | None = Field(default=None, description="Longitude of the main location.")
    specialisms: TagList = Field(default=(), description="Specialisms offered.")

    @model_validator(mode="after")
    def _location_is_whole(self) -> Self:
        _check_location(self.lat, self.lon)
        return self


class Certification(Entity):
    """A certificate: the provider may deliver the intervention between two dates, inclusive."""

    provider_id: Identifier
    intervention_id: Identifier
    valid_from: date = Field(description="First day of validity.")
    valid_to: date = Field(description="Last day of validity (inclusive).")

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        if self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} lies before valid_from {self.valid_from}")
        return self

    def covers(self, day: date) -> bool:
        """True when the certificate is valid on day (both ends inclusive)."""
        return self.valid_from <= day <= self.valid_to


ALL_INTERVENTIONS = "*"


class CapacityRow(Entity):
    """Weekly volume a provider can deliver at once, for one intervention or in total (``*``)."""

    provider_id: Identifier
    intervention_id: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^;\s]+$"),
        AfterValidator(_printable_id),
    ] = Field(description="An intervention, or * for the provider's total over all interventions.")
    capacity_units: Room = Field(
        description="Weekly volume it can deliver at once; 0 is an intake stop."
    )

    @property
    def is_total(self) -> bool:
        """True for the provider-wide row (``*``)."""
        return self.intervention_id == ALL_INTERVENTIONS


class Request(Entity):
    """An open request for an intervention, under a pseudonymous client reference."""

    request_id: ClientId
    client_ref: ClientId = Field(description="Pseudonym of the client; never a name or BSN.")
    team_id: Identifier = Field(description="Team of the regisseur who holds the request.")
    intervention_id: Identifier
    units: Volume = Field(description="Weekly volume needed while the care runs.")
    start_date: date = Field(description="Date the care should start.")
    urgency: Urgency
    lat: Latitude | None = None
    lon: Longitude | None = None
    preferred_providers: IdList = Field(default=(), description="Client's choice, best first.")
    excluded_providers: IdList = Field(default=(), description="Providers the client refuses.")
    current_provider: Identifier | None = Field(default=None, description="For continuity of care.")
    required_specialisms: TagList = ()
    waiting_since: date | None = Field(default=None, description="Date the client started waiting.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_location(self.lat, self.lon)
        both = sorted(set(self.preferred_providers) & set(self.excluded_providers))
        if both:
            raise ValueError(
                f"provider {', '.join(both)} is in both preferred_providers and excluded_providers"
            )
        for name in ("preferred_providers", "excluded_providers", "required_specialisms"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"a value appears twice in {name}")
        return self


class Bid(Entity):
    """A provider's bid on one request. Bids outside the band are kept but never admissible."""

    request_id: ClientId
    provider_id: Identifier
    tariff: Tariff
    units: Volume | None = Field(default=None, description="Planned volume; else the request's.")


class Offer(Entity):
    """A standing offer: the tariff for any request of the intervention without its own bid."""

    provider_id: Identifier
    intervention_id: Identifier
    tariff: Tariff


class Budget(Entity):
    """Remaining budget of a team for one segment in the current period."""

    team_id: Identifier
    segment: Segment
    amount: Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]


class Team(Entity):
    """A neighbourhood team or youth team of regisseurs."""

    team_id: Identifier
    name: Text
    municipality: Text
    kind: TeamKind


class Award(Entity):
    """Care already awarded: it uses capacity and budget and is never matched again."""

    request_id: ClientId
    provider_id: Identifier
    intervention_id: Identifier
    tariff: Tariff
    units: Volume
    awarded_on: date
    ends_on: date | None = None

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        if self.ends_on is not None and self.ends_on < self.awarded_on:
            raise ValueError(f"ends_on {self.ends_on} lies before awarded_on {self.awarded_on}")
        return self


class HistoryRecord(Entity):
    """A past request: demand history for forecasts, flows for waiting-list figures."""

    request_id: ClientId
    team_id: Identifier
    intervention_id: Identifier
    units: Volume
    received_on: date
    started_on: date | None = None
    ended_on: date | None = None
    provider_id: Identifier | None = None

    @model_validator(mode="after")
    def _dates_are_ordered(self) -> Self:
        if self.started_on is not None and self.started_on < self.received_on:
            raise ValueError(
                f"started_on {self.started_on} lies before received_on {self.received_on}"
            )
        if self.ended_on is not None:
            if self.started_on is None:
                raise ValueError("ended_on is filled in but started_on is empty")
            if self.ended_on < self.started_on:
                raise ValueError(
                    f"ended_on {self.ended_on} lies before started_on {self.started_on}"
                )
        return self


def _check_location(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise ValueError("lat and lon go together: give both, or neither")
