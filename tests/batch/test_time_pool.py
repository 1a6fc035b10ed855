"""The batch's time pool: no more time promised than the workers have, and time a bundle
does not use goes to the bundles after it (``matcher.batch.solve.TimePool``)."""

import heapq

from hypothesis import given
from hypothesis import strategies as st

from matcher.batch.solve import TimePool, share

EPS = 1e-9


@given(
    workers=st.integers(1, 4),
    limit=st.floats(0.5, 100.0),
    work=st.lists(st.tuples(st.integers(1, 10_000), st.floats(0.0, 1.0)), min_size=1, max_size=25),
)
def test_the_pool_never_promises_more_than_the_workers_have_left(
    workers: int, limit: float, work: list[tuple[int, float]]
) -> None:
    # Bundles start in order on whichever worker is free first and use a drawn fraction of
    # their seconds (1.0: all of it). At every start, what is promised to the bundles still
    # running plus the new share fits in the workers' time left, and no bundle may run past
    # the end.
    pool = TimePool(limit, workers, sum(pairs for pairs, _ in work))
    free = [(0.0, w) for w in range(workers)]  # (free at, worker)
    ends: dict[int, float] = {}
    for key, (pairs, used) in enumerate(work):
        now, worker = heapq.heappop(free)
        for done in [k for k, end in ends.items() if end <= now]:
            pool.give_back(done)
            del ends[done]
        promised = sum(max(end - now, 0.0) for end in ends.values())
        seconds = pool.take(key, pairs, now)
        assert seconds >= 0.0
        assert now + seconds <= limit + EPS
        assert promised + seconds <= workers * max(limit - now, 0.0) + EPS
        ends[key] = now + seconds  # promised until handed back, however much it uses
        heapq.heappush(free, (now + used * seconds, worker))


def test_a_bundle_that_ends_early_hands_its_time_to_the_next() -> None:
    # One worker, 10 s, two bundles of equal size: the first is promised 5 s. Ended after
    # 1 s, the second gets the 9 s left; had the first used its 5 s, the second gets 5 s.
    early = TimePool(10.0, 1, 200)
    assert early.take(0, 100, 0.0) == 5.0
    early.give_back(0)
    assert early.take(1, 100, 1.0) == 9.0
    late = TimePool(10.0, 1, 200)
    late.take(0, 100, 0.0)
    late.give_back(0)
    assert late.take(1, 100, 5.0) == 5.0


def test_two_workers_share_by_pairs_and_the_time_left_caps_a_share() -> None:
    # Two workers, 10 s, three equal bundles: 20 worker-seconds over three, then what is
    # left of them over two. The first ends after 1 s: 18 worker-seconds are left, 17/3 s
    # of them promised to the second, so the third may have 12.33 s, capped at the 9 s left.
    pool = TimePool(10.0, 2, 300)
    assert abs(pool.take(0, 100, 0.0) - 20 / 3) < EPS
    assert abs(pool.take(1, 100, 0.0) - 20 / 3) < EPS
    pool.give_back(0)
    assert pool.take(2, 100, 1.0) == 9.0


@given(
    time_left=st.floats(-5.0, 100.0),
    workers=st.integers(1, 8),
    committed=st.floats(0.0, 500.0),
    pairs=st.integers(0, 10_000),
    more=st.integers(0, 100_000),
)
def test_a_share_is_never_negative_nor_beyond_the_time_or_the_pool(
    time_left: float, workers: int, committed: float, pairs: int, more: int
) -> None:
    seconds = share(time_left, workers, committed, pairs, pairs + more)
    assert 0.0 <= seconds <= max(time_left, 0.0) + EPS
    assert seconds <= max(workers * time_left - committed, 0.0) + EPS
