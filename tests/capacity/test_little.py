"""Load from intake and duration obeys Little's law: steady intake λ, duration d → load λ·d."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.capacity.demand import intake_kernel, running_kernel
from tests.profiles import examples


@settings(max_examples=examples(200), deadline=None)
@given(
    intake=st.floats(min_value=0.1, max_value=5_000),
    duration=st.floats(min_value=0.05, max_value=60),
)
def test_a_steady_intake_gives_intake_times_duration(intake: float, duration: float) -> None:
    months = int(40 * duration) + 24  # long enough for the tail to be negligible
    load = np.convolve(np.full(months, intake), intake_kernel(duration, months))[:months]
    assert load[-1] == pytest.approx(intake * duration, rel=1e-6)


@settings(max_examples=examples(100), deadline=None)
@given(duration=st.floats(min_value=0.05, max_value=60))
def test_care_running_now_weighs_its_duration(duration: float) -> None:
    months = int(40 * duration) + 24
    assert running_kernel(duration, months).sum() == pytest.approx(duration, rel=1e-6)


@pytest.mark.parametrize("duration", [0.5, 1.0, 3.0, 12.0])
def test_a_step_in_intake_reaches_its_new_level_at_the_rate_the_duration_implies(
    duration: float,
) -> None:
    """From 10 a month to 30 a month at month 0: the load climbs from 10·d to 30·d, and the
    part of the climb still missing after the month of the step shrinks by e^(-1/d) a month
    (the share of care that outlives a month)."""
    months = 240
    before = np.convolve(np.full(months, 10.0), intake_kernel(duration, months))[months - 1]
    kernel = intake_kernel(duration, months)
    after = before + np.convolve(np.full(months, 20.0), kernel)[:months]
    assert before == pytest.approx(10 * duration)
    missing = 30 * duration - after
    assert missing[0] > 0
    for k in range(1, 6):
        assert missing[k] == pytest.approx(missing[k - 1] * math.exp(-1 / duration), rel=1e-9)
    # Month 0 averages arrivals spread over the month: its share is d − d²(1 − e^(−1/d)).
    assert after[0] - before == pytest.approx(
        20 * (duration - duration**2 * (1 - math.exp(-1 / duration)))
    )


def test_whole_month_sampling_would_overstate_short_care() -> None:
    """The old kernel (survival at whole months from 0) sums to 1/(1 − e^(−1/d)): 1.58·d for
    care of a month. The month-averaged one sums to d."""
    sampled = sum(math.exp(-k / 1.0) for k in range(200))
    assert sampled == pytest.approx(1.582, abs=1e-3)
    assert intake_kernel(1.0, 200).sum() == pytest.approx(1.0)
