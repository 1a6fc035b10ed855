"""A what-if scenario: a name and a list of changes, as an API object or a small TOML file.

A file looks like::

    name = "P001 leaves"
    [[changes]]
    kind = "provider_exit"
    provider_id = "P001"

A file may also hold a ``[sweep]`` table (see ``matcher.scenarios.sweep``): it then stands
for the product of its axes, each point applied on top of the file's own changes.
"""

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher.scenarios.changes import MAX_STACKED_GROWTH, AnyChange, DemandGrowth
from matcher.scenarios.errors import ScenarioError, plain_errors

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


def load_scenarios(path: Path) -> list[Scenario]:
    """The scenarios a file stands for: itself, or every point of its sweep."""
    from matcher.scenarios.sweep import expand, parse_axis

    parsed = read_scenario_file(path)
    scenario = Scenario(name=parsed.name, description=parsed.description, changes=parsed.changes)
    if not parsed.sweep:
        return [scenario]
    try:
        axes = [parse_axis(key, values) for key, values in parsed.sweep.items()]
    except ValueError as exc:
        raise ScenarioError([str(exc)], source=str(path)) from None
    return expand(scenario, axes)


def read_scenario_file(path: Path) -> ScenarioFile:
    """Read and check one scenario file; ScenarioError names the file and every bad key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError([f"cannot be read ({exc.strerror or exc})"], source=str(path)) from None
    except UnicodeDecodeError:
        raise ScenarioError(["is not UTF-8 text"], source=str(path)) from None
    try:
        # Decimals, not floats: a tariff of 34.10 stays exactly 34.10.
        data = tomllib.loads(text, parse_float=_decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"is not valid TOML: {exc}"], source=str(path)) from None
    return scenario_from_dict(data, source=str(path))


def scenario_from_dict(data: dict[str, object], source: str | None = None) -> ScenarioFile:
    """Check a parsed scenario; ScenarioError lists every problem with its key."""
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(plain_errors(exc), source=source) from None


def _decimal(text: str) -> Decimal:
    return Decimal(text)
