"""A point in time by which some work must end, on a clock that tests can replace.

The engine shares its solve time from ``time.perf_counter`` deadlines; the explanations and
the services take a :class:`Deadline` instead, so a test can hand them a clock of its own
and show, without waiting, what each phase gets and what happens once the time is gone.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass(frozen=True)
class Deadline:
    """``end`` on ``clock`` (seconds, ``time.perf_counter`` by default; ``inf``: none)."""

    end: float
    clock: Clock = field(default=time.perf_counter, compare=False)

    @classmethod
    def never(cls, clock: Clock = time.perf_counter) -> "Deadline":
        """A deadline that never passes."""
        return cls(math.inf, clock)

    def left(self) -> float:
        """Seconds until the end; never negative."""
        return max(0.0, self.end - self.clock())

    def passed(self) -> bool:
        """True once the end is reached."""
        return self.clock() >= self.end

    def within(self, seconds: float) -> "Deadline":
        """The sooner of this deadline and ``seconds`` from now, on the same clock."""
        return Deadline(min(self.end, self.clock() + max(seconds, 0.0)), self.clock)
