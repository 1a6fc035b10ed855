"""`matcher users`: local accounts (add, list, disable, set-role) and the demo accounts.

The command line acts as an administrator for the operating-system user (see
services/access.command_line); passwords are asked for without echo, never taken as an
option (it would stay in the shell history), and never printed except a demo account's once.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from matcher.cli.console import err, out
from matcher.services.access import Role, command_line

users_app = typer.Typer(help="Accounts and roles (local logins).", no_args_is_help=True)

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: $MATCHER_DB).")]
RoleOption = Annotated[Role, typer.Option("--role", help="The account's role.")]
TeamOption = Annotated[
    list[str] | None, typer.Option("--team", help="A regisseur's team (repeat for more).")
]
ProviderOption = Annotated[
    str | None, typer.Option("--provider", help="A provider account's provider_id.")
]


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="The name to log in with.")],
    role: RoleOption,
    team: TeamOption = None,
    provider: ProviderOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add an account; the password is asked for twice without echo (or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    from matcher.services.accounts import add_account

    with _refusals("No account was added"):
        account = add_account(
            db, command_line(Role.ADMINISTRATOR), username, password, role,
            teams=tuple(team or ()), provider_id=provider,
        )  # fmt: skip
    out.print(f"Added {escape(account.username)} as {account.role.value}.")


@users_app.command("list")
def list_(db: DbOption = None) -> None:
    """Every account with its role, teams or provider, and whether it may log in."""
    from matcher.services.accounts import accounts

    with _refusals("Cannot list the accounts"):
        rows = accounts(db, command_line(Role.ADMINISTRATOR))
    table = Table("user", "role", "teams", "provider", "active", "demo")
    for a in rows:
        table.add_row(
            escape(a.username), a.role.value, ", ".join(a.teams), a.provider_id or "",
            "yes" if a.active else "no", "demo" if a.demo else "",
        )  # fmt: skip
    out.print(table)


@users_app.command("disable")
def disable_(username: str, db: DbOption = None) -> None:
    """Stop an account from logging in; its name stays in the audit."""
    from matcher.services.accounts import disable

    with _refusals("Nothing was changed"):
        disable(db, command_line(Role.ADMINISTRATOR), username)
    out.print(f"Disabled {escape(username)}.")


@users_app.command("set-role")
def set_role_(
    username: str,
    role: RoleOption,
    team: TeamOption = None,
    provider: ProviderOption = None,
    db: DbOption = None,
) -> None:
    """Give an account another role (with --team for a regisseur, --provider for a provider)."""
    from matcher.services.accounts import set_role

    with _refusals("Nothing was changed"):
        set_role(
            db, command_line(Role.ADMINISTRATOR), username, role,
            teams=tuple(team or ()), provider_id=provider,
        )  # fmt: skip
    out.print(f"{escape(username)} is now {role.value}.")


@users_app.command("demo")
def demo(db: DbOption = None) -> None:
    """Create one demo account per role on the stored round; prints each password once."""
    from matcher.services.demo_accounts import create_demo_accounts
    from matcher.services.rounds import load_current_round

    with _refusals("No demo account was made"):
        made = create_demo_accounts(db, load_current_round(db))
    if not made:
        out.print("The demo accounts exist already (their passwords were shown when made).")
        return
    out.print("[bold]Demo accounts (for the demo only; the passwords are shown this once):[/]")
    for login in made:
        extra = ", ".join(login.account.teams) or login.account.provider_id or ""
        out.print(
            f"  {login.account.username:<24} {login.account.role.value:<17} "
            f"password {login.password}  {extra}"
        )


@contextmanager
def _refusals(title: str) -> Iterator[None]:
    """Turn a refused account change into its message and exit code 1."""
    from matcher.data.db.engine import StorageError
    from matcher.data.db.store import DatabaseNotInitialisedError
    from matcher.services.accounts import AccountError, UnknownUserError, UserExistsError

    refused = (
        AccountError,
        UnknownUserError,
        UserExistsError,
        DatabaseNotInitialisedError,
        StorageError,
    )
    try:
        yield
    except refused as exc:
        err.print(f"[bold red]{title}:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    """Add the users group to the matcher command."""
    app.add_typer(users_app, name="users")
