"""The overview's figures, recomputed by hand on the tiny round."""

from datetime import date
from decimal import Decimal

import pandas as pd

from matcher.data.reader import read_round
from matcher.domain import Award, HistoryRecord
from matcher.services.overview import summarise
from tests.paths import TINY


def test_counts_and_urgency() -> None:
    overview = summarise(read_round(TINY).round)
    assert overview.counts["requests"] == 5
    assert overview.counts["history"] == 3
    assert overview.urgency == {"crisis": 1, "high": 1, "normal": 3}
    assert overview.round_date == date(2026, 11, 23)


def test_intake_counts_history_and_waiting_requests_but_not_the_unfinished_month() -> None:
    round_ = read_round(TINY).round
    intake = summarise(round_).intake_by_month
    # history: 2025-11 wmo, 2026-02 jeugdwet, 2026-08 jeugdwet;
    # waiting: R001 since 2026-09-14 (wmo), R003 since 2026-10-01 (jeugdwet)
    expected = pd.DataFrame(
        {"jeugdwet": [0, 1, 1, 0, 1], "wmo": [1, 0, 0, 1, 0]},
        index=pd.to_datetime(
            ["2025-11-01", "2026-02-01", "2026-08-01", "2026-09-01", "2026-10-01"]
        ),
    )
    assert intake.to_dict() == expected.to_dict()
    later = summarise(round_.model_copy(update={"policy": None}), today=date(2026, 10, 5))
    assert pd.Timestamp("2026-10-01") not in later.intake_by_month.index


def test_certified_providers_count_only_valid_certificates() -> None:
    table = summarise(read_round(TINY).round).interventions.set_index("intervention")
    # 45A48: P001 valid until 2026-12-31, P003 renewed from 2026-01-01
    assert table.loc["45A48", "certified providers"] == 2
    assert table.loc["02A01", "open requests"] == 2


def test_a_waiting_request_listed_in_history_too_is_counted_once() -> None:
    round_ = read_round(TINY).round
    r001 = round_.requests[0]
    assert r001.waiting_since is not None
    assert round_.history is not None
    also_in_history = HistoryRecord(
        request_id=r001.request_id,
        team_id=r001.team_id,
        intervention_id=r001.intervention_id,
        units=r001.units,
        received_on=r001.waiting_since,
    )
    doubled = round_.model_copy(update={"history": (*round_.history, also_in_history)})
    assert (
        summarise(doubled).intake_by_month.to_dict() == summarise(round_).intake_by_month.to_dict()
    )


def test_an_award_takes_the_request_out_of_every_open_count() -> None:
    round_ = read_round(TINY).round
    crisis = next(r for r in round_.requests if r.urgency.value == "crisis")
    before = summarise(round_)
    award = Award(
        request_id=crisis.request_id,
        provider_id=round_.providers[0].provider_id,
        intervention_id=crisis.intervention_id,
        tariff=Decimal("60"),
        units=crisis.units,
        awarded_on=date(2026, 11, 23),
    )
    after = summarise(round_.model_copy(update={"awards": (*(round_.awards or ()), award)}))
    assert after.counts["open requests"] == before.counts["open requests"] - 1
    assert after.counts["requests"] == before.counts["requests"]
    assert after.urgency["crisis"] == before.urgency["crisis"] - 1
    opened = after.interventions.set_index("intervention")["open requests"]
    was = before.interventions.set_index("intervention")["open requests"]
    assert opened[crisis.intervention_id] == was[crisis.intervention_id] - 1
