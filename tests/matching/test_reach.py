"""How often the oracle's rounds reach the cases where a rule changes the answer.

A property test only guards a rule on the rounds where that rule decides something. Each
case below asks the oracle whether the round's optimum changes when the rule is read
differently (a start date moved to the round date, a band a cent wider, a kind of row left
out, an award ending on another day). The share of 300 derandomised draws that reach each
case is printed into the test log and must stay above its floor.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from matcher.domain import Award, Round
from tests.matching.oracle import Pair, RoundTables, optimum
from tests.matching.strategies import ROUND_DATE
from tests.matching.test_oracle import draw_overrides, oracle_rounds

DRAWS = 300
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Drawn:
    """One drawn round with its overrides and the oracle's stage values."""

    round: Round
    pins: set[Pair]
    forbids: set[Pair]
    best: dict[str, int] | None

    def changes(self, other: Round | None = None, ignore: tuple[str, ...] = ()) -> bool:
        """True when the other round (or this one without those rows) has another optimum."""
        found = optimum(other or self.round, self.pins, self.forbids, ignore)
        return (None if found is None else found.stages) != self.best

    def with_awards(self, rule: Callable[[Award], Award | None]) -> Round:
        kept = [a for a in (rule(a) for a in self.round.awards or ()) if a is not None]
        return self.round.model_copy(update={"awards": tuple(kept)})

    def with_bands(self, low: Decimal, high: Decimal) -> Round:
        widened = tuple(
            i.model_copy(
                update={"tariff_min": i.tariff_min + low, "tariff_max": i.tariff_max + high}
            )
            for i in self.round.interventions
        )
        return self.round.model_copy(update={"interventions": widened})


def _start_date_decides(d: Drawn) -> bool:
    moved = tuple(r.model_copy(update={"start_date": ROUND_DATE}) for r in d.round.requests)
    return d.changes(d.round.model_copy(update={"requests": moved}))


def _certificate_within_a_day(d: Drawn) -> bool:
    """A bid or offer on a request whose certificate begins or ends within a day of its start."""
    one = timedelta(days=1)
    priced = {(b.request_id, b.provider_id) for b in d.round.bids}
    offered = {(o.provider_id, o.intervention_id) for o in d.round.offers or ()}
    return any(
        ((r.request_id, c.provider_id) in priced or (c.provider_id, r.intervention_id) in offered)
        and c.intervention_id == r.intervention_id
        and r.start_date != ROUND_DATE
        and (abs(c.valid_from - r.start_date) <= one or abs(c.valid_to - r.start_date) <= one)
        for r in d.round.requests
        for c in d.round.certifications
    )


def _on_the_band(d: Drawn) -> bool:
    """A match of the optimum pays exactly the lowest or the highest tariff of its band."""
    found = optimum(d.round, d.pins, d.forbids)
    if found is None:
        return False
    tariffs = {(b.request_id, b.provider_id): b.tariff for b in d.round.bids}
    bands = {i.intervention_id: (i.tariff_min, i.tariff_max) for i in d.round.interventions}
    of = {r.request_id: r.intervention_id for r in d.round.requests}
    return any(tariffs.get(pair) in bands[of[pair[0]]] for pair in found.matches)


def _budget_binds_on_a_team_of_two_segments(d: Drawn) -> bool:
    """Budgets bind, and a team with a budget has admissible pairs in two segments."""
    tables = RoundTables(d.round, d.forbids)
    team = {r.request_id: r.team_id for r in tables.requests}
    segments: dict[str, set[str]] = {}
    for c in tables.candidates.values():
        segment = tables.interventions[c.intervention_id].segment.value
        segments.setdefault(team[c.request_id], set()).add(segment)
    budgeted = {b.team_id for b in d.round.budgets or ()}
    two = any(len(segments.get(t, ())) > 1 for t in budgeted)
    return two and d.changes(ignore=("budget",))


def _share_binds_on_unequal_requests(d: Drawn) -> bool:
    sizes = {r.units for r in d.round.requests}
    return len(sizes) > 1 and d.changes(ignore=("market_share",))


def _award(
    ends: Callable[[Award], bool], update: dict[str, object] | None
) -> Callable[[Drawn], bool]:
    """The answer changes when the awards that ``ends`` selects are dropped (or updated)."""

    def case(d: Drawn) -> bool:
        if not any(ends(a) for a in d.round.awards or ()):
            return False
        other = d.with_awards(
            lambda a: a if not ends(a) else None if update is None else a.model_copy(update=update)
        )
        return d.changes(other)

    return case


CASES: dict[str, tuple[float, Callable[[Drawn], bool]]] = {
    # name: (floor, reached?)
    "a start date after the round date decides a certificate": (0.08, _start_date_decides),
    "a certificate begins or ends within a day of a start date": (0.25, _certificate_within_a_day),
    "a bid a cent below the band would change the answer": (
        0.04,
        lambda d: d.changes(d.with_bands(-CENT, Decimal(0))),
    ),
    "a bid a cent above the band would change the answer": (
        0.04,
        lambda d: d.changes(d.with_bands(Decimal(0), CENT)),
    ),
    "the optimum pays a tariff on an end of its band": (0.3, _on_the_band),
    "a capacity row of one intervention binds": (0.08, lambda d: d.changes(ignore=("capacity",))),
    "a provider's * row binds": (0.08, lambda d: d.changes(ignore=("capacity_all",))),
    "a budget binds on a team with pairs in two segments": (
        0.025,
        _budget_binds_on_a_team_of_two_segments,
    ),
    "a share cap binds on requests of different sizes": (0.015, _share_binds_on_unequal_requests),
    "an award ending on the round date holds capacity that matters": (
        0.03,
        _award(lambda a: a.ends_on == ROUND_DATE, None),
    ),
    "an award ending after the round date (or never) holds capacity that matters": (
        0.03,
        _award(lambda a: a.ends_on is None or a.ends_on > ROUND_DATE, None),
    ),
    "an award ended before the round date would matter if it still ran": (
        0.02,
        _award(lambda a: a.ends_on is not None and a.ends_on < ROUND_DATE, {"ends_on": ROUND_DATE}),
    ),
    "pins and forbids change the answer": (
        0.08,
        lambda d: (
            (d.pins or d.forbids) != set()
            and (optimum(d.round) or None) != (optimum(d.round, d.pins, d.forbids) or None)
        ),
    ),
}


def test_the_oracle_rounds_reach_every_edge_above_its_floor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reached: Counter[str] = Counter()

    @settings(
        max_examples=DRAWS,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(round_=oracle_rounds, data=st.data())
    def sample(round_: Round, data: st.DataObject) -> None:
        pins, forbids = draw_overrides(data, round_)
        found = optimum(round_, pins, forbids)
        drawn = Drawn(round_, pins, forbids, None if found is None else found.stages)
        reached["draws"] += 1
        for name, (_, case) in CASES.items():
            reached[name] += case(drawn)

    sample()
    draws = reached["draws"]
    lines = [f"reach of the edge cases in {draws} oracle rounds (share, floor):"]
    lines += [
        f"  {reached[name] / draws:6.1%}  (floor {floor:5.1%})  {name}"
        for name, (floor, _) in CASES.items()
    ]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    low = [name for name, (floor, _) in CASES.items() if reached[name] / draws < floor]
    assert draws == DRAWS
    assert not low, "\n".join(lines)
