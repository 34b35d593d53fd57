"""Scenarios: save the current what-if as a TOML file (nothing is overwritten without asking), and compare
any two scenarios side by side."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from planner.ui import engine
from planner.ui.common import guarded, record, table, tr

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


def save_dir() -> Path:
    """Where what-ifs are saved: ``$PLANNER_SAVE_DIR``, else ``saved_scenarios/`` in the working folder."""
    return Path(os.environ.get("PLANNER_SAVE_DIR") or "saved_scenarios")


def current_whatif(rec: dict) -> tuple[dict, list[str]]:
    from planner.whatif import WhatIf, whatif_mapping

    return whatif_mapping(rec["data"], st.session_state.get("whatif") or WhatIf())


def _save(rec: dict) -> None:
    from planner.scenario import scenario_toml

    st.subheader(tr("save_title"))
    data, notes = current_whatif(rec)
    engine.scenario_of(data, "what-if")  # it must load as it will be read back
    body = scenario_toml(data, "\n".join([f"saved from planner app, based on {rec['source']}", *notes]))
    name = st.text_input(tr("save_name"), "whatif.toml", key="scenarios_name").strip()
    st.caption(tr("save_folder", dir=str(save_dir())))
    st.download_button(tr("download_toml"), body.encode("utf-8"), name or "whatif.toml", "application/toml",
                       key="scenarios_download")
    if not NAME_RE.match(name or "") or name in (".", ".."):
        st.warning(tr("bad_name"))
        return
    if not name.endswith(".toml"):
        name += ".toml"
    path = save_dir() / name
    pending = st.session_state.get("scenarios_pending")
    if st.button(tr("save_button"), key="scenarios_save"):
        if path.exists():
            st.session_state["scenarios_pending"] = (str(path), body)
            pending = st.session_state["scenarios_pending"]
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
            st.success(tr("saved", path=str(path)))
            return
    if pending is not None:
        st.warning(tr("exists", path=pending[0]))
        a, b, _ = st.columns([1, 1, 6])
        if a.button(tr("overwrite"), key="scenarios_overwrite"):
            Path(pending[0]).write_text(pending[1], encoding="utf-8")
            st.session_state.pop("scenarios_pending", None)
            st.success(tr("saved", path=pending[0]))
        elif b.button(tr("cancel"), key="scenarios_cancel"):
            st.session_state.pop("scenarios_pending", None)
            st.info(tr("cancelled"))


def _choices(rec: dict | None) -> dict[str, dict]:
    from planner.scenario import read_scenario_data

    out: dict[str, dict] = {}
    if rec is not None:
        out[tr("no_whatif")] = current_whatif(rec)[0]
    for name in engine.shipped_scenarios():
        out[name] = engine.shipped_data(name)
    folder = save_dir()
    if folder.is_dir():
        for p in sorted(folder.glob("*.toml")):
            out[f"{folder.name}/{p.name}"] = read_scenario_data(p)
    return out


def _compare(rec: dict | None) -> None:
    from planner.whatif import flat_keys

    st.subheader(tr("compare_title"))
    choices = _choices(rec)
    names = list(choices)
    a, b = st.columns(2)
    left = a.selectbox(tr("left"), names, key="scenarios_left")
    right = b.selectbox(tr("right"), names, index=min(1, len(names) - 1), key="scenarios_right")
    fa, fb = flat_keys(choices[left]), flat_keys(choices[right])
    keys = sorted(set(fa) | set(fb))
    rows = [{tr("key"): k, "A": str(fa.get(k, "")), "B": str(fb.get(k, ""))} for k in keys if fa.get(k) != fb.get(k)]
    if not rows:
        st.info(tr("same"))
        return
    table(pd.DataFrame(rows), "scenario_diff", "scenarios_diff")


def render() -> None:
    st.title(tr("page_scenarios"))
    rec = record()
    if rec is not None:
        _save(rec)
    else:
        st.info(tr("need_plan"))
    _compare(rec)


page = guarded(render)
