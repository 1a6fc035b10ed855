"""Two imports into one database at the same moment: each is whole, never a mix of the two.

Two real processes (spawned, each with its own engine) wait at a barrier and then import
different rounds (no id in common) into the same database. On PostgreSQL the import takes an
exclusive lock on ``round_state`` (``store._lock_round``); on SQLite the first write takes the
file's lock. Without that serialisation the second import's delete misses the first's new
rows and the database ends with both rounds' requests.
"""

import multiprocessing
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import NamedTuple

from sqlalchemy import Engine, select

from matcher.data.db.engine import make_engine
from matcher.data.db.schema import imports
from matcher.data.db.store import DatabaseNotEmptyError, load_round, save_round
from matcher.domain import Round
from tests.matching.builders import bid, capacity, make_round, provider, request

REQUESTS = 300
SPAWN = multiprocessing.get_context("spawn")


class Outcome(NamedTuple):
    """What one child's import did: its round's prefix and import id (None: refused)."""

    name: str
    import_id: int | None
    error: str = ""


def named_round(prefix: str) -> Round:
    """A round of REQUESTS requests and three providers, every id starting with prefix."""
    pids = [f"{prefix}-P{k}" for k in range(3)]
    rids = [f"{prefix}-R{k}" for k in range(REQUESTS)]
    return make_round(
        [provider(p) for p in pids],
        [request(r) for r in rids],
        [bid(r, p, "60") for r in rids for p in pids[:2]],
        [capacity(p, "400") for p in pids],
    )


def import_at_once(
    url: str, round_: Round, replace: bool, start: Barrier, results: "Queue[Outcome]"
) -> None:
    """The child: wait for the other import, then import round_; report what happened."""
    name = round_.requests[0].request_id.split("-")[0]
    engine = make_engine(url)
    try:
        start.wait(timeout=60)
        record = save_round(engine, round_, source=name, replace=replace)
        results.put(Outcome(name, record.import_id))
    except DatabaseNotEmptyError:
        results.put(Outcome(name, None))
    except Exception as exc:  # any other failure is the test's finding
        results.put(Outcome(name, None, f"{type(exc).__name__}: {str(exc)[:200]}"))
    finally:
        engine.dispose()


def race(url: str, rounds: dict[str, Round], replace: bool) -> list[Outcome]:
    """Import the rounds at once, one process each; their outcomes, in commit order."""
    start, results = SPAWN.Barrier(len(rounds)), SPAWN.Queue()
    children = [
        SPAWN.Process(target=import_at_once, args=(url, r, replace, start, results))
        for r in rounds.values()
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert [o.error for o in outcomes] == ["", ""], outcomes
    return sorted(outcomes, key=lambda o: -1 if o.import_id is None else o.import_id)


def import_sources(engine: Engine) -> list[str]:
    """The source of every import, oldest first."""
    with engine.connect() as connection:
        query = select(imports.c.source).order_by(imports.c.import_id)
        return [str(source) for source in connection.execute(query).scalars()]


def test_two_replacing_imports_at_once_leave_the_later_round_whole(
    db_url: str, engine: Engine
) -> None:
    save_round(engine, named_round("C"), source="C")
    rounds = {"A": named_round("A"), "B": named_round("B")}
    first, second = race(db_url, rounds, replace=True)
    assert first.import_id is not None
    assert second.import_id is not None
    assert load_round(engine) == rounds[second.name]
    assert import_sources(engine) == ["C", first.name, second.name]


def test_two_first_imports_at_once_store_one_round_and_refuse_the_other(
    db_url: str, engine: Engine
) -> None:
    rounds = {"A": named_round("A"), "B": named_round("B")}
    refused, imported = race(db_url, rounds, replace=False)
    assert refused.import_id is None
    assert imported.import_id is not None
    assert load_round(engine) == rounds[imported.name]
