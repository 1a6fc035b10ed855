"""The crafted round of tests/capacity/crafted.py through the whole analysis: silent on the
steady intervention, firing on the short, flooded, concentrated and expiring ones."""

import pytest

from matcher.capacity.as_of import as_of
from matcher.capacity.report import CapacityReport, analyse
from matcher.capacity.settings import CapacitySettings
from tests.capacity.build import ROUND_DATE
from tests.capacity.crafted import PER_MONTH, UNITS, crafted_round


@pytest.fixture(scope="module")
def report() -> CapacityReport:
    settings = CapacitySettings(tbtf_max_providers=0, concentration_min_awards=5)
    return analyse(crafted_round(), ROUND_DATE, settings)


def kinds(report: CapacityReport, iid: str) -> set[str]:
    return {s.type for s in report.signals if s.intervention_id == iid}


def test_the_steady_intervention_is_silent(report: CapacityReport) -> None:
    assert kinds(report, "STEADY") == set()


def test_its_steady_load_is_intake_times_duration(report: CapacityReport) -> None:
    p = report.projections[("STEADY", "Town")]
    # 10 requests of 5 units a month, care of about a month: about 50 units a week running.
    assert p.steady_mean[-1] == pytest.approx(PER_MONTH * UNITS * p.duration, rel=0.02)
    assert p.duration == pytest.approx(1.05, abs=0.1)


def test_the_short_one_is_under_supplied_and_concentrated(report: CapacityReport) -> None:
    assert kinds(report, "SHORT") == {"under_supply", "concentration"}
    (short,) = [s for s in report.signals if s.type == "under_supply"]
    assert short.severity == "high"
    # Month 0 counts only the rest of its days of new intake; from month 2 on it is short.
    assert "expected load short in 10 of 12 months" in short.detail


def test_the_flooded_one_is_over_supplied_and_expiring(report: CapacityReport) -> None:
    assert kinds(report, "FLOOD") == {"over_supply", "certification_expiry"}


def test_as_of_keeps_only_what_was_known_then() -> None:
    round_ = crafted_round()
    day = ROUND_DATE.replace(month=3, day=1)
    earlier = as_of(round_, day)
    assert earlier.effective_policy().round_date == day
    assert all(h.received_on < day for h in earlier.history or ())
    assert all(h.ended_on is None or h.ended_on < day for h in earlier.history or ())
    # Care that started before the day and ran past it is a running award then.
    running = {
        h.request_id
        for h in round_.history or ()
        if h.started_on and h.started_on < day and (h.ended_on is None or h.ended_on >= day)
    }
    assert {a.request_id for a in earlier.awards or ()} == running
    assert analyse(earlier, day, CapacitySettings(tbtf_max_providers=0)).signals
