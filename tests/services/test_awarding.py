"""Awards: all or none, logged with who and why, and never beyond a provider's capacity or a
team's budget, also when several sessions award at the same moment (SQLite and PostgreSQL)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from matcher.data.db.awarding import AwardLine, AwardRefusedError, write_awards
from matcher.data.db.engine import make_engine
from matcher.data.db.migrate import upgrade
from matcher.data.db.schema import award_log, round_tables
from matcher.data.db.store import load_round, save_round
from matcher.domain import Award, Round
from tests.matching.builders import DAY, bid, budget, capacity, make_round, provider, request

SESSIONS = 8


def stored(url: str, round_: Round) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        save_round(engine, round_, source="test")
    finally:
        engine.dispose()


def award(url: str, *lines: AwardLine, who: str = "anna", why: str = "test") -> None:
    engine = make_engine(url)
    try:
        write_awards(engine, lines, on=DAY, who=who, why=why)
    finally:
        engine.dispose()


def line(rid: str, pid: str = "P1", units: str = "4", tariff: str = "60") -> AwardLine:
    return AwardLine(rid, pid, Decimal(tariff), Decimal(units))


def awards_of(url: str) -> tuple[Award, ...]:
    engine = make_engine(url)
    try:
        return load_round(engine).awards or ()
    finally:
        engine.dispose()


def one_provider(n_requests: int, capacity_units: str = "10") -> Round:
    """P1 can take 10 units a week; every request needs 4: two fit, a third does not."""
    requests = [request(f"R{k}") for k in range(n_requests)]
    return make_round(
        [provider("P1")],
        requests,
        [bid(r.request_id, "P1", "60") for r in requests],
        [capacity("P1", capacity_units)],
    )


def test_an_award_is_written_and_logged_with_who_and_why(db_url: str) -> None:
    stored(db_url, one_provider(2))
    award(db_url, line("R0"), who="anna", why="client agreed")

    (written,) = awards_of(db_url)
    assert (written.request_id, written.provider_id, written.units) == ("R0", "P1", Decimal(4))
    assert written.awarded_on == DAY
    engine = make_engine(db_url)
    with engine.connect() as connection:
        log = connection.execute(select(award_log)).mappings().one()
    engine.dispose()
    assert (log["request_id"], log["who"], log["why"]) == ("R0", "anna", "client agreed")


def test_an_award_beyond_capacity_is_refused_whole(db_url: str) -> None:
    stored(db_url, one_provider(3))
    with pytest.raises(AwardRefusedError, match="P1 has 10 units a week free"):
        award(db_url, line("R0"), line("R1"), line("R2"))
    assert awards_of(db_url) == ()


def test_running_awards_count_and_ended_ones_do_not(db_url: str) -> None:
    ended = Award(
        request_id="OLD1", provider_id="P1", intervention_id="H1", tariff=Decimal(60),
        units=Decimal(8), awarded_on=date(2024, 1, 1), ends_on=date(2025, 2, 1),
    )  # fmt: skip
    running = ended.model_copy(update={"request_id": "OLD2", "units": Decimal(4), "ends_on": None})
    round_ = one_provider(2).model_copy(update={"awards": (ended, running)})
    stored(db_url, round_)
    award(db_url, line("R0"))  # 4 running + 4 = 8 <= 10
    with pytest.raises(AwardRefusedError, match="2 units a week free"):
        award(db_url, line("R1"))


def test_a_request_is_awarded_once(db_url: str) -> None:
    stored(db_url, one_provider(2, capacity_units="100"))
    award(db_url, line("R0"))
    with pytest.raises(AwardRefusedError, match="R0 is awarded already"):
        award(db_url, line("R0"))
    with pytest.raises(AwardRefusedError, match="not in the stored round"):
        award(db_url, line("NOPE"))


def test_a_provider_without_capacity_row_is_refused(db_url: str) -> None:
    round_ = one_provider(1).model_copy(update={"capacity": ()})
    stored(db_url, round_)
    with pytest.raises(AwardRefusedError, match="P1 has no capacity for H1"):
        award(db_url, line("R0"))


def test_the_award_takes_its_weekly_cost_off_the_team_budget(db_url: str) -> None:
    round_ = one_provider(2, capacity_units="100").model_copy(update={"budgets": (budget("400"),)})
    stored(db_url, round_)
    award(db_url, line("R0"))  # 4 h x EUR 60 = EUR 240
    engine = make_engine(db_url)
    with engine.connect() as connection:
        left = connection.execute(select(round_tables["budgets"].c.amount)).scalar_one()
    engine.dispose()
    assert Decimal(left) == Decimal(160)
    with pytest.raises(AwardRefusedError, match=r"EUR 160\.00 left"):
        award(db_url, line("R1"))
    assert [a.request_id for a in awards_of(db_url)] == ["R0"]


def test_a_round_without_awards_file_keeps_its_new_awards(db_url: str) -> None:
    stored(db_url, one_provider(1))  # awards=None: the round had no awards.csv
    award(db_url, line("R0"))
    assert [a.request_id for a in awards_of(db_url)] == ["R0"]


def test_concurrent_sessions_never_over_book_a_provider(db_url: str) -> None:
    """Eight sessions award a different request each to P1 at the same moment; P1 has room
    for two. Exactly two succeed, whatever the interleaving."""
    stored(db_url, one_provider(SESSIONS))
    start = threading.Barrier(SESSIONS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def session(k: int) -> None:
        engine = make_engine(db_url)
        try:
            start.wait()
            write_awards(engine, [line(f"R{k}")], on=DAY, who=f"session {k}", why="race")
            result = "awarded"
        except AwardRefusedError:
            result = "refused"
        finally:
            engine.dispose()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["awarded"] * 2 + ["refused"] * (SESSIONS - 2)
    written = awards_of(db_url)
    assert sum(a.units for a in written) <= Decimal(10)
    assert len(written) == 2


def test_concurrent_sessions_on_the_same_request_award_it_once(db_url: str) -> None:
    """Two providers, one request: both sessions try at once, one wins."""
    round_ = make_round(
        [provider("P1"), provider("P2")],
        [request("R0")],
        [bid("R0", "P1", "60"), bid("R0", "P2", "60")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )
    stored(db_url, round_)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def session(pid: str) -> None:
        engine = make_engine(db_url)
        try:
            start.wait()
            write_awards(engine, [line("R0", pid)], on=DAY, who=pid, why="race")
            outcomes.append("awarded")
        except AwardRefusedError:
            outcomes.append("refused")
        finally:
            engine.dispose()

    threads = [threading.Thread(target=session, args=(p,)) for p in ("P1", "P2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["awarded", "refused"]
    assert len(awards_of(db_url)) == 1
