"""The catalogue of objective terms (matching.terms): each formula on a hand-made pair; the
problem's arrays and the validator's stage value come from the same entries."""

from decimal import Decimal

import numpy as np

from matcher.domain import Funding, Policy
from matcher.domain.policy import Weights
from matcher.matching import TERM_NAMES, TERMS, build_problem, match_round
from matcher.matching.terms import PairFacts, price, score_cents
from matcher.matching.validate import validate_matches
from tests.matching.builders import bid, capacity, make_round, provider, request


def facts(**changes: object) -> PairFacts:
    """R1 to P2: 4 hours at EUR 60, 3.2 km, the client ranks P1, P2, P3 and has P1 now."""
    values: dict[str, object] = {
        "request": request("R1", preferred_providers=("P1", "P2", "P3"), current_provider="P1"),
        "provider_id": "P2",
        "funding": Funding.EFFORT,
        "tariff": Decimal("60"),
        "units": Decimal("4"),
        "km": 3.2,
        "policy": Policy(),
    }
    values.update(changes)
    return PairFacts(**values)  # type: ignore[arg-type]


def test_each_term_follows_its_formula_at_the_default_weights() -> None:
    # cost 4 x 60; distance 2 x 3.2; preference 25 x 1 step; continuity 50 (not P1)
    assert price(facts()) == {
        "cost": 24_000,
        "distance": 640,
        "preference": 2_500,
        "continuity": 5_000,
    }
    assert score_cents(price(facts())) == 24_000 + 640 + 2_500 + 5_000


def test_output_funding_an_unknown_location_an_unranked_and_the_current_provider() -> None:
    terms = price(facts(funding=Funding.OUTPUT, km=None, provider_id="P1"))
    assert terms == {"cost": 6_000, "distance": 0, "preference": 0, "continuity": 0}
    unranked = price(facts(provider_id="P9"))
    assert unranked["preference"] == 3 * 2_500  # one step below the last of three
    no_list = facts(request=request("R1"))
    assert price(no_list)["preference"] == 0
    assert price(no_list)["continuity"] == 0


def test_every_weighted_term_names_a_policy_weight_and_only_the_cost_is_paid() -> None:
    weights = set(Weights.model_fields)
    assert {t.weight for t in TERMS if t.weight is not None} == weights
    assert [t.name for t in TERMS if t.paid] == ["cost"]
    assert [t.column for t in TERMS] == [f"{name}_term" for name in TERM_NAMES]


def test_the_problem_holds_one_array_per_term_and_the_objective_is_their_sum() -> None:
    round_ = make_round(
        [provider("P1", 52.0, 5.0), provider("P2", 52.1, 5.1)],
        [
            request("R1", lat=52.05, lon=5.05, preferred_providers=("P2",)),
            request("R2", lat=52.0, lon=5.0, current_provider="P2"),
        ],
        [bid("R1", "P1", "60"), bid("R1", "P2", "70"), bid("R2", "P1", "55")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )
    problem = build_problem(round_)
    assert tuple(problem.pair_terms) == TERM_NAMES
    total = sum(problem.pair_terms[name] for name in TERM_NAMES)
    assert np.array_equal(problem.pair_objective, total)
    assert all(problem.pair_terms[t.name].any() for t in TERMS)  # each term is exercised
    # The validator prices the chosen matches from the round with the same catalogue.
    outcome = match_round(round_)
    pairs = [
        (problem.request_ids[int(problem.pair_request[a])], problem.provider_ids[int(p)])
        for a, p in zip(
            outcome.chosen.tolist(), problem.pair_provider[outcome.chosen].tolist(), strict=True
        )
    ]
    assert validate_matches(round_, pairs).stage_values["cost"] == outcome.objective_cents
