"""`matcher match` and `matcher recommend` as a user meets them: files, JSON, exit codes."""

import json
import time
import types
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from matcher.cli.main import app
from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.matching import engine
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.engine import match_round
from matcher.services import rounds
from matcher.services.match_output import ASSIGNMENT_COLUMNS, SUMMARY_KEYS, UNASSIGNED_COLUMNS
from tests.actors import STEWARD
from tests.data.roundfiles import copy_tiny, set_cell
from tests.paths import TINY
from tests.services.small_rounds import (
    OPTIMAL_COST,
    OPTIMUM,
    capacity_breaches,
    header_of,
    read_rows,
    two_for_one_slot,
)

runner = CliRunner()
WIDE = {"COLUMNS": "300", "NO_COLOR": "1"}


def matcher(*args: str) -> Result:
    return runner.invoke(app, list(args), env=WIDE)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The hand-built round of tests/services/small_rounds.py as a round directory."""
    path = tmp_path / "small"
    write_round(two_for_one_slot(), path)
    return path


def overrides_file(path: Path, *rows: str) -> str:
    path.write_text("request_id,provider_id,action\n" + "".join(f"{r}\n" for r in rows))
    return str(path)


def test_match_writes_the_three_files_with_the_engines_figures(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = matcher("match", str(TINY), "--out", str(out))
    assert result.exit_code == 0, result.output

    assert header_of(out / "assignments.csv") == list(ASSIGNMENT_COLUMNS)
    assert header_of(out / "unassigned.csv") == list(UNASSIGNED_COLUMNS)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary)[: len(SUMMARY_KEYS)] == list(SUMMARY_KEYS)
    round_ = read_round(TINY).round
    outcome = match_round(round_)
    assert summary["n_assigned"] == outcome.chosen.size
    assert Decimal(str(summary["total_cost"])) == Decimal(outcome.total_cost_cents) / 100
    assert Decimal(str(summary["objective"])) == Decimal(outcome.objective_cents) / 100
    assert capacity_breaches(round_, read_rows(out / "assignments.csv")) == []
    assert f"Matched {outcome.chosen.size} of" in result.stdout


def test_json_prints_the_summary_and_nothing_else_on_stdout(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = matcher("match", str(small), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert Decimal(str(printed["total_cost"])) == OPTIMAL_COST
    assert {a["request_id"]: a["provider_id"] for a in read_rows(out / "assignments.csv")} == (
        OPTIMUM
    )


def test_pins_and_forbids_are_honoured(small: Path, tmp_path: Path) -> None:
    pin = overrides_file(tmp_path / "pin.csv", "R2,P2,pin")
    result = matcher("match", str(small), "--out", str(tmp_path / "a"), "--overrides", pin)
    assert result.exit_code == 0, result.output
    placed = {
        a["request_id"]: a["provider_id"] for a in read_rows(tmp_path / "a" / "assignments.csv")
    }
    assert placed == {"R1": "P1", "R2": "P2"}

    forbid = overrides_file(tmp_path / "forbid.csv", "R1,P2,forbid")
    result = matcher("match", str(small), "--out", str(tmp_path / "b"), "--overrides", forbid)
    assert result.exit_code == 0, result.output
    placed = {
        a["request_id"]: a["provider_id"] for a in read_rows(tmp_path / "b" / "assignments.csv")
    }
    assert placed["R1"] == "P1"


def test_contradictory_pins_exit_3_and_name_both_pins(small: Path, tmp_path: Path) -> None:
    pins = overrides_file(tmp_path / "o.csv", "R1,P1,pin", "R2,P1,pin")
    out = tmp_path / "out"
    result = matcher("match", str(small), "--out", str(out), "--overrides", pins, "--json")
    assert result.exit_code == 3
    assert "pin R1 to P1" in result.stderr
    assert "pin R2 to P1" in result.stderr
    assert json.loads(result.stdout)["status"] == "infeasible"
    assert not out.exists()


def test_a_bad_overrides_file_exits_1_naming_file_row_and_column(
    small: Path, tmp_path: Path
) -> None:
    bad = overrides_file(tmp_path / "overrides.csv", "R1,P1,pin", "R2,P1,always")
    result = matcher("match", str(small), "--out", str(tmp_path / "out"), "--overrides", bad)
    assert result.exit_code == 1
    line = next(line for line in result.stderr.splitlines() if "always" in line)
    assert "overrides.csv" in line
    assert " 3 " in line
    assert "action" in line
    assert "Nothing was matched" in result.stderr


def test_a_round_with_errors_exits_1_like_an_import(tmp_path: Path) -> None:
    result = matcher("match", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["match", "--out", "OUT"],
        ["match", "ROUND", "--db", "sqlite:///x.sqlite", "--out", "OUT"],
        ["match", "ROUND", "--out", "OUT", "--export-model", "model.txt"],
        ["match", "ROUND", "--out", "OUT", "--solver", "gurobi"],
        ["recommend", "R1"],
    ],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    args = [str(tmp_path / a) if a in ("OUT", "ROUND") else a for a in args]
    assert matcher(*args).exit_code == 2


def test_a_solver_failure_exits_4_and_writes_nothing(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        name = "broken"

        def solve(self, task: StageTask) -> StageResult:
            empty = task.problem.pair_pinned[task.part.cols] & False
            return StageResult(StageStatus.ERROR, empty, 0, float("nan"), 0.0, "licence expired")

    monkeypatch.setattr(engine, "backend_named", lambda name: Broken())
    out = tmp_path / "out"
    result = matcher("match", str(small), "--out", str(out))
    assert result.exit_code == 4
    assert "licence expired" in result.stderr
    assert not out.exists()


def test_export_model_writes_the_file_and_still_solves(small: Path, tmp_path: Path) -> None:
    model = tmp_path / "round.mps"
    out = tmp_path / "out"
    result = matcher("match", str(small), "--out", str(out), "--export-model", str(model))
    assert result.exit_code == 0, result.output
    assert "ROWS" in model.read_text(encoding="utf-8")
    assert (out / "assignments.csv").exists()


def test_previous_assignments_are_read_for_a_warm_start(small: Path, tmp_path: Path) -> None:
    assert matcher("match", str(small), "--out", str(tmp_path / "first")).exit_code == 0
    again = matcher(
        "match",
        str(small),
        "--out",
        str(tmp_path / "again"),
        "--solver",
        "scip",
        "--previous",
        str(tmp_path / "first" / "assignments.csv"),
    )
    assert again.exit_code == 0, again.output
    assert read_rows(tmp_path / "again" / "assignments.csv")[0]["provider_id"] == OPTIMUM["R1"]
    (tmp_path / "broken.csv").write_text("request;provider\nR1;P1\n")
    bad = matcher(
        "match",
        str(small),
        "--out",
        str(tmp_path / "x"),
        "--previous",
        str(tmp_path / "broken.csv"),
    )
    assert bad.exit_code == 1
    assert "request_id" in bad.stderr


def test_match_the_stored_round_with_db(db_url: str, tmp_path: Path) -> None:
    rounds.init_database(db_url)
    rounds.import_round(TINY, db_url, actor=STEWARD)
    from_db = matcher("match", "--db", db_url, "--out", str(tmp_path / "db"), "--json")
    assert from_db.exit_code == 0, from_db.output
    from_dir = matcher("match", str(TINY), "--out", str(tmp_path / "dir"), "--json")
    for name in ("assignments.csv", "unassigned.csv"):
        assert (tmp_path / "db" / name).read_bytes() == (tmp_path / "dir" / name).read_bytes()
    assert json.loads(from_db.stdout)["total_cost"] == json.loads(from_dir.stdout)["total_cost"]


def test_match_an_uninitialised_database_exits_1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    result = matcher("match", "--db", url, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "matcher db init" in result.stderr


def test_recommend_ranks_the_providers_of_one_request(small: Path) -> None:
    table = matcher("recommend", "R2", str(small))
    assert table.exit_code == 0, table.output
    lines = [line for line in table.stdout.splitlines() if " P1 " in line or " P2 " in line]
    assert "P1" in lines[0]  # 3 x 55 = 165 before 3 x 66 = 198
    assert "+33.00" in lines[1]

    as_json = matcher("recommend", "R2", str(small), "--json")
    ranked = json.loads(as_json.stdout)
    assert [(r["provider_id"], r["rank"], r["cost"]) for r in ranked] == [
        ("P1", 1, 165.0),
        ("P2", 2, 198.0),
    ]


def test_recommend_names_why_a_bidder_is_not_admissible(db_url: str) -> None:
    rounds.init_database(db_url)
    rounds.import_round(TINY, db_url, actor=STEWARD)
    result = matcher("recommend", "R003", "--db", db_url, "--json")
    assert result.exit_code == 0, result.output
    by_provider = {r["provider_id"]: r for r in json.loads(result.stdout)}
    assert by_provider["P001"]["rank"] is None
    assert by_provider["P001"]["rejection_code"] == "missing_specialism"
    assert by_provider["P003"]["rank"] == 1


def test_recommend_an_unknown_request_exits_1(small: Path) -> None:
    result = matcher("recommend", "R99", str(small))
    assert result.exit_code == 1
    assert "R99" in result.stderr


def test_an_error_only_in_history_stops_match_and_import_but_not_recommend(
    tmp_path: Path, sqlite_url: str
) -> None:
    """Recommend does not read history.csv (services.recommend): it ranks as on the clean
    round, while match and import check the whole round and refuse it."""
    bad = copy_tiny(tmp_path)
    set_cell(bad, "history.csv", 2, "units", "lots")

    ranked = matcher("recommend", "R001", str(bad), "--json")
    assert ranked.exit_code == 0, ranked.output
    assert ranked.stdout == matcher("recommend", "R001", str(TINY), "--json").stdout
    matched = matcher("match", str(bad), "--out", str(tmp_path / "out"))
    assert matched.exit_code == 1
    assert "history.csv" in matched.stderr
    assert matcher("db", "init", "--db", sqlite_url).exit_code == 0
    imported = matcher("import", str(bad), "--db", sqlite_url)
    assert imported.exit_code == 1
    assert "history.csv" in imported.stderr


def test_an_error_in_another_requests_bid_stops_match_and_that_request_but_not_this_one(
    tmp_path: Path,
) -> None:
    """Recommend reads the one request's rows (services.recommend.OneRequest): a bad bid on
    R002 leaves R001's ranking as on the clean round, and is reported for R002 as by match."""
    bad = copy_tiny(tmp_path)
    set_cell(bad, "bids.csv", 4, "tariff", "lots")  # R002's bid from P001

    ranked = matcher("recommend", "R001", str(bad), "--json")
    assert ranked.exit_code == 0, ranked.output
    assert ranked.stdout == matcher("recommend", "R001", str(TINY), "--json").stdout
    refused = matcher("recommend", "R002", str(bad))
    matched = matcher("match", str(bad), "--out", str(tmp_path / "out"))
    assert refused.exit_code == matched.exit_code == 1
    assert "'lots' is not a number" in refused.stderr
    assert refused.stderr.strip() in matched.stderr  # the same table of errors


def test_match_counts_its_deadline_from_the_command_start(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command's clock says it started long ago: the limit is spent before the round is
    # read, so the result is still complete and each unplaced request says it was not explained.
    from matcher.cli import main as cli_main

    started_long_ago = types.SimpleNamespace(perf_counter=lambda: time.perf_counter() - 1e5)
    monkeypatch.setattr(cli_main, "time", started_long_ago)
    out = tmp_path / "out"
    result = matcher("match", str(small), "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 0, result.output
    unassigned = read_rows(out / "unassigned.csv")
    assert [row["request_id"] for row in unassigned] == ["R3"]
    assert unassigned[0]["reason_code"] == "not_explained"
    assert len(read_rows(out / "assignments.csv")) == 2
