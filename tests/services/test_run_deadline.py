"""One deadline for a whole run (RunDeadline): each phase gets what is left of it, and a run
whose time is gone still writes a complete, valid result. The clock is the test's own, or
a start so far in the past that no machine is fast enough to matter: no wall-clock limits."""

import time
from pathlib import Path
from typing import Any

import pytest

from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.matching import MatchSettings, explain_outcome, open_requests
from matcher.matching.validate import validate_matches
from matcher.services import round_run
from matcher.services.matching import MatchOptions, match_directory
from matcher.services.round_run import (
    MIN_SOLVE,
    RUN_MARGIN,
    WRITE_SHARE,
    RoundSettings,
    RunDeadline,
    run_round,
)
from tests.services.small_rounds import narrow_p2, read_rows


class Hand:
    """A clock that moves only when the test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def spy(monkeypatch: pytest.MonkeyPatch, clock: Hand, solve_takes: float) -> dict[str, Any]:
    """Record the solve's time limit and the explanation's arguments; the solve moves the
    clock by ``solve_takes`` seconds."""
    seen: dict[str, Any] = {}
    real_solve = round_run._solve

    def solve(round_: Any, settings: MatchSettings, *args: Any) -> Any:
        seen["solve_limit"] = settings.time_limit
        clock.now += solve_takes
        return real_solve(round_, settings, *args)

    def explain(round_: Any, result: Any, **kwargs: Any) -> Any:
        seen["explain"] = kwargs
        return explain_outcome(round_, result, **kwargs)

    monkeypatch.setattr(round_run, "_solve", solve)
    monkeypatch.setattr(round_run, "explain_outcome", explain)
    return seen


def test_each_phase_gets_what_is_left_of_the_one_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Hand(104.0)  # the run started at 100: reading took 4 s of the 10 s limit
    seen = spy(monkeypatch, clock, solve_takes=3.0)
    run = RunDeadline(100.0, clock)
    report = run_round(narrow_p2(), RoundSettings(time_limit=10.0), deadline=run)
    assert seen["solve_limit"] == 6.0  # what was left of the limit after reading
    assert report.settings.time_limit == 10.0  # the report keeps the limit asked for
    plan = seen["explain"]
    assert plan["deadline"].end == 100.0 + (RUN_MARGIN - WRITE_SHARE) * 10.0
    assert plan["change_seconds"] == 2.5  # a quarter of the limit: the run took 7 s
    codes = [(u.request_id, u.code) for u in report.unplaced]
    assert codes == [("R1", "capacity_full"), ("R3", "tariff_out_of_band")]  # in time


def test_reading_past_the_limit_leaves_the_solve_its_least_and_short_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Hand(130.0)  # reading alone took 30 s of a 10 s limit
    seen = spy(monkeypatch, clock, solve_takes=0.0)
    report = run_round(
        narrow_p2(), RoundSettings(time_limit=10.0), deadline=RunDeadline(100.0, clock)
    )
    assert seen["solve_limit"] == MIN_SOLVE  # never negative, never nothing
    assert seen["explain"]["find_changes"] is False
    assert report.solved
    assert {p.request_id for p in report.proposals} == {"R2"}
    assert [(u.request_id, u.code) for u in report.unplaced] == [
        ("R1", "not_explained"),
        ("R3", "not_explained"),
    ]


def test_a_run_out_of_time_still_writes_every_request_validly(tmp_path: Path) -> None:
    source, out = tmp_path / "round", tmp_path / "out"
    write_round(narrow_p2(), source)
    long_ago = time.perf_counter() - 100_000.0  # the limit below is long gone when it starts
    summary = match_directory(source, out, MatchOptions(time_limit=5.0, started=long_ago))
    assert summary["status"] in ("optimal", "feasible")
    round_ = read_round(source).round
    assignments = read_rows(out / "assignments.csv")
    unassigned = read_rows(out / "unassigned.csv")
    matches = [(row["request_id"], row["provider_id"]) for row in assignments]
    assert validate_matches(round_, matches).violations == []
    listed = [row["request_id"] for row in assignments + unassigned]
    assert sorted(listed) == sorted(r.request_id for r in open_requests(round_))
    assert [row["reason_code"] for row in unassigned] == ["not_explained", "not_explained"]
    assert all("time limit" in row["detail"] for row in unassigned)
