"""The Hypothesis profiles: ``ci`` is reproducible and thorough, ``dev`` quick and remembering."""

import pytest
from hypothesis import Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.profiles import EXAMPLES_DB, PROFILE_ENV, active_profile, examples


def test_ci_profile_is_derandomised_prints_the_blob_and_runs_more_examples() -> None:
    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert ci.derandomize
    assert ci.print_blob
    assert ci.database is None
    assert ci.max_examples > dev.max_examples


def test_dev_profile_keeps_examples_in_the_local_database() -> None:
    dev = settings.get_profile("dev")
    assert not dev.derandomize
    assert dev.database == DirectoryBasedExampleDatabase(str(EXAMPLES_DB))


def test_a_test_own_count_is_doubled_under_ci_and_quartered_under_dev(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PROFILE_ENV, "ci")
    assert (examples(200), examples(3)) == (400, 10)
    monkeypatch.setenv(PROFILE_ENV, "dev")
    assert (examples(200), examples(3)) == (50, 10)
    monkeypatch.delenv(PROFILE_ENV)
    assert active_profile() == "dev"


def test_an_unknown_profile_name_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PROFILE_ENV, "fast")
    with pytest.raises(ValueError, match="HYPOTHESIS_PROFILE='fast'"):
        active_profile()


def test_the_active_profile_is_hypothesis_default() -> None:
    assert settings.default == settings.get_profile(active_profile())


def test_the_mutation_profile_is_ci_without_shrinking() -> None:
    mutation = settings.get_profile("mutation")
    assert mutation.derandomize
    assert Phase.shrink not in mutation.phases
    assert Phase.generate in mutation.phases
