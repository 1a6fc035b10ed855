"""``matcher recommend``: the ranked providers for one request, and their JSON records.

Nothing is solved, so no solver is imported: the round is read (a directory or workbook
checked like an import, or the stored round), its pairs are built and ranked by
``matcher.matching.recommend``. It lives apart from ``services.matching`` (which imports the
whole round run) and loads the database layer only for a stored round: ranking a round
directory waits for neither.

Decision: recommend reads the tables it ranks on, not history.csv (the forecasting history,
two thirds of the demo's rows): an error in history.csv does not stop a ranking, while
``matcher match`` and ``matcher import`` still check the whole round.
"""

from pathlib import Path
from typing import Any

from matcher.data.reader import read_round
from matcher.domain import Round
from matcher.domain.money import euro_amount
from matcher.matching import Recommendation, recommend

# Optional tables that ranking never uses, left unread (data.reader's skip).
NOT_RANKED_ON = frozenset({"history"})


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
    directory or workbook is read without its history (NOT_RANKED_ON). Raises
    RoundImportError for a round with errors, NoRecommendationError when there is nothing
    to rank.
    """
    if path is not None:
        round_ = read_round(Path(path), skip=NOT_RANKED_ON).round
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
