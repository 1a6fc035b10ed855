"""The nightly batch as a use-case: lock, load, solve on Dask, write one run record.

Order matters for the guarantees in models/batch.md: the lock is taken before anything is
read (a second batch refuses to start), the round and last night's proposals are read, the
parts are solved, and only then is the run written, in one transaction. Nothing is written
when solving fails.
"""

import time
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from matcher.batch.cluster import dask_client, worker_count
from matcher.batch.report import change_rows, proposal_rows, summary
from matcher.batch.run import BatchSettings, Event, run_batch
from matcher.batch.solve import PartFailedError
from matcher.capacity.report import analyse
from matcher.capacity.settings import CapacitySettings
from matcher.data.db.engine import engine_for
from matcher.data.db.lock import batch_lock
from matcher.data.db.runs import (
    RunRecord,
    previous_run_date,
    proposed_providers,
    save_run,
    stored_import_id,
)
from matcher.data.db.store import is_empty, load_round
from matcher.domain import Policy, Round
from matcher.domain.money import cents_to_euros
from matcher.matching import UnknownSolverError
from matcher.services.rounds import NoRoundStoredError

SOLVED = ("optimal", "feasible")


class BatchSolveError(Exception):
    """A part could not be solved; nothing was written."""


def run_nightly(
    db: str | None,
    run_date: date | None = None,
    *,
    scheduler: str | None = None,
    settings: BatchSettings | None = None,
    on_event: Event | None = None,
    processes: bool = True,
) -> dict[str, Any]:
    """Run the batch for run_date (default today) and return its summary.

    Raises BatchAlreadyRunningError (another batch holds the lock), DatabaseNotInitialisedError,
    NoRoundStoredError, or BatchSolveError; in every such case nothing is written.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    emit = on_event or (lambda _event: None)
    settings = settings or BatchSettings()
    run_date = run_date or date.today()
    with engine_for(db) as engine, batch_lock(engine):
        if is_empty(engine):
            raise NoRoundStoredError(
                "the database holds no round; import one first with `matcher import ROUND`"
            )
        round_ = load_round(engine)
        import_id = stored_import_id(engine)
        assert import_id is not None
        policy = round_.effective_policy()
        # The round is matched as of the run date: aging and running awards count to it.
        round_ = round_.model_copy(
            update={"policy": Policy.model_validate(policy.model_dump() | {"round_date": run_date})}
        )
        previous_date = previous_run_date(engine, run_date)
        previous = {} if previous_date is None else proposed_providers(engine, previous_date)
        emit(
            {
                "event": "loaded",
                "n_requests": len(round_.requests),
                "previous_run": None if previous_date is None else previous_date.isoformat(),
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
        loaded = time.perf_counter() - started
        with dask_client(scheduler, settings.workers, processes) as client:
            if scheduler:
                settings = replace(settings, workers=max(worker_count(client), 1))
            try:
                outcome = run_batch(round_, previous, settings, client, emit)
            except (PartFailedError, UnknownSolverError) as exc:
                raise BatchSolveError(f"{exc}; nothing was written") from exc
        if outcome.status not in SOLVED:
            raise BatchSolveError(f"{outcome.message}; nothing was written")
        outcome.seconds["load"] = loaded
        signals = _capacity_signals(round_, run_date, emit) if settings.signals else None
        rows = proposal_rows(outcome, previous)
        changes = change_rows(outcome, previous, rows)
        written = time.perf_counter()
        result = summary(
            outcome, run_date, rows, changes, previous_date, time.perf_counter() - started
        )
        if signals is not None:
            # The morning's capacity signals go into the same record, written at once.
            result["n_signals"] = len(signals)
            result["capacity_signals"] = signals
        record = RunRecord(
            run_date=run_date,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            import_id=import_id,
            status=outcome.status,
            solver=outcome.solver,
            workers=outcome.workers,
            n_parts=outcome.n_parts,
            n_requests=result["n_requests"],
            n_assigned=result["n_assigned"],
            total_cost=cents_to_euros(outcome.result.total_cost_cents),
            objective=cents_to_euros(outcome.objective_cents),
            bound=None if result["bound"] is None else cents_to_euros(round(outcome.bound_cents)),
            gap=result["gap"],
            seconds=result["seconds"],
            change_penalty=cents_to_euros(outcome.change_penalty_cents),
            summary=result,
        )
        save_run(engine, record, rows, changes)
        result["timings"]["write"] = round(time.perf_counter() - written, 3)
        result["seconds"] = round(time.perf_counter() - started, 3)
        emit({"event": "written", "run_date": run_date.isoformat(), **result["timings"]})
        return result


def _capacity_signals(round_: Round, run_date: date, emit: Event) -> list[dict[str, Any]]:
    """The capacity signals of the round as of the run date (see models/capacity.md)."""
    started = time.perf_counter()
    report = analyse(round_, run_date, CapacitySettings())
    signals = [signal.as_dict() for signal in report.signals]
    emit(
        {
            "event": "signals",
            "n_signals": len(signals),
            "seconds": round(time.perf_counter() - started, 3),
        }
    )
    return signals
