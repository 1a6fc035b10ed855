"""A DRAFT award message per award, in the shape of the iJw/iWmo 301 "toewijzing" (JW301 for
youth care, WMO301 for Wmo support): client reference, product category and code, volume,
unit, frequency, start and end.

It follows the element names and code lists of the Toewijzing in the information model as
this module's authors read release 3.2 of iJw and iWmo; it is NOT generated from nor checked
against the official XSD of Zorginstituut Nederland, so it stays a draft until it is. Left
out on purpose: the header (sender and receiver codes, message identification), the
client's BSN and personal details (matcher only knows a pseudonymous client_ref, which goes
in the reference element) and the budget fields.

Only the provider the request is awarded to, or a regisseur of its team, gets the message:
it carries the client reference.
"""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree as ET

from matcher.domain import Award, Law, Round, Unit
from matcher.services.access import Actor, Permission, require_provider, require_requests
from matcher.services.provider_view import NotYourAwardError

INFORMATION_MODEL = "iJw/iWmo release 3.2 (draft, not validated against the XSD)"
NAMESPACES = {
    Law.JEUGDWET: ("JW301", "http://www.istandaarden.nl/ijw/3_2/jw301/schema"),
    Law.WMO: ("WMO301", "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"),
}
# Code list "Eenheid" (unit) as read for release 3.2: 01 minute, 04 hour, 14 day (24 hours),
# 16 day part, 82 piece (output: an arrangement or a week's stay counted as one).
UNIT_CODES = {
    Unit.MINUTE: "01",
    Unit.HOUR: "04",
    Unit.DAY: "14",
    Unit.DAYPART: "16",
    Unit.WEEK: "82",
    Unit.ARRANGEMENT: "82",
}
PER_WEEK = "2"  # code list "Frequentie": 2 = per week; matcher's volumes are weekly


class NoAwardMessageError(Exception):
    """The request has no award, or the law it falls under has no 301 message."""


def award_message(round_: Round, request_id: str, *, actor: Actor) -> bytes:
    """The draft 301 message of the award of one request, as UTF-8 XML."""
    award = next((a for a in round_.awards or () if a.request_id == request_id), None)
    request = next((r for r in round_.requests if r.request_id == request_id), None)
    if award is None or request is None:
        raise NoAwardMessageError(f"request {request_id} has no award in the stored round")
    if actor.may(Permission.PORTAL):
        require_provider(actor, actor.provider_id or "")
        if award.provider_id != actor.provider_id:
            raise NotYourAwardError(f"request {request_id} is not awarded to you")
    else:
        require_requests(actor, {request.request_id: request.team_id}, [request_id])
    intervention = next(
        i for i in round_.interventions if i.intervention_id == award.intervention_id
    )
    if intervention.law not in NAMESPACES:
        raise NoAwardMessageError(
            f"intervention {intervention.intervention_id} falls under the "
            f"{intervention.law.value}, which has no 301 award message"
        )
    return _xml(award, request.client_ref, intervention.law, intervention.unit)


def _xml(award: Award, client_ref: str, law: Law, unit: Unit) -> bytes:
    name, namespace = NAMESPACES[law]
    ET.register_namespace("", namespace)

    def element(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        child = ET.SubElement(parent, f"{{{namespace}}}{tag}")
        if text is not None:
            child.text = text
        return child

    root = ET.Element(f"{{{namespace}}}Bericht")
    root.append(ET.Comment(f"DRAFT {name}: {INFORMATION_MODEL}"))
    client = element(root, "Client")
    element(client, "Referentie", client_ref)  # pseudonymous: matcher holds no BSN
    toewijzing = element(client, "Toewijzing")
    element(toewijzing, "ToewijzingNummer", award.request_id)
    product = element(toewijzing, "Product")
    element(product, "Categorie", award.intervention_id[:2])
    element(product, "Code", award.intervention_id)
    element(toewijzing, "ToewijzingIngangsdatum", _day(award.awarded_on))
    if award.ends_on is not None:
        element(toewijzing, "ToewijzingEinddatum", _day(award.ends_on))
    volume, unit_code = _volume(award.units, unit)
    omvang = element(toewijzing, "Omvang")
    element(omvang, "Volume", volume)
    element(omvang, "Eenheid", unit_code)
    element(omvang, "Frequentie", PER_WEEK)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _day(value: date) -> str:
    return value.isoformat()


def _volume(units: Decimal, unit: Unit) -> tuple[str, str]:
    """The weekly volume and its unit code. The 301 volume is a whole number: hours that are
    not whole are written in minutes; any other fraction is kept (and the draft says so)."""
    if units == units.to_integral_value():
        return str(int(units)), UNIT_CODES[unit]
    if unit is Unit.HOUR:
        return str(int((units * 60).to_integral_value())), UNIT_CODES[Unit.MINUTE]
    return f"{units.normalize():f}", UNIT_CODES[unit]
