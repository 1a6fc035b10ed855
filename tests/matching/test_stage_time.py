"""How a part's stages share its time: a class stage two shares to the cost stage's one
(``stages.CLASS_WEIGHT``), and what a stage leaves passes on."""

import time
from dataclasses import dataclass, field

from matcher.domain import Urgency
from matcher.matching.backends.base import StageResult, StageTask
from matcher.matching.build import build_problem
from matcher.matching.formulation import whole
from matcher.matching.runner import backend_named
from matcher.matching.stages import CLASS_WEIGHT, solve_part
from tests.batch.builders import make_round, request

LIMIT = 100.0  # seconds the part is given; the tiny solves use milliseconds of it


@dataclass
class Recording:
    """SCIP for every stage, noting the time limit each stage was given."""

    name: str = "recording"
    limits: list[tuple[bool, float]] = field(default_factory=list)

    def solve(self, task: StageTask) -> StageResult:
        self.limits.append((task.maximize, task.time_limit))
        return backend_named("scip").solve(task)


def test_the_class_stage_gets_two_shares_and_the_cost_stage_the_rest() -> None:
    # The crisis request fits at once (its stage is decided without a solve); P0 has room
    # for one of the two normal requests, so place_normal and cost are both solved.
    requests = [request("R0", urgency=Urgency.CRISIS), request("R1"), request("R2")]
    bids = {("R0", "P0"): 10, ("R1", "P0"): 20, ("R2", "P0"): 30}
    problem = build_problem(make_round(requests, {("P0", "I1"): 2}, bids))
    backend = Recording()
    solve_part(problem, whole(problem), backend, time.perf_counter() + LIMIT)
    (normal_max, normal), (cost_max, cost) = backend.limits
    assert normal_max
    assert not cost_max
    assert CLASS_WEIGHT > 1  # a client waiting weighs more than euros (models/matching.md)
    # place_normal: CLASS_WEIGHT shares of CLASS_WEIGHT + 1 (the crisis stage took none).
    assert abs(normal - LIMIT * CLASS_WEIGHT / (CLASS_WEIGHT + 1)) < 0.01 * LIMIT
    assert abs(cost - LIMIT) < 0.01 * LIMIT  # what place_normal did not use passes on
