"""``ragged.spread`` against the plain loop it replaces, empty groups included."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.matching.ragged import spread


@given(st.lists(st.integers(0, 4), max_size=12))
def test_spread_names_each_elements_group_and_place(counts: list[int]) -> None:
    group, within = spread(np.asarray(counts, dtype=np.int64))
    expected = [(g, k) for g, n in enumerate(counts) for k in range(n)]
    assert list(zip(group.tolist(), within.tolist(), strict=True)) == expected
    assert group.dtype == within.dtype == np.int64


def test_spread_of_the_documented_example() -> None:
    group, within = spread([2, 0, 1])
    assert group.tolist() == [0, 0, 2]
    assert within.tolist() == [0, 1, 0]
