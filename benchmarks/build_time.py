"""Seconds of ``build_problem`` alone, on the rounds the other benchmarks solve.

``scale.py``'s scarce rounds (about 20 bids per request) at the sizes up to 20,000 and the
synthetic national round of ``batch.py`` (offers and bids, about 28 candidates per request)
above: the round is drawn first and not timed, then ``build_problem`` runs ``--repeat``
times. Prints requests, candidate and admissible pairs, limit rows and the build seconds
(best and worst), and the process's peak resident memory.

    python -m benchmarks.build_time --sizes 5000 20000 100000
"""

import argparse
import resource
import time

from benchmarks.national import national_round
from benchmarks.scale import scarce_round
from matcher.matching import build_problem

# Above this many requests the round is the national one (batch.py), below the scarce one.
NATIONAL_FROM = 50_000


def main() -> None:
    """Time the build at each size and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print("requests  round  pairs  rejected  limits  build s (best-worst)  peak MB")
    for size in args.sizes:
        national = size >= NATIONAL_FROM
        round_ = national_round(size) if national else scarce_round(size)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            problem = build_problem(round_)
            times.append(time.perf_counter() - started)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{size:>8}  {'national' if national else 'scarce':>8}  {problem.n_pairs:>8}"
            f"  {len(problem.rejections):>8}  {len(problem.limits):>6}"
            f"  {min(times):8.2f}-{max(times):.2f}  {peak:8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
