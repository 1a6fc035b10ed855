"""Each page's logic, run headless through Streamlit's AppTest on the tiny round."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from matcher.data.reader import read_round
from matcher.services import history
from matcher.services.access import Actor
from matcher.services.rounds import import_round, init_database, stored_round
from tests.actors import ANNA, CAPACITY, STEWARD, provider
from tests.paths import APP, TINY


def database(tmp_path: Path, round_dir: Path | None) -> str:
    """A new SQLite database holding the round at round_dir (none when None)."""
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    init_database(url)
    if round_dir is not None:
        import_round(round_dir, url, actor=STEWARD)
    return url


# Who opens each page in these tests: a role that may see it.
PAGE_ACTORS: dict[str, Actor] = {
    "capacity": CAPACITY, "whatif": CAPACITY, "data": STEWARD, "provider": provider("P003"),
}  # fmt: skip


def open_page(
    monkeypatch: pytest.MonkeyPatch, url: str, page: str, actor: Actor | None = None
) -> AppTest:
    """The app on url, logged in as actor (by default one whose role sees the page),
    switched to app_pages/<page>.py and run without exceptions."""
    monkeypatch.setenv("MATCHER_DB", url)
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["actor"] = actor or PAGE_ACTORS.get(page, ANNA)
    app.run()
    app.switch_page(f"app_pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def click(app: AppTest, label: str) -> None:
    next(b for b in app.button if b.label.startswith(label)).click().run()
    assert not app.exception, [e.value for e in app.exception]


def edit_proposals(app: AppTest, rows: dict[int, dict[str, bool]]) -> None:
    """Tick cells of the proposals table as a user would, then rerun."""
    run_id = app.session_state["match_result"][1].run_id
    app.session_state[f"proposals-{run_id}"] = {
        "edited_rows": rows, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    app.run()


def test_matching_runs_pins_resolves_and_awards(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    app = open_page(monkeypatch, url, "matching")
    assert any("Run the matching" in i.value for i in app.info)

    click(app, "Run matching")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Status"] == "Proven best"
    assert metrics["Placed"] == "5 of 5"
    proposals = app.session_state["match_result"][1].proposals
    first = (proposals.loc[0, "request"], proposals.loc[0, "provider"])

    edit_proposals(app, {0: {"pin": True}})
    click(app, "Re-solve")
    assert first in app.session_state["match_pins"]
    result = app.session_state["match_result"][1]
    assert bool(result.proposals.set_index("request").loc[first[0], "pinned"])
    assert list(history.overrides(url, ANNA)["action"]) == ["pin"]
    assert len(history.runs(url, ANNA)) == 2

    edit_proposals(app, {1: {"award": True}})
    app.text_input(key="match_why").input("client agreed").run()
    click(app, "Award selected (1)")
    awarded = result.proposals.loc[1, "request"]
    assert any(awarded in s.value for s in app.success)
    stored = stored_round(url)
    assert stored is not None
    assert awarded in {a.request_id for a in stored.awards or ()}
    log = history.awards(url, ANNA)
    assert list(log["why"]) == ["client agreed"]
    assert awarded not in set(app.session_state["match_result"][1].proposals["request"])


def test_matching_scope_limits_the_requests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = open_page(monkeypatch, database(tmp_path, TINY), "matching")
    app.selectbox(key="match_scope").select("Municipality Zandvoort").run()
    click(app, "Run matching")
    proposals = app.session_state["match_result"][1].proposals
    assert list(proposals["request"]) == ["R005"]


def test_one_case_ranks_the_providers_of_the_chosen_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = open_page(monkeypatch, database(tmp_path, TINY), "case")
    app.selectbox(key="case_request").select_index(0).run()  # R001: bids from P001, P002
    table = app.dataframe[0].value
    assert set(table["provider"]) >= {"P001", "P002"}
    admissible = table[table["admissible"]]
    assert list(admissible["cost a week"]) == sorted(admissible["cost a week"])
    assert any("Best that fits:" in s.value for s in app.success)
    assert any("awards only" in c.value for c in app.caption)  # no run in this session


def test_provider_view_shows_no_client_details(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = open_page(monkeypatch, database(tmp_path, TINY), "provider")
    assert "provider_id" not in [s.key for s in app.selectbox]  # it picks no other provider
    table = app.dataframe[0].value
    assert list(table["request"]) == ["R003", "R004", "R005"]
    refs = {r.client_ref for r in read_round(TINY).round.requests}
    assert not any(ref in table.to_csv() for ref in refs)


def test_history_lists_nothing_yet_and_then_the_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    app = open_page(monkeypatch, url, "history")
    assert app.subheader[0].value == "Runs (0)"
    app.switch_page("app_pages/matching.py").run()
    click(app, "Run matching")
    app.switch_page("app_pages/history.py").run()
    assert app.subheader[0].value == "Runs (1)"
    runs = app.dataframe[0].value
    assert runs.loc[0, "status"] == "Proven best"  # the code "optimal" is in the download
    assert runs.loc[0, "placed"] == 5
    stored = history.runs(url, ANNA)
    utc = pd.Timestamp(stored["started_at"].iloc[0])
    utc = utc.tz_localize("UTC") if utc.tzinfo is None else utc
    local = utc.tz_convert("Europe/Amsterdam").tz_localize(None)
    assert pd.Timestamp(runs["started"].iloc[0]) == local  # shown in local time


def test_data_page_offers_the_template(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = open_page(monkeypatch, database(tmp_path, None), "data")
    labels = [d.proto.label for d in app.get("download_button")]
    assert "Template workbook" in labels


def test_every_page_says_how_to_load_a_round_on_an_empty_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, None)
    for page in ("matching", "case", "provider"):
        app = open_page(monkeypatch, url, page)
        assert any("no round in the database" in i.value for i in app.info), page


def test_capacity_page_shows_signals_heatmap_and_forecast(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = open_page(monkeypatch, database(tmp_path, TINY), "capacity")
    headers = [s.value for s in app.subheader]
    assert "What matters first" in headers
    assert "Demand forecast" in headers
    assert "Waiting time: simulation and formula" in headers
    metrics = {m.label: m.value for m in app.metric}
    summary, signals = app.dataframe[0].value, app.dataframe[1].value
    assert list(signals["clients"]) == sorted(signals["clients"], reverse=True)
    assert set(summary["intervention"]) == set(signals["intervention"])
    waits = app.dataframe[2].value.set_index("figure")
    assert {"median wait", "80th percentile", "95th percentile"} <= set(waits.index)
    assert metrics["Signals"] == f"{len(signals):,}"
    assert any("MASE" in c.value or "no backtest" in c.value for c in app.caption)
    assert "Too big to fail" not in set(signals["signal"])  # on request only
    assert "type" not in signals.columns  # the code is for the downloads
    [check] = [b for b in app.button if b.label == "Check too-big-to-fail"]
    check.click().run()
    assert not app.exception
    assert any(c.value.startswith("Too-big-to-fail checked") for c in app.caption)
    assert not [b for b in app.button if b.label == "Check too-big-to-fail"]


def test_pin_award_run_again_remove_a_pin_and_revoke(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    app = open_page(monkeypatch, url, "matching")
    click(app, "Run matching")
    proposals = app.session_state["match_result"][1].proposals
    edit_proposals(app, {0: {"pin": True}, 1: {"pin": True}})
    app.text_input(key="match_why").input("client asked").run()
    click(app, "Re-solve")
    assert app.text_input(key="match_why").value == ""  # the reason served the pins only
    first, second = (tuple(proposals.loc[i, ["request", "provider"]]) for i in (0, 1))
    assert app.session_state["match_pins"] == {first, second}

    edit_proposals(app, {0: {"award": True}})
    app.text_input(key="match_why").input("agreed by phone").run()
    click(app, "Award selected (1)")
    assert app.session_state["match_pins"] == {second}  # the award settled its own pin
    click(app, "Run matching")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Status"] == "Proven best"
    assert metrics["Placed"] == "4 of 4"

    remove = app.session_state["match_pins"]
    table_key = next(k for k in app.session_state if str(k).startswith("overrides-"))
    app.session_state[table_key] = {
        "edited_rows": {0: {"remove": True}}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    app.run()
    click(app, "Remove ticked (1)")
    assert app.session_state["match_pins"] == set()
    assert remove == {second}
    actions = list(history.overrides(url, ANNA)["action"])
    assert actions.count("unpin") == 2  # one settled by the award, one removed by hand

    app.text_input(key="revoke-why").input("client moved").run()
    click(app, "Revoke this award")
    assert any("Revoke the award of" in w.value for w in app.warning)
    stored = stored_round(url)
    assert stored is not None
    assert first[0] in {a.request_id for a in stored.awards or ()}  # not before the yes
    click(app, "Yes, revoke")
    stored = stored_round(url)
    assert stored is not None
    assert first[0] not in {a.request_id for a in stored.awards or ()}
    assert any("Revoked:" in s.value for s in app.success)
    assert list(history.awards(url, ANNA)["action"]) == ["revoke", "award"]
