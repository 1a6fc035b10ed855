"""The PuLP backend on a round solved by hand, on every backend, plus its own status mapping."""

import math
import warnings
from datetime import date
from decimal import Decimal

import pulp
import pytest

from matcher.domain import (
    Aging,
    Award,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Offer,
    Policy,
    Provider,
    Request,
    Round,
    Segment,
    Unit,
    Urgency,
    Weights,
)
from matcher.matching.backends.pulp_cbc import PulpBackend, cbc_bound
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from matcher.matching.engine import MatchOutcome, match_round, solve_problem
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


def cbc_preprocessing_round() -> Round:
    """A scarce round (found by the backend-agreement property test) whose cost stage CBC
    2.10.3's preprocessing calls infeasible, although placing R1, R2, R6 at P2 and R4 at P0
    meets every row: five crisis requests compete for P0's one place."""
    day = date(2026, 3, 2)
    band = Intervention(
        intervention_id="I0",
        name="i",
        law=Law.WMO,
        segment=Segment.B,
        product_group="g",
        funding=Funding.EFFORT,
        unit=Unit.HOUR,
        tariff_min=Decimal(20),
        tariff_max=Decimal(25),
    )
    crisis = {"R0", "R3", "R4", "R7", "R8"}
    waited = {"R2": date(2025, 5, 5), "R6": date(2025, 6, 8)}
    bids = {
        "R0": ["P0"],
        "R1": ["P0", "P2"],
        "R2": ["P0", "P2"],
        "R3": ["P0"],
        "R4": ["P0"],
        "R5": ["P2"],
        "R6": ["P0", "P2"],
        "R7": ["P0"],
        "R8": ["P0"],
    }
    return Round(
        interventions=(band,),
        providers=(Provider(provider_id="P0", name="p0"), Provider(provider_id="P2", name="p2")),
        certifications=tuple(
            Certification(
                provider_id=p,
                intervention_id="I0",
                valid_from=date(2025, 1, 1),
                valid_to=date(2027, 1, 1),
            )
            for p in ("P0", "P2")
        ),
        capacity=(
            CapacityRow(provider_id="P0", intervention_id="I0", capacity_units=Decimal(1)),
            CapacityRow(provider_id="P0", intervention_id="*", capacity_units=Decimal(1)),
            CapacityRow(provider_id="P2", intervention_id="I0", capacity_units=Decimal(8)),
        ),
        requests=tuple(
            Request(
                request_id=rid,
                client_ref=f"C-{rid}",
                team_id="T1",
                intervention_id="I0",
                units=Decimal("3.5") if rid == "R6" else Decimal(1),
                start_date=day,
                urgency=Urgency.CRISIS if rid in crisis else Urgency.NORMAL,
                waiting_since=waited.get(rid),
            )
            for rid in bids
        ),
        bids=tuple(
            Bid(
                request_id=rid,
                provider_id=pid,
                tariff=Decimal(20),
                units=Decimal(3) if rid == "R5" else None,
            )
            for rid, pids in bids.items()
            for pid in pids
        ),
        policy=Policy(
            round_date=day,
            weights=Weights(
                distance_per_km=Decimal(0), preference_per_rank=Decimal(0), continuity=Decimal(0)
            ),
            aging=Aging(per_week=Decimal("0.1"), max_weeks=52),
        ),
    )


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_cbc_without_preprocessing_solves_a_stage_it_called_infeasible(solver: str) -> None:
    outcome = match_round(cbc_preprocessing_round(), solver=solver, mip_gap=0)
    assert outcome.status == "optimal", outcome.message
    assert {s.name: s.objective for s in outcome.stages} == {
        "place_crisis": 10,
        "place_normal": 111,
        "cost": 13_000,
    }


def cbc_wrong_optimum_round() -> Round:
    """A round (found by the backend-agreement property test, with three forbids) whose cost
    stage CBC 2.10.3 with preprocessing reported optimal at EUR 315 where EUR 291 meets every
    row: a market-share cap of 30%, a team budget, preferences and running awards."""
    day = date(2026, 3, 2)
    certified = (date(2025, 1, 26), date(2027, 4, 6))

    def band(iid: str, funding: Funding, low: int, high: int) -> Intervention:
        return Intervention(
            intervention_id=iid,
            name=iid,
            law=Law.WMO,
            segment=Segment.B,
            product_group="g",
            funding=funding,
            unit=Unit.HOUR,
            tariff_min=Decimal(low),
            tariff_max=Decimal(high),
        )

    certs = {"P0": ["I0"], "P1": ["I0", "I1"], "P2": ["I1"], "P3": ["I0", "I1"]}
    capacity = {("P0", "*"): 4, ("P1", "I0"): 8, ("P1", "*"): 8, ("P2", "I0"): 1}
    capacity |= {("P2", "I1"): 1, ("P3", "I0"): 1}
    # request: (team, intervention, units, urgency, preferred, excluded)
    requests = {
        "R0": ("T2", "I0", "1", Urgency.NORMAL, (), ("P0",)),
        "R1": ("T2", "I0", "1", Urgency.CRISIS, (), ()),
        "R2": ("T1", "I0", "1", Urgency.CRISIS, (), ()),
        "R3": ("T1", "I1", "1", Urgency.CRISIS, (), ()),
        "R4": ("T1", "I0", "2", Urgency.CRISIS, ("P1", "P0"), ()),
        "R5": ("T1", "I0", "3.5", Urgency.CRISIS, (), ()),
        "R6": ("T1", "I0", "1", Urgency.CRISIS, (), ()),
        "R7": ("T1", "I0", "1", Urgency.CRISIS, (), ()),
        "R8": ("T2", "I0", "1", Urgency.CRISIS, (), ()),
    }
    specialist = {"R2", "R7"}  # they need a specialism no provider offers
    bids = {
        "R0": {"P0": "54", "P1": "54", "P2": "54"},
        "R1": {"P0": "54"},
        "R2": {"P0": "54", "P1": "54", "P2": "54", "P3": "54"},
        "R3": {"P0": "20", "P1": "20", "P2": "20"},
        "R4": {"P0": "54", "P1": "54", "P2": "54", "P3": "53.99"},
        "R5": {"P0": "53.99", "P1": "54", "P2": "54", "P3": "54"},
        "R6": {"P1": "54", "P2": "54", "P3": "54"},
        "R7": {"P0": "54", "P2": "54"},
        "R8": {"P0": "55", "P1": "54", "P2": "54", "P3": "54"},
    }
    bid_units = {("R4", "P0"): Decimal(1), ("R8", "P3"): Decimal(1)}
    awards = [("A0", "P0", None), ("A1", "P2", None), ("A2", "P2", date(2026, 3, 1))]
    return Round(
        interventions=(band("I0", Funding.OUTPUT, 54, 59), band("I1", Funding.EFFORT, 20, 25)),
        providers=tuple(Provider(provider_id=p, name=p) for p in certs),
        certifications=tuple(
            Certification(
                provider_id=p, intervention_id=i, valid_from=certified[0], valid_to=certified[1]
            )
            for p, items in certs.items()
            for i in items
        ),
        capacity=tuple(
            CapacityRow(provider_id=p, intervention_id=i, capacity_units=Decimal(units))
            for (p, i), units in capacity.items()
        ),
        requests=tuple(
            Request(
                request_id=rid,
                client_ref=f"C-{rid}",
                team_id=team,
                intervention_id=iid,
                units=Decimal(units),
                start_date=day,
                urgency=urgency,
                preferred_providers=preferred,
                excluded_providers=excluded,
                required_specialisms=("autism",) if rid in specialist else (),
            )
            for rid, (team, iid, units, urgency, preferred, excluded) in requests.items()
        ),
        bids=tuple(
            Bid(
                request_id=rid,
                provider_id=pid,
                tariff=Decimal(tariff),
                units=bid_units.get((rid, pid)),
            )
            for rid, offers in bids.items()
            for pid, tariff in offers.items()
        ),
        offers=(
            Offer(provider_id="P0", intervention_id="I1", tariff=Decimal(20)),
            Offer(provider_id="P1", intervention_id="I1", tariff=Decimal(20)),
            Offer(provider_id="P3", intervention_id="I0", tariff=Decimal(54)),
            Offer(provider_id="P3", intervention_id="I1", tariff=Decimal(20)),
        ),
        budgets=(Budget(team_id="T2", segment=Segment.B, amount=Decimal(160)),),
        awards=tuple(
            Award(
                request_id=aid,
                provider_id=pid,
                intervention_id="I0",
                tariff=Decimal(30),
                units=Decimal(1),
                awarded_on=date(2026, 1, 1),
                ends_on=ends,
            )
            for aid, pid, ends in awards
        ),
        policy=Policy(
            round_date=day,
            weights=Weights(
                distance_per_km=Decimal(0), preference_per_rank=Decimal(25), continuity=Decimal(0)
            ),
            market_share_cap=0.3,
        ),
    )


def test_cbc_without_preprocessing_finds_the_optimum_it_missed_with_it() -> None:
    forbids = frozenset({("R8", "P3"), ("R3", "P1"), ("R0", "P1")})
    stages = {
        solver: {
            s.name: s.objective
            for s in match_round(
                cbc_wrong_optimum_round(),
                solver=solver,
                mip_gap=0,
                overrides=Overrides(forbids=forbids),
            ).stages
        }
        for solver in ("cbc", "scip", "highs")
    }
    assert stages["scip"] == stages["highs"]  # two other solvers agree on the optimum
    assert stages["cbc"] == stages["scip"]
