"""Undoing an award from the app: which awards can be revoked, and revoking one (audited).

The page asks for a confirmation and a reason first; this layer refuses a revoke without a
reason, so the audit always says why an award was undone.
"""

import pandas as pd

from matcher.data.db.awarding import AwardedLine
from matcher.data.db.engine import engine_for
from matcher.data.db.lookups import request_teams
from matcher.data.db.revoking import revocable, revoke_award
from matcher.services.access import (
    Actor,
    Permission,
    own_teams,
    require,
    require_stored_requests,
)

COLUMNS = ["request", "provider", "intervention", "tariff", "units", "cost a week"]


def revocable_awards(
    db: str | None, actor: Actor, request_ids: set[str] | None = None
) -> pd.DataFrame:
    """The standing awards made from the app of the actor's teams' requests (of
    ``request_ids`` when given)."""
    require(actor, Permission.MATCH)
    with engine_for(db) as engine:
        lines = revocable(engine)
        teams_of = request_teams(engine, [line.request_id for line in lines])
    mine = set(own_teams(actor, set(teams_of.values())))
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
        if (request_ids is None or line.request_id in request_ids)
        and teams_of.get(line.request_id) in mine
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def revoke(db: str | None, request_id: str, *, actor: Actor, why: str) -> AwardedLine:
    """Revoke the app award of one request of the actor's teams (AwardRefusedError when it
    cannot be, AccessDeniedError when it is not the actor's)."""
    require_stored_requests(actor, db, [request_id])
    with engine_for(db) as engine:
        return revoke_award(engine, request_id, who=actor.username, why=why)
