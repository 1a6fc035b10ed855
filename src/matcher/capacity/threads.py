"""Run BLAS single-threaded while statsmodels fits its small models.

ETS fits on 36 numbers spend their time in tiny BLAS calls; OpenBLAS wakes a thread per core
for each, which on a busy two-core machine makes a fit ten times slower (0.3 s instead of
0.03 s). The OpenBLAS copies loaded by numpy and scipy are told to use one thread inside the
block and their setting is restored after it. Where no OpenBLAS is found (another BLAS,
another platform) the block simply runs as it is.
"""

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SUFFIXES = ("", "64_")


def _openblas_controls() -> list[tuple[object, object]]:
    """(get_num_threads, set_num_threads) of every OpenBLAS loaded in this process."""
    maps = Path("/proc/self/maps")
    if not sys.platform.startswith("linux") or not maps.exists():
        return []
    paths = sorted(
        {
            line.split()[-1]
            for line in maps.read_text().splitlines()
            if "openblas" in line and line.split()[-1].startswith("/")
        }
    )
    controls = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in _SUFFIXES:
                get = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    controls.append((get, put))
    return controls


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Inside the block, BLAS uses one thread."""
    controls = _openblas_controls()
    before = []
    for get, put in controls:
        before.append(int(get()))  # type: ignore[operator]
        put(1)  # type: ignore[operator]
    try:
        yield
    finally:
        for (_, put), n in zip(controls, before, strict=True):
            put(n)  # type: ignore[operator]
