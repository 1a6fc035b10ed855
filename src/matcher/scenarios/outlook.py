"""The capacity outlook after a run: signals and expected waiting once the matches are made.

The capacity analysis (``matcher.capacity.report.analyse``) looks at a round as it stands.
A what-if asks what the market looks like *after* this round's matching, so the matches
become awards on the round date first: they then load their providers and leave the
waiting list. too_big_to_fail is left out (``tbtf_max_providers = 0``): it re-matches the
round without each large provider, which a what-if does by a provider_exit scenario.
"""

from dataclasses import dataclass
from decimal import Decimal

from matcher.capacity.areas import REGION
from matcher.capacity.report import analyse
from matcher.capacity.settings import CapacitySettings
from matcher.domain import Award, Round
from matcher.domain.money import cents_to_euros
from matcher.matching import UNIT_SCALE, MatchOutcome, round_date_of

# A signal as compared between runs: type, intervention, area, month, severity.
SignalKey = tuple[str, str, str, str, str]
OUTLOOK_SETTINGS = CapacitySettings(tbtf_max_providers=0)


@dataclass(frozen=True)
class Outlook:
    """Signals and waiting figures of the round after matching."""

    signals: tuple[SignalKey, ...]
    expected_wait_weeks: float | None
    lists_over_norm: int


def matched_round(round_: Round, outcome: MatchOutcome) -> Round:
    """The round with every chosen match added as an award on the round date."""
    day = round_date_of(round_)
    problem = outcome.problem
    intervention_of = {r.request_id: r.intervention_id for r in round_.requests}
    awards = []
    for a in outcome.chosen.tolist():
        rid = problem.request_ids[int(problem.pair_request[a])]
        awards.append(
            Award(
                request_id=rid,
                provider_id=problem.provider_ids[int(problem.pair_provider[a])],
                intervention_id=intervention_of[rid],
                tariff=cents_to_euros(int(problem.pair_tariff[a])),
                units=Decimal(int(problem.pair_units[a])) / UNIT_SCALE,
                awarded_on=day,
            )
        )
    return round_.model_copy(update={"awards": (*(round_.awards or ()), *awards)})


def outlook(
    round_: Round, outcome: MatchOutcome, settings: CapacitySettings = OUTLOOK_SETTINGS
) -> Outlook:
    """Signals and waiting figures once the outcome's matches are awarded.

    Expected wait of an intervention's list, by Little's law: the requests still waiting
    divided by the requests that start care per week (``WaitingList.queue_size /
    starts_per_week``, region-wide). The KPI is its mean over the interventions weighted by
    the waiting requests, i.e. the expected wait of a waiting client; lists that never
    drain (no starts) are left out of the mean and counted as over the norm.
    """
    after = matched_round(round_, outcome)
    report = analyse(after, round_date_of(round_), settings)
    signals = tuple(
        (s.type, s.intervention_id, s.area, s.month, s.severity) for s in report.signals
    )
    total_wait = 0.0
    waiting = 0
    over = 0
    for (_, area), queue in sorted(report.queues.items()):
        if area != REGION:  # queues_of always adds the region-wide list
            continue
        wl = queue.waiting_list
        if wl.queue_size == 0:
            continue
        if wl.starts_per_week <= 0:
            over += 1
            continue
        wait = wl.queue_size / wl.starts_per_week
        total_wait += wait * wl.queue_size
        waiting += wl.queue_size
        over += wait > wl.norm_weeks
    return Outlook(
        signals=signals,
        expected_wait_weeks=total_wait / waiting if waiting else None,
        lists_over_norm=over,
    )
