"""The trivial bound of the cost stage: what a stage gets when its solver stops without one."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings

from matcher.domain import Round
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.backends.highs_process import HighsBackend
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.engine import solve_problem
from matcher.matching.formulation import whole
from matcher.matching.problem import MatchingProblem
from matcher.matching.stages import COST_STAGE, StageRecord, solve_part, with_trivial_bound
from tests.matching.handmade import make_round, request
from tests.matching.strategies import scarce_rounds
from tests.profiles import examples

# R1 may go to PA (EUR 60) or PB (EUR 75), R2 only to PA (EUR 80); PA has room for both.
ROUND = make_round(
    [request("R1"), request("R2")],
    [("R1", "PA", "60"), ("R1", "PB", "75"), ("R2", "PA", "80")],
    {"PA": "2", "PB": "1"},
)


class NoBound:
    """A backend whose every stage stops at its start without a bound (as HiGHS may when
    its share of the time runs out before the root LP)."""

    name = "no-bound"

    def solve(self, task: StageTask) -> StageResult:
        assert task.hint is not None
        value = int(task.objective[task.hint].sum())
        return StageResult(StageStatus.FEASIBLE, task.hint, value, math.nan, 0.0)


def cheapest(problem: MatchingProblem, rid: str) -> int:
    """The lowest cost-stage coefficient among the request's pairs."""
    r = problem.request_ids.index(rid)
    return int(problem.pair_objective[problem.pair_request == r].min())


def test_a_request_that_must_be_placed_counts_at_its_cheapest_pair() -> None:
    problem = build_problem(ROUND)
    none = StageRecord(COST_STAGE, StageStatus.FEASIBLE, 10_000, math.nan, 1.0)
    r1 = problem.request_ids.index("R1")
    assert with_trivial_bound(problem, whole(problem), none).bound == 0
    bound = with_trivial_bound(problem, whole(problem), none, frozenset({r1})).bound
    assert bound == cheapest(problem, "R1")


def test_the_bound_of_a_stage_stopped_without_one_holds_the_placed_requests() -> None:
    problem = build_problem(ROUND)
    solution = solve_part(problem, whole(problem), NoBound(), deadline=math.inf)
    cost = next(r for r in solution.stages if r.name == COST_STAGE)
    # The place_normal stage placed both, so the cost stage holds both placed: its bound is
    # each at its cheapest pair, not 0 ...
    assert cost.bound == cheapest(problem, "R1") + cheapest(problem, "R2")
    # ... and still a true bound: no better than the proven optimum.
    optimum = solve_problem(problem, time_limit=60)
    assert optimum.status == "optimal"
    assert cost.bound <= optimum.objective_cents
    assert np.unique(problem.pair_request[solution.chosen]).size == 2


def test_the_bound_prices_in_a_placement_stage_that_placed_part_of_its_class() -> None:
    # PA has room for two of three: place_normal places two, and the cost stage keeps that
    # as the row "points placed >= 2 requests' worth", not as equalities.
    round_ = make_round(
        [request("R1"), request("R2"), request("R3")],
        [("R1", "PA", "60"), ("R2", "PA", "70"), ("R3", "PA", "80")],
        {"PA": "2"},
    )
    problem = build_problem(round_)
    solution = solve_part(problem, whole(problem), NoBound(), deadline=math.inf)
    cost = next(r for r in solution.stages if r.name == COST_STAGE)
    optimum = solve_problem(problem, time_limit=60)
    assert optimum.status == "optimal"
    # Two requests must be placed, so at least the two cheapest are paid (here: the optimum).
    assert cost.bound == cheapest(problem, "R1") + cheapest(problem, "R2")
    assert cost.bound == optimum.objective_cents


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scarce_rounds())
def test_the_bound_without_a_solver_is_never_above_the_optimum(round_: Round) -> None:
    # The stages kept at the greedy start are a relaxation of the optimum's (its placements
    # are at least as many), so a true cost bound from them is at most the optimal cost.
    problem = build_problem(round_)
    optimum = solve_problem(problem, time_limit=60)
    assert optimum.status == "optimal"
    for part in split(problem):
        solution = solve_part(problem, part, NoBound(), deadline=math.inf)
        best = solve_part(problem, part, HighsBackend(), deadline=math.inf)
        for record in solution.stages:
            if record.name == COST_STAGE:
                assert record.bound <= int(problem.pair_objective[best.chosen].sum())
