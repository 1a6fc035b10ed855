"""Undo an award made from the app: the request is open again, the provider's room and the
team's budget come back, and the award log gains a ``revoke`` line with who and why.

Only awards made from the app (in the award log, not revoked since) can be revoked here;
awards imported with the round are the data steward's record of care already running.
Runs in the same locked transaction as awarding, so a revoke and an award never interleave.
"""

from sqlalchemy import Connection, Engine, delete, select, update

from matcher.data.db.audit import utc_now
from matcher.data.db.awarding import (
    AwardedLine,
    AwardLine,
    AwardRefusedError,
    _costed,
    _requests,
)
from matcher.data.db.awarding import _write_transaction as write_transaction
from matcher.data.db.schema import award_log, round_tables
from matcher.data.db.store import require_current_schema

AWARD, REVOKE = "award", "revoke"


def revocable(engine: Engine) -> list[AwardedLine]:
    """The awards made from the app that stand (not revoked), oldest first, costed."""
    require_current_schema(engine)
    with engine.connect() as connection:
        standing = _standing(connection)
        requests = _requests(connection, sorted(standing))
        return [
            _costed(line, requests[rid])
            for rid, line in sorted(standing.items())
            if rid in requests
        ]


def revoke_award(engine: Engine, request_id: str, *, who: str, why: str) -> AwardedLine:
    """Revoke the award of one request, or refuse (AwardRefusedError) and change nothing."""
    require_current_schema(engine)
    if not why.strip():
        raise AwardRefusedError([f"say why the award of {request_id} is revoked"])
    with write_transaction(engine) as connection:
        standing = _standing(connection, request_id)
        if request_id not in standing:
            raise AwardRefusedError(
                [f"request {request_id} has no award made from the app that can be revoked"]
            )
        line = _costed(standing[request_id], _requests(connection, [request_id])[request_id])
        awards = round_tables["awards"]
        connection.execute(delete(awards).where(awards.c.request_id == request_id))
        _refund(connection, request_id, line)
        connection.execute(
            award_log.insert().values(
                awarded_at=utc_now(),
                run_id=None,
                request_id=line.request_id,
                provider_id=line.provider_id,
                intervention_id=line.intervention_id,
                tariff=line.tariff,
                units=line.units,
                who=who,
                why=why,
                action=REVOKE,
            )
        )
    return line


def _standing(connection: Connection, request_id: str | None = None) -> dict[str, AwardLine]:
    """Per request, its app award when the request's last log line is an award and the award
    is still in the round."""
    query = select(award_log).order_by(award_log.c.log_id)
    if request_id is not None:
        query = query.where(award_log.c.request_id == request_id)
    last: dict[str, AwardLine | None] = {}
    for row in connection.execute(query):
        last[row.request_id] = (
            AwardLine(row.request_id, row.provider_id, row.tariff, row.units)
            if row.action == AWARD
            else None
        )
    awards = round_tables["awards"]
    present = set(
        connection.execute(
            select(awards.c.request_id).where(awards.c.request_id.in_(list(last)))
        ).scalars()
    )
    return {rid: line for rid, line in last.items() if line is not None and rid in present}


def _refund(connection: Connection, request_id: str, line: AwardedLine) -> None:
    """Give the award's weekly cost back to its team's budget for the segment, if limited."""
    request = _requests(connection, [request_id])[request_id]
    budgets = round_tables["budgets"]
    key = (budgets.c.team_id == request.team_id, budgets.c.segment == request.segment)
    amount = connection.execute(
        select(budgets.c.amount).where(*key).with_for_update()
    ).scalar_one_or_none()
    if amount is not None:
        connection.execute(update(budgets).where(*key).values(amount=amount + line.cost))
