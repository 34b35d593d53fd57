"""Roster: the schedule as a Gantt chart by agent, coverage against the requirement with gaps, rules
edited and one team re-solved (progress, time limit), downloads of plan.xlsx and the roster grid."""

from __future__ import annotations

import time

import streamlit as st

from planner.ui import charts, engine, text
from planner.ui.common import downloads, guarded, lang, need_record, tr


def render() -> None:
    from planner.views import roster_grid
    from planner.whatif import agent_bars, coverage_gaps

    st.title(tr("page_roster"))
    rec = need_record()
    if rec is None:
        return
    lg = lang()
    rosters = rec["plan"].rosters
    teams = [r.team for r in rosters]
    team = st.selectbox(tr("team"), teams, key="roster_team")
    r = rosters[teams.index(team)]
    st.caption(tr("agents_n", n=len(r.schedule.agents)))
    if team in rec.get("resolved", {}):
        st.info(tr("resolved_note", rules=text.rules_text(rec["resolved"][team], lg)))
    st.altair_chart(charts.gantt(agent_bars(r.schedule), team, lg), width="stretch")
    cov = coverage_gaps(r.coverage)
    st.altair_chart(charts.coverage_chart(cov, team, lg), width="stretch")
    st.caption(tr("gaps", n=int(cov["gap"].sum())))

    rules = rec["plan"].scenario.rules
    with st.form("roster_rules"):
        st.subheader(tr("rules"))
        a, b, c = st.columns(3)
        rest = a.number_input(tr("min_rest_hours"), 0.0, 24.0, float(rules.min_rest_min / 60), 0.5,
                              key="roster_rest")
        days = b.number_input(tr("days_per_week"), 1, 6, int(rules.max_days), 1, key="roster_days")
        limit = c.number_input(tr("time_limit"), 1.0, 600.0, 10.0, 1.0, key="roster_limit")
        go = st.form_submit_button(tr("resolve"), key="roster_resolve")
    if go:
        bar = st.progress(0.0, text=tr("resolving"))
        t0 = time.perf_counter()
        count = [0]

        def say(message: str) -> None:
            count[0] += 1
            bar.progress(min(0.9, count[0] / 4), text=f"{tr('resolving')} {message}")

        rules_now = {"min_rest_hours": float(rest), "days_per_week": int(days),
                     "min_days_per_week": min(int(days), rules.min_days), "time_limit_s": float(limit)}
        new = engine.resolve_team(rec, team, rules_now, say)
        # the new roster measured and priced again: every page and download shows one consistent plan
        plan = engine.with_roster(rec["plan"], new, say)
        done = {**rec.get("resolved", {}), team: rules_now}
        st.session_state["record"] = {**rec, "plan": plan, "resolved": done}
        st.session_state.pop("term_result", None)  # the term's efficiency was measured on the old rosters
        bar.progress(1.0, text=tr("resolved", s=text.fmt_num(time.perf_counter() - t0, lg, 1)))
        st.rerun()

    st.subheader(tr("downloads"))
    plan = rec["plan"]
    st.download_button(tr("plan_xlsx"), lambda: engine.plan_xlsx(plan), "plan.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="roster_plan_xlsx")
    grid = roster_grid(r.schedule)
    st.dataframe(grid, hide_index=True, width="stretch")
    downloads(grid, f"roster_{team}", "roster_grid")


page = guarded(render)
