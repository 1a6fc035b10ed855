"""The What-if page run headless through Streamlit's AppTest on the tiny round."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.domain import Round
from matcher.scenarios import run as scenario_run
from matcher.scenarios.run import RunResult, RunSettings
from matcher.scenarios.scenario import Scenario
from matcher.services import history
from tests.actors import ANNA
from tests.app.test_pages import click, database, open_page
from tests.paths import TINY


def run_whatif(app: AppTest) -> None:
    click(app, "Run what-if")
    assert not app.error, [e.value for e in app.error]


def test_a_provider_exit_runs_side_by_side_and_is_recorded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    app = open_page(monkeypatch, url, "whatif")
    assert any("press Run what-if" in i.value for i in app.info)
    assert next(b for b in app.button if b.label == "Run what-if").disabled  # no change yet

    app.text_input(key="whatif_name").input("Kennemer leaves").run()
    app.multiselect(key="whatif_exits").select("P001").run()
    assert any(c.value == "Changes: P001 leaves" for c in app.caption)
    run_whatif(app)

    table = app.dataframe[0].value.set_index("KPI")
    assert list(table.columns) == ["baseline", "Kennemer leaves", "change"]
    assert table.loc["open requests", "change"] == ""  # an exit changes no demand
    metrics = {m.label: m for m in app.metric}
    assert metrics["Placed"].value == table.loc["placed", "Kennemer leaves"]
    assert len(app.get("vega_lite_chart")) == 2

    (record,) = history.runs(url, ANNA).to_dict("records")
    assert record["kind"] == "scenario"
    assert "changes: P001 leaves" in record["parameters"]

    app.number_input(key="whatif_growth_percent").set_value(20.0).run()
    run_whatif(app)
    assert any("matched before with the same settings" in c.value for c in app.caption)
    assert len(history.runs(url, ANNA)) == 2


def test_loading_a_shipped_file_fills_the_controls(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = open_page(monkeypatch, database(tmp_path, TINY), "whatif")
    picker = app.selectbox(key="whatif_pick")
    picker.select(next(p for p in picker.options if p.endswith("growth10.toml"))).run()
    click(app, "Load this file")
    assert app.text_input(key="whatif_name").value == "demand +10%"
    assert app.number_input(key="whatif_growth_percent").value == 10
    assert app.number_input(key="whatif_growth_seed").value == 2026
    assert app.multiselect(key="whatif_exits").value == []


def test_controls_that_contradict_each_other_say_which_and_offer_no_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = open_page(monkeypatch, database(tmp_path, TINY), "whatif")
    app.selectbox(key="whatif_tariff_intervention").select("45A48").run()
    app.number_input(key="whatif_tariff_shift_percent").set_value(5.0).run()
    app.number_input(key="whatif_tariff_max").set_value(90.0).run()
    assert any("Tariff band:" in e.value for e in app.error)
    assert not any(b.label == "Run what-if" for b in app.button)


def test_a_capacity_cut_that_does_not_fit_is_refused_without_a_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    app = open_page(monkeypatch, url, "whatif")
    app.selectbox(key="whatif_capacity_provider").select("P002").run()
    app.selectbox(key="whatif_capacity_intervention").select("46A01").run()  # P002: only *
    app.number_input(key="whatif_capacity_percent").set_value(-10.0).run()
    click(app, "Run what-if")
    assert any("P002 has no capacity row for 46A01" in e.value for e in app.error)
    assert history.runs(url, ANNA).empty


def test_a_run_stopped_by_the_time_limit_is_said_to_be_time_limited(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The tiny round is always proven; the scenario's status is set as a time-out sets it."""
    real = scenario_run.run_scenario

    def stopped_early(round_: Round, scenario: Scenario, settings: RunSettings) -> RunResult:
        result = real(round_, scenario, settings)
        if scenario.name == "baseline":
            return result
        kpis = result.kpis.model_copy(update={"status": "feasible", "gap": None})
        return result.model_copy(update={"kpis": kpis})

    monkeypatch.setattr("matcher.services.whatif_runs.run_scenario", stopped_early)
    app = open_page(monkeypatch, database(tmp_path, TINY), "whatif")
    app.number_input(key="whatif_budget_percent").set_value(-50.0).run()
    run_whatif(app)
    assert any(w.value.startswith("Time-limited:") for w in app.warning)
    table = app.dataframe[0].value.set_index("KPI")
    assert table.loc["largest MIP gap", "my scenario"] == "unknown"
