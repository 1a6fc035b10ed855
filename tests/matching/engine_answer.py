"""The one place the oracle and rule tests call the engine, so a change of its API is one edit.

Everything here is in the round's own words: (request_id, provider_id) pairs and the stage
values by name, never the engine's arrays.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.domain import Round
from matcher.matching.engine import match_round
from matcher.matching.overrides import Overrides

Pair = tuple[str, str]
# Every backend, by the engine's names: HiGHS, SCIP and CP-SAT through OR-Tools, CBC via PuLP.
BACKENDS = ("highs", "scip", "cp-sat", "cbc")
STAGES = ("place_crisis", "place_high", "place_normal", "cost")


@dataclass(frozen=True)
class EngineAnswer:
    """What the engine proposed: its status, the chosen pairs and each stage's value."""

    status: str
    matches: frozenset[Pair]
    stages: dict[str, int]
    message: str


def engine_answer(
    round_: Round,
    solver: str = "highs",
    pins: Iterable[Pair] = (),
    forbids: Iterable[Pair] = (),
) -> EngineAnswer:
    """Match the round to proven optimality (gap 0) on one backend."""
    overrides = Overrides(pins=frozenset(pins), forbids=frozenset(forbids))
    outcome = match_round(round_, solver=solver, overrides=overrides, mip_gap=0)
    problem = outcome.problem
    matches = frozenset(
        (
            problem.request_ids[int(problem.pair_request[a])],
            problem.provider_ids[int(problem.pair_provider[a])],
        )
        for a in outcome.chosen.tolist()
    )
    values = {s.name: s.objective for s in outcome.stages}
    stages = {name: values.get(name, 0) for name in STAGES}
    return EngineAnswer(outcome.status, matches, stages, outcome.message)
