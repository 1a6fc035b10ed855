"""Write a round as a canonical round directory.

Canonical means: UTF-8 without BOM, comma-separated, ``\\n`` line endings, columns in
contract order, numbers without trailing zeros, ISO dates, lists joined by ``;``, empty
cells for missing values. Values are written exactly, formula-like text included: this is
the data contract other programs and matcher itself read back (matcher.data.spreadsheet
says where text is neutralised for spreadsheets instead). Writing is atomic per directory:
files go to a temporary directory next to the target, which is then moved into place, so a
crash leaves either the old directory or the complete new one.
"""

import csv
import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import tomli_w
from openpyxl import Workbook

from matcher.data.contract import LIST_SEPARATOR, POLICY_FILE, TABLES, TableSpec
from matcher.data.spreadsheet import add_sheet
from matcher.domain import Policy, Round
from matcher.domain.entities import Entity


def format_cell(value: Any) -> str:
    """The canonical text of one cell value."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(format_cell(v) for v in value)
    return str(value)


def write_table(spec: TableSpec, rows: Sequence[Entity], path: Path) -> None:
    """Write one table as canonical CSV."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(spec.column_names)
        for row in rows:
            writer.writerow([format_cell(getattr(row, name)) for name in spec.column_names])


def policy_to_toml(policy: Policy) -> str:
    """The policy as TOML, listing only the keys that differ from the defaults."""
    data = _plain(policy.model_dump(exclude_defaults=True))
    return tomli_w.dumps(data)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def write_round(round_: Round, out_dir: Path) -> None:
    """Write every table the round has (and its policy) into out_dir, replacing it whole."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for spec in TABLES:
            rows = getattr(round_, spec.name)
            if rows is not None:
                write_table(spec, rows, staging / spec.filename)
        if round_.policy is not None:
            (staging / POLICY_FILE).write_text(policy_to_toml(round_.policy), encoding="utf-8")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_workbook(round_: Round, path: Path) -> None:
    """Write the round as one Excel workbook: a sheet per file, cells as text exactly as in
    the CSV files (so ids keep their leading zeros, and `=1+1` stays text, never a formula:
    matcher.data.spreadsheet), and a `policy` sheet of key/value rows.
    Written to a temporary file first, then moved into place."""
    path = Path(path)
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for spec in TABLES:
        rows = getattr(round_, spec.name)
        if rows is None:
            continue
        cells = (
            [format_cell(getattr(row, name)) or None for name in spec.column_names] for row in rows
        )
        add_sheet(book, spec.name, spec.column_names, cells)
    if round_.policy is not None:
        settings = _flatten(_plain(round_.policy.model_dump(exclude_defaults=True)))
        add_sheet(book, "policy", ("key", "value"), ((k, format_cell(v)) for k, v in settings))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(staging)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _flatten(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested settings as dotted keys: {"weights": {"continuity": 50}} -> weights.continuity."""
    pairs: list[tuple[str, Any]] = []
    for key, value in settings.items():
        if isinstance(value, dict):
            pairs += _flatten(value, f"{prefix}{key}.")
        else:
            pairs.append((f"{prefix}{key}", value))
    return pairs


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace target by staging; the old directory is removed only after the move."""
    if not target.exists():
        os.replace(staging, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
