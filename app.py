"""matcher's Streamlit app: owns the navigation and the global state; pages stay thin.

Run with `streamlit run app.py`; the database comes from $MATCHER_DB (default
sqlite:///matcher.sqlite), the same as for the command line.

Nothing is shown before a login (app_pages/session.py): the navigation offers only the
pages the actor's role allows, and the services refuse the rest whatever a page does.
Global state (st.session_state): `db_url` (which database), `actor` (who is logged in; the
audit names it). Each page owns its other keys.
"""

import streamlit as st

from app_pages.session import current_actor, login_page, sidebar, wanted_page
from matcher.data.db.engine import database_url
from matcher.services.access import Permission

# An emoji icon: the favicon needs no font fetched from an outside host.
st.set_page_config(page_title="matcher", page_icon="🤝", layout="wide")

if "db_url" not in st.session_state:
    st.session_state["db_url"] = database_url()

actor = current_actor()
if actor is None:
    login_page()
    st.stop()
sidebar(actor)

PAGES: list[tuple[str, Permission, st.Page]] = [
    ("Round", Permission.OVERVIEW, st.Page(
        "app_pages/overview.py", title="Overview", icon=":material/dashboard:")),
    ("Round", Permission.MATCH, st.Page(
        "app_pages/matching.py", title="Matching round", icon=":material/join_inner:")),
    ("Round", Permission.MATCH, st.Page(
        "app_pages/case.py", title="One case", icon=":material/person_search:")),
    ("Round", Permission.MATCH, st.Page(
        "app_pages/phase.py", title="Bidding round", icon=":material/gavel:")),
    ("Planning", Permission.CAPACITY, st.Page(
        "app_pages/capacity.py", title="Capacity", icon=":material/stacked_bar_chart:")),
    ("Planning", Permission.CAPACITY, st.Page(
        "app_pages/whatif.py", title="What-if", icon=":material/compare_arrows:")),
    ("Records", Permission.IMPORT_EXPORT, st.Page(
        "app_pages/data.py", title="Data", icon=":material/upload_file:")),
    ("Records", Permission.AUDIT, st.Page(
        "app_pages/history.py", title="History and audit", icon=":material/history:")),
    ("Portal", Permission.PORTAL, st.Page(
        "app_pages/provider.py", title="Provider portal", icon=":material/storefront:")),
    ("Accounts", Permission.ACCOUNTS, st.Page(
        "app_pages/accounts.py", title="Accounts", icon=":material/group:")),
]  # fmt: skip
pages: dict[str, list[st.Page]] = {}
for section, permission, page in PAGES:
    if actor.may(permission):
        pages.setdefault(section, []).append(page)
navigation = st.navigation(pages)
# After a login, open the page the browser asked for (when the role may see it).
wanted = wanted_page()
asked = next((p for ps in pages.values() for p in ps if wanted and p.url_path == wanted), None)
if asked is not None and asked.url_path != navigation.url_path:
    st.switch_page(asked)
navigation.run()
