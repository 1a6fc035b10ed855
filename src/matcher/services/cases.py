"""One case: the ranked providers for one request, as a table (``matcher recommend``'s view)."""

import pandas as pd

from matcher.domain import Round
from matcher.matching import recommend

COLUMNS = [
    "rank",
    "provider",
    "provider name",
    "admissible",
    "fits",
    "tariff",
    "cost a week",
    "costs more than best",
    "room left (units a week)",
    "reasons",
]


def ranked_providers(round_: Round, request_id: str) -> pd.DataFrame:
    """Every candidate provider of the request: admissible first, best objective first."""
    names = {p.provider_id: p.name for p in round_.providers}
    rows = [
        {
            "rank": item.rank,
            "provider": item.provider_id,
            "provider name": names.get(item.provider_id, ""),
            "admissible": item.rejection_code is None,
            "fits": item.fits,
            "tariff": None if item.tariff_cents is None else item.tariff_cents / 100,
            "cost a week": None if item.cost_cents is None else item.cost_cents / 100,
            "costs more than best": None if item.delta_cents is None else item.delta_cents / 100,
            "room left (units a week)": None
            if item.remaining_units is None
            else float(item.remaining_units),
            "reasons": "; ".join(item.reasons),
        }
        for item in recommend(round_, request_id)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)
