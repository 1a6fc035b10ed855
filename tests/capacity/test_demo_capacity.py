"""`matcher capacity` on the demo region finds what its generator built in."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli.main import app
from matcher.data.demo import FLOODED_INTERVENTIONS, SHORT_INTERVENTIONS
from tests.paths import DEMO

runner = CliRunner()
KEYS = {
    "type",
    "intervention_id",
    "area",
    "month",
    "severity",
    "value",
    "threshold",
    "detail",
    "action",
}


@pytest.fixture(scope="module")
def demo_signals(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    out = tmp_path_factory.mktemp("capacity") / "signals.json"
    result = runner.invoke(app, ["capacity", str(DEMO), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed: list[dict[str, object]] = json.loads(result.stdout)
    assert printed == json.loads(out.read_text(encoding="utf-8"))
    return printed


def of_type(signals: list[dict[str, object]], kind: str) -> set[object]:
    return {s["intervention_id"] for s in signals if s["type"] == kind}


def test_every_signal_has_the_agreed_fields(demo_signals: list[dict[str, object]]) -> None:
    assert demo_signals
    assert all(set(s) == KEYS for s in demo_signals)


def test_short_interventions_are_under_supplied(demo_signals: list[dict[str, object]]) -> None:
    high = {
        s["intervention_id"]
        for s in demo_signals
        if s["type"] == "under_supply" and s["severity"] == "high"
    }
    assert high & set(SHORT_INTERVENTIONS)


def test_flooded_interventions_are_over_supplied(demo_signals: list[dict[str, object]]) -> None:
    over = of_type(demo_signals, "over_supply")
    assert over & set(FLOODED_INTERVENTIONS)
    assert not over & set(SHORT_INTERVENTIONS)


def test_concentration_and_expiry_are_found(demo_signals: list[dict[str, object]]) -> None:
    assert of_type(demo_signals, "concentration")
    assert of_type(demo_signals, "certification_expiry")


def test_round_directory_or_database_but_not_neither(tmp_path: Path) -> None:
    result = runner.invoke(app, ["capacity"])
    assert result.exit_code == 2
