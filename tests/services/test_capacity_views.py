"""The capacity tables the app draws, checked against the report they reshape and by hand."""

import pytest

from matcher.capacity.report import CapacityReport
from matcher.data.reader import read_round
from matcher.domain import Round
from matcher.services import capacity_views as views
from matcher.services.capacity import capacity_report
from tests.actors import CAPACITY
from tests.paths import TINY

Tiny = tuple[Round, CapacityReport]


@pytest.fixture(scope="module")
def tiny() -> Tiny:
    round_ = read_round(TINY).round
    return round_, capacity_report(round_, actor=CAPACITY)


def test_utilisation_is_load_over_supply_and_shortfall_the_excess(tiny: Tiny) -> None:
    _, report = tiny
    table = views.utilisation(report)
    assert len(table) == len(report.projections) * report.settings.horizon_months
    for (iid, area), projection in report.projections.items():
        rows = table[(table["intervention"] == iid) & (table["area"] == area)]
        supply = report.supply.by_area.get((iid, area), (0.0,) * len(rows))
        for k, row in enumerate(rows.itertuples()):
            load = projection.load_upper80[k]
            if supply[k] > 0:
                assert row.utilisation == pytest.approx(load / supply[k], abs=1e-3)
            assert row.shortfall == pytest.approx(max(load - supply[k], 0.0), abs=0.05)


def test_concentration_by_hand(tiny: Tiny) -> None:
    round_, report = tiny
    table = views.concentration(report, round_).set_index("intervention")
    # running awards on 2026-11-23: A001 P001 02A01 6 units; A002 P003 45A48 3 units
    assert table.loc["02A01", "largest provider"] == "P001"
    assert table.loc["02A01", "HHI (%)"] == 100.0
    assert table.loc["45A48", "largest share (%)"] == 100.0


def test_expiring_certificates_by_hand(tiny: Tiny) -> None:
    round_, report = tiny
    table = views.expiring_certificates(round_, report)
    # P001's certificates for 02A01 and 45A48 end 2026-12-31, within the 12-month horizon
    assert set(zip(table["provider"], table["intervention"], strict=True)) >= {
        ("P001", "02A01"), ("P001", "45A48"),
    }  # fmt: skip
    assert not table["renewed"].any()


def test_signals_are_ranked_by_clients_affected(tiny: Tiny) -> None:
    round_, report = tiny
    table = views.signals(report, round_)
    assert len(table) == len(report.signals)
    assert list(table["clients"]) == sorted(table["clients"], reverse=True)
    lines = views.summary(report, round_)
    assert set(zip(lines["intervention"], lines["area"], strict=True)) == set(
        zip(table["intervention"], table["area"], strict=True)
    )


def test_waits_put_the_simulation_beside_the_formula(tiny: Tiny) -> None:
    round_, report = tiny
    iid = next(iter(report.forecasts))
    table = views.waits(report, round_, iid).set_index("figure")
    sim = table["simulated"]
    assert sim["median wait"] <= sim["80th percentile"] <= sim["95th percentile"]
    assert "places" in views.queue_caption(report, round_, iid)


def test_forecast_has_history_then_intervals(tiny: Tiny) -> None:
    _, report = tiny
    iid = next(iter(report.forecasts))
    frame = views.forecast(report, iid)
    future = frame.dropna(subset=["forecast"])
    assert len(future) == report.forecasts[iid].horizon
    assert (future["lower95"] <= future["lower80"] + 1e-9).all()
    assert (future["upper80"] <= future["upper95"] + 1e-9).all()
