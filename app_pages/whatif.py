"""Placeholder until its service is on main."""

import streamlit as st

st.title("whatif")
st.info("This page arrives with its service.")
