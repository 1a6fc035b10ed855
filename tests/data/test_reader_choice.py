"""read_round's choice (RowChoice): only the chosen rows are read and checked, the same rows
and the same messages as in a whole read."""

from collections.abc import Mapping
from pathlib import Path

import pytest

from matcher.data.contract import TABLES
from matcher.data.issues import RoundImportError
from matcher.data.reader import Wanted, read_round
from matcher.domain.entities import Entity
from tests.data.roundfiles import append_row, copy_tiny, set_cell
from tests.paths import TINY

# Rows whose keys are in the tiny round already: duplicates in two tables.
CAPACITY = {"provider_id": "P001", "intervention_id": "*"}
AWARD = {
    "request_id": "A002",
    "provider_id": "P003",
    "intervention_id": "45A48",
    "tariff": "69",
    "awarded_on": "2026-09-15",
}


class Everything:
    """Every row of every table, read in the reverse of the contract's order."""

    first = tuple(spec.name for spec in reversed(TABLES))

    def rows(self, table: str, read: Mapping[str, tuple[Entity, ...]]) -> Wanted | None:
        return None


class Fixed:
    """The same alternatives for every table that has their columns, the rest whole."""

    first = ()

    def __init__(self, wanted: dict[str, Wanted]) -> None:
        self.wanted = wanted

    def rows(self, table: str, read: Mapping[str, tuple[Entity, ...]]) -> Wanted | None:
        return self.wanted.get(table)


def matches(entity: Entity, wanted: Wanted) -> bool:
    """The reference: the alternatives applied to a row of the whole round."""
    return any(all(getattr(entity, c) in v for c, v in each.items()) for each in wanted)


def errors_of(directory: Path, choice: Everything | Fixed | None = None) -> list[str]:
    with pytest.raises(RoundImportError) as caught:
        read_round(directory, choice=choice)
    return [str(issue) for issue in caught.value.issues]


def test_a_choice_of_every_row_reads_the_whole_round() -> None:
    assert read_round(TINY, choice=Everything()) == read_round(TINY)


def test_a_choice_of_every_row_reports_every_error_in_the_whole_reads_order(
    tmp_path: Path,
) -> None:
    round_dir = copy_tiny(tmp_path)
    set_cell(round_dir, "awards.csv", 2, "units", "lots")
    set_cell(round_dir, "bids.csv", 3, "provider_id", "NOPE")
    set_cell(round_dir, "requests.csv", 2, "units", "-1")
    set_cell(round_dir, "interventions.csv", 2, "tariff_min", "x")
    append_row(round_dir, "capacity.csv", {**CAPACITY, "capacity_units": "5"})
    append_row(round_dir, "awards.csv", {**AWARD, "units": "2"})

    whole = errors_of(round_dir)
    assert len(whole) >= 4
    assert errors_of(round_dir, Everything()) == whole


@pytest.mark.parametrize(
    "wanted",
    [
        {"capacity": ({"provider_id": frozenset({"P001"}), "intervention_id": frozenset({"*"})},)},
        {"capacity": ({"provider_id": frozenset({"P001"})}, {"intervention_id": frozenset({"*"})})},
        {
            "bids": ({"request_id": frozenset({"R001", "R003"})},),
            "awards": ({"provider_id": frozenset({"P003", "P999"})},),
        },
        {"awards": ({"provider_id": frozenset()},)},
    ],
    ids=["both columns", "either column", "two tables", "none"],
)
def test_the_rows_read_are_the_whole_rounds_rows_that_match(wanted: dict[str, Wanted]) -> None:
    whole = read_round(TINY).round
    chosen = read_round(TINY, choice=Fixed(wanted)).round

    for spec in TABLES:
        rows = getattr(whole, spec.name)
        expected = (
            rows
            if spec.name not in wanted
            else tuple(e for e in rows if matches(e, wanted[spec.name]))
        )
        assert getattr(chosen, spec.name) == expected, spec.name
    assert any(len(getattr(chosen, t)) < len(getattr(whole, t)) for t in wanted)


def test_an_error_only_in_a_row_left_out_is_not_reported(tmp_path: Path) -> None:
    round_dir = copy_tiny(tmp_path)
    set_cell(round_dir, "bids.csv", 3, "tariff", "sixty")  # a bid on R001
    choose_r002 = Fixed({"bids": ({"request_id": frozenset({"R002"})},)})
    choose_r001 = Fixed({"bids": ({"request_id": frozenset({"R001"})},)})

    assert read_round(round_dir, choice=choose_r002).round.bids
    assert errors_of(round_dir, choose_r001) == errors_of(round_dir)


def test_a_duplicate_of_a_chosen_key_is_reported_as_in_the_whole_read(tmp_path: Path) -> None:
    round_dir = copy_tiny(tmp_path)
    append_row(
        round_dir, "bids.csv", {"request_id": " R001 ", "provider_id": "P001", "tariff": "60"}
    )

    errors = errors_of(round_dir, Fixed({"bids": ({"request_id": frozenset({"R001"})},)}))
    assert errors == errors_of(round_dir)
    assert any("duplicate" in e for e in errors)
