"""The check page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.check_page import page

page()
