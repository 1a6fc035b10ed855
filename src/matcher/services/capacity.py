"""Capacity use-case: load a round (directory, workbook or the database) and analyse it.

The faces call :func:`capacity_of` and render what comes back; no Typer or Streamlit here.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matcher.capacity.as_of import as_of
from matcher.capacity.report import CapacityReport, analyse
from matcher.capacity.settings import CapacitySettings
from matcher.domain import Round
from matcher.services.access import Actor, Permission, require
from matcher.services.rounds import round_from


@dataclass(frozen=True)
class CapacityRun:
    """A capacity analysis and where its round came from."""

    source: str
    round_: Round
    report: CapacityReport


def capacity_of(
    round_dir: Path | None = None,
    db: str | None = None,
    *,
    horizon: int = 12,
    settings: CapacitySettings | None = None,
    today: date | None = None,
    as_of_date: date | None = None,
) -> CapacityRun:
    """Analyse the round as of its round date (or today when its policy has none), or as
    it was known on ``as_of_date`` (only the history before it; capacity.as_of)."""
    source, round_ = round_from(round_dir, db)
    base = (settings or CapacitySettings()).model_dump()
    settings = CapacitySettings.model_validate({**base, "horizon_months": horizon})
    round_date = round_.effective_policy().round_date or today or date.today()
    if as_of_date is not None:
        if as_of_date > round_date:
            raise ValueError(
                f"--as-of {as_of_date.isoformat()} lies after the round date "
                f"{round_date.isoformat()}: there is no history of it yet."
            )
        round_, round_date = as_of(round_, as_of_date), as_of_date
    return CapacityRun(source, round_, analyse(round_, round_date, settings))


def capacity_report(
    round_: Round,
    settings: CapacitySettings | None = None,
    today: date | None = None,
    *,
    actor: Actor,
) -> CapacityReport:
    """Analyse a round already loaded (the app keeps it in memory); capacity managers only."""
    require(actor, Permission.CAPACITY)
    round_date = round_.effective_policy().round_date or today or date.today()
    return analyse(round_, round_date, settings or CapacitySettings())


def signals_json(report: CapacityReport) -> str:
    """The signals as a JSON list of objects (type, intervention_id, area, month, severity,
    value, threshold, detail, action)."""
    return json.dumps([s.as_dict() for s in report.signals], indent=2, ensure_ascii=False)
