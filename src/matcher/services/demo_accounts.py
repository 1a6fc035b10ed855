"""Demo accounts, one per role, for trying the app on the demo region: marked as demo in the
database and in their names, each with a fresh random password that is shown once."""

from dataclasses import dataclass

from matcher.domain import Round
from matcher.services.access import Role, command_line
from matcher.services.accounts import Account, accounts, add_account, new_password


@dataclass(frozen=True)
class DemoLogin:
    """A demo account and its password, to print once."""

    account: Account
    password: str


def create_demo_accounts(db: str | None, round_: Round) -> list[DemoLogin]:
    """One demo account per role (a regisseur of the first municipality's teams, two
    providers); names that exist already are left as they are (and not listed)."""
    admin = command_line(Role.ADMINISTRATOR)
    existing = {a.username for a in accounts(db, admin)}
    teams = round_.teams or ()
    first = min((t.municipality for t in teams), default=None)
    own_teams = tuple(sorted(t.team_id for t in teams if t.municipality == first))
    if not own_teams:
        own_teams = tuple(sorted({r.team_id for r in round_.requests})[:1])
    providers = [p.provider_id for p in round_.providers[:2]]
    wanted: list[tuple[str, Role, tuple[str, ...], str | None]] = [
        ("demo-admin", Role.ADMINISTRATOR, (), None),
        ("demo-regisseur", Role.REGISSEUR, own_teams, None),
        ("demo-capacity", Role.CAPACITY_MANAGER, (), None),
        ("demo-steward", Role.DATA_STEWARD, (), None),
        *[(f"demo-provider-{p}", Role.PROVIDER, (), p) for p in providers],
    ]
    made = []
    for name, role, teams_of, provider_id in wanted:
        if name in existing:
            continue
        password = new_password()
        account = add_account(
            db, admin, name, password, role, teams=teams_of, provider_id=provider_id, demo=True
        )
        made.append(DemoLogin(account, password))
    return made
