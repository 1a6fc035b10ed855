"""The round as it was known on an earlier date, rebuilt from the history (``--as-of``).

Only what happened before the date is kept: history records received before it (their
start and end erased when they came later), open requests = records received but not
started by then, running awards = records started and not ended by then. Capacity rows and
providers are today's (the history does not hold earlier ones); certificates issued later
are left out. This is what a backtest needs: the signals computed as they would have been.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from matcher.domain import Award, HistoryRecord, Request, Round, Urgency

CENT = Decimal("0.01")


def as_of(round_: Round, day: date) -> Round:
    """The round known on ``day`` (the round date becomes ``day``)."""
    tariffs: dict[str, list[Decimal]] = defaultdict(list)
    for a in round_.awards or ():
        tariffs[a.intervention_id].append(a.tariff)
    floor = {i.intervention_id: i.tariff_min for i in round_.interventions}
    history: list[HistoryRecord] = []
    requests: list[Request] = []
    awards: list[Award] = []
    for h in round_.history or ():
        if h.received_on >= day:
            continue
        started = h.started_on if h.started_on is not None and h.started_on < day else None
        ended = h.ended_on if started is not None and h.ended_on and h.ended_on < day else None
        history.append(h.model_copy(update={"started_on": started, "ended_on": ended}))
        if started is None:
            requests.append(
                Request(
                    request_id=h.request_id,
                    client_ref=f"asof-{h.request_id}",
                    team_id=h.team_id,
                    intervention_id=h.intervention_id,
                    units=h.units,
                    start_date=day,
                    urgency=Urgency.NORMAL,
                    waiting_since=h.received_on,
                )
            )
        elif ended is None and h.provider_id is not None:
            known = tariffs.get(h.intervention_id)
            awards.append(
                Award(
                    request_id=h.request_id,
                    provider_id=h.provider_id,
                    intervention_id=h.intervention_id,
                    tariff=(sum(known, Decimal(0)) / len(known)).quantize(CENT)
                    if known
                    else floor.get(h.intervention_id, Decimal(0)),
                    units=h.units,
                    awarded_on=started,
                )
            )
    policy = round_.effective_policy().model_copy(update={"round_date": day})
    return round_.model_copy(
        update={
            "certifications": tuple(c for c in round_.certifications if c.valid_from <= day),
            "requests": tuple(requests),
            "bids": (),
            "budgets": None,
            "awards": tuple(awards),
            "history": tuple(history),
            "policy": policy,
        }
    )
