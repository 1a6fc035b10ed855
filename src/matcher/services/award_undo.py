"""Undoing an award from the app: which awards can be revoked, and revoking one (audited).

The page asks for a confirmation and a reason first; this layer refuses a revoke without a
reason, so the audit always says why an award was undone.
"""

import pandas as pd

from matcher.data.db.awarding import AwardedLine
from matcher.data.db.engine import engine_for
from matcher.data.db.revoking import revocable, revoke_award

COLUMNS = ["request", "provider", "intervention", "tariff", "units", "cost a week"]


def revocable_awards(db: str | None, request_ids: set[str] | None = None) -> pd.DataFrame:
    """The standing awards made from the app (those of ``request_ids`` when given)."""
    with engine_for(db) as engine:
        lines = revocable(engine)
    rows = [
        {
            "request": line.request_id,
            "provider": line.provider_id,
            "intervention": line.intervention_id,
            "tariff": float(line.tariff),
            "units": float(line.units),
            "cost a week": float(line.cost),
        }
        for line in lines
        if request_ids is None or line.request_id in request_ids
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def revoke(db: str | None, request_id: str, *, who: str, why: str) -> AwardedLine:
    """Revoke the app award of one request (AwardRefusedError when it cannot be)."""
    with engine_for(db) as engine:
        return revoke_award(engine, request_id, who=who, why=why)
