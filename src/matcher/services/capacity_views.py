"""The capacity analysis as tables for the app's Capacity page (no Streamlit here).

Only reshaping: every figure comes from ``matcher.capacity`` (CapacityReport); this module
lays it out per intervention × area × month, the way the page draws it.
"""

from collections import defaultdict
from datetime import timedelta

import pandas as pd

from matcher.capacity.impact import rank, summary_lines
from matcher.capacity.local import judged_places_of
from matcher.capacity.months import first_day, label
from matcher.capacity.report import CapacityReport
from matcher.capacity.shortage import shortage_of
from matcher.capacity.simulation import (
    queue_case,
    simulate,
    steady_mean_wait,
    steady_wait_quantile,
)
from matcher.domain import Round
from matcher.services.catalogue import in_words, mase_words, words


def utilisation(report: CapacityReport) -> pd.DataFrame:
    """Per intervention × area × month: load (upper 80%), certified supply, utilisation
    (load / supply) and shortfall (load above supply, 0 when there is room)."""
    rows = []
    for (iid, area), projection in report.projections.items():
        supply = report.supply.by_area.get((iid, area))
        for k, load in enumerate(projection.load_upper80):
            have = supply[k] if supply is not None and k < len(supply) else 0.0
            rows.append(
                {
                    "intervention": iid,
                    "area": area,
                    "month": label(projection.first_month + k),
                    "load": round(load, 1),
                    "supply": round(have, 1),
                    "utilisation": round(load / have, 3) if have > 0 else None,
                    "shortfall": round(max(load - have, 0.0), 1),
                }
            )
    columns = ["intervention", "area", "month", "load", "supply", "utilisation", "shortfall"]
    return pd.DataFrame(rows, columns=columns)


def forecast(report: CapacityReport, intervention_id: str) -> pd.DataFrame:
    """Regional intake (weekly units received per month): the history, then the forecast
    with its 80% and 95% intervals."""
    rows = [
        {"month": first_day(m), "history": value}
        for m, value in zip(
            report.intake.months, report.intake.region(intervention_id), strict=False
        )
    ]
    found = report.forecasts.get(intervention_id)
    if found is not None:
        for k in range(found.horizon):
            rows.append(
                {
                    "month": first_day(found.first_month + k),
                    "forecast": found.mean[k],
                    "lower80": found.lower80[k],
                    "upper80": found.upper80[k],
                    "lower95": found.lower95[k],
                    "upper95": found.upper95[k],
                }
            )
    columns = ["month", "history", "forecast", "lower80", "upper80", "lower95", "upper95"]
    return pd.DataFrame(rows, columns=columns)


def forecast_quality(report: CapacityReport, intervention_id: str) -> str:
    """The method and its backtest error, in words."""
    found = report.forecasts.get(intervention_id)
    if found is None:
        return "no forecast: the intervention has no intake history"
    over = f" over the last {found.backtest_months} months" if found.mase is not None else ""
    return f"Forecast: {words('method', found.method)}; {mase_words(found.mase)}{over}"


def signals(report: CapacityReport, round_: Round) -> pd.DataFrame:
    """Every signal, largest impact first (clients, euros, weeks), with its action."""
    rows = [
        {
            "clients": r.impact.clients,
            "EUR a week": round(r.impact.euros_per_week),
            "weeks": round(r.impact.weeks, 1),
            **r.signal.as_dict(),
        }
        for r in rank(report, round_)
    ]
    frame = pd.DataFrame(
        rows,
        columns=["clients", "EUR a week", "weeks", "severity", "type", "intervention_id", "area",
                 "month", "value", "threshold", "detail", "action"],
    )  # fmt: skip
    # shown as read: two decimals (`matcher capacity --json` keeps the full figures)
    frame["value"] = frame["value"].astype(float).round(2)
    frame["threshold"] = frame["threshold"].astype(float).round(2)
    names = {i.intervention_id: i.name for i in round_.interventions}
    frame.insert(4, "signal", [words("signal", t) for t in frame["type"]])
    frame.insert(7, "name", [names.get(i, "") for i in frame["intervention_id"]])
    return frame.rename(columns={"intervention_id": "intervention"})


def summary(report: CapacityReport, round_: Round) -> pd.DataFrame:
    """One line per intervention and area with a signal, the most clients first."""
    rows = [
        {"intervention": x.intervention_id, "area": x.area, "clients": x.clients,
         "EUR a week": round(x.euros_per_week), "weeks": round(x.weeks, 1),
         "summary": in_words("signal", x.text)}
        for x in summary_lines(rank(report, round_), round_)
    ]  # fmt: skip
    columns = ["intervention", "area", "clients", "EUR a week", "weeks", "summary"]
    return pd.DataFrame(rows, columns=columns)


def waits(report: CapacityReport, round_: Round, intervention_id: str) -> pd.DataFrame:
    """Waits from request to start (weeks) for the region's queue of the intervention: the
    simulation beside the steady-state formula (Erlang C) and the fluid clearance."""
    case = queue_case(report, round_, intervention_id)
    simulated = simulate(case, runs=5)
    places = judged_places_of(report.projections, report.supply, report.queues, 0.0).get(
        intervention_id
    )
    fluid = shortage_of(places[0]).clearance_weeks if places else float("nan")
    rows = [
        {"figure": "median wait", "simulated": simulated.median,
         "formula": steady_wait_quantile(case, 0.5)},
        {"figure": "80th percentile", "simulated": simulated.p80,
         "formula": steady_wait_quantile(case, 0.8)},
        {"figure": "95th percentile", "simulated": simulated.p95,
         "formula": steady_wait_quantile(case, 0.95)},
        {"figure": "mean wait", "simulated": simulated.mean, "formula": steady_mean_wait(case)},
        {"figure": "weeks to clear the backlog", "simulated": simulated.clear_weeks,
         "formula": fluid},
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["figure", "simulated", "formula"])
    return frame.round(1)


def queue_caption(report: CapacityReport, round_: Round, intervention_id: str) -> str:
    """The queue the waits table simulates, in words."""
    c = queue_case(report, round_, intervention_id)
    return (
        f"{c.places} places, {c.running} in care and {c.backlog} waiting now, "
        f"{c.arrivals_per_week:.1f} requests a week, {c.care_weeks:.0f} weeks of care on "
        f"average; formula: Erlang C (steady state) and the fluid clearance; "
        "never = the queue never clears"
    )


def concentration(report: CapacityReport, round_: Round) -> pd.DataFrame:
    """Per intervention: running care by provider, the largest share and the HHI (sum of
    squared shares) in percent: 100 = one provider holds everything."""
    units: dict[str, dict[str, float]] = defaultdict(dict)
    for (pid, iid), value in report.supply.committed.items():
        if value > 0:
            units[iid][pid] = value
    names = {i.intervention_id: i.name for i in round_.interventions}
    rows = []
    for iid, per_provider in sorted(units.items()):
        total = sum(per_provider.values())
        shares = {pid: v / total for pid, v in per_provider.items()}
        largest = max(shares, key=lambda pid: (shares[pid], pid))
        rows.append(
            {
                "intervention": iid,
                "name": names.get(iid, ""),
                "providers": len(shares),
                "largest provider": largest,
                "largest share (%)": round(100 * shares[largest], 1),
                "HHI (%)": round(100 * sum(s * s for s in shares.values()), 1),
                "running units a week": round(total, 1),
            }
        )
    columns = ["intervention", "name", "providers", "largest provider", "largest share (%)",
               "HHI (%)", "running units a week"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).sort_values("HHI (%)", ascending=False)


def expiring_certificates(round_: Round, report: CapacityReport) -> pd.DataFrame:
    """Certificates ending within the horizon, with the capacity that goes with them and
    whether a later certificate of the same provider and intervention takes over."""
    start = report.round_date
    end = first_day(report.supply.first_month + report.settings.horizon_months)
    rows = []
    for c in round_.certifications:
        if not start <= c.valid_to < end:
            continue
        renewed = any(
            o.provider_id == c.provider_id
            and o.intervention_id == c.intervention_id
            and o.valid_from <= c.valid_to + _DAY <= o.valid_to
            for o in round_.certifications
        )
        rows.append(
            {
                "provider": c.provider_id,
                "intervention": c.intervention_id,
                "valid to": c.valid_to,
                "capacity units a week": report.supply.capacity.get(
                    (c.provider_id, c.intervention_id), 0.0
                ),
                "renewed": renewed,
            }
        )
    columns = ["provider", "intervention", "valid to", "capacity units a week", "renewed"]
    return pd.DataFrame(rows, columns=columns).sort_values("valid to")


_DAY = timedelta(days=1)
