"""The message catalogue: every code has words, numbers and dates in the locale's format."""

from datetime import date

import pandas as pd
import pytest

from matcher.capacity.signals import SIGNAL_TYPES
from matcher.matching import CLASS_STAGES, COST_STAGE, MatchStatus
from matcher.matching.explain import REASON_CODES
from matcher.services import catalogue
from matcher.services.catalogue import (
    day,
    euros,
    in_words,
    mase_words,
    number,
    percent,
    readable,
    words,
)


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("reason", REASON_CODES),
        ("status", tuple(s.value for s in MatchStatus)),
        ("stage", (*CLASS_STAGES, COST_STAGE)),
        ("signal", SIGNAL_TYPES),
    ],
)
def test_every_code_the_engine_speaks_has_words_without_underscores(
    kind: str, codes: tuple[str, ...]
) -> None:
    for code in codes:
        assert code in catalogue.TABLES[kind], code
        assert "_" not in words(kind, code)
        assert words(kind, code) != code or "_" not in code


def test_an_unknown_code_is_shown_with_spaces_and_codes_inside_a_sentence_are_replaced() -> None:
    assert words("reason", "brand_new_reason") == "brand new reason"
    text = in_words("signal", "K01 (region): under_supply (high), over_supply (low)")
    assert text == (
        "K01 (region): Too little capacity (high), "
        "Too much capacity (providers with too little work) (low)"
    )


def test_numbers_in_english_and_dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert euros(1234.5) == "€ 1,234.50"
    assert percent(0.907) == "91%"
    assert number(float("inf")) == "never"
    assert number(None) == ""
    assert number(float("nan")) == ""
    assert day(date(2026, 12, 2)) == "2026-12-02"
    monkeypatch.setenv("MATCHER_LOCALE", "nl_NL")
    assert euros(1234.5) == "€ 1.234,50"
    assert number(977.0418, 1) == "977,0"
    assert day(date(2026, 12, 2)) == "2-12-2026"


def test_mase_is_said_against_the_naive_forecast() -> None:
    assert "worse than the naive forecast" in mase_words(1.37)
    assert "1.37" in mase_words(1.37)
    assert "better than the naive forecast" in mase_words(0.8)
    assert "too short" in mase_words(None)


def test_readable_names_columns_words_statuses_and_shows_local_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MATCHER_TIMEZONE", "Europe/Amsterdam")
    stored = pd.DataFrame(
        {
            "run_id": [1],
            "started_at": [pd.Timestamp("2026-12-02 21:00:00")],  # UTC, as SQLite gives it
            "status": ["feasible"],
            "n_assigned": [5],
        }
    )
    shown = readable(stored)
    assert list(shown.columns) == ["run", "started", "status", "placed"]
    assert shown.loc[0, "status"] == "Best found"
    assert shown.loc[0, "started"] == pd.Timestamp("2026-12-02 22:00:00")  # CET = UTC + 1
    assert stored.loc[0, "status"] == "feasible"  # the stored table is not changed
