"""Entity rules that hold whatever file a value came from."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from matcher.domain import (
    Award,
    CapacityRow,
    Certification,
    HistoryRecord,
    Intervention,
    Policy,
    Provider,
    Request,
)

INTERVENTION: dict[str, Any] = {
    "intervention_id": "02A01",
    "name": "Individuele begeleiding",
    "law": "wmo",
    "segment": "B",
    "product_group": "development_recovery",
    "funding": "effort",
    "unit": "hour",
    "tariff_min": "56",
    "tariff_max": "85",
}
REQUEST: dict[str, Any] = {
    "request_id": "R1",
    "client_ref": "C-1A2B3C",
    "team_id": "T1",
    "intervention_id": "02A01",
    "units": "3",
    "start_date": "2026-12-01",
    "urgency": "high",
}


def test_tariff_band_bounds_are_inclusive() -> None:
    band = Intervention(**INTERVENTION)
    assert band.admits_tariff(Decimal("56"))
    assert band.admits_tariff(Decimal("85"))
    assert not band.admits_tariff(Decimal("85.01"))
    assert not band.admits_tariff(Decimal("55.99"))


def test_band_with_minimum_above_maximum_is_refused() -> None:
    with pytest.raises(ValidationError, match="tariff_min 90 is above tariff_max 85"):
        Intervention(**{**INTERVENTION, "tariff_min": "90"})


def test_certification_covers_both_ends_and_nothing_outside() -> None:
    cert = Certification(
        provider_id="P1", intervention_id="02A01", valid_from="2024-01-01", valid_to="2026-12-31"
    )
    assert cert.covers(date(2024, 1, 1))
    assert cert.covers(date(2026, 12, 31))
    assert not cert.covers(date(2027, 1, 1))
    assert not cert.covers(date(2023, 12, 31))


def test_certification_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="lies before valid_from"):
        Certification(
            provider_id="P1", intervention_id="X", valid_from="2026-01-02", valid_to="2026-01-01"
        )


@pytest.mark.parametrize("units", ["-0.01", "-1", "NaN", "Infinity", "1000001", "1.234"])
def test_capacity_must_be_a_non_negative_plausible_amount(units: str) -> None:
    with pytest.raises(ValidationError):
        CapacityRow(provider_id="P1", intervention_id="*", capacity_units=units)


def test_a_zero_capacity_is_an_intake_stop() -> None:
    row = CapacityRow(provider_id="P1", intervention_id="X", capacity_units="0")
    assert row.capacity_units == 0


def test_total_capacity_row_is_recognised() -> None:
    assert CapacityRow(provider_id="P1", intervention_id="*", capacity_units="40").is_total
    assert not CapacityRow(provider_id="P1", intervention_id="X", capacity_units="40").is_total


@pytest.mark.parametrize("bad_id", ["R 1", "R;1", "*", ""])
def test_identifiers_refuse_spaces_separators_and_the_wildcard(bad_id: str) -> None:
    with pytest.raises(ValidationError):
        Request(**{**REQUEST, "request_id": bad_id})


def test_location_needs_both_coordinates() -> None:
    with pytest.raises(ValidationError, match="lat and lon go together"):
        Provider(provider_id="P1", name="Zorg BV", lat=52.38)


def test_a_provider_cannot_be_both_preferred_and_excluded() -> None:
    with pytest.raises(
        ValidationError, match="P2 is in both preferred_providers and excluded_providers"
    ):
        Request(**REQUEST, preferred_providers=("P1", "P2"), excluded_providers=("P2",))


@pytest.mark.parametrize(
    "field", ["preferred_providers", "excluded_providers", "required_specialisms"]
)
def test_a_list_cannot_repeat_a_value(field: str) -> None:
    with pytest.raises(ValidationError, match=f"appears twice in {field}"):
        Request(**{**REQUEST, field: ("P1", "P1")})


def test_a_list_value_cannot_hold_the_separator() -> None:
    with pytest.raises(ValidationError):
        Provider(provider_id="P1", name="Zorg BV", specialisms=("autism;adhd",))


def test_unknown_urgency_is_refused() -> None:
    with pytest.raises(ValidationError):
        Request(**{**REQUEST, "urgency": "urgent"})


def test_entities_are_frozen() -> None:
    request = Request(**REQUEST)
    with pytest.raises(ValidationError):
        request.units = Decimal("4")  # type: ignore[misc]


def test_award_ending_before_it_was_awarded_is_refused() -> None:
    with pytest.raises(ValidationError, match="lies before awarded_on"):
        Award(
            request_id="R1",
            provider_id="P1",
            intervention_id="X",
            tariff="60",
            units="2",
            awarded_on="2026-05-01",
            ends_on="2026-04-30",
        )


@pytest.mark.parametrize(
    ("started", "ended", "message"),
    [
        ("2026-01-01", None, "started_on 2026-01-01 lies before received_on"),
        ("2026-03-01", "2026-02-01", "ended_on 2026-02-01 lies before started_on"),
        (None, "2026-03-01", "ended_on is filled in but started_on is empty"),
    ],
)
def test_history_dates_must_follow_each_other(
    started: str | None, ended: str | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        HistoryRecord(
            request_id="H1",
            team_id="T1",
            intervention_id="X",
            units="2",
            received_on="2026-02-01",
            started_on=started,
            ended_on=ended,
        )


def test_policy_defaults_and_unknown_keys() -> None:
    policy = Policy()
    assert policy.solver == "auto"
    assert policy.market_share_cap is None
    with pytest.raises(ValidationError):
        Policy.model_validate({"weights": {"distanse_per_km": 3}})
