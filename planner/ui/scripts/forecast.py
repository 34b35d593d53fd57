"""The forecast page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.forecast_page import page

page()
