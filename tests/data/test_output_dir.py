"""Output directories: replaced only when they are matcher's to replace, old or new whole.

Issue 15, finding 5: `matcher match R --out R` deleted the input round, `--out ~/somewhere`
deleted a document in it, and a kill between the two renames left no result in place.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from matcher.cli.main import app
from matcher.data.output_dir import (
    MARKER,
    OutputDirRefusedError,
    OutputKind,
    check_target,
    recover,
    replace_dir,
)
from matcher.data.writer import write_round
from matcher.services.match_output import write_outputs
from tests.paths import ROOT, TINY, files_of
from tests.services.small_rounds import two_for_one_slot

runner = CliRunner()
WIDE = {"COLUMNS": "300", "NO_COLOR": "1"}


def matcher(*args: str) -> Result:
    return runner.invoke(app, list(args), env=WIDE)


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under directory (hidden ones too) by relative path, with its bytes."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def writer(kind: OutputKind, text: str = "new") -> Callable[[Path], None]:
    def fill(staging: Path) -> None:
        (staging / f"{kind.value}.txt").write_text(text, encoding="utf-8")

    return fill


def test_a_new_directory_gets_the_files_and_a_marker_naming_them(tmp_path: Path) -> None:
    target = tmp_path / "out"
    replace_dir(target, OutputKind.MATCH, writer(OutputKind.MATCH))
    assert (target / "match.txt").read_text(encoding="utf-8") == "new"
    assert (target / MARKER).read_text(encoding="utf-8").splitlines() == ["match", "match.txt"]
    replace_dir(target, OutputKind.MATCH, writer(OutputKind.MATCH, "newer"))
    assert (target / "match.txt").read_text(encoding="utf-8") == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no backup, no staging left


def test_an_empty_directory_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    replace_dir(target, OutputKind.ROUND, writer(OutputKind.ROUND))
    assert (target / "round.txt").is_file()


def test_a_directory_of_someone_elses_files_is_refused_and_left_intact(tmp_path: Path) -> None:
    home = tmp_path / "somewhere"
    home.mkdir()
    (home / "thesis.docx").write_bytes(b"three years of work")
    before = tree(home)
    with pytest.raises(OutputDirRefusedError, match=r"somewhere was not replaced: .*thesis\.docx"):
        replace_dir(home, OutputKind.ROUND, writer(OutputKind.ROUND))
    assert tree(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["somewhere"]


def test_a_document_added_to_an_earlier_result_keeps_it_from_being_replaced(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out"
    write_outputs(target, [], [], {"status": "optimal"})
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputDirRefusedError, match=r"notes\.txt"):
        write_outputs(target, [], [], {"status": "optimal"})
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_match_result_never_replaces_a_round_nor_the_other_way_round(tmp_path: Path) -> None:
    round_dir, result_dir = tmp_path / "round", tmp_path / "result"
    write_round(two_for_one_slot(), round_dir)
    write_outputs(result_dir, [], [], {"status": "optimal"})
    rounds_before, results_before = tree(round_dir), tree(result_dir)
    with pytest.raises(OutputDirRefusedError, match="holds matcher's round output, not a match"):
        write_outputs(round_dir, [], [], {"status": "optimal"})
    with pytest.raises(OutputDirRefusedError, match="holds matcher's match output, not a round"):
        write_round(two_for_one_slot(), result_dir)
    assert tree(round_dir) == rounds_before
    assert tree(result_dir) == results_before


def test_a_file_or_a_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    for name in ("file", "link"):
        with pytest.raises(OutputDirRefusedError, match=f"{name} exists and is not a directory"):
            check_target(tmp_path / name, OutputKind.MATCH)


def test_the_input_and_any_directory_above_it_are_refused(tmp_path: Path) -> None:
    round_dir = tmp_path / "rounds" / "R"
    write_round(two_for_one_slot(), round_dir)
    for target in (round_dir, tmp_path / "rounds"):
        with pytest.raises(OutputDirRefusedError, match=r"is where the input .* is read from"):
            check_target(target, OutputKind.MATCH, reading=[round_dir])


@pytest.mark.parametrize("marked", [False, True], ids=["user-round", "exported-round"])
def test_match_r_out_r_refuses_and_leaves_r_intact(tmp_path: Path, marked: bool) -> None:
    round_dir = tmp_path / "R"
    if marked:
        write_round(two_for_one_slot(), round_dir)
    else:
        shutil.copytree(TINY, round_dir)
    before = tree(round_dir)
    result = matcher("match", str(round_dir), "--out", str(round_dir))
    assert result.exit_code == 1, result.output
    assert "Nothing was matched" in result.output
    assert "R is where the input" in result.output
    assert tree(round_dir) == before


def test_export_into_a_folder_with_a_document_refuses_and_keeps_it(
    db_url: str, tmp_path: Path
) -> None:
    assert matcher("db", "init", "--db", db_url).exit_code == 0
    assert matcher("import", str(TINY), "--db", db_url).exit_code == 0
    folder = tmp_path / "somewhere"
    folder.mkdir()
    (folder / "letter.odt").write_bytes(b"dear sir")
    result = matcher("export", "--out", str(folder), "--db", db_url)
    assert result.exit_code == 1, result.output
    assert "Nothing was exported" in result.output
    assert "letter.odt" in result.output
    assert tree(folder) == {"letter.odt": b"dear sir"}
    again = tmp_path / "export"
    assert matcher("export", "--out", str(again), "--db", db_url).exit_code == 0
    assert matcher("export", "--out", str(again), "--db", db_url).exit_code == 0
    assert files_of(again) == files_of(TINY)


def test_match_replaces_its_own_earlier_result(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert matcher("match", str(TINY), "--out", str(out)).exit_code == 0
    first = tree(out)
    assert matcher("match", str(TINY), "--out", str(out)).exit_code == 0
    assert set(tree(out)) == set(first)


# A child process that is killed (SIGKILL) right between the two renames of a swap.
KILLED_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from matcher.data import output_dir
real, calls = os.replace, []
def replace(src, dst):
    calls.append(dst)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
output_dir.os.replace = replace
def fill(staging):
    (staging / "match.txt").write_text("new", encoding="utf-8")
output_dir.replace_dir(Path(sys.argv[1]), output_dir.OutputKind.MATCH, fill)
"""


def test_a_kill_between_the_renames_is_undone_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "out"
    replace_dir(target, OutputKind.MATCH, writer(OutputKind.MATCH, "old"))
    old = tree(target)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(target)], env=env, check=False
    )
    assert child.returncode == -9
    assert not target.exists()  # the crash window: nothing in place ...
    backups = [p for p in tmp_path.iterdir() if p.name.endswith(".matcher-backup")]
    assert len(backups) == 1
    assert tree(backups[0]) == old

    def failing(staging: Path) -> None:
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="disk is full"):
        replace_dir(target, OutputKind.MATCH, failing)
    assert tree(target) == old  # restored before the failed write, and kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no backup, no staging left


def test_recover_drops_a_backup_when_the_new_result_is_in_place(tmp_path: Path) -> None:
    target = tmp_path / "out"
    replace_dir(target, OutputKind.MATCH, writer(OutputKind.MATCH, "new"))
    backup = tmp_path / ".out.matcher-backup"
    backup.mkdir()
    (backup / "match.txt").write_text("old", encoding="utf-8")
    recover(target)
    assert not backup.exists()
    assert (target / "match.txt").read_text(encoding="utf-8") == "new"
