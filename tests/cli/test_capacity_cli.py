"""`matcher capacity` into a file or a pipe: every line whole, tab-separated."""

from typer.testing import CliRunner

from matcher.cli.main import app
from tests.paths import TINY


def test_capacity_into_a_file_prints_whole_tab_separated_lines() -> None:
    result = CliRunner().invoke(app, ["capacity", str(TINY), "--all"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = lines.index("clients\tseverity\tsignal\tintervention\tarea\tmonth\tvalue\t"
                         "threshold\tdetail\taction")  # fmt: skip
    rows = [line.split("\t") for line in lines[header + 1 :] if "\t" in line]
    assert rows, result.output
    assert all(len(row) == 10 for row in rows)
    assert all(row[-1] and row[-2] for row in rows)  # detail and action, not cut off
    assert "…" not in result.output
    assert max(len(line) for line in lines) > 80  # a terminal's width no longer cuts them
