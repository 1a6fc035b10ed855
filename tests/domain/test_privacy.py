"""A client reference may never be a citizen service number (BSN)."""

import pytest
from pydantic import ValidationError

from matcher.domain import Request
from matcher.domain.privacy import is_valid_bsn


@pytest.mark.parametrize(
    "value", ["111222333", "123456782", "111.222.333", "11122 2333", "12345672"]
)
def test_numbers_passing_the_eleven_test_are_recognised(value: str) -> None:
    assert is_valid_bsn(value)


@pytest.mark.parametrize(
    "value", ["111222334", "123456789", "000000000", "C-7F3A91", "1234567", "1234567890", ""]
)
def test_other_references_are_not_bsns(value: str) -> None:
    assert not is_valid_bsn(value)


def test_a_request_with_a_bsn_as_client_reference_is_refused() -> None:
    with pytest.raises(ValidationError, match="citizen service number"):
        Request(
            request_id="R1",
            client_ref="123456782",
            team_id="T1",
            intervention_id="I1",
            units="2",
            start_date="2026-12-01",
            urgency="normal",
        )


@pytest.mark.parametrize(
    "value", ["111-222-333", "NL111222333", "nl 111.222.333", "BSN:111222333", "111/222/333"]
)
def test_a_bsn_is_recognised_after_separators_and_prefixes_are_stripped(value: str) -> None:
    assert is_valid_bsn(value)


@pytest.mark.parametrize("value", ["R123456782", "P-111222333-X", "NLX111222333"])
def test_an_id_holding_nine_digits_behind_another_prefix_is_no_bsn(value: str) -> None:
    assert not is_valid_bsn(value)


@pytest.mark.parametrize("field", ["request_id", "client_ref"])
def test_a_bsn_is_refused_in_every_id_that_points_at_a_client(field: str) -> None:
    values = {
        "request_id": "R1",
        "client_ref": "C1",
        "team_id": "T1",
        "intervention_id": "I1",
        "units": "2",
        "start_date": "2026-12-01",
        "urgency": "normal",
    }
    with pytest.raises(ValidationError, match="citizen service number"):
        Request.model_validate({**values, field: "NL111-222-333"})
