"""Mutation check of the matching rules: break one rule at a time, see which tests notice.

Each mutation is (file, exact original snippet, replacement, the rule it breaks, test paths).
It is applied alone to the working tree, the tests are run, the file is put back, and the
table says which tests failed: named tests (plain) and property tests (Hypothesis) apart.
A snippet that is not found is reported loudly as ``SNIPPET NOT FOUND`` (the code moved: the
list needs retargeting), never silently skipped. Not part of CI (about a minute a mutation):

    python benchmarks/mutations.py            # every mutation
    python benchmarks/mutations.py 3 7        # only these numbers
"""

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATCHING = ("tests/matching",)
BUILD = "src/matcher/matching/build.py"
LIMITS = "src/matcher/matching/limits.py"
STAGES = "src/matcher/matching/stages.py"
TERMS = "src/matcher/matching/terms.py"
BOUNDARY = "test_rule_boundaries.py"  # the named pass / fail pair of each rule at its edge


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug: every (original, replacement) edit is applied to ``file``."""

    rule: str
    file: str
    edits: tuple[tuple[str, str], ...]
    tests: tuple[str, ...] = MATCHING


MUTATIONS = (
    Mutation(
        "certificate checked on the round date instead of the request's start date",
        BUILD,
        (
            (
                "any(c.covers(request.start_date) for c in held)",
                "any(c.covers(policy.round_date or request.start_date) for c in held)",
            ),
        ),
    ),
    Mutation(
        "a team's budget row ignores the segment",
        LIMITS,
        (
            (
                "(team_of[pair_request] == budget.team_id)\n"
                "                & (segment_of[pair_request] == budget.segment.value)",
                "(team_of[pair_request] == budget.team_id)",
            ),
        ),
    ),
    Mutation(
        "the market-share row counts requests instead of units",
        LIMITS,
        (
            ("(own - cap) * pair_units[members],", "(own - cap),"),
            ("allowance = int(pair_units[members].max()) * SHARE_SCALE", "allowance = SHARE_SCALE"),
        ),
    ),
    Mutation(
        "the market-share row counts requests, the allowance left in units",
        LIMITS,
        (("(own - cap) * pair_units[members],", "(own - cap),"),),
    ),
    Mutation(
        "an award ending on the round date no longer holds capacity",
        BUILD,
        (("a.ends_on is None or a.ends_on >= day", "a.ends_on is None or a.ends_on > day"),),
    ),
    Mutation(
        "the lower end of the tariff band dropped",
        BUILD,
        (
            (
                "if not intervention.admits_tariff(tariff):",
                "if not tariff <= intervention.tariff_max:",
            ),
        ),
    ),
    Mutation(
        "an earlier stage's optimum relaxed by one point",
        STAGES,
        (
            (
                "result.objective if maximize else -result.objective,",
                "result.objective - 1 if maximize else -result.objective,",
            ),
        ),
    ),
    Mutation(
        "the client-exclusion check removed",
        BUILD,
        (("if pid in request.excluded_providers:", "if False:"),),
    ),
    Mutation(
        "the award transaction's capacity row lock removed (PostgreSQL)",
        "src/matcher/data/db/awarding.py",
        (
            (
                ".order_by(capacity.c.provider_id, capacity.c.intervention_id)\n"
                "        .with_for_update()",
                ".order_by(capacity.c.provider_id, capacity.c.intervention_id)",
            ),
        ),
        ("tests/services/test_awarding.py",),
    ),
    Mutation(
        "the award transaction's write lock removed (SQLite)",
        "src/matcher/data/db/awarding.py",
        (('connection.exec_driver_sql("BEGIN IMMEDIATE")', "pass"),),
        ("tests/services/test_awarding.py",),
    ),
    Mutation(
        "the import's table lock removed (PostgreSQL)",
        "src/matcher/data/db/store.py",
        (('connection.exec_driver_sql("LOCK TABLE round_state IN EXCLUSIVE MODE")', "pass"),),
        ("tests/data",),
    ),
    Mutation(
        "the upper end of the tariff band dropped",
        BUILD,
        (
            (
                "if not intervention.admits_tariff(tariff):",
                "if not intervention.tariff_min <= tariff:",
            ),
        ),
    ),
    Mutation(
        "a certificate beginning on the start date no longer covers it",
        BUILD,
        (
            (
                "any(c.covers(request.start_date) for c in held)",
                "any(c.valid_from < request.start_date <= c.valid_to for c in held)",
            ),
        ),
    ),
    Mutation(
        "a certificate ending on the start date no longer covers it",
        BUILD,
        (
            (
                "any(c.covers(request.start_date) for c in held)",
                "any(c.valid_from <= request.start_date < c.valid_to for c in held)",
            ),
        ),
    ),
    Mutation(
        "the specialism check removed",
        BUILD,
        (("    if missing:\n", "    if False:\n"),),
    ),
    Mutation(
        "a provider exactly at the distance limit rejected",
        BUILD,
        (("km > policy.max_distance_km", "km >= policy.max_distance_km"),),
    ),
    Mutation(
        "a pair without any capacity row admitted",
        BUILD,
        (
            (
                "if (pid, iid) not in capacity_rows and (pid, ALL_INTERVENTIONS) not in "
                "capacity_rows:",
                "if False:",
            ),
        ),
    ),
    Mutation(
        "the * row counts only its own intervention",
        LIMITS,
        (("if not row.is_total:", "if True:"),),
    ),
    Mutation(
        "a right-hand side below zero kept negative",
        LIMITS,
        (("max(total - used[key], 0),", "total - used[key],"),),
    ),
    Mutation(
        "running awards counted only on the * row",
        LIMITS,
        (("used[(award.provider_id, award.intervention_id)] += units", "pass"),),
    ),
    Mutation(
        "the share cap applied with two providers",
        LIMITS,
        (("SHARE_CAP_MIN_PROVIDERS = 3", "SHARE_CAP_MIN_PROVIDERS = 2"),),
    ),
    Mutation(
        "the share cap's allowance of one request dropped",
        LIMITS,
        (("allowance = int(pair_units[members].max()) * SHARE_SCALE", "allowance = 0"),),
    ),
    Mutation(
        "a bid's own units ignored",
        BUILD,
        (
            (
                "units = bid_units if bid_units is not None else request.units",
                "units = request.units",
            ),
        ),
    ),
    Mutation(
        "aging not capped at max_weeks",
        BUILD,
        (
            (
                "min(max((day - request.waiting_since).days // 7, 0), policy.aging.max_weeks)",
                "max((day - request.waiting_since).days // 7, 0)",
            ),
        ),
    ),
    Mutation(
        "an unranked provider counted as the last choice, not one below it",
        TERMS,
        (
            (
                "else len(ranked)\n",
                "else len(ranked) - 1\n",
            ),
        ),
    ),
    Mutation(
        "continuity charged for the current provider instead of the others",
        TERMS,
        (
            (
                "if current is None or current == pair.provider_id:",
                "if current is None or current != pair.provider_id:",
            ),
        ),
    ),
    Mutation(
        "a row left out when no single request can overfill it",
        LIMITS,
        (
            (
                "return int(coeffs[order][first].sum()) > limit.rhs",
                "return int(coeffs[order][first].max()) > limit.rhs",
            ),
        ),
    ),
    Mutation(
        "a whole class placed is not kept by later stages",
        STAGES,
        (("must_place = must_place | everyone[1]", "pass"),),
    ),
    Mutation(
        "a one-request part rejects a pair that fills a row exactly",
        STAGES,
        (
            (
                "too_big = rows.data > part.rhs[rows.col]",
                "too_big = rows.data >= part.rhs[rows.col]",
            ),
        ),
    ),
    Mutation(
        "a one-request part takes the dearest pair",
        STAGES,
        (
            (
                "best = candidates[np.argmin(cost[candidates])]",
                "best = candidates[np.argmax(cost[candidates])]",
            ),
        ),
    ),
)

PLUGIN = """
import json, os
failed = []
def pytest_runtest_logreport(report):
    if report.failed:
        failed.append(report.nodeid)
def pytest_collection_modifyitems(items):
    global PROPERTY
    PROPERTY = {i.nodeid for i in items if hasattr(getattr(i, "obj", None), "hypothesis")}
def pytest_sessionfinish(session):
    with open(os.environ["MUTATION_REPORT"], "w") as out:
        json.dump({"failed": failed, "property": sorted(PROPERTY)}, out)
"""


def run(mutation: Mutation) -> tuple[str, list[str], list[str]]:
    """Apply, test, restore: (verdict, named tests failed, property tests failed), by node id."""
    path = ROOT / mutation.file
    original = path.read_text()
    text = original
    for old, new in mutation.edits:
        if text.count(old) != 1:
            return f"SNIPPET NOT FOUND ({text.count(old)} matches): {old[:60]!r}", [], []
        text = text.replace(old, new)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "mutation_plugin.py").write_text(PLUGIN)
        report = Path(tmp) / "report.json"
        env = dict(
            os.environ,
            MUTATION_REPORT=str(report),
            PYTHONPATH=os.pathsep.join([tmp, str(ROOT / "src"), str(ROOT)]),
            HYPOTHESIS_PROFILE=os.environ.get("HYPOTHESIS_PROFILE", "mutation"),
        )
        try:
            path.write_text(text)
            command = [sys.executable, "-m", "pytest", "-q", "-p", "mutation_plugin"]
            command += ["-p", "no:cacheprovider", *mutation.tests]
            subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
        finally:
            path.write_text(original)
        found = json.loads(report.read_text())
    prop = set(found["property"])
    named = [n for n in found["failed"] if n not in prop]
    props = [n for n in found["failed"] if n in prop]
    verdict = "caught" if named else "property test only" if props else "SURVIVED"
    return verdict, named, props


def tests_named(nodeids: list[str]) -> list[str]:
    """Test names without parameters, the rule-boundary tests first: they are the named pair
    at the rule's edge that the table is meant to show, whatever else fails with them."""
    names = {n.split("::", 1)[1].split("[")[0]: BOUNDARY in n for n in nodeids}
    return sorted(names, key=lambda name: (not names[name], name))


def main(selected: list[int]) -> int:
    print("| # | mutation (rule broken) | verdict | named tests failing | property tests failing |")
    print("|---|---|---|---|---|")
    bad = 0
    every: list[tuple[int, list[str]]] = []
    for number, mutation in enumerate(MUTATIONS, start=1):
        if selected and number not in selected:
            continue
        verdict, named, props = run(mutation)
        bad += verdict != "caught"
        names = tests_named(named)
        every.append((number, names))
        shown = ", ".join(names[:3]) + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")
        print(
            f"| {number} | {mutation.rule} | {verdict} | {shown or '-'} | "
            f"{', '.join(tests_named(props)) or '-'} |",
            flush=True,
        )
    print("\nEvery named test that failed:")
    for number, names in every:
        print(f"- {number}: {', '.join(names) or '-'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]]))
