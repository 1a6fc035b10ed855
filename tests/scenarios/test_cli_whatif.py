"""`matcher whatif` as a user runs it: the demo region, the shipped scenarios, sweeps, errors.

The demo round is scarce and its place_normal stage is rarely proven within seconds, so the
demo test runs serially with a short time limit and asserts only KPIs that do not hinge on
the last percent of the solve: the open requests, and more clients left waiting under growth.
"""

import json
import re
from pathlib import Path

from typer.testing import CliRunner, Result

from matcher.cli.main import app
from tests.paths import DEMO, ROOT, TINY

runner = CliRunner()
WIDE = {"COLUMNS": "300", "NO_COLOR": "1"}  # no wrapping inside rich tables
SCENARIOS = ROOT / "data" / "scenarios"


def matcher(*args: str) -> Result:
    return runner.invoke(app, list(args), env=WIDE)


def row(output: str, label: str) -> list[str]:
    """The cells of one KPI row of the rich table."""
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)]
        if len(cells) > 2 and cells[1] == label:
            return cells[2:-1]
    raise AssertionError(f"no row {label!r} in:\n{output}")


def test_demo_shows_provider_exit_and_growth_side_by_side() -> None:
    result = matcher(
        "whatif",
        str(DEMO),
        str(SCENARIOS / "exit.toml"),
        str(SCENARIOS / "growth10.toml"),
        "--time-limit",
        "8",
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "┃ KPI" in line)
    assert header.index("baseline") < header.index("P001 leaves") < header.index("demand +10%")
    open_ = [int(cell.split()[0].replace(",", "")) for cell in row(result.stdout, "open requests")]
    assert open_[0] == open_[1]  # an exit changes no demand
    assert open_[2] == open_[0] + (open_[0] + 5) // 10  # ten percent, halves rounded up
    placed = [
        int(cell.split()[0].replace(",", "")) for cell in row(result.stdout, "placed requests")
    ]
    # Ten percent more demand on the same supply leaves more clients waiting. (Placed % is
    # not compared: an 8 s solve on a busy machine may end a point below the optimum.)
    assert open_[2] - placed[2] > open_[0] - placed[0]
    assert "3 runs on this process" in result.stderr


def test_sweep_runs_on_a_local_cluster_and_prints_json() -> None:
    result = matcher(
        "whatif", str(TINY), "--sweep", "growth=0:50:25", "--sweep", "exit=none,P001", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["columns"] == [
        "baseline",
        "growth=0% exit=none",
        "growth=0% exit=P001",
        "growth=25% exit=none",
        "growth=25% exit=P001",
        "growth=50% exit=none",
        "growth=50% exit=P001",
    ]
    assert data["ran_on"].startswith("local cluster")
    placed = data["kpis"]["n_placed"]
    assert placed[1] == placed[0]  # growth 0 and nobody leaving is the baseline
    assert data["kpis"]["n_open"][5] > data["kpis"]["n_open"][0]


def test_a_bad_scenario_file_is_refused_with_its_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[changes]]\nkind = "provider_exit"\nprovidr = "P1"\n')
    result = matcher("whatif", str(TINY), str(bad))
    assert result.exit_code == 1
    assert "bad.toml" in result.stderr
    assert "changes[0].providr is not a known key" in result.stderr


def test_a_change_that_does_not_fit_the_round_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "gone.toml"
    bad.write_text('name = "gone"\n[[changes]]\nkind = "provider_exit"\nprovider_id = "P999"\n')
    result = matcher("whatif", str(TINY), str(bad), "--workers", "1")
    assert result.exit_code == 1
    assert "P999 is not a provider" in result.stderr
