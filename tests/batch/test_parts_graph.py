"""Cross-check of the decomposition with networkx (models/batch.md, "Parts").

The batch solves the parts of ``matcher.matching.decompose.split`` (scipy). Here networkx
builds the same graph from the round's admissible pairs and limit rows independently, and
its connected components must be exactly split's parts. On the national benchmark round
every part must stay inside one region.
"""

import networkx as nx
from benchmarks.national import national_round
from hypothesis import given, settings

from matcher.domain import Round
from matcher.matching.build import build_problem
from matcher.matching.decompose import split
from tests.batch.builders import matching_rounds
from tests.profiles import examples


def _networkx_parts(round_: Round) -> set[frozenset[str]]:
    """Requests joined when some capacity, budget or share row holds pairs of both."""
    problem = build_problem(round_)
    graph = nx.Graph()
    graph.add_nodes_from(problem.request_ids[r] for r in set(problem.pair_request.tolist()))
    for k, limit in enumerate(problem.limits):
        for r in problem.pair_request[limit.pairs].tolist():
            graph.add_edge(("limit", k), problem.request_ids[r])
    return {
        frozenset(n for n in component if isinstance(n, str))
        for component in nx.connected_components(graph)
    }


def _split_parts(round_: Round) -> set[frozenset[str]]:
    problem = build_problem(round_)
    return {
        frozenset(problem.request_ids[r] for r in problem.pair_request[part.cols].tolist())
        for part in split(problem)
    }


@settings(max_examples=examples(50), deadline=None)
@given(round_=matching_rounds())
def test_split_parts_are_the_networkx_components(round_: Round) -> None:
    assert _split_parts(round_) == _networkx_parts(round_)


def test_national_parts_stay_within_a_region() -> None:
    round_ = national_round(5_000, seed=3)  # two regions
    parts = _split_parts(round_)
    assert parts == _networkx_parts(round_)
    assert all(len({rid[:3] for rid in part}) == 1 for part in parts)
    assert len(parts) > 2
