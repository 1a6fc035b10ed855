"""Waiting times by discrete-event simulation (simpy), beside the queueing formulas.

An intervention × area is a queue with ``places`` clients in care at once (certified
capacity ÷ mean units a client): requests arrive at random (Poisson), wait for a free place
in order of arrival and stay in care an exponential time. The formulas (Erlang C for
steady waits, the fluid clearance of shortage.clearance_weeks) assume the same; the
simulation also covers what they leave out: the backlog and running care of today, and a
horizon too short for the steady state. Tests check the two against each other.
"""

import math
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import simpy

from matcher.capacity.months import WEEKS_PER_MONTH
from matcher.capacity.report import CapacityReport
from matcher.domain import Round


@dataclass(frozen=True)
class QueueCase:
    """The figures of one queue, in requests and weeks."""

    arrivals_per_week: float
    care_weeks: float  # mean time in care
    places: int  # clients in care at once
    running: int  # clients in care now
    backlog: int  # requests waiting now
    weeks: float  # how long to simulate


@dataclass(frozen=True)
class Waits:
    """Waits from request to start, in weeks; ``clear_weeks`` is when the waiting list first
    ran empty, today's backlog absorbed (median over the runs; inf when it never did)."""

    median: float
    p80: float
    p95: float
    mean: float
    clear_weeks: float
    requests: int


def simulate(case: QueueCase, runs: int = 10, seed: int = 0) -> Waits:
    """Run the queue ``runs`` times; waits are pooled over the runs."""
    rng = np.random.default_rng(seed)
    waits: list[float] = []
    clears: list[float] = []
    for _ in range(runs):
        run_waits, clear = _run(case, rng)
        waits += run_waits
        clears.append(clear)
    values = np.asarray(waits) if waits else np.zeros(1)
    median, p80, p95 = (float(v) for v in np.percentile(values, [50, 80, 95]))
    return Waits(median, p80, p95, float(values.mean()), float(np.median(clears)), len(waits))


def _run(case: QueueCase, rng: np.random.Generator) -> tuple[list[float], float]:
    env = simpy.Environment()
    places = simpy.Resource(env, capacity=max(case.places, 1))
    waits: list[float] = []
    waiting: dict[int, float] = {}  # still waiting at the end: their wait so far counts
    cleared = [0.0 if case.backlog == 0 else math.inf]

    def client(arrived: float) -> Generator[simpy.Event, object, None]:
        ticket = len(waiting) + len(waits)
        waiting[ticket] = arrived
        with places.request() as place:
            yield place
            del waiting[ticket]
            waits.append(env.now - arrived)
            if not places.queue and math.isinf(cleared[0]):
                cleared[0] = env.now
            yield env.timeout(float(rng.exponential(case.care_weeks)))

    def running() -> Generator[simpy.Event, object, None]:
        with places.request() as place:
            yield place
            yield env.timeout(float(rng.exponential(case.care_weeks)))

    def arrivals() -> Generator[simpy.Event, object, None]:
        if case.arrivals_per_week <= 0:
            return
        while True:
            yield env.timeout(float(rng.exponential(1 / case.arrivals_per_week)))
            env.process(client(env.now))

    for _ in range(min(case.running, max(case.places, 1))):
        env.process(running())
    for _ in range(case.backlog):
        env.process(client(0.0))
    env.process(arrivals())
    env.run(until=case.weeks)
    return waits + [case.weeks - t for t in waiting.values()], cleared[0]


def erlang_c(arrivals_per_week: float, care_weeks: float, places: int) -> float:
    """Probability that a request has to wait in a steady M/M/c queue (Erlang C); 1 when
    the queue has no steady state."""
    load = arrivals_per_week * care_weeks  # offered load, in places
    if places <= 0 or load >= places:
        return 1.0
    blocking = 1.0  # Erlang B by its recurrence: stable for many places
    for k in range(1, places + 1):
        blocking = load * blocking / (k + load * blocking)
    rho = load / places
    return blocking / (1 - rho * (1 - blocking))


def steady_wait_quantile(case: QueueCase, q: float) -> float:
    """The q-quantile of the steady wait in an M/M/c queue: P(wait > t) = C·e^(−(c/T − λ)t);
    inf without a steady state."""
    rate = case.places / case.care_weeks - case.arrivals_per_week
    if rate <= 0:
        return math.inf
    c = erlang_c(case.arrivals_per_week, case.care_weeks, case.places)
    return 0.0 if c <= 1 - q else math.log(c / (1 - q)) / rate


def steady_mean_wait(case: QueueCase) -> float:
    """Mean steady wait of an M/M/c queue: C ÷ (c/T − λ); inf without a steady state."""
    rate = case.places / case.care_weeks - case.arrivals_per_week
    if rate <= 0:
        return math.inf
    return erlang_c(case.arrivals_per_week, case.care_weeks, case.places) / rate


def queue_case(report: CapacityReport, round_: Round, intervention_id: str) -> QueueCase:
    """The region's queue of an intervention as the analysis sees it on the round date:
    places from the capacity certified now, arrivals from the forecast's mean intake,
    care time from the history's duration, running care and open requests of today."""
    history = [h for h in round_.history or () if h.intervention_id == intervention_id]
    units = float(np.mean([float(h.units) for h in history])) if history else 1.0
    units = units if units > 0 else 1.0
    forecast = report.forecasts[intervention_id]
    duration = next(p.duration for (i, _), p in report.projections.items() if i == intervention_id)
    capacity = report.supply.region(intervention_id)
    running = sum(u for (_, i), u in report.supply.committed.items() if i == intervention_id)
    awarded = {a.request_id for a in round_.awards or ()}
    backlog = sum(
        r.intervention_id == intervention_id and r.request_id not in awarded
        for r in round_.requests
    )
    return QueueCase(
        arrivals_per_week=float(np.mean(forecast.mean)) / units / WEEKS_PER_MONTH,
        care_weeks=duration * WEEKS_PER_MONTH,
        places=int(capacity[0] // units) if capacity else 0,
        running=round(running / units),
        backlog=backlog,
        weeks=report.settings.horizon_months * WEEKS_PER_MONTH,
    )
