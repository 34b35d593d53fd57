"""Check (the client, 甲方): upload a vendor roster and see the verdict, where it falls short, and the
cheapest fix (:func:`planner.check.check_roster`)."""

from __future__ import annotations

import streamlit as st

from planner.ui import engine, text
from planner.ui.common import guarded, lang, record, table, tr, upload


def _scenario_and_forecast(rec: dict | None, fc_up: engine.Upload | None) -> tuple:
    scen = rec["plan"].scenario if rec else engine.scenario_of(
        engine.merged(engine.shipped_data(engine.DEFAULT_SCENARIO), {"data": {"sample": True}}),
        engine.DEFAULT_SCENARIO)
    if fc_up is not None:
        from planner.io.forecast import read_forecast

        return scen, engine.with_upload(fc_up, lambda p: read_forecast(p, timezone=scen.timezone)), fc_up.name
    if rec is None:
        st.info(tr("need_plan"))
        return scen, None, ""
    return scen, rec["part"].forecast, "forecast"


def render() -> None:
    from planner.check import check_roster
    from planner.io.check import check_tables
    from planner.io.schedule import is_shift_list, read_schedule, read_shift_list

    st.title(tr("page_check"))
    lg = lang()
    roster_up = upload("vendor_roster", "check_roster_file", ["csv", "xlsx"])
    fc_up = upload("forecast_file", "check_forecast_file", ["csv", "xlsx"])
    if roster_up is None:
        st.info(tr("upload_roster_first"))
        return
    rec = record()
    scen, fc, fc_name = _scenario_and_forecast(rec, fc_up)
    roster = engine.with_upload(roster_up, lambda p: read_shift_list(p) if is_shift_list(p) else read_schedule(p))
    if fc is None or not st.button(tr("check_button"), key="check_run", type="primary"):
        result = st.session_state.get("check_result")
        if result is None or result[0] != (roster_up, fc_up, rec["key"] if rec else None):
            return
        result = result[1]
    else:
        with st.spinner(tr("checking")):
            result = check_roster(scen, roster, fc, schedule_source=roster_up.name, forecast_source=fc_name)
        st.session_state["check_result"] = ((roster_up, fc_up, rec["key"] if rec else None), result)
    d = result.to_dict()
    (st.success if d["adequate"] else st.error)(tr("adequate" if d["adequate"] else "not_adequate"))
    st.write(tr("labour", n=len(d["labour"])))
    st.write(tr("gap_rows", n=len(d["gaps"]), h=text.fmt_num(d["missing_agent_hours"], lg, 1)))
    fix = d["fix"]
    if fix["added_shifts"]:
        st.write(tr("fix", n=fix["added_shifts"], h=text.fmt_num(fix["added_agent_hours"], lg, 1)) + "; "
                 + tr("recheck_ok" if d["recheck_adequate"] else "recheck_no"))
    tables = check_tables(result)
    for name in ("verdict", "channels", "gaps", "labour", "fix_shifts"):
        if len(tables[name]):
            st.subheader(name)
            table(tables[name], f"check_{name}", f"check_{name}")
    for n in d["notes"]:
        st.caption(n)


page = guarded(render)
