"""The capacity an under-supply judgement holds a place against (models/capacity.md,
"Local shortage").

A provider's capacity is shared by every municipality it reaches, and it goes where the
clients are: a town whose running care is high this month takes more of it. Splitting the
capacity over the towns by fixed shares and judging each slice on its own made towns look
short whose region had room (16 flags on balanced demo interventions). A town is short only
when the providers that can reach it cannot serve it after the towns they also serve
(Hall's condition for the providers-to-towns transport): for a set S of towns and the
providers N(S) that reach any of them, load(S) must fit cap(N(S)). The capacity of town a
is therefore

    c_a = min over S containing a of cap(N(S)) − load(S without a)

the most a can get while the others are served (max-flow min-cut), so a is short exactly
when some set of towns containing a is. With every provider reaching every town c_a is the
region's capacity less the other towns' load: a town is short only when the region is.
"""

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from matcher.capacity.areas import REGION
from matcher.capacity.demand import LoadProjection
from matcher.capacity.queues import Queue
from matcher.capacity.signals import Place, places_of
from matcher.capacity.supply import Supply

MAX_AREAS = 16  # 2^16 sets of towns; a region with more keeps the fixed shares


def held_capacity(place: Place) -> tuple[float, ...]:
    """Capacity certified now, held over the horizon: capacity lost to ending certificates
    is certification_expiry's finding, and counting it here too would double the alarm."""
    return (place.capacity[0],) * len(place.capacity) if place.capacity else ()


def judged_places(
    intervention_id: str, places: list[Place], supply: Supply, tolerance: float
) -> list[Place]:
    """The places of one intervention with the capacity their shortage is judged on: the
    region (or a lone area) its capacity now, held; each town its c_a per month (above),
    the other towns' load counted at 1 / (1 + tolerance) so that a town is short by more
    than the tolerance exactly when its set of towns is."""
    held = [replace(p, capacity=held_capacity(p)) for p in places]
    if len(places) == 1 or places[0].area != REGION or len(places) - 1 > MAX_AREAS:
        return held
    towns = held[1:]
    names = [p.area for p in towns]
    loads = np.array([p.projection.steady_mean for p in towns], dtype=np.float64)
    caps: list[tuple[int, float]] = []
    for (pid, iid), units in supply.capacity.items():
        flags = supply.certified.get((pid, iid), ())
        if iid != intervention_id or not flags or not flags[0]:
            continue
        served = supply.reach.get(pid, tuple(names))
        caps.append((sum(1 << n for n, a in enumerate(names) if a in served), units))
    sets = np.arange(1, 1 << len(names))
    member = (sets[:, None] >> np.arange(len(names))[None, :]) & 1  # set x town
    reached = np.zeros(len(sets))
    for mask, units in caps:
        reached += units * ((sets & mask) != 0)
    others = member @ loads / (1 + tolerance)  # set x month
    result = [held[0]]
    for n, town in enumerate(towns):
        inside = member[:, n] == 1
        room = reached[inside, None] - (others[inside] - loads[n] / (1 + tolerance))
        worst = np.maximum(room.min(axis=0), 0.0)
        result.append(replace(town, capacity=tuple(float(v) for v in worst)))
    return result


def judged_places_of(
    projections: Mapping[tuple[str, str], LoadProjection],
    supply: Supply,
    queues: Mapping[tuple[str, str], Queue],
    tolerance: float,
) -> dict[str, list[Place]]:
    """signals.places_of with every place's capacity the one its shortage is judged on."""
    return {
        iid: judged_places(iid, places, supply, tolerance)
        for iid, places in places_of(projections, supply, queues).items()
    }
