"""Hypothesis profiles: a quick ``dev`` default and a thorough, reproducible ``ci``.

``make pytest`` (hence ``.ci/run``) sets ``HYPOTHESIS_PROFILE=ci``: twice the examples, the
same examples every run (``derandomize``) so a rare case is found or missed the same way on
every machine, and the blob to reproduce a failure printed with it. ``dev`` keeps local runs
short and remembers failing examples in ``.hypothesis/examples`` between runs, so a case found
once is tried first next time. Tests that set their own ``max_examples`` pass it through
``examples(n)``: ``n`` is what CI ran before the profiles, and the profile scales it.
``mutation`` (``benchmarks/mutations.py``) is ``ci`` at the old counts without shrinking: a
mutation run only asks which tests fail, and shrinking each failure made a run take hours.
"""

import os
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

PROFILE_ENV = "HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "dev"
EXAMPLES_DB = Path(__file__).resolve().parents[1] / ".hypothesis" / "examples"
SCALE = {"dev": 0.25, "ci": 2.0, "mutation": 1.0}
MIN_EXAMPLES = 10

# Both profiles start from Hypothesis's own "default" rather than from whatever is loaded when
# this module runs: where the CI environment variable is set, Hypothesis loads its built-in
# "ci" profile first (derandomised, no database), and a profile without a parent would inherit
# that — which made ``dev`` derandomised on the CI machine.
_BASE = settings.get_profile("default")

settings.register_profile(
    "ci",
    _BASE,
    max_examples=200,
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
)
settings.register_profile(
    "mutation",
    settings.get_profile("ci"),
    max_examples=100,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.register_profile(
    "dev",
    _BASE,
    max_examples=25,
    database=DirectoryBasedExampleDatabase(str(EXAMPLES_DB)),
)


def active_profile() -> str:
    """The profile named by ``HYPOTHESIS_PROFILE`` (``dev`` when unset); unknown names fail."""
    name = os.environ.get(PROFILE_ENV, DEFAULT_PROFILE)
    if name not in SCALE:
        raise ValueError(f"{PROFILE_ENV}={name!r}: expected one of {', '.join(sorted(SCALE))}")
    return name


def load_profile() -> str:
    """Make the active profile Hypothesis's default for every test; returns its name."""
    name = active_profile()
    settings.load_profile(name)
    return name


def examples(n: int) -> int:
    """A test's own example count ``n`` scaled by the active profile (never below 10)."""
    return max(MIN_EXAMPLES, round(n * SCALE[active_profile()]))


def fixed_draws(n: int) -> settings:
    """Settings for a test that counts how often random rounds reach an edge: the same ``n``
    draws in every profile and on every machine (a count must not depend on the profile),
    generated only (no shrinking or replay: nothing fails inside the sample, the count does).

    ``derandomize`` seeds the draws from the sampled function's source, decorator included, so
    moving a test onto this helper changes which rounds it draws: tests/matching/test_reach.py
    keeps its own settings because its drawn rounds then fell below one floor (a share cap
    binding on requests of different sizes), a weakness of the strategy left for its own fix."""
    return settings(
        max_examples=n,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
