"""The roster page as streamlit runs it (st.Page needs a script per page)."""

from planner.ui.roster import page

page()
