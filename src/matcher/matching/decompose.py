"""Split a round into independent parts: connected components of requests and limit rows.

Two requests belong to the same part when some limit row (a provider's capacity, its total
``*`` row, a team budget, a market-share cap) holds pairs of both. Parts share no row, so the
lexicographic optimum of the round is the union of the parts' optima (each stage objective
is a sum over parts). Most rounds fall apart into many small parts; a single request with no
rival is decided without a solver.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from matcher.matching.formulation import Part
from matcher.matching.problem import MatchingProblem


def split(problem: MatchingProblem) -> list[Part]:
    """The independent parts of a problem, largest first; requests without pairs are left out."""
    n_req, n_lim = problem.n_requests, len(problem.limits)
    if problem.n_pairs == 0:
        return []
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for k, limit in enumerate(problem.limits):
        members = np.unique(problem.pair_request[limit.pairs])
        rows.append(members)
        cols.append(np.full(members.size, n_req + k, dtype=np.int64))
    size = n_req + n_lim
    if rows:
        r, c = np.concatenate(rows), np.concatenate(cols)
        graph = sp.coo_matrix((np.ones(r.size, dtype=np.int8), (r, c)), shape=(size, size))
    else:
        graph = sp.coo_matrix((size, size), dtype=np.int8)
    _, label = connected_components(graph, directed=False)
    pair_label = label[problem.pair_request]
    order = np.argsort(pair_label, kind="stable")
    labels, starts = np.unique(pair_label[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    limits_of: dict[int, list[int]] = {}
    for k in range(n_lim):
        limits_of.setdefault(int(label[n_req + k]), []).append(k)
    parts = [
        Part(
            np.sort(order[s:e]).astype(np.int64),
            tuple(problem.limits[k] for k in limits_of.get(int(lab), [])),
        )
        for lab, s, e in zip(labels.tolist(), starts.tolist(), ends.tolist(), strict=True)
    ]
    parts.sort(key=lambda p: -p.cols.size)
    return parts
