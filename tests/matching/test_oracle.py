"""Every backend's stage values equal the optimum found by trying every assignment.

The backend-agreement test cannot see a rule made too strict in ``build.py``: all four
solvers read the same arrays and agree on the same worse answer. The oracle reads the round's
own tables, so a rule that is too strict (or too loose) anywhere in the engine shows up here
as a different stage value on some small round.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain import Round
from tests.matching.engine_answer import BACKENDS, engine_answer
from tests.matching.oracle import Pair, RoundTables, optimum
from tests.matching.strategies import scarce_rounds

# Rounds the enumeration handles in milliseconds: at most 5^6 assignments.
oracle_rounds = scarce_rounds(max_requests=6, min_providers=3, max_providers=4)


def draw_overrides(data: st.DataObject, round_: Round) -> tuple[set[Pair], set[Pair]]:
    """Up to two pins and two forbids on admissible pairs; pins may together be infeasible."""
    if not data.draw(st.booleans(), label="overrides"):
        return set(), set()
    pairs = sorted(RoundTables(round_).candidates)
    if not pairs:
        return set(), set()
    pins = data.draw(st.sets(st.sampled_from(pairs), max_size=2), label="pins")
    others = [pair for pair in pairs if pair not in pins]
    forbids = data.draw(
        st.sets(st.sampled_from(others), max_size=2) if others else st.just(set()),
        label="forbids",
    )
    return pins, forbids


@pytest.mark.parametrize("solver", BACKENDS)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_=oracle_rounds, data=st.data())
def test_every_backend_reaches_the_enumerated_optimum(
    solver: str, round_: Round, data: st.DataObject
) -> None:
    pins, forbids = draw_overrides(data, round_)
    best = optimum(round_, pins, forbids)
    answer = engine_answer(round_, solver, pins, forbids)
    if best is None:
        assert answer.status == "infeasible", (solver, answer.stages)
        return
    assert answer.status == "optimal", (solver, answer.message)
    assert answer.stages == best.stages, (solver, sorted(answer.matches), sorted(best.matches))
    assert pins <= answer.matches
    assert RoundTables(round_, forbids).value(answer.matches) == best.stages
