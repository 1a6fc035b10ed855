"""Wall time of a what-if sweep run serially and on a local Dask cluster, and whether the
two give the same KPIs.

    python benchmarks/whatif_sweep.py data/demo --sweep growth=0:10:2 --sweep exit=P001,P004 \
        --time-limit 5 --workers 2

Prints the machine, the number of runs, serial seconds, Dask seconds (cluster start
included) and how many runs' KPIs differ (a solve cut short by its time limit may differ).
"""

import argparse
import os
import platform
import time
from pathlib import Path

from matcher.scenarios.run import BASELINE, RunSettings, run_on_dask, run_serial
from matcher.scenarios.sweep import sweep_scenarios
from matcher.services.rounds import round_from
from matcher.services.scenarios import whatif_cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round_dir", type=Path)
    parser.add_argument("--sweep", action="append", required=True)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-outlook", action="store_true", help="Skip the capacity analysis.")
    args = parser.parse_args()

    round_ = round_from(args.round_dir)[1]
    runs = [BASELINE, *sweep_scenarios(args.sweep)]
    settings = RunSettings(time_limit=args.time_limit, outlook=not args.no_outlook)
    print(
        f"{platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {len(runs)} runs of "
        f"{args.round_dir}, time limit {args.time_limit}"
    )
    started = time.perf_counter()
    serial = run_serial(round_, runs, settings)
    serial_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with whatif_cluster(None, args.workers) as (client, ran_on):
        parallel = run_on_dask(client, round_, runs, settings)
    dask_seconds = time.perf_counter() - started
    differ = sum(a.kpis != b.kpis for a, b in zip(serial, parallel, strict=True))
    print(f"serial: {serial_seconds:.1f} s")
    print(f"dask ({ran_on}): {dask_seconds:.1f} s, cluster start included")
    print(f"runs whose KPIs differ: {differ} of {len(runs)}")


if __name__ == "__main__":
    main()
