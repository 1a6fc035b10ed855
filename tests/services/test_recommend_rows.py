"""`matcher recommend` reads one request's rows (services.recommend.OneRequest): its ranking
must be the one of the whole round, for every request, on the demo and on random rounds.

The reference is the whole-round path: every row of every file read and checked, then
``matching.recommend`` on that round.
"""

import functools
import tempfile
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.data import reader
from matcher.data.contract import TABLES
from matcher.data.reader import read_round
from matcher.data.sources import read_csv
from matcher.data.writer import write_round, write_workbook
from matcher.domain import Award, Round
from matcher.matching import Recommendation, recommend
from matcher.services.recommend import (
    NOT_RANKED_ON,
    OneRequest,
    UnknownRequestError,
    recommend_for,
)
from tests.matching.strategies import ROUND_DATE, scarce_rounds
from tests.paths import DEMO
from tests.profiles import examples, fixed_draws

Answer = list[Recommendation] | str  # the ranking, or why there is none


def whole_round_answer(round_: Round, request_id: str) -> Answer:
    try:
        return recommend(round_, request_id)
    except ValueError as exc:
        return str(exc)


def fast_answer(source: Path, request_id: str) -> Answer:
    try:
        return recommend_for(request_id, source)
    except UnknownRequestError as exc:
        return str(exc)


def assert_rows_read_are_the_rounds(source: Path, whole: Round, request_id: str) -> None:
    """Every row the fast path read is a row of the whole round (nothing made up)."""
    part = read_round(source, NOT_RANKED_ON, OneRequest(request_id)).round
    for spec in TABLES:
        rows = getattr(part, spec.name)
        if rows is not None:
            assert all(row in getattr(whole, spec.name) for row in rows), spec.name


def test_every_request_of_the_demo_ranks_as_in_the_whole_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each file's text is split into cells once, not once per request (the rows chosen from
    # those cells are what is tested): 466 reads of the demo take 12 s instead of 50.
    monkeypatch.setattr(reader, "read_csv", functools.cache(read_csv))
    whole = read_round(DEMO).round
    ids = [r.request_id for r in whole.requests]
    ranked = 0
    for request_id in [*ids, "R99999"]:
        expected = whole_round_answer(whole, request_id)
        assert fast_answer(DEMO, request_id) == expected, request_id
        ranked += isinstance(expected, list) and bool(expected)
    assert ranked > len(ids) // 2  # the demo's requests do have providers to rank
    assert_rows_read_are_the_rounds(DEMO, whole, ids[0])


def test_the_demo_is_read_for_one_request_only() -> None:
    request_id = read_round(DEMO, NOT_RANKED_ON).round.requests[0].request_id
    part = read_round(DEMO, NOT_RANKED_ON, OneRequest(request_id)).round

    assert [r.request_id for r in part.requests] == [request_id]
    assert {b.request_id for b in part.bids} == {request_id}
    assert part.awards is not None
    assert len(part.awards) < 1000  # of the demo's 5,923: those of its bidders only
    assert part.history is None


@st.composite
def rounds_at_the_edges(draw: st.DrawFn) -> Round:
    """A scarce round (exclusions, expired certificates, `*` rows, budgets, share caps) with
    intake stops (capacity 0), a provider filled by running awards, and requests awarded
    already (not open)."""
    round_ = draw(scarce_rounds())
    pids = [p.provider_id for p in round_.providers]
    iids = [i.intervention_id for i in round_.interventions]
    capacity = tuple(
        row.model_copy(update={"capacity_units": Decimal(0)})
        if draw(st.integers(0, 4)) == 0
        else row
        for row in round_.capacity
    )
    full = draw(st.sampled_from(pids))
    awards = [
        *(round_.awards or ()),
        *(
            Award(
                request_id=f"FULL-{iid}",
                provider_id=full,
                intervention_id=iid,
                tariff=Decimal(30),
                units=Decimal(draw(st.integers(5, 30))),
                awarded_on=ROUND_DATE - timedelta(days=30),
            )
            for iid in iids
        ),
        *(
            Award(
                request_id=rid,
                provider_id=draw(st.sampled_from(pids)),
                intervention_id=draw(st.sampled_from(iids)),
                tariff=Decimal(30),
                units=Decimal(2),
                awarded_on=ROUND_DATE - timedelta(days=10),
            )
            for rid in draw(
                st.lists(
                    st.sampled_from([r.request_id for r in round_.requests]),
                    max_size=2,
                    unique=True,
                )
            )
        ),
    ]
    return round_.model_copy(update={"capacity": capacity, "awards": tuple(awards)})


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(round_=rounds_at_the_edges(), as_workbook=st.sampled_from([False, False, False, True]))
def test_every_request_of_a_random_round_ranks_as_in_the_whole_round(
    round_: Round, as_workbook: bool
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / ("round.xlsx" if as_workbook else "round")
        if as_workbook:
            write_workbook(round_, source)
        else:
            write_round(round_, source)
        whole = read_round(source).round
        for request in whole.requests:
            expected = whole_round_answer(whole, request.request_id)
            assert fast_answer(source, request.request_id) == expected, request.request_id
            assert_rows_read_are_the_rounds(source, whole, request.request_id)


REACHED = ("not open", "excluded", "full", "no room at all", "over budget", "ranked")


def test_the_random_rounds_reach_the_cases_where_other_rows_could_matter() -> None:
    """The comparison above only guards rows that decide something: count, over 100 drawn
    rounds, the requests whose ranking shows each case."""
    seen: Counter[str] = Counter()

    @fixed_draws(100)
    @given(rounds_at_the_edges())
    def count(round_: Round) -> None:
        for request in round_.requests:
            answer = whole_round_answer(round_, request.request_id)
            if isinstance(answer, str):
                seen["not open"] += 1
                continue
            ranked = [x for x in answer if x.rank is not None]
            seen["ranked"] += bool(ranked)
            seen["excluded"] += any(x.rejection_code == "excluded_by_client" for x in answer)
            seen["full"] += any(any(r.startswith("full:") for r in x.reasons) for x in ranked)
            seen["no room at all"] += any(x.remaining_units == 0 for x in ranked)
            seen["over budget"] += any(any("over budget" in r for r in x.reasons) for x in ranked)

    count()
    print(dict(seen))
    assert all(seen[case] >= 10 for case in REACHED), dict(seen)
