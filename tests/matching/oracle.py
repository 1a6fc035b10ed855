"""An independent lexicographic optimum: every assignment of a small round, tried one by one.

A third reading of models/matching.md, next to ``build.py`` (the engine's arrays) and
``validate.py`` (the feasibility check). It reads the round's own tables, enumerates every
way to give each open request one admissible provider or none, keeps the assignments that
break no limit, and takes the best by (crisis points, high points, normal points, -cost).
No solver, no array of the engine: a rule made too strict in the engine makes its optimum
worse than this one, a rule made too loose makes it better. Fit for rounds of up to about
six requests (every request has at most a handful of admissible providers).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from matcher.domain import Funding, Request, Round
from matcher.matching.geo import haversine_km

Pair = tuple[str, str]
STAGES = ("place_crisis", "place_high", "place_normal", "cost")
STAGE_OF = {"crisis": 0, "high": 1, "normal": 2}
# Row kinds, as models/matching.md names them; ``capacity_all`` is a provider's ``*`` row.
ROW_KINDS = ("capacity", "capacity_all", "budget", "market_share")


def cents(euros: Decimal) -> int:
    """Euros to cents, half up (the invoice rule of the data contract)."""
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Candidate:
    """One admissible (request, provider) pair with what it uses and costs."""

    request_id: str
    provider_id: str
    intervention_id: str
    units: int  # hundredths of a unit
    cost: int  # cents a week
    objective: int  # cost plus the weighted distance, preference and continuity, in cents


@dataclass(frozen=True)
class Row:
    """A linear limit ``sum(coeff[pair] * x[pair]) <= rhs`` over admissible pairs."""

    kind: str
    key: tuple[str, str]
    coeff: dict[Pair, int]
    rhs: int


@dataclass(frozen=True)
class Optimum:
    """The lexicographic optimum's stage values and one assignment that reaches them."""

    stages: dict[str, int]
    matches: frozenset[Pair]


class RoundTables:
    """The round's tables read once: admissible pairs, limit rows, points per request."""

    def __init__(
        self,
        round_: Round,
        forbids: Iterable[Pair] = (),
        ignore: Iterable[str] = (),
    ) -> None:
        self.round = round_
        self.policy = round_.effective_policy()
        assert self.policy.round_date is not None, "the oracle needs a round date"
        self.day: date = self.policy.round_date
        self.forbids = frozenset(forbids)
        self.interventions = {i.intervention_id: i for i in round_.interventions}
        self.providers = {p.provider_id: p for p in round_.providers}
        self.capacity_keys = {(c.provider_id, c.intervention_id) for c in round_.capacity}
        awarded = {a.request_id for a in round_.awards or ()}
        self.requests = [
            r
            for r in round_.requests
            if r.request_id not in awarded
            and self.interventions[r.intervention_id].funding is not Funding.TASK
        ]
        self.candidates = {
            (c.request_id, c.provider_id): c for r in self.requests for c in self._pairs_of(r)
        }
        ignored = set(ignore)
        self.rows = [row for row in self._rows() if row.kind not in ignored]

    def _pairs_of(self, request: Request) -> list[Candidate]:
        """Admissible providers of one request: a bid, else a standing offer, every rule met."""
        iid = request.intervention_id
        priced: dict[str, tuple[Decimal, Decimal]] = {}
        for offer in self.round.offers or ():
            if offer.intervention_id == iid:
                priced[offer.provider_id] = (offer.tariff, request.units)
        for bid in self.round.bids:
            if bid.request_id == request.request_id:
                priced[bid.provider_id] = (
                    bid.tariff,
                    request.units if bid.units is None else bid.units,
                )
        return [
            candidate
            for pid, (tariff, units) in sorted(priced.items())
            if (candidate := self._admit(request, pid, tariff, units)) is not None
        ]

    def _admit(
        self, request: Request, pid: str, tariff: Decimal, units: Decimal
    ) -> Candidate | None:
        provider = self.providers.get(pid)
        iid = request.intervention_id
        intervention = self.interventions[iid]
        if provider is None or (request.request_id, pid) in self.forbids:
            return None
        if pid in request.excluded_providers:
            return None
        if not any(
            c.provider_id == pid
            and c.intervention_id == iid
            and c.valid_from <= request.start_date
            and request.start_date <= c.valid_to
            for c in self.round.certifications
        ):
            return None
        if tariff < intervention.tariff_min or tariff > intervention.tariff_max:
            return None
        if not set(request.required_specialisms) <= set(provider.specialisms):
            return None
        km = None
        known = (request.lat, request.lon, provider.lat, provider.lon)
        if all(v is not None for v in known):
            km = round(haversine_km(*(float(v) for v in known if v is not None)), 1)
        limit = self.policy.max_distance_km
        if km is not None and limit is not None and km > limit:
            return None
        if (pid, iid) not in self.capacity_keys and (pid, "*") not in self.capacity_keys:
            return None
        cost = cents(tariff * units) if intervention.funding is Funding.EFFORT else cents(tariff)
        weights = self.policy.weights
        extra = 0 if km is None else cents(weights.distance_per_km * Decimal(str(km)))
        ranked = request.preferred_providers
        if ranked:
            steps = ranked.index(pid) if pid in ranked else len(ranked)
            extra += cents(weights.preference_per_rank * steps)
        if request.current_provider not in (None, pid):
            extra += cents(weights.continuity)
        return Candidate(request.request_id, pid, iid, int(units * 100), cost, cost + extra)

    def _rows(self) -> list[Row]:
        """Capacity (less the awards running on the round date), budgets and share caps."""
        rows: list[Row] = []
        running = [a for a in self.round.awards or () if a.ends_on is None or a.ends_on >= self.day]
        for cap in self.round.capacity:
            total = cap.intervention_id == "*"
            used = sum(
                int(a.units * 100)
                for a in running
                if a.provider_id == cap.provider_id
                and (total or a.intervention_id == cap.intervention_id)
            )
            members = {
                key: c.units
                for key, c in self.candidates.items()
                if c.provider_id == cap.provider_id
                and (total or c.intervention_id == cap.intervention_id)
            }
            rhs = max(int(cap.capacity_units * 100) - used, 0)
            kind = "capacity_all" if total else "capacity"
            rows.append(Row(kind, (cap.provider_id, cap.intervention_id), members, rhs))
        team = {r.request_id: r.team_id for r in self.requests}
        for budget in self.round.budgets or ():
            members = {
                key: c.cost
                for key, c in self.candidates.items()
                if team[c.request_id] == budget.team_id
                and self.interventions[c.intervention_id].segment is budget.segment
            }
            rows.append(
                Row("budget", (budget.team_id, budget.segment.value), members, cents(budget.amount))
            )
        share = self.policy.market_share_cap
        if share is None:
            return rows
        cap_thousandths = round(share * 1000)
        field: dict[str, list[Candidate]] = defaultdict(list)
        for c in self.candidates.values():
            field[c.intervention_id].append(c)
        for iid, pairs in sorted(field.items()):
            providers = sorted({c.provider_id for c in pairs})
            if len(providers) < 3:
                continue
            allowance = 1000 * max(c.units for c in pairs)
            for pid in providers:
                members = {
                    (c.request_id, c.provider_id): (1000 * (c.provider_id == pid) - cap_thousandths)
                    * c.units
                    for c in pairs
                }
                rows.append(Row("market_share", (pid, iid), members, allowance))
        return rows

    def points(self, request: Request) -> int:
        """Ten points, plus ten times the aging rate per whole week waited (capped), rounded
        half to even."""
        if request.waiting_since is None:
            return 10
        aging = self.policy.aging
        weeks = min(max((self.day - request.waiting_since).days // 7, 0), aging.max_weeks)
        extra = (aging.per_week * 10 * weeks).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return 10 + int(extra)

    def value(self, matches: Iterable[Pair]) -> dict[str, int] | None:
        """The stage values of an assignment, or None when it breaks a rule."""
        chosen = sorted(set(matches))
        if len({rid for rid, _ in chosen}) != len(chosen):
            return None
        if any(pair not in self.candidates for pair in chosen):
            return None
        for row in self.rows:
            if sum(row.coeff.get(pair, 0) for pair in chosen) > row.rhs:
                return None
        values = dict.fromkeys(STAGES, 0)
        by_id = {r.request_id: r for r in self.requests}
        for rid, pid in chosen:
            request = by_id[rid]
            values[STAGES[STAGE_OF[request.urgency.value]]] += self.points(request)
            values["cost"] += self.candidates[(rid, pid)].objective
        return values


def optimum(
    round_: Round,
    pins: Iterable[Pair] = (),
    forbids: Iterable[Pair] = (),
    ignore: Iterable[str] = (),
) -> Optimum | None:
    """The lexicographic optimum by enumeration; None when the pins cannot all be honoured.

    ``ignore`` drops every row of the named kinds (``ROW_KINDS``): how the reach test sees
    whether a kind of row changes the answer.
    """
    tables = RoundTables(round_, forbids, ignore)
    pinned: dict[str, list[str]] = defaultdict(list)
    for rid, pid in pins:
        pinned[rid].append(pid)
    options: list[list[Candidate | None]] = []
    for request in tables.requests:
        own = [c for (rid, _), c in tables.candidates.items() if rid == request.request_id]
        if request.request_id in pinned:
            own = [c for c in own if c.provider_id in pinned[request.request_id]]
            if len(pinned[request.request_id]) > 1 or not own:
                return None
            options.append(list(own))
        else:
            options.append([None, *own])
    if set(pinned) - {r.request_id for r in tables.requests}:
        return None
    # Rows whose coefficients are never negative only fill up: an assignment that already
    # breaks one is cut at once. Share rows have negative terms and are checked at the end.
    growing = [row for row in tables.rows if min(row.coeff.values(), default=0) >= 0]
    mixed = [row for row in tables.rows if min(row.coeff.values(), default=0) < 0]
    score_of = {
        r.request_id: (STAGE_OF[r.urgency.value], tables.points(r)) for r in tables.requests
    }
    best: tuple[tuple[int, int, int, int], list[Candidate]] | None = None

    def walk(k: int, chosen: list[Candidate], load: list[int]) -> None:
        nonlocal best
        if k == len(options):
            keys = [(c.request_id, c.provider_id) for c in chosen]
            if any(sum(row.coeff.get(pair, 0) for pair in keys) > row.rhs for row in mixed):
                return
            score = [0, 0, 0, 0]
            for c in chosen:
                stage, points = score_of[c.request_id]
                score[stage] += points
                score[3] -= c.objective
            key = (score[0], score[1], score[2], score[3])
            if best is None or key > best[0]:
                best = (key, list(chosen))
            return
        for option in options[k]:
            if option is None:
                walk(k + 1, chosen, load)
                continue
            pair = (option.request_id, option.provider_id)
            grown = [load[i] + row.coeff.get(pair, 0) for i, row in enumerate(growing)]
            if any(g > row.rhs for g, row in zip(grown, growing, strict=True)):
                continue
            walk(k + 1, [*chosen, option], grown)

    walk(0, [], [0] * len(growing))
    if best is None:
        return None
    key, chosen = best
    stages = {"place_crisis": key[0], "place_high": key[1], "place_normal": key[2], "cost": -key[3]}
    return Optimum(stages, frozenset((c.request_id, c.provider_id) for c in chosen))
