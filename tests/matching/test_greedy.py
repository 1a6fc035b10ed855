"""The hand-matching baseline: feasible, in priority order, never better than the optimum."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain import (
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Funding,
    Intervention,
    Law,
    Policy,
    Provider,
    Request,
    Round,
    Segment,
    Unit,
    Urgency,
)
from matcher.matching.build import build_problem
from matcher.matching.engine import match_round
from matcher.matching.greedy import greedy_matches
from matcher.matching.problem import MatchingProblem
from matcher.matching.stages import CLASS_STAGES
from tests.profiles import examples
from tests.strategies import rounds

DAY = date(2026, 3, 2)


def _intervention(iid: str = "I1") -> Intervention:
    return Intervention(
        intervention_id=iid,
        name="begeleiding",
        law=Law.WMO,
        segment=Segment.B,
        product_group="begeleiding",
        funding=Funding.EFFORT,
        unit=Unit.HOUR,
        tariff_min=Decimal("10"),
        tariff_max=Decimal("200"),
    )


def _request(rid: str, urgency: Urgency, weeks_waiting: int | None = None) -> Request:
    return Request(
        request_id=rid,
        client_ref=f"C-{rid}",
        team_id="T1",
        intervention_id="I1",
        units=Decimal("1"),
        start_date=DAY,
        urgency=urgency,
        waiting_since=None if weeks_waiting is None else DAY - timedelta(weeks=weeks_waiting),
    )


def _round(
    requests: list[Request], capacity: dict[str, str], tariffs: dict[tuple[str, str], str]
) -> Round:
    pids = sorted(capacity)
    return Round(
        interventions=(_intervention(),),
        providers=tuple(Provider(provider_id=p, name=p) for p in pids),
        certifications=tuple(
            Certification(
                provider_id=p,
                intervention_id="I1",
                valid_from=date(2025, 1, 1),
                valid_to=date(2027, 1, 1),
            )
            for p in pids
        ),
        capacity=tuple(
            CapacityRow(provider_id=p, intervention_id="I1", capacity_units=Decimal(c))
            for p, c in capacity.items()
        ),
        requests=tuple(requests),
        bids=tuple(
            Bid(request_id=r, provider_id=p, tariff=Decimal(t)) for (r, p), t in tariffs.items()
        ),
        policy=Policy(round_date=DAY),
    )


def _placed(problem: MatchingProblem, chosen: np.ndarray) -> dict[str, str]:
    return {
        problem.request_ids[int(problem.pair_request[a])]: problem.provider_ids[
            int(problem.pair_provider[a])
        ]
        for a in chosen.tolist()
    }


def test_urgency_classes_come_first() -> None:
    requests = [
        _request("R1", Urgency.NORMAL, weeks_waiting=50),
        _request("R2", Urgency.HIGH),
        _request("R3", Urgency.CRISIS),
    ]
    tariffs = {(r.request_id, "P1"): "50" for r in requests}
    problem = build_problem(_round(requests, {"P1": "2"}, tariffs))
    assert _placed(problem, greedy_matches(problem)) == {"R2": "P1", "R3": "P1"}


def test_longer_waiting_first_then_request_id() -> None:
    # Listed in the reverse of the expected order, so the input order cannot decide.
    requests = [
        _request("R3", Urgency.NORMAL),
        _request("R2", Urgency.NORMAL),
        _request("R1", Urgency.NORMAL, weeks_waiting=52),
    ]
    tariffs = {(r.request_id, "P1"): "50" for r in requests}
    problem = build_problem(_round(requests, {"P1": "2"}, tariffs))
    assert _placed(problem, greedy_matches(problem)) == {"R1": "P1", "R2": "P1"}


def test_cheapest_pair_that_still_fits() -> None:
    requests = [_request("R1", Urgency.CRISIS), _request("R2", Urgency.NORMAL)]
    tariffs = {("R1", "P1"): "40", ("R1", "P2"): "90", ("R2", "P1"): "30", ("R2", "P2"): "80"}
    problem = build_problem(_round(requests, {"P1": "1", "P2": "1"}, tariffs))
    # R1 goes first and takes cheap P1; R2 is cheaper at P1 too, but P1 is full.
    assert _placed(problem, greedy_matches(problem)) == {"R1": "P1", "R2": "P2"}


def test_greedy_can_be_worse_than_the_optimum() -> None:
    """The baseline blocks: R1 takes the only provider R2 could use; the model places both."""
    requests = [_request("R1", Urgency.NORMAL, weeks_waiting=10), _request("R2", Urgency.NORMAL)]
    tariffs = {("R1", "P1"): "20", ("R1", "P2"): "90", ("R2", "P1"): "30"}
    round_ = _round(requests, {"P1": "1", "P2": "1"}, tariffs)
    problem = build_problem(round_)
    assert _placed(problem, greedy_matches(problem)) == {"R1": "P1"}
    assert _placed(problem, match_round(round_, solver="highs").chosen) == {
        "R1": "P2",
        "R2": "P1",
    }


def _limits_hold(problem: MatchingProblem, chosen: np.ndarray) -> None:
    x = np.zeros(problem.n_pairs, dtype=np.int64)
    x[chosen] = 1
    assert (
        np.bincount(problem.pair_request[chosen], minlength=problem.n_requests).max(initial=0) <= 1
    )
    for limit in problem.limits:
        assert int(limit.coeffs @ x[limit.pairs]) <= limit.rhs, limit.key


@st.composite
def scarce_rounds(draw: st.DrawFn) -> Round:
    """Small rounds where capacity, budgets and share caps really bind."""
    pids = [f"P{p}" for p in range(draw(st.integers(2, 4)))]
    iids = ["I1", "I2"][: draw(st.integers(1, 2))]
    requests = [
        Request(
            request_id=f"R{r}",
            client_ref=f"C-{r}",
            team_id=draw(st.sampled_from(["T1", "T2"])),
            intervention_id=draw(st.sampled_from(iids)),
            units=Decimal(draw(st.integers(1, 4))),
            start_date=DAY,
            urgency=draw(st.sampled_from(Urgency)),
            waiting_since=draw(
                st.none() | st.integers(0, 60).map(lambda w: DAY - timedelta(w * 7))
            ),
        )
        for r in range(draw(st.integers(1, 9)))
    ]
    bids = [
        Bid(
            request_id=r.request_id,
            provider_id=p,
            tariff=Decimal(draw(st.integers(10, 200))),
            units=draw(st.none() | st.integers(1, 4).map(Decimal)),
        )
        for r in requests
        for p in pids
        if draw(st.booleans())
    ]
    capacity = [
        CapacityRow(
            provider_id=p, intervention_id=i, capacity_units=Decimal(draw(st.integers(1, 8)))
        )
        for p in pids
        for i in [*iids, "*"]
        if i != "*" or draw(st.booleans())
    ]
    budgets = [
        Budget(team_id=t, segment=Segment.B, amount=Decimal(draw(st.integers(50, 1500))))
        for t in ("T1", "T2")
        if draw(st.booleans())
    ]
    cap = draw(st.none() | st.sampled_from([0.34, 0.5, 0.7]))
    return Round(
        interventions=tuple(_intervention(i) for i in iids),
        providers=tuple(Provider(provider_id=p, name=p) for p in pids),
        certifications=tuple(
            Certification(
                provider_id=p,
                intervention_id=i,
                valid_from=date(2025, 1, 1),
                valid_to=date(2027, 1, 1),
            )
            for p in pids
            for i in iids
        ),
        capacity=tuple(capacity),
        requests=tuple(requests),
        bids=tuple(bids),
        budgets=tuple(budgets),
        policy=Policy(round_date=DAY, market_share_cap=cap),
    )


def _values(problem: MatchingProblem, chosen: np.ndarray) -> tuple[int, ...]:
    """(crisis, high, normal aging points placed, minus the last stage's objective)."""
    requests = problem.pair_request[chosen]
    points = [
        int(problem.weight[requests][problem.urgency_rank[requests] == k].sum())
        for k in range(len(CLASS_STAGES))
    ]
    return (*points, -int(problem.pair_objective[chosen].sum()))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_=scarce_rounds() | rounds(max_requests=6))
def test_greedy_is_feasible_and_never_beats_the_optimum(round_: Round) -> None:
    problem = build_problem(round_)
    chosen = greedy_matches(problem)
    _limits_hold(problem, chosen)
    outcome = match_round(round_, solver="highs")
    assert outcome.status == "optimal"
    # Lexicographic: no class stage better unless every earlier one ties, then no cheaper.
    assert _values(problem, chosen) <= _values(problem, outcome.chosen)
