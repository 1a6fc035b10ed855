"""What a provider may see: open requests to bid on without client details, and full
details only of the requests awarded to it.

The rule is enforced here, not in the page: every table a provider gets is built from an
explicit list of allowed columns, and a request's details are refused unless it is awarded
to that provider. Left out of the bidding list: client_ref, team (a neighbourhood is more
precise than the municipality), location, preferred and excluded providers, current
provider and waiting date. Requests the client excluded the provider from are listed like
any other, so the list itself does not reveal an exclusion.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from matcher.domain import Funding, Request, Round
from matcher.services.access import Actor, require_provider

BIDDING_COLUMNS = [
    "request",
    "intervention",
    "name",
    "municipality",
    "urgency",
    "units",
    "start",
    "required specialisms",
    "your bid",
]
AWARDED_COLUMNS = [
    "request",
    "client_ref",
    "team",
    "municipality",
    "intervention",
    "name",
    "urgency",
    "units",
    "start",
    "lat",
    "lon",
    "required specialisms",
    "tariff",
    "awarded on",
    "ends on",
]


class NotYourAwardError(Exception):
    """A provider asked for the details of a request that is not awarded to it."""


class UnknownProviderError(Exception):
    """The provider is not in the round."""


@dataclass(frozen=True)
class ProviderView:
    """The two tables a provider sees."""

    provider_id: str
    open_to_bid: pd.DataFrame
    awarded: pd.DataFrame


def provider_view(round_: Round, provider_id: str, *, actor: Actor) -> ProviderView:
    """The provider's view of the round, for that provider only."""
    require_provider(actor, provider_id)
    _check_provider(round_, provider_id)
    return ProviderView(
        provider_id,
        open_to_bid(round_, provider_id, actor=actor),
        awarded_to(round_, provider_id, actor=actor),
    )


def open_to_bid(round_: Round, provider_id: str, *, actor: Actor) -> pd.DataFrame:
    """Open requests of interventions the provider is certified for on their start date."""
    require_provider(actor, provider_id)
    _check_provider(round_, provider_id)
    certificates = [c for c in round_.certifications if c.provider_id == provider_id]
    awarded = {a.request_id for a in round_.awards or ()}
    interventions = {i.intervention_id: i for i in round_.interventions}
    municipality = {t.team_id: t.municipality for t in round_.teams or ()}
    own_bid = {b.request_id: float(b.tariff) for b in round_.bids if b.provider_id == provider_id}
    rows = []
    for r in round_.requests:
        intervention = interventions[r.intervention_id]
        if r.request_id in awarded or intervention.funding is Funding.TASK:
            continue
        if not any(
            c.intervention_id == r.intervention_id and c.covers(r.start_date) for c in certificates
        ):
            continue
        rows.append(
            {
                "request": r.request_id,
                "intervention": r.intervention_id,
                "name": intervention.name,
                "municipality": municipality.get(r.team_id, ""),
                "urgency": r.urgency.value,
                "units": float(r.units),
                "start": r.start_date,
                "required specialisms": ", ".join(r.required_specialisms),
                "your bid": own_bid.get(r.request_id),
            }
        )
    return pd.DataFrame(rows, columns=BIDDING_COLUMNS)


def awarded_to(round_: Round, provider_id: str, *, actor: Actor) -> pd.DataFrame:
    """Full details of the requests awarded to the provider (and only those)."""
    require_provider(actor, provider_id)
    _check_provider(round_, provider_id)
    mine = {a.request_id: a for a in round_.awards or () if a.provider_id == provider_id}
    rows = [
        _details(round_, r, mine[r.request_id].tariff, mine[r.request_id].awarded_on,
                 mine[r.request_id].ends_on)
        for r in round_.requests
        if r.request_id in mine
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=AWARDED_COLUMNS)


def request_details(
    round_: Round, provider_id: str, request_id: str, *, actor: Actor
) -> dict[str, object]:
    """One request's full details, for the provider it is awarded to; refused otherwise."""
    require_provider(actor, provider_id)
    _check_provider(round_, provider_id)
    award = next((a for a in round_.awards or () if a.request_id == request_id), None)
    request = next((r for r in round_.requests if r.request_id == request_id), None)
    if award is None or award.provider_id != provider_id or request is None:
        raise NotYourAwardError(
            f"request {request_id} is not awarded to {provider_id}: its details are not shown"
        )
    return _details(round_, request, award.tariff, award.awarded_on, award.ends_on)


def _details(
    round_: Round, r: Request, tariff: object, awarded_on: date, ends_on: date | None
) -> dict[str, object]:
    names = {i.intervention_id: i.name for i in round_.interventions}
    municipality = {t.team_id: t.municipality for t in round_.teams or ()}
    return {
        "request": r.request_id,
        "client_ref": r.client_ref,
        "team": r.team_id,
        "municipality": municipality.get(r.team_id, ""),
        "intervention": r.intervention_id,
        "name": names.get(r.intervention_id, ""),
        "urgency": r.urgency.value,
        "units": float(r.units),
        "start": r.start_date,
        "lat": r.lat,
        "lon": r.lon,
        "required specialisms": ", ".join(r.required_specialisms),
        "tariff": float(str(tariff)),
        "awarded on": awarded_on,
        "ends on": ends_on,
    }


def _check_provider(round_: Round, provider_id: str) -> None:
    if not any(p.provider_id == provider_id for p in round_.providers):
        raise UnknownProviderError(f"provider {provider_id} is not in the round")
