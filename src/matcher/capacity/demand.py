"""Demand: monthly intake per intervention and area, its forecast, and the load it brings.

Intake of a month is the weekly units of all requests received in it: the history's
requests by ``received_on`` and the open requests not in the history by ``waiting_since``
(open requests without it have no known month and only count as waiting load). The month of
the round date is not over, so series end with the month before it.

Forecasts are fitted per intervention on the whole region and split over the areas by each
area's share of the intervention's intake in the last twelve months (top-down): one
statsmodels fit per intervention keeps a run to seconds, and a municipality's own series is
often too sparse to fit.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.capacity.areas import Areas
from matcher.capacity.forecast import Forecast, forecast_series
from matcher.capacity.months import DAYS_PER_MONTH, Month, first_day, last_day, month_of
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.threads import single_blas_thread
from matcher.domain import Funding, Intervention, Round


@dataclass(frozen=True)
class Intake:
    """Monthly intake (weekly units received) per intervention and area, from ``first``."""

    first: Month
    last: Month  # the last full month: the one before the round date's
    units: dict[tuple[str, str], tuple[float, ...]]  # (intervention, area) -> per month
    requests: dict[tuple[str, str], tuple[int, ...]]  # the same in numbers of requests

    @property
    def months(self) -> range:
        """The months of the series."""
        return range(self.first, self.last + 1)

    def region(self, intervention_id: str) -> tuple[float, ...]:
        """Units of the intervention summed over the areas."""
        rows = [v for (i, _), v in self.units.items() if i == intervention_id]
        if not rows:
            return tuple(0.0 for _ in self.months)
        return tuple(float(x) for x in np.sum(np.asarray(rows), axis=0))


def matched(round_: Round) -> list[Intervention]:
    """Interventions that are matched per case: task-funded ones are a lump sum."""
    return [i for i in round_.interventions if i.funding is not Funding.TASK]


def intake_of(round_: Round, areas: Areas, round_date: date) -> Intake:
    """Build the intake series of every matched intervention and area (zeros included)."""
    last = month_of(round_date) - 1
    events: list[tuple[str, str, Month, float]] = []
    history_ids = set()
    for h in round_.history or ():
        history_ids.add(h.request_id)
        events.append(
            (h.intervention_id, areas.of(h.team_id), month_of(h.received_on), float(h.units))
        )
    for r in round_.requests:
        if r.request_id not in history_ids and r.waiting_since is not None:
            events.append(
                (r.intervention_id, areas.of(r.team_id), month_of(r.waiting_since), float(r.units))
            )
    events = [e for e in events if e[2] <= last]
    first = min((e[2] for e in events), default=last)
    size = last - first + 1
    units: dict[tuple[str, str], list[float]] = {}
    counts: dict[tuple[str, str], list[int]] = {}
    for i in matched(round_):
        for a in areas.names:
            units[(i.intervention_id, a)] = [0.0] * size
            counts[(i.intervention_id, a)] = [0] * size
    for iid, area, month, amount in events:
        if (iid, area) in units:
            units[(iid, area)][month - first] += amount
            counts[(iid, area)][month - first] += 1
    return Intake(
        first,
        last,
        {k: tuple(v) for k, v in units.items()},
        {k: tuple(v) for k, v in counts.items()},
    )


def rollup(
    intake: Intake, interventions: Iterable[Intervention], key: Callable[[Intervention], str]
) -> dict[str, tuple[float, ...]]:
    """Region intake summed per group (product group, segment or law)."""
    totals: dict[str, np.ndarray] = {}
    for i in interventions:
        series = np.asarray(intake.region(i.intervention_id))
        group = key(i)
        totals[group] = totals.get(group, np.zeros(series.size)) + series
    return {g: tuple(float(x) for x in v) for g, v in sorted(totals.items())}


def area_shares(intake: Intake, intervention_id: str, areas: Areas) -> dict[str, float]:
    """Each area's share of the intervention's intake in the last 12 months (else in the
    whole history, else equal shares)."""
    for window in (12, len(intake.months)):
        sums = {a: sum(intake.units[(intervention_id, a)][-window:]) for a in areas.names}
        total = sum(sums.values())
        if total > 0:
            return {a: s / total for a, s in sums.items()}
    return {a: 1 / len(areas.names) for a in areas.names}


def expected_duration_months(round_: Round, round_date: date) -> dict[str, float]:
    """Mean duration of care per intervention, from the history.

    Exponential estimate with censoring: months of care observed (ended episodes whole,
    running ones up to the round date) divided by the number of ended episodes. Counting
    only ended episodes would favour short care, which ends first.
    """
    exposure: dict[str, float] = defaultdict(float)
    ended: dict[str, int] = defaultdict(int)
    for h in round_.history or ():
        if h.started_on is None or h.started_on > round_date:
            continue
        end = h.ended_on if h.ended_on is not None and h.ended_on <= round_date else None
        exposure[h.intervention_id] += ((end or round_date) - h.started_on).days / DAYS_PER_MONTH
        ended[h.intervention_id] += end is not None
    return {i: exposure[i] / ended[i] for i in exposure if ended[i] >= 3}


def running_kernel(duration: float, months: int) -> np.ndarray:
    """Mean share over month k of care already running at the start of month 0.

    The month average of the survival curve, ∫_k^{k+1} e^{-t/D} dt = D·e^{-k/D}·(1 − e^{-1/D}):
    summed over all months it is D, so a unit running now weighs D months (models/capacity.md).
    """
    k = np.arange(months, dtype=np.float64)
    kernel: np.ndarray = duration * np.exp(-k / duration) * -np.expm1(-1.0 / duration)
    return kernel


def intake_kernel(duration: float, months: int) -> np.ndarray:
    """Mean share over month j + k of care received evenly over month j.

    Averaging the survival curve over both the month of receipt and the month of running
    makes the kernel sum to D, so a steady intake λ gives a steady load λ·D (Little's law);
    sampling the curve at whole months instead sums to 1/(1 − e^{-1/D}) and overstates short
    care (1.58 × for one month). Derivation in models/capacity.md.
    """
    d = duration
    q = -np.expm1(-1.0 / d)  # 1 − e^{-1/D}
    k = np.arange(months, dtype=np.float64)
    kernel: np.ndarray = d * d * q * np.expm1(1.0 / d) * np.exp(-k / d)
    if months:
        kernel[0] = d - d * d * q
    return kernel


@dataclass(frozen=True)
class LoadProjection:
    """Weekly units of care running per month of the horizon, for one intervention × area.

    ``committed`` is running awards, ``waiting`` the open requests (they should start now),
    ``new_*`` the forecast intake still running; ``load_*`` adds them up.
    """

    intervention_id: str
    area: str
    first_month: Month
    committed: tuple[float, ...]
    waiting: tuple[float, ...]
    new_mean: tuple[float, ...]
    new_upper80: tuple[float, ...]
    new_upper95: tuple[float, ...]
    backlog: float = 0.0  # weekly units of the open requests, waiting now
    duration: float = 12.0  # expected duration of care, months

    @property
    def steady_mean(self) -> tuple[float, ...]:
        """Expected load of running care and new intake, without the backlog."""
        return _add(self.committed, self.new_mean)

    @property
    def steady_upper80(self) -> tuple[float, ...]:
        """The same with intake at its upper 80% bound."""
        return _add(self.committed, self.new_upper80)

    @property
    def load_mean(self) -> tuple[float, ...]:
        """Expected load."""
        return _add(self.committed, self.waiting, self.new_mean)

    @property
    def load_upper80(self) -> tuple[float, ...]:
        """Load with intake at its upper 80% bound every month (cautious: errors add up)."""
        return _add(self.committed, self.waiting, self.new_upper80)

    @property
    def load_upper95(self) -> tuple[float, ...]:
        """Load with intake at its upper 95% bound."""
        return _add(self.committed, self.waiting, self.new_upper95)


def _add(*parts: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(float(sum(v)) for v in zip(*parts, strict=True))


def forecast_intake(
    intake: Intake, intervention_ids: Iterable[str], horizon: int, settings: CapacitySettings
) -> dict[str, Forecast]:
    """One region forecast per intervention."""
    with single_blas_thread():
        return {
            iid: forecast_series(intake.region(iid), intake.first, horizon, settings)
            for iid in intervention_ids
        }


def project_load(
    round_: Round,
    areas: Areas,
    intake: Intake,
    forecasts: dict[str, Forecast],
    round_date: date,
    settings: CapacitySettings,
) -> dict[tuple[str, str], LoadProjection]:
    """Load per intervention × area × month: running awards, waiting requests and forecast
    intake, each decaying with the intervention's expected duration (models/capacity.md)."""
    start = month_of(round_date)
    horizon = settings.horizon_months
    durations = expected_duration_months(round_, round_date)
    awarded = {a.request_id for a in round_.awards or ()}
    committed: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(horizon))
    waiting: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(horizon))
    backlog: dict[tuple[str, str], float] = defaultdict(float)
    projections: dict[tuple[str, str], LoadProjection] = {}
    for iid, forecast in forecasts.items():
        shares = area_shares(intake, iid, areas)
        duration = durations.get(iid, settings.default_duration_months)
        decay = running_kernel(duration, horizon)
        spread = intake_kernel(duration, horizon)
        for award in round_.awards or ():
            if award.intervention_id != iid or (award.ends_on and award.ends_on < round_date):
                continue
            split = _split(areas.of_request.get(award.request_id), shares)
            if award.ends_on is None:
                run = decay * float(award.units)
            else:
                run = float(award.units) * _covered(award.ends_on, start, horizon)
            for area, share in split.items():
                committed[(iid, area)] += share * run
        for r in round_.requests:
            if r.intervention_id == iid and r.request_id not in awarded:
                waiting[(iid, areas.of(r.team_id))] += decay * float(r.units)
                backlog[(iid, areas.of(r.team_id))] += float(r.units)
        offset = start - forecast.first_month  # 0 when the forecast starts at the round month
        new = {
            name: np.convolve(_after(getattr(forecast, name)[offset:], round_date), spread)[
                :horizon
            ]
            for name in ("mean", "upper80", "upper95")
        }
        for area in areas.names:
            s = shares[area]
            projections[(iid, area)] = LoadProjection(
                iid,
                area,
                start,
                _tuple(committed[(iid, area)]),
                _tuple(waiting[(iid, area)]),
                _tuple(s * new["mean"]),
                _tuple(s * new["upper80"]),
                _tuple(s * new["upper95"]),
                backlog[(iid, area)],
                duration,
            )
    return projections


def load_shares(
    projections: dict[tuple[str, str], LoadProjection], intervention_id: str, areas: Areas
) -> dict[str, float]:
    """Each area's share of the intervention's expected load over the horizon: supply is
    shared over the areas in these proportions (supply.supply_of), so with every provider in
    reach of every area each area is as well supplied as the region."""
    load = {
        a: sum(projections[(intervention_id, a)].load_mean)
        for a in areas.names
        if (intervention_id, a) in projections
    }
    total = sum(load.values())
    if total <= 0:
        return {a: 1 / len(areas.names) for a in areas.names}
    return {a: v / total for a, v in load.items()}


def _after(intake: tuple[float, ...], round_date: date) -> np.ndarray:
    """Forecast intake from the round date on: requests received earlier in its month are
    already open requests (waiting load), so the first month counts only its remaining days."""
    values = np.asarray(intake, dtype=np.float64).copy()
    if values.size:
        month = month_of(round_date)
        days = (last_day(month) - first_day(month)).days + 1
        values[0] *= ((last_day(month) - round_date).days + 1) / days
    return values


def _covered(ends_on: date, start: Month, months: int) -> np.ndarray:
    """Share of the days of each month up to and including ends_on (a month average, as
    for the open-ended care)."""
    shares = []
    for k in range(months):
        first, last = first_day(start + k), last_day(start + k)
        days = (last - first).days + 1
        shares.append(min(max((ends_on - first).days + 1, 0), days) / days)
    return np.asarray(shares)


def _split(area: str | None, shares: dict[str, float]) -> dict[str, float]:
    """All of it to a known area, else over the areas by their shares."""
    return {area: 1.0} if area is not None else shares


def _tuple(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in values)
