"""The admissibility rules of the data contract as masks over the candidate pairs.

The rules are checked in a fixed order (:data:`RULE_ORDER`) and each left-out pair keeps the
first rule it breaks as its reason, with the detail in words. Every rule is one array
expression over all candidates; only the words of the rejected pairs are written one by one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.domain import ALL_INTERVENTIONS, Intervention, Policy, Provider, Request, Round
from matcher.domain.money import to_cents
from matcher.matching.candidates import Candidates, Codes
from matcher.matching.overrides import Overrides
from matcher.matching.problem import Rejection, RejectReason
from matcher.matching.ragged import spread

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The order the rules are checked in; the two certificate reasons are one rule.
RULE_ORDER = (
    RejectReason.FORBIDDEN,
    RejectReason.EXCLUDED_BY_CLIENT,
    RejectReason.CERTIFICATION_EXPIRED,
    RejectReason.NOT_CERTIFIED,
    RejectReason.TARIFF_OUT_OF_BAND,
    RejectReason.MISSING_SPECIALISM,
    RejectReason.BEYOND_DISTANCE,
    RejectReason.NO_CAPACITY_ROW,
)
ADMISSIBLE = -1


@dataclass(frozen=True)
class Checked:
    """Per candidate: the first broken rule (a position in RULE_ORDER, or ADMISSIBLE), and the
    certificate dates the words need (ordinal days: last expiry, first start; -1 if none)."""

    reason: IntArray
    last_expired: IntArray
    first_valid: IntArray


def _member(keys: IntArray, of: list[int]) -> BoolArray:
    return np.isin(keys, np.asarray(of, dtype=np.int64))


def _certificates(
    round_: Round, codes: Codes, cands: Candidates, pair_iid: IntArray, start: IntArray
) -> tuple[BoolArray, IntArray, IntArray]:
    """Whether a certificate of the pair covers the request's start date; else the latest end
    of those that ended before it and the earliest start of all held (-1 when none)."""
    n_iid = len(codes.intervention)
    held = []
    for c in round_.certifications:
        p, i = codes.provider.get(c.provider_id), codes.intervention.get(c.intervention_id)
        if p is not None and i is not None:
            held.append((p * n_iid + i, c.valid_from.toordinal(), c.valid_to.toordinal()))
    table = np.asarray(sorted(held), dtype=np.int64).reshape(-1, 3)
    key = cands.provider * n_iid + pair_iid
    lo = np.searchsorted(table[:, 0], key, side="left")
    count = np.searchsorted(table[:, 0], key, side="right") - lo
    pair, within = spread(count)
    row = lo[pair] + within
    valid_from, valid_to, day = table[row, 1], table[row, 2], start[pair]
    covered = np.bincount(pair[(valid_from <= day) & (day <= valid_to)], minlength=key.size) > 0
    last_expired = np.full(key.size, -1, dtype=np.int64)
    ended = valid_to < day
    np.maximum.at(last_expired, pair[ended], valid_to[ended])
    first_valid = np.full(key.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_valid, pair, valid_from)
    return covered, last_expired, np.where(count > 0, first_valid, -1)


def _missing_specialism(
    requests: Sequence[Request], providers: Sequence[Provider], cands: Candidates
) -> BoolArray:
    """True where the provider lacks one of the request's required specialisms."""
    code: dict[str, int] = {}
    needed = [[code.setdefault(s, len(code)) for s in r.required_specialisms] for r in requests]
    offered = [[code.setdefault(s, len(code)) for s in p.specialisms] for p in providers]
    width = max(len(code), 1)
    has = [p * width + s for p, codes_ in enumerate(offered) for s in codes_]
    flat = np.asarray([s for codes_ in needed for s in codes_], dtype=np.int64)
    per_request = np.asarray([len(c) for c in needed], dtype=np.int64)
    first = np.cumsum(per_request) - per_request
    count = per_request[cands.request]
    pair, within = spread(count)
    wanted = flat[first[cands.request[pair]] + within]
    lacking = ~_member(cands.provider[pair] * width + wanted, has)
    return np.bincount(pair[lacking], minlength=cands.request.size) > 0


def check(
    round_: Round,
    requests: Sequence[Request],
    providers: Sequence[Provider],
    interventions: Sequence[Intervention],
    codes: Codes,
    cands: Candidates,
    km_tenths: IntArray,
    policy: Policy,
    overrides: Overrides,
) -> Checked:
    """The first broken rule of every candidate pair (``providers`` in code order)."""
    n_iid = len(codes.intervention)
    pair_iid = np.asarray([codes.intervention[r.intervention_id] for r in requests])[
        cands.request
    ].astype(np.int64)
    start = np.asarray([r.start_date.toordinal() for r in requests], dtype=np.int64)
    key = codes.pair_key(cands.request, cands.provider)

    def pairs_of(named: list[tuple[str, str]]) -> list[int]:
        found = [(codes.request.get(r), codes.provider.get(p)) for r, p in named]
        return [r * len(codes.provider) + p for r, p in found if r is not None and p is not None]

    forbidden = _member(key, pairs_of(sorted(overrides.forbids)))
    refused = [(r.request_id, p) for r in requests for p in r.excluded_providers]
    excluded = _member(key, pairs_of(refused))
    covered, last_expired, first_valid = _certificates(
        round_, codes, cands, pair_iid, start[cands.request]
    )
    low = np.asarray([to_cents(i.tariff_min) for i in interventions], dtype=np.int64)
    high = np.asarray([to_cents(i.tariff_max) for i in interventions], dtype=np.int64)
    band = (cands.tariff_cents < low[pair_iid]) | (cands.tariff_cents > high[pair_iid])
    limit = policy.max_distance_km
    far = (
        (km_tenths >= 0) & (km_tenths / 10 > limit)
        if limit is not None
        else np.zeros(key.size, dtype=np.bool_)
    )
    total = np.zeros(len(codes.provider) + 1, dtype=np.bool_)
    rows: list[int] = []
    for c in round_.capacity:
        p = codes.provider.get(c.provider_id, len(codes.provider))
        if c.intervention_id == ALL_INTERVENTIONS:
            total[p] = True
        elif c.intervention_id in codes.intervention:
            rows.append(p * n_iid + codes.intervention[c.intervention_id])
    no_row = ~total[cands.provider] & ~_member(cands.provider * n_iid + pair_iid, rows)
    masks = (
        forbidden,
        excluded,
        ~covered & (last_expired >= 0),
        ~covered & (last_expired < 0),
        band,
        _missing_specialism(requests, providers, cands),
        far,
        no_row,
    )
    reason = np.full(key.size, ADMISSIBLE, dtype=np.int64)
    for position in reversed(range(len(RULE_ORDER))):
        reason[masks[position]] = position
    return Checked(reason, last_expired, first_valid)


def rejections(
    checked: Checked,
    cands: Candidates,
    requests: Sequence[Request],
    providers: Sequence[Provider],
    interventions: dict[str, Intervention],
    km_tenths: IntArray,
    policy: Policy,
) -> list[Rejection]:
    """A :class:`Rejection` with its words for each candidate that broke a rule, in pair order."""
    out = []
    for c in np.flatnonzero(checked.reason != ADMISSIBLE).tolist():
        request, provider = requests[int(cands.request[c])], providers[int(cands.provider[c])]
        why = RULE_ORDER[int(checked.reason[c])]
        words = _detail(why, c, checked, cands, request, provider, interventions, km_tenths, policy)
        out.append(Rejection(int(cands.request[c]), provider.provider_id, why, words))
    return out


def _detail(
    why: RejectReason,
    c: int,
    checked: Checked,
    cands: Candidates,
    request: Request,
    provider: Provider,
    interventions: dict[str, Intervention],
    km_tenths: IntArray,
    policy: Policy,
) -> str:
    """The words of one rejection: which rule, and the figures behind it."""
    pid, iid = provider.provider_id, request.intervention_id
    start = request.start_date.isoformat()
    if why is RejectReason.FORBIDDEN:
        return f"the regisseur ruled out {pid} for this request"
    if why is RejectReason.EXCLUDED_BY_CLIENT:
        return f"the client does not want {pid}"
    if why is RejectReason.CERTIFICATION_EXPIRED:
        last = date.fromordinal(int(checked.last_expired[c])).isoformat()
        return f"{pid}'s certificate for {iid} ended on {last}, before the start date {start}"
    if why is RejectReason.NOT_CERTIFIED:
        if checked.first_valid[c] < 0:
            return f"{pid} is not certified for {iid}"
        first = date.fromordinal(int(checked.first_valid[c])).isoformat()
        return f"{pid}'s certificate for {iid} only starts on {first}, after the start date {start}"
    if why is RejectReason.TARIFF_OUT_OF_BAND:
        band = interventions[iid]
        tariff = cands.tariffs[int(cands.source[c])]
        return (
            f"{pid} asks EUR {tariff}, outside the band EUR {band.tariff_min}"
            f"-{band.tariff_max} of {iid}"
        )
    if why is RejectReason.MISSING_SPECIALISM:
        missing = sorted(set(request.required_specialisms) - set(provider.specialisms))
        # The data set's specialism codes read as words ("intellectual disability").
        offered = ", ".join(code.replace("_", " ") for code in missing)
        return f"{pid} does not offer {offered}"
    if why is RejectReason.BEYOND_DISTANCE:
        km = int(km_tenths[c]) / 10
        return f"{pid} is {km:.1f} km away, beyond the limit of {policy.max_distance_km:g} km"
    return f"{pid} is certified for {iid} but has no capacity listed for it"
