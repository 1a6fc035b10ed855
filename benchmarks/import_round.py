"""How long reading, validating, storing and loading a round takes as the round grows.

A round of N regions is N demo regions (seeds 1..N) side by side: one shared list of
interventions, every other identifier prefixed by its region. Prints one line per size and
backend: rows, CSV size, seconds per phase and peak Python memory while reading.

    python benchmarks/import_round.py --regions 1 5 20 [--postgres]

With --postgres it also stores into a scratch database it creates on the PostgreSQL server
at 127.0.0.1:5432 and drops afterwards.
"""

import argparse
import platform
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import psycopg

from matcher.data.db.engine import make_engine
from matcher.data.db.migrate import upgrade
from matcher.data.db.store import load_round, save_round
from matcher.data.demo import generate_region
from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.domain import Round
from matcher.domain.entities import Entity

PREFIXED = {"provider_id", "request_id", "team_id", "client_ref", "current_provider"}
PREFIXED_LISTS = {"preferred_providers", "excluded_providers"}
E = TypeVar("E", bound=Entity)
T = TypeVar("T")


def prefixed(entity: E, tag: str) -> E:
    """The entity with every provider, request, team and client identifier prefixed by tag."""
    update: dict[str, object] = {}
    for name in type(entity).model_fields:
        value = getattr(entity, name)
        if name in PREFIXED and value is not None:
            update[name] = f"{tag}{value}"
        elif name in PREFIXED_LISTS:
            update[name] = tuple(f"{tag}{v}" for v in value)
    return entity.model_copy(update=update)


def regions(count: int) -> Round:
    """count demo regions side by side, sharing the list of interventions."""
    parts = [generate_region(seed=k) for k in range(1, count + 1)]
    tables: dict[str, object] = {"interventions": parts[0].interventions, "policy": parts[0].policy}
    for name in Round.model_fields:
        if name not in tables:
            tables[name] = tuple(
                prefixed(e, f"G{k}-")
                for k, part in enumerate(parts, 1)
                for e in getattr(part, name) or ()
            )
    return Round.model_validate(tables)


def timed(action: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def measure(count: int, urls: list[str]) -> None:
    round_, generate_s = timed(lambda: regions(count))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "round"
        _, write_s = timed(lambda: write_round(round_, directory))
        megabytes = sum(p.stat().st_size for p in directory.iterdir()) / 1e6
        read, read_s = timed(lambda: read_round(directory))
        tracemalloc.start()  # a second read for memory: tracing slows it down several times
        read_round(directory)
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert read.round == round_, "the round read back differs from the one written"
    rows = sum(len(getattr(round_, n) or ()) for n in Round.model_fields if n != "policy")
    print(
        f"regions={count:3d} requests={len(round_.requests):7d} rows={rows:8d} "
        f"csv={megabytes:7.1f}MB generate={generate_s:6.2f}s write={write_s:6.2f}s "
        f"read+validate={read_s:6.2f}s peak_read_mem={peak_mb:7.1f}MB"
    )
    for url in urls:
        save_s, load_s = store_and_load(url, round_)
        backend = url.split(":", 1)[0]
        print(f"    {backend:12s} save={save_s:6.2f}s load={load_s:6.2f}s")


def store_and_load(url: str, round_: Round) -> tuple[float, float]:
    """Seconds to store round_ (replacing what is there) and to load it back."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        _, save_s = timed(lambda: save_round(engine, round_, source="benchmark", replace=True))
        loaded, load_s = timed(lambda: load_round(engine))
    finally:
        engine.dispose()
    assert loaded == round_, "the round loaded back differs from the one saved"
    return save_s, load_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--regions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--postgres", action="store_true", help="also store in PostgreSQL")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres(args.postgres) as pg_url:
        urls = [f"sqlite:///{Path(tmp) / 'bench.sqlite'}", *([pg_url] if pg_url else [])]
        for count in args.regions:
            measure(count, urls)


@contextmanager
def scratch_postgres(wanted: bool) -> Iterator[str | None]:
    """A new database on the local PostgreSQL server, dropped afterwards."""
    if not wanted:
        yield None
        return
    name = f"matcher_bench_{uuid.uuid4().hex[:10]}"
    admin_dsn = "host=127.0.0.1 port=5432 user=postgres dbname=test"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
