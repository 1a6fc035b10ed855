"""Replace an output directory whole, and only when it is ours to replace.

Every command that writes a directory (`matcher match --out`, `matcher export --out`,
`matcher demo --out`) goes through `replace_dir`. Two promises:

1. **Never delete a user's files.** A directory is replaced only when it does not exist, is
   empty, or holds an earlier result of the same kind: matcher writes a marker file
   (`.matcher-output`: the kind, then the name of every file written) into every directory
   it writes. A directory with any other file (a document added later, say) is refused
   with `OutputDirRefusedError`, naming the directory and why, before any work is done.
   A match result never replaces a round (nor a round a match result), and no directory
   that a command is reading from is ever its output.
2. **Old or new, whole.** The new files are written into a hidden sibling first. Then two
   renames: the old directory to a fixed backup name (`.NAME.matcher-backup`), the new one
   to the target; only then is the backup removed (renamed away first, so the backup name
   only ever holds a complete result). A kill between the two renames leaves the target
   missing and the complete old result under the backup name: the next write restores it
   before anything else (`recover`). A symlink swap would close the window too, but the
   target would then be a link into a hidden directory, which surprises users, backup
   tools and Windows; two renames plus recovery keep a plain directory.

Writers to the same target are serialised by a lock on the parent directory.
"""

import fcntl
import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

MARKER = ".matcher-output"


class OutputKind(StrEnum):
    """What a matcher output directory holds; written into its marker."""

    ROUND = "round"
    MATCH = "match"


class OutputDirRefusedError(Exception):
    """The output directory holds something matcher must not replace; nothing was written."""


def check_target(target: Path, kind: OutputKind, *, reading: Iterable[Path] = ()) -> None:
    """Refuse target unless it is new, empty or an earlier result of this kind.

    ``reading`` are the paths the command reads from: the target may not be one of them,
    nor lie above one (replacing it would delete the input).
    """
    target = Path(target)
    for source in reading:
        if _overlaps(target, Path(source)):
            raise OutputDirRefusedError(
                f"{target} is where the input {source} is read from; choose another "
                "output directory (nothing was written)"
            )
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise OutputDirRefusedError(f"{target} exists and is not a directory; nothing was written")
    names = sorted(p.name for p in target.iterdir())
    if not names:
        return
    found, written = _read_marker(target)
    foreign = [n for n in names if n not in written and n != MARKER]
    if found == kind and not foreign:
        return
    if foreign:
        shown = ", ".join(foreign[:3])
        shown += f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        why = f"it holds files matcher did not write ({shown})"
    else:
        why = f"it holds matcher's {found or 'unknown'} output, not a {kind.value} output"
    raise OutputDirRefusedError(
        f"{target} was not replaced: {why}. Choose a new or empty directory (nothing was written)."
    )


def replace_dir(target: Path, kind: OutputKind, fill: Callable[[Path], None]) -> None:
    """Write a new directory with fill(staging) and put it in target's place, whole.

    Refuses (OutputDirRefusedError) as check_target does; a failure in fill leaves target as it
    was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        recover(target)
        _drop_leftovers(target)
        check_target(target, kind)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.matcher-new-", dir=target.parent))
        try:
            fill(staging)
            written = sorted(p.name for p in staging.iterdir())
            lines = [kind.value, *written]
            (staging / MARKER).write_text("\n".join(lines) + "\n", encoding="utf-8")
            _swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def recover(target: Path) -> None:
    """Finish what a killed write left: restore the old result when the target is missing,
    else drop the backup (the new result is in place)."""
    target = Path(target)
    backup = _backup_of(target)
    if not backup.is_dir():
        return
    if target.exists() or target.is_symlink():
        _remove(backup)
    else:
        os.replace(backup, target)


def _drop_leftovers(target: Path) -> None:
    """Remove what a killed write left beside target: its half-written new directory, a
    half-removed old one. Safe under the lock: only a lock holder creates them."""
    for prefix in (f".{target.name}.matcher-new-", f"{_backup_of(target).name}.old-"):
        for leftover in target.parent.glob(f"{glob.escape(prefix)}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    backup = _backup_of(target)
    os.replace(target, backup)
    # A kill here leaves no target and the complete old result at backup: see recover().
    os.replace(staging, target)
    _remove(backup)


def _remove(backup: Path) -> None:
    """Rename away first, so the backup name never holds a half-deleted directory."""
    doomed = Path(tempfile.mkdtemp(prefix=f"{backup.name}.old-", dir=backup.parent))
    os.replace(backup, doomed / "old")
    shutil.rmtree(doomed, ignore_errors=True)


def _backup_of(target: Path) -> Path:
    return target.with_name(f".{target.name}.matcher-backup")


def _read_marker(directory: Path) -> tuple[str | None, frozenset[str]]:
    """The kind in the marker and the files it lists; (None, nothing) without a marker."""
    marker = directory / MARKER
    if not marker.is_file():
        return None, frozenset()
    lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines:
        return None, frozenset()
    return lines[0].strip()[:40], frozenset(line.strip() for line in lines[1:])


def _overlaps(target: Path, source: Path) -> bool:
    """True when source is target or lies inside it."""
    target, source = target.resolve(), source.resolve()
    return source == target or target in source.parents


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the directory itself, so no lock file is left behind."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)
