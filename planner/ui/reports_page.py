"""Reports: upload actuals and see the contract's KPIs per day, week or month against their targets
(:func:`planner.reports.build_report`); download xlsx or html."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from planner.ui import engine
from planner.ui.common import guarded, labeller, lang, record, table, tr, upload


def report_file(report, lg: str, suffix: str) -> bytes:
    from planner.io.report import write_report

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report{suffix}"
        write_report(path, report, lg)
        return path.read_bytes()


def render() -> None:
    from planner.io.actuals import read_actuals, report_columns
    from planner.io.report import period_table, summary_table
    from planner.reports import PERIODS, build_report

    st.title(tr("page_reports"))
    lg = lang()
    rec = record()
    scen = rec["plan"].scenario if rec else engine.scenario_of(
        engine.merged(engine.shipped_data(engine.DEFAULT_SCENARIO), {"data": {"sample": True}}),
        engine.DEFAULT_SCENARIO)
    up = upload("actuals_file", "reports_file", ["csv", "xlsx"])
    period = st.radio(tr("report_period"), PERIODS, key="reports_period", horizontal=True, format_func=labeller())
    if up is None:
        st.info(tr("upload_actuals_first"))
        return
    frame = engine.with_upload(up, lambda p: read_actuals(p, scen, report_columns(scen)))
    report = build_report(frame, scen, period)
    st.subheader(tr("kpi_summary"))
    table(summary_table(report, lg), "report_summary", "reports_summary")
    st.subheader(tr(period))
    table(period_table(report, report.rows, lg, period), f"report_{period}", "reports_periods")
    a, b, _ = st.columns([1, 1, 4])
    a.download_button(tr("report_xlsx"), lambda: report_file(report, lg, ".xlsx"), "report.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="reports_xlsx")
    b.download_button(tr("report_html"), lambda: report_file(report, lg, ".html"), "report.html", "text/html",
                      key="reports_html")
    for n in report.notes:
        st.caption(n)


page = guarded(render)
