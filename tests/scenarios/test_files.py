"""Scenario files: good ones load, bad ones name the file and the key in plain words."""

from decimal import Decimal
from pathlib import Path

import pytest

from matcher.scenarios.changes import DemandGrowth, ProviderExit
from matcher.scenarios.errors import ScenarioError
from matcher.scenarios.files import load_scenarios
from matcher.scenarios.sweep import parse_option, sweep_scenarios
from tests.paths import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "what.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_scenarios_load() -> None:
    (exit_,) = load_scenarios(ROOT / "data" / "scenarios" / "exit.toml")
    (growth,) = load_scenarios(ROOT / "data" / "scenarios" / "growth10.toml")
    assert exit_.changes == (ProviderExit(kind="provider_exit", provider_id="P001"),)
    assert growth.changes == (DemandGrowth(kind="demand_growth", percent=Decimal(10), seed=2026),)


def test_decimals_stay_exact(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "t"\n[[changes]]\nkind = "tariff_band"\nintervention_id = "I1"\n'
        "tariff_max = 34.10\n",
    )
    (scenario,) = load_scenarios(path)
    assert scenario.changes[0].tariff_max == Decimal("34.10")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[[changes]]\nkind = "demand_growth"\npercnt = 10\n',
            "changes[0].percnt is not a known key",
        ),
        ('[[changes]]\nkind = "demand_growth"\n', "changes[0].percent is missing"),
        ('[[changes]]\nkind = "grow"\npercent = 1\n', "changes[0].kind 'grow' is unknown"),
        ("[[changes]]\npercent = 1\n", "changes[0] has no kind"),
        (
            '[[changes]]\nkind = "demand_growth"\npercent = 5000\n',
            "changes[0].percent must be at most 1000, not 5000",
        ),
        (
            '[[changes]]\nkind = "provider_exit"\nprovider_id = "P1"\n'
            '[[changes]]\nkind = "policy"\nmarket_share_cap = 1.5\n',
            "changes[1]: market_share_cap must be at most 1",
        ),
        (
            '[[changes]]\nkind = "capacity"\nprovider_id = "P1"\nunits = 3\npercent = 5\n',
            "changes[0]: give units or percent (one of the two)",
        ),
        ('colour = "red"\n', "colour is not a known key"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, 'name = "t"\n' + body)
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_a_missing_name_and_broken_toml_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="name is missing"):
        load_scenarios(write(tmp_path, "changes = []\n"))
    with pytest.raises(ScenarioError, match=r"is not valid TOML.*line 2"):
        load_scenarios(write(tmp_path, 'name = "t"\nkind = \n'))


def test_a_sweep_table_expands_into_the_product(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'name = "base"\n[[changes]]\nkind = "budget"\npercent = 10\n'
        '[sweep]\ngrowth = "0:10:5"\nexit = ["none", "P1"]\n',
    )
    scenarios = load_scenarios(path)
    assert [s.name for s in scenarios] == [
        "base growth=0% exit=none",
        "base growth=0% exit=P1",
        "base growth=5% exit=none",
        "base growth=5% exit=P1",
        "base growth=10% exit=none",
        "base growth=10% exit=P1",
    ]
    assert all(s.changes[0].kind == "budget" for s in scenarios)
    assert [len(s.changes) for s in scenarios] == [2, 3, 2, 3, 2, 3]


def test_sweep_options_and_their_errors() -> None:
    scenarios = sweep_scenarios(["growth=0:10:2", "exit=P001,P004"])
    assert len(scenarios) == 12
    assert scenarios[0].name == "growth=0% exit=P001"
    with pytest.raises(ValueError, match="axis 'speed' is unknown"):
        parse_option("speed=1:2")
    with pytest.raises(ValueError, match="needs the form axis=values"):
        parse_option("growth")
    with pytest.raises(ValueError, match="'ten' is not a number"):
        parse_option("growth=ten,20")
    with pytest.raises(ValueError, match="stops before it starts"):
        parse_option("growth=10:0")
    with pytest.raises(ValueError, match=r"share_cap.*at most 1"):
        parse_option("share_cap=0.5,2")
