"""Match one round: the one use-case behind ``matcher match``, the app's Matching round and
every other face that solves a round for a regisseur.

``run_round`` loads the round (a directory or workbook checked like an import, the stored
round, or a round in hand), resolves the settings against its policy, solves it with the
overrides, explains it and returns a :class:`RoundReport`: typed proposals, unplaced
requests and a summary in cents. The faces only render it (``match_output`` writes the CLI's
files, ``round_tables`` the app's tables); none solves or explains on its own.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from matcher.data.reader import read_round
from matcher.domain import Round
from matcher.domain.money import euro_amount
from matcher.matching import (
    Clock,
    Deadline,
    Explanation,
    MatchResult,
    MatchSettings,
    Overrides,
    Progress,
    Proposal,
    StageTotal,
    Unplaced,
    explain_outcome,
    match_round,
    proposals_of,
    unplaced_of,
)
from matcher.services.match_defaults import DEFAULT_CHANGES
from matcher.services.rounds import load_current_round
from matcher.services.session_overrides import applicable, inadmissible_pins

# At most this many pairs: the round is small enough to search the changes at once.
SMALL_ROUND_PAIRS = 2000
SOLVED = ("optimal", "feasible")

Step = Callable[[str, float], None]


class SolverUnavailableError(Exception):
    """The chosen solver cannot be used on this machine."""


@dataclass(frozen=True)
class StoredRound:
    """The round stored in the database at ``db`` (None: ``$MATCHER_DB``)."""

    db: str | None = None


RoundSource = Round | Path | StoredRound


MIN_SEARCH = 2.0  # seconds the change search may always take (when the limit allows)
# One deadline for a whole run; the rule is RunDeadline's (models/matching.md, "One deadline").
RUN_MARGIN = 1.25  # a run (read, build, solve, explain, write) ends within this x the limit
WRITE_SHARE = 0.05  # of the limit, kept back at the end for writing the files
MIN_SOLVE = 0.01  # seconds a solve is always given: its greedy start then stands


@dataclass(frozen=True)
class RunDeadline:
    """One deadline for a whole run, set when the run starts (``matcher match``: when the
    command starts, so reading the round counts).

    Reading, building and solving share the time limit: the solve is given what is left of
    it once the round is read (its build counts inside; never less than MIN_SOLVE, when
    nothing is left and the greedy start stands). The explanations and then the change
    search share what is left up to RUN_MARGIN x the limit, less WRITE_SHARE x the limit
    kept for writing the files; a request not explained by then gets a short note that says
    so. Reading, building and writing cannot be cut short: a round whose reading or build
    alone outlasts the limit ends that much later. ``clock`` is ``time.perf_counter`` unless
    a test gives its own.
    """

    started: float
    clock: Clock = field(default=time.perf_counter, compare=False)

    @classmethod
    def starting_now(cls, clock: Clock = time.perf_counter) -> "RunDeadline":
        """A run that starts now."""
        return cls(clock(), clock)

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return max(0.0, self.clock() - self.started)

    def solve_seconds(self, limit: float) -> float:
        """The solve's time limit: what is left of ``limit`` now, at least MIN_SOLVE."""
        return max(MIN_SOLVE, limit - self.elapsed())

    def explain_by(self, limit: float) -> Deadline:
        """When the explanations and the change search must be done."""
        return Deadline(self.started + (RUN_MARGIN - WRITE_SHARE) * limit, self.clock)


@dataclass(frozen=True)
class ChangeSearch:
    """How hard to look for the cheapest change that would place an unplaced request.

    Each search re-solves the request's part up to a few times, so it is capped:
    ``max_changes`` requests (most urgent first); ``enabled`` None searches only rounds of at
    most SMALL_ROUND_PAIRS pairs; ``seconds_each`` None is min(5 s, a quarter of the limit);
    with ``one_deadline`` the explanations end by the run's deadline (RunDeadline) and the
    search takes at most as long as the solve before it (at least MIN_SEARCH s, at most a
    quarter of the limit), else it has 60 s and the explanations no deadline.
    """

    max_changes: int = DEFAULT_CHANGES
    enabled: bool | None = True
    seconds_each: float | None = None
    one_deadline: bool = True

    def plan(
        self, limit: float, run: RunDeadline, n_pairs: int, solved_for: float | None = None
    ) -> dict[str, Any]:
        """The arguments of ``explain_outcome`` for a run that has solved until now, for
        ``solved_for`` seconds (None: the whole run so far)."""
        enabled = n_pairs <= SMALL_ROUND_PAIRS if self.enabled is None else self.enabled
        search, deadline = 60.0, None
        if self.one_deadline:
            # The search never takes longer than the solve before it (at least MIN_SEARCH): a
            # regisseur waits for the proposals, the hints are extra, and a request the search
            # did not reach says so. Reading the round does not lengthen it: on the demo that
            # would double a run whose solve takes three seconds.
            solving = run.elapsed() if solved_for is None else solved_for
            search = min(limit / 4, max(MIN_SEARCH, solving))
            deadline = run.explain_by(limit)
        each = min(5.0, limit / 4, search) if self.seconds_each is None else self.seconds_each
        return {
            "find_changes": enabled
            and self.max_changes > 0
            and not (deadline is not None and deadline.passed()),
            "max_changes": max(self.max_changes, 0),
            "change_time_limit": each,
            "change_seconds": search,
            "deadline": deadline,
        }


@dataclass(frozen=True)
class RoundSettings:
    """The face's explicit choices; the rest is the round policy's (``auto`` = its solver).

    ``drop_stale`` drops pins and forbids that no longer apply (request awarded, provider no
    longer admissible) with a notice, as the app's session does; without it such a pin makes
    the round infeasible with the pin named, as ``matcher match`` reports it.
    """

    solver: str = "auto"
    time_limit: float | None = None
    threads: int = 1
    changes: ChangeSearch = field(default_factory=ChangeSearch)
    drop_stale: bool = False

    def resolved(self, round_: Round) -> MatchSettings:
        """The MatchSettings of this round (raises UnknownSolverError for a wrong name)."""
        return MatchSettings.from_policy(
            round_.effective_policy(),
            solver=self.solver,
            time_limit=self.time_limit,
            threads=self.threads,
        )


@dataclass(frozen=True)
class RoundSummary:
    """The figures of a run, money in cents. ``gap`` follows the engine's one rule (None when
    unknown or unsolved); ``gap_known`` is False when a stage stopped without a bound."""

    status: str
    n_requests: int
    n_assigned: int
    total_cost_cents: int
    objective_cents: int
    bound_cents: float | None
    gap: float | None
    gap_known: bool
    proven: tuple[str, ...]
    solver: str
    seconds: float
    build_seconds: float
    n_parts: int
    stages: tuple[StageTotal, ...]
    message: str

    @classmethod
    def of(cls, result: MatchResult) -> "RoundSummary":
        """The summary of one engine result."""
        bound = result.bound_cents
        solved = result.status in SOLVED
        return cls(
            status=result.status.value,
            n_requests=result.problem.n_requests,
            n_assigned=int(result.chosen.size),
            total_cost_cents=result.total_cost_cents,
            objective_cents=result.objective_cents,
            bound_cents=bound if solved and math.isfinite(bound) else None,
            gap=result.reported_gap,
            gap_known=not math.isnan(result.gap),
            proven=tuple(s.name for s in result.stages if s.proven),
            solver=result.solver,
            seconds=result.seconds,
            build_seconds=result.build_seconds,
            n_parts=result.n_parts,
            stages=result.stages,
            message=result.message,
        )

    def figures(self) -> dict[str, Any]:
        """The figures every face shows first, in summary.json's order: money in euros."""
        return {
            "status": self.status,
            "n_requests": self.n_requests,
            "n_assigned": self.n_assigned,
            "total_cost": euro_amount(self.total_cost_cents),
            "objective": euro_amount(self.objective_cents),
            "bound": None if self.bound_cents is None else euro_amount(self.bound_cents),
            "gap": self.gap,
            "solver": self.solver,
        }


@dataclass(frozen=True)
class RoundReport:
    """One matched round as every face renders it.

    ``round_`` is the round as solved (the scope's requests); ``overrides`` the pins and
    forbids solved with, ``dropped`` and ``notices`` those left out because they no longer
    apply. ``explanation`` is None when the round was not solved.
    """

    round_: Round
    settings: MatchSettings
    result: MatchResult
    explanation: Explanation | None
    proposals: tuple[Proposal, ...]
    unplaced: tuple[Unplaced, ...]
    summary: RoundSummary
    overrides: Overrides = field(default_factory=Overrides)
    dropped: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    notices: tuple[str, ...] = ()
    import_warnings: int = 0
    explain_seconds: float | None = None

    @property
    def solved(self) -> bool:
        """Optimal, or feasible within the time limit."""
        return self.summary.status in SOLVED

    def search_changes(self, round_: Round, how_many: int, seconds_each: float) -> "RoundReport":
        """The same report with the cheapest change searched for the how_many most urgent
        unplaced requests of ``round_`` (the round as it stands now, awards included)."""
        explanation = explain_outcome(
            round_,
            self.result,
            find_changes=True,
            max_changes=how_many,
            change_time_limit=seconds_each,
        )
        return replace(
            self,
            explanation=explanation,
            proposals=proposals_of(self.result, explanation),
            unplaced=unplaced_of(self.result, explanation),
        )


def load(source: RoundSource) -> tuple[Round, int]:
    """The round of a source and the number of import warnings it had."""
    if isinstance(source, Round):
        return source, 0
    if isinstance(source, StoredRound):
        return load_current_round(source.db), 0
    read = read_round(Path(source))
    return read.round, len(read.warnings)


def run_round(
    source: RoundSource,
    settings: RoundSettings | None = None,
    overrides: Overrides | None = None,
    *,
    on_part: Progress | None = None,
    on_step: Step | None = None,
    deadline: RunDeadline | None = None,
) -> RoundReport:
    """Load, solve with the overrides, explain; the report of the run.

    Raises RoundImportError for a round or source with errors, UnknownSolverError for a
    solver name that does not exist and SolverUnavailableError when its package is missing.
    ``on_part`` is told after each solved part, ``on_step`` what the run is doing (0..1).
    ``deadline`` is the run's one deadline (default: starting now); every phase gets what
    is left of it (RunDeadline).
    """
    run = deadline or RunDeadline.starting_now()
    settings = settings or RoundSettings()
    round_, warnings = load(source)
    match_settings = settings.resolved(round_)
    overrides = overrides or Overrides()
    dropped: frozenset[tuple[str, str]] = frozenset()
    notices: tuple[str, ...] = ()
    if settings.drop_stale:
        applied = applicable(round_, overrides.pins, overrides.forbids)
        overrides = replace(overrides, pins=applied.pins, forbids=applied.forbids)
        dropped, notices = applied.dropped, applied.notices

    def parts(done: int, total: int) -> None:
        if on_part is not None:
            on_part(done, total)
        if on_step is not None:
            on_step(f"Solved part {done} of {total}", 0.1 + 0.6 * done / max(total, 1))

    def solve(overrides: Overrides) -> MatchResult:
        limit = run.solve_seconds(match_settings.time_limit)
        timed = match_settings.model_copy(update={"time_limit": limit})
        return _solve(round_, timed, overrides, parts)

    if on_step is not None:
        on_step("Building the model", 0.05)
    solve_started = run.clock()
    result = solve(overrides)
    if settings.drop_stale and result.pin_conflicts:
        stale = inadmissible_pins(result, overrides.pins)
        if stale.dropped:
            overrides = replace(overrides, pins=overrides.pins - stale.dropped)
            dropped, notices = dropped | stale.dropped, notices + stale.notices
            result = solve(overrides)
    explanation, explain_seconds = None, None
    if result.status in SOLVED:
        if on_step is not None:
            on_step("Explaining the proposals and unplaced requests", 0.75)
        started = run.clock()
        plan = settings.changes.plan(
            match_settings.time_limit,
            run,
            result.problem.n_pairs,
            solved_for=started - solve_started,
        )
        explanation = explain_outcome(round_, result, **plan)
        explain_seconds = run.clock() - started
    if on_step is not None:
        on_step("Done", 1.0)
    return RoundReport(
        round_=round_,
        settings=match_settings,
        result=result,
        explanation=explanation,
        proposals=proposals_of(result, explanation),
        unplaced=unplaced_of(result, explanation),
        summary=RoundSummary.of(result),
        overrides=overrides,
        dropped=dropped,
        notices=notices,
        import_warnings=warnings,
        explain_seconds=explain_seconds,
    )


def _solve(
    round_: Round, settings: MatchSettings, overrides: Overrides, progress: Progress
) -> MatchResult:
    """match_round, with a missing solver package reported as such."""
    try:
        return match_round(round_, settings=settings, overrides=overrides, progress=progress)
    except ImportError as exc:
        raise SolverUnavailableError(
            f"the solver {settings.solver} is not available: {exc}"
        ) from exc
