"""Who is logged in to this browser session: the login form, logout and the idle timeout.

The authenticated Actor lives in st.session_state["actor"] (set only here, after the
service checked the password); every page reads it through ``current_actor``. A session
idle for longer than $MATCHER_SESSION_MINUTES (default 30) is logged out. The password is
read from the form and handed to the service; it is never stored in the session or logged.

Single sign-on: when .streamlit/secrets.toml configures OpenID Connect ([auth], README), the
login page also offers Streamlit's st.login; the person it returns gets in only with an
active account in the users table (services/accounts.sso_log_in).
"""

import os
import time
from collections.abc import Mapping

import streamlit as st

from matcher.services.access import Actor
from matcher.services.accounts import LoginRefusedError, log_in, log_out, sso_log_in

ACTOR, LAST_SEEN, NOTICE = "actor", "actor_last_seen", "login_notice"
WANTED = "login_wanted_page"  # the page the browser asked for before the login
DEFAULT_MINUTES = 30.0


def timeout_seconds() -> float:
    """The idle time after which a session is logged out."""
    return 60 * float(os.environ.get("MATCHER_SESSION_MINUTES") or DEFAULT_MINUTES)


def current_actor() -> Actor | None:
    """The logged-in actor of this session, or None; an idle session is logged out here."""
    actor: Actor | None = st.session_state.get(ACTOR)
    if actor is None and sso_provider() is not None and st.user.is_logged_in:
        try:
            actor = sso_log_in(st.session_state["db_url"], st.user.to_dict())
        except LoginRefusedError as exc:
            st.session_state[NOTICE] = str(exc).capitalize() + "."
            return None
        st.session_state[ACTOR] = actor
    if actor is None:
        return None
    now = time.monotonic()
    if now - st.session_state.get(LAST_SEEN, now) > timeout_seconds():
        end_session(actor, "timeout")
        st.session_state[NOTICE] = "Your session ended after a while without activity."
        return None
    st.session_state[LAST_SEEN] = now
    return actor


def end_session(actor: Actor, why: str = "logout") -> None:
    """Log the actor out: the audit says so and the whole session state is dropped, so no
    table, download or selection of this session outlives it."""
    log_out(st.session_state["db_url"], actor, why)
    url = st.session_state["db_url"]
    st.session_state.clear()
    st.session_state["db_url"] = url
    if sso_provider() is not None and st.user.is_logged_in:
        st.logout()  # drops the identity cookie too, and runs the app again


def login_page() -> None:
    """The login form; on success the session holds the actor and the app runs again."""
    st.title("Log in to matcher")
    url = st.context.url or ""
    st.session_state.setdefault(WANTED, url.rstrip("/").rsplit("/", 1)[-1] if url else "")
    if notice := st.session_state.pop(NOTICE, None):
        st.info(notice)
    provider = sso_provider()
    if provider is not None:
        if st.user.is_logged_in:  # known to the identity provider, refused by matcher
            st.button("Log out of single sign-on", on_click=st.logout)
        else:
            st.button("Log in with single sign-on", type="primary", on_click=st.login,
                      args=(provider or None,))  # fmt: skip
        st.caption("Or with a local account:")
    with st.form("login"):
        username = st.text_input("User name", max_chars=64, autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary")
    if not submitted:
        return
    try:
        actor = log_in(st.session_state["db_url"], username, password)
    except LoginRefusedError as exc:
        st.error(str(exc).capitalize() + ".")
        return
    st.session_state[ACTOR] = actor
    st.session_state[LAST_SEEN] = time.monotonic()
    st.rerun()


def sso_provider() -> str | None:
    """The OpenID Connect provider of .streamlit/secrets.toml ("" for a single [auth]
    provider), or None when single sign-on is not configured."""
    if not st.secrets.load_if_toml_exists():
        return None
    auth = st.secrets.get("auth")
    if not isinstance(auth, Mapping) or "redirect_uri" not in auth:
        return None
    named = [name for name, value in auth.items() if isinstance(value, Mapping)]
    if named:
        return str(named[0])
    return "" if "client_id" in auth else None


def wanted_page() -> str:
    """The page the browser asked for before it logged in (once; empty when none)."""
    wanted: str = st.session_state.pop(WANTED, "")
    return wanted


def sidebar(actor: Actor) -> None:
    """Who is logged in, and the logout button."""
    with st.sidebar:
        st.caption(f"Logged in as **{actor.username}** ({actor.role.value.replace('_', ' ')})")
        if st.button("Log out", key="logout"):
            end_session(actor)
            st.rerun()
