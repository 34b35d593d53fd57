"""The contract term (negotiators, on the Options page): team size, hiring and cost month by month
(:func:`planner.capacity_plan.capacity_of` on the session's plan), with what-ifs on attrition, volume growth
and first-contact resolution."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.ui import charts, engine, text
from planner.ui.common import downloads, lang, table, tr


def _inputs(rec: dict) -> dict | None:
    """The term's what-if form; the scenario changes it asks for, or None until it is submitted."""
    from planner.domain import CapacityTerms

    terms = rec["plan"].scenario.capacity or CapacityTerms()
    fcr = terms.volume.fcr if terms.volume.fcr is not None else rec["plan"].scenario.report.fcr_target
    with st.form("term_form"):
        a, b, c = st.columns(3)
        months = a.slider(tr("term_months"), 12, 36, int(terms.months), 1, key="term_months")
        attrition = b.number_input(tr("term_attrition"), 0.0, 0.5, float(terms.attrition_month), 0.005,
                                   format="%.3f", key="term_attrition")
        lead = c.number_input(tr("term_lead"), 0, 12, int(terms.lead_time_months), 1, key="term_lead")
        d, e, f = st.columns(3)
        growth = d.number_input(tr("term_growth"), -0.5, 2.0, float(terms.volume.growth_year), 0.01,
                                format="%.2f", key="term_growth")
        fcr_now = e.number_input(tr("term_fcr"), 0.3, 1.0, float(fcr), 0.01, format="%.2f", key="term_fcr")
        fcr_new = f.number_input(tr("term_fcr_target"), 0.3, 1.0, float(terms.volume.fcr_target or fcr), 0.01,
                                 format="%.2f", key="term_fcr_target")
        go = st.form_submit_button(tr("term_run"), key="term_run")
    if not go:
        return None
    return {"capacity": {"months": int(months), "attrition_month": float(attrition), "lead_time_months": int(lead),
                         "volume": {"growth_year": float(growth), "fcr": float(fcr_now),
                                    "fcr_target": float(fcr_new)}}}


def render(rec: dict) -> None:
    st.header(tr("term_title"))
    st.caption(tr("term_help"))
    changes = _inputs(rec)
    if changes is not None:
        with st.spinner(tr("term_running")):
            st.session_state["term_result"] = (rec["key"], engine.term_plan(rec, changes))
    got = st.session_state.get("term_result")
    if got is not None and got[0] == rec["key"]:
        cp = got[1]
    elif rec["plan"].capacity is not None:  # the scenario's own [capacity] terms, planned with the plan
        cp = rec["plan"].capacity
    else:
        return
    lg = lang()
    d = cp.to_dict()
    if not d["covered"]:
        st.warning(tr("term_short", n=len(d["short_months"]), months=d["months"]))
    a, b, c = st.columns(3)
    a.metric(tr("term_cost"), text.fmt_money(d["term_cost_cny"], lg))
    b.metric(tr("term_annual"), text.fmt_money(d["annual_cost_cny"], lg))
    c.metric(tr("term_hires"), text.fmt_num(d["hires"], lg))
    st.caption(f"{tr('term_gap')}:{text.mip_status(d['status'], d['gap'], lg)}" if lg == "zh"
               else f"{tr('term_gap')}: {text.mip_status(d['status'], d['gap'], lg)}")
    st.altair_chart(charts.capacity_chart(cp.rows, lg), width="stretch")
    st.subheader(tr("term_why"))
    for c_ in d["classes"]:
        st.write("• " + text.class_reason(c_, lg))
    for line in text.term_lines(cp.rows, lg):
        st.write("• " + line)
    # shown with the language's column names; downloaded with the CSV's (units in names, as `planner capacity`)
    st.dataframe(text.term_table(cp.rows, lg), hide_index=True, width="stretch")
    downloads(cp.rows, "capacity", "term_rows")
    classes = pd.DataFrame(d["classes"])
    if len(classes):
        if lg == "zh":
            classes["reason"] = [text.class_reason(c_, lg) for c_ in d["classes"]]
        table(classes[["month", "hires", "classes", "on_floor", "need_month", "reason"]].rename(
            columns={k: tr(f"term_col_{k}") for k in ("month", "hires", "classes", "on_floor", "need_month",
                                                      "reason")}), "capacity_classes", "term_classes")
