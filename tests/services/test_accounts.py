"""Local accounts on SQLite and PostgreSQL: argon2 hashes only, the same answer for a wrong
password and an unknown user, repeated failures locked out (stored, so across sessions)."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from matcher.cli.main import app
from matcher.data.db.audit import utc_now
from matcher.data.db.schema import account_log, login_failures, users
from matcher.data.db.users import UserExistsError
from matcher.services.access import AccessDeniedError, Actor, Role
from matcher.services.accounts import (
    LOCK_SECONDS,
    LOGIN_REFUSED,
    AccountError,
    LockedOutError,
    LoginRefusedError,
    accounts,
    add_account,
    disable,
    log_in,
    set_role,
    sso_log_in,
)
from matcher.services.demo_accounts import create_demo_accounts
from tests.actors import ADMIN, CAPACITY, regisseur
from tests.scenarios.rounds import small_round

PASSWORD = "correct horse battery"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_password_is_stored_only_as_its_argon2id_hash(engine: Engine) -> None:
    url = url_of(engine)
    add_account(url, ADMIN, "anna", PASSWORD, Role.REGISSEUR, teams=("T1",))
    with engine.connect() as connection:
        (stored,) = connection.execute(select(users.c.password_hash)).scalars()
        logged = connection.execute(select(account_log)).mappings().all()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert [row["action"] for row in logged] == ["add"]
    assert all(PASSWORD not in str(dict(row)) for row in logged)
    assert log_in(url, "anna", PASSWORD) == Actor("anna", Role.REGISSEUR, ("T1",))


def test_wrong_password_and_unknown_user_look_the_same(engine: Engine) -> None:
    url = url_of(engine)
    add_account(url, ADMIN, "anna", PASSWORD, Role.CAPACITY_MANAGER)
    with pytest.raises(LoginRefusedError) as wrong:
        log_in(url, "anna", "not the password")
    with pytest.raises(LoginRefusedError) as unknown:
        log_in(url, "nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == LOGIN_REFUSED
    assert PASSWORD not in str(unknown.value)


def test_repeated_failures_lock_the_name_for_a_growing_window(engine: Engine) -> None:
    url = url_of(engine)
    add_account(url, ADMIN, "anna", PASSWORD, Role.CAPACITY_MANAGER)
    first_lock = next(n for n, seconds in enumerate(LOCK_SECONDS) if seconds > 0)
    for _ in range(first_lock - 1):
        with pytest.raises(LoginRefusedError) as caught:
            log_in(url, "anna", "guess")
        assert not isinstance(caught.value, LockedOutError)
    with pytest.raises(LockedOutError) as locked:
        log_in(url, "anna", "guess")
    assert locked.value.seconds <= LOCK_SECONDS[first_lock] + 1
    with pytest.raises(LockedOutError):  # even the right password waits: stored, not per session
        log_in(url, "anna", PASSWORD)
    for _ in range(first_lock):  # an unknown name is locked the same way
        with pytest.raises(LoginRefusedError):
            log_in(url, "nobody", "guess")
    with pytest.raises(LockedOutError):
        log_in(url, "nobody", "guess")
    with engine.begin() as connection:  # the window passes
        connection.execute(update(login_failures).values(locked_until=utc_now() - timedelta(1)))
    assert log_in(url, "anna", PASSWORD).username == "anna"
    with engine.connect() as connection:
        names = set(connection.execute(select(login_failures.c.username)).scalars())
    assert names == {"nobody"}  # the success forgot anna's failures


def test_a_disabled_account_cannot_log_in_and_says_nothing_more(engine: Engine) -> None:
    url = url_of(engine)
    add_account(url, ADMIN, "anna", PASSWORD, Role.DATA_STEWARD)
    disable(url, ADMIN, "anna")
    with pytest.raises(LoginRefusedError, match=LOGIN_REFUSED):
        log_in(url, "anna", PASSWORD)
    assert [a.active for a in accounts(url, ADMIN)] == [False]


def test_roles_carry_their_teams_or_provider(engine: Engine) -> None:
    url = url_of(engine)
    with pytest.raises(AccountError, match="needs at least one team"):
        add_account(url, ADMIN, "anna", PASSWORD, Role.REGISSEUR)
    with pytest.raises(AccountError, match="needs its provider_id"):
        add_account(url, ADMIN, "zorg", PASSWORD, Role.PROVIDER)
    with pytest.raises(AccountError, match="at least 12 characters"):
        add_account(url, ADMIN, "anna", "short", Role.DATA_STEWARD)
    add_account(url, ADMIN, "zorg", PASSWORD, Role.PROVIDER, provider_id="P1")
    with pytest.raises(UserExistsError):
        add_account(url, ADMIN, "zorg", PASSWORD, Role.PROVIDER, provider_id="P2")
    set_role(url, ADMIN, "zorg", Role.REGISSEUR, teams=("T1", "T2"))
    assert log_in(url, "zorg", PASSWORD) == Actor("zorg", Role.REGISSEUR, ("T1", "T2"))


def test_only_an_administrator_manages_accounts(engine: Engine) -> None:
    url = url_of(engine)
    for actor in (CAPACITY, regisseur("T1")):
        with pytest.raises(AccessDeniedError, match="may not manage accounts"):
            add_account(url, actor, "eve", PASSWORD, Role.ADMINISTRATOR)
        with pytest.raises(AccessDeniedError):
            accounts(url, actor)
    assert accounts(url, ADMIN) == []


def test_demo_accounts_are_marked_and_made_once(engine: Engine) -> None:
    url = url_of(engine)
    made = create_demo_accounts(url, small_round())
    assert {m.account.role for m in made} == set(Role)
    assert all(m.account.demo and m.account.username.startswith("demo-") for m in made)
    login = next(m for m in made if m.account.role is Role.REGISSEUR)
    assert log_in(url, login.account.username, login.password).teams == login.account.teams
    assert create_demo_accounts(url, small_round()) == []


def test_the_users_command_adds_lists_sets_roles_and_disables(engine: Engine) -> None:
    url = url_of(engine)
    runner = CliRunner()
    added = runner.invoke(
        app, ["users", "add", "anna", "--role", "regisseur", "--team", "T1", "--password-stdin",
              "--db", url], input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    refused = runner.invoke(app, ["users", "set-role", "anna", "--role", "regisseur", "--db", url])
    assert refused.exit_code == 1
    assert "needs at least one team" in refused.output
    moved = ["users", "set-role", "anna", "--role", "capacity_manager", "--db", url]
    assert runner.invoke(app, moved).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "anna", "--db", url]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--db", url])
    assert "anna" in listed.output
    assert "no" in listed.output
    with engine.connect() as connection:
        (who,) = set(connection.execute(select(account_log.c.who)).scalars())
        (role,) = connection.execute(select(users.c.role)).scalars()
    assert who.startswith("cli:")
    assert role == "capacity_manager"


def test_single_sign_on_needs_an_account_and_takes_the_role_from_the_claim(
    engine: Engine,
) -> None:
    url = url_of(engine)
    add_account(url, ADMIN, "anna@haarlem.nl", PASSWORD, Role.REGISSEUR, teams=("T1",))
    claims: dict[str, object] = {"preferred_username": "anna@haarlem.nl"}
    assert sso_log_in(url, claims) == Actor("anna@haarlem.nl", Role.REGISSEUR, ("T1",))
    claimed = sso_log_in(url, {**claims, "roles": ["capacity_manager", "Other.App.Role"]})
    assert claimed == Actor("anna@haarlem.nl", Role.CAPACITY_MANAGER)  # no teams then
    both = sso_log_in(url, {**claims, "roles": ["capacity_manager", "administrator"]})
    assert both.role is Role.REGISSEUR  # two matcher roles claimed: the table decides
    with pytest.raises(LoginRefusedError, match="not known to matcher"):
        sso_log_in(url, {"preferred_username": "eve@example.org", "roles": ["administrator"]})
    disable(url, ADMIN, "anna@haarlem.nl")
    with pytest.raises(LoginRefusedError, match="not known to matcher"):
        sso_log_in(url, claims)
    with pytest.raises(LoginRefusedError, match="no user name"):
        sso_log_in(url, {"sub": "123"})
