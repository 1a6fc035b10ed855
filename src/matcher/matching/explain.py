"""Why each request of a round is or is not placed, in words a regisseur can act on.

Every explanation is read off the solved problem: the admissibility rejections, the limit
rows (capacity, budget, market_share) that a request's pairs do not fit on once the chosen
matches are counted, and the priority of the requests that took the room. The rules, code by
code, are in models/explanations.md.
"""

import time
from collections import defaultdict
from dataclasses import dataclass

from matcher.domain import Funding, Round
from matcher.matching.changes import cheapest_change
from matcher.matching.deadline import Deadline
from matcher.matching.engine import MatchOutcome
from matcher.matching.explain_context import REASON_CODES, REJECT_CODE, Context, ahead
from matcher.matching.explain_placed import Placed, placed
from matcher.matching.problem import LimitKind, Rejection
from matcher.matching.room import euros, volume

_LIMIT_CODE = {
    LimitKind.CAPACITY: "capacity_full",
    LimitKind.BUDGET: "budget_exhausted",
    LimitKind.MARKET_SHARE: "market_share_cap",
}

# The codes and the placed-request types are part of explain's surface (models/explanations.md).
__all__ = ["REASON_CODES", "Explanation", "Placed", "Reason", "Unplaced", "explain_outcome"]


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

    @property
    def code(self) -> str:
        """The most decisive reason's code; ``unexplained`` when no reason was found."""
        return self.reasons[0].code if self.reasons else "unexplained"

    @property
    def text(self) -> str:
        """Every reason's detail, then the cheapest change that would place it, in words."""
        if not self.reasons:
            return "no reason was found"
        details = [reason.detail for reason in self.reasons]
        if self.cheapest_change:
            details.append(f"cheapest change: {self.cheapest_change}")
        return "; ".join(details)


@dataclass(frozen=True)
class Explanation:
    """Every request of the round that is not awarded already: placed or unplaced."""

    placed: dict[str, Placed]
    unplaced: dict[str, Unplaced]


# What an unplaced request reads when the run's deadline came before its reasons.
NOT_EXPLAINED = Reason(
    "not_explained",
    "the run reached its time limit before this request's reasons were worked out; "
    "a longer time limit explains it",
)


def explain_outcome(
    round_: Round,
    outcome: MatchOutcome,
    find_changes: bool = True,
    max_changes: int = 50,
    change_time_limit: float = 5.0,
    change_seconds: float = 60.0,
    deadline: Deadline | None = None,
) -> Explanation:
    """Explain every open request of a solved round, by ``deadline`` (None: no deadline).

    Unplaced requests are explained first, highest priority first, then the placed ones;
    once the deadline has passed each request left gets a short note that says so
    (``not_explained``, or a placed request's note on its client's first choice), so every
    request still has its row. With ``find_changes`` the cheapest single change that places
    an unplaced request is then searched by re-solving, for at most ``max_changes`` requests
    (highest priority first), each re-solve limited to ``change_time_limit`` seconds and the
    whole search to ``change_seconds`` and the deadline; requests not reached keep
    ``cheapest_change`` None.
    """
    deadline = deadline or Deadline.never()
    problem = outcome.problem
    context = Context.of(round_, outcome)
    open_ = [ri for ri in range(problem.n_requests) if ri not in context.placed_pair]
    open_.sort(key=lambda ri: (int(problem.urgency_rank[ri]), -int(problem.weight[ri]), ri))
    unplaced_at: dict[int, Unplaced] = {}
    placed_at: dict[int, Placed] = {}
    late = False
    for ri in (*open_, *sorted(context.placed_pair)):
        late = late or deadline.passed()
        rid = problem.request_ids[ri]
        if ri in context.placed_pair:
            placed_at[ri] = placed(context, ri, late)
        else:
            reasons = (NOT_EXPLAINED,) if late else _unplaced_reasons(context, ri)
            unplaced_at[ri] = Unplaced(rid, reasons, None)
    # Round order, as every face lists them.
    done = {problem.request_ids[ri]: placed_at[ri] for ri in sorted(placed_at)}
    unplaced = {problem.request_ids[ri]: unplaced_at[ri] for ri in sorted(unplaced_at)}
    for rid, reason in _task_funded(round_).items():
        unplaced[rid] = Unplaced(rid, (reason,), None)
    if find_changes and outcome.status in ("optimal", "feasible") and not late:
        search = deadline.within(change_seconds)
        for ri in open_[:max_changes]:
            if search.passed():
                break
            change = cheapest_change(
                round_,
                outcome,
                context.room,
                ri,
                context.rejections_of[ri],
                change_time_limit,
                time.perf_counter() + search.left(),  # cheapest_change counts on perf_counter
            )
            if change is not None:
                rid = problem.request_ids[ri]
                unplaced[rid] = Unplaced(rid, unplaced[rid].reasons, change)
    return Explanation(done, unplaced)


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


def _unplaced_reasons(context: Context, ri: int) -> tuple[Reason, ...]:
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


def _intervention_of(context: Context, rid: str) -> str:
    request = context.requests.get(rid)
    return "its intervention" if request is None else request.intervention_id


def _rejection_reasons(rejections: list[Rejection]) -> list[Reason]:
    """One reason per rejection code, the code that ruled out most providers first."""
    details: dict[str, list[str]] = defaultdict(list)
    for rejection in rejections:
        details[REJECT_CODE[rejection.reason]].append(rejection.detail)
    order = sorted(details, key=lambda code: (-len(details[code]), REASON_CODES.index(code)))
    return [Reason(code, "; ".join(details[code])) for code in order]


def _limit_reasons(context: Context, ri: int, pairs: list[int]) -> list[Reason]:
    """What keeps each admissible provider from taking request ri, grouped by kind of row."""
    problem = context.problem
    blocked: dict[LimitKind, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    has_room: list[int] = []
    for a in pairs:
        binding = context.binding(a)
        if not binding:
            has_room.append(a)
        for k in binding:
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
    context: Context, kind: LimitKind, rows: dict[int, list[int]], blocked: int, total: int
) -> Reason:
    problem = context.problem
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
            uses.append(f"{context.use(k)} (it needs {volume(units)})")
        return Reason(code, f"{head}: {', '.join(uses)}")
    if kind is LimitKind.BUDGET:
        parts = []
        for k in sorted(rows):
            costs = sorted({int(problem.pair_cost[a]) for a in rows[k]})
            cheapest = euros(costs[0])
            needed = cheapest if len(costs) == 1 else f"at least {cheapest}"
            parts.append(f"{context.use(k)}, this request needs {needed} a week")
        return Reason(code, "; ".join(parts))
    shares = [context.use(k) for k in sorted(rows)]
    providers = sorted({problem.limits[k].key[0] for k in rows})
    return Reason(
        code,
        f"placing it with {', '.join(providers)} would break the market-share cap: "
        + "; ".join(shares),
    )


def _outranked(context: Context, ri: int, rows: list[int]) -> Reason | None:
    """``outranked`` when the room on the blocking rows went to requests that come first."""
    counts = ahead(context.problem, context.requests_on(rows), ri)
    if not counts:
        return None
    listed = ", ".join(f"{n} {label}" for label, n in counts.items())
    n = sum(counts.values())
    noun = "requests that come" if n != 1 else "request that comes"
    return Reason(
        "outranked",
        f"the room it needed went to {n} {noun} first: {listed}",
    )
