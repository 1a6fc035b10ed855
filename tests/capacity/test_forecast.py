"""Forecasts: trend and season recovered within the intervals; the backtest is out of sample."""

from datetime import date

import numpy as np
import numpy.typing as npt
import pytest

from matcher.capacity.forecast import choose_method, forecast_series, mase
from matcher.capacity.months import month_of
from matcher.capacity.settings import CapacitySettings

SETTINGS = CapacitySettings()
FIRST = month_of(date(2023, 1, 1))


def truth(months: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """100 units, +2 a month, and a yearly swing of 15."""
    return np.asarray(100 + 2.0 * months + 15 * np.sin(2 * np.pi * months / 12), dtype=float)


def test_seasonal_trend_is_recovered_within_the_intervals() -> None:
    rng = np.random.default_rng(7)
    history = truth(np.arange(36)) + rng.normal(0, 3, 36)
    forecast = forecast_series(history, FIRST, 12, SETTINGS)
    future = truth(np.arange(36, 48))
    assert forecast.method == "ets_seasonal"
    assert forecast.first_month == FIRST + 36
    assert np.all(np.asarray(forecast.lower95) <= future)
    assert np.all(future <= np.asarray(forecast.upper95))
    inside80 = np.mean((np.asarray(forecast.lower80) <= future) & (future <= forecast.upper80))
    assert inside80 >= 0.75
    # The season: the forecast's peak and trough fall in the true peak and trough quarters.
    mean = np.asarray(forecast.mean)
    assert int(np.argmax(mean - 2.0 * np.arange(12))) in (1, 2, 3, 4)
    assert int(np.argmin(mean - 2.0 * np.arange(12))) in (7, 8, 9, 10)
    # The trend: a year on, the same month is about 24 units higher.
    assert np.mean(mean) - np.mean(history[-12:]) == pytest.approx(24, abs=8)
    assert forecast.mase is not None
    assert forecast.mase < 1


def test_backtest_never_sees_the_held_out_months() -> None:
    rng = np.random.default_rng(11)
    history = truth(np.arange(36)) + rng.normal(0, 3, 36)
    shocked = history.copy()
    shocked[-SETTINGS.backtest_months :] *= 3  # only the held-out months differ
    plain = forecast_series(history, FIRST, 12, SETTINGS)
    other = forecast_series(shocked, FIRST, 12, SETTINGS)
    # Both backtests fit the same training months: the model's forecast of the held-out
    # months, or the mean of the last six training months (whichever scored better there).
    model = forecast_series(history[:-6], FIRST, 6, SETTINGS).mean
    mean = (float(np.mean(history[-18:-6])),) * 6
    assert plain.backtest_method == "ets_seasonal"
    assert plain.backtest_forecast == pytest.approx(model)
    assert other.backtest_forecast in (pytest.approx(model), pytest.approx(mean))
    assert plain.backtest_months == 6
    expected = mase(
        history[-6:], np.clip(np.asarray(plain.backtest_forecast), 0, None), history[:-6]
    )
    assert plain.mase == pytest.approx(expected)
    assert other.mase is not None
    assert plain.mase is not None
    assert other.mase > 10 * plain.mase


def test_short_series_use_a_trend_model_or_the_stated_fallback() -> None:
    rng = np.random.default_rng(3)
    series = 100 + 3.0 * np.arange(18) + rng.normal(0, 3, 18)
    assert forecast_series(series, FIRST, 12, SETTINGS).method == "ets_trend"
    short = np.asarray([10.0, 12, 11, 9, 13, 10, 12, 11])
    fallback = forecast_series(short, FIRST, 3, SETTINGS)
    assert fallback.method == "mean_fallback"
    assert fallback.mean == pytest.approx((np.mean(short[-6:]),) * 3)
    assert all(
        lo < m < hi
        for lo, m, hi in zip(fallback.lower80, fallback.mean, fallback.upper80, strict=True)
    )


def test_sparse_series_are_not_fitted() -> None:
    sparse = np.zeros(36)
    sparse[::5] = 2.0
    assert choose_method(sparse, SETTINGS) == "mean_fallback"
    forecast = forecast_series(sparse, FIRST, 12, SETTINGS)
    assert min(forecast.lower95) >= 0  # demand never forecast below zero


def test_a_model_that_forecast_the_held_out_months_worse_than_the_mean_is_not_used() -> None:
    """A flat, noisy series with one odd stretch: the seasonal model repeats it, the mean of
    the last twelve months forecast the held-out months better."""
    rng = np.random.default_rng(5)
    series = rng.poisson(40, 36).astype(float)
    series[12:20] += 35  # an odd stretch a year and a half ago
    forecast = forecast_series(series, FIRST, 12, SETTINGS)
    assert choose_method(series, SETTINGS) == "ets_seasonal"
    assert forecast.method == "mean_by_backtest"
    assert forecast.mean == pytest.approx((np.mean(series[-12:]),) * 12)
    assert forecast.backtest_method == "mean_fallback"
    assert forecast.mase == pytest.approx(
        mase(series[-6:], np.full(6, np.mean(series[-18:-6])), series[:-6])
    )
