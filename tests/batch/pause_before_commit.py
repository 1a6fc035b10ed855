"""The SIGKILL test's child: ``matcher`` with a long pause just before the run is committed.

Production code has no hook for this. The child registers two SQLAlchemy listeners on every
engine before the CLI starts: one notes that the connection's transaction has inserted the
run record, the other, called when that transaction commits and before the COMMIT reaches
the database, announces ``paused_before_commit`` on stderr (as a JSON event, like the
batch's own) and sleeps. Every row of the run is then written and nothing is committed: the
worst moment to be killed.
"""

import json
import sys
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

PAUSE_SECONDS = 600
RUN_WRITTEN = "run_written"


def _note_run_insert(conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
    if statement.lstrip().upper().startswith("INSERT INTO RUNS "):
        conn.info[RUN_WRITTEN] = True


def _pause_before_commit(conn: Connection) -> None:
    if conn.info.pop(RUN_WRITTEN, False):
        sys.stderr.write(json.dumps({"event": "paused_before_commit"}) + "\n")
        sys.stderr.flush()
        time.sleep(PAUSE_SECONDS)


def main() -> None:
    """Install the listeners, then run the CLI with this process's arguments."""
    event.listen(Engine, "after_cursor_execute", _note_run_insert)
    event.listen(Engine, "commit", _pause_before_commit)
    from matcher.cli.main import run

    run()


if __name__ == "__main__":
    main()
