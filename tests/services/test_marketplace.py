"""The provider side of the marketplace on SQLite and PostgreSQL: bids within the band while
the round is open, refused in plain words otherwise; capacity declarations with an intake
stop; the phase set by a regisseur; a bid racing the close is either in or out."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from matcher.data.db.awarding import AwardLine, write_awards
from matcher.data.db.schema import market_log, round_tables
from matcher.data.reader import read_round
from matcher.services.access import AccessDeniedError, Role
from matcher.services.accounts import add_account, log_in
from matcher.services.marketplace import (
    MarketRefusedError,
    declare_capacity,
    new_awards,
    place_bid,
    portal_log,
    round_phase,
    set_round_phase,
    withdraw_bid,
)
from matcher.services.rounds import import_round, stored_round
from tests.actors import ADMIN, ANNA, CAPACITY, STEWARD, provider
from tests.paths import TINY

# The tiny round: R001 and R002 are 02A01 (band 56 to 85) from 2026-12-01; P001 is certified
# for it until 2026-12-31, P003 is not. R005 (45A48, from 2027-01-04) is beyond P001's
# certificate. P001 bid 64.50 on R001 already.
P001, P003 = provider("P001"), provider("P003")


@pytest.fixture
def url(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    import_round(TINY, url, actor=STEWARD)
    return url


def bids_of(url: str, provider_id: str) -> dict[str, Decimal]:
    stored = stored_round(url)
    assert stored is not None
    return {b.request_id: b.tariff for b in stored.bids if b.provider_id == provider_id}


def test_a_bid_within_the_band_is_placed_changed_and_withdrawn(url: str) -> None:
    assert place_bid(url, P001, "R002", "70", "4") is True  # P001 had bid 66 on R002
    assert bids_of(url, "P001")["R002"] == Decimal("70.00")
    assert place_bid(url, P001, "R002", "56") is True  # a second change
    withdraw_bid(url, P001, "R002")
    assert "R002" not in bids_of(url, "P001")
    assert place_bid(url, P001, "R002", "85,00") is False  # new again; the band is inclusive
    actions = [(r["action"], r["who"]) for r in portal_log(url, P001)]
    assert actions[-1] == ("bid", "provider-P001")
    assert [a for a, _ in actions] == ["bid", "withdraw", "bid", "bid"]
    assert read_round(TINY).round.bids != stored_round(url).bids  # type: ignore[union-attr]


def test_a_bid_outside_the_band_is_refused_with_the_band(url: str) -> None:
    with pytest.raises(MarketRefusedError, match=r"outside the band € 56.00 to € 85.00"):
        place_bid(url, P001, "R002", "90")
    with pytest.raises(MarketRefusedError, match="outside the band"):
        place_bid(url, P001, "R002", "55.99")
    assert bids_of(url, "P001")["R002"] == Decimal("66")  # the earlier bid stands


def test_a_bid_without_a_certificate_on_the_start_date_is_refused(url: str) -> None:
    with pytest.raises(MarketRefusedError, match="not certified for intervention 02A01"):
        place_bid(url, P003, "R001", "60")
    with pytest.raises(MarketRefusedError, match="on the start date 2027-01-04"):
        place_bid(url, P001, "R005", "60")  # P001's 45A48 certificate ends 2026-12-31
    with pytest.raises(MarketRefusedError, match="there is no open request"):
        place_bid(url, P001, "R999", "60")
    with pytest.raises(MarketRefusedError, match="must be a number"):
        place_bid(url, P001, "R001", "sixty")
    assert portal_log(url, P003) == []


def test_bids_and_capacity_change_only_while_the_round_is_open(url: str) -> None:
    assert round_phase(url) == "open"
    with pytest.raises(AccessDeniedError):
        set_round_phase(url, P001, "closed")  # a provider cannot close the round
    assert set_round_phase(url, ANNA, "closed") == "open"
    for change in (
        lambda: place_bid(url, P001, "R002", "70"),
        lambda: withdraw_bid(url, P001, "R001"),
        lambda: declare_capacity(url, P001, "02A01", "0"),
    ):
        with pytest.raises(MarketRefusedError, match="the round is closed"):
            change()
    with pytest.raises(MarketRefusedError, match="it can move to open or matched, not awarded"):
        set_round_phase(url, ANNA, "awarded")
    set_round_phase(url, ANNA, "matched")
    set_round_phase(url, ANNA, "awarded")
    assert round_phase(url) == "awarded"
    import_round(TINY, url, actor=STEWARD, replace=True)  # a new round is open for bids
    assert round_phase(url) == "open"


def test_capacity_is_declared_with_an_intake_stop_and_never_negative(url: str) -> None:
    declare_capacity(url, P001, "02A01", "0")
    declare_capacity(url, P001, "*", "35")
    with pytest.raises(MarketRefusedError, match="0 \\(an intake stop\\) or more"):
        declare_capacity(url, P001, "02A01", "-1")
    with pytest.raises(MarketRefusedError, match="no intervention 99X99"):
        declare_capacity(url, P001, "99X99", "3")
    stored = stored_round(url)
    assert stored is not None
    rooms = {(c.provider_id, c.intervention_id): c.capacity_units for c in stored.capacity}
    assert rooms[("P001", "02A01")] == 0
    assert rooms[("P001", "*")] == 35
    assert [r["detail"] for r in portal_log(url, P001)] == ["*: 35.00", "02A01: 0.00"]


def test_only_the_provider_itself_bids(url: str) -> None:
    for actor in (ANNA, CAPACITY, STEWARD):
        with pytest.raises(AccessDeniedError, match="may not use the provider portal"):
            place_bid(url, actor, "R001", "60")
        with pytest.raises(AccessDeniedError):
            declare_capacity(url, actor, "02A01", "1")
        with pytest.raises(AccessDeniedError):
            new_awards(url, actor)


def test_a_bid_racing_the_close_is_either_in_or_out(url: str, engine: Engine) -> None:
    outcomes: dict[str, bool] = {}
    start = threading.Barrier(9)

    def bid(k: int) -> None:
        start.wait()
        try:
            place_bid(url, P001, "R002", f"{60 + k}")
            outcomes[f"{60 + k}"] = True
        except MarketRefusedError:
            outcomes[f"{60 + k}"] = False

    def close() -> None:
        start.wait()
        set_round_phase(url, ANNA, "closed")

    threads = [threading.Thread(target=bid, args=(k,)) for k in range(8)]
    threads.append(threading.Thread(target=close))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as connection:
        log = connection.execute(
            select(market_log.c.action, market_log.c.detail).order_by(market_log.c.log_id)
        ).all()
        bids = round_tables["bids"]
        stored = connection.execute(
            select(bids.c.tariff).where(
                (bids.c.request_id == "R002") & (bids.c.provider_id == "P001")
            )
        ).scalar_one()
    closed_at = [a for a, _ in log].index("phase")
    placed_before = [d for a, d in log[:closed_at] if a == "bid"]
    assert [a for a, _ in log[closed_at + 1 :]] == []  # nothing written after the close
    assert sorted(placed_before) == sorted(f"tariff {t}.00" for t, ok in outcomes.items() if ok)
    last = placed_before[-1] if placed_before else "tariff 66.00"  # else the imported bid
    assert f"tariff {Decimal(stored):.2f}" == last


def test_the_portal_notices_awards_made_since_the_last_login(url: str, engine: Engine) -> None:
    add_account(url, ADMIN, "duinrand", "a long enough password", Role.PROVIDER, provider_id="P003")
    me = log_in(url, "duinrand", "a long enough password")
    assert new_awards(url, me).request_ids == ()
    line = AwardLine("R004", "P003", Decimal("3100"), Decimal("1"))
    write_awards(engine, [line], on=date(2026, 11, 24), who="anna", why="crisis bed")
    assert new_awards(url, me).request_ids == ("R004",)
    again = log_in(url, "duinrand", "a long enough password")
    assert new_awards(url, again).request_ids == ("R004",)  # made after the previous login
    third = log_in(url, "duinrand", "a long enough password")
    assert new_awards(url, third).request_ids == ()  # the session before showed it
