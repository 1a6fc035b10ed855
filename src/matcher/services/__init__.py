"""Services: the use-cases the command line and the app call. No Streamlit, no Typer here."""
