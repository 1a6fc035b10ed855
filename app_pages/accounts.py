"""Accounts: who may log in, with which role (administrators). Accounts are added, disabled
and given roles with `matcher users`; this page lists them."""

import pandas as pd
import streamlit as st

from app_pages.state import actor, db_url
from matcher.services.accounts import accounts

st.title("Accounts")
st.caption("Add, disable or change an account with `matcher users add|disable|set-role`.")
rows = accounts(db_url(), actor())
st.dataframe(
    pd.DataFrame(
        [
            {
                "user": a.username,
                "role": a.role.value.replace("_", " "),
                "teams": ", ".join(a.teams),
                "provider": a.provider_id or "",
                "may log in": a.active,
                "demo account": a.demo,
            }
            for a in rows
        ]
    ),
    hide_index=True,
)
