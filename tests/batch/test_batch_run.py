"""The batch's result equals the monolithic solve; awards locked; the change penalty."""

from datetime import date
from decimal import Decimal

import numpy as np
from distributed import Client
from hypothesis import HealthCheck, given, settings

from matcher.batch.problem import restrict, with_change_penalty
from matcher.batch.report import change_rows, proposal_rows
from matcher.batch.run import BatchSettings, run_batch
from matcher.domain import Award, Round, Urgency
from matcher.matching.backends.base import StageStatus
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.engine import match_round, solve_problem
from matcher.matching.formulation import whole
from matcher.matching.stages import StageRecord, with_trivial_bound
from tests.batch.builders import make_round, matching_rounds, request
from tests.profiles import examples

NO_PENALTY = BatchSettings(change_penalty_cents=0, time_limit=60)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_=matching_rounds())
def test_decomposed_result_equals_the_monolithic_stage_objectives(
    client: Client, round_: Round
) -> None:
    outcome = run_batch(round_, {}, NO_PENALTY, client)
    whole = solve_problem(build_problem(round_), time_limit=60)
    assert outcome.status == whole.status == "optimal"
    assert {(s.name, s.objective) for s in outcome.stages} == {
        (s.name, s.objective) for s in whole.stages
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_=matching_rounds())
def test_the_batch_reports_what_matcher_match_reports(client: Client, round_: Round) -> None:
    # Same round, same time limit, no change penalty: one pipeline, so the same stage
    # values, bounds, proofs and gap (the batch's part runs on a worker, match's here).
    outcome = run_batch(round_, {}, NO_PENALTY, client)
    matched = match_round(round_, time_limit=60)
    assert outcome.status == matched.status
    assert outcome.solver == matched.solver
    assert outcome.stages == matched.stages
    assert outcome.gap == matched.gap
    assert outcome.chosen.tolist() == matched.chosen.tolist()


def test_two_regions_are_two_parts_and_crisis_goes_first(client: Client) -> None:
    # Region A: one place at PA, a crisis and a normal request bid; region B: one request.
    round_ = make_round(
        [
            request("A1", urgency=Urgency.NORMAL),
            request("A2", urgency=Urgency.CRISIS),
            request("B1"),
        ],
        capacity={("PA", "I1"): 1, ("PB", "I1"): 1},
        bids={("A1", "PA"): 10, ("A2", "PA"): 90, ("B1", "PB"): 20},
    )
    outcome = run_batch(round_, {}, NO_PENALTY, client)
    rows = {r.request_id: r for r in proposal_rows(outcome)}
    assert outcome.n_parts == 2
    assert rows["A2"].provider_id == "PA"
    assert rows["B1"].provider_id == "PB"
    assert rows["A1"].provider_id is None
    assert rows["A1"].reason_code == "capacity_full"


def test_awarded_care_is_never_rematched_and_holds_its_capacity(client: Client) -> None:
    award = Award(
        request_id="A0",
        provider_id="PA",
        intervention_id="I1",
        tariff=Decimal(10),
        units=Decimal(1),
        awarded_on=date(2026, 11, 1),
    )
    round_ = make_round(
        [request("A0", urgency=Urgency.CRISIS), request("A1")],
        capacity={("PA", "I1"): 2, ("PB", "I1"): 1},
        bids={("A0", "PA"): 10, ("A0", "PB"): 5, ("A1", "PA"): 10, ("A1", "PB"): 30},
        awards=[award],
    )
    outcome = run_batch(round_, {}, NO_PENALTY, client)
    rows = {r.request_id: r for r in proposal_rows(outcome)}
    assert "A0" not in rows  # awarded: locked, not a proposal
    assert rows["A1"].provider_id == "PA"  # one place left at PA beside the award


def _two_providers() -> Round:
    # R1 costs EUR 40 at P1 and EUR 50 at P2 (one unit each, no secondary terms).
    return make_round(
        [request("R1")],
        capacity={("P1", "I1"): 1, ("P2", "I1"): 1},
        bids={("R1", "P1"): 40, ("R1", "P2"): 50},
    )


def test_last_nights_proposal_is_kept_unless_a_change_saves_more_than_the_penalty(
    client: Client,
) -> None:
    previous = {"R1": "P2"}
    kept = run_batch(_two_providers(), previous, BatchSettings(change_penalty_cents=2_000), client)
    moved = run_batch(_two_providers(), previous, BatchSettings(change_penalty_cents=500), client)
    assert proposal_rows(kept, previous)[0].provider_id == "P2"
    assert proposal_rows(kept, previous)[0].kept
    assert kept.change_cents == 0
    assert proposal_rows(moved)[0].provider_id == "P1"
    assert moved.change_cents == 500
    # The objective counts the change term: EUR 40 + EUR 5 against EUR 50 for staying.
    assert moved.objective_cents == 4_500


def test_penalty_protects_against_dropping_too(client: Client) -> None:
    # One place at P1 for two equal normal requests: R2 is cheaper, R1 had it last night.
    round_ = make_round(
        [request("R1"), request("R2")],
        capacity={("P1", "I1"): 1},
        bids={("R1", "P1"): 50, ("R2", "P1"): 40},
    )
    stay = run_batch(round_, {"R1": "P1"}, BatchSettings(change_penalty_cents=2_000), client)
    swap = run_batch(round_, {"R1": "P1"}, BatchSettings(change_penalty_cents=0), client)
    assert [r.provider_id for r in proposal_rows(stay)] == ["P1", None]
    assert [r.provider_id for r in proposal_rows(swap)] == [None, "P1"]


def test_changes_name_new_changed_and_dropped_requests(client: Client) -> None:
    round_ = make_round(
        [request("R1"), request("R2"), request("R3")],
        capacity={("P1", "I1"): 3, ("P2", "I1"): 3},
        bids={("R1", "P1"): 40, ("R2", "P1"): 40, ("R3", "P2"): 40},
    )
    previous: dict[str, str | None] = {"R2": "P2", "R3": None, "R9": "P1"}
    outcome = run_batch(round_, previous, BatchSettings(change_penalty_cents=0), client)
    changes = {c.request_id: c for c in change_rows(outcome, previous, proposal_rows(outcome))}
    assert {rid: c.change for rid, c in changes.items()} == {
        "R1": "new",
        "R2": "changed",
        "R3": "new",
        "R9": "dropped",
    }
    assert changes["R2"].previous_provider == "P2"
    assert changes["R9"].detail == "no longer open"


def test_restrict_keeps_every_array_of_the_part() -> None:
    round_ = make_round(
        [request("A1"), request("A2"), request("B1")],
        capacity={("PA", "I1"): 1, ("PB", "I1"): 1},
        bids={("A1", "PA"): 10, ("A2", "PA"): 20, ("B1", "PB"): 20},
    )
    problem, _ = with_change_penalty(build_problem(round_), {"A2": "PA"}, 700)
    for part in split(problem):
        sub = restrict(problem, part)
        assert np.array_equal(sub.pair_objective, problem.pair_objective[part.cols])
        assert [sub.request_ids[r] for r in sub.pair_request] == [
            problem.request_ids[r] for r in problem.pair_request[part.cols]
        ]
        for mine, theirs in zip(sub.limits, part.limits, strict=True):
            assert np.array_equal(part.cols[mine.pairs], theirs.pairs)


def test_a_stage_without_a_useful_bound_gets_the_trivial_one() -> None:
    round_ = make_round(
        [request("R1", urgency=Urgency.CRISIS), request("R2", urgency=Urgency.CRISIS)],
        capacity={("P1", "I1"): 1},
        bids={("R1", "P1"): 40, ("R2", "P1"): 60},
    )
    problem, _ = with_change_penalty(build_problem(round_), {}, 0)
    huge = StageRecord("place_crisis", StageStatus.FEASIBLE, 10, 1e20, 1.0)
    none = StageRecord("cost", StageStatus.FEASIBLE, 4_000, float("nan"), 1.0)
    # Both requests placed would be 20 points; leaving both unplaced costs nothing.
    assert with_trivial_bound(problem, whole(problem), huge).bound == 20
    assert with_trivial_bound(problem, whole(problem), none).bound == 0
    tight = StageRecord("cost", StageStatus.FEASIBLE, 4_000, 3_500.0, 1.0)
    # The tighter of the two:
    assert with_trivial_bound(problem, whole(problem), tight).bound == 3_500
