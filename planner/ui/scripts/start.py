"""The start page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.start import page

page()
