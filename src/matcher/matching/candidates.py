"""The candidate pairs of a round as arrays: every bid, and every standing offer without one.

Each bid and offer is read once (its tariff to cents, its units to hundredths); the pairs are
then formed with array operations, in the build's order: by request, then by provider id.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from matcher.domain import Request, Round
from matcher.domain.money import cents_to_euros, to_cents
from matcher.matching.problem import units_of
from matcher.matching.ragged import spread

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Codes:
    """The round's ids as integer codes: open requests, providers (sorted ids), interventions."""

    request: dict[str, int]
    provider: dict[str, int]
    intervention: dict[str, int]

    def pair_key(self, request: IntArray, provider: IntArray) -> IntArray:
        """One integer per (request, provider): sorts like the pair order."""
        return request * len(self.provider) + provider


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs, one entry each: request and provider codes, tariff in cents, units in
    hundredths, whether a bid (not an offer) gave them, and the Decimal tariff of each for the
    words of a rejection (``tariffs[source]``)."""

    request: IntArray
    provider: IntArray
    tariff_cents: IntArray
    units: IntArray
    from_bid: npt.NDArray[np.bool_]
    source: IntArray
    tariffs: list[Decimal]


class _Cents:
    """Tariff to cents once per distinct tariff, refusing one with more than two decimals (the
    integer pricing in ``terms`` is exact only for whole cents)."""

    def __init__(self) -> None:
        self.known: dict[Decimal, int] = {}

    def __call__(self, tariff: Decimal) -> int:
        cents = self.known.get(tariff)
        if cents is None:
            cents = to_cents(tariff)
            if cents_to_euros(cents) != tariff:
                raise ValueError(f"tariff EUR {tariff} has more than two decimals")
            self.known[tariff] = cents
        return cents


def candidates(round_: Round, requests: Sequence[Request], codes: Codes) -> Candidates:
    """Every (open request, provider of the round) pair with a bid or an offer; a bid wins over
    the offer, and of two bids (or offers) on one pair the later one counts."""
    cents = _Cents()
    request_units = np.asarray([units_of(r.units) for r in requests], dtype=np.int64)
    request_iid = np.asarray(
        [codes.intervention[r.intervention_id] for r in requests], dtype=np.int64
    )
    offers: dict[tuple[int, int], Decimal] = {}
    for o in round_.offers or ():
        p, i = codes.provider.get(o.provider_id), codes.intervention.get(o.intervention_id)
        if p is not None and i is not None:
            offers[(p, i)] = o.tariff
    bids: dict[tuple[int, int], tuple[Decimal, Decimal | None]] = {}
    for b in round_.bids:
        r, p = codes.request.get(b.request_id), codes.provider.get(b.provider_id)
        if r is not None and p is not None:
            bids[(r, p)] = (b.tariff, b.units)
    tariffs = [*offers.values(), *(tariff for tariff, _ in bids.values())]
    tariff_cents = np.asarray([cents(t) for t in tariffs], dtype=np.int64)

    offer_provider = np.asarray([p for p, _ in offers], dtype=np.int64)
    offer_iid = np.asarray([i for _, i in offers], dtype=np.int64)
    by_iid = np.argsort(offer_iid, kind="stable")
    bounds = np.searchsorted(offer_iid[by_iid], np.arange(len(codes.intervention) + 1))
    first, count = bounds[request_iid], bounds[request_iid + 1] - bounds[request_iid]
    offer_request, within = spread(count)
    offer_source = by_iid[first[offer_request] + within]

    bid_request = np.asarray([r for r, _ in bids], dtype=np.int64)
    bid_units = np.asarray(
        [-1 if u is None else units_of(u) for _, u in bids.values()], dtype=np.int64
    )
    request = np.concatenate([offer_request, bid_request])
    provider = np.concatenate([offer_provider[offer_source], [p for _, p in bids]])
    provider = provider.astype(np.int64)
    source = np.concatenate([offer_source, len(offers) + np.arange(len(bids))]).astype(np.int64)
    units = np.concatenate([request_units[offer_request], bid_units])
    units = np.where(units < 0, request_units[request], units)
    from_bid = np.concatenate([np.zeros(offer_request.size, bool), np.ones(len(bids), bool)])
    key = codes.pair_key(request, provider)
    order = np.lexsort((from_bid, key))  # per pair the offer first, then its bid
    last = np.ones(order.size, dtype=np.bool_)
    last[:-1] = key[order][1:] != key[order][:-1]
    keep = order[last]
    return Candidates(
        request[keep],
        provider[keep],
        tariff_cents[source[keep]],
        units[keep],
        from_bid[keep],
        source[keep],
        tariffs,
    )
