"""The matching engine on the public Generalized Assignment Problem instances.

Each GAP instance becomes a round directory: one output-funded intervention with a band wide
enough for every cost, each agent a certified provider whose capacity row is the agent's
capacity, each job a normal-urgency request of 1 unit, and each (job, agent) a bid with
tariff = cost and units = resource use. Maximisation sets (gap1-gap12) bid M - profit with
M = max profit + 1, so the cheapest full assignment is the most profitable one. The round is
written with ``write_round``, read back with ``read_round`` and solved by ``match_round``:
the same path as ``matcher match``. The place_normal stage maximises placements first, so a
GAP solution is a round where every job is placed; the cost stage then is the GAP itself.

    python benchmarks/gap.py --sets 'gap*' --solver highs --time-limit 60
    python benchmarks/gap.py --sets 'a*,b*,c*,e*' --max-jobs 200 --solver cp-sat

Instances and best-known values come from /work/shared/bench/gap (README.md, optima.csv).
"""

import argparse
import csv
import fnmatch
import math
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.domain import (
    Bid,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Policy,
    Provider,
    Request,
    Round,
    Segment,
    Unit,
    Urgency,
)
from matcher.domain.entities import MAX_TARIFF
from matcher.matching import MatchOutcome, match_round

BENCH = Path("/work/shared/bench/gap")
DAY = date(2026, 1, 5)
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Instance:
    """One GAP instance: costs (or profits) and resource uses agent-major, and capacities."""

    name: str
    sense: str
    values: IntArray  # m x n: cost for min sets, profit for max sets
    weights: IntArray  # m x n resource use
    capacity: IntArray  # m
    best_known: int | None
    proven: bool

    @property
    def agents(self) -> int:
        return int(self.capacity.size)

    @property
    def jobs(self) -> int:
        return int(self.values.shape[1])


def read_block(path: Path, index: int) -> tuple[IntArray, IntArray, IntArray]:
    """Problem ``index`` (1-based) of an OR-Library file; one-instance files have no count."""
    tokens = np.asarray(path.read_text().split(), dtype=np.int64)
    pos = 0
    if path.parent.name == "orlib":
        count, pos = int(tokens[0]), 1
        if not 1 <= index <= count:
            raise ValueError(f"{path} holds {count} problems, not {index}")
    for k in range(1, index + 1):
        m, n = int(tokens[pos]), int(tokens[pos + 1])
        start = pos + 2
        if k == index:
            values = tokens[start : start + m * n].reshape(m, n)
            weights = tokens[start + m * n : start + 2 * m * n].reshape(m, n)
            capacity = tokens[start + 2 * m * n : start + 2 * m * n + m]
            return values, weights, capacity
        pos = start + 2 * m * n + m
    raise AssertionError("unreachable")


def instances(patterns: list[str], max_jobs: int | None) -> list[Instance]:
    """The instances of optima.csv whose name matches a pattern, in the file's order."""
    found = []
    with (BENCH / "optima.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["instance"]
            if not any(fnmatch.fnmatch(name, p) for p in patterns):
                continue
            if max_jobs is not None and int(row["n_jobs"]) > max_jobs:
                continue
            values, weights, capacity = read_block(BENCH / row["file"], int(row["problem_index"]))
            best = row["best_known"].strip()
            found.append(
                Instance(
                    name=name,
                    sense=row["sense"],
                    values=values,
                    weights=weights,
                    capacity=capacity,
                    best_known=int(best) if best else None,
                    proven=row["proven_optimal"].strip() == "yes",
                )
            )
    return found


def costs_of(instance: Instance) -> tuple[IntArray, int]:
    """Bid costs (minimised) and the M of the max -> min conversion (0 for min sets)."""
    if instance.sense == "max":
        big = int(instance.values.max()) + 1
        return big - instance.values, big
    return instance.values, 0


def tariff_scale(costs: IntArray) -> int:
    """Power of ten that brings every cost within the tariff limit, exactly (two decimals)."""
    for k in range(3):
        if int(costs.max()) <= MAX_TARIFF * 10**k:
            return k
    raise ValueError(f"costs up to {int(costs.max())} do not fit tariffs of two decimals")


def as_round(instance: Instance, time_limit: float) -> Round:
    """The instance as a round of the data contract (see the module docstring)."""
    costs, _ = costs_of(instance)
    k = tariff_scale(costs)
    top = Decimal(int(costs.max())).scaleb(-k)
    m, n = instance.values.shape
    agents = [f"A{i:02d}" for i in range(m)]
    return Round(
        interventions=(
            Intervention(
                intervention_id="GAP",
                name="gap job",
                law=Law.WMO,
                segment=Segment.B,
                product_group="benchmark",
                funding=Funding.OUTPUT,
                unit=Unit.HOUR,
                tariff_min=Decimal(0),
                tariff_max=top,
            ),
        ),
        providers=tuple(Provider(provider_id=a, name=f"agent {a}") for a in agents),
        certifications=tuple(
            Certification(
                provider_id=a, intervention_id="GAP", valid_from=DAY, valid_to=date(2026, 12, 31)
            )
            for a in agents
        ),
        capacity=tuple(
            CapacityRow(
                provider_id=a,
                intervention_id="GAP",
                capacity_units=Decimal(int(instance.capacity[i])),
            )
            for i, a in enumerate(agents)
        ),
        requests=tuple(
            Request(
                request_id=f"J{j:04d}",
                client_ref=f"C-{j:04d}",
                team_id="T1",
                intervention_id="GAP",
                units=Decimal(1),
                start_date=DAY,
                urgency=Urgency.NORMAL,
            )
            for j in range(n)
        ),
        bids=tuple(
            Bid(
                request_id=f"J{j:04d}",
                provider_id=agents[i],
                tariff=Decimal(int(costs[i, j])).scaleb(-k),
                units=Decimal(int(instance.weights[i, j])),
            )
            for j in range(n)
            for i in range(m)
        ),
        policy=Policy(round_date=DAY, time_limit_seconds=time_limit, mip_gap=0),
    )


@dataclass(frozen=True)
class Result:
    """One instance solved: our GAP value (in the instance's own sense) and the engine's view."""

    instance: Instance
    outcome: MatchOutcome | None
    ours: int | None
    assigned: int
    seconds: float
    note: str


def solve(instance: Instance, solver: str, time_limit: float, threads: int) -> Result:
    """Write, read back and match the instance's round; convert the cost back to GAP terms."""
    costs, big = costs_of(instance)
    k = tariff_scale(costs)
    with tempfile.TemporaryDirectory(prefix="gap-") as tmp:
        where = Path(tmp) / instance.name
        write_round(as_round(instance, time_limit), where)
        round_ = read_round(where).round
    started = time.perf_counter()
    try:
        outcome = match_round(round_, solver=solver, time_limit=time_limit, threads=threads)
    except ImportError as exc:  # a backend not present on this branch (e.g. cbc)
        return Result(instance, None, None, 0, 0.0, f"unavailable: {exc}")
    seconds = time.perf_counter() - started
    assigned = int(outcome.chosen.size)
    # Output funding: the cost is the tariff, in cents, scaled by 10^k.
    cost = outcome.objective_cents * 10**k
    if cost % 100:
        raise AssertionError(f"{instance.name}: cost {cost} cents is not whole")
    total = cost // 100
    ours = instance.jobs * big - total if instance.sense == "max" else total
    if not _feasible(instance, outcome, costs, total):
        raise AssertionError(f"{instance.name}: the engine's assignment breaks the GAP")
    return Result(instance, outcome, ours, assigned, seconds, _stage_note(outcome))


def _feasible(instance: Instance, outcome: MatchOutcome, costs: IntArray, total: int) -> bool:
    """Check the answer against the raw instance: capacities and the cost, independently."""
    problem = outcome.problem
    agent = np.asarray([int(problem.provider_ids[p][1:]) for p in problem.pair_provider])
    job = np.asarray([int(problem.request_ids[r][1:]) for r in problem.pair_request])
    a, j = agent[outcome.chosen], job[outcome.chosen]
    load = np.bincount(a, weights=instance.weights[a, j], minlength=instance.agents)
    return bool((load <= instance.capacity).all()) and int(costs[a, j].sum()) == total


def _stage_note(outcome: MatchOutcome) -> str:
    """Which stage stopped short of a proof (place_normal = finding a full assignment)."""
    # A NaN bound means the stage found no solution in time and the previous stage's answer
    # was kept unimproved (see matcher.matching.stages.solve_part).
    open_stages = [
        s.name + (" (no solution, earlier stage's kept)" if math.isnan(s.bound) else "")
        for s in outcome.stages
        if not s.proven
    ]
    if outcome.message:
        return outcome.message
    return "not proven: " + ", ".join(open_stages) if open_stages else ""


def gap_percent(result: Result) -> float | None:
    """How far ours is from the best known, in percent (positive = worse)."""
    best, ours = result.instance.best_known, result.ours
    if best is None or ours is None or result.assigned < result.instance.jobs:
        return None
    worse = ours - best if result.instance.sense == "min" else best - ours
    return 100.0 * worse / max(abs(best), 1)


def print_table(results: list[Result], solver: str) -> None:
    head = (
        f"{'instance':<10} {'sense':<5} {'jobs':>5} {'agents':>6} {'best':>7} {'ours':>7} "
        f"{'gap %':>7} {'seconds':>8} {'assigned':>8} {'status':<9} {'solver':<7} note"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        i = r.instance
        g = gap_percent(r)
        status = r.outcome.status if r.outcome else "-"
        if r.outcome and r.outcome.status in ("optimal", "feasible") and r.assigned < i.jobs:
            status = "partial"
        best = "-" if i.best_known is None else f"{i.best_known}{'' if i.proven else '*'}"
        print(
            f"{i.name:<10} {i.sense:<5} {i.jobs:>5} {i.agents:>6} {best:>7} "
            f"{'-' if r.ours is None else r.ours:>7} {'-' if g is None else f'{g:.3f}':>7} "
            f"{r.seconds:>8.2f} {r.assigned:>8} {status:<9} {solver:<7} {r.note}"
        )


def summarise(results: list[Result]) -> None:
    """How many proven instances reached their optimum; where the rest stopped."""
    proven = [r for r in results if r.instance.proven and r.ours is not None]
    hit = [r for r in proven if gap_percent(r) == 0.0]
    print(f"\nproven-optimal instances at their optimum: {len(hit)} of {len(proven)}")
    misses = [r.instance.name for r in proven if r not in hit]
    if misses:
        print("  not reached: " + ", ".join(misses))
    partial = [r.instance.name for r in results if r.outcome and r.assigned < r.instance.jobs]
    if partial:
        print("  not every job placed (no GAP solution found): " + ", ".join(partial))
    print("  * = best known is not proven optimal (an upper bound only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--solver", default="highs", help="highs, scip, cp-sat or cbc")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument(
        "--sets", default="*", help="comma-separated globs on instance names, e.g. 'gap*,a*'"
    )
    parser.add_argument("--max-jobs", type=int, default=None, help="skip larger instances")
    parser.add_argument("--threads", type=int, default=1, help="solver threads (CP-SAT)")
    args = parser.parse_args()
    chosen = instances([p.strip() for p in args.sets.split(",") if p.strip()], args.max_jobs)
    load = os.getloadavg()
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cpus, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"solver {args.solver}, {args.time_limit:g} s, {args.threads} thread(s); "
        f"{len(chosen)} instances"
    )
    results = []
    for instance in chosen:
        results.append(solve(instance, args.solver, args.time_limit, args.threads))
        r = results[-1]
        g = gap_percent(r)
        print(
            f"  {instance.name}: {r.ours} ({'-' if g is None else f'{g:.3f}%'}) "
            f"in {r.seconds:.2f} s {r.note}",
            flush=True,
        )
    print()
    print_table(results, args.solver)
    summarise(results)
    if any(math.isnan(s.bound) for r in results if r.outcome for s in r.outcome.stages):
        print("  some stage ran out of time before any bound was known")


if __name__ == "__main__":
    main()
