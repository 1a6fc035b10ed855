"""The engine on hand-made rounds whose optimum is known by hand, on every OR-Tools backend."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.domain import Award, Policy, Round, Urgency, Weights
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.backends.highs_process import HighsBackend
from matcher.matching.build import build_problem
from matcher.matching.engine import MatchOutcome, match_round, solve_problem
from matcher.matching.formulation import reduced_row, whole
from matcher.matching.overrides import Overrides
from matcher.matching.problem import LimitKind
from matcher.matching.stages import solve_part
from tests.matching.handmade import DAY, make_round, request
from tests.profiles import examples
from tests.strategies import rounds

SOLVERS = ["highs", "scip", "cp-sat"]


def matches(outcome: MatchOutcome) -> set[tuple[str, str]]:
    """The chosen (request, provider) pairs."""
    p = outcome.problem
    return {
        (p.request_ids[int(p.pair_request[a])], p.provider_ids[int(p.pair_provider[a])])
        for a in outcome.chosen
    }


@pytest.mark.parametrize("solver", SOLVERS)
def test_one_crisis_outweighs_any_number_of_normal_requests(solver: str) -> None:
    normals = [request(f"N{k}", "1") for k in range(4)]
    crisis = request("C1", "4", Urgency.CRISIS)
    round_ = make_round(
        [*normals, crisis],
        [(r.request_id, "P1", "60") for r in [*normals, crisis]],
        {"P1": "4"},
    )
    outcome = match_round(round_, solver=solver)
    assert outcome.status == "optimal"
    assert matches(outcome) == {("C1", "P1")}


@pytest.mark.parametrize("solver", SOLVERS)
def test_longer_waiting_wins_within_a_class_even_when_dearer(solver: str) -> None:
    fresh = request("R1", "1", waiting_since=DAY)
    waited = request("R2", "1", waiting_since=DAY - timedelta(weeks=52))
    round_ = make_round([fresh, waited], [("R1", "P1", "50"), ("R2", "P1", "99")], {"P1": "1"})
    assert matches(match_round(round_, solver=solver)) == {("R2", "P1")}


@pytest.mark.parametrize("solver", SOLVERS)
def test_cost_stage_picks_cheapest_unless_preference_outweighs(solver: str) -> None:
    plain = request("R1", "2")
    round_ = make_round([plain], [("R1", "P1", "60"), ("R1", "P2", "55")], {"P1": "5", "P2": "5"})
    assert matches(match_round(round_, solver=solver)) == {("R1", "P2")}
    # P1 first choice: P2 is one step down (EUR 25 a week) and saves only EUR 10 a week.
    choosy = request("R1", "2", preferred_providers=("P1", "P2"))
    round_ = make_round([choosy], [("R1", "P1", "60"), ("R1", "P2", "55")], {"P1": "5", "P2": "5"})
    outcome = match_round(round_, solver=solver)
    assert matches(outcome) == {("R1", "P1")}
    assert outcome.total_cost_cents == 12000
    assert outcome.objective_cents == 12000


@pytest.mark.parametrize("solver", SOLVERS)
def test_knapsack_places_the_most_points_not_the_first_come(solver: str) -> None:
    # Capacity 5: {3, 2} places two requests; the greedy "largest first" would place one.
    reqs = [request("A", "4"), request("B", "3"), request("C", "2")]
    round_ = make_round(reqs, [(r.request_id, "P1", "60") for r in reqs], {"P1": "5"})
    outcome = match_round(round_, solver=solver)
    assert matches(outcome) == {("B", "P1"), ("C", "P1")}
    assert outcome.status == "optimal"
    assert outcome.gap == 0.0


def test_running_awards_use_capacity_and_ended_ones_do_not() -> None:
    reqs = [request("R1", "2")]
    base = make_round(reqs, [("R1", "P1", "60")], {"P1": "4"})

    def award(ends_on: date | None) -> Award:
        return Award(
            request_id="OLD",
            provider_id="P1",
            intervention_id="I1",
            tariff=Decimal(60),
            units=Decimal(3),
            awarded_on=date(2026, 1, 1),
            ends_on=ends_on,
        )

    running = base.model_copy(update={"awards": (award(None),)})
    assert matches(match_round(running)) == set()
    ended = base.model_copy(update={"awards": (award(date(2026, 6, 30)),)})
    assert matches(match_round(ended)) == {("R1", "P1")}


def test_team_budget_limits_the_weekly_cost() -> None:
    reqs = [request("R1", "2"), request("R2", "2")]
    bids = [("R1", "P1", "60"), ("R2", "P1", "60")]
    # Each match costs EUR 120 a week; EUR 200 left buys one.
    round_ = make_round(reqs, bids, {"P1": "10"}, budgets={("T1", "B"): "200"})
    assert len(matches(match_round(round_))) == 1
    round_ = make_round(reqs, bids, {"P1": "10"}, budgets={("T1", "B"): "240"})
    assert len(matches(match_round(round_))) == 2


def test_market_share_cap_spreads_placements() -> None:
    reqs = [request(f"R{k}", "1") for k in range(6)]
    bids = [
        (r.request_id, p, t) for r in reqs for p, t in (("P1", "50"), ("P2", "70"), ("P3", "70"))
    ]
    capacity = {"P1": "10", "P2": "10", "P3": "10"}
    cheapest = match_round(make_round(reqs, bids, capacity))
    assert {p for _, p in matches(cheapest)} == {"P1"}
    capped = match_round(
        make_round(reqs, bids, capacity, policy=Policy(round_date=DAY, market_share_cap=0.4))
    )
    per_provider = {p: sum(1 for _, q in matches(capped) if q == p) for p in ("P1", "P2", "P3")}
    assert sum(per_provider.values()) == 6
    # At most 40% of 6 placed units plus one request's worth.
    assert per_provider["P1"] == 3


def test_pin_and_forbid_override_the_cost_stage() -> None:
    reqs = [request("R1", "1")]
    round_ = make_round(reqs, [("R1", "P1", "60"), ("R1", "P2", "55")], {"P1": "5", "P2": "5"})
    assert matches(match_round(round_)) == {("R1", "P2")}
    pinned = match_round(round_, overrides=Overrides(pins=frozenset({("R1", "P1")})))
    assert matches(pinned) == {("R1", "P1")}
    forbidden = match_round(round_, overrides=Overrides(forbids=frozenset({("R1", "P2")})))
    assert matches(forbidden) == {("R1", "P1")}


def test_two_pins_on_one_request_are_infeasible_and_named() -> None:
    reqs = [request("R1", "1")]
    round_ = make_round(reqs, [("R1", "P1", "60"), ("R1", "P2", "55")], {"P1": "5", "P2": "5"})
    outcome = match_round(round_, overrides=Overrides(pins=frozenset({("R1", "P1"), ("R1", "P2")})))
    assert outcome.status == "infeasible"
    assert {(c.request_id, c.provider_id) for c in outcome.pin_conflicts} == {
        ("R1", "P1"),
        ("R1", "P2"),
    }
    assert "R1 is also pinned to P2" in outcome.message


def test_pins_that_overfill_a_provider_are_infeasible_and_named() -> None:
    reqs = [request("R1", "3"), request("R2", "3"), request("R3", "1")]
    bids = [(r.request_id, "P1", "60") for r in reqs]
    round_ = make_round(reqs, bids, {"P1": "5"})
    outcome = match_round(round_, overrides=Overrides(pins=frozenset({("R1", "P1"), ("R2", "P1")})))
    assert outcome.status == "infeasible"
    assert {c.request_id for c in outcome.pin_conflicts} == {"R1", "R2"}
    assert "need 600 but only 500 is left" in outcome.message


def test_pin_on_an_inadmissible_pair_is_infeasible() -> None:
    reqs = [request("R1", "1")]
    round_ = make_round(reqs, [("R1", "P1", "160")], {"P1": "5"})  # above the band
    outcome = match_round(round_, overrides=Overrides(pins=frozenset({("R1", "P1")})))
    assert outcome.status == "infeasible"
    assert "P1 is not an admissible provider" in outcome.message


def test_rows_that_cannot_bind_are_left_out() -> None:
    reqs = [request("R1", "1"), request("R2", "1")]
    bids = [("R1", "P1", "60"), ("R2", "P1", "60"), ("R2", "P2", "60")]
    problem = build_problem(make_round(reqs, bids, {"P1": "1", "P2": "9"}))
    kept = {(lim.kind, lim.key) for lim in problem.limits}
    assert kept == {(LimitKind.CAPACITY, ("P1", "*"))}


def test_reduced_row_divides_by_the_gcd_and_rounds_down() -> None:
    coeffs, rhs = reduced_row(np.asarray([700, 700, 350], dtype=np.int64), 1500)
    assert coeffs.tolist() == [2, 2, 1]
    assert rhs == 4


class _Unproven:
    """A backend that answers like a solver stopped by its time limit: found, not proven."""

    name = "unproven"

    def __init__(self) -> None:
        self.inner = HighsBackend()

    def solve(self, task: StageTask) -> StageResult:
        result = self.inner.solve(task)
        bound = result.objective + (1 if task.maximize else -1)
        return replace(result, status=StageStatus.FEASIBLE, bound=float(bound))


def test_unproven_stage_gives_status_feasible_with_its_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reqs = [request("A", "4"), request("B", "3"), request("C", "2")]
    round_ = make_round(reqs, [(r.request_id, "P1", "60") for r in reqs], {"P1": "5"})
    monkeypatch.setattr("matcher.matching.engine.backend_named", lambda name: _Unproven())
    outcome = solve_problem(build_problem(round_), solver="highs")
    assert outcome.status == "feasible"
    assert outcome.gap > 0


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(max_requests=8))
def test_parts_solved_apart_equal_the_whole_round_solved_at_once(round_: Round) -> None:
    problem = build_problem(round_)
    split_outcome = solve_problem(problem, solver="highs")
    if split_outcome.status != "optimal" or problem.n_pairs == 0:
        assert split_outcome.status == "optimal"
        return
    monolithic = solve_part(problem, whole(problem), HighsBackend(), 1e18)
    chosen = monolithic.chosen
    assert int(problem.pair_objective[chosen].sum()) == split_outcome.objective_cents

    def points(pairs: np.ndarray, k: int) -> int:
        requests = problem.pair_request[pairs]
        return int(problem.weight[requests][problem.urgency_rank[requests] == k].sum())

    for k in range(3):
        assert points(chosen, k) == points(split_outcome.chosen, k)


def test_policy_weights_change_the_secondary_terms() -> None:
    choosy = request("R1", "2", preferred_providers=("P1", "P2"))
    policy = Policy(round_date=DAY, weights=Weights(preference_per_rank=Decimal(0)))
    round_ = make_round(
        [choosy], [("R1", "P1", "60"), ("R1", "P2", "55")], {"P1": "5", "P2": "5"}, policy=policy
    )
    assert matches(match_round(round_)) == {("R1", "P2")}
