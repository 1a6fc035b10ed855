"""`matcher capacity` on the demo region finds what its generator built in."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli.main import app
from matcher.data.demo import BALANCED_INTERVENTIONS, FLOODED_INTERVENTIONS, SHORT_INTERVENTIONS
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


def region_signals(signals: list[dict[str, object]], kind: str) -> dict[object, object]:
    """Intervention -> severity of the region-level signals of one kind."""
    return {s["intervention_id"]: s["severity"] for s in signals
            if s["type"] == kind and s["area"] == "region"}  # fmt: skip


def test_balanced_interventions_are_silent_short_ones_short_flooded_ones_flooded(
    demo_signals: list[dict[str, object]],
) -> None:
    """The region reads as generated: every short intervention is under-supplied (high),
    every flooded one over-supplied, and no balanced one is either."""
    under = region_signals(demo_signals, "under_supply")
    over = region_signals(demo_signals, "over_supply")
    assert BALANCED_INTERVENTIONS
    assert {i: under.get(i) for i in SHORT_INTERVENTIONS} == dict.fromkeys(
        SHORT_INTERVENTIONS, "high"
    )
    assert set(over) == set(FLOODED_INTERVENTIONS)
    assert set(under) == set(SHORT_INTERVENTIONS)
    assert not (set(under) | set(over)) & set(BALANCED_INTERVENTIONS)


def test_no_balanced_intervention_is_flagged_in_any_municipality(
    demo_signals: list[dict[str, object]],
) -> None:
    """Municipality level too: a town is judged on the capacity in its reach after the other
    towns' load (capacity/local.py), not on a fixed slice of the providers it shares."""
    flagged = {
        (s["intervention_id"], s["area"])
        for s in demo_signals
        if s["type"] in {"under_supply", "over_supply"}
        and s["intervention_id"] in BALANCED_INTERVENTIONS
    }
    assert flagged == set()


def test_concentration_and_expiry_are_found(demo_signals: list[dict[str, object]]) -> None:
    assert of_type(demo_signals, "concentration")
    assert of_type(demo_signals, "certification_expiry")


def test_the_summary_leads_with_the_most_clients_and_all_lists_every_signal(
    demo_signals: list[dict[str, object]],
) -> None:
    short = runner.invoke(app, ["capacity", str(DEMO)], env={"COLUMNS": "200"})
    assert short.exit_code == 0, short.output
    assert "What matters first" in short.stdout
    assert f"of {len(demo_signals)}; --all lists every one" in short.stdout
    clients = [int(line.split("│")[1]) for line in short.stdout.splitlines()
               if line.startswith("│") and line.split("│")[1].strip().isdigit()]  # fmt: skip
    summary = clients[: len(clients) // 2]
    assert summary == sorted(summary, reverse=True)
    full = runner.invoke(app, ["capacity", str(DEMO), "--all"], env={"COLUMNS": "200"})
    assert "--all lists every one" not in full.stdout


def test_as_of_uses_only_the_history_before_the_date() -> None:
    result = runner.invoke(app, ["capacity", str(DEMO), "--as-of", "2026-01-01", "--json"])
    assert result.exit_code == 0, result.output
    signals = json.loads(result.stdout)
    assert signals
    assert all(str(s["month"]) >= "2026-01" for s in signals)
    late = runner.invoke(app, ["capacity", str(DEMO), "--as-of", "2030-01-01"])
    assert late.exit_code == 2
    assert "lies after the round date" in late.stderr


def test_round_directory_or_database_but_not_neither(tmp_path: Path) -> None:
    result = runner.invoke(app, ["capacity"])
    assert result.exit_code == 2
