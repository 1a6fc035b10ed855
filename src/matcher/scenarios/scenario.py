"""A what-if scenario: a name and a list of changes (files: ``matcher.scenarios.files``)."""

from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.scenarios.changes import MAX_STACKED_GROWTH, AnyChange, DemandGrowth

Name = Annotated[str, Field(min_length=1, max_length=120)]
AxisValues = str | list[str] | list[Decimal]


class Scenario(BaseModel):
    """What-if changes to apply to a round, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name
    description: str = ""
    changes: tuple[AnyChange, ...] = ()

    @model_validator(mode="after")
    def _growth_bounded(self) -> Self:
        """Stacked demand_growth changes multiply: 1,116 requests must not become 135,036.

        Counted as if every change selected the same requests (the most they can grow)."""
        factor = Decimal(1)
        for index, change in enumerate(self.changes):
            if isinstance(change, DemandGrowth) and change.percent > 0:
                factor *= 1 + change.percent / 100
                if factor > MAX_STACKED_GROWTH:
                    raise ValueError(
                        f"changes[{index}] (demand_growth) would grow demand {factor:.2f} times "
                        f"with the changes before it; all demand_growth changes together may "
                        f"at most multiply the requests by {MAX_STACKED_GROWTH}"
                    )
        return self


class ScenarioFile(Scenario):
    """The contents of a scenario file: a scenario, optionally swept over axes."""

    sweep: dict[str, AxisValues] | None = None
