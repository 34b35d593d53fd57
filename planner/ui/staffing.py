"""Staffing: requirements per channel as a weekday x time-of-day heatmap, redrawn from what-if levers by
:func:`planner.steps.staff_step` on the plan's cached forecast (no plan is rerun), with what each lever moves:
agents on the job, the heads scheduled after shrinkage, FTE and cost (:func:`planner.whatif.heads`)."""

from __future__ import annotations

import time

import streamlit as st

from planner.ui import charts, text
from planner.ui.common import guarded, labeller, lang, need_record, table, tr


def levers(scenario) -> object:
    from planner.whatif import WINDOWS, WhatIf

    with st.expander(tr("whatif"), expanded=True):
        a, b = st.columns(2)
        volume = a.slider(tr("volume_pct"), -50, 100, 0, 5, key="whatif_volume")
        aht = b.slider(tr("aht_pct"), -50, 100, 0, 5, key="whatif_aht")
        targets = []
        queues = [c for c in scenario.channels if c.kind != "email" and c.target.sl is not None]
        cols = st.columns(max(1, len(queues)))
        for col, spec in zip(cols, queues, strict=False):
            targets.append((spec.name, col.slider(tr("sl_target", ch=spec.name), 0.5, 0.99, float(spec.target.sl),
                                                  0.01, key=f"whatif_sl_{spec.name}")))
        c, d, e = st.columns(3)
        shrink = c.slider(tr("shrinkage"), 0.0, 0.6, float(scenario.shrinkage), 0.01, key="whatif_shrinkage")
        occ_now = max((s.max_occupancy for s in queues), default=1.0)
        occ = d.slider(tr("occupancy"), 0.5, 1.0, float(occ_now), 0.01, key="whatif_occupancy")
        say = labeller()
        window = e.selectbox(tr("window"), WINDOWS, key="whatif_window", format_func=lambda k: say(f"window_{k}"))
    return WhatIf(volume_factor=1 + volume / 100, aht_factor=1 + aht / 100, sl_targets=tuple(targets),
                  shrinkage=shrink, max_occupancy=occ if occ != occ_now else None, window=window)


def whatif_requirements(rec: dict, what) -> tuple:
    """The requirements under the levers, and the seconds it took."""
    from planner.steps import staff_step, volume_errors
    from planner.whatif import apply_whatif

    t0 = time.perf_counter()
    part = rec["part"]
    scen, fc = apply_whatif(rec["plan"].scenario, part.forecast, what)
    errors, _ = volume_errors(scen, part.info)
    req, notes = staff_step(scen, fc, source=part.source, errors=errors)
    return req, notes, time.perf_counter() - t0


def head_metrics(plan, req, shrinkage: float, ch: str, lg: str) -> None:
    """Agents on the job, heads after shrinkage, FTE and cost a month, for the channel and for the plan's
    channels together, each beside the plan's own (the levers' effect)."""
    from planner.capacity_plan import measured_efficiency
    from planner.errors import PlannerInputError
    from planner.whatif import heads

    try:
        e, fen = measured_efficiency(plan), plan.cost.fte_cost_month_fen() if plan.cost is not None else 0.0
    except PlannerInputError:  # a plan without rostered hours or FTE: heads at full efficiency, no cost
        e, fen = 1.0, 0.0
    s0 = plan.scenario.shrinkage
    for name, channel in ((ch, ch), (tr("all_channels"), None)):
        now = heads(req, shrinkage, plan.weeks, e, fen, channel)
        was = heads(plan.requirements, s0, plan.weeks, e, fen, channel)
        st.markdown(f"**{name}**")
        cols = st.columns(4)
        for col, key, a, b, digits in (
            (cols[0], "on_job_h", now.on_job_h, was.on_job_h, 0),
            (cols[1], "scheduled_h", now.scheduled_h, was.scheduled_h, 0),
            (cols[2], "fte", now.fte, was.fte, 1),
            (cols[3], "cost_month", now.cost_month_cny, was.cost_month_cny, 0),
        ):
            col.metric(tr(key), text.fmt_num(a, lg, digits), delta=text.fmt_num(a - b, lg, digits),
                       delta_color="inverse" if key != "on_job_h" else "off")
        st.caption(tr("heads_note", peak=now.peak_scheduled, s=text.fmt_num(shrinkage * 100, lg, 0),
                      e=text.fmt_num(e, lg, 3)))


def render() -> None:
    from planner.whatif import requirement_grid

    st.title(tr("page_staffing"))
    rec = need_record()
    if rec is None:
        return
    lg = lang()
    plan = rec["plan"]
    what = levers(plan.scenario)
    req, notes, wall = whatif_requirements(rec, what)
    st.session_state["whatif"] = what
    channels = list(req.channels)
    ch = st.selectbox(tr("channel"), channels, key="staffing_channel")
    grid = requirement_grid(req, ch)
    st.altair_chart(charts.heatmap(grid, ch, lg), width="stretch")
    now = req.summary().get(ch, {}).get("agent_hours")
    base = plan.requirements.summary().get(ch, {}).get("agent_hours")
    st.metric(tr("required"), text.fmt_num(now, lg, 0),
              delta=None if now is None or base is None else text.fmt_num(now - base, lg, 0))
    st.caption(tr("required_hours", h=text.fmt_num(now, lg, 0), base=text.fmt_num(base, lg, 0)) + " · "
               + tr("redraw", ms=text.fmt_num(wall * 1000, lg)))
    head_metrics(plan, req, what.shrinkage if what.shrinkage is not None else plan.scenario.shrinkage, ch, lg)
    for n in notes[:5]:
        st.caption(n)
    out = req.frame.assign(interval_start=req.frame["interval_start"].astype(str))
    table(out[out["channel"] == ch], f"requirements_{ch}", "staffing_table")


page = guarded(render)
