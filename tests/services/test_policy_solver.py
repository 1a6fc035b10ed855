"""Every face matches with the policy's solver: policy.toml says SCIP, and SCIP is what runs.

One test per face (``matcher match`` on a directory, the app's round session, what-if,
too-big-to-fail, the nightly batch). A spy on the OR-Tools model_builder backend records
which solver each stage was sent to; the round is crowded (three requests for three places
at two providers, one of which holds two running awards), so every face needs a solver.
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from distributed import Client

from matcher.batch.cluster import dask_client
from matcher.batch.run import BatchSettings, run_batch
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.tbtf import displacement
from matcher.data.writer import write_round
from matcher.domain import Award, Policy, Round
from matcher.matching.backends.base import StageResult, StageTask
from matcher.matching.backends.ortools_mb import ModelBuilderBackend
from matcher.scenarios.run import RunSettings, run_scenario
from matcher.scenarios.scenario import Scenario
from matcher.services import round_session
from matcher.services.matching import match_directory
from tests.batch.builders import DAY, make_round, request


def crowded() -> Round:
    """R1-R3 compete for P1 (2 places) and P2 (1 place); P1 runs two awards (80% of I1)."""
    awards = [
        Award(
            request_id=f"A{k}",
            provider_id="P1",
            intervention_id="I1",
            tariff=Decimal(50),
            units=Decimal(4),
            awarded_on=date(2026, 6, 1),
        )
        for k in (1, 2)
    ]
    round_ = make_round(
        [request("R1"), request("R2"), request("R3")],
        capacity={("P1", "I1"): 10, ("P2", "I1"): 3},
        bids={
            (r, p): 40 + k
            for k, (r, p) in enumerate((r, p) for r in ("R1", "R2", "R3") for p in ("P1", "P2"))
        },
        awards=awards,
    )
    policy = Policy.model_validate(round_.effective_policy().model_dump() | {"solver": "scip"})
    return round_.model_copy(update={"policy": policy})


@pytest.fixture
def used(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The solver names the model_builder backend was asked to run, stage by stage."""
    names: list[str] = []
    original = ModelBuilderBackend.solve

    def spy(self: ModelBuilderBackend, task: StageTask) -> StageResult:
        names.append(self.name)
        return original(self, task)

    monkeypatch.setattr(ModelBuilderBackend, "solve", spy)
    return names


def test_matcher_match_on_a_directory_uses_the_policys_solver(
    tmp_path: Path, used: list[str]
) -> None:
    write_round(crowded(), tmp_path / "round")
    summary = match_directory(tmp_path / "round", tmp_path / "out")
    assert summary["solver"] == "scip"
    assert set(used) == {"scip"}  # some stage ran, and only on SCIP


def test_the_apps_round_session_uses_the_policys_solver(used: list[str]) -> None:
    result = round_session.solve(crowded(), find_changes=False)
    assert result.outcome.solver == "scip"
    assert set(used) == {"scip"}  # some stage ran, and only on SCIP


def test_what_if_uses_the_policys_solver(used: list[str]) -> None:
    result = run_scenario(crowded(), Scenario(name="as is"), RunSettings(outlook=False))
    assert result.kpis.n_placed == 3
    assert set(used) == {"scip"}  # some stage ran, and only on SCIP


def test_too_big_to_fail_uses_the_policys_solver(used: list[str]) -> None:
    # P1's two running clients are re-matched without P1: P2's three places are all left.
    outcome = displacement(crowded(), "P1", DAY, CapacitySettings())
    assert [d.intervention_id for d in outcome] == ["I1"]
    assert set(used) == {"scip"}  # some stage ran, and only on SCIP


@pytest.fixture
def client() -> Iterator[Client]:
    with dask_client(None, workers=1, processes=False) as c:
        yield c


def test_the_batch_uses_the_policys_solver(client: Client, used: list[str]) -> None:
    outcome = run_batch(crowded(), {}, BatchSettings(workers=1, time_limit=60), client)
    assert outcome.solver == "scip"
    assert set(used) == {"scip"}  # some stage ran, and only on SCIP
