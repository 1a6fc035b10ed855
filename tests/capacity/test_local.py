"""A municipality is short only when the providers that reach it cannot serve it after the
other municipalities they serve (capacity/local.py, Hall's condition)."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from matcher.capacity.demand import LoadProjection
from matcher.capacity.local import judged_places_of
from matcher.capacity.months import month_of
from matcher.capacity.settings import CapacitySettings
from matcher.capacity.shortage import under_supply
from matcher.capacity.supply import Supply
from tests.capacity.build import ROUND_DATE, intervention

SETTINGS = CapacitySettings(horizon_months=2)
START = month_of(ROUND_DATE)
INTERVENTIONS = {"I1": intervention()}


def load(area: str, steady: float) -> LoadProjection:
    return LoadProjection(
        "I1", area, START, (steady,) * 2, (0.0,) * 2, (0.0,) * 2, (0.0,) * 2, (0.0,) * 2
    )


def supply(
    capacity: dict[str, float],
    reach: dict[str, tuple[str, ...]],
    split: dict[str, float],
) -> Supply:
    """Providers' capacity and reach; ``split`` is the fixed per-town slice (by_area)."""
    return Supply(
        START,
        {(p, "I1"): units for p, units in capacity.items()},
        {(p, "I1"): (True,) * 2 for p in capacity},
        {("I1", town): (units,) * 2 for town, units in split.items()},
        {},
        reach,
    )


def shortages(loads: dict[str, float], s: Supply) -> list[tuple[str, str]]:
    projections = {("I1", town): load(town, units) for town, units in loads.items()}
    return [(x.area, x.severity) for x in under_supply(projections, s, {}, INTERVENTIONS, SETTINGS)]


def test_a_town_with_more_running_care_than_its_slice_is_not_short_when_the_region_has_room() -> (
    None
):
    """The demo's 16 false flags: one provider serves both towns; A's running care is above
    its fixed slice (40 of 100) but the region's 90 fits 100."""
    both = ("A", "B")
    s = supply({"P1": 100.0}, {"P1": both}, {"A": 40.0, "B": 60.0})
    assert shortages({"A": 60.0, "B": 30.0}, s) == []


def test_capacity_in_reach_of_both_towns_goes_where_the_one_only_provider_cannot() -> None:
    """P1 reaches A and B, P2 only B: loads 8 and 8 fit (P1 serves A, P2 serves B), though a
    split of P1 by demand gives A only 5."""
    s = supply({"P1": 10.0, "P2": 10.0}, {"P1": ("A", "B"), "P2": ("B",)}, {"A": 5, "B": 15})
    assert shortages({"A": 8.0, "B": 8.0}, s) == []


def test_a_town_only_a_small_provider_reaches_is_short_while_the_region_has_room() -> None:
    s = supply({"P1": 10.0, "P2": 30.0}, {"P1": ("A", "B"), "P2": ("B",)}, {"A": 5, "B": 35})
    # 40% over in both months of a 2-month horizon: far, not long (medium).
    assert shortages({"A": 14.0, "B": 8.0}, s) == [("A", "medium")]


def test_when_the_region_is_short_every_town_that_shares_the_capacity_is_named() -> None:
    s = supply({"P1": 100.0}, {"P1": ("A", "B")}, {"A": 50, "B": 50})
    signals = under_supply(
        {("I1", t): load(t, 60.0) for t in ("A", "B")}, s, {}, INTERVENTIONS, SETTINGS
    )
    assert [x.area for x in signals] == ["region"]
    assert "Also in 2 of 2 municipalities: A, B." in signals[0].detail


@given(
    loads=st.lists(st.floats(0, 50), min_size=3, max_size=3),
    caps=st.lists(st.floats(0, 50), min_size=3, max_size=3),
    masks=st.lists(st.integers(1, 7), min_size=3, max_size=3),
)
def test_a_town_is_flagged_only_when_a_set_of_towns_with_it_cannot_be_served(
    loads: list[float], caps: list[float], masks: list[int]
) -> None:
    """Against brute force over every set S of towns, with N(S) the providers reaching S and
    tol the tolerance: a town whose own providers cannot serve it is flagged; a flagged town
    lies in some S with load(S) > (1 + tol) cap(N(S)); when no S is short, no town is."""
    towns = ("A", "B", "C")
    reach = {f"P{n}": tuple(t for k, t in enumerate(towns) if m >> k & 1) for n, m in
             enumerate(masks)}  # fmt: skip
    s = supply({f"P{n}": c for n, c in enumerate(caps)}, reach, dict.fromkeys(towns, 1.0))
    projections = {("I1", t): load(t, u) for t, u in zip(towns, loads, strict=True)}
    tol = SETTINGS.shortage_tolerance
    judged = {p.area: p.capacity[0] for p in judged_places_of(projections, s, {}, tol)["I1"]}

    def short(group: tuple[str, ...]) -> bool:
        need = sum(loads[towns.index(t)] for t in group)
        have = sum(c for (p, _), c in s.capacity.items() if set(reach[p]) & set(group))
        return need > (1 + tol) * have + 1e-6

    groups = [g for r in range(1, 4) for g in itertools.combinations(towns, r)]
    for a, own in zip(towns, loads, strict=True):
        flagged = own > judged[a] * (1 + tol) + 1e-6
        if short((a,)):
            assert flagged
        if flagged:
            assert any(short(g) for g in groups if a in g)
        if not any(short(g) for g in groups):
            assert not flagged
