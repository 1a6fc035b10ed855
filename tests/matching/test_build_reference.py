"""The array build equals a plain pair-by-pair build, field by field, on rounds at the edges.

``build_problem`` became array work (candidates, admissibility masks, priced arrays, grouped
limit rows); ``tests/matching/reference_build.py`` keeps the rules written out one pair at a
time as they were before (commit ad543ed). The rounds come from ``edge_rounds``, and the
second test counts, over a fixed set of draws, how often each edge the reference must agree
on is reached, so a strategy that drifts away from an edge fails here instead of testing
less in silence.
"""

import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.domain import Funding, Round
from matcher.matching.build import build_problem
from matcher.matching.overrides import Overrides
from matcher.matching.problem import Limit, LimitKind, MatchingProblem, RejectReason
from tests.matching.edge_rounds import TASK_ID, UNKNOWN, edge_rounds
from tests.matching.reference_build import offered_and_bid, reference_build
from tests.matching.strategies import ROUND_DATE
from tests.profiles import fixed_draws

DRAWS = 200
CENT = Decimal("0.01")


def differences(a: Any, b: Any, path: str) -> list[str]:
    """Where ``a`` and ``b`` differ: arrays by dtype and value (NaN equal to NaN), mappings by
    keys then values, limit rows field by field, anything else by ``==``."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype != b.dtype:
            return [f"{path}: dtype {a.dtype} != {b.dtype}"]
        nan = a.dtype.kind == "f"
        return [] if np.array_equal(a, b, equal_nan=nan) else [f"{path}: {a} != {b}"]
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{path}: keys {list(a)} != {list(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}[{k}]")]
    if isinstance(a, tuple) and any(isinstance(x, Limit) for x in (*a, *b)):
        if len(a) != len(b):
            return [f"{path}: {len(a)} rows != {len(b)}: {[x.key for x in a]} {[y.key for y in b]}"]
        return [
            d
            for k, (x, y) in enumerate(zip(a, b, strict=True))
            for f in dataclasses.fields(Limit)
            for d in differences(getattr(x, f.name), getattr(y, f.name), f"{path}[{k}].{f.name}")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def problem_differences(built: MatchingProblem, reference: MatchingProblem) -> list[str]:
    """Every field of MatchingProblem compared (a field added later is compared too)."""
    return [
        d
        for f in dataclasses.fields(MatchingProblem)
        for d in differences(getattr(built, f.name), getattr(reference, f.name), f.name)
    ]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(drawn=edge_rounds())
def test_the_array_build_equals_the_pair_by_pair_reference(
    drawn: tuple[Round, Overrides],
) -> None:
    round_, overrides = drawn
    found = problem_differences(
        build_problem(round_, overrides), reference_build(round_, overrides)
    )
    assert not found, "\n".join(found)


def test_differences_sees_a_nan_moved_and_a_limit_changed() -> None:
    """The comparison itself can fail: NaN equals NaN only in the same place, and a limit's
    right-hand side and a dtype count."""
    nan = np.asarray([1.0, math.nan])
    assert differences(nan, nan.copy(), "km") == []
    assert differences(nan, np.asarray([math.nan, 1.0]), "km")
    assert differences(np.asarray([1], dtype=np.int64), np.asarray([1], dtype=np.int32), "x")
    row = Limit(LimitKind.CAPACITY, ("P1", "I0"), np.asarray([0]), np.asarray([100]), 100)
    assert differences((row,), (row,), "limits") == []
    assert differences((row,), (dataclasses.replace(row, rhs=99),), "limits")


# --- how often the drawn rounds reach each edge ------------------------------------------


@dataclasses.dataclass(frozen=True)
class Seen:
    """One drawn round with its reference problem, and lookups the edge cases share."""

    round: Round
    overrides: Overrides
    problem: MatchingProblem

    def admitted(self) -> list[tuple[Any, str, int]]:
        """(request, provider id, pair index) of every admissible pair."""
        requests = self.open_requests()
        return [
            (requests[int(r)], self.problem.provider_ids[int(p)], a)
            for a, (r, p) in enumerate(
                zip(self.problem.pair_request, self.problem.pair_provider, strict=True)
            )
        ]

    def open_requests(self) -> list[Any]:
        by_id = {r.request_id: r for r in self.round.requests}
        return [by_id[rid] for rid in self.problem.request_ids]

    def rejected(self, reason: RejectReason) -> list[Any]:
        return [j for j in self.problem.rejections if j.reason is reason]

    def certs(self, request: Any, pid: str) -> list[Any]:
        return [
            c
            for c in self.round.certifications
            if (c.provider_id, c.intervention_id) == (pid, request.intervention_id)
        ]

    def covering_only(self, day_of: Callable[[Any], Any]) -> bool:
        """An admitted pair whose every covering certificate has ``day_of(cert)`` on the
        request's start date (so that day decides the pair)."""
        for request, pid, _ in self.admitted():
            start = request.start_date
            covering = [c for c in self.certs(request, pid) if c.valid_from <= start <= c.valid_to]
            if covering and all(day_of(c) == start for c in covering):
                return True
        return False

    def band_end(self, end: str) -> bool:
        bands = {i.intervention_id: i for i in self.round.interventions}
        return any(
            int(self.problem.pair_tariff[a]) == getattr(bands[r.intervention_id], end) * 100
            for r, _, a in self.admitted()
        )

    def a_cent_outside(self) -> bool:
        bands = {i.intervention_id: i for i in self.round.interventions}
        for j in self.rejected(RejectReason.TARIFF_OUT_OF_BAND):
            request = self.open_requests()[j.request_index]
            tariff = offered_and_bid(self.round, request)[j.provider_id][0]
            band = bands[request.intervention_id]
            if CENT in (band.tariff_min - tariff, tariff - band.tariff_max):
                return True
        return False

    def given_twice(self, bid: bool) -> bool:
        """An admitted pair (from a bid, or from an offer) whose bid or offer came twice."""
        for r, pid, a in self.admitted():
            if bool(self.problem.pair_from_bid[a]) != bid:
                continue
            rows = (
                [(b.request_id, b.provider_id) == (r.request_id, pid) for b in self.round.bids]
                if bid
                else [
                    (o.provider_id, o.intervention_id) == (pid, r.intervention_id)
                    for o in self.round.offers or ()
                ]
            )
            if sum(rows) > 1:
                return True
        return False

    def limit(self) -> float | None:
        return self.round.effective_policy().max_distance_km

    def on_half_a_cent(self, exact: Callable[[Any, str, int], Fraction]) -> bool:
        """An admitted pair whose exact term in euros ends on half a cent."""
        return any(exact(r, pid, a) * 100 % 1 == Fraction(1, 2) for r, pid, a in self.admitted())


def _effort_cost(s: Seen) -> Callable[[Any, str, int], Fraction]:
    funding = {i.intervention_id: i.funding for i in s.round.interventions}

    def exact(request: Any, pid: str, a: int) -> Fraction:
        if funding[request.intervention_id] is not Funding.EFFORT:
            return Fraction(0)
        tariff, units, _ = offered_and_bid(s.round, request)[pid]
        return Fraction(tariff) * Fraction(units)

    return exact


def _distance_term(s: Seen) -> Callable[[Any, str, int], Fraction]:
    per_km = Fraction(s.round.effective_policy().weights.distance_per_km)

    def exact(request: Any, pid: str, a: int) -> Fraction:
        km = s.problem.pair_km[a]
        return Fraction(0) if math.isnan(km) else per_km * Fraction(round(km * 10), 10)

    return exact


def _pin_conflict(kind: str) -> Callable[[Seen], bool]:
    return lambda s: any(kind in c.detail for c in s.problem.pin_conflicts)


def _left_out(s: Seen, why: Callable[[Any], bool]) -> bool:
    open_ = set(s.problem.request_ids)
    return any(why(r) and r.request_id not in open_ for r in s.round.requests)


ONE = timedelta(days=1)
EDGES: dict[str, Callable[[Seen], bool]] = {
    "an admitted pair whose certificate begins on the start date": lambda s: s.covering_only(
        lambda c: c.valid_from
    ),
    "an admitted pair whose certificate ends on the start date": lambda s: s.covering_only(
        lambda c: c.valid_to
    ),
    "a certificate ended the day before the start date": lambda s: any(
        f"ended on {(s.open_requests()[j.request_index].start_date - ONE).isoformat()}" in j.detail
        for j in s.rejected(RejectReason.CERTIFICATION_EXPIRED)
    ),
    "a certificate begins the day after the start date": lambda s: any(
        f"starts on {(s.open_requests()[j.request_index].start_date + ONE).isoformat()}" in j.detail
        for j in s.rejected(RejectReason.NOT_CERTIFIED)
    ),
    "an admitted pair starting on the round date, its certificate beginning or ending then": (
        lambda s: any(
            r.start_date == ROUND_DATE
            and any(ROUND_DATE in (c.valid_from, c.valid_to) for c in s.certs(r, pid))
            for r, pid, _ in s.admitted()
        )
    ),
    "an admitted pair exactly at the distance limit": lambda s: any(
        s.problem.pair_km[a] == s.limit() for _, _, a in s.admitted()
    ),
    "a pair a tenth of a km beyond the limit": lambda s: any(
        f"is {round((s.limit() or 0) + 0.1, 1):.1f} km away" in j.detail
        for j in s.rejected(RejectReason.BEYOND_DISTANCE)
    ),
    "a provider the client excludes": lambda s: bool(s.rejected(RejectReason.EXCLUDED_BY_CLIENT)),
    "an admitted pair with a required specialism": lambda s: any(
        r.required_specialisms for r, _, _ in s.admitted()
    ),
    "a provider missing two required specialisms": lambda s: any(
        "," in j.detail for j in s.rejected(RejectReason.MISSING_SPECIALISM)
    ),
    "an intake stop (capacity 0) over admitted pairs": lambda s: any(
        row.kind is LimitKind.CAPACITY and row.total == 0 for row in s.problem.limits
    ),
    "a capacity row net of a running award": lambda s: any(
        row.used > 0 for row in s.problem.limits
    ),
    "an admitted tariff on the band's lower end": lambda s: s.band_end("tariff_min"),
    "an admitted tariff on the band's upper end": lambda s: s.band_end("tariff_max"),
    "a tariff a cent outside the band": lambda s: s.a_cent_outside(),
    "a pair without a capacity row": lambda s: bool(s.rejected(RejectReason.NO_CAPACITY_ROW)),
    "a provider never certified": lambda s: any(
        "is not certified" in j.detail for j in s.rejected(RejectReason.NOT_CERTIFIED)
    ),
    "a forbidden pair": lambda s: bool(s.rejected(RejectReason.FORBIDDEN)),
    "a pinned pair": lambda s: bool(s.problem.pair_pinned.any()),
    "a pin on a pair that is not admissible": _pin_conflict("not an admissible provider"),
    "a pin on a request that is not open": _pin_conflict("not open"),
    "two pins on one request": _pin_conflict("also pinned"),
    "an awarded request left out": lambda s: _left_out(
        s, lambda r: r.request_id in {a.request_id for a in s.round.awards or ()}
    ),
    "a task-funded request left out": lambda s: _left_out(
        s, lambda r: r.intervention_id == TASK_ID
    ),
    "an effort cost ending on half a cent": lambda s: s.on_half_a_cent(_effort_cost(s)),
    "a distance term ending on half a cent": lambda s: s.on_half_a_cent(_distance_term(s)),
    "an admitted pair priced by the later of two offers": lambda s: s.given_twice(bid=False),
    "an admitted pair priced by the later of two bids": lambda s: s.given_twice(bid=True),
    "an admitted bid over a standing offer": lambda s: any(
        s.problem.pair_from_bid[a]
        and any(
            (o.provider_id, o.intervention_id) == (pid, r.intervention_id)
            for o in s.round.offers or ()
        )
        for r, pid, a in s.admitted()
    ),
    "an admitted pair of a client who ranks a provider not in the round": lambda s: any(
        UNKNOWN in r.preferred_providers for r, _, _ in s.admitted()
    ),
    "a budget row": lambda s: any(row.kind is LimitKind.BUDGET for row in s.problem.limits),
    "a share-cap row": lambda s: any(
        row.kind is LimitKind.MARKET_SHARE for row in s.problem.limits
    ),
}
# Every edge must be reached in at least this share of the draws.
FLOOR = 0.02


def test_the_edge_rounds_reach_every_edge(capsys: pytest.CaptureFixture[str]) -> None:
    reached: Counter[str] = Counter()

    @fixed_draws(DRAWS)
    @given(drawn=edge_rounds())
    def sample(drawn: tuple[Round, Overrides]) -> None:
        round_, overrides = drawn
        seen = Seen(round_, overrides, reference_build(round_, overrides))
        reached["draws"] += 1
        for name, case in EDGES.items():
            reached[name] += case(seen)

    sample()
    draws = reached["draws"]
    lines = [f"reach of the build's edges in {draws} edge rounds (share; floor {FLOOR:.0%}):"]
    lines += [f"  {reached[name] / draws:6.1%}  {name}" for name in EDGES]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert draws == DRAWS
    low = [name for name in EDGES if reached[name] / draws < FLOOR]
    assert not low, "\n".join(lines)
