"""How the matching engine scales on synthetic scarce rounds, per solver, against the greedy.

A round of N requests is drawn from a seed: a grid of areas (about 100 requests each), ten
interventions, local providers certified for a few interventions and serving the areas
within two cells, and a few dominant providers certified for most interventions over a wide
radius. Every request gets bids from about 20 eligible providers. Capacity per intervention
is 60-100% of its demand (scarce), dominant providers also have a total (``*``) row, and
teams have budgets below what their requests would cost. Units vary from 0.5 to 8 hours.

Each (size, solver) runs in a child process, so a solver crash is reported, not fatal, and
the peak memory is that run's own: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the
child (native solver memory included), next to the resident size after drawing the round.

    python benchmarks/scale.py --sizes 1000,5000,20000 --solvers highs,scip,cp-sat,cbc

Columns: build = build_problem seconds; solve = matcher.matching.solve seconds (decompose + stages);
wall = build + solve; gap = largest relative stage gap; placed = requests matched; greedy =
the hand-matching baseline (matcher.matching.greedy) on the same problem.
"""

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from matcher.domain import (
    Bid,
    Budget,
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
from matcher.matching import (
    CLASS_STAGES,
    MatchingProblem,
    MatchSettings,
    build_problem,
    greedy_matches,
    solve,
)

DAY = date(2026, 3, 2)
N_INTERVENTIONS = 10
REQUESTS_PER_AREA = 100
BIDS_PER_REQUEST = 20
# Degrees of one grid cell: about 5 km either way in the Netherlands.
CELL_LAT, CELL_LON = 0.045, 0.073


def _interventions(rng: np.random.Generator) -> tuple[list[Intervention], np.ndarray]:
    """Ten interventions, seven paid per hour and three per arrangement, and their base tariffs."""
    items, base = [], []
    for i in range(N_INTERVENTIONS):
        effort = i < 7
        tariff = float(rng.uniform(55, 95)) if effort else float(rng.uniform(400, 1500))
        base.append(tariff)
        items.append(
            Intervention(
                intervention_id=f"I{i:02d}",
                name=f"intervention {i}",
                law=Law.WMO if i % 2 else Law.JEUGDWET,
                segment=Segment.B if i < 6 else Segment.C,
                product_group="begeleiding" if effort else "verblijf",
                funding=Funding.EFFORT if effort else Funding.OUTPUT,
                unit=Unit.HOUR,
                tariff_min=Decimal(f"{tariff * 0.85:.2f}"),
                tariff_max=Decimal(f"{tariff * 1.25:.2f}"),
            )
        )
    return items, np.asarray(base)


def scarce_round(n_requests: int, seed: int = 1, time_limit: float = 60.0) -> Round:
    """A scarce round of n_requests requests with about 20 admissible pairs each."""
    rng = np.random.default_rng(seed)
    side = max(3, math.ceil(math.sqrt(n_requests / REQUESTS_PER_AREA)))
    interventions, base = _interventions(rng)
    iids = [i.intervention_id for i in interventions]

    # Providers: local ones (a few interventions, radius 2 cells) and a few dominant ones.
    n_dominant = 3 + n_requests // 5000
    n_local = max(100, n_requests // 12)
    n_prov = n_dominant + n_local
    dominant = np.arange(n_prov) < n_dominant
    home = rng.integers(0, side, size=(n_prov, 2))
    radius = np.where(dominant, rng.integers(4, 7, n_prov), 2)
    certified = np.zeros((n_prov, N_INTERVENTIONS), dtype=bool)
    for p in range(n_prov):
        k = int(rng.integers(7, 11)) if dominant[p] else int(rng.integers(2, 5))
        certified[p, rng.choice(N_INTERVENTIONS, size=k, replace=False)] = True
    price = base[None, :] * np.where(
        dominant[:, None],
        rng.uniform(0.9, 1.05, (n_prov, N_INTERVENTIONS)),
        rng.uniform(0.9, 1.2, (n_prov, N_INTERVENTIONS)),
    )
    pids = [f"{'D' if dominant[p] else 'P'}{p:05d}" for p in range(n_prov)]
    jitter = rng.uniform(-0.4, 0.4, size=(n_prov, 2))
    providers = [
        Provider(
            provider_id=pids[p],
            name=f"provider {p}",
            lat=round(52.0 + (home[p, 0] + jitter[p, 0]) * CELL_LAT, 5),
            lon=round(4.5 + (home[p, 1] + jitter[p, 1]) * CELL_LON, 5),
        )
        for p in range(n_prov)
    ]

    # Requests: an area, an intervention, 0.5-8 hours, urgency and waiting time.
    area = rng.integers(0, side, size=(n_requests, 2))
    where = area + rng.uniform(-0.5, 0.5, size=(n_requests, 2))
    wanted = rng.integers(0, N_INTERVENTIONS, n_requests)
    units = np.round(rng.uniform(0.5, 8.0, n_requests) * 4) / 4
    urgency = rng.choice(
        [Urgency.CRISIS, Urgency.HIGH, Urgency.NORMAL], n_requests, p=[0.05, 0.15, 0.8]
    )
    waited = np.where(rng.random(n_requests) < 0.7, rng.integers(0, 60, n_requests), -1)
    team_side = max(1, side // 2)
    team = (area[:, 0] // 2) * team_side + area[:, 1] // 2

    # Candidates: certified for the intervention and serving the area; dominant ones weigh more.
    serves = np.abs(home[None, :, :] - area[:, None, :]).max(axis=2) <= radius[None, :]
    requests: list[Request] = []
    bids: list[Bid] = []
    team_cost: dict[tuple[int, Segment], float] = {}
    for r in range(n_requests):
        i = int(wanted[r])
        eligible = np.flatnonzero(serves[r] & certified[:, i])
        if eligible.size > BIDS_PER_REQUEST:
            weight = np.where(dominant[eligible], 3.0, 1.0)
            eligible = rng.choice(
                eligible, size=BIDS_PER_REQUEST, replace=False, p=weight / weight.sum()
            )
        tariffs = price[eligible, i] * rng.uniform(0.98, 1.02, eligible.size)
        band = interventions[i]
        tariffs = np.clip(tariffs, float(band.tariff_min), float(band.tariff_max))
        rid = f"R{r:06d}"
        for p, t in zip(eligible.tolist(), tariffs.tolist(), strict=True):
            bids.append(Bid(request_id=rid, provider_id=pids[p], tariff=Decimal(f"{t:.2f}")))
        ranked = eligible.tolist()
        rng.shuffle(ranked)
        prefers = rng.random() < 0.3 and ranked
        current = rng.random() < 0.1 and ranked
        requests.append(
            Request(
                request_id=rid,
                client_ref=f"C-{r:06X}",
                team_id=f"T{int(team[r]):03d}",
                intervention_id=iids[i],
                units=Decimal(f"{units[r]:.2f}"),
                start_date=DAY,
                urgency=urgency[r],
                lat=round(52.0 + where[r, 0] * CELL_LAT, 5),
                lon=round(4.5 + where[r, 1] * CELL_LON, 5),
                preferred_providers=tuple(pids[p] for p in ranked[:2]) if prefers else (),
                current_provider=pids[ranked[-1]] if current else None,
                waiting_since=DAY - timedelta(weeks=int(waited[r])) if waited[r] >= 0 else None,
            )
        )
        if eligible.size:
            effort = band.funding is Funding.EFFORT
            typical = float(np.median(tariffs)) * (float(units[r]) if effort else 1.0)
            key = (int(team[r]), band.segment)
            team_cost[key] = team_cost.get(key, 0.0) + typical

    # Capacity: 60-100% of each intervention's demand, split over its certified providers.
    demand = np.bincount(wanted, weights=units, minlength=N_INTERVENTIONS)
    share = np.where(dominant, 5.0, 1.0)[:, None] * rng.lognormal(0, 0.5, (n_prov, N_INTERVENTIONS))
    share = np.where(certified, share, 0.0)
    ratio = rng.uniform(0.6, 1.0, N_INTERVENTIONS)
    amount = share / np.maximum(share.sum(axis=0), 1e-9) * (ratio * demand)[None, :]
    capacity = [
        CapacityRow(
            provider_id=pids[p], intervention_id=iids[i], capacity_units=Decimal(f"{max(a, 1):.2f}")
        )
        for p, i in zip(*np.nonzero(certified), strict=True)
        for a in [float(amount[p, i])]
    ]
    capacity += [
        CapacityRow(
            provider_id=pids[p],
            intervention_id="*",
            capacity_units=Decimal(f"{max(0.85 * amount[p].sum(), 1):.2f}"),
        )
        for p in np.flatnonzero(dominant).tolist()
    ]
    budgets = [
        Budget(team_id=f"T{t:03d}", segment=s, amount=Decimal(f"{0.85 * cost:.2f}"))
        for (t, s), cost in sorted(team_cost.items(), key=lambda kv: (kv[0][0], kv[0][1].value))
    ]
    certifications = [
        Certification(
            provider_id=pids[p],
            intervention_id=iids[i],
            valid_from=date(2025, 1, 1),
            valid_to=date(2027, 12, 31),
        )
        for p, i in zip(*np.nonzero(certified), strict=True)
    ]
    return Round(
        interventions=tuple(interventions),
        providers=tuple(providers),
        certifications=tuple(certifications),
        capacity=tuple(capacity),
        requests=tuple(requests),
        bids=tuple(bids),
        budgets=tuple(budgets),
        policy=Policy(round_date=DAY, max_distance_km=50, time_limit_seconds=time_limit),
    )


def _per_class(problem: MatchingProblem, chosen: np.ndarray) -> list[int]:
    ranks = problem.urgency_rank[problem.pair_request[chosen]]
    return [int((ranks == k).sum()) for k in range(len(CLASS_STAGES))]


def _stage_values(problem: MatchingProblem, chosen: np.ndarray) -> list[int]:
    """What an answer scores in each stage: the aging points placed per class, then the cost
    stage's objective in cents (the greedy baseline's stage values, beside the engine's)."""
    requests = problem.pair_request[chosen]
    ranks = problem.urgency_rank[requests]
    points = [int(problem.weight[requests][ranks == k].sum()) for k in range(len(CLASS_STAGES))]
    return [*points, int(problem.pair_objective[chosen].sum())]


def _maxrss_mb() -> float:
    """Peak resident size of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(size: int, solver: str, seed: int, time_limit: float, threads: int) -> dict[str, Any]:
    """Draw, build, solve and run the greedy once; the figures as a dict (run in a child)."""
    started = time.perf_counter()
    round_ = scarce_round(size, seed, time_limit)
    draw_seconds = time.perf_counter() - started
    rss_round = _maxrss_mb()
    t0 = time.perf_counter()
    problem = build_problem(round_)
    build_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    outcome = solve(problem, MatchSettings(solver=solver, time_limit=time_limit, threads=threads))
    solve_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    greedy = greedy_matches(problem)
    greedy_seconds = time.perf_counter() - t0
    demand = sum(float(r.units) for r in round_.requests)
    supply = sum(float(c.capacity_units) for c in round_.capacity if c.intervention_id != "*")
    return {
        "size": size,
        "solver": solver,
        "requests": problem.n_requests,
        "pairs": problem.n_pairs,
        "limits": len(problem.limits),
        "parts": outcome.n_parts,
        "supply_ratio": supply / demand,
        "draw_s": draw_seconds,
        "build_s": build_seconds,
        "solve_s": solve_seconds,
        "status": outcome.status,
        "message": outcome.message,
        "objective": outcome.objective_cents / 100,
        "gap": outcome.gap,
        "open_stages": [s.name for s in outcome.stages if not s.proven],
        "stages": [[s.name, s.objective, s.bound, s.proven] for s in outcome.stages],
        "placed": _per_class(problem, outcome.chosen),
        "greedy_placed": _per_class(problem, greedy),
        "greedy_objective": int(problem.pair_objective[greedy].sum()) / 100,
        "greedy_stages": _stage_values(problem, greedy),
        "greedy_s": greedy_seconds,
        "rss_round_mb": rss_round,
        "peak_mb": _maxrss_mb(),
    }


def run_child(size: int, solver: str, args: argparse.Namespace) -> dict[str, Any]:
    """run_one in a fresh interpreter: isolated memory figures, and a crash is only a row."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        f"--sizes={size}",
        f"--solvers={solver}",
        f"--seed={args.seed}",
        f"--time-limit={args.time_limit}",
        f"--threads={args.threads}",
    ]
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=args.time_limit * 4 + 600, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "size": size,
            "solver": solver,
            "status": f"crashed ({done.returncode})",
            "why": tail,
        }
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def print_row(r: dict[str, Any]) -> None:
    if "pairs" not in r:
        print(f"{r['size']:>6} {r['solver']:<7} {r['status']}: {r.get('why', '')}")
        return
    placed, greedy = r["placed"], r["greedy_placed"]
    diff = "/".join(f"{a - b:+d}" for a, b in zip(placed, greedy, strict=True))
    wall = r["build_s"] + r["solve_s"]
    # outcome.gap skips stages without a bound (out of time before any solution): show that.
    no_bound = any(not proven and math.isnan(bound) for _, _, bound, proven in r["stages"])
    gap = "no bound" if no_bound else f"{100 * r['gap']:.4f}"
    print(
        f"{r['requests']:>6} {r['solver']:<7} {r['pairs']:>7} {r['parts']:>5} "
        f"{r['build_s']:>6.2f} {r['solve_s']:>7.2f} {wall:>7.2f} {r['status']:<8} "
        f"{r['objective']:>12.2f} {gap:>8} "
        f"{'/'.join(map(str, placed)):>15} {r['peak_mb']:>7.0f} "
        f"{'/'.join(map(str, greedy)):>15} {r['greedy_objective']:>12.2f} {diff:>12} "
        f"{r['objective'] - r['greedy_objective']:>+11.2f}"
        + (f"  open: {','.join(r['open_stages'])}" if r["open_stages"] else "")
        + (f"  {r['message']}" if r["message"] else "")
    )


def print_stages(r: dict[str, Any]) -> None:
    """One line per stage: value, bound, gap against that bound, and the greedy's value."""
    names = [*CLASS_STAGES, "cost"]
    greedy = dict(zip(names, r["greedy_stages"], strict=True))
    for name, value, bound, proven in r["stages"]:
        gap = abs(bound - value) / max(abs(bound), 1.0) if math.isfinite(bound) else math.nan
        base = greedy[name]
        over = (value - base) / max(abs(base), 1) if base else math.nan
        unit = "cents" if name == "cost" else "points"
        print(
            f"{'':>6} {'':<7} {name:<13} {value:>14,} {unit:<6} bound {bound:>16,.0f} "
            f"gap {100 * gap:6.2f}%  greedy {base:>14,} ({100 * over:+.2f}%)"
            + ("  proven" if proven else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated request counts")
    parser.add_argument("--solvers", default="highs,scip,cp-sat,cbc")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    parser.add_argument("--threads", type=int, default=1, help="solver threads (CP-SAT)")
    parser.add_argument("--cbc-max", type=int, default=5000, help="skip cbc above this size")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    if args.child:
        print(json.dumps(run_one(sizes[0], solvers[0], args.seed, args.time_limit, args.threads)))
        return
    load = os.getloadavg()
    print(
        f"# {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, "
        f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; seed {args.seed}, "
        f"time limit {args.time_limit:g} s, {args.threads} thread(s)"
    )
    print(
        "# peak MB = getrusage ru_maxrss of the child process (round drawing included); "
        "placed and greedy are crisis/high/normal counts; objective in EUR (cost + weighted terms)"
    )
    print(
        f"{'reqs':>6} {'solver':<7} {'pairs':>7} {'parts':>5} {'build':>6} {'solve':>7} "
        f"{'wall':>7} {'status':<8} {'objective':>12} {'gap %':>8} {'placed c/h/n':>15} "
        f"{'peakMB':>7} {'greedy c/h/n':>15} {'greedy obj':>12} {'diff c/h/n':>12} "
        f"{'obj diff':>11}"
    )
    for size in sizes:
        for solver in solvers:
            if solver == "cbc" and size > args.cbc_max:
                print(f"{size:>6} {solver:<7} skipped (above --cbc-max {args.cbc_max})")
                continue
            r = run_child(size, solver, args)
            print_row(r)
            if "pairs" in r:
                print_stages(r)
                print(
                    f"{'':>6} {'':<7} draw {r['draw_s']:.1f} s, rss after draw "
                    f"{r['rss_round_mb']:.0f} MB, limits {r['limits']}, supply/demand "
                    f"{r['supply_ratio']:.2f}, greedy {r['greedy_s']:.2f} s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
