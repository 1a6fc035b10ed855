"""Pages of the Streamlit app; each reads like a description of its screen."""
