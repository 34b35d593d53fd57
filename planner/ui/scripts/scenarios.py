"""The scenarios page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.scenarios_page import page

page()
