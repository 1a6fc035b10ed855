"""Apply a scenario to a round: a new round, the original untouched.

Each change edits exactly the tables it names and nothing else. A change that would do
nothing (a provider or intervention the round does not have, a filter that selects no
request) is an error: in a what-if, a silent no-op reads as "no effect" and misleads.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from matcher.domain import (
    ALL_INTERVENTIONS,
    Bid,
    Budget,
    CapacityRow,
    Certification,
    Intervention,
    Offer,
    Provider,
    Request,
    Round,
)
from matcher.domain.entities import MAX_CAPACITY, MAX_TARIFF
from matcher.matching import open_requests, round_date_of
from matcher.scenarios import changes
from matcher.scenarios.changes import (
    AnyChange,
    BudgetChange,
    CapacityChange,
    CertificationEnd,
    CertificationNew,
    DemandGrowth,
    PolicyChange,
    ProviderEntry,
    ProviderExit,
    TariffBand,
    patch_policy,
)
from matcher.scenarios.errors import ScenarioError
from matcher.scenarios.scenario import Scenario

CENT = Decimal("0.01")
# Added requests are named after the one they copy: R00012 becomes R00012+g1.
COPY_SUFFIX = "+g"
ENTRY_YEARS = 3


class ChangeError(ValueError):
    """A change that does not fit the round; apply_scenario adds which change it was."""


def apply_scenario(round_: Round, scenario: Scenario) -> Round:
    """The round with every change of the scenario applied, in order."""
    for index, change in enumerate(scenario.changes):
        try:
            round_ = apply_change(round_, change)
        except (ChangeError, ValueError) as exc:
            raise ScenarioError(
                [f"changes[{index}] ({change.kind}): {exc}"], source=f"scenario '{scenario.name}'"
            ) from None
    return round_


def apply_change(round_: Round, change: AnyChange) -> Round:
    """The round with one change applied."""
    handler: Callable[[Round, Any], Round] = _HANDLERS[type(change)]
    return handler(round_, change)


def _demand_growth(round_: Round, change: DemandGrowth) -> Round:
    """Copy (or drop) round(n x percent / 100) of the n selected open requests, seeded.

    Copies get new ids (and client references) with a suffix and the bids of the request
    they copy; which requests are copied is a seeded sample, so a scenario gives the same
    round every time. Above 100 % every request is copied whole times first.
    """
    selected = _select_requests(round_, change)
    if not selected:
        raise ChangeError("the filter selects no open request")
    count = int((len(selected) * change.percent / 100).to_integral_value(ROUND_HALF_UP))
    rng = random.Random(f"demand_growth:{change.seed}")
    if count < 0:
        dropped = {r.request_id for r in rng.sample(selected, -count)}
        return round_.model_copy(
            update={
                "requests": tuple(r for r in round_.requests if r.request_id not in dropped),
                "bids": tuple(b for b in round_.bids if b.request_id not in dropped),
            }
        )
    size, limit = len(round_.requests) + count, changes.MAX_ROUND_REQUESTS
    if size > limit:  # refused before a single copy is made
        raise ChangeError(f"the round would hold {size:,} requests; a what-if may match {limit:,}")
    whole, rest = divmod(count, len(selected))
    copies = selected * whole + rng.sample(selected, rest)
    taken = {r.request_id for r in round_.requests} | {r.client_ref for r in round_.requests}
    bids_of: dict[str, list[Bid]] = {}
    for bid in round_.bids:
        bids_of.setdefault(bid.request_id, []).append(bid)
    new_requests: list[Request] = []
    new_bids: list[Bid] = []
    for original in copies:
        request_id = _fresh(original.request_id, taken)
        client_ref = _fresh(original.client_ref, taken)
        new_requests.append(
            Request.model_validate(
                {**original.model_dump(), "request_id": request_id, "client_ref": client_ref}
            )
        )
        new_bids.extend(
            b.model_copy(update={"request_id": request_id})
            for b in bids_of.get(original.request_id, ())
        )
    return round_.model_copy(
        update={
            "requests": (*round_.requests, *new_requests),
            "bids": (*round_.bids, *new_bids),
        }
    )


def _select_requests(round_: Round, change: DemandGrowth) -> list[Request]:
    requests = open_requests(round_)
    if change.intervention_id is not None:
        _intervention(round_, change.intervention_id)
        requests = [r for r in requests if r.intervention_id == change.intervention_id]
    if change.team_id is not None:
        requests = [r for r in requests if r.team_id == change.team_id]
    if change.municipality is not None:
        if round_.teams is None:
            raise ChangeError("a municipality filter needs the round's teams (teams.csv)")
        teams = {t.team_id for t in round_.teams if t.municipality == change.municipality}
        if not teams:
            raise ChangeError(f"no team of the round is in the municipality {change.municipality}")
        requests = [r for r in requests if r.team_id in teams]
    return requests


def _fresh(base: str, taken: set[str]) -> str:
    k = 1
    while f"{base}{COPY_SUFFIX}{k}" in taken:
        k += 1
    name = f"{base}{COPY_SUFFIX}{k}"
    taken.add(name)
    return name


def _tariff_band(round_: Round, change: TariffBand) -> Round:
    """New bounds for one intervention, or the bounds of one (or all) shifted by a percentage."""
    if change.intervention_id is not None:
        _intervention(round_, change.intervention_id)
    interventions = []
    for i in round_.interventions:
        if change.intervention_id is not None and i.intervention_id != change.intervention_id:
            interventions.append(i)
            continue
        interventions.append(_new_band(i, change))
    return round_.model_copy(update={"interventions": tuple(interventions)})


def _new_band(intervention: Intervention, change: TariffBand) -> Intervention:
    if change.shift_percent is not None:
        factor = 1 + change.shift_percent / 100
        low = _money(intervention.tariff_min * factor)
        high = _money(intervention.tariff_max * factor)
    else:
        low = intervention.tariff_min if change.tariff_min is None else change.tariff_min
        high = intervention.tariff_max if change.tariff_max is None else change.tariff_max
    if low > high:
        raise ChangeError(
            f"the new band of {intervention.intervention_id} would run from {low} down to {high}"
        )
    if high > MAX_TARIFF:
        raise ChangeError(f"the new tariff_max {high} is above the most allowed, {MAX_TARIFF}")
    return Intervention.model_validate(
        {**intervention.model_dump(), "tariff_min": low, "tariff_max": high}
    )


def _provider_exit(round_: Round, change: ProviderExit) -> Round:
    """Drop the provider's bids, offers, certifications and capacity rows."""
    pid = change.provider_id
    _provider(round_, pid)
    return round_.model_copy(
        update={
            "bids": tuple(b for b in round_.bids if b.provider_id != pid),
            "offers": _without(round_.offers, pid),
            "certifications": tuple(c for c in round_.certifications if c.provider_id != pid),
            "capacity": tuple(c for c in round_.capacity if c.provider_id != pid),
        }
    )


def _without(offers: tuple[Offer, ...] | None, pid: str) -> tuple[Offer, ...] | None:
    return None if offers is None else tuple(o for o in offers if o.provider_id != pid)


def _provider_entry(round_: Round, change: ProviderEntry) -> Round:
    """Add the provider, a certificate, a capacity row and a standing offer per intervention."""
    if any(p.provider_id == change.provider_id for p in round_.providers):
        raise ChangeError(f"{change.provider_id} is already a provider of the round")
    for offer in change.offers:
        _intervention(round_, offer.intervention_id)
    start = change.valid_from or round_date_of(round_)
    end = change.valid_to or _years_on(start, ENTRY_YEARS)
    if end < start:
        raise ChangeError(f"valid_to {end} lies before valid_from {start}")
    pid = change.provider_id
    provider = Provider(
        provider_id=pid,
        name=change.name,
        lat=change.lat,
        lon=change.lon,
        specialisms=change.specialisms,
    )
    certs = [
        Certification(
            provider_id=pid, intervention_id=o.intervention_id, valid_from=start, valid_to=end
        )
        for o in change.offers
    ]
    rows = [
        CapacityRow(
            provider_id=pid, intervention_id=o.intervention_id, capacity_units=o.capacity_units
        )
        for o in change.offers
    ]
    offers = [
        Offer(provider_id=pid, intervention_id=o.intervention_id, tariff=o.tariff)
        for o in change.offers
    ]
    return round_.model_copy(
        update={
            "providers": (*round_.providers, provider),
            "certifications": (*round_.certifications, *certs),
            "capacity": (*round_.capacity, *rows),
            "offers": (*(round_.offers or ()), *offers),
        }
    )


def _years_on(day: date, years: int) -> date:
    """The day before the same date ``years`` later (29 February counts from 28 February)."""
    try:
        later = day.replace(year=day.year + years)
    except ValueError:
        later = day.replace(year=day.year + years, day=28)
    return later - timedelta(days=1)


def _capacity(round_: Round, change: CapacityChange) -> Round:
    """Set one capacity row (adding it when missing) or scale the provider's rows by %."""
    pid, iid = change.provider_id, change.intervention_id
    _provider(round_, pid)
    if iid is not None and iid != ALL_INTERVENTIONS:
        _intervention(round_, iid)
    if change.units is not None:
        assert iid is not None  # checked by CapacityChange
        rows = list(round_.capacity)
        new = CapacityRow(provider_id=pid, intervention_id=iid, capacity_units=change.units)
        for k, row in enumerate(rows):
            if row.provider_id == pid and row.intervention_id == iid:
                rows[k] = new
                break
        else:
            rows.append(new)
        return round_.model_copy(update={"capacity": tuple(rows)})
    assert change.percent is not None
    factor = 1 + change.percent / 100
    hit = 0
    rows = []
    for row in round_.capacity:
        if row.provider_id == pid and (iid is None or row.intervention_id == iid):
            hit += 1
            units = _money(row.capacity_units * factor)
            if units <= 0:
                raise ChangeError(
                    f"{pid}'s capacity for {row.intervention_id} would drop to {units}; "
                    "use provider_exit for a provider that leaves"
                )
            if units > MAX_CAPACITY:
                raise ChangeError(
                    f"{pid}'s capacity for {row.intervention_id} would rise to {units}, "
                    f"above the most allowed, {MAX_CAPACITY}"
                )
            row = CapacityRow(
                provider_id=pid, intervention_id=row.intervention_id, capacity_units=units
            )
        rows.append(row)
    if not hit:
        which = "any intervention" if iid is None else iid
        raise ChangeError(f"{pid} has no capacity row for {which}")
    return round_.model_copy(update={"capacity": tuple(rows)})


def _certification_end(round_: Round, change: CertificationEnd) -> Round:
    """The pair's certification ends on valid_to: later ends are cut back (certificates that
    would only start after it are dropped), or the last certificate is extended to it."""
    pid, iid, end = change.provider_id, change.intervention_id, change.valid_to
    held = [c for c in round_.certifications if (c.provider_id, c.intervention_id) == (pid, iid)]
    if not held:
        raise ChangeError(f"{pid} holds no certificate for {iid}")
    last = max(held, key=lambda c: (c.valid_to, c.valid_from))
    certs = []
    for c in round_.certifications:
        if (c.provider_id, c.intervention_id) != (pid, iid):
            certs.append(c)
        elif end < c.valid_from:
            continue
        elif c.valid_to > end or (c is last and end > c.valid_to):
            certs.append(c.model_copy(update={"valid_to": end}))
        else:
            certs.append(c)
    return round_.model_copy(update={"certifications": tuple(certs)})


def _certification_new(round_: Round, change: CertificationNew) -> Round:
    """Add one certificate for an existing provider."""
    _provider(round_, change.provider_id)
    _intervention(round_, change.intervention_id)
    cert = Certification(
        provider_id=change.provider_id,
        intervention_id=change.intervention_id,
        valid_from=change.valid_from,
        valid_to=change.valid_to,
    )
    return round_.model_copy(update={"certifications": (*round_.certifications, cert)})


def _budget(round_: Round, change: BudgetChange) -> Round:
    """Scale the selected budgets by %, or set one team's segment budget (adding the row)."""
    budgets = list(round_.budgets or ())
    teams = None if round_.teams is None else {t.team_id for t in round_.teams}
    if change.team_id is not None and teams is not None and change.team_id not in teams:
        raise ChangeError(f"{change.team_id} is not a team of the round")

    def selected(b: Budget) -> bool:
        return (change.team_id is None or b.team_id == change.team_id) and (
            change.segment is None or b.segment == change.segment
        )

    if change.amount is not None:
        assert change.team_id is not None  # checked by BudgetChange
        assert change.segment is not None
        new = Budget(team_id=change.team_id, segment=change.segment, amount=change.amount)
        hits = [k for k, b in enumerate(budgets) if selected(b)]
        if hits:
            budgets[hits[0]] = new
        else:
            budgets.append(new)
        return round_.model_copy(update={"budgets": tuple(budgets)})
    assert change.percent is not None
    if not any(selected(b) for b in budgets):
        raise ChangeError("no budget row fits the team and segment given")
    factor = 1 + change.percent / 100
    scaled = tuple(
        Budget(team_id=b.team_id, segment=b.segment, amount=_money(b.amount * factor))
        if selected(b)
        else b
        for b in budgets
    )
    return round_.model_copy(update={"budgets": scaled})


def _policy(round_: Round, change: PolicyChange) -> Round:
    """The policy with the given fields replaced (the round's values, or defaults, elsewhere)."""
    return round_.model_copy(update={"policy": patch_policy(round_.effective_policy(), change)})


def _provider(round_: Round, pid: str) -> Provider:
    for p in round_.providers:
        if p.provider_id == pid:
            return p
    raise ChangeError(f"{pid} is not a provider of the round")


def _intervention(round_: Round, iid: str) -> Intervention:
    for i in round_.interventions:
        if i.intervention_id == iid:
            return i
    raise ChangeError(f"{iid} is not an intervention of the round")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_HANDLERS: dict[type, Callable[[Round, Any], Round]] = {
    DemandGrowth: _demand_growth,
    TariffBand: _tariff_band,
    ProviderExit: _provider_exit,
    ProviderEntry: _provider_entry,
    CapacityChange: _capacity,
    CertificationEnd: _certification_end,
    CertificationNew: _certification_new,
    BudgetChange: _budget,
    PolicyChange: _policy,
}
