"""A batch killed with SIGKILL while writing leaves the database exactly as it was.

`matcher batch` runs as a real subprocess (with a LocalCluster of worker processes) through
`tests/batch/pause_before_commit.py`, which makes it sleep inside its write transaction after
every row is written, just before the COMMIT (production code carries no hook for this).
While it sleeps, a second batch must refuse to start; then the whole process group is killed
with SIGKILL, and every table must hold what it held before.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from matcher.data.db.engine import make_engine
from matcher.data.db.lock import BatchAlreadyRunningError
from matcher.data.db.migrate import upgrade
from matcher.data.db.schema import metadata
from matcher.data.db.store import save_round
from matcher.services.batch import run_nightly
from tests.batch.builders import make_round, request
from tests.batch.test_batch_db import NIGHT1, SETTINGS

ROOT = Path(__file__).resolve().parents[2]
CLI = "from tests.batch.pause_before_commit import main; main()"


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted."""
    with engine.connect() as connection:
        return {
            t.name: sorted(map(tuple, connection.execute(select(t))), key=repr)
            for t in metadata.sorted_tables
        }


@pytest.mark.parametrize("earlier_run", [False, True], ids=["first-run", "rerun"])
def test_sigkill_during_the_write_changes_nothing(db_url: str, earlier_run: bool) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    round_ = make_round(
        [request("R1"), request("R2"), request("R3")],
        capacity={("P1", "I1"): 1, ("P2", "I1"): 2},
        bids={("R1", "P1"): 40, ("R2", "P1"): 40, ("R2", "P2"): 30, ("R3", "P2"): 20},
    )
    save_round(engine, round_, source="t")
    if earlier_run:
        run_nightly(db_url, NIGHT1, settings=SETTINGS, processes=False)
    before = snapshot(engine)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    command = [sys.executable, "-c", CLI, "batch", "--db", db_url, "--date", "2026-11-23"]
    process = subprocess.Popen(
        [*command, "--workers", "1", "--change-penalty", "0", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the Dask workers die with it
    )
    try:
        assert process.stderr is not None
        events = []
        for line in process.stderr:
            if line.startswith("{"):
                events.append(json.loads(line)["event"])
                if events[-1] == "paused_before_commit":
                    break
        assert events[-1] == "paused_before_commit", events
        with pytest.raises(BatchAlreadyRunningError):
            run_nightly(db_url, NIGHT1, settings=SETTINGS, processes=False)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert snapshot(engine) == before
    engine.dispose()
