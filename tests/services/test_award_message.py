"""The draft 301 award message: the toewijzing fields of one award, for the provider it is
awarded to or a regisseur of the request's team, and nobody else."""

from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from matcher.data.reader import read_round
from matcher.domain import Award, Round
from matcher.services.access import AccessDeniedError
from matcher.services.award_message import NoAwardMessageError, award_message
from matcher.services.provider_view import NotYourAwardError
from tests.actors import CAPACITY, provider, regisseur
from tests.paths import TINY

NS = {"m": "http://www.istandaarden.nl/ijw/3_2/jw301/schema"}


def with_award(units: str) -> Round:
    """The tiny round with R003 (45A48, youth care, hours, team CJG-HLM) awarded to P003."""
    round_ = read_round(TINY).round
    award = Award(
        request_id="R003", provider_id="P003", intervention_id="45A48", tariff=Decimal(70),
        units=Decimal(units), awarded_on=round_.effective_policy().round_date,
    )  # fmt: skip
    return round_.model_copy(update={"awards": (*(round_.awards or ()), award)})


def text(root: ET.Element, path: str) -> str | None:
    found = root.find(path, NS)
    return None if found is None else found.text


def test_the_message_holds_the_toewijzing_fields() -> None:
    round_ = with_award("2")
    root = ET.fromstring(award_message(round_, "R003", actor=provider("P003")))
    assert root.tag == f"{{{NS['m']}}}Bericht"
    assert text(root, "m:Client/m:Referentie") == "C-93D4E7"
    toewijzing = "m:Client/m:Toewijzing/"
    assert text(root, toewijzing + "m:Product/m:Categorie") == "45"
    assert text(root, toewijzing + "m:Product/m:Code") == "45A48"
    assert text(root, toewijzing + "m:Omvang/m:Volume") == "2"
    assert text(root, toewijzing + "m:Omvang/m:Eenheid") == "04"  # hours
    assert text(root, toewijzing + "m:Omvang/m:Frequentie") == "2"  # per week
    day = round_.effective_policy().round_date
    assert day is not None
    assert text(root, toewijzing + "m:ToewijzingIngangsdatum") == day.isoformat()
    assert text(root, toewijzing + "m:ToewijzingEinddatum") is None  # open-ended


def test_hours_that_are_not_whole_are_written_in_minutes() -> None:
    xml = award_message(with_award("2.5"), "R003", actor=regisseur("CJG-HLM"))
    root = ET.fromstring(xml)
    assert text(root, "m:Client/m:Toewijzing/m:Omvang/m:Volume") == "150"
    assert text(root, "m:Client/m:Toewijzing/m:Omvang/m:Eenheid") == "01"
    assert b"DRAFT JW301" in xml


def test_nobody_else_gets_the_message() -> None:
    round_ = with_award("2")
    with pytest.raises(NotYourAwardError):
        award_message(round_, "R003", actor=provider("P001"))
    for actor in (CAPACITY, regisseur("HLM-CENTRUM")):
        with pytest.raises(AccessDeniedError):
            award_message(round_, "R003", actor=actor)
    with pytest.raises(NoAwardMessageError):
        award_message(round_, "R004", actor=provider("P003"))  # open, not awarded
