"""The planner's front end: ``streamlit run app.py`` (or ``planner app``). Thin: it wires the pages of
planner/ui together; every page is guarded (a readable message, never a traceback)."""

import streamlit as st

from planner.ui import text
from planner.ui.common import keep_choices
from planner.ui.pages import NAMES, script

st.set_page_config(page_title="planner", layout="wide")
st.sidebar.radio(text.t("language", st.session_state.get("lang", "zh")), text.LANGS, key="lang", horizontal=True,
                 format_func=lambda x: text.LANG_NAMES[x], on_change=keep_choices)
lang = st.session_state.get("lang", "zh")
pages = [st.Page(script(name), title=text.t(f"page_{name}", lang), url_path=name, default=(name == "start"))
         for name in NAMES]
st.navigation(pages).run()
