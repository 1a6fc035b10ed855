"""Use-cases around a round's data: initialise the database, import, export, demo.

The faces (CLI, app) call these functions and only render what comes back; every rule
about what may be written where lives here or below.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matcher.data.db.engine import database_url, engine_for, make_engine, plain_database_errors
from matcher.data.db.engine import redacted_url as redacted_url  # the app shows URLs with it
from matcher.data.db.migrate import current_revision, upgrade
from matcher.data.db.store import ImportRecord, is_empty, load_round, save_round
from matcher.data.demo import generate_region
from matcher.data.issues import Issue
from matcher.data.output_dir import OutputDirRefusedError, OutputKind, check_target
from matcher.data.reader import read_round
from matcher.data.writer import write_round, write_workbook
from matcher.domain import Round
from matcher.services.access import Actor, Permission, require


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the record written and the warnings worth reading."""

    record: ImportRecord
    warnings: tuple[Issue, ...]
    url: str


def init_database(db: str | None = None) -> tuple[str, str | None]:
    """Create or upgrade the schema; returns the database URL and its schema revision."""
    url = database_url(db)
    engine = make_engine(url)
    try:
        with plain_database_errors():
            upgrade(engine)
            return url, current_revision(engine)
    finally:
        engine.dispose()


def import_round(
    path: Path,
    db: str | None = None,
    *,
    actor: Actor,
    replace: bool = False,
    drop_awards: bool = False,
) -> ImportOutcome:
    """Validate a round directory or workbook, then store it in one transaction.

    Validation runs completely before the database is touched, so a round with any error
    writes nothing (RoundImportError carries every error found). A replacement that would
    drop awards made since the last import is refused (AwardsWouldBeLostError) unless
    drop_awards. Data stewards only.
    """
    require(actor, Permission.IMPORT_EXPORT)
    result = read_round(Path(path))
    url = database_url(db)
    engine = make_engine(url)
    try:
        with plain_database_errors():
            record = save_round(
                engine, result.round, source=str(path), replace=replace, drop_awards=drop_awards
            )
    finally:
        engine.dispose()
    return ImportOutcome(record=record, warnings=result.warnings, url=url)


class NoRoundStoredError(Exception):
    """The database is initialised but holds no round."""


def load_current_round(db: str | None = None) -> Round:
    """The round currently stored in the database; NoRoundStoredError when it holds none."""
    with engine_for(db) as engine, plain_database_errors():
        if is_empty(engine):
            raise NoRoundStoredError(
                "the database holds no round; import one first with `matcher import ROUND`"
            )
        return load_round(engine)


def export_round(out: Path, db: str | None = None, *, actor: Actor) -> Round:
    """Write the stored round: a workbook when out ends in .xlsx, else a round directory
    (replacing out whole, and only when it is new, empty or an earlier export). Data
    stewards only."""
    require(actor, Permission.IMPORT_EXPORT)
    is_workbook = Path(out).suffix.lower() == ".xlsx"
    if is_workbook and Path(out).is_dir():
        raise OutputDirRefusedError(f"{out} is a directory; nothing was written")
    if not is_workbook:
        check_target(Path(out), OutputKind.ROUND)
    round_ = load_current_round(db)
    if is_workbook:
        write_workbook(round_, Path(out))
    else:
        write_round(round_, Path(out))
    return round_


def generate_demo(out_dir: Path, seed: int = 2026, round_date: date | None = None) -> Round:
    """Generate the demo region from a seed and write it as a round directory."""
    round_ = (
        generate_region(seed=seed)
        if round_date is None
        else generate_region(seed=seed, round_date=round_date)
    )
    write_round(round_, Path(out_dir))
    return round_


def stored_round(db: str | None = None) -> Round | None:
    """The stored round, or None when the database is new, empty or not initialised."""
    with engine_for(db) as engine, plain_database_errors():
        if current_revision(engine) is None or is_empty(engine):
            return None
        return load_round(engine)


def round_from(round_dir: Path | None = None, db: str | None = None) -> tuple[str, Round]:
    """The round of a directory or workbook (checked as an import), else the one stored in
    the database; with where it came from, in words."""
    if round_dir is not None:
        return str(round_dir), read_round(Path(round_dir)).round
    return "database", load_current_round(db)
