"""The matching problem as arrays: admissible pairs, their cost terms, and the limit rows.

Everything a solver needs is integer (cents, hundredths of a unit), held in numpy arrays so
that models of 100,000 pairs are built without a Python loop per variable. The names match
``models/matching.md``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.matching.terms import COST, SECONDARY_TERMS, TERMS

# SciPy (0.15 s to import: its array-API layer loads every NumPy submodule) only where a
# pair x row matrix is built: ranking one request (`matcher recommend`) never builds one.
if TYPE_CHECKING:
    import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]

# Units are stored in hundredths (the contract allows two decimals), so capacity arithmetic
# is exact integer arithmetic in every backend.
UNIT_SCALE = 100
# Market shares are counted in thousandths: a cap of 0.4 becomes 400.
SHARE_SCALE = 1000
# Points of one placed request in a priority stage; waiting adds to it (policy.aging).
BASE_WEIGHT = 10


def units_of(value: Decimal) -> int:
    """Weekly volume in hundredths of a unit (exact: the contract allows two decimals)."""
    return int(value * UNIT_SCALE)


class LimitKind(StrEnum):
    """What a limit row counts; the names are those of the constraints in models/matching.md."""

    CAPACITY = "capacity"
    BUDGET = "budget"
    MARKET_SHARE = "market_share"


@dataclass(frozen=True)
class Limit:
    """One row ``sum(coeffs * x[pairs]) <= rhs``.

    ``key`` names the binding thing in words for explanations: the provider and intervention
    (``*`` for its total), the team and segment, or the intervention of a share cap.
    ``total`` and ``used`` keep the figures behind ``rhs`` (capacity before earlier awards,
    and what the awards use) so an explanation can show the provider's load.
    """

    kind: LimitKind
    key: tuple[str, str]
    pairs: npt.NDArray[np.int64]
    coeffs: IntArray
    rhs: int
    total: int = 0
    used: int = 0


@dataclass(frozen=True)
class MatchingProblem:
    """A round reduced to what the optimisation sees.

    Requests are indexed 0..R-1 and providers 0..P-1; pair ``a`` proposes request
    ``pair_request[a]`` to provider ``pair_provider[a]``. ``pair_terms`` holds one array per
    objective term of ``matching.terms`` (cost, distance, preference, continuity), in cents.
    Only admissible pairs are here; the reasons other pairs were left out are in
    ``rejections`` for the explanations.
    """

    request_ids: tuple[str, ...]
    provider_ids: tuple[str, ...]
    urgency_rank: npt.NDArray[np.int64]
    weight: IntArray
    pair_request: npt.NDArray[np.int64]
    pair_provider: npt.NDArray[np.int64]
    pair_tariff: IntArray
    pair_units: IntArray
    pair_terms: Mapping[str, IntArray]
    pair_from_bid: npt.NDArray[np.bool_]
    pair_km: npt.NDArray[np.float64]
    pair_pinned: npt.NDArray[np.bool_]
    limits: tuple[Limit, ...]
    rejections: tuple["Rejection", ...] = ()
    pin_conflicts: tuple["PinConflict", ...] = ()
    unmatchable: tuple[str, ...] = field(default=())

    @property
    def n_pairs(self) -> int:
        """Number of admissible pairs (variables)."""
        return int(self.pair_request.shape[0])

    @property
    def n_requests(self) -> int:
        """Number of requests matched in this round."""
        return len(self.request_ids)

    @property
    def pair_cost(self) -> IntArray:
        """The cost term: what the team pays a week for each pair, in cents."""
        return self.pair_terms[COST.name]

    @property
    def pair_secondary(self) -> IntArray:
        """The policy-weighted secondary terms of each pair, in cents (a score, not paid)."""
        total = np.zeros(self.n_pairs, dtype=np.int64)
        for term in SECONDARY_TERMS:
            total = total + self.pair_terms[term.name]
        return total

    @property
    def pair_objective(self) -> IntArray:
        """The last stage's coefficient of each pair: cost plus secondary terms, in cents."""
        return self.pair_cost + self.pair_secondary

    def terms_of(self, a: int) -> dict[str, int]:
        """Every objective term of pair ``a`` in cents, in catalogue order."""
        return {term.name: int(self.pair_terms[term.name][a]) for term in TERMS}

    @cached_property
    def pair_rows(self) -> "sp.csr_matrix":
        """Every pair x every limit row of the round (``pair_limit_matrix``), built once."""
        return pair_limit_matrix(np.arange(self.n_pairs, dtype=np.int64), self.limits)

    @cached_property
    def request_rank(self) -> IntArray:
        """Each request's place in the order a regisseur handles them: urgency class, then
        aging points high to low, then request id (the greedy fill's priority)."""
        ids = np.asarray(self.request_ids, dtype=object)
        order = np.lexsort((ids, -self.weight, self.urgency_rank))  # last key sorts first
        rank = np.empty(self.n_requests, dtype=np.int64)
        rank[order] = np.arange(self.n_requests)
        return rank


class RejectReason(StrEnum):
    """Why a provider that bid or offered is not admissible for a request."""

    NOT_CERTIFIED = "not_certified"
    CERTIFICATION_EXPIRED = "certification_expired"
    TARIFF_OUT_OF_BAND = "tariff_out_of_band"
    EXCLUDED_BY_CLIENT = "excluded_by_client"
    MISSING_SPECIALISM = "missing_specialism"
    BEYOND_DISTANCE = "beyond_distance"
    FORBIDDEN = "forbidden"
    NO_CAPACITY_ROW = "no_capacity_row"


@dataclass(frozen=True)
class Rejection:
    """A (request, provider) pair left out of the model, with the reason in words."""

    request_index: int
    provider_id: str
    reason: RejectReason
    detail: str


@dataclass(frozen=True)
class PinConflict:
    """A pin that cannot hold, and why; any conflict makes the round infeasible."""

    request_id: str
    provider_id: str
    detail: str


def pair_limit_matrix(cols: IntArray, limits: tuple[Limit, ...]) -> "sp.csr_matrix":
    """Pairs ``cols`` (sorted global indices) x ``limits``: each pair's coefficient in each
    row it is in; row ``j`` is pair ``cols[j]``, column ``k`` is ``limits[k]``.

    The one pair -> rows index (greedy fill, room, the single-request rule, explanations);
    pairs of a row outside ``cols`` are left out.
    """
    import scipy.sparse as sp

    n = cols.size
    if n == 0 or not limits:
        return sp.csr_matrix((n, len(limits)), dtype=np.int64)
    pairs = np.concatenate([limit.pairs for limit in limits])
    which = np.concatenate(
        [np.full(limit.pairs.size, k, dtype=np.int64) for k, limit in enumerate(limits)]
    )
    coeffs = np.concatenate([limit.coeffs for limit in limits]).astype(np.int64)
    local = np.searchsorted(cols, pairs)
    inside = (local < n) & (cols[np.minimum(local, n - 1)] == pairs)
    return sp.csr_matrix(
        (coeffs[inside], (local[inside], which[inside])), shape=(n, len(limits)), dtype=np.int64
    )
