"""Small reads the access checks need, without loading the whole round."""

from collections.abc import Iterable

from sqlalchemy import Engine, select

from matcher.data.db.schema import round_tables


def request_teams(engine: Engine, request_ids: Iterable[str]) -> dict[str, str]:
    """The team of each stored request among ``request_ids`` (absent ones are left out)."""
    wanted = sorted(set(request_ids))
    if not wanted:
        return {}
    requests = round_tables["requests"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(requests.c.request_id, requests.c.team_id).where(
                requests.c.request_id.in_(wanted)
            )
        ).all()
    return {r.request_id: r.team_id for r in rows}
