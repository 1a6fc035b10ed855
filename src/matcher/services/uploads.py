"""Import a round uploaded through the app: a zip of CSV files or an Excel workbook.

The upload is unpacked into a temporary directory and read with the same reader as
``matcher import``: every error is reported with its file, row and column, and nothing is
written unless the whole round is valid.
"""

import io
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

import pandas as pd

from matcher.data import zip_limits
from matcher.data.contract import TABLES
from matcher.data.db.engine import StorageError
from matcher.data.db.store import AwardsWouldBeLostError
from matcher.data.issues import Issue, RoundImportError, digest
from matcher.data.reader import WORKBOOK_SUFFIXES
from matcher.data.writer import write_workbook
from matcher.domain import Policy, Round
from matcher.services.access import Actor, Permission, require
from matcher.services.rounds import ImportOutcome, import_round

CHUNK_BYTES = 1024 * 1024  # what one read may unpack: the memory a member can take


DROP_HINT = "tick 'Drop the awards made since the last import' and import again"


class UploadError(Exception):
    """The upload is not a zip of CSV files or a workbook, or cannot be unpacked safely."""


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload did: the import, or the findings that stopped it (nothing written)."""

    imported: ImportOutcome | None
    errors: pd.DataFrame  # file, row, column, message: the first of each file; empty when imported
    warnings: pd.DataFrame  # the same, for the warnings
    n_errors: int = 0  # every error found, listed or not
    n_warnings: int = 0
    more_errors: str = ""  # "... and 199,980 more (199,980 in requests.csv)" when some are left out
    more_warnings: str = ""


def import_upload(
    name: str, content: bytes, db: str | None, *, actor: Actor, drop_awards: bool = False
) -> UploadOutcome:
    """Validate the upload and, when it has no error, replace the stored round with it.

    The awards made since the last import are never dropped silently: unless drop_awards,
    an upload without them is refused (UploadError saying how many). Data stewards only."""
    require(actor, Permission.IMPORT_EXPORT)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="matcher-upload-") as scratch:
        if suffix == ".zip":
            source = _unzip(content, Path(scratch))
        elif suffix in WORKBOOK_SUFFIXES:
            source = Path(scratch) / f"round{suffix}"
            source.write_bytes(content)
        else:
            raise UploadError(f"{name}: upload a .zip of CSV files or an .xlsx workbook")
        try:
            outcome = import_round(source, db, actor=actor, replace=True, drop_awards=drop_awards)
        except RoundImportError as exc:
            errors = digest(exc.errors)
            return UploadOutcome(
                None,
                issues_table(errors.shown),
                issues_table(()),
                n_errors=errors.total,
                more_errors=errors.more(),
            )
        except AwardsWouldBeLostError as exc:
            raise UploadError(str(AwardsWouldBeLostError(exc.lost, DROP_HINT))) from None
        except StorageError as exc:
            raise UploadError(f"nothing was imported: {exc}") from None
    warnings = digest(outcome.warnings)
    return UploadOutcome(
        outcome,
        issues_table(()),
        issues_table(warnings.shown),
        n_warnings=warnings.total,
        more_warnings=warnings.more(),
    )


def issues_table(issues: tuple[Issue, ...] | list[Issue]) -> pd.DataFrame:
    """Findings as a table: file, row, column, message."""
    return pd.DataFrame(
        [{"file": i.file, "row": i.row, "column": i.column, "message": i.message} for i in issues],
        columns=["file", "row", "column", "message"],
    )


def _unzip(content: bytes, target: Path) -> Path:
    """Unpack the zip safely; the round is the folder that holds interventions.csv.

    The sizes in a zip's headers are the sender's word: the bytes are counted as they come
    out, in small chunks, so a member that lies about its size stops at the limit with
    little memory used. A damaged zip is refused in words, never as a traceback.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _extract(archive, target)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UploadError(
            f"the upload is not a valid zip file, or is damaged ({type(exc).__name__}); "
            "nothing was imported"
        ) from None
    found = sorted(target.rglob("interventions.csv"), key=lambda p: len(p.parts))
    return found[0].parent if found else target


def _extract(archive: zipfile.ZipFile, target: Path) -> None:
    members = [m for m in archive.infolist() if not m.is_dir()]
    try:
        zip_limits.check_members(members)
    except zip_limits.ZipLimitError as exc:
        raise UploadError(f"the zip was refused: {exc}; nothing was imported") from None
    unpacked = 0
    for member in members:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts:
            raise UploadError(f"the zip holds an unsafe path: {member.filename}")
        if path.name.startswith(".") or "__MACOSX" in path.parts:
            continue
        destination = target.joinpath(*path.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, destination.open("wb") as sink:
            while chunk := source.read(CHUNK_BYTES):
                unpacked += len(chunk)
                if unpacked > zip_limits.MAX_UNPACKED_BYTES:
                    raise UploadError(
                        f"the zip was refused: it unpacks to more than "
                        f"{zip_limits.MAX_UNPACKED_BYTES // (1024 * 1024)} MB; nothing was imported"
                    )
                sink.write(chunk)


def template_workbook(path: Path) -> Path:
    """An empty round workbook: one sheet per file with its header row, and a policy sheet."""
    empty = Round.model_validate(
        {spec.name: () for spec in TABLES} | {"policy": Policy(round_date=date.today())}
    )
    write_workbook(empty, path)
    return path
