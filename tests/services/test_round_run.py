"""run_round: the one use-case behind matcher match, the app's Matching round and the
batch's proposals; every face renders its typed report and they agree."""

from decimal import Decimal
from pathlib import Path

import pytest

from matcher.data.issues import RoundImportError
from matcher.domain import Round
from matcher.matching import TERM_NAMES, TERMS, Overrides, Unplaced
from matcher.services import rounds
from matcher.services.catalogue import TERMS as WORDS
from matcher.services.match_output import ASSIGNMENT_COLUMNS, assignment_rows, summary_json
from matcher.services.round_run import (
    MIN_SEARCH,
    RUN_MARGIN,
    WRITE_SHARE,
    ChangeSearch,
    RoundSettings,
    RunDeadline,
    StoredRound,
    run_round,
)
from matcher.services.round_tables import proposals_table, run_figures, unplaced_table
from tests.actors import STEWARD
from tests.matching.builders import award, bid, capacity, make_round, provider, request
from tests.paths import ROOT, TINY
from tests.services.small_rounds import OPTIMAL_COST, OPTIMUM, narrow_p2, two_for_one_slot


def test_the_report_is_typed_in_cents_and_adds_up_to_its_summary() -> None:
    report = run_round(two_for_one_slot())
    summary = report.summary
    assert summary.status == "optimal"
    assert report.solved
    assert {p.request_id: p.provider_id for p in report.proposals} == OPTIMUM
    assert summary.total_cost_cents == int(OPTIMAL_COST * 100)
    assert sum(p.cost_cents for p in report.proposals) == summary.total_cost_cents
    assert sum(p.objective_cents for p in report.proposals) == summary.objective_cents
    assert all(tuple(p.terms) == TERM_NAMES for p in report.proposals)
    assert [u.request_id for u in report.unplaced] == ["R3"]
    assert report.unplaced[0].code == "tariff_out_of_band"
    assert summary.gap == 0
    assert summary.gap_known
    assert summary.bound_cents is not None


def test_a_directory_and_the_stored_round_give_the_same_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    rounds.init_database(url)
    rounds.import_round(TINY, url, actor=STEWARD)
    from_dir = run_round(TINY, RoundSettings(changes=ChangeSearch(max_changes=0)))
    from_db = run_round(StoredRound(url), RoundSettings(changes=ChangeSearch(max_changes=0)))
    assert from_dir.proposals == from_db.proposals
    assert from_dir.unplaced == from_db.unplaced
    assert from_dir.summary.objective_cents == from_db.summary.objective_cents


def test_a_round_with_errors_is_refused_before_solving(tmp_path: Path) -> None:
    broken = tmp_path / "round"
    broken.mkdir()
    for path in TINY.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    (broken / "requests.csv").write_text("request_id\nR1\n", encoding="utf-8")
    with pytest.raises(RoundImportError):
        run_round(broken)


def test_the_cli_rows_and_the_app_tables_render_the_same_report() -> None:
    report = run_round(two_for_one_slot())
    rows = [dict(zip(ASSIGNMENT_COLUMNS, row, strict=True)) for row in assignment_rows(report)]
    table = proposals_table(report)
    assert [r["request_id"] for r in rows] == list(table["request"])
    assert [r["provider_id"] for r in rows] == list(table["provider"])
    assert [Decimal(r["cost"]) for r in rows] == [Decimal(str(v)) for v in table["cost a week"]]
    figures, written = run_figures(report), summary_json(report)
    for key in ("status", "n_requests", "n_assigned", "total_cost", "objective", "bound", "gap"):
        assert figures[key] == written[key], key
    assert list(unplaced_table(report)["request"]) == [u.request_id for u in report.unplaced]


def stale_pin_round() -> tuple[Round, frozenset[tuple[str, str]]]:
    """R1 is awarded to P1 already; a session still pins R2 to P2 and R1 to P1."""
    round_ = make_round(
        [provider("P1"), provider("P2")],
        [request("R1"), request("R2")],
        [bid("R1", "P1", "60"), bid("R2", "P1", "60"), bid("R2", "P2", "70")],
        [capacity("P1", "10"), capacity("P2", "10")],
        awards=[award("R1", "P1", "4")],
    )
    return round_, frozenset({("R1", "P1"), ("R2", "P2")})


def test_stale_pins_are_dropped_with_a_notice_only_when_asked() -> None:
    round_, pins = stale_pin_round()
    dropping = run_round(round_, RoundSettings(drop_stale=True), Overrides(pins=pins))
    assert dropping.summary.status == "optimal"
    assert dropping.dropped == {("R1", "P1")}
    assert len(dropping.notices) == 1
    assert dropping.overrides.pins == {("R2", "P2")}
    assert {p.request_id: p.provider_id for p in dropping.proposals} == {"R2": "P2"}
    strict = run_round(round_, RoundSettings(), Overrides(pins=pins))
    assert strict.summary.status == "infeasible"
    assert strict.summary.gap is None
    assert strict.summary.bound_cents is None
    assert {(c.request_id, c.provider_id) for c in strict.result.pin_conflicts} == {("R1", "P1")}
    assert strict.proposals == ()
    assert strict.unplaced == ()


def test_the_change_search_is_skipped_when_asked_or_when_the_round_is_large() -> None:
    narrow = narrow_p2()  # R1 is left; one more hour at P2 places it
    searched = run_round(narrow, RoundSettings(changes=ChangeSearch(max_changes=5)))
    r1 = next(u for u in searched.unplaced if u.request_id == "R1")
    assert r1.cheapest_change is not None
    assert r1.cheapest_change.startswith("1.0 more hours a week at P2")
    assert r1.text.endswith(f"cheapest change: {r1.cheapest_change}")
    skipped = run_round(narrow, RoundSettings(changes=ChangeSearch(max_changes=0)))
    assert all(u.cheapest_change is None for u in skipped.unplaced)
    later = skipped.search_changes(narrow, how_many=1, seconds_each=5.0)
    assert later.unplaced == searched.unplaced  # asked for later, the same change
    assert later.proposals == skipped.proposals
    run = RunDeadline(0.0, clock=lambda: 1.0)
    plan = ChangeSearch(enabled=None, one_deadline=False).plan(20.0, run, n_pairs=2001)
    assert plan["find_changes"] is False
    assert ChangeSearch(enabled=None).plan(20.0, run, n_pairs=10)["find_changes"] is True
    spent = RunDeadline(0.0, clock=lambda: 25.0)  # past 1.2 x the limit: no time to look
    assert ChangeSearch(enabled=None).plan(20.0, spent, n_pairs=10)["find_changes"] is False
    assert ChangeSearch(enabled=None, one_deadline=False).plan(20.0, spent, 10)["find_changes"]


def test_a_request_without_reasons_reads_unexplained() -> None:
    lone = Unplaced("R9", (), None)
    assert (lone.code, lone.text) == ("unexplained", "no reason was found")


def test_the_terms_are_named_alike_in_the_model_the_csv_and_the_regisseurs_words() -> None:
    model = (ROOT / "models" / "matching.md").read_text(encoding="utf-8")
    for term in TERMS:
        assert term.column in ASSIGNMENT_COLUMNS
        assert f"`{term.name}`" in model, term.name
        assert WORDS[term.name] == term.name
    assert set(WORDS) == set(TERM_NAMES)


def test_the_change_search_takes_no_longer_than_the_solve_before_it() -> None:
    def after(seconds: float) -> RunDeadline:
        """A run that started ``seconds`` ago on a clock standing still."""
        return RunDeadline(0.0, clock=lambda: seconds)

    plan = ChangeSearch().plan(60.0, after(3.0), n_pairs=10)  # read and solved 3 s of 60
    assert plan["change_seconds"] == 3.0
    assert plan["deadline"].end == pytest.approx((RUN_MARGIN - WRITE_SHARE) * 60.0)
    quick = ChangeSearch().plan(60.0, after(0.1), n_pairs=10)["change_seconds"]
    assert quick == MIN_SEARCH  # a quick run still leaves time to look
    assert ChangeSearch().plan(8.0, after(7.0), 10)["change_seconds"] == 2.0  # a quarter
    late = ChangeSearch().plan(2.0, after(2.2), n_pairs=10)["deadline"]
    assert late.left() == pytest.approx((RUN_MARGIN - WRITE_SHARE) * 2.0 - 2.2)
    # a run that read its round for 5 s and then solved for 3 s searches for 3 s, not 8
    assert ChangeSearch().plan(60.0, after(8.0), 10, solved_for=3.0)["change_seconds"] == 3.0
    assert ChangeSearch().plan(60.0, after(8.0), 10, solved_for=0.5)["change_seconds"] == 2.0
    unbounded = ChangeSearch(one_deadline=False).plan(2.0, after(2.2), n_pairs=10)
    assert (unbounded["change_seconds"], unbounded["deadline"]) == (60.0, None)
