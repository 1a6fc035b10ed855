"""Waiting-list arithmetic from queueing theory, after the NHS-R ``NHSRwaitinglist`` package.

A waiting list is a queue: requests arrive at rate ``demand`` and leave (start care) at
rate ``capacity``, both per week. The functions are the package's ``calc_*`` functions with
the same arguments and defaults; the names below are those of models/capacity.md.
"""

from dataclasses import dataclass


def queue_load(demand: float, capacity: float) -> float:
    """Arrivals per departure: above 1 the queue grows without end (calc_queue_load)."""
    if capacity <= 0:
        return float("inf")
    return demand / capacity


def target_mean_wait(target_wait: float, factor: float = 4.0) -> float:
    """Mean wait a list must keep to meet target_wait nearly always (calc_target_mean_wait).

    With roughly exponential waits, a mean of a quarter of the target leaves about 2% of
    clients waiting beyond it.
    """
    return target_wait / factor


def target_queue_size(demand: float, target_wait: float, factor: float = 4.0) -> float:
    """Queue size that gives the target mean wait, by Little's law (calc_target_queue_size)."""
    return demand * target_mean_wait(target_wait, factor)


def target_capacity(
    demand: float,
    target_wait: float,
    factor: float = 4.0,
    cv_demand: float = 1.0,
    cv_capacity: float = 1.0,
) -> float:
    """Capacity that keeps the queue at the target mean wait (Kingman/Marchal,
    calc_target_capacity): ``demand + (cv_d² + cv_c²) / 2 × factor / target_wait``."""
    return demand + (cv_demand**2 + cv_capacity**2) / 2 * (factor / target_wait)


def relief_capacity(
    demand: float, queue_size: float, target_queue: float, weeks_to_target: float = 26.0
) -> float:
    """Capacity that brings the queue down to target_queue in weeks_to_target weeks
    (calc_relief_capacity): ``demand + (queue - target_queue) / weeks``."""
    return demand + (queue_size - target_queue) / weeks_to_target


def waiting_list_pressure(mean_wait: float, target_wait: float) -> float:
    """``2 × mean_wait / target_wait``: above 1 the list will likely miss its target
    (calc_waiting_list_pressure)."""
    return 2 * mean_wait / target_wait


@dataclass(frozen=True)
class WaitingList:
    """The waiting-list figures of one intervention in one area, weeks and requests."""

    demand_per_week: float  # requests received per week
    starts_per_week: float  # requests that started care per week (the list's capacity)
    queue_size: int  # requests waiting on the round date
    mean_wait_weeks: float  # mean wait of requests that started in the window
    norm_weeks: float  # the law's norm (target_wait)
    factor: float

    @property
    def load(self) -> float:
        """queue_load(demand, starts)."""
        return queue_load(self.demand_per_week, self.starts_per_week)

    @property
    def target_mean_wait(self) -> float:
        """target_mean_wait(norm, factor)."""
        return target_mean_wait(self.norm_weeks, self.factor)

    @property
    def target_queue(self) -> float:
        """target_queue_size(demand, norm, factor)."""
        return target_queue_size(self.demand_per_week, self.norm_weeks, self.factor)

    @property
    def target_capacity(self) -> float:
        """target_capacity(demand, norm, factor) with cv 1 (Poisson arrivals and starts)."""
        return target_capacity(self.demand_per_week, self.norm_weeks, self.factor)

    @property
    def pressure(self) -> float:
        """waiting_list_pressure(mean wait, norm)."""
        return waiting_list_pressure(self.mean_wait_weeks, self.norm_weeks)

    def relief_capacity(self, weeks: float = 26.0) -> float:
        """relief_capacity(demand, queue, target queue, weeks)."""
        return relief_capacity(self.demand_per_week, self.queue_size, self.target_queue, weeks)
