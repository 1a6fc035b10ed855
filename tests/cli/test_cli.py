"""The command line as a user meets it: init, import, export, demo, and refusals."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from matcher.cli.main import app
from matcher.data.reader import read_round
from matcher.services.rounds import stored_round
from tests.data.roundfiles import copy_tiny, set_cell
from tests.paths import DEMO, TINY, files_of

runner = CliRunner()
WIDE = {"COLUMNS": "300", "NO_COLOR": "1"}  # no wrapping inside rich tables


def matcher(*args: str) -> Result:
    return runner.invoke(app, list(args), env=WIDE)


@pytest.mark.parametrize("source", [TINY, DEMO], ids=["tiny", "demo"])
def test_import_then_export_gives_back_the_same_files(
    db_url: str, tmp_path: Path, source: Path
) -> None:
    assert matcher("db", "init", "--db", db_url).exit_code == 0
    imported = matcher("import", str(source), "--db", db_url)
    assert imported.exit_code == 0, imported.output
    exported = matcher("export", "--out", str(tmp_path / "out"), "--db", db_url)
    assert exported.exit_code == 0, exported.output
    assert files_of(tmp_path / "out") == files_of(source)


def test_bad_input_names_file_row_and_column_and_stores_nothing(
    db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(TINY, bad)
    requests = (bad / "requests.csv").read_text(encoding="utf-8").splitlines()
    header = requests[0].split(",")
    cells = requests[2].split(",")
    cells[header.index("urgency")] = "urgentt"
    requests[2] = ",".join(cells)
    (bad / "requests.csv").write_text("\n".join(requests) + "\n", encoding="utf-8")
    (bad / "capacity.csv").write_text("provider_id,intervention_id\n", encoding="utf-8")

    assert matcher("db", "init", "--db", db_url).exit_code == 0
    result = matcher("import", str(bad), "--db", db_url)

    assert result.exit_code == 1
    assert "requests.csv" in result.stderr
    assert "urgentt" in result.stderr
    assert "capacity.csv" in result.stderr
    assert "capacity_units" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert stored_round(db_url) is None


def test_second_import_is_refused_without_replace(db_url: str) -> None:
    assert matcher("db", "init", "--db", db_url).exit_code == 0
    assert matcher("import", str(TINY), "--db", db_url).exit_code == 0
    again = matcher("import", str(TINY), "--db", db_url)
    assert again.exit_code == 1
    assert "--replace" in again.stderr
    replaced = matcher("import", str(TINY), "--db", db_url, "--replace")
    assert replaced.exit_code == 0, replaced.output


def test_import_into_a_database_never_initialised_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    result = matcher("import", str(TINY), "--db", url)
    assert result.exit_code == 1
    assert "matcher db init" in result.stderr


def test_demo_command_reproduces_the_committed_demo_region(tmp_path: Path) -> None:
    result = matcher("demo", "--out", str(tmp_path / "demo"), "--seed", "2026")
    assert result.exit_code == 0, result.output
    assert files_of(tmp_path / "demo") == files_of(DEMO)


def test_database_url_comes_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    result = runner.invoke(app, ["db", "init"], env={**WIDE, "MATCHER_DB": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.sqlite").exists()


def test_export_as_a_workbook_reads_back_as_the_same_round(db_url: str, tmp_path: Path) -> None:
    assert matcher("db", "init", "--db", db_url).exit_code == 0
    assert matcher("import", str(TINY), "--db", db_url).exit_code == 0
    result = matcher("export", "--out", str(tmp_path / "round.xlsx"), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert read_round(tmp_path / "round.xlsx").round == read_round(TINY).round
    workbook = tmp_path / "round.xlsx"
    assert matcher("db", "init", "--db", f"sqlite:///{tmp_path / 'again.sqlite'}").exit_code == 0
    again = matcher("import", str(workbook), "--db", f"sqlite:///{tmp_path / 'again.sqlite'}")
    assert again.exit_code == 0, again.output


def test_rich_markup_in_a_cell_is_printed_as_typed_in_the_error_table(
    sqlite_url: str, tmp_path: Path
) -> None:
    bad = copy_tiny(tmp_path)
    set_cell(bad, "providers.csv", 2, "lat", "[/]52.[bold]38")
    assert matcher("db", "init", "--db", sqlite_url).exit_code == 0

    result = matcher("import", str(bad), "--db", sqlite_url)

    assert result.exit_code == 1, result.output
    assert "'[/]52.[bold]38' is not a number" in result.stderr


def test_markup_in_a_typed_argument_is_printed_as_typed(sqlite_url: str) -> None:
    assert matcher("db", "init", "--db", sqlite_url).exit_code == 0
    assert matcher("import", str(TINY), "--db", sqlite_url).exit_code == 0

    result = matcher("recommend", "R[/]x", "--db", sqlite_url)

    assert result.exit_code == 1, result.output
    assert "request R[/]x is not in the round" in result.stderr
