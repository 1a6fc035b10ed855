"""Does `matcher match --time-limit L` keep its time? Wall clock against the limit.

Each size draws the scarce synthetic round of ``benchmarks/scale.py`` (same seed, so the same
rounds), writes it as a round directory and runs the real command in a child process:

    python -m benchmarks.time_limits --sizes 1000,5000,20000 --time-limit 10

Columns: wall = the command's wall clock (start-up, reading, building, solving, explaining,
writing); build, solve and explain = the summary's own figures (solve counts from the start
of the build, so it includes build); wall/limit = what the user waited against what was
asked. The rule (models/matching.md, "One deadline for a run"): one deadline from the
command's start; reading, building and solving share the limit, explanations and writing
end within RUN_MARGIN (1.25) x the limit; the interpreter's start-up comes on top, and so
does whatever cannot be cut short (reading or building that alone outlasts the limit).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.scale import scarce_round
from matcher.data.writer import write_round

MATCHER = Path(sys.executable).with_name("matcher")


def run(size: int, limit: float, seed: int, folder: Path) -> dict[str, float | int | str]:
    """One size: write the round, run matcher match on it, read its summary."""
    round_dir = folder / f"round-{size}"
    write_round(scarce_round(size, seed), round_dir)
    out = folder / f"out-{size}"
    started = time.perf_counter()
    done = subprocess.run(
        [
            *(str(MATCHER), "match", str(round_dir), "--out", str(out), "--json"),
            *("--time-limit", str(limit)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"size": size, "wall": wall, "status": f"exit {done.returncode}"}
    summary = json.loads(done.stdout)
    return {
        "size": size,
        "wall": wall,
        "build": float(summary.get("build_seconds", 0.0)),
        "solve": float(summary["seconds"]),
        "explain": float(summary.get("explain_seconds", 0.0)),
        "status": str(summary["status"]),
        "placed": int(summary["n_assigned"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"# {platform.machine()}, {os.cpu_count()} cpus, load {load}; "
        f"matcher match --time-limit {args.time_limit:g}"
    )
    print(
        f"{'requests':>9} {'wall s':>8} {'build s':>8} {'solve s':>8} {'explain s':>9} "
        f"{'wall/limit':>10}  status"
    )
    with tempfile.TemporaryDirectory(prefix="matcher-limits-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            r = run(size, args.time_limit, args.seed, Path(tmp))
            ratio = float(r["wall"]) / args.time_limit
            print(
                f"{size:>9,} {float(r['wall']):>8.1f} {float(r.get('build', 0)):>8.1f} "
                f"{float(r.get('solve', 0)):>8.1f} "
                f"{float(r.get('explain', 0)):>9.1f} {ratio:>10.2f}  {r['status']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
