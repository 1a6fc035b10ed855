"""Logging in to the app (AppTest on the tiny round): no round data before a login, the same
words for a wrong password and an unknown user, the pages of the role only, logout and the
idle timeout."""

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from matcher.data.db.engine import make_engine
from matcher.data.db.schema import account_log
from matcher.services.access import Role
from matcher.services.accounts import add_account
from tests.actors import ADMIN
from tests.app.test_pages import database
from tests.paths import APP, TINY

PASSWORD = "a long enough password"


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    url = database(tmp_path, TINY)
    add_account(url, ADMIN, "carla", PASSWORD, Role.CAPACITY_MANAGER)
    monkeypatch.setenv("MATCHER_DB", url)
    started = AppTest.from_file(APP, default_timeout=120)
    started.run()
    assert not started.exception, [e.value for e in started.exception]
    return started


def log_in(app: AppTest, username: str, password: str) -> None:
    user, secret = app.text_input
    user.input(username)
    secret.input(password)
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]


def shows_round_data(app: AppTest) -> bool:
    return bool(app.metric or app.dataframe or app.get("arrow_data_frame"))


def test_without_a_login_no_page_shows_round_data(app: AppTest) -> None:
    assert app.title[0].value == "Log in to matcher"
    assert not shows_round_data(app)
    for page in ("overview", "matching", "provider", "capacity", "history", "data"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert app.title[0].value == "Log in to matcher", page
        assert not shows_round_data(app), page


def test_a_wrong_password_and_an_unknown_user_get_the_same_words(app: AppTest) -> None:
    log_in(app, "carla", "not it")
    wrong = [e.value for e in app.error]
    log_in(app, "nobody", PASSWORD)
    unknown = [e.value for e in app.error]
    assert wrong == unknown == ["The user name or the password is not right."]
    assert not shows_round_data(app)


def test_a_login_opens_the_pages_of_the_role_only(app: AppTest) -> None:
    log_in(app, "carla", PASSWORD)
    assert app.title[0].value == "Round overview"
    assert any("Logged in as **carla**" in c.value for c in app.sidebar.caption)
    for page in ("matching", "case", "data", "history", "provider", "accounts"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(f"app_pages/{page}.py")  # not a capacity manager's page
    app.switch_page("app_pages/capacity.py").run()
    assert app.title[0].value == "Capacity"


def test_logout_ends_the_session_and_both_are_logged(app: AppTest, tmp_path: Path) -> None:
    log_in(app, "carla", PASSWORD)
    app.session_state["kept"] = "a table of this session"
    next(b for b in app.sidebar.button if b.label == "Log out").click().run()
    assert app.title[0].value == "Log in to matcher"
    assert "kept" not in app.session_state
    engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite'}")
    with engine.connect() as connection:
        actions = list(connection.execute(select(account_log.c.action)).scalars())
    engine.dispose()
    assert actions == ["add", "login", "logout"]


def test_an_idle_session_is_logged_out(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    log_in(app, "carla", PASSWORD)
    assert app.title[0].value == "Round overview"
    monkeypatch.setenv("MATCHER_SESSION_MINUTES", "0.001")  # 60 ms
    time.sleep(0.1)
    app.run()
    assert app.title[0].value == "Log in to matcher"
    assert any("without activity" in i.value for i in app.info)
    assert not shows_round_data(app)
