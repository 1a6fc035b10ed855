"""The limit rows of a round: capacity (per intervention and ``*``), team budgets, share caps.

Each row is a :class:`Limit` over the admissible pairs (models/matching.md, "Limits"); rows
that can never bind are left out, so requests that only share a slack row fall into
separate parts.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from matcher.domain import ALL_INTERVENTIONS, Award, Intervention, Policy, Request, Round
from matcher.domain.money import to_cents
from matcher.matching.problem import SHARE_SCALE, Limit, LimitKind, units_of

# A share cap only binds where the client has a real choice: at least this many providers.
SHARE_CAP_MIN_PROVIDERS = 3


def limit_rows(
    round_: Round,
    requests: list[Request],
    interventions: dict[str, Intervention],
    provider_ids: tuple[str, ...],
    pair_request: np.ndarray,
    pair_provider: np.ndarray,
    pair_units: np.ndarray,
    pair_cost: np.ndarray,
    awards: Iterable[Award],
    policy: Policy,
) -> list[Limit]:
    """Capacity rows (per intervention and ``*``), team budgets and market-share caps."""
    limits: list[Limit] = []
    iid_code = {iid: k for k, iid in enumerate(sorted({r.intervention_id for r in requests}))}
    pair_iid = np.asarray([iid_code[r.intervention_id] for r in requests], dtype=np.int64)[
        pair_request
    ]
    used: dict[tuple[str, str], int] = defaultdict(int)
    for award in awards:
        units = units_of(award.units)
        used[(award.provider_id, award.intervention_id)] += units
        used[(award.provider_id, ALL_INTERVENTIONS)] += units
    by_provider: dict[str, np.ndarray] = {}
    if len(pair_provider):
        order = np.argsort(pair_provider, kind="stable")
        bounds = np.searchsorted(pair_provider[order], np.arange(len(provider_ids) + 1))
        for p, pid in enumerate(provider_ids):
            by_provider[pid] = order[bounds[p] : bounds[p + 1]]
    for row in sorted(round_.capacity, key=lambda c: (c.provider_id, c.intervention_id)):
        members = by_provider.get(row.provider_id, np.asarray([], dtype=np.int64))
        if not row.is_total:
            members = members[pair_iid[members] == iid_code.get(row.intervention_id, -1)]
        if members.size == 0:
            continue
        total = units_of(row.capacity_units)
        key = (row.provider_id, row.intervention_id)
        limits.append(
            Limit(
                LimitKind.CAPACITY,
                key,
                members.astype(np.int64),
                pair_units[members],
                max(total - used[key], 0),
                total,
                used[key],
            )
        )
    group_code: dict[tuple[str, str], int] = {}
    request_group = np.asarray(
        [
            group_code.setdefault(
                (r.team_id, interventions[r.intervention_id].segment.value), len(group_code)
            )
            for r in requests
        ],
        dtype=np.int64,
    )
    in_group = _grouped(request_group[pair_request], len(group_code))
    for budget in sorted(round_.budgets or (), key=lambda b: (b.team_id, b.segment.value)):
        group = group_code.get((budget.team_id, budget.segment.value))
        members = in_group(group) if group is not None else np.asarray([], dtype=np.int64)
        if members.size == 0:
            continue
        cents = to_cents(budget.amount)
        limits.append(
            Limit(
                LimitKind.BUDGET,
                (budget.team_id, budget.segment.value),
                members.astype(np.int64),
                pair_cost[members],
                cents,
                cents,
                0,
            )
        )
    if policy.market_share_cap is not None and len(pair_request):
        cap = round(policy.market_share_cap * SHARE_SCALE)
        of_iid = _grouped(pair_iid, len(iid_code))
        for iid, code in iid_code.items():  # codes follow the sorted ids
            members = of_iid(code)
            field = pair_provider[members]
            if members.size == 0 or np.unique(field).size < SHARE_CAP_MIN_PROVIDERS:
                continue
            allowance = int(pair_units[members].max()) * SHARE_SCALE
            for p in np.unique(field).tolist():
                own = (field == p).astype(np.int64) * SHARE_SCALE
                limits.append(
                    Limit(
                        LimitKind.MARKET_SHARE,
                        (provider_ids[p], iid),
                        members.astype(np.int64),
                        (own - cap) * pair_units[members],
                        allowance,
                        cap,
                        0,
                    )
                )
    return [limit for limit in limits if can_bind(limit, pair_request)]


def can_bind(limit: Limit, pair_request: np.ndarray) -> bool:
    """False when the row holds even if every request took its largest pair in it.

    Such a row can never bind, so it is left out of the model: fewer rows, and requests that
    only shared a slack row fall into separate parts (see ``decompose``).
    """
    requests = pair_request[limit.pairs]
    coeffs = np.maximum(limit.coeffs, 0)
    order = np.lexsort((-coeffs, requests))
    first = np.unique(requests[order], return_index=True)[1]
    return int(coeffs[order][first].sum()) > limit.rhs


def _grouped(
    group_of: npt.NDArray[np.int64], n_groups: int
) -> Callable[[int], npt.NDArray[np.int64]]:
    """The pairs of each group, ascending, after one sort (not one scan of all pairs per row)."""
    order = np.argsort(group_of, kind="stable")
    bounds = np.searchsorted(group_of[order], np.arange(n_groups + 1))
    return lambda g: order[bounds[g] : bounds[g + 1]]
