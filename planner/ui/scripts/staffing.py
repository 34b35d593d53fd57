"""The staffing page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.staffing import page

page()
