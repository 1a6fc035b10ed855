"""Cached reads the pages share; the only place the app touches the services for data.

The stored round is cached per database URL and data version (last import, last award), so
a page renders from memory and every session sees a new award or import at once.
"""

import pandas as pd
import streamlit as st

from app_pages.session import current_actor
from matcher.capacity.report import CapacityReport
from matcher.capacity.settings import CapacitySettings
from matcher.data.db.audit import DataVersion
from matcher.domain import Round
from matcher.services.access import Actor, Permission, own_rows, own_scopes, require
from matcher.services.capacity import capacity_report
from matcher.services.history import data_version
from matcher.services.overview import RoundOverview, summarise
from matcher.services.round_session import open_requests, scopes
from matcher.services.rounds import stored_round


def db_url() -> str:
    """The database of this session."""
    url: str = st.session_state["db_url"]
    return url


def actor() -> Actor:
    """The logged-in actor of this session (app.py shows no page without one)."""
    logged_in = current_actor()
    if logged_in is None:
        st.stop()
    return logged_in


def version() -> DataVersion | None:
    """The data version of this session's database (None when not initialised)."""
    return data_version(db_url())


@st.cache_resource(max_entries=4, show_spinner="Loading the round ...")
def _round(url: str, stamp: DataVersion | None) -> Round | None:
    return stored_round(url)


def current_round() -> Round | None:
    """The stored round (cached; immutable, so shared between sessions); only for a
    logged-in session."""
    actor()
    stamp = version()
    st.session_state["round_import"] = None if stamp is None else stamp[0]
    return _round(db_url(), stamp)


def round_import() -> int | None:
    """The import the round last read on this page came from: a matching run carries it,
    so an award after a re-import is refused instead of awarding a stale proposal."""
    value: int | None = st.session_state.get("round_import")
    return value


@st.cache_data(max_entries=8, show_spinner=False)
def _overview(url: str, stamp: DataVersion | None) -> RoundOverview | None:
    round_ = _round(url, stamp)
    return None if round_ is None else summarise(round_)


def cached_overview(url: str) -> RoundOverview | None:
    """The overview of the stored round, or None when the database holds none yet."""
    require(actor(), Permission.OVERVIEW)
    return _overview(url, data_version(url))


@st.cache_data(max_entries=8, show_spinner=False)
def _open_requests(url: str, stamp: DataVersion | None) -> pd.DataFrame:
    round_ = _round(url, stamp)
    return pd.DataFrame() if round_ is None else open_requests(round_)


def cached_open_requests() -> pd.DataFrame:
    """The open requests of the actor's teams, without client details."""
    frame = _open_requests(db_url(), version())
    return frame if frame.empty else own_rows(actor(), frame)


def scope_labels() -> list[str]:
    """The scopes a regisseur can match, in the order shown."""
    round_ = current_round()
    return [] if round_ is None else list(own_scopes(actor(), round_, scopes(round_)))


def forget_round() -> None:
    """Drop cached derived tables after this session changed the data (awards, imports)."""
    _overview.clear()
    _open_requests.clear()


def require_round() -> Round:
    """The stored round, or a note on how to load one (and the page stops)."""
    round_ = current_round()
    if round_ is None:
        st.info(
            "There is no round in the database yet. Import one on the Data page, or run "
            "`matcher db init && matcher import data/demo`."
        )
        st.stop()
    return round_


@st.cache_resource(max_entries=4, show_spinner="Analysing capacity (forecasts, signals) ...")
def _capacity(url: str, stamp: DataVersion | None, tbtf: bool, _actor: Actor) -> CapacityReport:
    round_ = _round(url, stamp)
    assert round_ is not None
    # Too-big-to-fail re-matches the largest providers' clients (seconds on the demo), so
    # the page's first render leaves it out and runs it when asked.
    settings = None if tbtf else CapacitySettings(tbtf_max_providers=0)
    return capacity_report(round_, settings, actor=_actor)


def cached_capacity(tbtf: bool = False) -> CapacityReport:
    """The capacity analysis of the stored round (cached per data version), with the
    too-big-to-fail re-matches only when ``tbtf``."""
    require(actor(), Permission.CAPACITY)  # the cache below checks again only when it misses
    return _capacity(db_url(), version(), tbtf, actor())
