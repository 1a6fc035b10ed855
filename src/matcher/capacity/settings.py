"""Typed settings of the capacity analysis: horizons, norms and thresholds, with defaults.

Every threshold a signal uses lives here under the name models/capacity.md gives it, so a
municipality can change its norms in one place (``CapacitySettings(**toml_table)``).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.domain import Law

Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


def _default_norms() -> dict[Law, float]:
    return {Law.WMO: 2.0, Law.JEUGDWET: 6.0, Law.PARTICIPATIEWET: 8.0}


class CapacitySettings(BaseModel):
    """Horizons, norms and thresholds of the capacity signals."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    horizon_months: Annotated[int, Field(ge=1, le=36)] = Field(
        default=12, description="Months forecast ahead, starting with the round's month."
    )
    backtest_months: Annotated[int, Field(ge=1, le=24)] = Field(
        default=6, description="Last full months held out to measure forecast accuracy (MASE)."
    )
    seasonal_min_months: Annotated[int, Field(ge=24)] = Field(
        default=24, description="Months of history needed before a yearly season is fitted."
    )
    trend_min_months: Annotated[int, Field(ge=6)] = Field(
        default=12, description="Months of history needed for a trend-only model."
    )
    sparse_zero_share: Share = Field(
        default=0.25, description="A series with more empty months than this uses the fallback."
    )
    fallback_months: Annotated[int, Field(ge=1, le=24)] = Field(
        default=6, description="The fallback forecast is the mean of this many last months."
    )
    default_duration_months: Positive = Field(
        default=12.0, description="Expected duration of care when the history cannot tell."
    )
    reach_km: Positive = Field(
        default=25.0,
        description="A provider serves municipalities within this distance (the policy's "
        "max_distance_km when it has one).",
    )
    wait_norm_weeks: dict[Law, Positive] = Field(
        default_factory=_default_norms,
        description="Longest acceptable mean wait from request to start, per law.",
    )
    wait_window_months: Annotated[int, Field(ge=1, le=36)] = Field(
        default=12, description="Care started in this many months before the round counts."
    )
    wait_min_cases: Annotated[int, Field(ge=1)] = Field(
        default=5, description="Fewer started cases than this give no waiting signal."
    )
    waiting_factor: Positive = Field(
        default=4.0, description="Target mean wait = norm / factor (NHS waiting-list model)."
    )
    shortage_tolerance: Share = Field(
        default=0.05,
        description="Expected steady load this share above certified capacity is still "
        "within the forecast's own error: no under_supply.",
    )
    over_supply_floor: Share = Field(
        default=0.5, description="Expected utilisation below this is over-supply."
    )
    hhi_threshold: Annotated[float, Field(ge=0, le=10000)] = Field(
        default=2500.0, description="Herfindahl-Hirschman index above this is concentrated."
    )
    share_threshold: Share = Field(
        default=0.4, description="One provider's share of awarded units above this is concentrated."
    )
    concentration_min_awards: Annotated[int, Field(ge=1)] = Field(
        default=10, description="Fewer running awards than this give no concentration signal."
    )
    tbtf_share: Share = Field(
        default=0.3,
        description="Providers with at least this share of an intervention's awarded units "
        "are re-matched away (too_big_to_fail).",
    )
    tbtf_max_providers: Annotated[int, Field(ge=0, le=50)] = Field(
        default=3, description="Only this many of the largest such providers, to stay cheap."
    )
    tbtf_time_limit_seconds: Positive = Field(
        default=1.0, description="Time limit (seconds) of each re-match."
    )
    tbtf_solver: Literal["auto", "cp-sat", "highs", "scip", "cbc"] = Field(
        default="auto",
        description="Solver of the re-matches; auto is the round policy's solver.",
    )
    expiry_min_share: Share = Field(
        default=0.1,
        description="Capacity at risk in the longest window, as a share of the certified "
        "capacity, from which certification_expiry fires.",
    )
    expiry_windows_months: tuple[Annotated[int, Field(ge=1, le=36)], ...] = Field(
        default=(3, 6, 12), description="Windows in which expiring capacity is counted."
    )

    def norm_for(self, law: Law) -> float:
        """The wait norm of a law; a law left out of wait_norm_weeks gets the loosest norm."""
        return self.wait_norm_weeks.get(law, max(self.wait_norm_weeks.values(), default=6.0))
