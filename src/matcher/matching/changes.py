"""The cheapest single change that would place an unplaced request, checked by re-solving.

Candidates are sized in euros a week: extra capacity at one admissible provider (the
shortfall times that pair's tariff), extra budget for the request's team and segment (the
shortfall), or a wider distance limit up to the nearest provider ruled out by distance
(the extra km times the policy's distance weight, the policy's own price of a km). They
are tried cheapest first; the first whose re-solve places the request is the answer. Only
the independent part of the round that holds the request is re-solved (parts share no
row, so this is the same optimum as re-solving the whole round).
"""

import math
import time
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from matcher.domain import Round
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.engine import MatchOutcome
from matcher.matching.geo import haversine_km
from matcher.matching.overrides import Overrides
from matcher.matching.problem import LimitKind, MatchingProblem, Rejection, RejectReason
from matcher.matching.room import Room, euros, unit_words, volume
from matcher.matching.runner import backend_named
from matcher.matching.stages import solve_part

# Re-solves tried per request before giving up on finding a change.
MAX_TRIES = 4


@dataclass(frozen=True)
class Change:
    """One candidate change: its size in cents a week, its words, and how to apply it."""

    cents: int
    words: str
    raise_rows: tuple[tuple[int, int], ...] = ()
    max_distance_km: float | None = None


def cheapest_change(
    round_: Round,
    outcome: MatchOutcome,
    room: Room,
    ri: int,
    rejections: list[Rejection],
    time_limit: float,
    deadline: float = float("inf"),
) -> str | None:
    """The words of the cheapest verified change that places request ri, or None.

    Each re-solve gets ``time_limit`` seconds, never past ``deadline``.
    """
    candidates = sorted(
        [*_limit_changes(round_, room, ri), *_distance_changes(round_, ri, rejections, outcome)],
        key=lambda c: (c.cents, c.words),
    )
    for change in candidates[:MAX_TRIES]:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        if _places(round_, outcome, ri, change, min(time_limit, left)):
            return change.words
    return None


def _limit_changes(round_: Round, room: Room, ri: int) -> list[Change]:
    """Extra capacity at each provider whose pair is blocked only by capacity; extra budget
    where only the budget blocks."""
    problem = room.problem
    pairs = np.flatnonzero(problem.pair_request == ri).tolist()
    changes: list[Change] = []
    budget_short: dict[int, int] = {}
    for a in pairs:
        rows = room.binding(a)
        kinds = {problem.limits[k].kind for k, _ in rows}
        if kinds == {LimitKind.CAPACITY}:
            extra = max(short for _, short in rows)
            pid = problem.provider_ids[int(problem.pair_provider[a])]
            cents = (extra * int(problem.pair_tariff[a]) + 50) // 100
            words = unit_words(round_, problem.limits[rows[0][0]])
            if problem.limits[rows[0][0]].key[1] == "*":
                words = _request_unit_words(round_, problem, ri, words)
            changes.append(
                Change(
                    cents,
                    f"{volume(extra)} more {words} at {pid} would place it "
                    f"(cost {euros(cents)} a week)",
                    tuple((k, extra) for k, _ in rows),
                )
            )
        elif kinds == {LimitKind.BUDGET}:
            for k, short in rows:
                budget_short[k] = min(short, budget_short.get(k, short))
    for k, short in budget_short.items():
        team, segment = problem.limits[k].key
        changes.append(
            Change(
                short,
                f"{euros(short)} more budget for team {team} segment {segment} would place it",
                ((k, short),),
            )
        )
    return changes


def _request_unit_words(round_: Round, problem: MatchingProblem, ri: int, default: str) -> str:
    rid = problem.request_ids[ri]
    iid = next(r.intervention_id for r in round_.requests if r.request_id == rid)
    for k, limit in enumerate(problem.limits):
        if limit.kind is LimitKind.CAPACITY and limit.key[1] == iid:
            return unit_words(round_, problem.limits[k])
    return default


def _distance_changes(
    round_: Round, ri: int, rejections: list[Rejection], outcome: MatchOutcome
) -> list[Change]:
    """A distance limit wide enough for the nearest provider ruled out by distance."""
    policy = round_.effective_policy()
    limit = policy.max_distance_km
    far = [j.provider_id for j in rejections if j.reason is RejectReason.BEYOND_DISTANCE]
    if limit is None or not far:
        return []
    rid = outcome.problem.request_ids[ri]
    request = next(r for r in round_.requests if r.request_id == rid)
    providers = {p.provider_id: p for p in round_.providers}
    best: tuple[float, str] | None = None
    for pid in far:
        p = providers[pid]
        if request.lat is None or request.lon is None or p.lat is None or p.lon is None:
            continue
        km = round(haversine_km(request.lat, request.lon, p.lat, p.lon), 1)
        if best is None or (km, pid) < best:
            best = (km, pid)
    if best is None:
        return []
    km, pid = best
    extra = Decimal(str(km)) - Decimal(str(limit))
    cents = math.ceil(extra * policy.weights.distance_per_km * 100)
    return [
        Change(
            cents,
            f"a distance limit of {km:.1f} km instead of {limit:g} km would place it "
            f"(with {pid}, {km:.1f} km away)",
            max_distance_km=km,
        )
    ]


def _places(
    round_: Round, outcome: MatchOutcome, ri: int, change: Change, time_limit: float
) -> bool:
    """Re-solve the part of the round holding request ri with the change applied."""
    problem = outcome.problem
    rid = problem.request_ids[ri]
    if change.max_distance_km is not None:
        policy = round_.effective_policy().model_copy(
            update={"max_distance_km": change.max_distance_km}
        )
        wider = round_.model_copy(update={"policy": policy})
        problem = build_problem(wider, _overrides_of(problem))
    else:
        extra = dict(change.raise_rows)
        problem = replace(
            problem,
            limits=tuple(
                replace(limit, rhs=limit.rhs + extra[k]) if k in extra else limit
                for k, limit in enumerate(problem.limits)
            ),
        )
    target = problem.request_ids.index(rid)
    # The round's answer is feasible for the changed round (a change only makes room), so it
    # starts the re-solve: the solver then needs only to find what the change improves.
    before = outcome.problem
    chosen = {
        (
            before.request_ids[int(before.pair_request[a])],
            before.provider_ids[int(before.pair_provider[a])],
        )
        for a in outcome.chosen.tolist()
    }
    for part in split(problem):
        if target in problem.pair_request[part.cols]:
            warm = np.asarray(
                [
                    (
                        problem.request_ids[int(problem.pair_request[a])],
                        problem.provider_ids[int(problem.pair_provider[a])],
                    )
                    in chosen
                    for a in part.cols.tolist()
                ],
                dtype=np.bool_,
            )
            solution = solve_part(
                problem,
                part,
                backend_named(outcome.solver),
                time.perf_counter() + time_limit,
                warm=warm,
            )
            return bool(target in problem.pair_request[solution.chosen])
    return False


def _overrides_of(problem: MatchingProblem) -> Overrides:
    """The pins and forbids a problem was built with, read back from it."""
    pins = frozenset(
        (problem.request_ids[int(problem.pair_request[a])], problem.provider_ids[int(p)])
        for a, p in enumerate(problem.pair_provider.tolist())
        if problem.pair_pinned[a]
    )
    forbids = frozenset(
        (problem.request_ids[j.request_index], j.provider_id)
        for j in problem.rejections
        if j.reason is RejectReason.FORBIDDEN
    )
    return Overrides(pins=pins, forbids=forbids)
