"""The overview page, run headless through Streamlit's AppTest."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.data.reader import read_round
from matcher.services.rounds import import_round, init_database
from tests.actors import ANNA, STEWARD
from tests.paths import APP, TINY


def run_app(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    monkeypatch.setenv("MATCHER_DB", url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["actor"] = ANNA
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_overview_shows_the_counts_of_the_stored_round(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    init_database(url)
    import_round(TINY, url, actor=STEWARD)
    expected = read_round(TINY).round

    app = run_app(monkeypatch, url)

    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Open requests"] == str(len(expected.requests))
    assert metrics["Providers"] == str(len(expected.providers))
    assert metrics["Interventions"] == str(len(expected.interventions))
    crisis = sum(1 for r in expected.requests if r.urgency.value == "crisis")
    assert metrics["Crisis"] == str(crisis)
    shown = app.dataframe[0].value
    assert list(shown["intervention"]) == [i.intervention_id for i in expected.interventions]


def test_overview_on_an_empty_database_explains_how_to_load_a_round(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    init_database(url)

    app = run_app(monkeypatch, url)

    assert any("matcher import data/demo" in info.value for info in app.info)
    assert len(app.metric) == 0
