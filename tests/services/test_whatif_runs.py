"""One what-if from the app: both runs, the comparison tables and the run record."""

from decimal import Decimal
from pathlib import Path

import pytest

from matcher.scenarios import run as scenario_run
from matcher.scenarios.changes import DemandGrowth, ProviderExit
from matcher.scenarios.compare import compare
from matcher.scenarios.errors import ScenarioError
from matcher.scenarios.kpis import Kpis
from matcher.scenarios.run import RunResult, RunSettings
from matcher.scenarios.scenario import Scenario
from matcher.services import history
from matcher.services.rounds import init_database
from matcher.services.whatif_runs import (
    CHART_SHARES,
    chart_frame,
    headlines,
    kpi_numbers,
    run_and_record,
    side_by_side,
    signal_table,
)
from tests.actors import ANNA, CAPACITY
from tests.scenarios.rounds import small_round

DOUBLE = Scenario(
    name="double demand",
    changes=(DemandGrowth(kind="demand_growth", percent=Decimal(100)),),
)
SETTINGS = RunSettings(outlook=False)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'whatif.sqlite'}"
    init_database(url)
    return url


def test_both_runs_are_compared_and_recorded(url: str) -> None:
    steps: list[str] = []
    run = run_and_record(
        url, small_round(), DOUBLE, SETTINGS, actor=CAPACITY, progress=lambda t, f: steps.append(t)
    )
    base, other = run.comparison.columns
    assert (base, other) == ("baseline", "double demand")
    assert run.baseline.kpis.n_open == 6  # the small round's open requests (A1 is awarded)
    assert run.result.kpis.n_open == 12
    assert not run.baseline_reused
    assert steps[0].startswith("Matching the baseline")
    assert steps[-1] == "Done"

    (record,) = history.runs(url, ANNA).to_dict("records")
    assert record["run_id"] == run.run_id
    assert record["kind"] == "scenario"
    assert record["who"] == CAPACITY.username
    assert record["n_requests"] == 12
    assert record["n_assigned"] == run.result.kpis.n_placed
    assert "scenario: double demand" in record["parameters"]
    assert "changes: demand +100% (all)" in record["parameters"]


def test_a_given_baseline_is_not_matched_again(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = run_and_record(url, small_round(), DOUBLE, SETTINGS, actor=CAPACITY)
    matched: list[str] = []
    real = scenario_run.run_scenario

    def counting(round_: object, scenario: Scenario, settings: RunSettings) -> RunResult:
        matched.append(scenario.name)
        return real(round_, scenario, settings)  # type: ignore[arg-type]

    monkeypatch.setattr("matcher.services.whatif_runs.run_scenario", counting)
    again = run_and_record(
        url, small_round(), DOUBLE, SETTINGS, actor=CAPACITY, baseline=first.baseline
    )
    assert matched == ["double demand"]
    assert again.baseline_reused
    assert again.baseline == first.baseline
    assert len(history.runs(url, ANNA)) == 2


def test_a_change_that_does_not_fit_is_refused_before_solving(url: str) -> None:
    gone = Scenario(name="nobody", changes=(ProviderExit(kind="provider_exit", provider_id="P9"),))
    with pytest.raises(ScenarioError, match="P9 is not a provider"):
        run_and_record(url, small_round(), gone, SETTINGS, actor=CAPACITY)
    assert history.runs(url, ANNA).empty


def kpis(**changed: object) -> Kpis:
    values: dict[str, object] = {
        "status": "optimal", "n_open": 10, "n_placed": 8, "placed_pct": 80.0, "n_urgent": 2,
        "urgent_placed_pct": 100.0, "total_cost": 1000.0, "total_budget": 2000.0,
        "cost_of_budget_pct": 50.0, "avg_tariff": 60.0, "utilisation_min": 0.5,
        "utilisation_median": 0.7, "utilisation_max": 1.0, "utilisation_std": 0.1,
        "hhi_max": 5000.0, "hhi_mean": 4000.0, "gap": 0.0, "expected_wait_weeks": None,
    }  # fmt: skip
    return Kpis.model_validate({**values, **changed})


BASE = RunResult(
    name="baseline", kpis=kpis(), seconds=1.0, signals=(("a", "I1", "r", "m", "high"),)
)
LESS = RunResult(
    name="P1 leaves",
    kpis=kpis(status="feasible", n_placed=6, placed_pct=60.0, total_cost=1250.5, gap=None),
    seconds=1.0,
    signals=(("b", "I1", "r", "m", "low"),),
)


def test_the_side_by_side_table_says_each_change_in_its_unit() -> None:
    table = side_by_side(compare(BASE, [LESS])).set_index("KPI")
    assert list(table.columns) == ["baseline", "P1 leaves", "change"]
    assert list(table.loc["placed"]) == ["80.0%", "60.0%", "-20.0 pt"]
    assert list(table.loc["placed requests"]) == ["8", "6", "-2"]
    assert list(table.loc["total cost (per week)"]) == ["€ 1,000.00", "€ 1,250.50", "+€ 250.50"]
    assert table.loc["open requests", "change"] == ""
    assert list(table.loc["largest MIP gap"]) == ["0.00%", "unknown", ""]
    assert list(table.loc["expected wait (weeks)"]) == ["-", "-", ""]
    wild = RunResult(name="far", kpis=kpis(gap=2.7e12), seconds=1.0)
    gap = side_by_side(compare(BASE, [wild])).set_index("KPI").loc["largest MIP gap"]
    assert list(gap) == ["0.00%", "> 100%", ""]


def test_headlines_colour_by_what_is_better() -> None:
    shown = {h.label: h for h in headlines(compare(BASE, [LESS]))}
    assert (shown["Placed"].delta, shown["Placed"].colour) == ("-20.0 pt", "normal")
    assert shown["Cost a week"].value == "€ 1,250"  # whole euros: the metric is narrow
    assert (shown["Cost a week"].delta, shown["Cost a week"].colour) == ("+€ 250.50", "inverse")
    assert (shown["Urgent placed"].delta, shown["Urgent placed"].colour) == ("no change", "off")
    assert shown["Expected wait (weeks)"].delta is None
    assert "Higher is better" in shown["Placed"].help
    assert "Lower is better" in shown["Cost a week"].help


def test_fewer_signals_when_a_provider_leaves_are_not_coloured_as_good_news() -> None:
    three = tuple((kind, "I1", "r", "m", "low") for kind in ("a", "b", "c"))
    base = RunResult(name="baseline", kpis=kpis(n_signals=3), seconds=1.0, signals=three)
    fewer = RunResult(name="P1 leaves", kpis=kpis(n_signals=1), seconds=1.0, signals=three[:1])
    shown = {h.label: h for h in headlines(compare(base, [fewer]))}
    signals = shown["Capacity signals"]
    assert signals.delta == "-2"
    assert signals.colour == "off"  # neither green nor red: the count alone says neither
    assert "added and removed" in signals.help


def test_charts_downloads_and_signals_come_from_the_comparison() -> None:
    comparison = compare(BASE, [LESS])
    bars = chart_frame(comparison, CHART_SHARES)
    assert set(bars["run"]) == {"baseline", "P1 leaves"}
    assert bars.set_index(["KPI", "run"]).loc[("placed", "P1 leaves"), "value"] == 60.0
    numbers = kpi_numbers(comparison).set_index("kpi")
    assert numbers.loc["total_cost", "P1 leaves"] == 1250.5
    signals = signal_table(comparison)
    assert signals[["change", "type"]].values.tolist() == [["added", "b"], ["removed", "a"]]
    assert signal_table(compare(BASE.model_copy(update={"signals": None}), [LESS])).empty
