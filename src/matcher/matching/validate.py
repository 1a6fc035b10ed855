"""Check a set of matches against the round itself, without a solver and without build.py.

This is a second reading of the data contract: every rule is checked again from the round's
tables, so a mistake in the arrays of ``build`` (or in a backend) shows up as a violation or
as stage values that differ from the engine's. The objective terms are priced by the one
catalogue (``matching.terms``), the formula each term is defined by; what is read again
from the round is which pair a match is, its tariff, units and distance. It also gives the
stage values (points per urgency class, the cost stage's objective, the total cost), all in
integers as the engine counts them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from matcher.domain import ALL_INTERVENTIONS, Funding, Intervention, Provider, Request, Round
from matcher.domain.money import to_cents
from matcher.matching.geo import haversine_km
from matcher.matching.overrides import Overrides
from matcher.matching.terms import COST, PairFacts, price, score_cents

# As in build: hundredths of a unit, thousandths of a share, ten points per placed request,
# share caps only where at least three providers could take the intervention.
HUNDREDTHS = 100
THOUSANDTHS = 1000
POINTS_PER_REQUEST = 10
SHARE_CAP_MIN_PROVIDERS = 3
STAGE_OF_URGENCY = {"crisis": "place_crisis", "high": "place_high", "normal": "place_normal"}


@dataclass(frozen=True)
class Validation:
    """Violations in words (empty when the matches are feasible) and the stage values.

    ``stage_values`` holds ``place_crisis``, ``place_high``, ``place_normal`` (aging points
    of placed requests), ``cost`` (the cost stage's objective: the sum of every term of
    ``matching.terms``, in cents) and ``total_cost_cents``.
    """

    violations: list[str] = field(default_factory=list)
    stage_values: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no rule is broken."""
        return not self.violations


@dataclass(frozen=True)
class _Terms:
    """What one (request, provider) pair would cost and use, read from bids and offers."""

    tariff: Decimal
    units: Decimal
    cost_cents: int
    secondary_cents: int


def validate_matches(
    round_: Round, matches: Iterable[tuple[str, str]], overrides: Overrides | None = None
) -> Validation:
    """Every rule the matches break, and their stage values, computed from the round."""
    overrides = overrides or Overrides()
    checker = _Checker(round_, overrides)
    matches = sorted(set(matches))
    violations: list[str] = []
    placed: list[tuple[Request, str, _Terms]] = []
    seen: dict[str, list[str]] = defaultdict(list)
    for rid, pid in matches:
        seen[rid].append(pid)
    for rid, pids in sorted(seen.items()):
        if len(pids) > 1:
            violations.append(f"request {rid} is matched {len(pids)} times: {', '.join(pids)}")
    for rid, pid in matches:
        problems, terms = checker.pair(rid, pid)
        violations.extend(problems)
        if terms is not None:
            placed.append((checker.requests[rid], pid, terms))
    violations.extend(checker.capacity(placed))
    violations.extend(checker.budgets(placed))
    violations.extend(checker.market_share(placed))
    chosen = set(matches)
    for rid, pid in sorted(overrides.pins):
        if (rid, pid) not in chosen:
            violations.append(f"pin not honoured: {rid} is pinned to {pid} but not matched to it")
    return Validation(violations, checker.stage_values(placed))


class _Checker:
    """The round's tables indexed for lookups; one method per family of rules."""

    def __init__(self, round_: Round, overrides: Overrides) -> None:
        self.round = round_
        self.overrides = overrides
        self.policy = round_.effective_policy()
        self.day: date = self.policy.round_date or date.today()
        self.interventions = {i.intervention_id: i for i in round_.interventions}
        self.providers = {p.provider_id: p for p in round_.providers}
        awarded = {a.request_id for a in round_.awards or ()}
        self.requests = {r.request_id: r for r in round_.requests}
        self.open = {
            r.request_id
            for r in round_.requests
            if r.request_id not in awarded
            and self.interventions[r.intervention_id].funding is not Funding.TASK
        }
        self.bids = {(b.request_id, b.provider_id): b for b in round_.bids}
        self.offers = {(o.provider_id, o.intervention_id): o for o in round_.offers or ()}
        self.capacity_rows = {(c.provider_id, c.intervention_id): c for c in round_.capacity}
        self.running = [
            a for a in round_.awards or () if a.ends_on is None or a.ends_on >= self.day
        ]

    def pair(self, rid: str, pid: str) -> tuple[list[str], _Terms | None]:
        """Admissibility of one match; the terms are None when it cannot be priced at all."""
        request = self.requests.get(rid)
        provider = self.providers.get(pid)
        if request is None or rid not in self.open:
            return [f"request {rid} is not open in this round"], None
        if provider is None:
            return [f"{rid} is matched to {pid}, which is not a provider of this round"], None
        intervention = self.interventions[request.intervention_id]
        tariff, units = self.price(request, pid)
        if tariff is None:
            return [
                f"{pid} has no bid on {rid} and no offer for {intervention.intervention_id}"
            ], None
        problems = self.admissibility(request, provider, intervention, tariff)
        return problems, self.terms(request, provider, intervention, tariff, units)

    def price(self, request: Request, pid: str) -> tuple[Decimal | None, Decimal]:
        """Tariff and units of a pair: the bid's, else the standing offer's with the request's
        units; an explicit bid wins over the offer."""
        bid = self.bids.get((request.request_id, pid))
        if bid is not None:
            return bid.tariff, bid.units if bid.units is not None else request.units
        offer = self.offers.get((pid, request.intervention_id))
        return (None if offer is None else offer.tariff), request.units

    def admissibility(
        self, request: Request, provider: Provider, intervention: Intervention, tariff: Decimal
    ) -> list[str]:
        """The admissibility rules of the data contract, each checked on its own."""
        rid, pid, iid = request.request_id, provider.provider_id, intervention.intervention_id
        problems: list[str] = []
        if (rid, pid) in self.overrides.forbids:
            problems.append(f"forbidden pair used: {rid} to {pid}")
        if pid in request.excluded_providers:
            problems.append(f"{pid} is excluded by the client of {rid}")
        certified = any(
            c.provider_id == pid
            and c.intervention_id == iid
            and c.valid_from <= request.start_date <= c.valid_to
            for c in self.round.certifications
        )
        if not certified:
            problems.append(f"{pid} is not certified for {iid} on {rid}'s start date")
        if not intervention.tariff_min <= tariff <= intervention.tariff_max:
            problems.append(f"{pid}'s tariff {tariff} for {rid} is outside the band of {iid}")
        missing = set(request.required_specialisms) - set(provider.specialisms)
        if missing:
            problems.append(f"{pid} lacks the specialism {', '.join(sorted(missing))} {rid} needs")
        km = self.km(request, provider)
        limit = self.policy.max_distance_km
        if km is not None and limit is not None and km > limit:
            problems.append(f"{pid} is {km} km from {rid}, beyond the limit of {limit} km")
        if (pid, iid) not in self.capacity_rows and (
            pid,
            ALL_INTERVENTIONS,
        ) not in self.capacity_rows:
            problems.append(f"{pid} has no capacity listed for {iid}")
        return problems

    def admissible(self, request: Request, pid: str) -> _Terms | None:
        """The pair's terms when it breaks no admissibility rule, else None."""
        provider = self.providers.get(pid)
        if provider is None or request.request_id not in self.open:
            return None
        intervention = self.interventions[request.intervention_id]
        tariff, units = self.price(request, pid)
        if tariff is None or self.admissibility(request, provider, intervention, tariff):
            return None
        return self.terms(request, provider, intervention, tariff, units)

    @staticmethod
    def km(request: Request, provider: Provider) -> float | None:
        """Distance to a tenth of a km, when both locations are known."""
        if request.lat is None or request.lon is None:
            return None
        if provider.lat is None or provider.lon is None:
            return None
        return round(haversine_km(request.lat, request.lon, provider.lat, provider.lon), 1)

    def terms(
        self,
        request: Request,
        provider: Provider,
        intervention: Intervention,
        tariff: Decimal,
        units: Decimal,
    ) -> _Terms:
        """The pair's objective terms in cents, each computed by its entry in
        ``matching.terms`` from the round's own tables (not from build's arrays)."""
        km = self.km(request, provider)
        facts = PairFacts(
            request, provider.provider_id, intervention.funding, tariff, units, km, self.policy
        )
        terms = price(facts)
        cost = terms[COST.name]
        secondary = score_cents(terms) - cost
        return _Terms(tariff, units, cost, secondary)

    def capacity(self, placed: list[tuple[Request, str, _Terms]]) -> list[str]:
        """Each capacity row (per intervention and ``*``) holds the running awards plus the
        new matches; a row already full from awards admits nothing new."""
        problems = []
        for (pid, iid), row in sorted(self.capacity_rows.items()):
            total = round(row.capacity_units * HUNDREDTHS)
            awarded = sum(
                round(a.units * HUNDREDTHS)
                for a in self.running
                if a.provider_id == pid and iid in (ALL_INTERVENTIONS, a.intervention_id)
            )
            new = sum(
                round(t.units * HUNDREDTHS)
                for r, p, t in placed
                if p == pid and iid in (ALL_INTERVENTIONS, r.intervention_id)
            )
            if new > 0 and awarded + new > total:
                problems.append(
                    f"capacity of {pid} for {iid} exceeded: {awarded / HUNDREDTHS:g} awarded "
                    f"+ {new / HUNDREDTHS:g} matched > {total / HUNDREDTHS:g}"
                )
        return problems

    def budgets(self, placed: list[tuple[Request, str, _Terms]]) -> list[str]:
        """Each team's remaining budget per segment holds the cost of its new matches."""
        problems = []
        for budget in self.round.budgets or ():
            spent = sum(
                t.cost_cents
                for r, _, t in placed
                if r.team_id == budget.team_id
                and self.interventions[r.intervention_id].segment is budget.segment
            )
            if spent > to_cents(budget.amount):
                problems.append(
                    f"budget of team {budget.team_id} for segment {budget.segment.value} "
                    f"exceeded: {spent} cents > {to_cents(budget.amount)} cents"
                )
        return problems

    def market_share(self, placed: list[tuple[Request, str, _Terms]]) -> list[str]:
        """A provider's placed units of an intervention stay within the cap times all placed
        units plus the largest admissible units (so a first placement is always allowed);
        only where at least three providers are admissible for it."""
        cap = self.policy.market_share_cap
        if cap is None:
            return []
        cap_thousandths = round(cap * THOUSANDTHS)
        problems = []
        for iid in sorted(self.interventions):
            providers: set[str] = set()
            largest = 0
            for request in self.round.requests:
                if request.intervention_id != iid:
                    continue
                for pid in self.candidates(request):
                    terms = self.admissible(request, pid)
                    if terms is not None:
                        providers.add(pid)
                        largest = max(largest, round(terms.units * HUNDREDTHS))
            if len(providers) < SHARE_CAP_MIN_PROVIDERS:
                continue
            units: dict[str, int] = defaultdict(int)
            for r, p, t in placed:
                if r.intervention_id == iid:
                    units[p] += round(t.units * HUNDREDTHS)
            every = sum(units.values())
            for pid, own in sorted(units.items()):
                if own * THOUSANDTHS - cap_thousandths * every > largest * THOUSANDTHS:
                    problems.append(
                        f"market share of {pid} for {iid} broken: {own / HUNDREDTHS:g} of "
                        f"{every / HUNDREDTHS:g} placed units, cap {cap:g}"
                    )
        return problems

    def candidates(self, request: Request) -> list[str]:
        """Providers that bid on the request or offer its intervention."""
        found = {pid for (rid, pid) in self.bids if rid == request.request_id}
        found |= {pid for (pid, iid) in self.offers if iid == request.intervention_id}
        return sorted(found)

    def stage_values(self, placed: list[tuple[Request, str, _Terms]]) -> dict[str, int]:
        """Aging points per urgency class, the cost stage's objective and the total cost."""
        values = dict.fromkeys(STAGE_OF_URGENCY.values(), 0)
        for request, _, _ in placed:
            values[STAGE_OF_URGENCY[request.urgency.value]] += self.points(request)
        values["cost"] = sum(t.cost_cents + t.secondary_cents for _, _, t in placed)
        values["total_cost_cents"] = sum(t.cost_cents for _, _, t in placed)
        return values

    def points(self, request: Request) -> int:
        """Ten points, plus ten times the aging rate per full week waited (capped)."""
        if request.waiting_since is None:
            return POINTS_PER_REQUEST
        aging = self.policy.aging
        weeks = (self.day - request.waiting_since).days // 7
        weeks = min(max(weeks, 0), aging.max_weeks)
        extra = (aging.per_week * POINTS_PER_REQUEST * weeks).to_integral_value()
        return POINTS_PER_REQUEST + int(extra)
