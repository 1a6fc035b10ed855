"""How the search draws the request a neighbourhood starts from, in a process of its own.

``python -m tests.matching.worker_seed_check`` builds the search structure
(``Neighbourhoods``) of a tiny hand-made matrix (five requests, eight pairs, one limit row),
draws many times from ``_SeedWeights`` with a fixed generator, and prints one JSON line:
how often each request was drawn in a placement stage and in the cost stage, before and after
``update`` took in a new answer. tests/matching/test_highs_worker.py judges the counts against
the rule (by points among unplaced requests; by excess over the cheapest pair among placed
ones). Its own process because importing the worker's modules loads ``highspy``, which must
never share a process with OR-Tools (pytest's).
"""

import json
from types import SimpleNamespace
from typing import Any

import highspy  # first: matcher.matching.backends blocks it in processes that have not
import numpy as np
import scipy.sparse as sp

from matcher.highs_worker.neighbourhoods import Neighbourhoods, _SeedWeights

DRAWS = 20_000
# Pairs 0-7 of requests 0,0,1,1,2,3,3,4 (each pair's first row is its request's assign row).
REQUEST_OF = np.array([0, 0, 1, 1, 2, 3, 3, 4])
N_REQUESTS = 5
POINTS = np.array([10.0, 10.0, 30.0, 30.0, 20.0, 40.0, 40.0, 0.0])  # request 4: no points
COST = np.array([5.0, 9.0, 4.0, 4.0, 7.0, 2.0, 8.0, 3.0])  # cheapest: 5, 4, 7, 2, 3


def matrix() -> sp.csc_matrix:
    """The assign rows of the five requests, then one limit row over every pair."""
    n = REQUEST_OF.size
    rows = np.r_[REQUEST_OF, np.full(n, N_REQUESTS)]
    cols = np.r_[np.arange(n), np.arange(n)]
    return sp.csc_matrix((np.ones(2 * n), (rows, cols)), shape=(N_REQUESTS + 1, n))


def counts(draw: _SeedWeights, seed: int) -> list[int] | None:
    """How often each request is drawn; None when the draw says nothing can do better."""
    rng = np.random.default_rng(seed)
    found = [0] * N_REQUESTS
    for _ in range(DRAWS):
        request = draw.request(rng)
        if request is None:
            return None
        found[request] += 1
    return found


def main() -> None:
    search = Neighbourhoods(matrix(), N_REQUESTS, 1)
    figures: dict[str, Any] = {}
    placing = SimpleNamespace(maximize=True, cost=POINTS)
    x = np.zeros(REQUEST_OF.size, dtype=np.bool_)
    x[1] = True  # request 0 placed
    draw = _SeedWeights(search, placing, x)  # type: ignore[arg-type]
    figures["placing"] = counts(draw, 1)
    x[5] = True  # request 3 placed too
    draw.update(x)
    figures["placing_after_update"] = counts(draw, 2)
    x[[2, 4]] = True  # every request with points placed
    draw.update(x)
    figures["placing_all_placed"] = counts(draw, 3)
    costing = SimpleNamespace(maximize=False, cost=COST)
    y = np.zeros(REQUEST_OF.size, dtype=np.bool_)
    y[[1, 2, 6, 7]] = True  # excess 4 (request 0), 0 (1), 6 (3), 0 (4); request 2 unplaced
    draw = _SeedWeights(search, costing, y)  # type: ignore[arg-type]
    figures["costing"] = counts(draw, 4)
    y[[1, 6]], y[[0, 5]] = False, True  # requests 0 and 3 moved to their cheapest pairs
    draw.update(y)
    figures["costing_all_cheapest"] = counts(draw, 5)
    figures["highspy"] = highspy.__name__
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
