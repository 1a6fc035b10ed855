"""A regisseur's pins and forbids across one session: which still apply to the round as it
stands, which to drop (with a notice), and which an award or a removal clears.

A pin is set on a proposal, but the round moves on under it: the request gets awarded, or
the provider stops being admissible. Such a pin no longer applies; it is dropped with a
notice rather than handed to the engine, which would (rightly) call the round infeasible.
Pins and forbids on requests outside the scope being solved are kept for their own scope.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.domain import Round
from matcher.matching import MatchOutcome, Pair


@dataclass(frozen=True)
class Applicable:
    """The overrides to solve with, those dropped for good, and a notice per drop."""

    pins: frozenset[Pair] = field(default_factory=frozenset)
    forbids: frozenset[Pair] = field(default_factory=frozenset)
    dropped: frozenset[Pair] = field(default_factory=frozenset)
    notices: tuple[str, ...] = ()


def applicable(
    round_: Round, pins: Iterable[Pair], forbids: Iterable[Pair], *, awarded: Iterable[str] = ()
) -> Applicable:
    """Split the session's overrides for a solve of ``round_`` (the scope's requests).

    Overrides on awarded requests (in the round's awards, or ``awarded`` just now) are
    dropped; overrides on requests not in ``round_`` are left out of this solve only.
    """
    done = {a.request_id: a.provider_id for a in round_.awards or ()}
    done.update({rid: "" for rid in awarded if rid not in done})
    here = {r.request_id for r in round_.requests}
    kept: dict[str, set[Pair]] = {"pin": set(), "forbid": set()}
    dropped: set[Pair] = set()
    notices: list[str] = []
    for kind, pairs in (("pin", pins), ("forbid", forbids)):
        for rid, pid in sorted(set(pairs)):
            if rid in done:
                dropped.add((rid, pid))
                to = f" to {done[rid]}" if done[rid] else ""
                notices.append(
                    f"The {kind} of {rid} on {pid} no longer applies: {rid} is awarded{to}. "
                    "It was removed."
                )
            elif rid in here:
                kept[kind].add((rid, pid))
    pinned, forbidden = frozenset(kept["pin"]), frozenset(kept["forbid"])
    return Applicable(pinned, forbidden, frozenset(dropped), tuple(notices))


def inadmissible_pins(outcome: MatchOutcome, pins: Iterable[Pair]) -> Applicable:
    """Pins of an open request whose pair the built problem no longer holds (the provider
    lost its certificate, bid or room row since the pin was set): dropped, with a notice."""
    problem = outcome.problem
    present = {
        (problem.request_ids[int(r)], problem.provider_ids[int(p)])
        for r, p in zip(problem.pair_request.tolist(), problem.pair_provider.tolist(), strict=True)
    }
    open_ids = set(problem.request_ids)
    gone = {(rid, pid) for rid, pid in pins if rid in open_ids and (rid, pid) not in present}
    notices = tuple(
        f"The pin of {rid} on {pid} no longer applies: {pid} is not an admissible provider "
        f"for {rid} any more. It was removed."
        for rid, pid in sorted(gone)
    )
    return Applicable(dropped=frozenset(gone), notices=notices)


def without_requests(pairs: Iterable[Pair], request_ids: Iterable[str]) -> set[Pair]:
    """The overrides with every pair of the given requests taken out (an award settles them)."""
    gone = set(request_ids)
    return {(rid, pid) for rid, pid in pairs if rid not in gone}
