"""Who may do what: the one place that decides what a role allows.

Every use-case that reads client-level data or changes anything takes the authenticated
``Actor`` and calls one of the ``require_*`` functions below before it works, so a page or a
command that forgets a check still cannot do what the role does not allow. The roles:

- regisseur: runs rounds, pins, forbids, awards and revokes for the requests of its teams,
  and sees client-level data of those requests only;
- capacity manager: capacity and what-if over the whole region, aggregates only;
- data steward: imports and exports rounds;
- provider: its own portal (one provider_id);
- administrator: accounts and roles, nothing client-level.
"""

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

# The command line builds its options from Role at start-up (`matcher --help`), so pandas and
# the database layer load only where a check needs them.
if TYPE_CHECKING:
    import pandas as pd

    from matcher.domain import Round

T = TypeVar("T")


class Role(StrEnum):
    """A person's role; stored by its value."""

    REGISSEUR = "regisseur"
    CAPACITY_MANAGER = "capacity_manager"
    DATA_STEWARD = "data_steward"
    PROVIDER = "provider"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    """An action a role may be allowed."""

    OVERVIEW = "overview"  # the round's aggregate overview
    MATCH = "match"  # run a round, pin, forbid, award, revoke, one case (own teams)
    CAPACITY = "capacity"  # capacity and what-if, aggregates only
    IMPORT_EXPORT = "import_export"
    AUDIT = "audit"  # the history of runs, awards and overrides
    PORTAL = "portal"  # the provider portal of the own provider
    ACCOUNTS = "accounts"


ALLOWED: dict[Role, frozenset[Permission]] = {
    Role.REGISSEUR: frozenset({Permission.OVERVIEW, Permission.MATCH, Permission.AUDIT}),
    Role.CAPACITY_MANAGER: frozenset({Permission.OVERVIEW, Permission.CAPACITY}),
    Role.DATA_STEWARD: frozenset({Permission.OVERVIEW, Permission.IMPORT_EXPORT, Permission.AUDIT}),
    Role.PROVIDER: frozenset({Permission.PORTAL}),
    Role.ADMINISTRATOR: frozenset({Permission.ACCOUNTS}),
}


@dataclass(frozen=True)
class Actor:
    """The authenticated person a use-case works for; its username goes into the audit."""

    username: str
    role: Role
    teams: tuple[str, ...] = ()  # a regisseur's teams
    provider_id: str | None = None  # a provider's own provider

    def may(self, permission: Permission) -> bool:
        """True when the role allows the permission."""
        return permission in ALLOWED[self.role]


class AccessDeniedError(Exception):
    """The role does not allow the action; the message says so in plain words."""


ROLE_WORDS = {
    Role.REGISSEUR: "a regisseur",
    Role.CAPACITY_MANAGER: "a capacity manager",
    Role.DATA_STEWARD: "a data steward",
    Role.PROVIDER: "a provider",
    Role.ADMINISTRATOR: "an administrator",
}
PERMISSION_WORDS = {
    Permission.OVERVIEW: "see the round's overview",
    Permission.MATCH: "match, pin, forbid, award or revoke",
    Permission.CAPACITY: "see capacity or run what-ifs",
    Permission.IMPORT_EXPORT: "import or export rounds",
    Permission.AUDIT: "read the history and audit",
    Permission.PORTAL: "use the provider portal",
    Permission.ACCOUNTS: "manage accounts",
}


def require(actor: Actor, permission: Permission) -> None:
    """Refuse (AccessDeniedError) unless the actor's role allows the permission."""
    if not actor.may(permission):
        raise AccessDeniedError(
            f"{actor.username} is {ROLE_WORDS[actor.role]} and may not "
            f"{PERMISSION_WORDS[permission]}"
        )


def require_teams(actor: Actor, teams: Iterable[str]) -> None:
    """Refuse unless the actor may match and holds every one of the teams."""
    require(actor, Permission.MATCH)
    foreign = sorted(set(teams) - set(actor.teams))
    if foreign:
        raise AccessDeniedError(
            f"{actor.username} is not a regisseur of team {', '.join(foreign)}: "
            "its requests are not yours to match, award or see"
        )


def require_scope(actor: Actor, round_: "Round", teams: tuple[str, ...]) -> None:
    """Refuse a scope outside the actor's teams; an empty scope means every team of the
    round, so only a regisseur of all of them may match the whole round."""
    require_teams(actor, teams or {r.team_id for r in round_.requests})


def require_requests(actor: Actor, teams_of: dict[str, str], request_ids: Iterable[str]) -> None:
    """Refuse unless every request belongs to one of the actor's teams; ``teams_of`` maps a
    request to its team (a request not in it, e.g. of an earlier round, is refused too)."""
    require(actor, Permission.MATCH)
    unknown = sorted(r for r in request_ids if r not in teams_of)
    if unknown:
        raise AccessDeniedError(
            f"request {', '.join(unknown)} is not in the stored round: "
            "its team cannot be checked, so it is refused"
        )
    require_teams(actor, {teams_of[r] for r in request_ids})


def require_provider(actor: Actor, provider_id: str) -> None:
    """Refuse unless the actor is the provider itself."""
    require(actor, Permission.PORTAL)
    if actor.provider_id != provider_id:
        raise AccessDeniedError(
            f"{actor.username} is not provider {provider_id}: its portal is not shown"
        )


def own_teams(actor: Actor, teams: Iterable[str]) -> list[str]:
    """The teams of ``teams`` the actor is a regisseur of, in their order."""
    mine = set(actor.teams) if actor.may(Permission.MATCH) else set()
    return [t for t in teams if t in mine]


def command_line(role: Role, **details: object) -> Actor:
    """The actor of a `matcher` command: the command line runs with the database's own
    credentials (whoever has them can change every table), so it acts for the operating
    system user in the role the command needs, and the audit says so (`cli:<user>`)."""
    return Actor(f"cli:{getpass.getuser()}", role, **details)  # type: ignore[arg-type]


def require_stored_requests(actor: Actor, db: str | None, request_ids: Iterable[str]) -> None:
    """``require_requests`` with the teams read from the stored round."""
    from matcher.data.db.engine import engine_for, plain_database_errors
    from matcher.data.db.lookups import request_teams

    ids = list(request_ids)
    require(actor, Permission.MATCH)
    with engine_for(db) as engine, plain_database_errors():
        teams_of = request_teams(engine, ids)
    require_requests(actor, teams_of, ids)


def own_scopes(actor: Actor, round_: "Round", scopes: dict[str, T]) -> dict[str, T]:
    """The scopes (label to scope with ``teams``) the actor may match: each of its teams,
    municipalities all of whose teams are its own, the whole round when every team is."""
    every = {r.team_id for r in round_.requests}
    mine = set(own_teams(actor, every | set(actor.teams)))
    return {
        label: scope
        for label, scope in scopes.items()
        if (set(getattr(scope, "teams", ())) or every) <= mine
    }


def own_rows(actor: Actor, frame: "pd.DataFrame", team_column: str = "team") -> "pd.DataFrame":
    """The rows of a table of requests that belong to the actor's teams (none for a role
    that does not match)."""
    return frame[frame[team_column].isin(own_teams(actor, frame[team_column].unique()))]
