"""A round with known answers: three interventions with the same flat intake of ~50 units a
month and care of about a month, certified at 70 (steady, with a small backlog), 40 (short,
one provider) and 300 (flooded, one of five certificates ending in two months)."""

from datetime import date, timedelta
from decimal import Decimal

from matcher.domain import (
    Award,
    CapacityRow,
    Certification,
    HistoryRecord,
    Provider,
    Request,
    Round,
    Urgency,
)
from tests.capacity.build import ROUND_DATE, intervention, round_with

PROVIDERS = {  # intervention -> (provider, weekly capacity)
    "STEADY": [(f"S{k}", 14) for k in range(1, 6)],
    "SHORT": [("K1", 40)],
    "FLOOD": [(f"F{k}", 60) for k in range(1, 6)],
}
UNITS = 5
PER_MONTH = 10
CARE_DAYS = 30


def crafted_round() -> Round:
    """Two years of history, awards for the care running on the round date, 2 open requests
    of the steady intervention."""
    history: list[HistoryRecord] = []
    awards: list[Award] = []
    for iid, providers in PROVIDERS.items():
        month = date(2024, 7, 1)
        n = 0
        while month <= ROUND_DATE:
            for k in range(PER_MONTH):
                received = month + timedelta(days=3 * k)
                started = received + timedelta(days=3)
                if started > ROUND_DATE:
                    continue
                ended = started + timedelta(days=CARE_DAYS)
                pid = providers[n % len(providers)][0]
                rid = f"{iid}-{n}"
                n += 1
                running = ended > ROUND_DATE
                history.append(
                    HistoryRecord(
                        request_id=rid,
                        team_id="T1",
                        intervention_id=iid,
                        units=Decimal(UNITS),
                        received_on=received,
                        started_on=started,
                        ended_on=None if running else ended,
                        provider_id=pid,
                    )
                )
                if running:
                    awards.append(
                        Award(
                            request_id=rid,
                            provider_id=pid,
                            intervention_id=iid,
                            tariff=Decimal(60),
                            units=Decimal(UNITS),
                            awarded_on=started,
                        )
                    )
            month = (month + timedelta(days=32)).replace(day=1)
    base = round_with({})
    pids = [(iid, p, c) for iid, ps in PROVIDERS.items() for p, c in ps]
    certifications = [
        Certification(
            provider_id=p,
            intervention_id=iid,
            valid_from=date(2024, 1, 1),
            valid_to=date(2026, 9, 30) if p == "F5" else date(2029, 1, 1),
        )
        for iid, p, _ in pids
    ]
    requests = [
        Request(
            request_id=f"OPEN-{k}",
            client_ref=f"C{k}",
            team_id="T1",
            intervention_id="STEADY",
            units=Decimal(UNITS),
            start_date=ROUND_DATE,
            urgency=Urgency.NORMAL,
            waiting_since=ROUND_DATE - timedelta(days=5),
        )
        for k in range(2)
    ]
    return base.model_copy(
        update={
            "interventions": tuple(intervention(i) for i in PROVIDERS),
            "providers": tuple(Provider(provider_id=p, name=f"Provider {p}") for _, p, _ in pids),
            "certifications": tuple(certifications),
            "capacity": tuple(
                CapacityRow(provider_id=p, intervention_id=iid, capacity_units=Decimal(c))
                for iid, p, c in pids
            ),
            "requests": tuple(requests),
            "awards": tuple(awards),
            "history": tuple(history),
        }
    )
