"""A what-if scenario: a name and a list of changes (files: ``matcher.scenarios.files``)."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from matcher.scenarios.changes import AnyChange

Name = Annotated[str, Field(min_length=1, max_length=120)]
AxisValues = str | list[str] | list[Decimal]


class Scenario(BaseModel):
    """What-if changes to apply to a round, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name
    description: str = ""
    changes: tuple[AnyChange, ...] = ()


class ScenarioFile(Scenario):
    """The contents of a scenario file: a scenario, optionally swept over axes."""

    sweep: dict[str, AxisValues] | None = None
