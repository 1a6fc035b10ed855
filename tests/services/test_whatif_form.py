"""The What-if page's controls as a scenario and scenarios as TOML, both ways."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from matcher.domain import Segment
from matcher.scenarios.changes import (
    AgingPatch,
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
from matcher.scenarios.files import file_name, load_scenarios, scenario_from_toml, scenario_toml
from matcher.scenarios.scenario import Scenario
from matcher.services.whatif_form import (
    Known,
    WhatIfForm,
    describe,
    form_from_scenario,
    read_file,
    scenario_files,
    scenario_from_form,
)
from tests.paths import ROOT

D = Decimal
EVERY_CONTROL = WhatIfForm(
    name="squeeze",
    description="two leave, demand up",
    growth_percent=12.5,
    growth_intervention="I1",
    growth_seed=7,
    exits=("P2", "P3"),
    tariff_intervention="I1",
    tariff_shift_percent=0.1,
    capacity_provider="P1",
    capacity_intervention="*",
    capacity_percent=-20.0,
    budget_percent=5.0,
    continuity=3.0,
    market_share_cap=0.5,
)
# One change of every kind, none of which a control shows (all go to extra).
OTHER_CHANGES = (
    ProviderEntry(
        kind="provider_entry",
        provider_id="P9",
        name="Nieuw",
        lat=52.4,
        lon=4.6,
        specialisms=("autism",),
        offers=(EntryOffer(intervention_id="I1", capacity_units=D("12.5"), tariff=D("61.10")),),
    ),
    CertificationEnd(
        kind="certification_end", provider_id="P1", intervention_id="I1", valid_to=date(2027, 3, 1)
    ),
    CertificationNew(
        kind="certification_new",
        provider_id="P3",
        intervention_id="I1",
        valid_from=date(2027, 1, 1),
        valid_to=date(2029, 12, 31),
    ),
    BudgetChange(kind="budget", team_id="T1", segment=Segment.B, amount=D("1234.56")),
    CapacityChange(kind="capacity", provider_id="P1", intervention_id="I1", units=D("4")),
    DemandGrowth(kind="demand_growth", percent=D("5"), municipality="Haarlem"),
    TariffBand(kind="tariff_band", shift_percent=D("-3")),
    PolicyChange(kind="policy", aging=AgingPatch(per_week=D("1.5")), max_distance_km=30.0),
)


def test_controls_at_rest_make_the_baseline() -> None:
    scenario = scenario_from_form(WhatIfForm(name="nothing", capacity_provider="P1"))
    assert scenario.changes == ()


def test_every_control_makes_its_change_in_the_fixed_order() -> None:
    scenario = scenario_from_form(EVERY_CONTROL)
    assert scenario.changes == (
        ProviderExit(kind="provider_exit", provider_id="P2"),
        ProviderExit(kind="provider_exit", provider_id="P3"),
        CapacityChange(kind="capacity", provider_id="P1", intervention_id="*", percent=D("-20")),
        TariffBand(kind="tariff_band", intervention_id="I1", shift_percent=D("0.1")),
        DemandGrowth(kind="demand_growth", percent=D("12.5"), intervention_id="I1", seed=7),
        BudgetChange(kind="budget", percent=D("5")),
        PolicyChange(kind="policy", weights=WeightsPatch(continuity=D("3")), market_share_cap=0.5),
    )


def test_new_tariff_bounds_are_passed_as_typed() -> None:
    form = WhatIfForm(name="band", tariff_intervention="I1", tariff_min=55.0, tariff_max=82.35)
    (change,) = scenario_from_form(form).changes
    assert change == TariffBand(
        kind="tariff_band", intervention_id="I1", tariff_min=D("55"), tariff_max=D("82.35")
    )


def test_a_wrong_control_is_named_in_the_error() -> None:
    form = WhatIfForm(
        name="both", tariff_intervention="I1", tariff_shift_percent=5.0, tariff_max=90.0
    )
    with pytest.raises(ScenarioError, match=r"^Tariff band: give tariff_min"):
        scenario_from_form(form)
    with pytest.raises(ScenarioError, match="name"):
        scenario_from_form(WhatIfForm(name="  "))


def test_form_scenario_file_and_back_lose_nothing() -> None:
    scenario = scenario_from_form(EVERY_CONTROL)
    again = scenario_from_toml(scenario_toml(scenario), "saved.toml")
    assert again == scenario
    assert form_from_scenario(again) == EVERY_CONTROL


def test_changes_no_control_shows_are_kept_as_extra_and_saved() -> None:
    scenario = Scenario(name="other", changes=OTHER_CHANGES)
    form = form_from_scenario(scenario)
    assert form.extra == OTHER_CHANGES
    assert form.exits == ()
    assert form.growth_percent == 0
    assert scenario_from_form(form) == scenario
    assert scenario_from_toml(scenario_toml(scenario), "other.toml") == scenario


def test_a_second_change_of_a_kind_goes_to_extra() -> None:
    first = DemandGrowth(kind="demand_growth", percent=D("10"))
    second = DemandGrowth(kind="demand_growth", percent=D("-5"), intervention_id="I2")
    form = form_from_scenario(Scenario(name="twice", changes=(first, second)))
    assert form.growth_percent == 10
    assert form.extra == (second,)


def test_a_provider_the_round_does_not_have_is_left_to_extra() -> None:
    leaves = ProviderExit(kind="provider_exit", provider_id="P7")
    known = Known(providers=frozenset({"P1"}), interventions=frozenset({"I1"}))
    form = form_from_scenario(Scenario(name="gone", changes=(leaves,)), known)
    assert form.exits == ()
    assert form.extra == (leaves,)
    total = CapacityChange(kind="capacity", provider_id="P1", intervention_id="*", percent=D("5"))
    assert form_from_scenario(Scenario(name="t", changes=(total,)), known).capacity_provider == "P1"


def test_the_shipped_scenarios_load_as_the_command_line_reads_them() -> None:
    files = scenario_files(ROOT / "data" / "scenarios")
    assert [f.name for f in files] == sorted(f.name for f in files)
    assert {f.name for f in files} >= {"exit.toml", "growth10.toml"}
    for path in files:
        assert scenario_from_toml(read_file(path), path.name) == load_scenarios(path)[0]


def test_a_missing_directory_has_no_scenarios(tmp_path: Path) -> None:
    assert scenario_files(tmp_path / "none") == []


def test_a_sweep_file_or_broken_text_is_refused_with_the_source() -> None:
    sweep = 'name = "s"\n[sweep]\ngrowth = "0:10:5"\n'
    with pytest.raises(ScenarioError, match=r"^up\.toml: holds a \[sweep\]"):
        scenario_from_toml(sweep, "up.toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        scenario_from_toml(b"name = ", "up.toml")
    with pytest.raises(ScenarioError, match="UTF-8"):
        scenario_from_toml(b"name = '\xff'", "up.toml")


def test_changes_in_words() -> None:
    words = [describe(c) for c in scenario_from_form(EVERY_CONTROL).changes]
    assert words == [
        "P2 leaves",
        "P3 leaves",
        "capacity P1 -20% (*)",
        "tariff band I1 +0.1%",
        "demand +12.5% (I1)",
        "budget +5% (all)",
        "policy: weights.continuity 3, market_share_cap 0.5",
    ]
    assert describe(OTHER_CHANGES[1]) == (
        "certification_end: provider_id P1, intervention_id I1, valid_to 2027-03-01"
    )


def test_file_name_keeps_letters_and_digits() -> None:
    assert file_name(Scenario(name="P001 leaves (2027)!")) == "p001-leaves-2027.toml"
    assert file_name(Scenario(name="***")) == "scenario.toml"
