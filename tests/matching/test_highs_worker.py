"""HiGHS in its worker process: the live model per part, its search path, and its failures.

The backend-agreement and oracle property tests check the worker's answers on the MIP path
like every other backend's; these tests cover what is its own.
"""

import json
import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.domain import (
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
)
from matcher.matching import backend_named, build_problem, solve_part, whole
from matcher.matching.backends import highs_process
from matcher.matching.backends.base import StageResult, StageStatus, StageTask
from matcher.matching.formulation import Part
from matcher.matching.greedy import fits
from tests.matching.oracle import optimum
from tests.matching.test_oracle import oracle_rounds
from tests.paths import ROOT
from tests.profiles import examples

DAY = date(2026, 3, 2)


def _stage_values(round_: Round, solver: str) -> dict[str, int]:
    problem = build_problem(round_)
    solution = solve_part(problem, whole(problem), backend_named(solver), time.perf_counter() + 60)
    return {record.name: record.objective for record in solution.stages}


def _offset_round() -> Round:
    """Found by the backend-agreement test: the one high request has a single pair, so its
    ``assign_once`` row becomes an equality and presolve fixes that pair; given a start,
    HiGHS 1.16 then reported the start optimal at EUR 341 where EUR 330 is possible."""
    certified = (date(2025, 1, 26), date(2027, 4, 6))
    providers = [f"P{i}" for i in range(5)]
    crisis = {"R0": "1", "R1": "1", "R2": "1", "R3": "3.5", "R4": "3.5", "R6": "3.5"}
    crisis |= {"R7": "1", "R8": "3"}
    requests = [
        Request(
            request_id=rid,
            client_ref=f"C-{rid}",
            team_id="T2" if rid in ("R6", "R7", "R8") else "T1",
            intervention_id="I0",
            units=Decimal(units),
            start_date=DAY,
            urgency=Urgency.CRISIS,
            required_specialisms=("autism",) if rid == "R0" else (),
            excluded_providers=("P0",) if rid == "R6" else (),
        )
        for rid, units in crisis.items()
    ]
    requests.append(
        Request(
            request_id="R5",
            client_ref="C-R5",
            team_id="T2",
            intervention_id="I0",
            units=Decimal(1),
            start_date=DAY,
            urgency=Urgency.HIGH,
        )
    )
    bids = {
        "R0": {"P0": 55, "P1": 55, "P2": 55, "P3": 55, "P4": 55},
        "R1": {"P0": 59, "P1": 55, "P4": 55},
        "R2": {"P0": 55, "P1": 55, "P2": 55, "P3": 55},
        "R3": {"P0": 55, "P1": 58, "P2": 63},
        "R4": {"P0": 55, "P1": 55},
        "R5": {"P1": 55, "P3": 55, "P4": 55},
        "R6": {"P1": 55, "P2": 55, "P3": 55},
        "R7": {"P0": 55, "P1": 62, "P3": 55, "P4": 55},
        "R8": {"P0": 55, "P2": 55, "P4": 55},
    }
    capacity = {("P0", "I0"): "11", ("P0", "*"): "8", ("P1", "I0"): "2.5", ("P1", "*"): "8"}
    capacity |= {("P2", "I0"): "6", ("P2", "*"): "1", ("P3", "I0"): "1", ("P4", "I0"): "4"}
    capacity |= {("P4", "*"): "4"}
    return Round(
        interventions=(
            Intervention(
                intervention_id="I0",
                name="intervention 0",
                law=Law.WMO,
                segment=Segment.B,
                product_group="group",
                funding=Funding.OUTPUT,
                unit=Unit.HOUR,
                tariff_min=Decimal(55),
                tariff_max=Decimal(63),
            ),
        ),
        providers=tuple(
            Provider(
                provider_id=p,
                name=f"provider {p}",
                specialisms=("trauma", "autism") if p == "P0" else (),
            )
            for p in providers
        ),
        certifications=tuple(
            Certification(
                provider_id=p,
                intervention_id="I0",
                valid_from=certified[0],
                valid_to=certified[1],
            )
            for p in providers
        ),
        capacity=tuple(
            CapacityRow(provider_id=p, intervention_id=i, capacity_units=Decimal(units))
            for (p, i), units in capacity.items()
        ),
        requests=tuple(requests),
        bids=tuple(
            Bid(
                request_id=rid,
                provider_id=pid,
                tariff=Decimal(tariff),
                units=Decimal(4) if (rid, pid) == ("R1", "P1") else None,
            )
            for rid, offers in bids.items()
            for pid, tariff in offers.items()
        ),
        offers=(
            Offer(provider_id="P0", intervention_id="I0", tariff=Decimal(55)),
            Offer(provider_id="P4", intervention_id="I0", tariff=Decimal(55)),
        ),
        budgets=(Budget(team_id="T2", segment=Segment.B, amount=Decimal(210)),),
        awards=(
            Award(
                request_id="A0",
                provider_id="P4",
                intervention_id="I0",
                tariff=Decimal(30),
                units=Decimal("3.5"),
                awarded_on=date(2026, 1, 1),
            ),
        ),
        policy=Policy(round_date=DAY),
    )


def test_a_start_that_loses_the_presolve_offset_is_not_taken_for_the_optimum() -> None:
    round_ = _offset_round()
    highs, scip, cbc = (_stage_values(round_, s) for s in ("highs", "scip", "cbc"))
    assert scip == cbc  # two other solvers agree on the optimum
    assert highs == scip


def test_the_parent_process_never_loads_highspy() -> None:
    # OR-Tools' HiGHS and highspy's clash in one process: the worker holds highspy alone.
    _stage_values(_offset_round(), "highs")
    # (``matcher.matching.backends`` marks it unimportable, so PuLP cannot load it either.)
    assert sys.modules.get("highspy") is None


def test_a_worker_that_died_in_the_pool_is_replaced() -> None:
    round_ = _offset_round()
    first = _stage_values(round_, "highs")
    for worker in list(highs_process._POOL):
        worker.process.kill()
        worker.process.wait()
    assert _stage_values(round_, "highs") == first


def test_a_worker_that_dies_between_stages_is_replaced_and_the_part_keeps_its_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round_ = _offset_round()
    first = _stage_values(round_, "highs")
    assert len(first) > 1  # there is a stage after the one whose worker is killed
    solve = highs_process.HighsSession.solve
    killed: list[int] = []

    def solve_then_kill(session: highs_process.HighsSession, task: StageTask) -> StageResult:
        result = solve(session, task)
        if not killed:
            for worker in session.workers:
                worker.process.kill()
                worker.process.wait()
                killed.append(worker.process.pid)
        return result

    monkeypatch.setattr(highs_process.HighsSession, "solve", solve_then_kill)
    assert _stage_values(round_, "highs") == first
    assert killed


def test_an_error_between_a_stage_and_its_answer_leaves_no_stale_answer_in_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round_ = _offset_round()
    first = _stage_values(round_, "highs")
    answer = highs_process.Worker.answer
    calls: list[float] = []

    def fail_at_the_first_stage(worker: highs_process.Worker, timeout: float) -> object:
        calls.append(timeout)
        if len(calls) == 2:  # the first answer is the model's load, the second a stage's
            raise OverflowError("timestamp out of range")
        return answer(worker, timeout)

    monkeypatch.setattr(highs_process.Worker, "answer", fail_at_the_first_stage)
    with pytest.raises(OverflowError):
        _stage_values(round_, "highs")
    monkeypatch.setattr(highs_process.Worker, "answer", answer)
    assert _stage_values(round_, "highs") == first  # the next part reads its own answers


def test_a_round_without_pairs_is_decided_without_a_solver() -> None:
    problem = build_problem(_offset_round())
    empty = Part(np.asarray([], dtype=np.int64), ())
    solution = solve_part(problem, empty, backend_named("highs"), time.perf_counter() + 60)
    assert solution.status is StageStatus.OPTIMAL
    assert solution.chosen.size == 0


def test_a_part_reached_after_the_deadline_keeps_its_greedy_start_without_a_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_worker() -> None:
        raise AssertionError("a HiGHS worker was started after the deadline")

    monkeypatch.setattr(highs_process, "Worker", no_worker)
    monkeypatch.setattr(highs_process, "_POOL", [])
    problem = build_problem(_offset_round())
    part = whole(problem)
    solution = solve_part(problem, part, backend_named("highs"), time.perf_counter() - 1)
    chosen = np.isin(part.cols, solution.chosen)
    assert chosen.any()
    assert fits(problem, part, chosen)
    assert solution.stages
    assert all(s.objective <= s.bound for s in solution.stages[:-1])


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(round_=oracle_rounds)
def test_the_search_path_never_beats_the_optimum_and_its_bound_holds(round_: Round) -> None:
    best = optimum(round_, set(), set())
    problem = build_problem(round_)
    with pytest.MonkeyPatch.context() as patch:
        # Every part goes down the large-part path: LP bound in a second worker, then search.
        patch.setattr(highs_process, "LARGE_COLUMNS", 0)
        solution = solve_part(
            problem, whole(problem), backend_named("highs"), time.perf_counter() + 5
        )
    if best is None:
        return
    for record in solution.stages:
        optimal = best.stages[record.name]
        # Maximise stages: never above the optimum, the bound never below it.
        sign = -1 if record.name == "cost" else 1
        assert sign * record.objective <= sign * optimal, (record, optimal)
        assert sign * record.bound >= sign * optimal, (record, optimal)
        if record.objective != optimal:
            break  # later stages keep this stage's value, not the optimum: compare no further


def test_merging_two_searched_answers_keeps_every_row_and_the_better_value() -> None:
    """``neighbourhoods.merge`` needs ``highspy``, which this process must not load: the
    check runs in a process of its own (tests/matching/worker_merge_check.py, a 400-request
    scale round at place_normal, two searches of other seeds from the greedy start, merged as
    one MIP and piece by piece) and prints its figures, judged here."""
    figures = _figures_of("tests.matching.worker_merge_check")
    # Two different answers, or the merge had nothing to decide.
    assert figures["pairs_where_x_and_y_differ"] > 0, figures
    assert all(figures["feasible_matrix"].values()), figures
    assert all(figures["feasible_problem"].values()), figures
    assert figures["merged"] >= max(figures["x"], figures["y"]), figures
    # Piece by piece: the split is a partition that no request or small row crosses, and the
    # result is never worse than the better answer.
    assert figures["pieces"] > 1, figures
    assert figures["pieces_split"], figures
    assert figures["merged_in_pieces"] >= max(figures["x"], figures["y"]), figures
    assert figures["lp_status"] == "Optimal", figures
    assert figures["merged"] <= figures["lp_bound"] + 1e-6, figures
    assert not figures["ortools_loaded"], figures


def _figures_of(module: str) -> dict[str, Any]:
    """Run a check module that needs ``highspy`` in a process of its own; its JSON line."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a hung child fails the test instead of the run
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])  # after the banner
    return figures


def test_the_search_starts_from_requests_in_proportion_to_what_they_could_win() -> None:
    """tests/matching/worker_seed_check.py draws 20,000 times from five requests: a placement
    stage draws only unplaced requests, by their points summed over their pairs (60, 20, 80
    of 160 here), and follows ``update``; the cost stage draws only placed requests above
    their cheapest pair, by the excess (4 and 6); nothing to win is said as None."""
    figures = _figures_of("tests.matching.worker_seed_check")

    def shares(found: list[int]) -> list[float]:
        return [k / sum(found) for k in found]

    assert figures["placing"][0] == figures["placing"][4] == 0, figures
    assert np.allclose(shares(figures["placing"]), [0, 60 / 160, 20 / 160, 80 / 160, 0], atol=0.015)
    assert np.allclose(shares(figures["placing_after_update"]), [0, 0.75, 0.25, 0, 0], atol=0.015)
    assert figures["placing_all_placed"] is None, figures
    assert np.allclose(shares(figures["costing"]), [0.4, 0, 0, 0.6, 0], atol=0.015), figures
    assert figures["costing"][1] == figures["costing"][2] == figures["costing"][4] == 0
    assert figures["costing_all_cheapest"] is None, figures


def test_a_round_merges_the_best_with_the_other_workers_latest_answer() -> None:
    # Whichever worker found the best, the next round combines it with the other latest answer
    # (the one that is not the best), so neither worker's gains of the last round are dropped.
    ours, theirs = np.array([True, False]), np.array([False, True])
    assert highs_process.to_merge(ours, ours, theirs) is theirs  # this worker found the best
    assert highs_process.to_merge(theirs, ours, theirs) is ours  # the other worker did
    assert highs_process.to_merge(ours, ours, None) is None  # the other has no answer yet
    start = np.array([False, False])  # neither answer beat the start yet: take in this one
    assert highs_process.to_merge(start, ours, theirs) is ours
