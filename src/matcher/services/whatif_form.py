"""The What-if page's controls as a scenario, and scenarios as TOML files, both ways.

The page shows one control per common change (demand growth, providers leaving, a tariff
band, a provider's capacity, budgets, policy weights). A control left at its neutral value
(0 %, nobody, empty) makes no change. A loaded file may hold changes the controls cannot
show (a new provider, a certificate, a team's budget, ...): they are kept as ``extra`` and
applied after the controls' changes, so loading and saving a file loses nothing.

The controls' changes are applied in a fixed order: providers leaving, capacity, tariff,
demand, budget, policy; then the extra changes in the file's order.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher.domain import ALL_INTERVENTIONS
from matcher.scenarios.changes import (
    AnyChange,
    BudgetChange,
    CapacityChange,
    DemandGrowth,
    PolicyChange,
    ProviderExit,
    TariffBand,
    WeightsPatch,
)
from matcher.scenarios.errors import ScenarioError, plain_errors
from matcher.scenarios.scenario import Scenario

WEIGHTS = ("distance_per_km", "preference_per_rank", "continuity")


@dataclass(frozen=True)
class WhatIfForm:
    """The values of the What-if page's controls (None or 0: no change)."""

    name: str = "my scenario"
    description: str = ""
    growth_percent: float = 0.0
    growth_intervention: str | None = None  # None: every intervention
    growth_seed: int = 0
    exits: tuple[str, ...] = ()
    tariff_intervention: str | None = None
    tariff_shift_percent: float = 0.0
    tariff_min: float | None = None
    tariff_max: float | None = None
    capacity_provider: str | None = None
    capacity_intervention: str | None = None  # None: every capacity row of the provider
    capacity_percent: float = 0.0
    budget_percent: float = 0.0
    distance_per_km: float | None = None
    preference_per_rank: float | None = None
    continuity: float | None = None
    market_share_cap: float | None = None
    extra: tuple[AnyChange, ...] = field(default=())


def scenario_from_form(form: WhatIfForm) -> Scenario:
    """The scenario the controls describe; ScenarioError says which control is wrong."""
    changes: list[dict[str, Any]] = [
        {"kind": "provider_exit", "provider_id": pid} for pid in dict.fromkeys(form.exits)
    ]
    if form.capacity_provider is not None and form.capacity_percent:
        changes.append(
            {
                "kind": "capacity",
                "provider_id": form.capacity_provider,
                "intervention_id": form.capacity_intervention,
                "percent": _dec(form.capacity_percent),
            }
        )
    if form.tariff_intervention is not None:
        bounds = {"tariff_min": form.tariff_min, "tariff_max": form.tariff_max}
        given = {k: _dec(v) for k, v in bounds.items() if v is not None}
        if form.tariff_shift_percent:
            given["shift_percent"] = _dec(form.tariff_shift_percent)
        if given:
            changes.append(
                {"kind": "tariff_band", "intervention_id": form.tariff_intervention, **given}
            )
    if form.growth_percent:
        changes.append(
            {
                "kind": "demand_growth",
                "percent": _dec(form.growth_percent),
                "intervention_id": form.growth_intervention,
                "seed": form.growth_seed,
            }
        )
    if form.budget_percent:
        changes.append({"kind": "budget", "percent": _dec(form.budget_percent)})
    weights = {k: _dec(v) for k in WEIGHTS if (v := getattr(form, k)) is not None}
    if weights or form.market_share_cap is not None:
        policy: dict[str, Any] = {"kind": "policy"}
        if weights:
            policy["weights"] = weights
        if form.market_share_cap is not None:
            policy["market_share_cap"] = form.market_share_cap
        changes.append(policy)
    cleaned = [{k: v for k, v in c.items() if v is not None} for c in changes]
    data = {"name": form.name.strip(), "description": form.description.strip(), "changes": cleaned}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_control_words(plain_errors(exc), cleaned)) from None
    return scenario.model_copy(update={"changes": (*scenario.changes, *form.extra)})


@dataclass(frozen=True)
class Known:
    """The providers and interventions the controls offer (those of the stored round)."""

    providers: frozenset[str]
    interventions: frozenset[str]

    def fits(self, change: AnyChange) -> bool:
        """True when every provider and intervention the change names is one of these."""
        pid = getattr(change, "provider_id", None)
        iid = getattr(change, "intervention_id", None)
        total = isinstance(change, CapacityChange) and iid == ALL_INTERVENTIONS
        return (pid is None or pid in self.providers) and (
            iid is None or iid in self.interventions or total
        )


def form_from_scenario(scenario: Scenario, known: Known | None = None) -> WhatIfForm:
    """The control values that show the scenario; changes no control shows go to extra,
    and so do changes naming a provider or intervention the controls do not offer."""
    form = WhatIfForm(name=scenario.name, description=scenario.description)
    extra: list[AnyChange] = []
    for change in scenario.changes:
        fits = known is None or known.fits(change)
        taken = _fill(form, change) if fits else None
        if taken is None:
            extra.append(change)
        else:
            form = taken
    return replace(form, extra=tuple(extra))


def _fill(form: WhatIfForm, change: AnyChange) -> WhatIfForm | None:
    """The form with the change in its control, or None when no free control shows it."""
    if isinstance(change, ProviderExit):
        if change.provider_id in form.exits:
            return None
        return replace(form, exits=(*form.exits, change.provider_id))
    if isinstance(change, DemandGrowth):
        if form.growth_percent or change.team_id or change.municipality or not change.percent:
            return None
        return replace(
            form,
            growth_percent=float(change.percent),
            growth_intervention=change.intervention_id,
            growth_seed=change.seed,
        )
    if isinstance(change, TariffBand):
        if form.tariff_intervention is not None or change.intervention_id is None:
            return None
        return replace(
            form,
            tariff_intervention=change.intervention_id,
            tariff_shift_percent=_float(change.shift_percent) or 0.0,
            tariff_min=_float(change.tariff_min),
            tariff_max=_float(change.tariff_max),
        )
    if isinstance(change, CapacityChange):
        if form.capacity_provider is not None or not change.percent:
            return None
        return replace(
            form,
            capacity_provider=change.provider_id,
            capacity_intervention=change.intervention_id,
            capacity_percent=float(change.percent),
        )
    if isinstance(change, BudgetChange):
        if form.budget_percent or change.team_id or change.segment or not change.percent:
            return None
        return replace(form, budget_percent=float(change.percent))
    if isinstance(change, PolicyChange):
        return _fill_policy(form, change)
    return None


def _fill_policy(form: WhatIfForm, change: PolicyChange) -> WhatIfForm | None:
    shown = any(getattr(form, k) is not None for k in (*WEIGHTS, "market_share_cap"))
    others = (change.aging, change.max_distance_km, change.round_date)
    if shown or any(v is not None for v in others):
        return None
    weights = change.weights or WeightsPatch()
    return replace(
        form,
        distance_per_km=_float(weights.distance_per_km),
        preference_per_rank=_float(weights.preference_per_rank),
        continuity=_float(weights.continuity),
        market_share_cap=change.market_share_cap,
    )


def read_file(path: Path) -> bytes:
    """The bytes of a scenario file (read as an upload is, by scenario_from_toml)."""
    return Path(path).read_bytes()


def scenario_files(directory: Path) -> list[Path]:
    """The scenario files of a directory (data/scenarios), by name; none when it is missing."""
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []


def describe(change: AnyChange) -> str:
    """One change in a few words, for the history and the page."""
    if isinstance(change, ProviderExit):
        return f"{change.provider_id} leaves"
    if isinstance(change, DemandGrowth):
        where = change.intervention_id or change.team_id or change.municipality or "all"
        return f"demand {_signed(change.percent)}% ({where})"
    if isinstance(change, CapacityChange) and change.percent is not None:
        rows = change.intervention_id or "all rows"
        return f"capacity {change.provider_id} {_signed(change.percent)}% ({rows})"
    if isinstance(change, BudgetChange) and change.percent is not None:
        where = " ".join(str(x) for x in (change.team_id, change.segment) if x) or "all"
        return f"budget {_signed(change.percent)}% ({where})"
    if isinstance(change, TariffBand):
        which = change.intervention_id or "every intervention"
        if change.shift_percent is not None:
            return f"tariff band {which} {_signed(change.shift_percent)}%"
        return f"tariff band {which} {change.tariff_min or '='} to {change.tariff_max or '='}"
    data = change.model_dump(mode="json", exclude_none=True)
    kind = data.pop("kind")
    return f"{kind}: " + ", ".join(_flat(data))


def _flat(data: dict[str, Any], prefix: str = "") -> list[str]:
    """``key value`` pairs of nested settings: weights.continuity 5."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(_flat(value, f"{prefix}{key}."))
        else:
            out.append(f"{prefix}{key} {value}")
    return out


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)


def _dec(value: float) -> Decimal:
    """A control's float as the decimal a user typed: 0.1 stays 0.1, 10.0 becomes 10."""
    number = Decimal(repr(float(value))).normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# Where a change made from a control went wrong, in the words of the page.
_CONTROL = {
    "capacity": "Capacity change",
    "tariff_band": "Tariff band",
    "demand_growth": "Demand growth",
    "budget": "Budget change",
    "policy": "Policy",
    "provider_exit": "Providers leaving",
}


def _control_words(problems: list[str], changes: list[dict[str, Any]]) -> list[str]:
    """Error lines with ``changes[2]`` replaced by the name of the control it came from."""
    out = []
    for problem in problems:
        for k, change in enumerate(changes):
            prefix = f"changes[{k}]"
            if problem.startswith(prefix):
                problem = _CONTROL[change["kind"]] + problem[len(prefix) :]
                break
        out.append(problem)
    return out
