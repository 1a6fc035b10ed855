"""Sweeps: axes of values whose product is a list of scenarios.

An axis is written ``growth=0:10:2`` (start:stop:step, stop included) or ``exit=P001,P004``
(a list), on the command line or as a key of a file's ``[sweep]`` table. Each axis value
becomes one change; a point of the product applies one value of every axis, in axis order.

Axes:
- ``growth``: demand growth in % of all open requests (``demand_growth``);
- ``exit``: a provider that leaves (``provider_exit``); ``none`` for nobody;
- ``tariff``: every tariff band shifted by % (``tariff_band``);
- ``budget``: every budget scaled by % (``budget``);
- ``share_cap``: the market-share cap, a fraction (``policy``).
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from matcher.scenarios.changes import (
    AnyChange,
    BudgetChange,
    DemandGrowth,
    PolicyChange,
    ProviderExit,
    TariffBand,
)
from matcher.scenarios.errors import plain_errors
from matcher.scenarios.scenario import Scenario

NOBODY = "none"
MAX_POINTS_PER_AXIS = 1000


@dataclass(frozen=True)
class AxisPoint:
    """One value of an axis: its label in scenario names and the change it makes."""

    label: str
    change: AnyChange | None


@dataclass(frozen=True)
class Axis:
    """A named list of points."""

    name: str
    points: tuple[AxisPoint, ...]


def _growth(value: Decimal) -> AxisPoint:
    return AxisPoint(f"growth={value}%", DemandGrowth(kind="demand_growth", percent=value))


def _exit(value: str) -> AxisPoint:
    if value == NOBODY:
        return AxisPoint("exit=none", None)
    return AxisPoint(f"exit={value}", ProviderExit(kind="provider_exit", provider_id=value))


def _tariff(value: Decimal) -> AxisPoint:
    return AxisPoint(f"tariff={value}%", TariffBand(kind="tariff_band", shift_percent=value))


def _budget(value: Decimal) -> AxisPoint:
    return AxisPoint(f"budget={value}%", BudgetChange(kind="budget", percent=value))


def _share_cap(value: Decimal) -> AxisPoint:
    return AxisPoint(
        f"share_cap={value}", PolicyChange(kind="policy", market_share_cap=float(value))
    )


_NUMERIC: dict[str, Callable[[Decimal], AxisPoint]] = {
    "growth": _growth,
    "tariff": _tariff,
    "budget": _budget,
    "share_cap": _share_cap,
}
_NAMED: dict[str, Callable[[str], AxisPoint]] = {"exit": _exit}
AXES = tuple(sorted({*_NUMERIC, *_NAMED}))


def parse_option(text: str) -> Axis:
    """``growth=0:10:2`` or ``exit=P001,P004`` as typed after ``--sweep``."""
    name, sep, values = text.partition("=")
    if not sep or not values.strip():
        raise ValueError(f"sweep '{text}' needs the form axis=values, e.g. growth=0:10:2")
    return parse_axis(name.strip(), values.strip())


def parse_axis(name: str, values: str | Sequence[str | Decimal]) -> Axis:
    """An axis from its name and its values: a ``start:stop:step`` range, a comma list, a list."""
    if name not in AXES:
        raise ValueError(f"sweep axis '{name}' is unknown; use one of {', '.join(AXES)}")
    if isinstance(values, str):
        items: list[str | Decimal] = (
            list(_range(name, values)) if ":" in values else [v.strip() for v in values.split(",")]
        )
    else:
        items = list(values)
    if not items:
        raise ValueError(f"sweep axis '{name}' has no values")
    try:
        if name in _NAMED:
            points = [_NAMED[name](str(v)) for v in items]
        else:
            points = [_NUMERIC[name](_number(name, v)) for v in items]
    except ValidationError as exc:
        raise ValueError(f"sweep axis '{name}': " + "; ".join(plain_errors(exc))) from None
    return Axis(name, tuple(points))


def expand(base: Scenario, axes: Sequence[Axis]) -> list[Scenario]:
    """Every point of the product of the axes, applied after the base scenario's changes."""
    scenarios = []
    for combo in itertools.product(*(a.points for a in axes)):
        label = " ".join(p.label for p in combo)
        changes = tuple(p.change for p in combo if p.change is not None)
        name = label if not base.changes and base.name == "sweep" else f"{base.name} {label}"
        scenarios.append(
            Scenario(
                name=name[:120],
                description=base.description,
                changes=(*base.changes, *changes),
            )
        )
    return scenarios


def sweep_scenarios(options: Sequence[str]) -> list[Scenario]:
    """The scenarios of ``--sweep`` options, applied to the baseline."""
    axes = [parse_option(o) for o in options]
    return expand(Scenario(name="sweep"), axes) if axes else []


def _number(axis: str, value: str | Decimal) -> Decimal:
    try:
        return Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        raise ValueError(f"sweep axis '{axis}': '{value}' is not a number") from None


def _range(axis: str, text: str) -> list[Decimal]:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"sweep axis '{axis}': '{text}' is not start:stop or start:stop:step")
    start, stop = _number(axis, parts[0]), _number(axis, parts[1])
    step = _number(axis, parts[2]) if len(parts) == 3 else Decimal(1)
    if step <= 0:
        raise ValueError(f"sweep axis '{axis}': the step of '{text}' must be above 0")
    if stop < start:
        raise ValueError(f"sweep axis '{axis}': '{text}' stops before it starts")
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS_PER_AXIS:
        raise ValueError(f"sweep axis '{axis}': '{text}' has {count} values, more than 1000")
    return [start + k * step for k in range(count)]
