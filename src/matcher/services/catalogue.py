"""The words the app shows for the codes it keeps, and how it writes numbers: one catalogue.

Codes (``capacity_full``, ``optimal``, ``under_supply``) stay in the CSV and JSON for tools;
people read the sentences here. Every string goes through :func:`_` (stdlib gettext, domain
``matcher``), so ``pybabel extract -k _ -k N_`` collects them and a Dutch catalogue in
``locale/nl/LC_MESSAGES/matcher.mo`` translates them without touching a page. Numbers and
dates follow the chosen locale: ``en`` (1,234.50; 2026-12-02) or ``nl`` (1.234,50; 2-12-2026).
"""

import gettext
import math
import os
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LOCALES = ("en", "nl")


def locale() -> str:
    """The locale of numbers, dates and words: $MATCHER_LOCALE (en by default)."""
    chosen = os.environ.get("MATCHER_LOCALE", "en").split("_")[0].lower()
    return chosen if chosen in LOCALES else "en"


def _(message: str) -> str:
    """The message in the locale's language (the English text when there is no catalogue)."""
    found = gettext.translation("matcher", LOCALE_DIR, languages=[locale()], fallback=True)
    return found.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "mark only, translate later"
    """Mark a message for extraction; it is translated where it is shown, by :func:`_`."""
    return message


REASONS = {
    "no_admissible_bid": N_("no provider bid on it and none has a standing offer"),
    "not_certified": N_("the providers that bid are not certified for it"),
    "certification_expired": N_("the providers' certificates are not valid on its start date"),
    "tariff_out_of_band": N_("the tariffs offered are outside the tariff band"),
    "excluded_by_client": N_("the client excluded the providers that bid"),
    "missing_specialism": N_("no provider that bid offers the specialism it needs"),
    "beyond_distance": N_("the providers that bid are too far away"),
    "no_capacity": N_("the providers that bid have declared no capacity for it"),
    "forbidden": N_("the regisseur forbade the matches"),
    "capacity_full": N_("the providers that could take it are full"),
    "budget_exhausted": N_("the team's budget is used up"),
    "market_share_cap": N_("the providers would exceed the market-share cap"),
    "outranked": N_("more urgent or longer-waiting requests took the room"),
    "task_funded": N_("task-funded care is not matched case by case"),
    "pin_conflict": N_("the pins contradict each other or the round"),
    "time_limit": N_("the solver stopped at its time limit before placing it"),
    "not_explained": N_("the run reached its time limit before its reasons were worked out"),
}

STATUSES = {
    "optimal": N_("Proven best"),
    "feasible": N_("Best found"),
    "infeasible": N_("No solution"),
    "error": N_("Failed"),
}

STAGES = {
    "place_crisis": N_("placing crisis requests"),
    "place_high": N_("placing high-urgency requests"),
    "place_normal": N_("placing normal requests"),
    "cost": N_("lowest cost"),
}

# The objective terms of matching.TERMS, by the same names (models/matching.md, the CSV's
# ``*_term`` columns): cost is paid, the others are a score that only ranks.
TERMS = {
    "cost": N_("cost"),
    "distance": N_("distance"),
    "preference": N_("preference"),
    "continuity": N_("continuity"),
}

SIGNALS = {
    "under_supply": N_("Too little capacity"),
    "over_supply": N_("Too much capacity (providers with too little work)"),
    "concentration": N_("One provider holds most of the care"),
    "too_big_to_fail": N_("Too big to fail"),
    "certification_expiry": N_("Certificates ending"),
}

METHODS = {
    "ets_seasonal": N_("exponential smoothing with trend and season"),
    "ets_trend": N_("exponential smoothing with trend"),
    "mean_fallback": N_("the average of the months so far (too little history for a model)"),
    "mean_by_backtest": N_(
        "the average of the last twelve months (it forecast the held-out months better "
        "than exponential smoothing)"
    ),
}

TABLES = {
    "reason": REASONS,
    "status": STATUSES,
    "stage": STAGES,
    "term": TERMS,
    "signal": SIGNALS,
    "method": METHODS,
}


def words(kind: str, code: str) -> str:
    """The words for one code of a kind (reason, status, stage, signal); unknown codes are
    shown with spaces rather than underscores, never as a bare code."""
    known = TABLES[kind].get(code)
    return _(known) if known is not None else code.replace("_", " ")


def many(kind: str, codes: str, sep: str = ", ") -> str:
    """Words for a ``sep``-separated list of codes, as a sentence fragment joined by '; '."""
    return "; ".join(words(kind, code.strip()) for code in codes.split(sep) if code.strip())


def plain(code: str) -> str:
    """A data set's own code (a product group, a specialism) readable: no underscores."""
    return code.replace("_", " ")


def in_words(kind: str, text: str) -> str:
    """A sentence written with codes of a kind, with each code replaced by its words."""
    for code in sorted(TABLES[kind], key=len, reverse=True):
        text = text.replace(code, words(kind, code))
    return text


def number(value: float | None, decimals: int = 2) -> str:
    """A number in the locale's format; empty for a missing value, "never" for infinity."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isinf(value):
        return _("never")
    text = f"{value:,.{decimals}f}"
    if locale() == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def euros(value: float | None, decimals: int = 2) -> str:
    """An amount in euros, e.g. € 1,234.50 (nl: € 1.234,50); empty when missing."""
    text = number(value, decimals)
    return f"€ {text}" if text else ""


def percent(share: float | None, decimals: int = 0) -> str:
    """A share 0..1 as a percentage, e.g. 0.907 -> 91%; empty when missing."""
    text = number(None if share is None else share * 100, decimals)
    return f"{text}%" if text else ""


def day(value: date | None) -> str:
    """A date in the locale's format: 2026-12-02 (en, ISO) or 2-12-2026 (nl)."""
    if value is None:
        return ""
    return f"{value.day}-{value.month}-{value.year}" if locale() == "nl" else value.isoformat()


def mase_words(mase: float | None) -> str:
    """The backtest error of a forecast, said against the naive forecast it is scaled by
    (the same month a year earlier, or the previous month on a short series)."""
    if mase is None:
        return _("no backtest (the series is too short)")
    if mase < 1:
        verdict = _("better than the naive forecast")
    elif mase == 1:
        verdict = _("as good as the naive forecast")
    else:
        verdict = _("worse than the naive forecast: read it with care")
    text = _(
        "backtest error {mase} (MASE: below 1 beats the naive forecast of the same month a "
        "year earlier, or of the previous month): {verdict}"
    )
    return text.format(mase=number(mase), verdict=verdict)


# Column names of the stored records, in words for the page (the downloads keep the names).
COLUMNS = {
    "run_id": N_("run"),
    "log_id": N_("no."),
    "started_at": N_("started"),
    "awarded_at": N_("when"),
    "logged_at": N_("when"),
    "run_date": N_("run date"),
    "request_id": N_("request"),
    "provider_id": N_("provider"),
    "intervention_id": N_("intervention"),
    "n_requests": N_("requests"),
    "n_assigned": N_("placed"),
    "total_cost": N_("cost a week"),
    "reason_code": N_("reason"),
}
# Which column holds codes of which kind, to be shown in words.
CODED = {"status": "status"}
# Time stamps of the audit, stored in UTC (SQLite hands them back without the zone).
UTC_COLUMNS = ("started_at", "finished_at", "awarded_at", "logged_at", "imported_at")


def timezone() -> ZoneInfo:
    """The time zone times are shown in: $MATCHER_TIMEZONE, else Europe/Amsterdam (the
    audit stores UTC)."""
    try:
        return ZoneInfo(os.environ.get("MATCHER_TIMEZONE", "Europe/Amsterdam"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A stored table as people read it: column names in words, codes in words, times in
    the local time zone (without the offset), nothing else changed."""
    out = frame.copy()
    zone = timezone()
    for name in out.columns:
        if name in CODED:
            out[name] = [words(CODED[name], str(v)) if v is not None else "" for v in out[name]]
        elif name in UTC_COLUMNS and len(out):
            stamps = pd.to_datetime(out[name], utc=True)
            out[name] = stamps.dt.tz_convert(zone).dt.tz_localize(None)
    return out.rename(columns={k: _(v) for k, v in COLUMNS.items() if k in out.columns})
