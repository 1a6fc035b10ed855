"""The demo's history carries the episodes a backtest is scored on (data/demo/episodes.py),
and the signals computed as of a date in an episode see it."""

from datetime import date

import pytest

from matcher.capacity.as_of import as_of
from matcher.capacity.months import DAYS_PER_WEEK
from matcher.capacity.report import analyse
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.signals import UNDER_SUPPLY
from matcher.data.demo import BALANCED_INTERVENTIONS
from matcher.data.demo.episodes import (
    BUILD_UP,
    LEAVE_MONTH,
    LEAVER,
    NEWCOMER_MONTH,
    SHOCK,
    SHOCK_MONTHS,
    month_start,
)
from matcher.data.reader import read_round
from matcher.domain import Round
from tests.paths import DEMO

SETTINGS = CapacitySettings(tbtf_max_providers=0)


@pytest.fixture(scope="module")
def demo() -> Round:
    return read_round(DEMO).round


def today(round_: Round) -> date:
    day = round_.effective_policy().round_date
    assert day is not None
    return day


def norm(round_: Round, iid: str) -> float:
    law = next(i.law for i in round_.interventions if i.intervention_id == iid)
    return SETTINGS.norm_for(law)


def received(round_: Round, iid: str, first: int, end: int) -> list[float]:
    """Waits (weeks) of the requests received in the months [first, end) from the round
    month that started (the history; those still waiting are the round's requests)."""
    start, stop, day = (
        month_start(today(round_), first),
        month_start(today(round_), end),
        today(round_),
    )
    return [
        ((h.started_on or day) - h.received_on).days / DAYS_PER_WEEK
        for h in round_.history or ()
        if h.intervention_id == iid and start <= h.received_on < stop
    ]


def mean(values: list[float]) -> float:
    assert len(values) >= SETTINGS.wait_min_cases
    return sum(values) / len(values)


def test_balanced_interventions_start_care_within_the_norm(demo: Round) -> None:
    steady = set(BALANCED_INTERVENTIONS) - {LEAVER, SHOCK}
    late = {i: mean(received(demo, i, -36, 0)) for i in steady}
    assert {i: w for i, w in late.items() if w > norm(demo, i)} == {}


def test_a_provider_leaves_the_waits_grow_and_clear_once_a_newcomer_comes(demo: Round) -> None:
    limit = norm(demo, LEAVER)
    assert mean(received(demo, LEAVER, LEAVE_MONTH - 12, LEAVE_MONTH)) <= limit
    assert mean(received(demo, LEAVER, LEAVE_MONTH + 2, NEWCOMER_MONTH)) > 3 * limit
    assert mean(received(demo, LEAVER, -3, 0)) <= limit


def test_an_intake_shock_fills_the_list_for_a_while(demo: Round) -> None:
    first, end = SHOCK_MONTHS
    before = len(received(demo, SHOCK, first - 4, first))
    during = len(received(demo, SHOCK, first, end))
    assert during > 2 * before
    limit = norm(demo, SHOCK)
    assert mean(received(demo, SHOCK, end, end + 3)) > limit
    assert mean(received(demo, SHOCK, -6, 0)) <= limit


def test_a_shortage_builds_up(demo: Round) -> None:
    early = len(received(demo, BUILD_UP, -36, -30))
    late = len(received(demo, BUILD_UP, -18, -12))  # the same months of the year
    assert late > 1.3 * early
    limit = norm(demo, BUILD_UP)
    assert mean(received(demo, BUILD_UP, -30, -18)) <= limit
    assert mean(received(demo, BUILD_UP, -6, 0)) > limit


def test_the_signals_as_of_a_date_see_the_leaver_go(demo: Round) -> None:
    def under(month: int) -> set[str]:
        day = month_start(today(demo), month)
        report = analyse(as_of(demo, day), day, SETTINGS)
        return {s.intervention_id for s in report.signals if s.type == UNDER_SUPPLY}

    assert LEAVER not in under(LEAVE_MONTH - 3)
    assert LEAVER in under(LEAVE_MONTH + 3)
    assert LEAVER not in under(0)
