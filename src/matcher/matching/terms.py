"""The objective terms of the cost stage: one catalogue, read by everything that prices a pair.

The cost stage minimises ``Σ_a (c[a] + d[a] + f[a] + k[a]) x[a]`` (models/matching.md): the
weekly cost the team pays plus the policy-weighted secondary terms, all in cents. Each term
is one :class:`ObjectiveTerm` in :data:`TERMS`; ``build`` computes it per pair from it, the
validator re-prices chosen matches with it, the explanations, recommendations, CSV columns
and the services' tables list it from it. Adding a term is one entry here (plus its policy
weight, its words in ``services/catalogue.py`` and its tests).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from matcher.domain import Funding, Policy, Request
from matcher.domain.money import match_cost_cents, to_cents


@dataclass(frozen=True)
class PairFacts:
    """What a term may read of one admissible (request, provider) pair."""

    request: Request
    provider_id: str
    funding: Funding
    tariff: Decimal
    units: Decimal
    km: float | None
    policy: Policy


@dataclass(frozen=True)
class ObjectiveTerm:
    """One term of the cost stage's objective.

    ``weight`` names the ``[weights]`` key of policy.toml that prices it (None for the cost
    itself, one euro per euro); ``paid`` says whether the team pays it (only the cost) or it
    only ranks (a score); ``per_pair`` computes it in cents; ``meaning`` is how the
    explanations say what it stands for (the regisseur's words are in services/catalogue.py).
    """

    name: str
    weight: str | None
    paid: bool
    per_pair: Callable[[PairFacts], int]
    meaning: str

    @property
    def column(self) -> str:
        """Its column in assignments.csv and the batch's proposals (``distance_term``)."""
        return f"{self.name}_term"


def cost_cents(pair: PairFacts) -> int:
    """``c[a]``: tariff x units for effort funding, the tariff for output funding."""
    return match_cost_cents(pair.funding, pair.tariff, pair.units)


def distance_cents(pair: PairFacts) -> int:
    """``d[a] = distance_per_km x km``; 0 when a location is unknown."""
    if pair.km is None:
        return 0
    return to_cents(pair.policy.weights.distance_per_km * Decimal(str(pair.km)))


def preference_cents(pair: PairFacts) -> int:
    """``f[a] = preference_per_rank x steps`` down the client's ranked list (0 for the first
    choice; unranked providers one step below the last; 0 without a list)."""
    ranked = pair.request.preferred_providers
    if not ranked:
        return 0
    steps = ranked.index(pair.provider_id) if pair.provider_id in ranked else len(ranked)
    return to_cents(pair.policy.weights.preference_per_rank * steps)


def continuity_cents(pair: PairFacts) -> int:
    """``k[a] = continuity`` when the request has a current provider other than this one."""
    current = pair.request.current_provider
    if current is None or current == pair.provider_id:
        return 0
    return to_cents(pair.policy.weights.continuity)


COST = ObjectiveTerm("cost", None, True, cost_cents, "euros a week the team pays")
TERMS: tuple[ObjectiveTerm, ...] = (
    COST,
    ObjectiveTerm(
        "distance", "distance_per_km", False, distance_cents, "the km to the provider, weighted"
    ),
    ObjectiveTerm(
        "preference",
        "preference_per_rank",
        False,
        preference_cents,
        "steps down the client's ranked providers, weighted",
    ),
    ObjectiveTerm(
        "continuity",
        "continuity",
        False,
        continuity_cents,
        "a change from the client's current provider, weighted",
    ),
)
TERM_NAMES = tuple(t.name for t in TERMS)
SECONDARY_TERMS = tuple(t for t in TERMS if not t.paid)


def price(pair: PairFacts) -> dict[str, int]:
    """Every term of one pair, in cents, in catalogue order."""
    return {term.name: term.per_pair(pair) for term in TERMS}


def score_cents(terms: Mapping[str, int]) -> int:
    """The pair's cost-stage coefficient: the sum of its terms."""
    return sum(terms[term.name] for term in TERMS)
