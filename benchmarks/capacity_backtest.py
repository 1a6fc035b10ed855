"""Backtest of the capacity signals on a round's history (default: the demo region).

At the first of each month from ``--first`` to six months before the round date, the round
is rebuilt as known then (``matcher capacity --as-of``) and its signals are computed; each
intervention is then scored against what the next six months of history did:

- ``under_supply`` against *waiting above the norm*: the requests received in those months
  waited (request to start, or to the round date when still open) longer on average than
  the law's norm, over at least ``wait_min_cases`` requests;
- ``over_supply`` against *utilisation below the floor*: running care on the first of each
  of those months over the capacity certified on that day, averaged, below the floor.

A hit is a signal followed by its outcome, a false alarm one that was not, a miss an outcome
without a signal. Concentration, too-big-to-fail and expiry have no outcome in the history
to score against and are left out. Too-big-to-fail is not run (it only costs time here).

    .venv/bin/python -m benchmarks.capacity_backtest [ROUND_DIR] [--first 2025-05-01]
        [--by-intervention]
"""

import argparse
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from matcher.capacity.as_of import as_of
from matcher.capacity.months import DAYS_PER_WEEK, first_day, month_of
from matcher.capacity.report import analyse
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.signals import OVER_SUPPLY, UNDER_SUPPLY
from matcher.capacity.supply import provider_capacity
from matcher.data.reader import read_round
from matcher.domain import Round

FOLLOW_MONTHS = 6
SCORED = {UNDER_SUPPLY: "waiting above the norm", OVER_SUPPLY: "utilisation below the floor"}


def waited_too_long(
    round_: Round, iid: str, start: date, end: date, settings: CapacitySettings
) -> bool:
    """Mean wait of the requests received in [start, end) above the law's norm."""
    round_date = round_.effective_policy().round_date or end
    law = next(i.law for i in round_.interventions if i.intervention_id == iid)
    waits = [
        ((h.started_on or round_date) - h.received_on).days / DAYS_PER_WEEK
        for h in round_.history or ()
        if h.intervention_id == iid and start <= h.received_on < end
    ]
    if len(waits) < settings.wait_min_cases:
        return False
    return sum(waits) / len(waits) > settings.norm_for(law)


def under_floor(round_: Round, iid: str, days: list[date], settings: CapacitySettings) -> bool:
    """Running units over certified capacity, averaged over ``days``, below the floor."""
    capacity = {k: v for k, v in provider_capacity(round_).items() if k[1] == iid}
    shares = []
    for day in days:
        running = sum(
            float(h.units)
            for h in round_.history or ()
            if h.intervention_id == iid
            and h.started_on is not None
            and h.started_on <= day
            and (h.ended_on is None or h.ended_on > day)
        )
        certified = sum(
            units
            for (pid, i), units in capacity.items()
            if any(
                c.provider_id == pid and c.intervention_id == i and c.covers(day)
                for c in round_.certifications
            )
        )
        if certified > 0:
            shares.append(running / certified)
    return bool(shares) and sum(shares) / len(shares) < settings.over_supply_floor


Scores = dict[str, dict[str, int]]


def backtest(
    round_: Round, first: date, settings: CapacitySettings
) -> tuple[Scores, dict[tuple[str, str], dict[str, int]]]:
    """Counts of hits, false alarms, misses and quiet (neither) per scored signal type, and
    the same per signal type and intervention."""
    round_date = round_.effective_policy().round_date
    assert round_date is not None, "the round needs a round_date in policy.toml"
    last = month_of(round_date) - FOLLOW_MONTHS
    scores: Scores = {k: defaultdict(int) for k in SCORED}
    per: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month in range(month_of(first), last + 1):
        day = first_day(month)
        report = analyse(as_of(round_, day), day, settings)
        fired = {(s.type, s.intervention_id) for s in report.signals}
        end = first_day(month + FOLLOW_MONTHS)
        days = [first_day(month + k) for k in range(FOLLOW_MONTHS)]
        for iid in report.forecasts:
            happened = {
                UNDER_SUPPLY: waited_too_long(round_, iid, day, end, settings),
                OVER_SUPPLY: under_floor(round_, iid, days, settings),
            }
            for kind, outcome in happened.items():
                signal = (kind, iid) in fired
                key = {
                    (True, True): "hits",
                    (True, False): "false alarms",
                    (False, True): "misses",
                    (False, False): "quiet",
                }[(signal, outcome)]
                scores[kind][key] += 1
                per[(kind, iid)][key] += 1
    return scores, per


def per_intervention(per: dict[tuple[str, str], dict[str, int]], kind: str) -> str:
    """One line per intervention that had a signal or an outcome of ``kind``."""
    rows = [f"{kind}: intervention  hits / false alarms / misses (of the as-of dates)"]
    for (k, iid), s in sorted(per.items()):
        if k == kind and s["hits"] + s["false alarms"] + s["misses"]:
            rows.append(f"  {iid}  {s['hits']} / {s['false alarms']} / {s['misses']}")
    return "\n".join(rows)


def table(scores: Scores) -> str:
    """The scores as a markdown table with precision and recall."""
    rows = [
        "| signal | outcome | hits | false alarms | misses | quiet | precision | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, s in scores.items():
        hits, false, misses = s["hits"], s["false alarms"], s["misses"]
        precision = f"{hits / (hits + false):.2f}" if hits + false else "-"
        recall = f"{hits / (hits + misses):.2f}" if hits + misses else "-"
        rows.append(
            f"| {kind} | {SCORED[kind]} | {hits} | {false} | {misses} | {s['quiet']} | "
            f"{precision} | {recall} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round_dir", nargs="?", type=Path, default=Path("data/demo"))
    parser.add_argument("--first", type=date.fromisoformat, default=None)
    parser.add_argument(
        "--by-intervention", action="store_true", help="also the scores per intervention"
    )
    args = parser.parse_args()
    round_ = read_round(args.round_dir).round
    round_date = round_.effective_policy().round_date or date.today()
    first = args.first or first_day(month_of(round_date - timedelta(days=548)))
    settings = CapacitySettings(tbtf_max_providers=0)
    print(f"As-of dates: monthly from {first} to {FOLLOW_MONTHS} months before {round_date}.")
    scores, per = backtest(round_, first, settings)
    print(table(scores))
    if args.by_intervention:
        for kind in SCORED:
            print(per_intervention(per, kind))


if __name__ == "__main__":
    main()
