"""matcher's Streamlit app: owns the navigation and the global state; pages stay thin.

Run with `streamlit run app.py`; the database comes from $MATCHER_DB (default
sqlite:///matcher.sqlite), the same as for the command line.

Global state (st.session_state): `db_url` (which database), `who` (the name written in the
audit with every run, award and override). Each page owns its other keys.
"""

import streamlit as st

from matcher.data.db.engine import database_url
from matcher.data.db.schema import TEXT_LENGTH

# An emoji icon: the favicon needs no font fetched from an outside host.
st.set_page_config(page_title="matcher", page_icon="🤝", layout="wide")

if "db_url" not in st.session_state:
    st.session_state["db_url"] = database_url()
if "who" not in st.session_state:
    st.session_state["who"] = "regisseur"

with st.sidebar:
    st.text_input("Your name (for the audit)", key="who", max_chars=TEXT_LENGTH)

pages = {
    "Round": [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page("app_pages/matching.py", title="Matching round", icon=":material/join_inner:"),
        st.Page("app_pages/case.py", title="One case", icon=":material/person_search:"),
    ],
    "Planning": [
        st.Page("app_pages/capacity.py", title="Capacity", icon=":material/stacked_bar_chart:"),
        st.Page("app_pages/whatif.py", title="What-if", icon=":material/compare_arrows:"),
    ],
    "Records": [
        st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("app_pages/history.py", title="History and audit", icon=":material/history:"),
        st.Page("app_pages/provider.py", title="Provider view", icon=":material/storefront:"),
    ],
}
st.navigation(pages).run()
