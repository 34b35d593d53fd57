"""What every page shares: the language, texts, the error guard, tables with downloads, uploads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from planner.errors import PlannerInputError
from planner.ui import text
from planner.ui.engine import Upload, xlsx_bytes


def lang() -> str:
    value = st.session_state.get("lang", "zh")
    return value if value in text.LANGS else "zh"


def tr(key: str, **values: Any) -> str:
    return text.t(key, lang(), **values)


# widgets whose options are shown through a language's labels (format_func): the browser sends back the label,
# so after a language switch the old label matches no option and the choice is lost
LABELLED_WIDGETS = ("start_source", "start_history", "whatif_window", "reports_period")


def keep_choices() -> None:
    """The language switch's callback: each labelled widget's value (an option key) is set again through
    session state, so the browser is sent the choice under its new label."""
    for key in LABELLED_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def labeller() -> Callable[[str], str]:
    """A widget's ``format_func``: the text of each option key in this run's language (bound now, since
    streamlit may call it outside the script run)."""
    lg = lang()
    return lambda key: text.t(key, lg)


def _passthrough(exc: BaseException) -> bool:
    """Streamlit's own control flow (rerun, stop, page switch) must pass through the guard."""
    return type(exc).__module__.startswith("streamlit.") and type(exc).__name__ in (
        "RerunException", "StopException", "ScriptControlException",
    )


def input_message(exc: BaseException) -> str:
    """One readable line for a bad-input error (the library's messages name the file, row or field)."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return tr("error_input", msg=message)


def guarded(render: Callable[[], None]) -> Callable[[], None]:
    """The page body, with every error shown as one message: the app never shows a traceback."""

    def page() -> None:
        try:
            render()
        except PlannerInputError as exc:
            st.error(input_message(exc))
        except Exception as exc:
            if _passthrough(exc):
                raise
            name = type(exc).__name__
            if name in ("HistoryError", "ScheduleError", "ValidationError", "UnicodeDecodeError"):
                st.error(input_message(exc))
            else:
                logging.getLogger("planner.ui").exception("page error")  # the server's log, not the page
                st.error(tr("error_bug", kind=name))

    page.__name__ = render.__name__
    return page


def record() -> dict | None:
    """This session's plan (None until the Start page planned)."""
    return st.session_state.get("record")


def need_record() -> dict | None:
    rec = record()
    if rec is None:
        st.info(tr("need_plan"))
    return rec


def downloads(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX download buttons for a table."""
    a, b, _ = st.columns([1, 1, 6])
    a.download_button(tr("download_csv"), df.to_csv(index=False).encode("utf-8-sig"), f"{name}.csv",
                      "text/csv", key=f"{key}_csv")
    b.download_button(tr("download_xlsx"), lambda: xlsx_bytes(df, name), f"{name}.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx")


def table(df: pd.DataFrame, name: str, key: str) -> None:
    """A table with its CSV/XLSX downloads."""
    st.dataframe(df, hide_index=True, width="stretch")
    downloads(df, name, key)


def upload(label_key: str, key: str, types: list[str]) -> Upload | None:
    return Upload.of(st.file_uploader(tr(label_key), type=types, key=key))
