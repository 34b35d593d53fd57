"""The options page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.options_page import page

page()
