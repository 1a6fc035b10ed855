"""The waiting list of each intervention × area, measured from the history and open requests.

Demand is requests received per week and the list's capacity is requests started per week,
both over the last ``wait_window_months`` full months; the mean wait is that of the
requests that started in the window; the queue is the open requests on the round date.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from matcher.capacity.areas import REGION, Areas
from matcher.capacity.months import DAYS_PER_WEEK, first_day, month_of
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.waiting import WaitingList
from matcher.domain import Round


@dataclass(frozen=True)
class Queue:
    """A waiting list with the number of started requests its mean wait rests on."""

    waiting_list: WaitingList
    started: int


def queues_of(
    round_: Round, areas: Areas, round_date: date, settings: CapacitySettings
) -> dict[tuple[str, str], Queue]:
    """Waiting-list figures per intervention × area, and per intervention for the whole
    region (area ``region``) when there are several areas; only where something happened."""
    end = first_day(month_of(round_date))
    start = first_day(month_of(round_date) - settings.wait_window_months)
    weeks = (end - start).days / DAYS_PER_WEEK
    law = {i.intervention_id: i.law for i in round_.interventions}
    received: dict[tuple[str, str], int] = defaultdict(int)
    waits: dict[tuple[str, str], list[float]] = defaultdict(list)
    queue: dict[tuple[str, str], int] = defaultdict(int)
    history_ids = set()

    def keys(intervention_id: str, team_id: str) -> set[tuple[str, str]]:
        return {(intervention_id, areas.of(team_id)), (intervention_id, REGION)}

    for h in round_.history or ():
        history_ids.add(h.request_id)
        for key in keys(h.intervention_id, h.team_id):
            if start <= h.received_on < end:
                received[key] += 1
            if h.started_on is not None and start <= h.started_on < end:
                waits[key].append((h.started_on - h.received_on).days / DAYS_PER_WEEK)
    awarded = {a.request_id for a in round_.awards or ()}
    for r in round_.requests:
        since = r.waiting_since
        for key in keys(r.intervention_id, r.team_id):
            if r.request_id not in awarded:
                queue[key] += 1
            if r.request_id not in history_ids and since is not None and start <= since < end:
                received[key] += 1
    result = {}
    for key in set(received) | set(waits) | set(queue):
        if key[0] not in law:
            continue
        started = waits.get(key, [])
        result[key] = Queue(
            WaitingList(
                demand_per_week=received.get(key, 0) / weeks,
                starts_per_week=len(started) / weeks,
                queue_size=queue.get(key, 0),
                mean_wait_weeks=sum(started) / len(started) if started else 0.0,
                norm_weeks=settings.norm_for(law[key[0]]),
                factor=settings.waiting_factor,
            ),
            len(started),
        )
    return result
