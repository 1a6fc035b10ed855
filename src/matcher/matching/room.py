"""Room left on each limit row once some pairs are chosen, and the words to name it.

Explanations and recommendations both ask "does this pair still fit?": a pair fits when,
on every limit row that holds it, its coefficient is at most the row's right-hand side minus
what the chosen pairs already use. Running awards are already out of ``rhs`` (build.py).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.domain import ALL_INTERVENTIONS, Round, Unit
from matcher.domain.money import euro_text
from matcher.matching.problem import SHARE_SCALE, UNIT_SCALE, Limit, LimitKind, MatchingProblem

# The matrix type only: recommend uses this module's words and loads no SciPy.
if TYPE_CHECKING:
    import scipy.sparse as sp

URGENCY_NAMES = ("crisis", "high", "normal")

_UNIT_WORDS = {
    Unit.MINUTE: "minutes",
    Unit.HOUR: "hours",
    Unit.DAYPART: "day-parts",
    Unit.DAY: "days",
    Unit.WEEK: "weeks",
    Unit.ARRANGEMENT: "places",
}


# Cents as "EUR 1234.50" in explanations (the one conversion lives in domain.money).
euros = euro_text


def volume(hundredths: int) -> str:
    """A volume in hundredths of a unit as text: 38.0, 2.5, 2.25."""
    text = f"{hundredths / UNIT_SCALE:.2f}"
    return text[:-1] if text.endswith("0") else text


class PairRows:
    """The rows of each pair as ``(row, coefficient)`` lists, read off the problem's one
    pair x limit index (``MatchingProblem.pair_rows``)."""

    def __init__(self, matrix: "sp.csr_matrix") -> None:
        self.matrix = matrix

    def get(
        self, a: int, default: tuple[tuple[int, int], ...] = ()
    ) -> list[tuple[int, int]] | tuple[tuple[int, int], ...]:
        """Pair a's rows and coefficients (``default`` for a pair in none)."""
        start, end = int(self.matrix.indptr[a]), int(self.matrix.indptr[a + 1])
        if start == end:
            return default
        rows = self.matrix.indices[start:end].tolist()
        return list(zip(rows, self.matrix.data[start:end].tolist(), strict=True))


@dataclass(frozen=True)
class Room:
    """Use of every limit row of a problem by a set of chosen pairs."""

    problem: MatchingProblem
    lhs: npt.NDArray[np.int64]
    chosen: npt.NDArray[np.bool_]
    rows_of_pair: PairRows

    @classmethod
    def of(cls, problem: MatchingProblem, chosen: npt.NDArray[np.int64]) -> "Room":
        """The rows' use by ``chosen`` (global pair indices)."""
        mask = np.zeros(problem.n_pairs, dtype=np.bool_)
        mask[chosen] = True
        rows = problem.pair_rows
        lhs = np.asarray(rows.T @ mask.astype(np.int64), dtype=np.int64).ravel()
        return cls(problem, lhs, mask, PairRows(rows))

    def free(self, k: int, without: int | None = None) -> int:
        """Room left on row k; ``without`` takes one chosen pair's use back out first."""
        used = int(self.lhs[k])
        if without is not None and self.chosen[without]:
            used -= dict(self.rows_of_pair.get(without, ())).get(k, 0)
        return self.problem.limits[k].rhs - used

    def binding(self, a: int, without: int | None = None) -> list[tuple[int, int]]:
        """(row, shortfall) of every row on which pair a does not fit."""
        out = []
        for k, c in self.rows_of_pair.get(a, ()):
            short = c - self.free(k, without)
            if short > 0:
                out.append((k, short))
        return out

    def swap_fits(self, old: int, new: int) -> bool:
        """True when moving a request from pair ``old`` to pair ``new`` breaks no row.

        Rows holding only ``old`` matter too: a share cap row gets tighter when a rival's
        pair leaves it.
        """
        delta: dict[int, int] = {}
        for k, c in self.rows_of_pair.get(old, ()):
            delta[k] = delta.get(k, 0) - c
        for k, c in self.rows_of_pair.get(new, ()):
            delta[k] = delta.get(k, 0) + c
        return all(self.lhs[k] + d <= self.problem.limits[k].rhs for k, d in delta.items() if d > 0)

    def chosen_in(self, k: int) -> list[int]:
        """Chosen pairs that use row k (a positive coefficient)."""
        lim = self.problem.limits[k]
        keep = self.chosen[lim.pairs] & (lim.coeffs > 0)
        return [int(a) for a in lim.pairs[keep].tolist()]


def unit_words(round_: Round, limit: Limit) -> str:
    """What a capacity row counts, e.g. ``hours a week``; ``units a week`` for a ``*`` row."""
    return intervention_unit_words(round_, limit.key[1])


def intervention_unit_words(round_: Round, intervention_id: str) -> str:
    """The weekly unit of an intervention in words; ``units a week`` for ``*``."""
    for intervention in round_.interventions:
        if intervention.intervention_id == intervention_id:
            return f"{_UNIT_WORDS[intervention.unit]} a week"
    return "units a week"


def describe_use(round_: Round, room: Room, k: int) -> str:
    """The load of one row in words, e.g. ``P012 uses 38.0 of 40.0 hours a week``."""
    lim = room.problem.limits[k]
    if lim.kind is LimitKind.CAPACITY:
        used = lim.used + int(room.lhs[k])
        scope = "" if lim.key[1] != ALL_INTERVENTIONS else " in total"
        return (
            f"{lim.key[0]} uses {volume(used)} of {volume(lim.total)} "
            f"{unit_words(round_, lim)}{scope}"
        )
    if lim.kind is LimitKind.BUDGET:
        return (
            f"budget of team {lim.key[0]} segment {lim.key[1]}: "
            f"{euros(int(room.lhs[k]))} of {euros(lim.rhs)} used"
        )
    return share_words(room, k)


def share_words(room: Room, k: int) -> str:
    """A market-share row in words: the provider's placed units against the cap."""
    problem = room.problem
    lim = problem.limits[k]
    provider = problem.provider_ids.index(lim.key[0])
    members = lim.pairs[room.chosen[lim.pairs]]
    placed = int(problem.pair_units[members].sum())
    own = int(problem.pair_units[members[problem.pair_provider[members] == provider]].sum())
    cap = lim.total / SHARE_SCALE
    return (
        f"{lim.key[0]} already has {volume(own)} of the {volume(placed)} placed units of "
        f"{lim.key[1]}, against a market-share cap of {cap:.0%}"
    )
