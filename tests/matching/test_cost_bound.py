"""The Lagrangian bound of the cost stage (``matcher.matching.cost_bound``): never above the
stage's optimum, and tight where the floor without limit rows is not."""

import math
import time
from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from matcher.domain import Round
from matcher.matching import LocalRunner, MatchSettings, Solver, solve
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.build import build_problem
from matcher.matching.cost_bound import lagrangian_bound, relaxation, tightened
from matcher.matching.decompose import split
from matcher.matching.formulation import Part, whole
from matcher.matching.problem import MatchingProblem
from matcher.matching.runner import backend_named
from matcher.matching.stages import PartSolution, cost_floor, solve_part
from tests.batch.builders import make_round, matching_rounds, request
from tests.profiles import examples


def solved_parts(round_: Round) -> list[tuple[MatchingProblem, PartSolution, Part]]:
    """Every part that needs a solver, solved to its proven lexicographic optimum by HiGHS
    (the reference the bound is held against: the bound never calls a solver)."""
    problem = build_problem(round_)
    out = []
    for part in split(problem):
        solution = solve_part(
            problem, part, backend_named("highs"), time.perf_counter() + 60, 1, None, 0.0
        )
        if solution.stages:
            assert solution.status is StageStatus.OPTIMAL
            out.append((problem, solution, part))
    return out


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_=matching_rounds())
def test_the_lagrangian_bound_never_exceeds_the_cost_stage_optimum(round_: Round) -> None:
    for problem, solution, part in solved_parts(round_):
        optimum = solution.stages[-1].objective
        model = relaxation(problem, part, solution)
        # The steps aim at the value they are given: the optimum, or a worse answer's value.
        for upper in (optimum, optimum + 1_000, 2 * abs(optimum) + 10):
            bound = lagrangian_bound(model, float(upper), time.perf_counter() + 10, 0.0)
            assert not bound > optimum, (bound, optimum)


def scarce_round() -> Round:
    # P0 is cheap but has room for one request; P1 takes both at a higher price. The floor
    # (limit rows dropped) places both at P0; the optimum sends one to P1.
    requests = [request("R1"), request("R2")]
    capacity = {("P0", "I1"): 1, ("P1", "I1"): 2}
    bids = {("R1", "P0"): 10, ("R2", "P0"): 10, ("R1", "P1"): 50, ("R2", "P1"): 60}
    return make_round(requests, capacity, bids)


def test_the_bound_prices_a_full_provider_where_the_floor_does_not() -> None:
    ((problem, solution, part),) = solved_parts(scarce_round())
    optimum = solution.stages[-1].objective
    floor = cost_floor(problem, part, frozenset(range(problem.n_requests)), ())
    assert floor < optimum
    model = relaxation(problem, part, solution)
    bound = lagrangian_bound(model, float(optimum), time.perf_counter() + 10, 0.0)
    assert bound == optimum  # this LP is integral, so its bound is the optimum itself


def test_an_unproven_cost_stage_is_proven_by_the_bound_and_the_part_with_it() -> None:
    ((problem, solution, part),) = solved_parts(scarce_round())
    cost = solution.stages[-1]
    floor = cost_floor(problem, part, frozenset(range(problem.n_requests)), ())
    stopped = replace(
        solution,
        stages=(*solution.stages[:-1], replace(cost, status=StageStatus.FEASIBLE, bound=floor)),
        status=StageStatus.FEASIBLE,
    )
    result = tightened(problem, part, stopped, time.perf_counter() + 10, 0.0)
    assert result.stages[-1].bound == cost.objective
    assert result.stages[-1].status is StageStatus.OPTIMAL
    assert result.status is StageStatus.OPTIMAL
    assert result.chosen.tolist() == solution.chosen.tolist()


def test_a_stage_without_time_keeps_its_bound() -> None:
    ((problem, solution, part),) = solved_parts(scarce_round())
    cost = solution.stages[-1]
    stopped = replace(
        solution,
        stages=(*solution.stages[:-1], replace(cost, status=StageStatus.FEASIBLE, bound=math.nan)),
        status=StageStatus.FEASIBLE,
    )
    # No time left: ten steps at most; whatever they find is a true bound or nothing.
    result = tightened(problem, part, stopped, time.perf_counter() - 1, 0.0)
    bound = result.stages[-1].bound
    assert math.isnan(bound) or bound <= cost.objective


class StopsBeforeCostProof:
    """SCIP for every stage, but the cost stage is answered as if stopped at its limit
    without a bound (what a large part's cost stage does at 10 s)."""

    name = "stub"

    def __init__(self) -> None:
        self.inner = backend_named("scip")

    def solve(self, task: StageTask) -> StageResult:
        result = self.inner.solve(task)
        if task.maximize:
            return result
        return replace(result, status=StageStatus.FEASIBLE, bound=math.nan)


def test_the_engine_proves_a_stopped_cost_stage_with_the_bound() -> None:
    # Every face solves its parts through solve_and_bound: match's LocalRunner here.
    problem = build_problem(scarce_round())
    settings = MatchSettings(solver=Solver.SCIP, time_limit=60.0)
    runner = LocalRunner(None, lambda _: StopsBeforeCostProof())
    result = solve(problem, settings, runner)
    ((_, reference, _),) = solved_parts(scarce_round())
    optimum = reference.stages[-1].objective
    cost = result.stages[-1]
    assert cost.name == "cost"
    assert cost.objective == optimum
    floor = cost_floor(problem, whole(problem), frozenset(range(problem.n_requests)), ())
    assert cost.bound == optimum > floor  # the floor alone would leave it unproven
    assert cost.proven
