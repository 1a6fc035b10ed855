"""The demo region's places: seven municipalities modelled on Zuid-Kennemerland and IJmond.

Populations are rounded real figures; they set each municipality's share of demand.
Coordinates are the town centres; clients are scattered a few kilometres around them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Municipality:
    """A municipality with its teams of regisseurs."""

    code: str
    name: str
    population: int
    lat: float
    lon: float
    neighbourhood_teams: tuple[str, ...]  # Wmo: one or more social neighbourhood teams


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality(
        "HLM", "Haarlem", 163_000, 52.3874, 4.6462, ("Centrum", "Noord", "Oost", "Schalkwijk")
    ),
    Municipality("VLS", "Velsen", 69_000, 52.4580, 4.6200, ("IJmuiden", "Velsen-Zuid")),
    Municipality("BVW", "Beverwijk", 42_000, 52.4870, 4.6570, ("Beverwijk",)),
    Municipality("HMK", "Heemskerk", 40_000, 52.5110, 4.6700, ("Heemskerk",)),
    Municipality("HST", "Heemstede", 28_000, 52.3580, 4.6200, ("Heemstede",)),
    Municipality("BLD", "Bloemendaal", 24_000, 52.4060, 4.6220, ("Bloemendaal",)),
    Municipality("ZVT", "Zandvoort", 17_000, 52.3710, 4.5330, ("Zandvoort",)),
)


def neighbourhood_team_id(municipality: Municipality, team: str) -> str:
    """Id of a social neighbourhood team (Wmo)."""
    return f"SWT-{municipality.code}-{team.upper().replace(' ', '').replace('-', '')}"


def youth_team_id(municipality: Municipality) -> str:
    """Id of the municipality's youth team (CJG, Jeugdwet)."""
    return f"CJG-{municipality.code}"
