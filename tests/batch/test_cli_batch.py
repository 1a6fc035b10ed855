"""`matcher batch` as a user meets it: the summary, and the exit codes of its refusals."""

import json

from typer.testing import CliRunner

from matcher.cli.main import app
from matcher.data.db.engine import make_engine
from matcher.data.db.lock import batch_lock
from matcher.data.db.migrate import upgrade
from matcher.data.db.store import save_round
from tests.batch.test_batch_db import two_requests

runner = CliRunner()
SUMMARY_KEYS = ["status", "n_requests", "n_assigned", "total_cost", "objective", "bound"]
SUMMARY_KEYS += ["gap", "solver", "seconds", "n_parts", "workers"]


def test_json_prints_the_summary_with_matchs_keys_first(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    save_round(engine, two_requests(), source="t")
    engine.dispose()
    # One worker process: the real LocalCluster, as a nightly run uses it.
    result = runner.invoke(
        app, ["batch", "--db", sqlite_url, "--date", "2026-11-23", "--workers", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert list(summary)[: len(SUMMARY_KEYS)] == SUMMARY_KEYS
    assert (summary["n_requests"], summary["n_assigned"], summary["total_cost"]) == (2, 2, 70.0)


def test_a_running_batch_makes_the_second_exit_with_5(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    save_round(engine, two_requests(), source="t")
    with batch_lock(engine):
        result = runner.invoke(app, ["batch", "--db", db_url, "--date", "2026-11-23"])
    engine.dispose()
    assert result.exit_code == 5
    assert "another batch is running" in result.output


def test_an_uninitialised_database_exits_with_1(sqlite_url: str) -> None:
    result = runner.invoke(app, ["batch", "--db", sqlite_url])
    assert result.exit_code == 1
    assert "matcher db init" in result.output


def test_an_unknown_solver_is_a_usage_error(sqlite_url: str) -> None:
    result = runner.invoke(app, ["batch", "--db", sqlite_url, "--solver", "gurobi"])
    assert result.exit_code == 2
