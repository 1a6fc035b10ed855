"""The capacity outlook after matching, and signals added and removed against the baseline."""

from datetime import date
from decimal import Decimal

import pytest

from matcher.domain import Award, HistoryRecord
from matcher.matching.engine import match_round
from matcher.scenarios.compare import compare
from matcher.scenarios.kpis import compute_kpis
from matcher.scenarios.outlook import SignalKey, matched_round, outlook
from matcher.scenarios.run import RunResult
from tests.scenarios.rounds import ROUND_DATE, small_round


def test_matches_become_awards_on_the_round_date() -> None:
    round_ = small_round()
    after = matched_round(round_, match_round(round_))
    assert after.awards is not None
    assert round_.awards is not None
    assert after.awards[: len(round_.awards)] == round_.awards
    new = {(a.request_id, a.provider_id, a.tariff, a.units) for a in after.awards[1:]}
    # The optimum worked out in test_kpis.py.
    assert new == {
        ("R1", "P1", Decimal(60), Decimal(3)),
        ("R2", "P2", Decimal(65), Decimal(4)),
        ("R3", "P1", Decimal(62), Decimal(2)),
        ("R4", "P3", Decimal(1500), Decimal(1)),
        ("R6", "P3", Decimal(1600), Decimal(1)),
    }
    assert all(a.awarded_on == ROUND_DATE for a in after.awards[1:])
    assert all(isinstance(a, Award) for a in after.awards)


def test_expected_wait_is_the_queue_over_the_starts_per_week() -> None:
    # Ten I1 requests started in March 2026, inside the 12 months before December 2026.
    history = tuple(
        HistoryRecord(
            request_id=f"H{k}",
            team_id="T1",
            intervention_id="I1",
            units=Decimal(2),
            received_on=date(2026, 3, 2),
            started_on=date(2026, 3, 9),
        )
        for k in range(10)
    )
    round_ = small_round().model_copy(update={"history": history})
    outcome = match_round(round_)
    view = outlook(round_, outcome)
    # After matching only R5 (I1) still waits; I2's list is empty.
    weeks = (date(2026, 12, 1) - date(2025, 12, 1)).days / 7
    assert view.expected_wait_weeks == pytest.approx(1 / (10 / weeks))
    assert view.lists_over_norm == 1  # 5.2 weeks against the Wmo norm of 2
    kpis = compute_kpis(round_, outcome, view)
    assert kpis.expected_wait_weeks == view.expected_wait_weeks
    assert kpis.n_signals == len(view.signals)


def _run(name: str, signals: tuple[SignalKey, ...]) -> RunResult:
    round_ = small_round()
    kpis = compute_kpis(round_, match_round(round_))
    return RunResult(name=name, kpis=kpis, signals=signals, seconds=0.0)


def test_signals_added_and_removed_are_the_set_differences() -> None:
    a: SignalKey = ("under_supply", "I1", "Haarlem", "2026-12", "high")
    b: SignalKey = ("over_supply", "I2", "Velsen", "2027-01", "medium")
    b_high: SignalKey = ("over_supply", "I2", "Velsen", "2027-01", "high")
    c: SignalKey = ("concentration", "I2", "region", "2026-12", "medium")
    table = compare(_run("baseline", (a, b)), [_run("s1", (a, b_high, c)), _run("s2", ())])
    rows = {r.key: r.values for r in table.rows}
    assert rows["signals_added"] == (0.0, 2.0, 0.0)
    assert rows["signals_removed"] == (0.0, 1.0, 2.0)
    s1 = table.signal_changes[1]
    assert s1 is not None
    assert set(s1.added) == {b_high, c}
    assert s1.removed == (b,)
    data = table.as_dict()
    assert data["columns"] == ["baseline", "s1", "s2"]
    assert data["signal_changes"][1]["removed"] == [  # type: ignore[index]
        {
            "type": "over_supply",
            "intervention_id": "I2",
            "area": "Velsen",
            "month": "2027-01",
            "severity": "medium",
        }
    ]
