"""The demo region is deterministic, realistic in shape, and equal to the committed files."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from matcher.data.demo import FLOODED_INTERVENTIONS, SHORT_INTERVENTIONS, generate_region
from matcher.data.demo.episodes import LEAVER, NEWCOMER_MONTH, month_start
from matcher.data.reader import read_round
from matcher.data.writer import write_round
from matcher.domain import ALL_INTERVENTIONS, Funding, Law, Round, Segment, Urgency
from tests.paths import DEMO, files_of


@pytest.fixture(scope="module")
def demo() -> Round:
    return generate_region()


def round_date(round_: Round) -> date:
    assert round_.policy is not None
    assert round_.policy.round_date is not None
    return round_.policy.round_date


def test_same_seed_same_region_other_seed_other_region(demo: Round) -> None:
    assert generate_region(seed=2026) == demo
    other = generate_region(seed=7)
    assert other.requests != demo.requests


def test_committed_demo_equals_the_generator(demo: Round, tmp_path: Path) -> None:
    write_round(demo, tmp_path / "demo")
    assert files_of(tmp_path / "demo") == files_of(DEMO)


def test_committed_demo_reads_back_as_the_generated_round(demo: Round) -> None:
    result = read_round(DEMO)
    assert result.round == demo
    assert all("outside the band" in w.message for w in result.warnings)


def test_sizes_are_in_the_ranges_of_a_real_region(demo: Round) -> None:
    assert 30 <= len(demo.interventions) <= 40
    assert 100 <= len(demo.providers) <= 150
    # The open requests are the queue the history's waits leave: most care starts within
    # the law's norm, the short interventions' lists are long (episodes.py).
    assert 300 <= len(demo.requests) <= 2000
    assert demo.history is not None
    assert 15_000 <= len(demo.history) <= 25_000
    assert demo.teams is not None
    assert len({t.municipality for t in demo.teams}) == 7
    assert demo.offers
    assert demo.budgets
    assert demo.awards


def test_the_list_spans_laws_segments_groups_and_funding(demo: Round) -> None:
    matched = [i for i in demo.interventions if i.funding is not Funding.TASK]
    assert {i.law for i in matched} == {Law.WMO, Law.JEUGDWET}
    assert {i.segment for i in matched} == {Segment.B, Segment.C}
    assert {i.product_group for i in matched} == {
        "development_recovery",
        "lasting_light",
        "lasting_heavy",
        "crisis",
    }
    assert {i.funding for i in matched} == {Funding.EFFORT, Funding.OUTPUT}
    assert not any(r.intervention_id.startswith(("09", "48")) for r in demo.requests)


def test_a_few_large_providers_hold_a_big_share(demo: Round) -> None:
    capacity: dict[str, float] = defaultdict(float)
    for row in demo.capacity:
        if row.intervention_id != ALL_INTERVENTIONS:
            capacity[row.provider_id] += float(row.capacity_units)
    total = sum(capacity.values())
    top_five = sum(sorted(capacity.values(), reverse=True)[:5])
    assert top_five / total > 0.4
    assert sum(1 for units in capacity.values() if units < 0.01 * total) > 60  # many small ones


def test_certificates_are_staggered(demo: Round) -> None:
    today = round_date(demo)
    soon = today + timedelta(days=183)
    valid = [c for c in demo.certifications if c.covers(today)]
    expired = [c for c in demo.certifications if c.valid_to < today]
    expiring = [c for c in valid if c.valid_to <= soon]
    assert expired
    assert expiring
    assert len({c.valid_from for c in valid}) > 0.8 * len(valid)
    # Renewed: a current certificate follows the one it renewed, so the provider was certified
    # all through the history; only the episode's newcomer comes in during it.
    ended = {(c.provider_id, c.intervention_id, c.valid_to) for c in demo.certifications}
    first_day = min(h.received_on for h in demo.history or ())
    new = [
        c
        for c in valid
        if c.valid_from > first_day
        and (c.provider_id, c.intervention_id, c.valid_from - timedelta(days=1)) not in ended
    ]
    assert [(c.intervention_id, c.valid_from) for c in new] == [
        (LEAVER, month_start(today, NEWCOMER_MONTH))
    ]
    assert all((c.valid_to - c.valid_from).days in (1094, 1095) for c in demo.certifications)


def weekly_demand_and_capacity(round_: Round) -> tuple[dict[str, float], dict[str, float]]:
    """PRODUCT.md's arithmetic on the round date: open plus running care vs certified capacity."""
    today = round_date(round_)
    demand: dict[str, float] = defaultdict(float)
    for r in round_.requests:
        demand[r.intervention_id] += float(r.units)
    for a in round_.awards or ():
        if a.ends_on is None or a.ends_on >= today:
            demand[a.intervention_id] += float(a.units)
    certified = {
        (c.provider_id, c.intervention_id) for c in round_.certifications if c.covers(today)
    }
    capacity: dict[str, float] = defaultdict(float)
    for row in round_.capacity:
        if (row.provider_id, row.intervention_id) in certified:
            capacity[row.intervention_id] += float(row.capacity_units)
    return demand, capacity


def test_short_interventions_have_more_demand_than_capacity(demo: Round) -> None:
    demand, capacity = weekly_demand_and_capacity(demo)
    assert len(SHORT_INTERVENTIONS) >= 2
    for code in SHORT_INTERVENTIONS:
        assert demand[code] > 1.05 * capacity[code], code
    balanced = set(demand) - set(SHORT_INTERVENTIONS) - set(FLOODED_INTERVENTIONS)
    assert all(capacity[c] >= demand[c] for c in balanced)


def test_flooded_interventions_have_far_more_capacity_than_demand(demo: Round) -> None:
    demand, capacity = weekly_demand_and_capacity(demo)
    assert len(FLOODED_INTERVENTIONS) >= 2
    for code in FLOODED_INTERVENTIONS:
        assert capacity[code] > 3 * demand[code], code


def test_awarded_care_fits_each_providers_capacity(demo: Round) -> None:
    awarded: dict[tuple[str, str], float] = defaultdict(float)
    for a in demo.awards or ():
        awarded[(a.provider_id, a.intervention_id)] += float(a.units)
    rows = {(r.provider_id, r.intervention_id): float(r.capacity_units) for r in demo.capacity}
    assert all(units <= rows[pair] for pair, units in awarded.items())


def test_intake_has_growth_and_a_summer_dip(demo: Round) -> None:
    """Intake = past requests (history) plus those still waiting (open, by waiting_since)."""
    assert demo.history is not None
    received = [h.received_on for h in demo.history]
    received += [r.waiting_since for r in demo.requests if r.waiting_since is not None]
    per_month = Counter(day.replace(day=1) for day in received)
    months = sorted(per_month)
    first_year = sum(per_month[m] for m in months[:12])
    last_year = sum(per_month[m] for m in months[-13:-1])
    assert last_year > first_year
    summer = [per_month[m] for m in months if m.month in (7, 8)]
    autumn = [per_month[m] for m in months if m.month in (10, 11)]
    assert sum(summer) / len(summer) < 0.85 * sum(autumn) / len(autumn)


def test_open_requests_look_like_a_real_round(demo: Round) -> None:
    urgency = Counter(r.urgency for r in demo.requests)
    assert urgency[Urgency.NORMAL] > urgency[Urgency.HIGH] > urgency[Urgency.CRISIS] > 0
    assert sum(1 for r in demo.requests if r.preferred_providers) > 0.15 * len(demo.requests)
    assert any(r.excluded_providers for r in demo.requests)
    assert any(r.current_provider for r in demo.requests)
    assert any(r.required_specialisms for r in demo.requests)
    assert all(r.client_ref.startswith("C-") for r in demo.requests)
    assert all(r.waiting_since is not None for r in demo.requests)
    bidders = Counter(b.request_id for b in demo.bids)
    assert len(bidders) > 0.7 * len(demo.requests)
