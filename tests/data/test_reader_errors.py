"""Every kind of bad input gets an error naming file, row, column and what is wrong."""

from pathlib import Path

import pytest

from tests.data.roundfiles import (
    append_row,
    assert_error,
    copy_tiny,
    drop_column,
    import_errors,
    read_rows,
    set_cell,
)


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    return copy_tiny(tmp_path)


def test_missing_required_file(round_dir: Path) -> None:
    (round_dir / "providers.csv").unlink()
    assert_error(round_dir, "providers.csv", None, None, "is missing")


def test_missing_required_column(round_dir: Path) -> None:
    drop_column(round_dir, "requests.csv", "units")
    assert_error(round_dir, "requests.csv", 1, "units", "missing from the header")


def test_missing_optional_column_is_fine(round_dir: Path) -> None:
    drop_column(round_dir, "requests.csv", "waiting_since")
    drop_column(round_dir, "bids.csv", "units")
    from matcher.data.reader import read_round

    result = read_round(round_dir)
    assert all(r.waiting_since is None for r in result.round.requests)


def test_zero_byte_file(round_dir: Path) -> None:
    (round_dir / "bids.csv").write_bytes(b"")
    assert_error(round_dir, "bids.csv", None, None, "empty (0 bytes)")


def test_duplicate_id(round_dir: Path) -> None:
    row = append_row(
        round_dir,
        "requests.csv",
        {
            "request_id": "R001",
            "client_ref": "C-999999",
            "team_id": "CJG-HLM",
            "intervention_id": "45A48",
            "units": "1",
            "start_date": "2026-12-01",
            "urgency": "normal",
        },
    )
    assert_error(round_dir, "requests.csv", row, "request_id", "already in row 2")


def test_duplicate_capacity_row_for_provider_and_intervention(round_dir: Path) -> None:
    row = append_row(
        round_dir,
        "capacity.csv",
        {"provider_id": "P001", "intervention_id": "02A01", "capacity_units": "5"},
    )
    assert_error(round_dir, "capacity.csv", row, "intervention_id", "already in row 2")


def test_duplicate_bid(round_dir: Path) -> None:
    row = append_row(
        round_dir, "bids.csv", {"request_id": "R001", "provider_id": "P002", "tariff": "60"}
    )
    assert_error(round_dir, "bids.csv", row, "provider_id", "already in row 3")


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "fragment"),
    [
        ("requests.csv", 2, "intervention_id", "99X99", "unknown intervention '99X99'"),
        ("bids.csv", 2, "provider_id", "P404", "unknown provider 'P404'"),
        ("bids.csv", 3, "request_id", "R404", "unknown request 'R404'"),
        ("requests.csv", 3, "team_id", "SWT-NOWHERE", "unknown team 'SWT-NOWHERE'"),
        ("requests.csv", 2, "preferred_providers", "P002;P404", "unknown provider 'P404'"),
        ("requests.csv", 4, "current_provider", "P404", "unknown provider 'P404'"),
        ("certifications.csv", 3, "intervention_id", "99X99", "unknown intervention"),
        ("capacity.csv", 2, "intervention_id", "99X99", "unknown intervention"),
        ("offers.csv", 2, "provider_id", "P404", "unknown provider"),
        ("awards.csv", 2, "intervention_id", "99X99", "unknown intervention"),
        ("history.csv", 2, "provider_id", "P404", "unknown provider"),
        ("budgets.csv", 2, "team_id", "SWT-NOWHERE", "unknown team"),
    ],
)
def test_unknown_reference(
    round_dir: Path, file: str, row: int, column: str, value: str, fragment: str
) -> None:
    set_cell(round_dir, file, row, column, value)
    assert_error(round_dir, file, row, column, fragment)


def test_team_references_are_free_without_teams_file(round_dir: Path) -> None:
    (round_dir / "teams.csv").unlink()
    set_cell(round_dir, "requests.csv", 3, "team_id", "SWT-ELSEWHERE")
    from matcher.data.reader import read_round

    assert read_round(round_dir).round.teams is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1-12-2026x", "is not a date"),
        ("2026-02-30", "not an existing date"),
        ("morgen", "is not a date"),
    ],
)
def test_unparseable_dates(round_dir: Path, value: str, fragment: str) -> None:
    set_cell(round_dir, "requests.csv", 3, "start_date", value)
    assert_error(round_dir, "requests.csv", 3, "start_date", fragment)


def test_valid_to_before_valid_from(round_dir: Path) -> None:
    set_cell(round_dir, "certifications.csv", 4, "valid_to", "2024-12-31")
    assert_error(round_dir, "certifications.csv", 4, "valid_to", "lies before valid_from")


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "fragment"),
    [
        ("requests.csv", 2, "units", "-3", "must be more than 0"),
        ("requests.csv", 2, "units", "0", "must be more than 0"),
        ("requests.csv", 2, "units", "drie", "is not a number"),
        ("requests.csv", 2, "units", "NaN", "is not a number"),
        ("capacity.csv", 3, "capacity_units", "-10", "may not be below 0"),  # 0: intake stop
        ("capacity.csv", 3, "capacity_units", "veel", "is not a number"),
        ("capacity.csv", 3, "capacity_units", "nan", "is not a number"),
        ("capacity.csv", 3, "capacity_units", "1e12", "is not a number"),
        ("capacity.csv", 3, "capacity_units", "1.25.0", "'1.25.0' is not a number"),
        ("bids.csv", 2, "tariff", "12,5,0.1", "'12,5,0.1' is not a number"),
        ("capacity.csv", 3, "capacity_units", "5000000000", "implausibly large"),
        ("bids.csv", 2, "tariff", "64.505", "more than 2 decimals"),
        ("bids.csv", 2, "tariff", "9999999", "implausibly large"),
        ("budgets.csv", 2, "amount", "-100", "may not be below 0"),
    ],
)
def test_bad_numbers(
    round_dir: Path, file: str, row: int, column: str, value: str, fragment: str
) -> None:
    set_cell(round_dir, file, row, column, value)
    assert_error(round_dir, file, row, column, fragment)


def test_tariff_min_above_tariff_max(round_dir: Path) -> None:
    set_cell(round_dir, "interventions.csv", 3, "tariff_min", "80")
    assert_error(
        round_dir, "interventions.csv", 3, "tariff_min", "tariff_min 80 is above tariff_max 78"
    )


@pytest.mark.parametrize(
    ("file", "column", "value", "allowed"),
    [
        ("requests.csv", "urgency", "urgent", "'crisis', 'high' or 'normal'"),
        ("interventions.csv", "law", "wlz", "'wmo', 'jeugdwet' or 'participatiewet'"),
        ("interventions.csv", "segment", "D", "'A', 'B' or 'C'"),
        ("interventions.csv", "funding", "lumpsum", "'effort', 'output' or 'task'"),
        ("interventions.csv", "unit", "uur", "'minute', 'hour'"),
        ("teams.csv", "kind", "adult", "'neighbourhood' or 'youth'"),
    ],
)
def test_unknown_category_values(
    round_dir: Path, file: str, column: str, value: str, allowed: str
) -> None:
    set_cell(round_dir, file, 2, column, value)
    assert_error(round_dir, file, 2, column, f"'{value}' is not allowed here; use {allowed}")


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "12345672"])
def test_client_ref_that_is_a_bsn_is_refused(round_dir: Path, bsn: str) -> None:
    set_cell(round_dir, "requests.csv", 4, "client_ref", bsn)
    assert_error(round_dir, "requests.csv", 4, "client_ref", "citizen service number (BSN)")


def test_weekly_volume_above_what_a_week_holds(round_dir: Path) -> None:
    set_cell(round_dir, "requests.csv", 2, "units", "170")
    set_cell(round_dir, "bids.csv", 2, "units", "200")
    errors = import_errors(round_dir)
    assert any(
        e.file == "requests.csv"
        and e.row == 2
        and e.column == "units"
        and "at most 168" in e.message
        for e in errors
    )
    assert any(e.file == "bids.csv" and e.row == 2 and e.column == "units" for e in errors)


def test_request_for_a_task_funded_intervention(round_dir: Path) -> None:
    set_cell(round_dir, "interventions.csv", 3, "funding", "task")
    assert_error(round_dir, "requests.csv", 4, "intervention_id", "task-funded")


def test_all_errors_of_a_file_are_reported_together(round_dir: Path) -> None:
    set_cell(round_dir, "requests.csv", 2, "urgency", "soon")
    set_cell(round_dir, "requests.csv", 4, "units", "-1")
    set_cell(round_dir, "requests.csv", 6, "start_date", "gisteren")
    set_cell(round_dir, "providers.csv", 3, "agb_code", "123")
    errors = import_errors(round_dir)
    places = {(e.file, e.row, e.column) for e in errors}
    assert {
        ("requests.csv", 2, "urgency"),
        ("requests.csv", 4, "units"),
        ("requests.csv", 6, "start_date"),
        ("providers.csv", 3, "agb_code"),
    } <= places


def test_identifiers_with_spaces_are_refused(round_dir: Path) -> None:
    set_cell(round_dir, "providers.csv", 4, "provider_id", "P 003")
    assert_error(round_dir, "providers.csv", 4, "provider_id", "may not contain spaces")


def test_a_provider_both_preferred_and_excluded(round_dir: Path) -> None:
    set_cell(round_dir, "requests.csv", 2, "excluded_providers", "P001")
    assert_error(
        round_dir,
        "requests.csv",
        2,
        "preferred_providers",
        "both preferred_providers and excluded_providers",
    )


def test_unquoted_list_in_a_semicolon_file_is_refused_not_shifted(round_dir: Path) -> None:
    path = round_dir / "requests.csv"
    path.write_text(
        "".join(";".join(row) + "\n" for row in read_rows(path)), encoding="utf-8"
    )  # as a ';' file, without quotes: R001's preferred_providers P002;P001 become two cells
    errors = import_errors(round_dir)
    assert [(e.file, e.row, e.column) for e in errors] == [("requests.csv", 2, None)]
    assert errors[0].message.startswith(
        "this row has 15 cells but the header has 14 columns; put lists in quotes"
    )


def test_duplicate_header_column(round_dir: Path) -> None:
    path = round_dir / "offers.csv"
    path.write_text(
        path.read_text().replace("provider_id,intervention_id,tariff", "provider_id,tariff,tariff")
    )
    errors = import_errors(round_dir)
    assert any(
        e.file == "offers.csv" and e.row == 1 and e.column == "tariff" and "twice" in e.message
        for e in errors
    )


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("solverr = 'highs'\n", "solverr", "is not a known setting"),
        ("[weights]\ndistance_per_km = -1\n", "weights.distance_per_km", "may not be below 0"),
        ("solver = 'gurobi-x'\n", "solver", "'gurobi-x' is not allowed here"),
        ("round_date = 'soon'\n", "round_date", "is not a date"),
    ],
)
def test_bad_policy_settings(round_dir: Path, text: str, column: str, fragment: str) -> None:
    (round_dir / "policy.toml").write_text(text, encoding="utf-8")
    assert_error(round_dir, "policy.toml", None, column, fragment)


def test_policy_that_is_not_toml_names_the_line(round_dir: Path) -> None:
    text = "round_date = 2026-11-23\n\nmax_distance_km = = 3\n"
    (round_dir / "policy.toml").write_text(text, encoding="utf-8")
    assert_error(round_dir, "policy.toml", 3, None, "line 3 is not valid TOML")


def test_a_path_that_does_not_exist(tmp_path: Path) -> None:
    errors = import_errors(tmp_path / "nowhere")
    assert any("does not exist" in e.message for e in errors)


def test_a_file_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "round.txt"
    path.write_text("hello", encoding="utf-8")
    errors = import_errors(path)
    assert any("neither a round directory nor an Excel workbook" in e.message for e in errors)


def test_a_wrong_client_reference_is_never_repeated_in_the_message(round_dir: Path) -> None:
    set_cell(round_dir, "requests.csv", 3, "client_ref", "Jan Jansen")
    errors = import_errors(round_dir)
    [error] = [e for e in errors if e.column == "client_ref"]
    assert error.row == 3
    assert "may not contain spaces" in error.message
    assert "Jansen" not in str(error)
