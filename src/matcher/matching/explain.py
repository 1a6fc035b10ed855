"""Why each request of a round is or is not placed, in words a regisseur can act on.

Every explanation is read off the solved problem: the admissibility rejections, the limit
rows (capacity, budget, market_share) that a request's pairs do not fit on once the chosen
matches are counted, and the priority of the requests that took the room. The rules, code by
code, are in models/explanations.md.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.domain import Funding, Request, Round
from matcher.matching.changes import cheapest_change
from matcher.matching.engine import MatchOutcome
from matcher.matching.problem import LimitKind, MatchingProblem, Rejection, RejectReason
from matcher.matching.room import URGENCY_NAMES, Room, describe_use, euros, volume

REASON_CODES = (
    "no_admissible_bid",
    "not_certified",
    "certification_expired",
    "tariff_out_of_band",
    "excluded_by_client",
    "missing_specialism",
    "beyond_distance",
    "no_capacity",
    "forbidden",
    "capacity_full",
    "budget_exhausted",
    "market_share_cap",
    "outranked",
    "task_funded",
    "pin_conflict",
    "time_limit",
)

REJECT_CODE = {
    RejectReason.NOT_CERTIFIED: "not_certified",
    RejectReason.CERTIFICATION_EXPIRED: "certification_expired",
    RejectReason.TARIFF_OUT_OF_BAND: "tariff_out_of_band",
    RejectReason.EXCLUDED_BY_CLIENT: "excluded_by_client",
    RejectReason.MISSING_SPECIALISM: "missing_specialism",
    RejectReason.BEYOND_DISTANCE: "beyond_distance",
    RejectReason.FORBIDDEN: "forbidden",
    RejectReason.NO_CAPACITY_ROW: "no_capacity",
}

_LIMIT_CODE = {
    LimitKind.CAPACITY: "capacity_full",
    LimitKind.BUDGET: "budget_exhausted",
    LimitKind.MARKET_SHARE: "market_share_cap",
}

ORDINALS = ("1st", "2nd", "3rd")


@dataclass(frozen=True)
class Reason:
    """One reason a request is not placed: a code of REASON_CODES and the figures in words."""

    code: str
    detail: str


@dataclass(frozen=True)
class Unplaced:
    """A request left unplaced, its reasons (most decisive first) and the cheapest fix."""

    request_id: str
    reasons: tuple[Reason, ...]
    cheapest_change: str | None


@dataclass(frozen=True)
class Alternative:
    """Another admissible provider for a placed request, and what it would change."""

    provider_id: str
    cost_cents: int
    objective_cents: int
    delta_cents: int


@dataclass(frozen=True)
class Placed:
    """A placed request: its provider, objective terms, the runner-up and a preference note."""

    request_id: str
    provider_id: str
    terms: dict[str, int]
    next_best: Alternative | None
    preference_note: str | None


@dataclass(frozen=True)
class Explanation:
    """Every request of the round that is not awarded already: placed or unplaced."""

    placed: dict[str, Placed]
    unplaced: dict[str, Unplaced]


def explain_outcome(
    round_: Round,
    outcome: MatchOutcome,
    find_changes: bool = True,
    max_changes: int = 50,
    change_time_limit: float = 5.0,
    change_seconds: float = 60.0,
) -> Explanation:
    """Explain every open request of a solved round.

    With ``find_changes`` the cheapest single change that places an unplaced request is
    searched by re-solving, for at most ``max_changes`` requests (highest priority first),
    each re-solve limited to ``change_time_limit`` seconds and the whole search to
    ``change_seconds``; requests not reached in time keep ``cheapest_change`` None.
    """
    problem = outcome.problem
    context = _Context.of(round_, outcome)
    placed: dict[str, Placed] = {}
    unplaced: dict[str, Unplaced] = {}
    for ri, rid in enumerate(problem.request_ids):
        if ri in context.placed_pair:
            placed[rid] = _placed(context, ri)
        else:
            unplaced[rid] = Unplaced(rid, _unplaced_reasons(context, ri), None)
    for rid, reason in _task_funded(round_).items():
        unplaced[rid] = Unplaced(rid, (reason,), None)
    if find_changes and outcome.status in ("optimal", "feasible"):
        todo = [
            ri
            for ri, rid in enumerate(problem.request_ids)
            if rid in unplaced and ri not in context.placed_pair
        ]
        todo.sort(key=lambda ri: (int(problem.urgency_rank[ri]), -int(problem.weight[ri]), ri))
        deadline = time.perf_counter() + change_seconds
        for ri in todo[:max_changes]:
            if time.perf_counter() >= deadline:
                break
            change = cheapest_change(
                round_,
                outcome,
                context.room,
                ri,
                context.rejections_of[ri],
                change_time_limit,
                deadline,
            )
            if change is not None:
                rid = problem.request_ids[ri]
                unplaced[rid] = Unplaced(rid, unplaced[rid].reasons, change)
    return Explanation(placed, unplaced)


@dataclass(frozen=True)
class _Context:
    """What every explanation of one outcome looks up."""

    round_: Round
    outcome: MatchOutcome
    room: Room
    placed_pair: dict[int, int]
    pairs_of: dict[int, list[int]]
    rejections_of: dict[int, list[Rejection]]
    # Looked up once per request: computed here so a national round stays linear.
    requests: dict[str, Request]
    objective: npt.NDArray[np.int64]

    @classmethod
    def of(cls, round_: Round, outcome: MatchOutcome) -> "_Context":
        problem = outcome.problem
        pairs_of: dict[int, list[int]] = defaultdict(list)
        for a, r in enumerate(problem.pair_request.tolist()):
            pairs_of[r].append(a)
        rejections_of: dict[int, list[Rejection]] = defaultdict(list)
        for rejection in problem.rejections:
            rejections_of[rejection.request_index].append(rejection)
        return cls(
            round_,
            outcome,
            Room.of(problem, outcome.chosen),
            {int(problem.pair_request[a]): int(a) for a in outcome.chosen.tolist()},
            pairs_of,
            rejections_of,
            {r.request_id: r for r in round_.requests},
            problem.pair_objective,
        )

    @property
    def problem(self) -> MatchingProblem:
        return self.outcome.problem

    def provider(self, a: int) -> str:
        return self.problem.provider_ids[int(self.problem.pair_provider[a])]


def _task_funded(round_: Round) -> dict[str, Reason]:
    """Requests for task-funded interventions: paid as a lump sum, never matched per case."""
    awarded = {a.request_id for a in round_.awards or ()}
    task = {i.intervention_id for i in round_.interventions if i.funding is Funding.TASK}
    return {
        r.request_id: Reason(
            "task_funded",
            f"{r.intervention_id} is task-funded: the providers are paid a lump sum, "
            "so requests for it are not matched case by case",
        )
        for r in round_.requests
        if r.intervention_id in task and r.request_id not in awarded
    }


def _unplaced_reasons(context: _Context, ri: int) -> tuple[Reason, ...]:
    """The reasons, most decisive first, that request ri is not placed."""
    outcome = context.outcome
    rid = context.problem.request_ids[ri]
    if outcome.status == "infeasible":
        mine = [c.detail for c in outcome.pin_conflicts if c.request_id == rid]
        detail = "; ".join(mine) if mine else f"the round was not solved: {outcome.message}"
        return (Reason("pin_conflict", detail),)
    rejected = _rejection_reasons(context.rejections_of.get(ri, []))
    pairs = context.pairs_of.get(ri, [])
    if not pairs:
        if rejected:
            return tuple(rejected)
        return (
            Reason(
                "no_admissible_bid",
                "no provider bid on it and none has a standing offer for "
                f"{_intervention_of(context, rid)}",
            ),
        )
    return (*_limit_reasons(context, ri, pairs), *rejected)


def _intervention_of(context: _Context, rid: str) -> str:
    request = context.requests.get(rid)
    return "its intervention" if request is None else request.intervention_id


def _rejection_reasons(rejections: list[Rejection]) -> list[Reason]:
    """One reason per rejection code, the code that ruled out most providers first."""
    details: dict[str, list[str]] = defaultdict(list)
    for rejection in rejections:
        details[REJECT_CODE[rejection.reason]].append(rejection.detail)
    order = sorted(details, key=lambda code: (-len(details[code]), REASON_CODES.index(code)))
    return [Reason(code, "; ".join(details[code])) for code in order]


def _limit_reasons(context: _Context, ri: int, pairs: list[int]) -> list[Reason]:
    """What keeps each admissible provider from taking request ri, grouped by kind of row."""
    problem, room = context.problem, context.room
    blocked: dict[LimitKind, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    has_room: list[int] = []
    for a in pairs:
        binding = room.binding(a)
        if not binding:
            has_room.append(a)
        for k, _ in binding:
            blocked[problem.limits[k].kind][k].append(a)
    reasons: list[tuple[int, int, Reason]] = []
    n = len({context.provider(a) for a in pairs})
    for kind, rows in blocked.items():
        providers = {context.provider(a) for pair_list in rows.values() for a in pair_list}
        reason = _limit_detail(context, kind, rows, len(providers), n)
        reasons.append((-len(providers), REASON_CODES.index(_LIMIT_CODE[kind]), reason))
    reasons.sort(key=lambda item: (item[0], item[1]))
    out = [item[2] for item in reasons]
    outranked = _outranked(context, ri, [k for rows in blocked.values() for k in rows])
    if outranked is not None:
        out.append(outranked)
    if has_room:
        names = sorted({context.provider(a) for a in has_room})
        free = ", ".join(names) + (" still have" if len(names) > 1 else " still has")
        status = context.outcome.status
        out.insert(
            0,
            Reason(
                "time_limit",
                f"the solver stopped at its time limit ({status}, not proven optimal) "
                "before placing it; "
                f"{free} room for it",
            ),
        )
    return out


def _limit_detail(
    context: _Context, kind: LimitKind, rows: dict[int, list[int]], blocked: int, total: int
) -> Reason:
    problem, room, round_ = context.problem, context.room, context.round_
    code = _LIMIT_CODE[kind]
    if kind is LimitKind.CAPACITY:
        head = (
            "the only admissible provider is full"
            if total == 1
            else f"all {total} admissible providers are full"
            if blocked == total
            else f"{blocked} of {total} admissible providers are full"
        )
        uses = []
        for k in sorted(rows, key=lambda k: problem.limits[k].key):
            units = max(int(problem.pair_units[a]) for a in rows[k])
            uses.append(f"{describe_use(round_, room, k)} (it needs {volume(units)})")
        return Reason(code, f"{head}: {', '.join(uses)}")
    if kind is LimitKind.BUDGET:
        parts = []
        for k in sorted(rows):
            costs = sorted({int(problem.pair_cost[a]) for a in rows[k]})
            cheapest = euros(costs[0])
            needed = cheapest if len(costs) == 1 else f"at least {cheapest}"
            parts.append(f"{describe_use(round_, room, k)}, this request needs {needed} a week")
        return Reason(code, "; ".join(parts))
    shares = [describe_use(round_, room, k) for k in sorted(rows)]
    providers = sorted({problem.limits[k].key[0] for k in rows})
    return Reason(
        code,
        f"placing it with {', '.join(providers)} would break the market-share cap: "
        + "; ".join(shares),
    )


def _higher(problem: MatchingProblem, other: int, ri: int) -> str | None:
    """The words for request ``other`` when it comes before ri, else None."""
    mine, theirs = int(problem.urgency_rank[ri]), int(problem.urgency_rank[other])
    if theirs < mine:
        return URGENCY_NAMES[theirs]
    if theirs == mine and int(problem.weight[other]) > int(problem.weight[ri]):
        return f"{URGENCY_NAMES[theirs]} waiting longer"
    return None


def _outranked(context: _Context, ri: int, rows: list[int]) -> Reason | None:
    """``outranked`` when the room on the blocking rows went to requests that come first."""
    problem, room = context.problem, context.room
    takers: dict[int, str] = {}
    for k in rows:
        for a in room.chosen_in(k):
            other = int(problem.pair_request[a])
            label = _higher(problem, other, ri)
            if label is not None:
                takers[other] = label
    if not takers:
        return None
    counts = Counter(takers.values())
    order = sorted(counts, key=lambda label: (URGENCY_NAMES.index(label.split()[0]), label))
    listed = ", ".join(f"{counts[label]} {label}" for label in order)
    n = len(takers)
    noun = "requests that come" if n != 1 else "request that comes"
    return Reason(
        "outranked",
        f"the room it needed went to {n} {noun} first: {listed}",
    )


def _placed(context: _Context, ri: int) -> Placed:
    """Terms of the chosen pair, the runner-up and the note on the client's first choice."""
    problem = context.problem
    a = context.placed_pair[ri]
    terms = {
        "cost": int(problem.pair_cost[a]),
        "distance": int(problem.pair_distance[a]),
        "preference": int(problem.pair_preference[a]),
        "continuity": int(problem.pair_continuity[a]),
    }
    objective = context.objective
    others = [b for b in context.pairs_of[ri] if b != a]
    next_best = None
    if others:
        b = min(others, key=lambda b: (int(objective[b]), context.provider(b)))
        next_best = Alternative(
            context.provider(b),
            int(problem.pair_cost[b]),
            int(objective[b]),
            int(objective[b]) - int(objective[a]),
        )
    return Placed(
        problem.request_ids[ri],
        context.provider(a),
        terms,
        next_best,
        _preference_note(context, ri, a),
    )


def _preference_note(context: _Context, ri: int, a: int) -> str | None:
    """Why the client's first preferred provider did not get the request, if it did not."""
    problem, room = context.problem, context.room
    rid = problem.request_ids[ri]
    request = context.requests[rid]
    if not request.preferred_providers:
        return None
    first = request.preferred_providers[0]
    chosen = context.provider(a)
    if first == chosen:
        return None
    who = f"{first}, the client's 1st choice,"
    rejection = next((j for j in context.rejections_of.get(ri, []) if j.provider_id == first), None)
    if rejection is not None:
        return f"{who} is not admissible ({REJECT_CODE[rejection.reason]}): {rejection.detail}"
    b = next((b for b in context.pairs_of[ri] if context.provider(b) == first), None)
    if b is None:
        return f"{who} did not bid on it and has no standing offer for {request.intervention_id}"
    before = [k for k, c in room.rows_of_pair.get(b, ()) if c > problem.limits[k].rhs]
    if before:
        uses = ", ".join(describe_use(context.round_, room, k) for k in before)
        return f"{who} had no room for it even before this round: {uses}"
    if room.swap_fits(a, b):
        return _cost_note(context, who, a, b)
    return _displace_note(context, ri, who, a, b)


def _cost_note(context: _Context, who: str, a: int, b: int) -> str:
    """The preferred provider had room: the objective terms decided."""
    problem = context.problem
    chosen = context.provider(a)
    diff = int(context.objective[b]) - int(context.objective[a])
    if diff == 0:
        return f"{who} had room and ties with {chosen} on cost and terms; the solver kept {chosen}"
    if diff < 0:
        return (
            f"{who} had room and would have been {euros(-diff)} a week cheaper; the solver "
            f"stopped ({context.outcome.status}) before finding that"
        )
    terms = []
    for name, array in (
        ("cost", problem.pair_cost),
        ("distance", problem.pair_distance),
        ("continuity", problem.pair_continuity),
        ("preference", problem.pair_preference),
    ):
        d = int(array[b]) - int(array[a])
        if d:
            terms.append(f"{name} {'+' if d > 0 else '-'}{euros(abs(d))}")
    return (
        f"{who} had room but comes out {euros(diff)} a week dearer than {chosen} "
        f"({', '.join(terms)})"
    )


def _displace_note(context: _Context, ri: int, who: str, a: int, b: int) -> str:
    """The preferred provider's room went to other requests of this round."""
    problem, room = context.problem, context.room
    rows = [k for k, c in room.rows_of_pair.get(b, ()) if c > room.free(k, without=a)]
    others = {int(problem.pair_request[x]) for k in rows for x in room.chosen_in(k) if x != a}
    higher = [o for o in others if _higher(problem, o, ri) is not None]
    uses = ", ".join(describe_use(context.round_, room, k) for k in rows)
    if higher:
        n = len(higher)
        return (
            f"{who} had room, but it went to {n} request{'s' if n != 1 else ''} that come "
            f"first; choosing it would have displaced a higher-priority placement ({uses})"
        )
    return (
        f"{who} had room, but giving it this request would have pushed out another placement "
        f"or raised the total cost ({uses})"
    )
