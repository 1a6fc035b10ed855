"""Forecast a monthly series with intervals, and measure the forecast on held-out months.

The model follows the length and density of the series (models/capacity.md, "forecast"):
``ets_seasonal`` (ETS with additive error, trend and a 12-month season) from
``seasonal_min_months`` months on, ``ets_trend`` (additive error and trend) from
``trend_min_months``, else ``mean_fallback``: the mean of the last ``fallback_months``
months, with intervals from the spread of that rule's one-step errors. Sparse series (many
empty months) always use the fallback: ETS on mostly zeros forecasts noise. Where ETS is
possible it must earn its place: when the mean of the last twelve months (a whole season)
forecast the held-out backtest months better (lower MASE), the forecast is that mean
(``mean_by_backtest``): on small, noisy series a trend and season fitted to one odd year
doubled the forecast, or took it to zero.
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from matcher.capacity.months import Month, first_day
from matcher.capacity.settings import CapacitySettings

FloatArray = npt.NDArray[np.float64]
Z80 = 1.2815515655446004
Z95 = 1.959963984540054
SEASON = 12
MEAN_BY_BACKTEST = "mean_by_backtest"  # ETS was possible; the year's mean forecast better


@dataclass(frozen=True)
class Forecast:
    """Point forecast and 80% / 95% intervals for ``horizon`` months from ``first_month``.

    ``mase`` is the backtest's mean absolute scaled error on the last ``backtest_months``
    full months, which the backtest model never saw (None when the series is too short).
    """

    method: str
    first_month: Month
    mean: tuple[float, ...]
    lower80: tuple[float, ...]
    upper80: tuple[float, ...]
    lower95: tuple[float, ...]
    upper95: tuple[float, ...]
    mase: float | None
    backtest_months: int
    backtest_method: str | None
    backtest_forecast: tuple[float, ...]

    @property
    def horizon(self) -> int:
        """Number of forecast months."""
        return len(self.mean)


@dataclass(frozen=True)
class _Fit:
    method: str
    mean: FloatArray
    bounds: dict[str, FloatArray]


def choose_method(values: FloatArray, settings: CapacitySettings) -> str:
    """The model the series' length and density support."""
    n = values.size
    if n == 0 or float(np.mean(values == 0)) > settings.sparse_zero_share:
        return "mean_fallback"
    if float(np.ptp(values)) == 0.0:
        return "mean_fallback"  # a constant series: nothing for ETS to estimate
    if n >= settings.seasonal_min_months:
        return "ets_seasonal"
    if n >= settings.trend_min_months:
        return "ets_trend"
    return "mean_fallback"


def forecast_series(
    values: Sequence[float] | FloatArray, first: Month, horizon: int, settings: CapacitySettings
) -> Forecast:
    """Forecast the months after the series (``first`` is the series' first month)."""
    y = np.asarray(values, dtype=np.float64)
    fit = _fit(y, first, horizon, settings)
    mase, back_method, back_forecast = _backtest(y, first, settings)
    if fit.method != "mean_fallback" and mase is not None:
        plain = _backtest(y, first, settings, model=False)
        if plain[0] is not None and plain[0] < mase:
            mean, bounds = _mean_fallback(y, horizon, SEASON)
            fit = _Fit(MEAN_BY_BACKTEST, mean, bounds)
            mase, back_method, back_forecast = plain
    return Forecast(
        method=fit.method,
        first_month=first + y.size,
        mean=_clip(fit.mean),
        lower80=_clip(fit.bounds["lower80"]),
        upper80=_clip(fit.bounds["upper80"]),
        lower95=_clip(fit.bounds["lower95"]),
        upper95=_clip(fit.bounds["upper95"]),
        mase=mase,
        backtest_months=settings.backtest_months if mase is not None else 0,
        backtest_method=back_method,
        backtest_forecast=tuple(back_forecast.tolist()),
    )


def mase(actual: FloatArray, predicted: FloatArray, train: FloatArray) -> float | None:
    """Mean absolute scaled error: the forecast's mean absolute error over that of the
    in-sample naive forecast (the same month a year earlier when the training series holds
    two years, else the previous month). None when the naive forecast is perfect."""
    lag = SEASON if train.size >= 2 * SEASON else 1
    if train.size <= lag:
        return None
    scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
    if scale == 0.0:
        return None
    return float(np.mean(np.abs(actual - predicted))) / scale


def _backtest(
    y: FloatArray, first: Month, settings: CapacitySettings, *, model: bool = True
) -> tuple[float | None, str | None, FloatArray]:
    """Fit on all but the last backtest_months and score the forecast of those months
    (``model=False``: the mean of the last twelve months instead of the chosen model)."""
    held = settings.backtest_months
    if y.size < held + 3:
        return None, None, np.zeros(0)
    train, test = y[:-held], y[-held:]
    if model:
        fit = _fit(train, first, held, settings)
    else:
        fit = _Fit("mean_fallback", *_mean_fallback(train, held, SEASON))
    return mase(test, np.clip(fit.mean, 0, None), train), fit.method, fit.mean


def _fit(y: FloatArray, first: Month, horizon: int, settings: CapacitySettings) -> _Fit:
    method = choose_method(y, settings)
    if method != "mean_fallback":
        fitted = _ets(y, first, horizon, seasonal=method == "ets_seasonal")
        if fitted is not None:
            return _Fit(method, *fitted)
    return _Fit("mean_fallback", *_mean_fallback(y, horizon, settings.fallback_months))


def _ets(
    y: FloatArray, first: Month, horizon: int, *, seasonal: bool
) -> tuple[FloatArray, dict[str, FloatArray]] | None:
    index = pd.date_range(first_day(first), periods=y.size, freq="MS")
    series = pd.Series(y, index=index)
    with warnings.catch_warnings():
        # Short, noisy monthly series often stop the optimiser early; the fit is still
        # usable and the backtest says how good it is.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            model = ETSModel(
                series,
                error="add",
                trend="add",
                seasonal="add" if seasonal else None,
                seasonal_periods=SEASON if seasonal else None,
                initialization_method="heuristic",
            )
            result = model.fit(disp=False)
            prediction = result.get_prediction(start=y.size, end=y.size + horizon - 1)
            frame80 = prediction.summary_frame(alpha=0.2)
            frame95 = prediction.summary_frame(alpha=0.05)
        except (ValueError, np.linalg.LinAlgError):
            return None
    mean = frame80["mean"].to_numpy(dtype=np.float64)
    bounds = {
        "lower80": frame80["pi_lower"].to_numpy(dtype=np.float64),
        "upper80": frame80["pi_upper"].to_numpy(dtype=np.float64),
        "lower95": frame95["pi_lower"].to_numpy(dtype=np.float64),
        "upper95": frame95["pi_upper"].to_numpy(dtype=np.float64),
    }
    if not all(np.all(np.isfinite(a)) for a in (mean, *bounds.values())):
        return None
    return mean, bounds


def _mean_fallback(
    y: FloatArray, horizon: int, window: int
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Mean of the last ``window`` months; the interval's spread is the standard deviation
    of this rule's one-step errors over the series (of the values when too short)."""
    if y.size == 0:
        zero = np.zeros(horizon)
        return zero, {k: zero for k in ("lower80", "upper80", "lower95", "upper95")}
    level = float(np.mean(y[-window:]))
    errors = [y[t] - np.mean(y[max(0, t - window) : t]) for t in range(1, y.size)]
    spread = float(np.std(errors, ddof=1)) if len(errors) >= 2 else float(np.std(y))
    spread = spread if math.isfinite(spread) else 0.0
    mean = np.full(horizon, level)
    return mean, {
        "lower80": mean - Z80 * spread,
        "upper80": mean + Z80 * spread,
        "lower95": mean - Z95 * spread,
        "upper95": mean + Z95 * spread,
    }


def _clip(values: FloatArray) -> tuple[float, ...]:
    """Demand is never negative: bounds below zero become zero."""
    return tuple(float(v) for v in np.clip(values, 0.0, None))
