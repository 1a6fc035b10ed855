"""Each change kind, applied to the small round, does exactly what it says and nothing else."""

from datetime import date
from decimal import Decimal

import pytest

from matcher.domain import Budget, CapacityRow, Certification, Offer, Segment
from matcher.matching.build import open_requests
from matcher.scenarios import changes
from matcher.scenarios.apply import apply_scenario
from matcher.scenarios.changes import (
    AnyChange,
    BudgetChange,
    CapacityChange,
    CertificationEnd,
    CertificationNew,
    DemandGrowth,
    EntryOffer,
    PolicyChange,
    ProviderEntry,
    ProviderExit,
    TariffBand,
    WeightsPatch,
)
from matcher.scenarios.errors import ScenarioError
from matcher.scenarios.scenario import Scenario
from tests.scenarios.rounds import ROUND_DATE, changed_tables, small_round

D = Decimal


def applied(*changes: AnyChange) -> tuple:  # type: ignore[type-arg]
    before = small_round()
    return before, apply_scenario(before, Scenario(name="test", changes=changes))


# demand_growth ---------------------------------------------------------------------------


def test_growth_copies_a_share_of_open_requests_with_their_bids() -> None:
    before, after = applied(DemandGrowth(kind="demand_growth", percent=D(50)))
    assert changed_tables(before, after) == {"requests", "bids"}
    new = after.requests[len(before.requests) :]
    assert len(new) == 3  # 50 % of the 6 open requests; the awarded A1 never counts
    originals = {r.request_id: r for r in before.requests}
    for copy in new:
        source_id, _, suffix = copy.request_id.partition("+g")
        assert suffix == "1"
        source = originals[source_id]
        assert source_id != "A1"
        assert copy.client_ref == f"{source.client_ref}+g1"
        assert copy.model_dump(exclude={"request_id", "client_ref"}) == source.model_dump(
            exclude={"request_id", "client_ref"}
        )
        copied = [b for b in after.bids if b.request_id == copy.request_id]
        assert [(b.provider_id, b.tariff) for b in copied] == [
            (b.provider_id, b.tariff) for b in before.bids if b.request_id == source_id
        ]
    assert after.requests[: len(before.requests)] == before.requests
    assert after.bids[: len(before.bids)] == before.bids


def test_growth_is_the_same_for_the_same_seed() -> None:
    change = DemandGrowth(kind="demand_growth", percent=D(50), seed=7)
    _, first = applied(change)
    _, second = applied(change)
    assert first == second
    picks = {
        tuple(
            r.request_id
            for r in applied(DemandGrowth(kind="demand_growth", percent=D(50), seed=s))[1].requests[
                7:
            ]
        )
        for s in range(10)
    }
    assert len(picks) > 1  # the seed does choose


def test_growth_past_the_round_size_limit_is_refused_naming_the_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round_ = small_round()
    monkeypatch.setattr(changes, "MAX_ROUND_REQUESTS", len(round_.requests) + 1)
    scenario = Scenario(
        name="grow",
        changes=(
            PolicyChange(kind="policy", market_share_cap=D("0.9")),
            DemandGrowth(kind="demand_growth", percent=D(100)),
        ),
    )
    with pytest.raises(ScenarioError) as caught:
        apply_scenario(round_, scenario)
    assert str(caught.value).startswith("scenario 'grow': changes[1] (demand_growth): ")
    grown = len(round_.requests) + len(open_requests(round_))  # +100 % of the open ones
    assert str(caught.value).endswith(
        f"the round would hold {grown:,} requests; a what-if may match {len(round_.requests) + 1:,}"
    )


def test_growth_of_200_percent_copies_every_request_twice() -> None:
    before, after = applied(DemandGrowth(kind="demand_growth", percent=D(200)))
    new_ids = sorted(r.request_id for r in after.requests[len(before.requests) :])
    assert new_ids == sorted(f"R{k}+g{n}" for k in range(1, 7) for n in (1, 2))


def test_growth_per_intervention_and_per_municipality_selects_only_those() -> None:
    before, after = applied(
        DemandGrowth(kind="demand_growth", percent=D(100), intervention_id="I1")
    )
    assert {r.request_id for r in after.requests[len(before.requests) :]} == {
        "R1+g1",
        "R2+g1",
        "R3+g1",
        "R5+g1",
    }
    before, after = applied(
        DemandGrowth(kind="demand_growth", percent=D(100), municipality="Velsen")
    )
    assert {r.request_id for r in after.requests[len(before.requests) :]} == {
        "R4+g1",
        "R5+g1",
        "R6+g1",
    }


def test_negative_growth_drops_requests_and_their_bids() -> None:
    before, after = applied(DemandGrowth(kind="demand_growth", percent=D(-50)))
    assert changed_tables(before, after) <= {"requests", "bids"}
    gone = {r.request_id for r in before.requests} - {r.request_id for r in after.requests}
    assert len(gone) == 3
    assert "A1" not in gone
    assert not [b for b in after.bids if b.request_id in gone]
    assert len(open_requests(after)) == 3


def test_growth_that_selects_nothing_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"changes\[0\] \(demand_growth\).*no open request"):
        applied(DemandGrowth(kind="demand_growth", percent=D(10), team_id="NOBODY"))


# tariff_band -----------------------------------------------------------------------------


def test_tariff_band_sets_one_interventions_bounds() -> None:
    before, after = applied(TariffBand(kind="tariff_band", intervention_id="I1", tariff_max=D(95)))
    assert changed_tables(before, after) == {"interventions"}
    i1, i2 = after.interventions
    assert (i1.tariff_min, i1.tariff_max) == (D(50), D(95))
    assert i2 == before.interventions[1]


def test_tariff_band_shift_moves_every_band_by_a_percentage() -> None:
    before, after = applied(TariffBand(kind="tariff_band", shift_percent=D("2.5")))
    assert changed_tables(before, after) == {"interventions"}
    assert [(i.tariff_min, i.tariff_max) for i in after.interventions] == [
        (D("51.25"), D("82.00")),
        (D("1025.00"), D("2050.00")),
    ]
    assert [i.model_dump(exclude={"tariff_min", "tariff_max"}) for i in after.interventions] == [
        i.model_dump(exclude={"tariff_min", "tariff_max"}) for i in before.interventions
    ]


def test_tariff_band_that_would_invert_is_refused() -> None:
    with pytest.raises(ScenarioError, match="I1"):
        applied(TariffBand(kind="tariff_band", intervention_id="I1", tariff_min=D(90)))


# provider_exit ---------------------------------------------------------------------------


def test_provider_exit_drops_bids_offers_certificates_and_capacity_only() -> None:
    before, after = applied(ProviderExit(kind="provider_exit", provider_id="P1"))
    assert changed_tables(before, after) == {"bids", "offers", "certifications", "capacity"}
    for table in ("bids", "offers", "certifications", "capacity"):
        kept = [row for row in getattr(before, table) if row.provider_id != "P1"]
        assert list(getattr(after, table)) == kept
    assert after.providers == before.providers  # running care keeps its provider
    assert after.awards == before.awards


def test_exit_of_an_unknown_provider_is_refused() -> None:
    with pytest.raises(ScenarioError, match="P9 is not a provider"):
        applied(ProviderExit(kind="provider_exit", provider_id="P9"))


# provider_entry --------------------------------------------------------------------------


def test_provider_entry_adds_provider_certificates_capacity_and_offers() -> None:
    before, after = applied(
        ProviderEntry(
            kind="provider_entry",
            provider_id="P9",
            name="Nieuw",
            offers=(EntryOffer(intervention_id="I2", capacity_units=D(4), tariff=D(1200)),),
        )
    )
    assert changed_tables(before, after) == {"providers", "certifications", "capacity", "offers"}
    assert after.providers[-1].provider_id == "P9"
    assert after.providers[:-1] == before.providers
    assert after.certifications[-1] == Certification(
        provider_id="P9",
        intervention_id="I2",
        valid_from=ROUND_DATE,
        valid_to=date(2029, 11, 30),  # three years, the last day inclusive
    )
    assert after.capacity[-1] == CapacityRow(
        provider_id="P9", intervention_id="I2", capacity_units=D(4)
    )
    assert after.offers is not None
    assert after.offers[-1] == Offer(provider_id="P9", intervention_id="I2", tariff=D(1200))


def test_entry_of_an_existing_provider_is_refused() -> None:
    entry = ProviderEntry(
        kind="provider_entry",
        provider_id="P1",
        name="Again",
        offers=(EntryOffer(intervention_id="I1", capacity_units=D(1), tariff=D(60)),),
    )
    with pytest.raises(ScenarioError, match="already a provider"):
        applied(entry)


# capacity --------------------------------------------------------------------------------


def test_capacity_units_replace_one_row_and_add_a_missing_one() -> None:
    before, after = applied(
        CapacityChange(kind="capacity", provider_id="P1", intervention_id="I1", units=D(15)),
        CapacityChange(kind="capacity", provider_id="P3", intervention_id="*", units=D(3)),
    )
    assert changed_tables(before, after) == {"capacity"}
    assert list(after.capacity) == [
        CapacityRow(provider_id="P1", intervention_id="I1", capacity_units=D(15)),
        *before.capacity[1:],
        CapacityRow(provider_id="P3", intervention_id="*", capacity_units=D(3)),
    ]


def test_capacity_percent_scales_every_row_of_the_provider() -> None:
    before, after = applied(CapacityChange(kind="capacity", provider_id="P1", percent=D(-25)))
    assert changed_tables(before, after) == {"capacity"}
    assert [(c.provider_id, c.intervention_id, c.capacity_units) for c in after.capacity] == [
        ("P1", "I1", D("7.50")),
        ("P1", "*", D("9.00")),
        ("P2", "I1", D(8)),
        ("P3", "I2", D(2)),
    ]


def test_capacity_percent_without_a_row_is_refused() -> None:
    with pytest.raises(ScenarioError, match="no capacity row for I2"):
        applied(
            CapacityChange(kind="capacity", provider_id="P2", intervention_id="I2", percent=D(10))
        )


# certifications --------------------------------------------------------------------------


def test_certification_end_earlier_cuts_back_and_drops_later_certificates() -> None:
    before, after = applied(
        CertificationEnd(
            kind="certification_end",
            provider_id="P2",
            intervention_id="I1",
            valid_to=date(2026, 5, 31),
        )
    )
    assert changed_tables(before, after) == {"certifications"}
    p2 = [(c.valid_from, c.valid_to) for c in after.certifications if c.provider_id == "P2"]
    assert p2 == [(date(2025, 1, 1), date(2026, 5, 31))]
    others = [c for c in after.certifications if c.provider_id != "P2"]
    assert others == [c for c in before.certifications if c.provider_id != "P2"]


def test_certification_end_later_extends_the_last_certificate() -> None:
    before, after = applied(
        CertificationEnd(
            kind="certification_end",
            provider_id="P2",
            intervention_id="I1",
            valid_to=date(2028, 6, 30),
        )
    )
    p2 = [(c.valid_from, c.valid_to) for c in after.certifications if c.provider_id == "P2"]
    assert p2 == [(date(2025, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2028, 6, 30))]
    assert changed_tables(before, after) == {"certifications"}


def test_certification_new_adds_one_certificate() -> None:
    before, after = applied(
        CertificationNew(
            kind="certification_new",
            provider_id="P3",
            intervention_id="I1",
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
        )
    )
    assert changed_tables(before, after) == {"certifications"}
    assert after.certifications[:-1] == before.certifications
    assert after.certifications[-1].provider_id == "P3"


# budget ----------------------------------------------------------------------------------


def test_budget_percent_scales_only_the_selected_team() -> None:
    before, after = applied(BudgetChange(kind="budget", team_id="T3", percent=D(-10)))
    assert changed_tables(before, after) == {"budgets"}
    assert list(after.budgets or ()) == [
        Budget(team_id="T1", segment=Segment.B, amount=D(1000)),
        Budget(team_id="T3", segment=Segment.B, amount=D("4500.00")),
    ]


def test_budget_amount_sets_a_team_segment_and_adds_a_missing_one() -> None:
    before, after = applied(
        BudgetChange(kind="budget", team_id="T1", segment=Segment.B, amount=D(2000)),
        BudgetChange(kind="budget", team_id="T2", segment=Segment.C, amount=D(300)),
    )
    assert changed_tables(before, after) == {"budgets"}
    assert list(after.budgets or ()) == [
        Budget(team_id="T1", segment=Segment.B, amount=D(2000)),
        Budget(team_id="T3", segment=Segment.B, amount=D(5000)),
        Budget(team_id="T2", segment=Segment.C, amount=D(300)),
    ]


# policy ----------------------------------------------------------------------------------


def test_policy_change_replaces_only_the_given_fields() -> None:
    before, after = applied(
        PolicyChange(
            kind="policy",
            market_share_cap=0.5,
            weights=WeightsPatch(distance_per_km=D(7)),
        )
    )
    assert changed_tables(before, after) == {"policy"}
    assert after.policy is not None
    assert before.policy is not None
    assert after.policy.market_share_cap == 0.5
    assert after.policy.weights.distance_per_km == D(7)
    assert after.policy.weights.continuity == before.policy.weights.continuity
    assert after.policy.round_date == before.policy.round_date


def test_scenario_does_not_change_the_round_it_is_given() -> None:
    round_ = small_round()
    apply_scenario(
        round_, Scenario(name="x", changes=(ProviderExit(kind="provider_exit", provider_id="P1"),))
    )
    assert round_ == small_round()
