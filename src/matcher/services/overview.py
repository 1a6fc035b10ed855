"""A descriptive overview of the stored round, for the app's first page.

Plain tables (pandas) and numbers only: the page decides how to show them. Capacity
arithmetic (load, supply, utilisation) belongs to the capacity part, not here.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pandas as pd

from matcher.data.contract import TABLES
from matcher.domain import Request, Round
from matcher.domain.enums import Urgency
from matcher.services.catalogue import plain


@dataclass(frozen=True)
class RoundOverview:
    """What is in the round, summarised for a first look."""

    round_date: date | None
    counts: dict[str, int]  # rows per table (the round lacks none), and "open requests"
    urgency: dict[str, int]  # open requests per urgency class
    interventions: pd.DataFrame  # the list with band, open requests and certified providers
    requests_by_municipality: pd.DataFrame  # municipality x urgency
    intake_by_month: pd.DataFrame  # month x law: requests received, full months only
    providers: pd.DataFrame  # provider, interventions certified on the round date


def summarise(round_: Round, today: date | None = None) -> RoundOverview:
    """Summarise round_ as of its round date (or today when it has none)."""
    policy = round_.effective_policy()
    as_of = policy.round_date or today or date.today()
    counts = {t.name: len(rows) for t in TABLES if (rows := getattr(round_, t.name)) is not None}
    counts["open requests"] = len(_open(round_))
    urgency = Counter(r.urgency.value for r in _open(round_))
    return RoundOverview(
        round_date=policy.round_date,
        counts=counts,
        urgency={u.value: urgency.get(u.value, 0) for u in Urgency},
        interventions=_interventions(round_, as_of),
        requests_by_municipality=_by_municipality(round_),
        intake_by_month=_intake(round_, as_of),
        providers=_providers(round_, as_of),
    )


def _open(round_: Round) -> list[Request]:
    """The requests not awarded yet: an award takes a request out of every open count."""
    awarded = {a.request_id for a in round_.awards or ()}
    return [r for r in round_.requests if r.request_id not in awarded]


def _interventions(round_: Round, as_of: date) -> pd.DataFrame:
    open_requests = Counter(r.intervention_id for r in _open(round_))
    certified: dict[str, set[str]] = {}
    for c in round_.certifications:
        if c.covers(as_of):
            certified.setdefault(c.intervention_id, set()).add(c.provider_id)
    rows = [
        {
            "intervention": i.intervention_id,
            "name": i.name,
            "law": i.law.value,
            "segment": i.segment.value,
            "product group": plain(i.product_group),
            "funding": i.funding.value,
            "unit": i.unit.value,
            "tariff min (EUR)": float(i.tariff_min),
            "tariff max (EUR)": float(i.tariff_max),
            "open requests": open_requests.get(i.intervention_id, 0),
            "certified providers": len(certified.get(i.intervention_id, ())),
        }
        for i in round_.interventions
    ]
    return pd.DataFrame(rows)


def _by_municipality(round_: Round) -> pd.DataFrame:
    municipality = {t.team_id: t.municipality for t in round_.teams or ()}
    frame = pd.DataFrame(
        {
            "municipality": [municipality.get(r.team_id, r.team_id) for r in _open(round_)],
            "urgency": [r.urgency.value for r in _open(round_)],
        }
    )
    if frame.empty:
        return pd.DataFrame(columns=[u.value for u in Urgency])
    table = pd.crosstab(frame["municipality"], frame["urgency"])
    return table.reindex(columns=[u.value for u in Urgency], fill_value=0)


def _intake(round_: Round, as_of: date) -> pd.DataFrame:
    """Requests received per month: past ones (history) plus those still waiting (open
    requests by waiting_since); without the second the last months would look empty. A
    round whose history already lists its waiting requests (same request_id) counts them
    once. The month of the round date is left out: it is not over yet."""
    law = {i.intervention_id: i.law.value for i in round_.interventions}
    history = round_.history or ()
    in_history = {h.request_id for h in history}
    received = [(h.received_on, h.intervention_id) for h in history]
    received += [
        (r.waiting_since, r.intervention_id)
        for r in round_.requests
        if r.waiting_since and r.request_id not in in_history
    ]
    this_month = as_of.replace(day=1)
    frame = pd.DataFrame(
        {
            "month": [day.replace(day=1) for day, _ in received if day < this_month],
            "law": [law[i] for day, i in received if day < this_month],
        }
    )
    if frame.empty:
        return pd.DataFrame()
    table = pd.crosstab(frame["month"], frame["law"])
    table.index = pd.to_datetime(table.index)
    return table


def _providers(round_: Round, as_of: date) -> pd.DataFrame:
    certified = Counter(c.provider_id for c in round_.certifications if c.covers(as_of))
    rows = [
        {
            "provider": p.provider_id,
            "name": p.name,
            "certified interventions": certified.get(p.provider_id, 0),
            "specialisms": ", ".join(plain(s) for s in p.specialisms),
        }
        for p in round_.providers
    ]
    return pd.DataFrame(rows)
