"""Where the parts are solved: a LocalCluster by default, or a running Dask scheduler.

A LocalCluster runs ``workers`` processes with one thread each: the solvers hold the GIL
for long stretches and each is asked for one thread, so processes are what gives parallel
solves. The scheduler's web server takes any free port, never the default 8787, so two
clusters on one machine (a batch and a test run, say) do not clash.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int = 2, processes: bool = True, quiet: bool = False
) -> Iterator[Client]:
    """A client on the scheduler at ``scheduler`` (tcp://host:8786), else on a new
    LocalCluster of ``workers`` single-threaded workers that is shut down afterwards.

    ``quiet`` keeps the cluster's own log lines below errors off the terminal (what-if)."""
    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            # The scheduler's HTTP server (health and metrics) starts even without a
            # dashboard; on a free port it never clashes with another cluster on 8787.
            dashboard_address=":0",
            silence_logs=logging.ERROR if quiet else logging.WARNING,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def worker_count(client: Client) -> int:
    """How many workers the client's cluster has right now."""
    return len(client.scheduler_info()["workers"])
