"""Every backend reaches the same lexicographic optimum, and the validator agrees with it.

HiGHS, SCIP and CP-SAT share ``formulation.linear_model``; CBC builds its own model through
PuLP; ``validate_matches`` recomputes every rule and stage value from the round itself. A
mistake in any one of them shows up as a disagreement on some scarce round.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain import Round
from matcher.matching.engine import MatchOutcome, match_round
from matcher.matching.overrides import Overrides
from matcher.matching.stages import CLASS_STAGES
from matcher.matching.validate import validate_matches
from tests.matching.strategies import scarce_rounds
from tests.profiles import examples

SOLVERS = ("highs", "scip", "cp-sat", "cbc")


def matches_of(outcome: MatchOutcome) -> list[tuple[str, str]]:
    """The chosen pairs as (request_id, provider_id)."""
    problem = outcome.problem
    return [
        (
            problem.request_ids[int(problem.pair_request[a])],
            problem.provider_ids[int(problem.pair_provider[a])],
        )
        for a in outcome.chosen.tolist()
    ]


def admissible_pairs(outcome: MatchOutcome) -> list[tuple[str, str]]:
    """Every admissible (request_id, provider_id) of the outcome's problem."""
    problem = outcome.problem
    return sorted(
        (problem.request_ids[r], problem.provider_ids[p])
        for r, p in zip(problem.pair_request.tolist(), problem.pair_provider.tolist(), strict=True)
    )


def draw_overrides(data: st.DataObject, round_: Round) -> Overrides:
    """Pins taken from a feasible solution (so the round stays feasible) and a few forbids."""
    if not data.draw(st.booleans(), label="overrides"):
        return Overrides()
    first = match_round(round_, solver="highs", mip_gap=0)
    chosen = matches_of(first)
    pins = data.draw(st.sets(st.sampled_from(chosen), max_size=2) if chosen else st.just(set()))
    others = [pair for pair in admissible_pairs(first) if pair not in pins]
    forbids = data.draw(st.sets(st.sampled_from(others), max_size=3) if others else st.just(set()))
    return Overrides(pins=frozenset(pins), forbids=frozenset(forbids))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scarce_rounds(), st.data())
def test_every_backend_reaches_the_same_optimum(round_: Round, data: st.DataObject) -> None:
    overrides = draw_overrides(data, round_)
    values: dict[str, dict[str, int]] = {}
    for solver in SOLVERS:
        outcome = match_round(round_, solver=solver, overrides=overrides, mip_gap=0)
        assert outcome.status == "optimal", (solver, outcome.message)
        stages = {s.name: s.objective for s in outcome.stages}
        check = validate_matches(round_, matches_of(outcome), overrides)
        assert check.violations == [], (solver, check.violations)
        for name in (*CLASS_STAGES, "cost"):
            assert check.stage_values[name] == stages.get(name, 0), (solver, name)
        assert check.stage_values["total_cost_cents"] == outcome.total_cost_cents, solver
        values[solver] = stages
    assert all(v == values["highs"] for v in values.values()), values
