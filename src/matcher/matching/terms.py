"""The objective terms of the cost stage: one catalogue, read by everything that prices a pair.

The cost stage minimises ``Σ_a (c[a] + d[a] + f[a] + k[a]) x[a]`` (models/matching.md): the
weekly cost the team pays plus the policy-weighted secondary terms, all in cents. Each term
is one :class:`ObjectiveTerm` in :data:`TERMS`; ``build`` computes it for all pairs from it, the
validator re-prices chosen matches with it, the explanations, recommendations, CSV columns
and the services' tables list it from it. Adding a term is one entry here (plus its policy
weight, its words in ``services/catalogue.py`` and its tests).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from matcher.domain import Funding, Policy, Request
from matcher.domain.money import fraction_to_cents, match_cost_cents, to_cents

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# Above this a product of weight and count could leave int64: such terms use Python ints.
_INT64_SAFE = 2**62


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
class PairArrays:
    """What a term may read of many admissible pairs, one entry per pair, in integers.

    Tariffs in cents and units in hundredths (the contract allows two decimals, so both are
    exact), distances in tenths of a km (-1 where a location is unknown), the provider's place
    in the client's ranked list (-1 when not in it) and that list's length, and whether the
    client has a current provider and whether it is this one.
    """

    funding: npt.NDArray[np.object_]
    tariff_cents: IntArray
    units: IntArray
    km_tenths: IntArray
    rank: IntArray
    ranked: IntArray
    has_current: BoolArray
    is_current: BoolArray
    policy: Policy

    @classmethod
    def of(cls, pair: PairFacts) -> "PairArrays":
        """The one pair of ``pair`` as arrays of length one."""
        from matcher.matching.problem import units_of  # problem imports this module

        ranked = pair.request.preferred_providers
        current = pair.request.current_provider

        def one(value: object, dtype: type) -> npt.NDArray:  # type: ignore[type-arg]
            return np.asarray([value], dtype=dtype)

        return cls(
            funding=one(pair.funding, object),
            tariff_cents=one(to_cents(pair.tariff), np.int64),
            units=one(units_of(pair.units), np.int64),
            km_tenths=one(-1 if pair.km is None else round(pair.km * 10), np.int64),
            rank=one(
                ranked.index(pair.provider_id) if pair.provider_id in ranked else -1, np.int64
            ),
            ranked=one(len(ranked), np.int64),
            has_current=one(current is not None, np.bool_),
            is_current=one(current == pair.provider_id, np.bool_),
            policy=pair.policy,
        )


@dataclass(frozen=True)
class ObjectiveTerm:
    """One term of the cost stage's objective.

    ``weight`` names the ``[weights]`` key of policy.toml that prices it (None for the cost
    itself, one euro per euro); ``paid`` says whether the team pays it (only the cost) or it
    only ranks (a score); ``of_pairs`` computes it in cents for many pairs at once (``price``
    runs it on one); ``meaning`` is how the explanations say what it stands for (the
    regisseur's words are in services/catalogue.py).
    """

    name: str
    weight: str | None
    paid: bool
    of_pairs: Callable[[PairArrays], IntArray]
    meaning: str

    @property
    def column(self) -> str:
        """Its column in assignments.csv and the batch's proposals (``distance_term``)."""
        return f"{self.name}_term"


def weighted_cents(weight: Decimal, counts: IntArray, per: int) -> IntArray:
    """``to_cents(weight * count / per)`` for each count, exactly, without a Decimal per count."""
    numerator, denominator = weight.as_integer_ratio()
    largest = int(np.abs(counts).max(initial=0))
    values = counts.astype(object) if abs(numerator) * 200 * largest >= _INT64_SAFE else counts
    return np.asarray(
        fraction_to_cents(values * (numerator * 100), denominator * per), dtype=np.int64
    )


def cost_cents(pairs: PairArrays) -> IntArray:
    """``c[a]``: tariff x units for effort funding, the tariff for output funding."""
    effort = pairs.funding == Funding.EFFORT
    output = pairs.funding == Funding.OUTPUT
    if not (effort | output).all():
        bad = pairs.funding[~(effort | output)][0]
        match_cost_cents(bad, Decimal(0), Decimal(0))  # raises, in the money rules' words
    per_unit = fraction_to_cents(pairs.tariff_cents * pairs.units, 100)
    return np.where(effort, per_unit, pairs.tariff_cents).astype(np.int64)


def distance_cents(pairs: PairArrays) -> IntArray:
    """``d[a] = distance_per_km x km``; 0 when a location is unknown."""
    known = pairs.km_tenths >= 0
    priced = weighted_cents(pairs.policy.weights.distance_per_km, pairs.km_tenths, 10)
    return np.where(known, priced, 0).astype(np.int64)


def preference_cents(pairs: PairArrays) -> IntArray:
    """``f[a] = preference_per_rank x steps`` down the client's ranked list (0 for the first
    choice; unranked providers one step below the last; 0 without a list)."""
    steps = np.where(pairs.rank >= 0, pairs.rank, pairs.ranked)
    return weighted_cents(pairs.policy.weights.preference_per_rank, steps, 1)


def continuity_cents(pairs: PairArrays) -> IntArray:
    """``k[a] = continuity`` when the request has a current provider other than this one."""
    change = pairs.has_current & ~pairs.is_current
    return np.where(change, to_cents(pairs.policy.weights.continuity), 0).astype(np.int64)


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
    """Every term of one pair, in cents, in catalogue order (the array forms on one pair)."""
    one = PairArrays.of(pair)
    return {term.name: int(term.of_pairs(one)[0]) for term in TERMS}


def price_pairs(pairs: PairArrays) -> dict[str, IntArray]:
    """Every term of many pairs, in cents, in catalogue order."""
    return {term.name: term.of_pairs(pairs) for term in TERMS}


def score_cents(terms: Mapping[str, int]) -> int:
    """The pair's cost-stage coefficient: the sum of its terms."""
    return sum(terms[term.name] for term in TERMS)
