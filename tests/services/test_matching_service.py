"""The matching use-case: outputs, overrides files, warm start, atomic writes, export."""

import json
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from ortools.linear_solver.python import model_builder as mb
from pulp.apis import coin_api

from matcher.data.issues import RoundImportError
from matcher.data.reader import read_round
from matcher.matching import MatchStatus
from matcher.matching.engine import match_round
from matcher.services import match_output, matching, rounds
from matcher.services.match_output import (
    ASSIGNMENT_COLUMNS,
    SUMMARY_KEYS,
    UNASSIGNED_COLUMNS,
    write_outputs,
)
from matcher.services.matching import MatchOptions
from tests.actors import STEWARD
from tests.paths import TINY
from tests.services.small_rounds import (
    OPTIMAL_COST,
    OPTIMUM,
    capacity_breaches,
    header_of,
    narrow_p2,
    read_rows,
    two_for_one_slot,
)


def write_overrides(path: Path, *rows: str) -> Path:
    path.write_text("request_id,provider_id,action\n" + "".join(f"{r}\n" for r in rows))
    return path


def chosen(out: Path) -> dict[str, str]:
    return {a["request_id"]: a["provider_id"] for a in read_rows(out / "assignments.csv")}


def test_tiny_round_outputs_have_the_exact_columns_and_the_engines_numbers(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    summary = matching.match_directory(TINY, out)

    assert header_of(out / "assignments.csv") == list(ASSIGNMENT_COLUMNS)
    assert header_of(out / "unassigned.csv") == list(UNASSIGNED_COLUMNS)
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(written)[: len(SUMMARY_KEYS)] == list(SUMMARY_KEYS)
    assert written == summary

    round_ = read_round(TINY).round
    engine = match_round(round_)
    assert summary["status"] == engine.status == "optimal"
    assert summary["n_requests"] == engine.problem.n_requests
    assert summary["n_assigned"] == engine.chosen.size
    assert Decimal(str(summary["total_cost"])) == Decimal(engine.total_cost_cents) / 100
    assert Decimal(str(summary["objective"])) == Decimal(engine.objective_cents) / 100
    assert summary["gap"] == 0

    assignments = read_rows(out / "assignments.csv")
    unassigned = read_rows(out / "unassigned.csv")
    assert len(assignments) == summary["n_assigned"]
    assert len(assignments) + len(unassigned) == summary["n_requests"]
    cost = sum(Decimal(a["cost"]) for a in assignments)
    assert cost == Decimal(str(summary["total_cost"]))
    assert sum(Decimal(a["objective"]) for a in assignments) == Decimal(str(summary["objective"]))
    for a in assignments:
        terms = ("cost_term", "distance_term", "preference_term", "continuity_term")
        assert sum(Decimal(a[t]) for t in terms) == Decimal(a["objective"])
        assert (
            Decimal(a["cost"]) == Decimal(a["tariff"]) * Decimal(a["units"])
            or a["request_id"] == "R004"
        )  # R004 is output funded: the tariff is the price of the arrangement
    assert capacity_breaches(round_, assignments) == []


def test_small_round_places_the_hand_optimum_and_explains_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = matching.match(two_for_one_slot(), out)

    assert chosen(out) == OPTIMUM
    assert Decimal(str(summary["total_cost"])) == OPTIMAL_COST
    assert (summary["n_requests"], summary["n_assigned"]) == (3, 2)
    [r3] = read_rows(out / "unassigned.csv")
    assert r3["request_id"] == "R3"
    assert r3["reason_code"] == "tariff_out_of_band"
    assert "EUR 90" in r3["detail"]
    r2 = next(a for a in read_rows(out / "assignments.csv") if a["request_id"] == "R2")
    # R2's runner-up is P2 at 3 x 66 = 198 against 3 x 55 = 165 with P1.
    assert (r2["next_best_provider"], r2["next_best_delta"]) == ("P2", "33.00")
    assert capacity_breaches(two_for_one_slot(), read_rows(out / "assignments.csv")) == []


def test_pin_and_forbid_from_the_overrides_file_are_honoured(tmp_path: Path) -> None:
    pinned = matching.match(
        two_for_one_slot(),
        tmp_path / "pinned",
        MatchOptions(overrides_file=write_overrides(tmp_path / "pin.csv", "R1,P1,pin")),
    )
    assert chosen(tmp_path / "pinned") == {"R1": "P1", "R2": "P2"}
    assert Decimal(str(pinned["total_cost"])) == Decimal("378.00")
    assert pinned["pins"] == 1

    matching.match(
        two_for_one_slot(),
        tmp_path / "forbidden",
        MatchOptions(overrides_file=write_overrides(tmp_path / "forbid.csv", "R2,P1,forbid")),
    )
    assert chosen(tmp_path / "forbidden") == {"R1": "P1", "R2": "P2"}


def test_contradictory_pins_are_infeasible_name_both_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, [], [], {"status": "an earlier result"})
    earlier = {p.name: p.read_bytes() for p in out.iterdir()}
    summary = matching.match(
        two_for_one_slot(),
        out,
        MatchOptions(overrides_file=write_overrides(tmp_path / "o.csv", "R1,P1,pin", "R2,P1,pin")),
    )
    assert summary["status"] == "infeasible"
    named = {(c["request_id"], c["provider_id"]) for c in summary["conflicts"]}
    assert named == {("R1", "P1"), ("R2", "P1")}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier


@pytest.mark.parametrize(
    ("rows", "row", "column"),
    [
        (["R1,P1,pinn"], 2, "action"),
        (["R1,P1,pin", "R9,P1,forbid"], 3, "request_id"),
        (["R1,P7,pin"], 2, "provider_id"),
        (["R1,,pin"], 2, "provider_id"),
        (["R1,P1,pin", "R1,P1,forbid"], 3, "action"),
    ],
)
def test_a_bad_overrides_file_names_file_row_and_column(
    tmp_path: Path, rows: list[str], row: int, column: str
) -> None:
    file = write_overrides(tmp_path / "my-overrides.csv", *rows)
    with pytest.raises(RoundImportError) as raised:
        matching.match(two_for_one_slot(), tmp_path / "out", MatchOptions(overrides_file=file))
    [issue] = raised.value.errors
    assert (issue.file, issue.row, issue.column) == ("my-overrides.csv", row, column)
    assert not (tmp_path / "out").exists()


def test_an_overrides_file_without_the_action_column_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "overrides.csv"
    file.write_text("request_id;provider_id\nR1;P1\n")
    with pytest.raises(RoundImportError) as raised:
        matching.match(two_for_one_slot(), tmp_path / "out", MatchOptions(overrides_file=file))
    [issue] = raised.value.errors
    assert (issue.file, issue.row, issue.column) == ("overrides.csv", 1, "action")


@pytest.mark.parametrize("solver", ["highs", "scip", "cp-sat"])
def test_a_warm_start_from_the_previous_assignments_keeps_the_optimum(
    tmp_path: Path, solver: str
) -> None:
    first = matching.match(two_for_one_slot(), tmp_path / "first", MatchOptions(solver=solver))
    again = matching.match(
        two_for_one_slot(),
        tmp_path / "again",
        MatchOptions(solver=solver, previous_file=tmp_path / "first" / "assignments.csv"),
    )
    assert chosen(tmp_path / "again") == OPTIMUM
    assert again["objective"] == first["objective"]
    assert again["solver"] == solver


def test_a_failure_while_writing_leaves_an_existing_out_dir_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    matching.match(two_for_one_slot(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = match_output.write_csv
    calls = []

    def fail_on_second_file(path: Path, header: object, rows: object) -> None:
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError("disk full")
        real(path, header, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(match_output, "write_csv", fail_on_second_file)
    with pytest.raises(OSError, match="disk full"):
        matching.match(two_for_one_slot(), out, MatchOptions(solver="scip"))

    assert calls == ["assignments.csv", "unassigned.csv"]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind


@pytest.mark.parametrize("suffix", [".lp", ".mps"])
def test_the_exported_first_stage_model_loads_back_with_the_right_counts(
    tmp_path: Path, suffix: str
) -> None:
    file = tmp_path / f"model{suffix}"
    summary = matching.match(two_for_one_slot(), tmp_path / "out", MatchOptions(export_model=file))
    assert summary["status"] == "optimal"
    if suffix == ".lp":
        # OR-Tools reads only its own LP dialect, not the CPLEX LP format it writes; CBC
        # (bundled with PuLP) reads the LP file and writes it back as MPS, unchanged.
        file = lp_to_mps_with_cbc(file, tmp_path / "from_lp.mps")
    model = mb.Model()  # type: ignore[no-untyped-call]
    assert model.import_from_mps_string(file.read_text(encoding="utf-8"))
    # Pairs R1-P1, R1-P2, R2-P1, R2-P2 (R3's bid is out of band). Rows: assign_once for R1
    # and R2, and P1's capacity (6 hours wanted, 4 free). P2's row can never bind: left out.
    assert model.num_variables == 4
    assert model.num_constraints == 3
    # The first stage places as many normal requests as fit: two, at 10 points each (CBC
    # writes the maximisation as a minimisation of the negated objective).
    solver = mb.Solver("scip")
    assert solver.solve(model) == mb.SolveStatus.OPTIMAL
    assert abs(solver.objective_value) == pytest.approx(20)


def lp_to_mps_with_cbc(lp: Path, mps: Path) -> Path:
    cbc = coin_api.pulp_cbc_path  # the CBC binary PuLP ships
    done = subprocess.run(
        [cbc, str(lp), "-presolve", "off", "-export", str(mps)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert mps.exists(), done.stdout
    return mps


def test_an_export_file_of_unknown_format_is_refused_before_solving(tmp_path: Path) -> None:
    with pytest.raises(matching.MatchArgumentError, match=r"\.lp or \.mps"):
        matching.match(
            two_for_one_slot(), tmp_path / "out", MatchOptions(export_model=tmp_path / "m.txt")
        )
    assert not (tmp_path / "out").exists()


def test_the_stored_round_is_matched_like_its_directory(db_url: str, tmp_path: Path) -> None:
    rounds.init_database(db_url)
    rounds.import_round(TINY, db_url, actor=STEWARD)
    from_db = matching.match_database(db_url, tmp_path / "db")
    from_dir = matching.match_directory(TINY, tmp_path / "dir")
    for name in ("assignments.csv", "unassigned.csv"):
        assert (tmp_path / "db" / name).read_bytes() == (tmp_path / "dir" / name).read_bytes()
    same = ("status", "n_requests", "n_assigned", "total_cost", "objective")
    assert {k: from_db[k] for k in same} == {k: from_dir[k] for k in same}


def test_an_empty_database_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    rounds.init_database(sqlite_url)
    with pytest.raises(rounds.NoRoundStoredError, match="matcher import"):
        matching.match_database(sqlite_url, tmp_path / "out")


def test_an_unplaced_request_gets_its_cheapest_change_unless_the_search_is_off(
    tmp_path: Path,
) -> None:
    # P2 has room for 2 hours only, so R1 and R2 (3 hours each) cannot both be placed: R2
    # takes P1 (cheaper), R1 is left; one more hour at P2 would place it.
    narrow = narrow_p2()
    matching.match(narrow, tmp_path / "searched")
    matching.match(narrow, tmp_path / "not", MatchOptions(changes=0))

    searched = {u["request_id"]: u for u in read_rows(tmp_path / "searched" / "unassigned.csv")}
    plain = {u["request_id"]: u for u in read_rows(tmp_path / "not" / "unassigned.csv")}
    assert searched["R1"]["reason_code"] == plain["R1"]["reason_code"] == "capacity_full"
    assert "cheapest change: 1.0 more hours a week at P2" in searched["R1"]["detail"]
    assert "cheapest change" not in plain["R1"]["detail"]


def test_a_stage_stopped_without_a_bound_reports_the_gap_as_unknown() -> None:
    round_ = two_for_one_slot()
    outcome = match_round(round_)
    cost = outcome.stages[-1]
    unproven = replace(
        outcome, stages=(*outcome.stages[:-1], replace(cost, bound=float("nan"), proven=False))
    )
    summary = match_output.summary_of(replace(unproven, status=MatchStatus.FEASIBLE))
    assert summary["bound"] is None
    assert summary["gap"] is None
    assert match_output.summary_of(outcome)["gap"] == 0
