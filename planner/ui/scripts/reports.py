"""The reports page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.reports_page import page

page()
