"""Scenario files: read, check, write and expand, in one place.

A file looks like::

    name = "P001 leaves"
    [[changes]]
    kind = "provider_exit"
    provider_id = "P001"

A file may also hold a ``[sweep]`` table (see ``matcher.scenarios.sweep``): it then stands
for the product of its axes, each point applied on top of the file's own changes. The app
writes a scenario with ``scenario_toml`` and reads an upload with ``scenario_from_toml``;
``matcher whatif`` reads files with ``load_scenarios``.
"""

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from matcher.scenarios.errors import ScenarioError, plain_errors
from matcher.scenarios.scenario import Scenario, ScenarioFile
from matcher.scenarios.sweep import expand, parse_axis


def load_scenarios(path: Path) -> list[Scenario]:
    """The scenarios a file stands for: itself, or every point of its sweep."""
    parsed = read_scenario_file(path)
    scenario = _plain(parsed)
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
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([f"cannot be read ({exc.strerror or exc})"], source=str(path)) from None
    return parse_scenario(raw, str(path))


def parse_scenario(text: bytes | str, source: str) -> ScenarioFile:
    """Check scenario TOML text; ScenarioError names the source and every problem."""
    try:
        raw = text.decode("utf-8-sig") if isinstance(text, bytes) else text
    except UnicodeDecodeError:
        raise ScenarioError(["is not UTF-8 text"], source=source) from None
    try:
        # Decimals, not floats: a tariff of 34.10 stays exactly 34.10.
        data = tomllib.loads(raw, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"is not valid TOML: {exc}"], source=source) from None
    return scenario_from_dict(data, source=source)


def scenario_from_dict(data: dict[str, object], source: str | None = None) -> ScenarioFile:
    """Check a parsed scenario; ScenarioError lists every problem with its key."""
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(plain_errors(exc), source=source) from None


def scenario_from_toml(text: bytes | str, source: str) -> Scenario:
    """One scenario from TOML text (an uploaded file); a sweep file is refused here."""
    parsed = parse_scenario(text, source)
    if parsed.sweep:
        raise ScenarioError(
            ["holds a [sweep]: run sweeps with `matcher whatif`, the page runs one scenario"],
            source=source,
        )
    return _plain(parsed)


def scenario_toml(scenario: Scenario) -> str:
    """The scenario as a TOML file in the layout of data/scenarios (one [[changes]] each)."""
    head: dict[str, Any] = {"name": scenario.name}
    if scenario.description:
        head["description"] = scenario.description
    parts = [tomli_w.dumps(head)]
    for change in scenario.changes:
        data = change.model_dump(mode="python", exclude_none=True)
        tables = {k: v for k, v in data.items() if isinstance(v, dict)}
        flat = {k: v for k, v in data.items() if k not in tables}
        parts.append("[[changes]]\n" + tomli_w.dumps(flat))
        parts.extend(f"[changes.{k}]\n" + tomli_w.dumps(v) for k, v in tables.items())
    return "\n".join(parts)


def file_name(scenario: Scenario) -> str:
    """A file name for the scenario: its name in lower case, letters and digits only."""
    stem = "".join(c if c.isalnum() else "-" for c in scenario.name.lower())
    stem = "-".join(part for part in stem.split("-") if part)
    return f"{stem or 'scenario'}.toml"


def _plain(parsed: ScenarioFile) -> Scenario:
    return Scenario(name=parsed.name, description=parsed.description, changes=parsed.changes)
