"""The app's altair charts: every title and axis in the session's language (data in, chart out)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from planner.ui import text
from planner.verdict import level_name

# d3's zh-CN number and time locale (d3-format/locale/zh-CN.json, d3-time-format/locale/zh-CN.json), short
# months written 1月..12月 as the reports write dates
ZH_LOCALE = {
    "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]},
    "time": {
        "dateTime": "%x %A %X", "date": "%Y年%-m月%-d日", "time": "%H:%M:%S", "periods": ["上午", "下午"],
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
        "shortMonths": [f"{m}月" for m in range(1, 13)],
    },
}
# time axes: the hour as 24-h clock, days as the locale writes them (Vega's multi-format keys)
TIME_AXIS = {
    "zh": {"year": "%Y年", "month": "%-m月", "week": "%-m月%-d日", "date": "%-m月%-d日", "hours": "%H:%M",
           "minutes": "%H:%M"},
    "en": {"year": "%Y", "month": "%b", "week": "%d %b", "date": "%d %b", "hours": "%H:%M", "minutes": "%H:%M"},
}


def localised(chart: Any, lang: str) -> Any:
    """The chart with the language's number and date locale (axis ticks, tooltips)."""
    return chart.configure(locale=ZH_LOCALE) if lang == "zh" else chart


def time_x(field: str, lang: str) -> Any:
    return alt.X(f"{field}:T", title=text.t("time", lang), axis=alt.Axis(format=TIME_AXIS[lang]))


def forecast_chart(history: pd.DataFrame | None, forecast: pd.DataFrame, lang: str) -> Any:
    """History (grey) and forecast (blue) with the 80 % band (``offered_lo``-``offered_hi``)."""
    t = lambda k: text.t(k, lang)  # noqa: E731
    fc = forecast.assign(interval_start=pd.to_datetime(forecast["interval_start"]))
    x = time_x("interval_start", lang)
    band = alt.Chart(fc).mark_area(opacity=0.25, color="#1565c0").encode(
        x=x, y=alt.Y("offered_lo:Q", title=t("offered")), y2="offered_hi:Q")
    line = alt.Chart(fc.assign(series=t("forecast"))).mark_line(color="#1565c0").encode(
        x=x, y="offered:Q", tooltip=["interval_start:T", "offered:Q", "offered_lo:Q", "offered_hi:Q"])
    layers = [band, line]
    if history is not None and len(history):
        h = history.assign(interval_start=pd.to_datetime(history["interval_start"]),
                           offered=pd.to_numeric(history["offered"], errors="coerce"))
        layers.insert(0, alt.Chart(h).mark_line(color="#757575", strokeWidth=1).encode(x=x, y="offered:Q"))
    return localised(alt.layer(*layers).properties(title=t("forecast_title"), height=320), lang)


def heatmap(grid: pd.DataFrame, channel: str, lang: str) -> Any:
    """Agents required per weekday and time of day (:func:`planner.whatif.requirement_grid`)."""
    days = text.t("weekdays", lang).split(",")
    g = grid.assign(day=grid["weekday"].map(dict(enumerate(days))))
    return localised(alt.Chart(g).mark_rect().encode(
        x=alt.X("time:O", title=text.t("time_of_day", lang), sort=sorted(g["time"].unique())),
        y=alt.Y("day:O", title=text.t("weekday", lang), sort=days),
        color=alt.Color("required:Q", title=text.t("required", lang), scale=alt.Scale(scheme="orangered")),
        tooltip=[alt.Tooltip("day:O", title=text.t("weekday", lang)),
                 alt.Tooltip("time:O", title=text.t("time_of_day", lang)),
                 alt.Tooltip("required:Q", title=text.t("required", lang), format=".1f")],
    ).properties(title=text.t("heatmap_title", lang, ch=channel), height=300), lang)


def gantt(bars: pd.DataFrame, team: str, lang: str) -> Any:
    """The schedule as bars by agent (:func:`planner.whatif.agent_bars`)."""
    agents = sorted(bars["agent_id"].unique())
    bars = bars.assign(activity=bars["activity"].map(lambda a: text.activity(a, lang)))
    return localised(alt.Chart(bars).mark_bar().encode(
        x=time_x("start", lang),
        x2="end:T",
        y=alt.Y("agent_id:N", title=text.t("agent", lang), sort=agents),
        color=alt.Color("activity:N", title=text.t("activity", lang)),
        tooltip=["agent_id:N", "activity:N", "start:T", "end:T"],
    ).properties(title=text.t("gantt_title", lang, team=team), height=max(200, 14 * len(agents))), lang)


def coverage_chart(cov: pd.DataFrame, team: str, lang: str) -> Any:
    """Scheduled agents against the agents needed (after shrinkage), gaps as red points
    (:func:`planner.whatif.coverage_gaps`)."""
    x = time_x("interval_start", lang)
    long = pd.concat([
        cov[["interval_start"]].assign(series=text.t("scheduled", lang), agents=cov["scheduled"].astype(float)),
        cov[["interval_start"]].assign(series=text.t("need", lang), agents=cov["need"]),
    ])
    lines = alt.Chart(long).mark_line(interpolate="step-after").encode(
        x=x, y=alt.Y("agents:Q", title=text.t("agent", lang)), color=alt.Color("series:N", title=None))
    gaps = alt.Chart(cov[cov["gap"]]).mark_point(color="#c62828", filled=True, size=50).encode(
        x=x, y="scheduled:Q", tooltip=["interval_start:T", "scheduled:Q", "need:Q"])
    return localised(alt.layer(lines, gaps).properties(title=text.t("coverage_title", lang, team=team), height=280),
                     lang)


def options_chart(rows: list[dict[str, Any]], lang: str) -> Any:
    """Each option's worst contract period against its cost a month, per channel (rows of
    :func:`planner.sweep.compare`); the target dashed."""
    t = lambda k: text.t(k, lang)  # noqa: E731
    data = pd.DataFrame([
        {"option": r["option"], "cost": r["cost_month_cny"], "channel": ch, "value": x["worst_period_value"],
         "target": x["target"],
         "met": level_name(x.get("verdict") or ("met" if x["met"] else "not_met"), lang)}
        for r in rows for ch, x in r["channels"].items() if x["worst_period_value"] is not None
    ])
    x = alt.X("cost:Q", title=t("cost_month"), scale=alt.Scale(zero=False))
    y = alt.Y("value:Q", title=t("worst_value"), scale=alt.Scale(zero=False))
    base = alt.Chart(data)
    points = base.mark_point(filled=True, size=90).encode(
        x=x, y=y, color=alt.Color("channel:N", title=t("channel")), shape=alt.Shape("met:N", title=t("verdict")),
        tooltip=["option:N", "channel:N", "cost:Q", "value:Q", "target:Q"])
    labels = base.mark_text(dy=-12).encode(x=x, y=y, text="option:N")
    target = base.mark_rule(strokeDash=[4, 4]).encode(y="target:Q", color="channel:N")
    return localised(alt.layer(points, labels, target).properties(title=t("options_chart"), height=320), lang)


def capacity_chart(rows: pd.DataFrame, lang: str) -> Any:
    """The contract term month by month: required FTE, headcount (trainees included) and productive FTE as
    lines, hires as bars (the rows of :class:`planner.capacity_plan.CapacityPlan`)."""
    t = lambda k: text.t(k, lang)  # noqa: E731
    names = {"required_fte": t("term_required"), "headcount_start": t("term_headcount"),
             "productive_fte": t("term_productive"), "with_overtime": t("term_with_overtime")}
    rows = rows.assign(with_overtime=rows["productive_fte"] + rows["overtime_fte"])
    long = rows.melt(id_vars=["month"], value_vars=list(names), var_name="key", value_name="value")
    long["series"] = long["key"].map(names)
    x = alt.X("month:O", title=t("term_month"))
    bars = alt.Chart(rows).mark_bar(color="#90caf9", opacity=0.8).encode(
        x=x, y=alt.Y("hires:Q", title=t("term_people")),
        tooltip=[alt.Tooltip("month:O", title=t("term_month")), alt.Tooltip("hires:Q", title=t("term_hires"))])
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=x, y="value:Q",
        color=alt.Color("series:N", title=None, sort=list(names.values()),
                        scale=alt.Scale(domain=list(names.values()),
                                        range=["#c62828", "#1565c0", "#2e7d32", "#f9a825"]),
                        legend=alt.Legend(labelLimit=0, orient="bottom")),
        tooltip=[alt.Tooltip("month:O", title=t("term_month")), "series:N", alt.Tooltip("value:Q", format=".1f")])
    return localised(alt.layer(bars, lines).properties(title=t("term_chart"), height=320), lang)
