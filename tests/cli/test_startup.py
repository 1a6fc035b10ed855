"""Start-up: the command line imports what a command uses, and nothing else (cli/__init__).

Each probe runs in a fresh interpreter, since this test process has long imported
everything; it lists the top-level packages loaded once the command has finished. No
clocks: the seconds are measured by the benchmark (benchmarks/README.md, "Start-up").
"""

import ast
import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import matcher.matching
from matcher.cli.main import match
from matcher.services.match_defaults import DEFAULT_CHANGES
from matcher.services.round_run import ChangeSearch
from tests.paths import ROOT, TINY

# The command runs as `matcher ARGS`; the loaded modules come back as the last stderr line.
PROBE = """
import json, sys
from matcher.cli.main import app
try:
    app(sys.argv[1:], prog_name="matcher")
except SystemExit as stop:
    code = stop.code
loaded = sorted(name for name, module in sys.modules.items() if module)
print(json.dumps({"exit": code, "modules": loaded}), file=sys.stderr)
"""
# Solvers, Dask, the forecasting and simulation libraries, the app: no command here uses them.
NEVER = {"ortools", "pulp", "highspy", "dask", "distributed", "statsmodels", "simpy", "streamlit"}
# Printing help needs Typer, Rich and the option types (enums, pydantic for the solver's).
NOT_FOR_HELP = NEVER | {"pandas", "sqlalchemy", "alembic", "numpy", "scipy", "openpyxl", "argon2"}
# Ranking one request of a round directory reads its CSV files (no openpyxl) and builds its
# pairs (NumPy); it solves nothing, builds no pair x row matrix (SciPy) and touches the
# database only with --db.
NOT_FOR_RECOMMEND = NEVER | {
    "pandas",
    "sqlalchemy",
    "alembic",
    "argon2",
    "psycopg",
    "openpyxl",
    "scipy",
}
# Nor the engine (which recommend and the explanations name only as a type).
MODULES_NOT_FOR_RECOMMEND = {"matcher.matching.engine"}
_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}


def modules_loaded_by(*args: str) -> tuple[int, set[str]]:
    """The exit code of `matcher ARGS` in a fresh interpreter, and the modules it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_ENV,
        timeout=120,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    return report["exit"], set(report["modules"])


def packages_loaded_by(*args: str) -> tuple[int, set[str]]:
    """The exit code of `matcher ARGS` in a fresh interpreter, and the top-level packages of
    the modules it loaded."""
    code, modules = modules_loaded_by(*args)
    return code, {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "args",
    [("--help",), ("match", "--help"), ("users", "add", "--help"), ("batch", "--help")],
    ids=" ".join,
)
def test_help_loads_no_solver_dask_pandas_or_database(args: tuple[str, ...]) -> None:
    code, packages = packages_loaded_by(*args)

    assert code == 0
    assert {"typer", "rich", "matcher"} <= packages
    assert packages & NOT_FOR_HELP == set()


@pytest.mark.parametrize("extra", [(), ("--json",)], ids=["table", "json"])
def test_recommend_reads_and_ranks_without_a_solver(extra: tuple[str, ...]) -> None:
    code, modules = modules_loaded_by("recommend", "R001", str(TINY), *extra)
    packages = {name.split(".")[0] for name in modules}

    assert code == 0
    assert {"numpy", "pydantic"} <= packages  # it did read the round and rank it
    assert "matcher.matching.recommend" in modules
    assert packages & NOT_FOR_RECOMMEND == set()
    assert modules & MODULES_NOT_FOR_RECOMMEND == set()


def test_the_default_number_of_change_searches_is_the_services_one() -> None:
    """`matcher match --help` shows it without importing round_run, which uses it too."""
    changes = inspect.signature(match).parameters["changes"].default

    assert changes == DEFAULT_CHANGES == ChangeSearch().max_changes


def _type_checking_imports(tree: ast.Module) -> set[tuple[str, str]]:
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    return {
        (node.module or "", alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_lazy_matching_face_is_whole() -> None:
    """Every public name of matcher.matching is typed, listed where it lives, and loads to the
    same object as its submodule's."""
    face: Any = matcher.matching
    tree = ast.parse(Path(inspect.getfile(matcher.matching)).read_text(encoding="utf-8"))
    listed = {(module, name) for name, module in face._MODULE_OF.items()}

    assert _type_checking_imports(tree) == listed
    assert set(face.__all__) == set(face._MODULE_OF) | {"model_text"}
    for module, name in listed:
        assert getattr(face, name) is getattr(importlib.import_module(module), name)


def test_loading_the_recommend_submodule_first_keeps_the_recommend_function() -> None:
    """The import system sets a loaded submodule on its package: ``recommend`` is both."""
    script = (
        "from matcher.matching.recommend import Recommendation\n"
        "from matcher.matching import recommend\n"
        "print(type(recommend).__name__, recommend.__module__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=_ENV, check=True
    )

    assert done.stdout.split() == ["function", "matcher.matching.recommend"]
