"""Groups of different sizes laid end to end in one array (a ragged list), spelled out.

The vectorised build expands per-request and per-pair lists — a pair's certificates, a
request's required specialisms, the offers of a request's intervention, a request's pairs —
into one flat array per list. ``spread`` is that expansion in one place: for each element,
the group it belongs to and its place within the group.
"""

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def spread(count: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """For groups of ``count[g]`` elements each, laid end to end: the group of every element
    and its place within its group (``([0, 0, 2], [0, 1, 0])`` for counts ``[2, 0, 1]``)."""
    sizes = np.asarray(count, dtype=np.int64)
    group = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    first = np.cumsum(sizes) - sizes
    within = np.arange(group.size, dtype=np.int64) - first[group]
    return group, within
