"""The PuLP backend on a round solved by hand, on every backend, plus its own status mapping."""

import math
import warnings
from decimal import Decimal

import pulp
import pytest

from matcher.domain import Budget, Segment
from matcher.matching.backends.pulp_cbc import PulpBackend, cbc_bound
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.engine import MatchOutcome, solve_problem
from matcher.matching.overrides import Overrides
from matcher.matching.stages import solve_part
from tests.matching.test_backends_agree import matches_of
from tests.matching.test_validate import make_round

# T1's budget for segment B (EUR 379.99) cannot pay R1 (200), R2 (135) and R4 (45) together.
TIGHT = (
    Budget(team_id="T1", segment=Segment.B, amount=Decimal("379.99")),
    Budget(team_id="T2", segment=Segment.C, amount=Decimal(600)),
)


def solve(solver: str, overrides: Overrides | None = None) -> MatchOutcome:
    problem = build_problem(make_round(budgets=TIGHT), overrides)
    return solve_problem(problem, solver=solver)


@pytest.mark.parametrize("solver", ["highs", "scip", "cp-sat", "cbc"])
def test_the_budget_keeps_the_request_with_more_points(solver: str) -> None:
    # Crisis R1 goes first; of the normal requests R2 (waited 10 weeks: 20 points) beats R4
    # (10 points), so R4 is left out although it is cheaper.
    outcome = solve(solver)
    assert outcome.status == "optimal"
    assert sorted(matches_of(outcome)) == [("R1", "PA"), ("R2", "PB"), ("R3", "PA")]
    assert {s.name: s.objective for s in outcome.stages}["place_normal"] == 20


def test_pins_that_overrun_a_budget_are_infeasible_for_cbc() -> None:
    pins = Overrides(pins=frozenset({("R1", "PA"), ("R4", "PA"), ("R2", "PB")}))
    outcome = solve("cbc", pins)
    assert outcome.status == "infeasible"
    assert "budget" in outcome.message


def test_a_pin_forces_the_cheaper_request_in() -> None:
    outcome = solve("cbc", Overrides(pins=frozenset({("R4", "PA")})))
    assert outcome.status == "optimal"
    assert sorted(matches_of(outcome)) == [("R1", "PA"), ("R3", "PA"), ("R4", "PA")]


def test_an_injected_pulp_solver_is_used_with_the_stage_time_limit() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        given = pulp.PULP_CBC_CMD(msg=False, gapRel=0, gapAbs=0.5)
    backend = PulpBackend(given)
    assert backend.name == "pulp_cbc_cmd"
    problem = build_problem(make_round(budgets=TIGHT))
    parts = split(problem)
    chosen = sorted(
        (
            problem.request_ids[int(problem.pair_request[a])],
            problem.provider_ids[int(problem.pair_provider[a])],
        )
        for part in parts
        for a in solve_part(problem, part, backend, deadline=1e12).chosen.tolist()
    )
    assert chosen == [("R1", "PA"), ("R2", "PB"), ("R3", "PA")]
    assert given.timeLimit is None


STOPPED_LOG = """
Result - Stopped on time limit

Objective value:                27874.00000000
Upper bound:                    28587.004
Gap:                            -0.02
"""


def test_the_bound_of_a_stopped_cbc_run_is_read_from_its_log() -> None:
    assert cbc_bound(STOPPED_LOG) == pytest.approx(28587.004)
    assert cbc_bound(STOPPED_LOG.replace("Upper", "Lower")) == pytest.approx(28587.004)
    assert math.isnan(cbc_bound("Result - Optimal solution found\n"))
