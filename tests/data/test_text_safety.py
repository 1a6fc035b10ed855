"""Text that is safe in and out: formulas stay text, control and invisible characters are
refused where they come in, look-alikes are warned about, refusals stay short (issue 15)."""

from pathlib import Path

from openpyxl import load_workbook

from matcher.data.issues import Severity
from matcher.data.reader import read_round
from matcher.data.spreadsheet import csv_bytes, workbook_bytes
from matcher.data.writer import write_round, write_workbook
from tests.data.roundfiles import assert_error, copy_tiny, import_errors, set_cell, tiny_workbook

FORMULA = '=HYPERLINK("http://x","klik")'


def test_exported_workbook_holds_formula_like_names_as_text_and_reads_back_the_same(
    tmp_path: Path,
) -> None:
    directory = copy_tiny(tmp_path)
    set_cell(directory, "providers.csv", 2, "name", FORMULA)
    set_cell(directory, "providers.csv", 3, "name", "+31 zorg")
    set_cell(directory, "providers.csv", 4, "name", "@SUM(A1)")
    original = read_round(directory).round

    write_workbook(original, tmp_path / "out.xlsx")

    sheet = load_workbook(tmp_path / "out.xlsx")["providers"]
    cells = [sheet.cell(row, 2) for row in (2, 3, 4)]
    assert [c.value for c in cells] == [FORMULA, "+31 zorg", "@SUM(A1)"]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert all(c.quotePrefix for c in cells)
    assert read_round(tmp_path / "out.xlsx").round == original


def test_the_round_directory_keeps_formula_like_text_exactly(tmp_path: Path) -> None:
    directory = copy_tiny(tmp_path)
    set_cell(directory, "providers.csv", 2, "name", FORMULA)
    original = read_round(directory).round

    write_round(original, tmp_path / "again")

    assert f'"{FORMULA.replace(chr(34), chr(34) * 2)}"' in (
        tmp_path / "again" / "providers.csv"
    ).read_text(encoding="utf-8")
    assert read_round(tmp_path / "again").round == original


def test_csv_downloads_neutralise_formula_prefixes_but_not_numbers() -> None:
    rows = [("=1+1", -2.5), ("+SUM(1)", "-3"), ("@x", "plain"), ("\tx", "-a"), ("a=b", None)]

    text = csv_bytes(["name", "value"], rows).decode("utf-8")

    assert text.splitlines() == [
        "name,value",
        "'=1+1,-2.5",
        "'+SUM(1),-3",
        "'@x,plain",
        "'\tx,'-a",
        "a=b,",
    ]


def test_a_download_of_text_with_a_control_character_is_still_written() -> None:
    data = workbook_bytes("providers", ["name"], [("Zorg\x01 BV",)])

    assert data.startswith(b"PK")  # a workbook, not an IllegalCharacterError


def test_a_formula_cell_in_an_imported_workbook_is_refused_by_sheet_row_and_column(
    tmp_path: Path,
) -> None:
    book = tiny_workbook(tmp_path / "round.xlsx")
    book["requests"]["K3"] = '="P002"'  # excluded_providers of R002
    book.save(tmp_path / "round.xlsx")

    errors = import_errors(tmp_path / "round.xlsx")

    assert [(e.file, e.row, e.column) for e in errors] == [
        ("round.xlsx, sheet requests", 3, "excluded_providers")
    ]
    assert "formula" in errors[0].message


def test_control_characters_are_refused_with_file_row_and_column(tmp_path: Path) -> None:
    directory = copy_tiny(tmp_path)
    set_cell(directory, "providers.csv", 3, "name", "Buurt\x01kracht")
    set_cell(directory, "requests.csv", 2, "client_ref", "C-7F\x00A91")
    set_cell(directory, "requests.csv", 3, "units", "4\x1b5")

    errors = import_errors(directory)

    places = {(e.file, e.row, e.column) for e in errors}
    assert places == {
        ("providers.csv", 3, "name"),
        ("requests.csv", 2, "client_ref"),
        ("requests.csv", 3, "units"),
    }
    assert all("control character" in e.message for e in errors)
    assert not any("7F" in e.message or "\x00" in e.message for e in errors)


def test_invisible_characters_in_ids_are_refused(tmp_path: Path) -> None:
    directory = copy_tiny(tmp_path)
    set_cell(directory, "providers.csv", 2, "provider_id", "P0\u200b01")

    assert_error(directory, "providers.csv", 2, "provider_id", "invisible character (U+200B)")


def test_ids_with_letters_of_another_script_get_a_warning(tmp_path: Path) -> None:
    directory = copy_tiny(tmp_path)
    set_cell(directory, "bids.csv", 2, "provider_id", "\u0420001")  # Cyrillic Р

    errors = import_errors(directory)  # it refers to no provider ...
    assert any(e.file == "bids.csv" and e.row == 2 for e in errors)
    warnings = [e for e in _issues(directory) if e.severity is Severity.WARNING]
    assert any(  # ... and the warning says why
        w.file == "bids.csv" and w.row == 2 and "Cyrillic letter U+0420" in w.message
        for w in warnings
    )


def test_a_refusal_repeats_an_over_long_value_cut_short(tmp_path: Path) -> None:
    directory = copy_tiny(tmp_path)
    set_cell(directory, "requests.csv", 2, "units", "9" * 30 + "x" * 500)

    [error] = import_errors(directory)

    assert error.column == "units"
    assert len(error.message) < 120
    assert "(530 characters)" in error.message


def test_a_round_date_far_in_the_future_is_refused_in_words(tmp_path: Path) -> None:
    directory = copy_tiny(tmp_path)
    policy = directory / "policy.toml"
    text = policy.read_text(encoding="utf-8").replace("2026-11-23", "9999-11-23")
    policy.write_text(text, encoding="utf-8")

    assert_error(directory, "policy.toml", None, "round_date", "from 1900-01-01 to 2999-12-31")


def _issues(directory: Path) -> tuple:  # type: ignore[type-arg]
    from matcher.data.issues import RoundImportError

    try:
        read_round(directory)
    except RoundImportError as exc:
        return exc.issues
    return ()
