"""explain_outcome by a deadline, on clocks the tests move themselves (no wall clock): what
is explained before it passes, and the short notes every request gets after."""

from matcher.domain import Round, Urgency
from matcher.matching import Deadline, MatchResult, explain_outcome, match_round
from matcher.matching.explain import NOT_EXPLAINED
from tests.matching.builders import bid, capacity, make_round, provider, request


class Ticks:
    """A clock that moves one second on every reading."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def crowded() -> tuple[Round, MatchResult]:
    """Room for one request at P1 and one at P2. The crisis R1 takes P1, so R2 (high, the
    client's first choice P1) goes to P2; the normal R3 and R4 are left, outranked."""
    round_ = make_round(
        [provider("P1"), provider("P2")],
        [
            request("R1", "4", Urgency.CRISIS),
            request("R2", "4", Urgency.HIGH, preferred_providers=("P1",)),
            request("R3", "4"),
            request("R4", "4"),
        ],
        [
            bid("R1", "P1", "60"),
            *(bid("R2", p, "60") for p in ("P1", "P2")),
            bid("R3", "P1", "60"),
            bid("R4", "P2", "60"),
        ],
        [capacity("P1", "4"), capacity("P2", "4")],
    )
    return round_, match_round(round_)


def test_without_a_deadline_every_request_is_explained_in_full() -> None:
    round_, result = crowded()
    full = explain_outcome(round_, result, find_changes=False)
    assert {rid: p.provider_id for rid, p in full.placed.items()} == {"R1": "P1", "R2": "P2"}
    assert [u.code for u in full.unplaced.values()] == ["capacity_full", "capacity_full"]
    note = full.placed["R2"].preference_note
    assert note is not None
    assert "displaced a higher-priority placement" in note


def test_a_passed_deadline_gives_every_request_a_short_note_and_keeps_every_row() -> None:
    round_, result = crowded()
    full = explain_outcome(round_, result, find_changes=False)
    gone = Deadline(0.0, clock=lambda: 1.0)
    late = explain_outcome(round_, result, find_changes=True, deadline=gone)
    assert list(late.placed) == list(full.placed)
    assert list(late.unplaced) == list(full.unplaced)
    assert all(u.reasons == (NOT_EXPLAINED,) for u in late.unplaced.values())
    assert all(u.cheapest_change is None for u in late.unplaced.values())  # no search either
    assert {u.code for u in late.unplaced.values()} == {"not_explained"}
    assert "time limit" in late.unplaced["R3"].text
    for rid, placed in full.placed.items():  # terms and runner-up are array work: kept
        assert late.placed[rid].terms == placed.terms
        assert late.placed[rid].next_best == placed.next_best
    assert late.placed["R1"].preference_note is None  # no first choice: nothing to say
    short = late.placed["R2"].preference_note
    assert short is not None
    assert short.startswith("P1, the client's 1st choice, did not get it")
    assert "time limit" in short


def test_the_most_urgent_unplaced_request_is_explained_first() -> None:
    round_, result = crowded()
    full = explain_outcome(round_, result, find_changes=False)
    # The clock reads 1 before the first request and 2 before the second: only one fits.
    some = explain_outcome(round_, result, find_changes=False, deadline=Deadline(1.5, Ticks()))
    assert some.unplaced["R3"] == full.unplaced["R3"]  # same class as R4, first in the round
    assert some.unplaced["R4"].reasons == (NOT_EXPLAINED,)
    assert some.placed["R2"].preference_note != full.placed["R2"].preference_note


def test_a_deadline_never_goes_negative_and_narrows_only() -> None:
    clock = Ticks()
    deadline = Deadline(10.0, clock)
    assert deadline.left() == 9.0
    assert deadline.within(3.0).end == 5.0  # the clock read 2 when asked
    assert deadline.within(100.0).end == 10.0
    assert Deadline(1.0, clock).left() == 0.0
    assert not Deadline.never(clock).passed()
