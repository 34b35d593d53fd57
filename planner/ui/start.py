"""Start: pick a shipped scenario or upload one, with a history file or the built-in sample, and plan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.ui import engine, text
from planner.ui.common import downloads, guarded, labeller, lang, record, tr, upload


def _inputs() -> tuple[dict, str, engine.Upload | None] | None:
    source = st.radio(tr("scenario_source"), ["shipped", "uploaded"], key="start_source", horizontal=True,
                      format_func=labeller())
    if source == "shipped":
        names = engine.shipped_scenarios()
        name = st.selectbox(tr("scenario"), names, key="start_scenario",
                            index=names.index(engine.DEFAULT_SCENARIO) if engine.DEFAULT_SCENARIO in names else 0)
        data, where = engine.shipped_data(name), name
    else:
        up = upload("scenario_file", "start_scenario_file", ["toml"])
        if up is None:
            st.info(tr("upload_scenario_first"))
            return None
        data, where = engine.uploaded_data(up), up.name
    hist_from = st.radio(tr("history_source"), ["history_sample", "history_upload"], key="start_history",
                         horizontal=True, format_func=labeller())
    history = None
    if hist_from == "history_upload":
        history = upload("history_file", "start_history_file", ["csv", "xlsx"])
        if history is None:
            st.info(tr("upload_history_first"))
            return None
    elif not data.get("data", {}).get("history") and not data.get("data", {}).get("forecast"):
        data = engine.merged(data, {"data": {"sample": True}})
    if st.checkbox(tr("quick"), key="start_quick"):
        data = engine.quick(data)
    return data, where, history


def headline(rec: dict) -> None:
    from planner.verdict import channel_line, pct, provisional_line, verdict_line
    from planner.views import headline as plan_headline

    lg = lang()
    summary = rec["plan"].summary()
    h = plan_headline(summary)
    st.subheader(tr("headline"))
    st.caption(tr("horizon", start=text.fmt_date(summary["horizon"]["start"], lg),
                  end=text.fmt_date(summary["horizon"]["end"], lg)))
    a, b, c = st.columns(3)
    a.metric(tr("fte"), text.fmt_num(h["fte"], lg, 1))
    b.metric(tr("headcount"), text.fmt_num(h["headcount"], lg))
    c.metric(tr("cost_month"), text.fmt_money(h["cost_month_cny"], lg))
    cap = rec["plan"].capacity
    if cap is not None:  # the scenario has [capacity]: the contract term (Options page for its what-ifs)
        st.caption(tr("term_headline", months=cap.months, cost=text.fmt_money(cap.term_cost_cny, lg),
                      hires=text.fmt_num(sum(cap.hiring.hires), lg)))
    # the verdict: "met" is green only when met on the plan, the month likely met and the calendar official
    good = h["verdict"] == "met" and not h["provisional"]
    (st.success if good else st.warning)(verdict_line(summary, lg))
    why = provisional_line(summary, lg)
    if why:
        st.caption(why)
    if h["overtime_flags"]:
        st.warning(tr("overtime_flags_note", n=h["overtime_flags"]))
    rows = [
        {
            tr("channel"): x["channel"],
            tr("measure"): text.measure_name(x["measure"], x["period"], lg),
            tr("worst_period"): text.fmt_period(x["worst_period"], lg),
            tr("target"): text.fmt_measure(x["measure"], x["target"], lg),
            tr("predicted"): text.fmt_measure(x["measure"], x["predicted"], lg),
            tr("simulated"): text.fmt_measure(x["measure"], x["simulated"], lg),
            tr("share_met"): text.fmt_pct(x["share_met"], lg, 0),
            tr("p_month_met"): "—" if x["p_month_met"] is None else pct(x["p_month_met"], lg),
            tr("missed_days"): text.fmt_num(x["expected_missed_days_per_month"], lg, 1),
            tr("verdict"): channel_line(summary["channels"][x["channel"]], lg),
            tr("why"): text.why_missed(x, lg),
        }
        for x in h["channels"]
    ]
    df = pd.DataFrame(rows)
    st.dataframe(df, hide_index=True, width="stretch", key="start_headline")
    downloads(df, "headline", "start_headline")
    teams = pd.DataFrame([
        {
            tr("team"): x["team"],
            tr("agents_col"): x["agents"],
            tr("paid_hours"): text.fmt_num(x["paid_hours"], lg),
            tr("required_hours_team"): text.fmt_num(x["required_hours"], lg),
            tr("paid_over_required"): text.fmt_num(x["paid_over_required"], lg, 2),
            tr("idle_hours"): text.fmt_num(x["idle_paid_hours"], lg),
            tr("overtime_flags"): "—" if x["overtime_flags"] is None else x["overtime_flags"],
            tr("solver_gap"): text.fmt_pct(x["gap"], lg),
            tr("status"): x["status"],
        }
        for x in h["teams"]
    ])
    st.caption(tr("teams_title"))
    st.dataframe(teams, hide_index=True, width="stretch", key="start_teams")
    if summary["warnings"]:
        with st.expander(tr("warnings")):
            for w in summary["warnings"]:
                st.write(w)


def render() -> None:
    st.title(tr("app_title"))
    got = _inputs()
    if got is not None and st.button(tr("plan_button"), key="start_plan", type="primary"):
        data, where, history = got
        bar = st.progress(0.0, text=tr("planning"))
        with st.status(tr("planning"), expanded=False) as box:
            steps = [0]

            def say(message: str) -> None:
                steps[0] += 1
                box.write(message)
                bar.progress(min(0.95, steps[0] / 12), text=f"{tr('planning')} {message}")

            try:
                rec = engine.plan_now(data, where, history, say)
            except Exception:
                box.update(label=tr("plan_failed"), state="error")
                bar.empty()
                raise
            box.update(label=tr("planned", s=text.fmt_num(rec["wall_s"], lang(), 1)), state="complete")
        bar.progress(1.0, text=tr("planned", s=text.fmt_num(rec["wall_s"], lang(), 1)))
        st.session_state["record"] = rec
        st.session_state.pop("whatif_result", None)
    rec = record()
    if rec is not None:
        headline(rec)


page = guarded(render)
