"""Why a placed request went where it did: its terms, the runner-up and, when the client's
first choice did not get it, why not (not admissible, no room, dearer, or displaced)."""

from dataclasses import dataclass

from matcher.matching.explain_context import REJECT_CODE, Context, higher
from matcher.matching.room import euros
from matcher.matching.terms import TERM_NAMES


@dataclass(frozen=True)
class Alternative:
    """Another admissible provider for a placed request, and what it would change.

    ``delta_cents`` is the objective difference (cost plus the policy-weighted distance,
    preference and continuity terms: a ranking score, not money paid); ``cost_delta_cents``
    is the difference in euros a week the team would pay (negative: it would pay less).
    """

    provider_id: str
    cost_cents: int
    objective_cents: int
    delta_cents: int
    cost_delta_cents: int = 0


@dataclass(frozen=True)
class Placed:
    """A placed request: its provider, objective terms, the runner-up and a preference note."""

    request_id: str
    provider_id: str
    terms: dict[str, int]
    next_best: Alternative | None
    preference_note: str | None


def placed(context: Context, ri: int, late: bool = False) -> Placed:
    """Terms of the chosen pair, the runner-up and the note on the client's first choice.

    The terms and the runner-up are array look-ups, always given; ``late`` (the run's
    deadline has passed) replaces the first-choice note by a short one that says so.
    """
    problem = context.problem
    a = context.placed_pair[ri]
    b = int(context.next_best[ri])
    next_best = None
    if b >= 0:
        objective, cost = context.objective, problem.pair_cost
        next_best = Alternative(
            context.provider(b),
            int(cost[b]),
            int(objective[b]),
            int(objective[b]) - int(objective[a]),
            int(cost[b]) - int(cost[a]),
        )
    return Placed(
        problem.request_ids[ri],
        context.provider(a),
        problem.terms_of(a),
        next_best,
        _late_note(context, ri, a) if late else _preference_note(context, ri, a),
    )


def _first_choice(context: Context, ri: int, a: int) -> str | None:
    """The client's first preferred provider when pair a went to another one, else None."""
    request = context.requests[context.problem.request_ids[ri]]
    if not request.preferred_providers:
        return None
    first = request.preferred_providers[0]
    return None if first == context.provider(a) else first


def _late_note(context: Context, ri: int, a: int) -> str | None:
    """The short note when the deadline came before the first-choice note could be made."""
    first = _first_choice(context, ri, a)
    if first is None:
        return None
    return (
        f"{first}, the client's 1st choice, did not get it; why was not worked out "
        "before the run's time limit"
    )


def _preference_note(context: Context, ri: int, a: int) -> str | None:
    """Why the client's first preferred provider did not get the request, if it did not."""
    problem, room = context.problem, context.room
    first = _first_choice(context, ri, a)
    if first is None:
        return None
    request = context.requests[problem.request_ids[ri]]
    who = f"{first}, the client's 1st choice,"
    rejection = next((j for j in context.rejections_of.get(ri, []) if j.provider_id == first), None)
    if rejection is not None:
        return f"{who} is not admissible ({REJECT_CODE[rejection.reason]}): {rejection.detail}"
    b = next((b for b in context.pairs_of[ri] if context.provider(b) == first), None)
    if b is None:
        return f"{who} did not bid on it and has no standing offer for {request.intervention_id}"
    before = [k for k, c in room.rows_of_pair.get(b, ()) if c > problem.limits[k].rhs]
    if before:
        uses = ", ".join(context.use(k) for k in before)
        return f"{who} had no room for it even before this round: {uses}"
    if room.swap_fits(a, b):
        return _cost_note(context, who, a, b)
    return _displace_note(context, ri, who, a, b)


def _cost_note(context: Context, who: str, a: int, b: int) -> str:
    """The preferred provider had room: the objective terms decided."""
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
    mine, theirs = context.problem.terms_of(a), context.problem.terms_of(b)
    for name in TERM_NAMES:
        d = theirs[name] - mine[name]
        if d:
            terms.append(f"{name} {'+' if d > 0 else '-'}{euros(abs(d))}")
    return (
        f"{who} had room but comes out {euros(diff)} a week dearer than {chosen} "
        f"({', '.join(terms)})"
    )


def _displace_note(context: Context, ri: int, who: str, a: int, b: int) -> str:
    """The preferred provider's room went to other requests of this round."""
    problem, room = context.problem, context.room
    rows = [k for k, c in room.rows_of_pair.get(b, ()) if c > room.free(k, without=a)]
    others = {int(problem.pair_request[x]) for k in rows for x in room.chosen_in(k) if x != a}
    first = [o for o in others if higher(problem, o, ri) is not None]
    uses = ", ".join(context.use(k) for k in rows)
    if first:
        n = len(first)
        return (
            f"{who} had room, but it went to {n} request{'s' if n != 1 else ''} that come "
            f"first; choosing it would have displaced a higher-priority placement ({uses})"
        )
    return (
        f"{who} had room, but giving it this request would have pushed out another placement "
        f"or raised the total cost ({uses})"
    )
