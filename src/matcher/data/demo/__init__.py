"""A seeded, realistic demo region modelled on Zuid-Kennemerland/IJmond (`matcher demo`)."""

from matcher.data.demo.catalogue import (
    BALANCED_INTERVENTIONS,
    FLOODED_INTERVENTIONS,
    SHORT_INTERVENTIONS,
)
from matcher.data.demo.region import generate_region

__all__ = [
    "BALANCED_INTERVENTIONS",
    "FLOODED_INTERVENTIONS",
    "SHORT_INTERVENTIONS",
    "generate_region",
]
