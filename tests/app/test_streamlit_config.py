"""The app's Streamlit settings: users never see an exception's text or traceback."""

import tomllib

from streamlit.config import ShowErrorDetailsConfigOptions

from tests.paths import ROOT


def test_the_app_shows_users_no_error_details() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))

    value = config["client"]["showErrorDetails"]

    # "none" of this Streamlit; the old `false` now means "stacktrace", which shows tracebacks
    assert value == ShowErrorDetailsConfigOptions.NONE.value
