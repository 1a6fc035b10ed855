"""A Dask client shared by a test module: an in-process LocalCluster of two workers.

In-process workers (threads) keep the property tests fast; test_kill.py runs the real
thing (worker processes) through the command line.
"""

from collections.abc import Iterator

import pytest
from distributed import Client

from matcher.batch.cluster import dask_client


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two in-process workers, one thread each."""
    with dask_client(None, workers=2, processes=False) as c:
        yield c
