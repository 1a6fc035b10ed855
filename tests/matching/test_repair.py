"""The greedy extension every stage starts from: feasible, priority first, never undoing."""

import numpy as np
from hypothesis import HealthCheck, given, settings

from matcher.domain import Round, Urgency
from matcher.matching.build import build_problem
from matcher.matching.formulation import whole
from matcher.matching.greedy import fill, fits
from tests.matching.handmade import make_round, request
from tests.matching.strategies import scarce_rounds
from tests.profiles import examples


def test_extension_places_higher_urgency_first_and_keeps_what_was_chosen() -> None:
    reqs = [request("N1", "2"), request("H1", "2", Urgency.HIGH), request("N2", "1")]
    round_ = make_round(reqs, [(r.request_id, "P1", "60") for r in reqs], {"P1": "3"})
    problem = build_problem(round_)
    part = whole(problem)
    start = np.zeros(part.cols.size, dtype=np.bool_)
    chosen = fill(problem, part, start)
    placed = {problem.request_ids[int(problem.pair_request[a])] for a in part.cols[chosen]}
    assert placed == {"H1", "N2"}  # high first (2 units), then the normal that still fits
    kept = np.zeros(part.cols.size, dtype=np.bool_)
    kept[list(problem.request_ids).index("N1")] = True
    again = fill(problem, part, kept)
    assert again[kept].all()


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scarce_rounds())
def test_extension_of_nothing_fits_every_limit(round_: Round) -> None:
    problem = build_problem(round_)
    part = whole(problem)
    start = problem.pair_pinned[part.cols].copy()
    if not fits(problem, part, start):
        return
    chosen = fill(problem, part, start)
    assert fits(problem, part, chosen)
    assert chosen[start].all()
