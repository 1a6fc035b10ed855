"""A provider sees requests to bid on without client details, and full details only of the
requests awarded to it."""

from decimal import Decimal

import pytest

from matcher.data.reader import read_round
from matcher.domain import Award, Round
from matcher.services.access import AccessDeniedError
from matcher.services.provider_view import (
    NotYourAwardError,
    UnknownProviderError,
    awarded_to,
    open_to_bid,
    provider_view,
    request_details,
)
from tests.actors import CAPACITY, provider, regisseur
from tests.paths import TINY

CLIENT_COLUMNS = {"client_ref", "team", "lat", "lon", "preferred_providers",
                  "excluded_providers", "current_provider", "waiting_since"}  # fmt: skip


def tiny_with_award() -> Round:
    round_ = read_round(TINY).round
    award = Award(
        request_id="R003", provider_id="P003", intervention_id="45A48", tariff=Decimal(70),
        units=Decimal(2), awarded_on=round_.effective_policy().round_date,
    )  # fmt: skip
    return round_.model_copy(update={"awards": (*(round_.awards or ()), award)})


def test_the_bidding_list_holds_no_client_detail() -> None:
    round_ = tiny_with_award()
    for p in round_.providers:
        table = open_to_bid(round_, p.provider_id, actor=provider(p.provider_id))
        assert not CLIENT_COLUMNS & set(table.columns)
        text = table.to_csv()
        for request in round_.requests:
            assert request.client_ref not in text


def test_the_bidding_list_is_the_open_requests_the_provider_is_certified_for() -> None:
    round_ = tiny_with_award()
    # P003: 45A48 (R003 awarded, R005 open) and 46A01 (R004); not 02A01
    assert list(open_to_bid(round_, "P003", actor=provider("P003"))["request"]) == ["R004", "R005"]
    # P001 is certified for 02A01 and 45A48 until 2026-12-31: R005 starts 2027-01-04
    assert list(open_to_bid(round_, "P001", actor=provider("P001"))["request"]) == ["R001", "R002"]
    # the municipality is shown, and the provider's own bid
    p003 = open_to_bid(round_, "P003", actor=provider("P003")).set_index("request")
    assert p003.loc["R004", "municipality"] == "Haarlem"
    assert p003.loc["R004", "your bid"] == 3100.0


def test_a_client_who_excluded_the_provider_does_not_reveal_it_by_absence() -> None:
    round_ = tiny_with_award()  # R002 excludes P002, which is certified for 02A01
    assert "R002" in set(open_to_bid(round_, "P002", actor=provider("P002"))["request"])


def test_full_details_only_of_requests_awarded_to_the_provider() -> None:
    round_ = tiny_with_award()
    mine = awarded_to(round_, "P003", actor=provider("P003"))
    assert list(mine["request"]) == ["R003"]
    assert mine.loc[0, "client_ref"] == "C-93D4E7"
    assert (
        request_details(round_, "P003", "R003", actor=provider("P003"))["client_ref"] == "C-93D4E7"
    )
    assert awarded_to(round_, "P001", actor=provider("P001")).empty
    with pytest.raises(NotYourAwardError):
        request_details(round_, "P001", "R003", actor=provider("P001"))
    with pytest.raises(NotYourAwardError):
        request_details(round_, "P003", "R005", actor=provider("P003"))  # open, not awarded


def test_an_unknown_provider_sees_nothing() -> None:
    with pytest.raises(UnknownProviderError):
        provider_view(tiny_with_award(), "P999", actor=provider("P999"))


def test_a_provider_cannot_read_another_providers_view() -> None:
    round_ = tiny_with_award()
    with pytest.raises(AccessDeniedError, match="not provider P003"):
        provider_view(round_, "P003", actor=provider("P001"))
    with pytest.raises(AccessDeniedError):
        awarded_to(round_, "P003", actor=provider("P001"))
    with pytest.raises(AccessDeniedError):
        request_details(round_, "P003", "R003", actor=provider("P001"))


@pytest.mark.parametrize("actor", [CAPACITY, regisseur("T1")])
def test_no_other_role_reads_a_providers_view(actor: object) -> None:
    with pytest.raises(AccessDeniedError, match="may not use the provider portal"):
        provider_view(tiny_with_award(), "P003", actor=actor)  # type: ignore[arg-type]
