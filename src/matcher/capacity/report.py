"""The whole capacity analysis of one round: demand, supply, waiting lists and signals."""

from dataclasses import dataclass
from datetime import date

from matcher.capacity.areas import Areas, areas_of
from matcher.capacity.demand import (
    Intake,
    LoadProjection,
    forecast_intake,
    intake_of,
    load_shares,
    matched,
    project_load,
)
from matcher.capacity.forecast import Forecast
from matcher.capacity.months import month_of
from matcher.capacity.queues import Queue, queues_of
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.shortage import under_supply
from matcher.capacity.signals import (
    Signal,
    certification_expiry,
    concentration,
    over_supply,
    sort_signals,
)
from matcher.capacity.supply import Supply, supply_of
from matcher.capacity.tbtf import Displacement, too_big_to_fail
from matcher.domain import Round


@dataclass(frozen=True)
class CapacityReport:
    """Everything the capacity page and ``matcher capacity`` show."""

    round_date: date
    settings: CapacitySettings
    areas: Areas
    intake: Intake
    forecasts: dict[str, Forecast]  # per intervention, whole region
    projections: dict[tuple[str, str], LoadProjection]
    supply: Supply
    queues: dict[tuple[str, str], Queue]
    displacements: list[Displacement]
    signals: list[Signal]


def analyse(
    round_: Round, round_date: date, settings: CapacitySettings | None = None
) -> CapacityReport:
    """Forecast demand, lay it against certified supply, and derive the signals."""
    settings = settings or CapacitySettings()
    start = month_of(round_date)
    areas = areas_of(round_)
    interventions = {i.intervention_id: i for i in matched(round_)}
    intake = intake_of(round_, areas, round_date)
    forecasts = forecast_intake(intake, sorted(interventions), settings.horizon_months, settings)
    projections = project_load(round_, areas, intake, forecasts, round_date, settings)
    shares = {iid: load_shares(projections, iid, areas) for iid in interventions}
    reach_km = round_.effective_policy().max_distance_km or settings.reach_km
    supply = supply_of(round_, areas, shares, start, settings.horizon_months, reach_km, round_date)
    queues = queues_of(round_, areas, round_date, settings)
    tbtf, displacements = too_big_to_fail(round_, interventions, round_date, start, settings)
    signals = [
        *under_supply(projections, supply, queues, interventions, settings),
        *over_supply(projections, supply, interventions, settings),
        *concentration(round_, areas, interventions, start, settings),
        *tbtf,
        *certification_expiry(round_, supply, interventions, start, settings),
    ]
    return CapacityReport(
        round_date=round_date,
        settings=settings,
        areas=areas,
        intake=intake,
        forecasts=forecasts,
        projections=projections,
        supply=supply,
        queues=queues,
        displacements=displacements,
        signals=sort_signals(signals),
    )
