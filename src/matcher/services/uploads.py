"""Import a round uploaded through the app: a zip of CSV files or an Excel workbook.

The upload is unpacked into a temporary directory and read with the same reader as
``matcher import``: every error is reported with its file, row and column, and nothing is
written unless the whole round is valid.
"""

import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

import pandas as pd

from matcher.data.contract import TABLES
from matcher.data.db.engine import StorageError
from matcher.data.issues import Issue, RoundImportError
from matcher.data.reader import WORKBOOK_SUFFIXES
from matcher.data.writer import write_workbook
from matcher.domain import Policy, Round
from matcher.services.rounds import ImportOutcome, import_round

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here, not the disk


class UploadError(Exception):
    """The upload is not a zip of CSV files or a workbook, or cannot be unpacked safely."""


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload did: the import, or the findings that stopped it (nothing written)."""

    imported: ImportOutcome | None
    errors: pd.DataFrame  # file, row, column, message; empty when imported
    warnings: pd.DataFrame


def import_upload(name: str, content: bytes, db: str | None) -> UploadOutcome:
    """Validate the upload and, when it has no error, replace the stored round with it."""
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
            outcome = import_round(source, db, replace=True)
        except RoundImportError as exc:
            return UploadOutcome(None, issues_table(exc.errors), issues_table(()))
        except StorageError as exc:
            raise UploadError(f"nothing was imported: {exc}") from None
    return UploadOutcome(outcome, issues_table(()), issues_table(outcome.warnings))


def issues_table(issues: tuple[Issue, ...] | list[Issue]) -> pd.DataFrame:
    """Findings as a table: file, row, column, message."""
    return pd.DataFrame(
        [{"file": i.file, "row": i.row, "column": i.column, "message": i.message} for i in issues],
        columns=["file", "row", "column", "message"],
    )


def _unzip(content: bytes, target: Path) -> Path:
    """Unpack the zip safely; the round is the folder that holds interventions.csv."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise UploadError("the upload is not a valid zip file") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise UploadError("the zip unpacks to more than 200 MB")
        for member in members:
            path = PurePosixPath(member.filename)
            if path.is_absolute() or ".." in path.parts:
                raise UploadError(f"the zip holds an unsafe path: {member.filename}")
            if path.name.startswith(".") or "__MACOSX" in path.parts:
                continue
            destination = target.joinpath(*path.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(member))
    found = sorted(target.rglob("interventions.csv"), key=lambda p: len(p.parts))
    return found[0].parent if found else target


def template_workbook(path: Path) -> Path:
    """An empty round workbook: one sheet per file with its header row, and a policy sheet."""
    empty = Round.model_validate(
        {spec.name: () for spec in TABLES} | {"policy": Policy(round_date=date.today())}
    )
    write_workbook(empty, path)
    return path
