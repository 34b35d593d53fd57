"""The Streamlit front end's pages (the only code that imports streamlit, with ``app.py``)."""
