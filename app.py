"""matcher's Streamlit app: owns the navigation and the global state; pages stay thin.

Run with `streamlit run app.py`; the database comes from $MATCHER_DB (default
sqlite:///matcher.sqlite), the same as for the command line.
"""

import streamlit as st

from matcher.data.db.engine import database_url

st.set_page_config(page_title="matcher", page_icon=":material/handshake:", layout="wide")

if "db_url" not in st.session_state:
    st.session_state["db_url"] = database_url()

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
st.navigation(pages).run()
