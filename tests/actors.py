"""Actors for tests: one per role, as the services receive them after a login."""

from matcher.services.access import Actor, Role

STEWARD = Actor("steward", Role.DATA_STEWARD)
CAPACITY = Actor("capacity", Role.CAPACITY_MANAGER)
ADMIN = Actor("admin", Role.ADMINISTRATOR)


def regisseur(*teams: str, name: str = "regisseur") -> Actor:
    """A regisseur of the teams."""
    return Actor(name, Role.REGISSEUR, teams=tuple(teams))


def provider(provider_id: str) -> Actor:
    """The account of one provider."""
    return Actor(f"provider-{provider_id}", Role.PROVIDER, provider_id=provider_id)


# The teams of every test round (tests/fixtures/rounds/tiny, the built rounds' T1 to T4).
TEST_TEAMS = ("CJG-HLM", "CJG-ZVT", "HLM-CENTRUM", "T1", "T2", "T3", "T4")
ANNA = regisseur(*TEST_TEAMS, name="anna")
BOB = regisseur(*TEST_TEAMS, name="bob")
