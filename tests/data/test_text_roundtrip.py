"""Any text a user can type, through import -> export -> re-import (issue 15, acceptance).

Each example puts one drawn text into one cell of the tiny round. The import either refuses
it with errors that name file, row and column, or accepts it; then the stored value is the
text as typed (trimmed), and the workbook export, the round directory and the database all
give back exactly the same round. No other exception may escape anywhere on the way.
"""

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.data.db.engine import make_engine
from matcher.data.db.migrate import upgrade
from matcher.data.db.store import load_round, save_round
from matcher.data.issues import RoundImportError
from matcher.data.reader import read_round
from matcher.data.spreadsheet import csv_bytes, workbook_bytes
from matcher.data.writer import write_round, write_workbook
from matcher.domain import Round
from tests.data.roundfiles import set_cell
from tests.paths import TINY

# (file, row, column, attribute of Round, index of the entity, field): text cells and a few
# number and list cells, among them ids other files refer to.
CELLS = [
    ("providers.csv", 3, "name", "providers", 1, "name"),
    ("interventions.csv", 2, "name", "interventions", 0, "name"),
    ("teams.csv", 2, "municipality", "teams", 0, "municipality"),
    ("requests.csv", 2, "client_ref", "requests", 0, "client_ref"),
    ("requests.csv", 5, "request_id", "requests", 3, "request_id"),
    ("requests.csv", 3, "excluded_providers", None, None, None),
    ("providers.csv", 2, "specialisms", None, None, None),
    ("bids.csv", 2, "tariff", None, None, None),
]
NASTY = [
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\t", "\r", "\n", "\u200b", "\u200d", "\u202e",
    "\ufeff", "\u2028", "\xa0", "[/]", "[bold]", "*", "_", "=", "+", "-", "@", "=1+1",
    "=HYPERLINK(\"x\")", "\u0420", "\u0391", "'", '"', ";", ",", "_x0041_", "€", "1.234,50",
]  # fmt: skip
pieces = st.one_of(st.sampled_from(NASTY), st.text(max_size=6))
texts = st.lists(pieces, min_size=1, max_size=6).map("".join)


def _scratch_round(text: str, cell: int) -> tuple[Path, Path]:
    scratch = Path(tempfile.mkdtemp(prefix="matcher-roundtrip-"))
    directory = scratch / "round"
    shutil.copytree(TINY, directory)
    file, row, column, *_ = CELLS[cell]
    set_cell(directory, file, row, column, text)
    return scratch, directory


def _imported(directory: Path) -> Round | None:
    """The round, or None when refused; a refusal must name file, row and column."""
    try:
        return read_round(directory).round
    except RoundImportError as exc:
        errors = exc.errors
    assert errors
    assert all(e.file for e in errors)
    assert any(e.row is not None and e.column is not None for e in errors), [str(e) for e in errors]
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, cell=st.integers(0, len(CELLS) - 1))
def test_any_text_is_refused_by_place_or_comes_back_exactly(text: str, cell: int) -> None:
    scratch, directory = _scratch_round(text, cell)
    try:
        round_ = _imported(directory)
        if round_ is None:
            return
        _, _, _, table, index, field = CELLS[cell]
        if table is not None and index is not None and field is not None:
            assert getattr(getattr(round_, table)[index], field) == text.strip()
        write_workbook(round_, scratch / "round.xlsx")
        assert read_round(scratch / "round.xlsx").round == round_
        write_round(round_, scratch / "again")
        assert read_round(scratch / "again").round == round_
        rows = [(p.provider_id, p.name) for p in round_.providers]
        assert csv_bytes(["provider_id", "name"], rows)
        assert workbook_bytes("providers", ["provider_id", "name"], rows)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=texts, cell=st.integers(0, len(CELLS) - 1))
def test_accepted_text_comes_back_exactly_from_the_database(
    db_url: str, text: str, cell: int
) -> None:
    scratch, directory = _scratch_round(text, cell)
    engine = make_engine(db_url)
    try:
        round_ = _imported(directory)
        if round_ is None:
            return
        upgrade(engine)
        save_round(engine, round_, source="hypothesis", replace=True)
        assert load_round(engine) == round_
    finally:
        engine.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
