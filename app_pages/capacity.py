"""Placeholder until its service is on main."""

import streamlit as st

st.title("capacity")
st.info("This page arrives with its service.")
