"""Areas: the municipality of every request, award and provider's reach.

The area of a request is the municipality of its team (teams.csv). A round without
teams.csv has one area, ``region``. Awards carry no team: their area is that of the history
record or request with the same request_id, else unknown (None). Providers have a location
but serve clients across borders, so a provider's capacity is shared over the
municipalities within reach (see supply.py), not given to the nearest one alone.
"""

from collections import defaultdict
from dataclasses import dataclass

from matcher.domain import Round
from matcher.matching import haversine_km

REGION = "region"


@dataclass(frozen=True)
class Areas:
    """Team to municipality, request to municipality, and each municipality's centre."""

    names: tuple[str, ...]
    of_team: dict[str, str]
    of_request: dict[str, str]
    centre: dict[str, tuple[float, float]]

    def of(self, team_id: str) -> str:
        """Area of a team; every team is listed when teams.csv is there, else one region."""
        return self.of_team.get(team_id, self.names[0])


def areas_of(round_: Round) -> Areas:
    """The areas of a round; centres are the mean location of the located open requests."""
    if round_.teams:
        of_team = {t.team_id: t.municipality for t in round_.teams}
        names = tuple(sorted(set(of_team.values())))
    else:
        of_team = {}
        names = (REGION,)
    known = set(names)

    def area(team_id: str) -> str:
        name = of_team.get(team_id, REGION)
        return name if name in known else names[0]

    of_request = {h.request_id: area(h.team_id) for h in round_.history or ()}
    of_request.update({r.request_id: area(r.team_id) for r in round_.requests})
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in round_.requests:
        if r.lat is not None and r.lon is not None:
            points[area(r.team_id)].append((r.lat, r.lon))
    centre = {
        a: (sum(p[0] for p in ps) / len(ps), sum(p[1] for p in ps) / len(ps))
        for a, ps in points.items()
    }
    return Areas(names, {t: area(t) for t in of_team}, of_request, centre)


def reach(areas: Areas, lat: float | None, lon: float | None, reach_km: float) -> tuple[str, ...]:
    """Municipalities a provider at (lat, lon) serves: those whose centre is within reach_km.

    Without a location on either side the provider is taken to serve the area; a provider
    out of reach of every area serves the nearest one (it is certified for this region).
    """
    if lat is None or lon is None:
        return areas.names
    distance = {
        a: haversine_km(lat, lon, *areas.centre[a]) if a in areas.centre else 0.0
        for a in areas.names
    }
    inside = tuple(a for a in areas.names if distance[a] <= reach_km)
    return inside or (min(areas.names, key=lambda a: distance[a]),)
