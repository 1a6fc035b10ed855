"""The provider portal and the bidding round pages (AppTest on the tiny round): a bid within
the band is placed, one outside it refused with the band, none after the regisseur closes."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.services.rounds import stored_round
from tests.actors import ANNA, provider
from tests.app.test_pages import click, database, open_page
from tests.paths import TINY as TINY_DIR


def bid(app: AppTest, request_id: str, tariff: str) -> None:
    app.selectbox(key="portal_request").select(request_id).run()
    app.text_input(key="portal_tariff").input(tariff).run()
    click(app, "Place or change the bid")


def test_a_provider_bids_within_the_band_and_not_after_the_close(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY_DIR)
    app = open_page(monkeypatch, url, "provider", provider("P001"))
    assert any("the round is **open**" in c.value for c in app.caption)
    bid(app, "R002", "90")
    assert [e.value for e in app.error] == [
        "The bid was refused: the tariff € 90.00 lies outside the band € 56.00 to € 85.00 of "
        "intervention 02A01; bid within the band."
    ]
    bid(app, "R002", "71.50")
    assert any("Your bid on R002 is placed" in s.value for s in app.success)
    shown = app.dataframe[0].value.set_index("request")["your bid"]
    assert shown["R002"] == "€ 71.50"  # in euros on the page; no bid reads empty, not None
    assert all(v == "" or v.startswith("€ ") for v in shown), list(shown)
    stored = stored_round(url)
    assert stored is not None
    mine = {b.request_id: b.tariff for b in stored.bids if b.provider_id == "P001"}
    assert float(mine["R002"]) == 71.5

    regisseur = open_page(monkeypatch, url, "phase", ANNA)
    click(regisseur, "Close the bidding")
    assert regisseur.metric[0].value.startswith("Closed")

    app.run()
    bid(app, "R002", "60")
    assert [e.value for e in app.error] == [
        "The bid was refused: the round is closed: bids and capacity change only while it is open."
    ]
