"""The batch against a real database (SQLite and PostgreSQL): one run record per date,
reruns replace, changes against the night before, and one batch at a time."""

from datetime import date

import numpy as np
import pytest
from sqlalchemy import Engine

from matcher.batch.run import BatchSettings
from matcher.data.db.engine import make_engine
from matcher.data.db.lock import BatchAlreadyRunningError, batch_lock
from matcher.data.db.runs import load_run, run_dates
from matcher.data.db.store import save_round
from matcher.domain import Round
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.services.batch import BatchSolveError, run_nightly
from matcher.services.history import batch_runs
from matcher.services.rounds import NoRoundStoredError
from tests.actors import ANNA
from tests.batch.builders import make_round, request

NIGHT1, NIGHT2 = date(2026, 11, 23), date(2026, 11, 24)
SETTINGS = BatchSettings(workers=1, time_limit=60, change_penalty_cents=0)


def two_requests(r2_at_p2: int = 30) -> Round:
    """R1 only at P1; R2 at P1 (EUR 40) or P2 (r2_at_p2)."""
    return make_round(
        [request("R1"), request("R2")],
        capacity={("P1", "I1"): 2, ("P2", "I1"): 2},
        bids={("R1", "P1"): 40, ("R2", "P1"): 40, ("R2", "P2"): r2_at_p2},
    )


def nightly(url: str, day: date, settings: BatchSettings = SETTINGS) -> dict[str, object]:
    return run_nightly(url, day, settings=settings, processes=False)


def test_a_run_is_written_whole_with_its_summary(db_url: str, engine: Engine) -> None:
    save_round(engine, two_requests(), source="t")
    summary = nightly(db_url, NIGHT1)
    record, proposals, changes = load_run(engine, NIGHT1)
    assert summary["status"] == record.status == "optimal"
    assert [(p.request_id, p.provider_id) for p in proposals] == [("R1", "P1"), ("R2", "P2")]
    assert {c.request_id: c.change for c in changes} == {"R1": "new", "R2": "new"}
    assert record.n_assigned == 2
    assert str(record.total_cost) == "70.00"
    assert record.summary["n_parts"] == summary["n_parts"]


def test_a_rerun_of_a_date_replaces_its_run(db_url: str, engine: Engine) -> None:
    save_round(engine, two_requests(), source="t")
    nightly(db_url, NIGHT1)
    save_round(engine, two_requests(r2_at_p2=60), source="t", replace=True)
    nightly(db_url, NIGHT1)
    assert run_dates(engine) == [NIGHT1]
    _, proposals, changes = load_run(engine, NIGHT1)
    assert [p.provider_id for p in proposals] == ["P1", "P1"]
    assert all(c.change == "new" for c in changes)  # no earlier night to compare with


def test_the_next_night_reports_what_changed(db_url: str, engine: Engine) -> None:
    save_round(engine, two_requests(), source="t")
    nightly(db_url, NIGHT1)
    save_round(engine, two_requests(r2_at_p2=60), source="t", replace=True)
    summary = nightly(db_url, NIGHT2)
    _, _, changes = load_run(engine, NIGHT2)
    assert [(c.request_id, c.change, c.previous_provider, c.provider_id) for c in changes] == [
        ("R2", "changed", "P2", "P1")
    ]
    assert (summary["n_new"], summary["n_changed"], summary["n_kept"]) == (0, 1, 1)


def test_a_second_batch_refuses_to_start_while_one_holds_the_lock(
    db_url: str, engine: Engine
) -> None:
    save_round(engine, two_requests(), source="t")
    other = make_engine(db_url)
    try:
        with batch_lock(other), pytest.raises(BatchAlreadyRunningError):
            nightly(db_url, NIGHT1)
    finally:
        other.dispose()
    assert run_dates(engine) == []
    nightly(db_url, NIGHT1)  # the lock is free again once the holder is done
    assert run_dates(engine) == [NIGHT1]


def test_an_empty_database_is_refused(db_url: str, engine: Engine) -> None:
    with pytest.raises(NoRoundStoredError):
        nightly(db_url, NIGHT1)


class _BrokenBackend:
    """A solver that fails every stage, as a crashed solver library would."""

    name = "broken"

    def solve(self, task: StageTask) -> StageResult:
        x = np.zeros(task.part.cols.size, dtype=np.bool_)
        return StageResult(StageStatus.ERROR, x, 0, float("nan"), 0.0, "solver crashed")


def test_a_failing_part_writes_nothing(
    db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    crowded = make_round(
        [request("R1"), request("R2")],
        capacity={("P1", "I1"): 1, ("P2", "I1"): 2},
        bids={("R1", "P1"): 40, ("R2", "P1"): 40, ("R2", "P2"): 30},
    )
    save_round(engine, crowded, source="t")
    # R1 and R2 compete for P1's one place: one part of two requests, so a solver is needed
    # (and fails). The workers are threads of this process (processes=False), so they see the patch.
    monkeypatch.setattr("matcher.batch.solve.backend_named", lambda _name: _BrokenBackend())
    with pytest.raises(BatchSolveError, match="part 0 failed: solver crashed"):
        nightly(db_url, NIGHT1)
    assert run_dates(engine) == []


def test_an_unknown_solver_is_refused_before_solving(db_url: str, engine: Engine) -> None:
    save_round(engine, two_requests(), source="t")
    with pytest.raises(BatchSolveError, match="unknown solver 'no-such-solver'"):
        nightly(db_url, NIGHT1, BatchSettings(workers=1, solver="no-such-solver"))
    assert run_dates(engine) == []


def test_the_run_record_carries_the_capacity_signals(db_url: str, engine: Engine) -> None:
    # Certificates of every provider end on 2027-12-31, within 12 months of the next-to-last
    # day of 2027: all certified capacity is at risk, so certification_expiry must fire.
    round_ = two_requests()
    save_round(engine, round_, source="t")
    late = date(2027, 6, 1)
    summary = nightly(db_url, late)
    record, _, _ = load_run(engine, late)
    signals = record.summary["capacity_signals"]
    assert summary["n_signals"] == len(signals) > 0
    assert {
        "type",
        "intervention_id",
        "area",
        "month",
        "severity",
        "value",
        "threshold",
        "detail",
        "action",
    } <= set(signals[0])
    assert "certification_expiry" in {s["type"] for s in signals}
    quiet = nightly(db_url, late, BatchSettings(workers=1, time_limit=60, signals=False))
    assert "capacity_signals" not in quiet


def test_the_history_lists_every_night_newest_first(db_url: str, engine: Engine) -> None:
    save_round(engine, two_requests(), source="t")
    nightly(db_url, NIGHT1)
    nightly(db_url, NIGHT2)
    table = batch_runs(db_url, ANNA)
    assert table["run_date"].tolist() == [NIGHT2, NIGHT1]
    assert table["n_assigned"].tolist() == [2, 2]
    assert table["total_cost"].tolist() == [70.0, 70.0]
    assert table["changes"].tolist() == [
        "0 new, 0 changed, 0 dropped, 2 kept",
        "2 new, 0 changed, 0 dropped, 0 kept",
    ]
