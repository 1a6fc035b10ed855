"""Nightly batch at national scale: wall time and peak memory of `matcher batch`.

For each size the synthetic national round (benchmarks/national.py) is stored in a scratch
SQLite database, then `matcher batch --json` runs as a subprocess with 1 and with 2 local
workers. Peak memory is the largest sum of resident memory over the batch process and all
its children (the Dask scheduler side and the worker processes), sampled every 0.2 s.

    python benchmarks/batch.py --sizes 10000 30000 100000 --workers 1 2 --time-limit 120

Prints one line per run and a Markdown table at the end.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # installed with distributed

from benchmarks.national import national_round
from matcher.data.db.engine import make_engine
from matcher.data.db.store import save_round
from matcher.services.rounds import init_database

CLI = "from matcher.cli.main import run; run()"


def store(n_requests: int, directory: Path) -> str:
    """A scratch SQLite database holding the national round of n_requests."""
    url = f"sqlite:///{directory / f'national-{n_requests}.sqlite'}"
    init_database(url)
    engine = make_engine(url)
    try:
        save_round(engine, national_round(n_requests), source=f"national {n_requests}")
    finally:
        engine.dispose()
    return url


def measure(url: str, workers: int, time_limit: float) -> dict[str, Any]:
    """Run one batch; wall seconds, peak resident MB of the process tree, and its summary."""
    command = [sys.executable, "-c", CLI, "batch", "--db", url, "--date", "2026-11-23"]
    command += ["--workers", str(workers), "--time-limit", str(time_limit), "--json"]
    # The summary goes to a file, not a pipe: a pipe read only after the run ends blocks the
    # batch once its JSON outgrows the pipe's buffer (64 KB; 30,000 requests did).
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=log)
        root = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
        log.seek(0)
        events = [json.loads(line) for line in log.read().splitlines() if line.startswith(b"{")]
    if process.returncode != 0:
        raise RuntimeError(f"matcher batch exited with {process.returncode}")
    summary: dict[str, Any] = json.loads(output)
    parts = [e for e in events if e.get("event") == "part"]
    return {"wall": seconds, "peak_mb": peak / 2**20, "parts": parts, **summary}


def stage_gap(stage: dict[str, Any]) -> float:
    """Relative gap of one stage of one part, as the engine's rule forms it (inf: no bound)."""
    if stage["bound"] is None:
        return float("inf")
    bound, value = float(stage["bound"]), float(stage["objective"])
    return abs(bound - value) / max(abs(value), 1.0)


def worst_parts(parts: list[dict[str, Any]], n: int) -> list[str]:
    """The n parts with the largest stage gap, one line each with every stage record."""
    ranked = sorted(parts, key=lambda p: max(map(stage_gap, p["stages"]), default=0.0))
    lines = []
    for part in reversed(ranked[-n:] if n else []):
        stages = "; ".join(
            f"{s['name']} {s['status']} value {s['objective']} bound {s['bound']} "
            f"gap {stage_gap(s):.4f} {s['seconds']:.1f} s"
            for s in part["stages"]
        )
        lines.append(
            f"  part {part['part']}: {part['n_requests']} requests, {part['n_pairs']} pairs, "
            f"{part['seconds']:.1f} s, {part['status']}: {stages or 'no solver'}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument(
        "--worst", type=int, default=0, help="print the N parts with the largest stage gap"
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="matcher-batch-") as scratch:
        for n in args.sizes:
            url = store(n, Path(scratch))
            for workers in args.workers:
                r = measure(url, workers, args.time_limit)
                t = r["timings"]
                rows.append((n, workers, r))
                print(
                    f"{n} requests, {workers} worker(s): {r['wall']:.1f} s wall, "
                    f"{r['peak_mb']:.0f} MB peak; {r['status']}, gap {r['gap']}, "
                    f"{r['n_assigned']} placed, {r['n_parts']} parts; load {t['load']:.1f} s, "
                    f"build {t['build']:.1f} s, solve {t['solve']:.1f} s",
                    flush=True,
                )
                for line in worst_parts(r["parts"], args.worst):
                    print(line, flush=True)
    print(
        "\n| requests | workers | wall s | peak MB | load s | build s | solve s | parts | "
        "placed | status | gap |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for n, workers, r in rows:
        t = r["timings"]
        print(
            f"| {n:,} | {workers} | {r['wall']:.1f} | {r['peak_mb']:.0f} | {t['load']:.1f} | "
            f"{t['build']:.1f} | {t['solve']:.1f} | {r['n_parts']} | {r['n_assigned']:,} | "
            f"{r['status']} | {r['gap']:.4f} |"
        )


if __name__ == "__main__":
    main()
