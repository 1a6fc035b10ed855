"""``matcher recommend``: the ranked providers for one request, and their JSON records.

Nothing is solved, so no solver is imported: the round is read (a directory or workbook
checked like an import, or the stored round), its pairs are built and ranked by
``matcher.matching.recommend``. It lives apart from ``services.matching`` (which imports the
whole round run) and loads the database layer only for a stored round: ranking a round
directory waits for neither.

Decision: recommend reads the rows it ranks on and no others (``OneRequest``): the
request, its bids, the standing offers for its intervention, the certifications, capacity
rows and running awards that bear on the providers that bid or offer, and the
interventions, providers, teams, budgets and policy whole; not history.csv (the
forecasting history, two thirds of the demo's rows). The ranking is the one of the whole
round, since it depends on nothing else (tests/services/test_recommend_rows.py); an error
in a row left out does not stop it, while ``matcher match`` and ``matcher import`` still
check the whole round.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matcher.data.reader import Wanted, read_round
from matcher.domain import ALL_INTERVENTIONS, Bid, CapacityRow, Offer, Request, Round
from matcher.domain.entities import Entity
from matcher.domain.money import euro_amount
from matcher.matching import Recommendation, recommend

# Optional tables that ranking never uses, left unread (data.reader's skip).
NOT_RANKED_ON = frozenset({"history"})


class OneRequest:
    """The rows one request's ranking reads (data.reader's RowChoice).

    The pairs are the request's bids and the standing offers for its intervention ``i``;
    whether a provider ``p`` of them is admissible and how much room it has depends only on
    its certifications for ``i``, its capacity rows ``(p, i)`` and ``(p, *)``, and the running
    awards those rows count: its awards for ``i``, or all of them when it has a ``*`` row.
    The request's own award (if any) makes it not open. The small tables are read whole, so
    the client's preferred, excluded and current providers are checked as in the whole round.
    """

    first = ("requests", "bids", "offers", "capacity")

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id

    def rows(self, table: str, read: Mapping[str, tuple[Entity, ...]]) -> Wanted | None:
        """Which rows of table the ranking needs, from the request, bids, offers and capacity
        rows read before it."""
        own = frozenset({self.request_id})
        if table in ("requests", "bids"):
            return ({"request_id": own},)
        found = [r.intervention_id for r in read.get("requests", ()) if isinstance(r, Request)]
        intervention = frozenset(found)
        if table == "offers":
            return ({"intervention_id": intervention},)
        bids_and_offers = (*read.get("bids", ()), *read.get("offers", ()))
        providers = frozenset(e.provider_id for e in bids_and_offers if isinstance(e, Bid | Offer))
        if table == "capacity":
            return (
                {"provider_id": providers, "intervention_id": intervention | {ALL_INTERVENTIONS}},
            )
        if table == "certifications":
            return ({"provider_id": providers, "intervention_id": intervention},)
        if table == "awards":
            with_total = frozenset(
                c.provider_id
                for c in read.get("capacity", ())
                if isinstance(c, CapacityRow) and c.is_total
            )
            return (
                {"provider_id": providers, "intervention_id": intervention},
                {"provider_id": with_total},
                {"request_id": own},
            )
        return None


class NoRecommendationError(Exception):
    """Nothing to rank: the database holds no round (or is not initialised), or the request
    is not open in the round. One error, so that the command line can catch it without
    importing the database layer."""


class UnknownRequestError(NoRecommendationError):
    """The request is not in the round, or not open (awarded already, or task-funded)."""


def recommend_for(
    request_id: str, path: Path | None = None, db: str | None = None
) -> list[Recommendation]:
    """Ranked providers for one request of the round in path, else of the stored round.

    No solve: the request's admissible providers are ranked by the last stage's objective,
    with the room left after running awards (``matcher.matching.recommend``). A round
    directory or workbook is read for the request's rows only (OneRequest). Raises
    RoundImportError for a round with errors, NoRecommendationError when there is nothing
    to rank.
    """
    if path is not None:
        round_ = read_round(Path(path), NOT_RANKED_ON, OneRequest(request_id)).round
    else:
        round_ = _stored_round(db)
    try:
        return recommend(round_, request_id)
    except ValueError as exc:
        raise UnknownRequestError(str(exc)) from None


def _stored_round(db: str | None) -> Round:
    from matcher.data.db.store import DatabaseNotInitialisedError
    from matcher.services.rounds import NoRoundStoredError, load_current_round

    try:
        return load_current_round(db)
    except (DatabaseNotInitialisedError, NoRoundStoredError) as exc:
        raise NoRecommendationError(str(exc)) from exc


def recommendation_record(item: Recommendation) -> dict[str, Any]:
    """One recommendation as plain JSON values: euros with two decimals, units as numbers."""
    return {
        "provider_id": item.provider_id,
        "rank": item.rank,
        "tariff": euro_amount(item.tariff_cents),
        "units": None if item.units is None else float(item.units),
        "cost": euro_amount(item.cost_cents),
        "objective": euro_amount(item.objective_cents),
        "terms": {name: euro_amount(cents) for name, cents in item.terms.items()},
        "delta": euro_amount(item.delta_cents),  # objective difference to rank 1 (a score)
        "cost_delta": euro_amount(item.cost_delta_cents),  # euros a week paid more than rank 1
        "remaining_units": None if item.remaining_units is None else float(item.remaining_units),
        "fits": item.fits,
        "reasons": list(item.reasons),
        "rejection_code": item.rejection_code,
    }
