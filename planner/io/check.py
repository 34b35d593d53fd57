"""The files of ``planner check``: ``check.xlsx`` (verdict, channels per period, gaps, labour violations,
fix shifts, coverage), ``check.html`` (one self-contained page the client can forward: bilingual headings,
UTF-8, a CJK font stack, the chart of scheduled against required agents as inline SVG, no network) and
``fix_schedule.csv`` (the added shifts as schedule rows, to append to the vendor's roster)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import PlannerInputError
from planner.io.schedule import schedule_table
from planner.io.table import write_csv
from planner.io.xlsx import _write_sheets

CHECK_FILES = ("check.xlsx", "check.html", "fix_schedule.csv")
FONTS = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
HEADERS = {
    "team": "小组 team",
    "interval_start": "时段开始 interval_start",
    "required": "需求人数(在岗) required",
    "need": "应排人数 need",
    "scheduled": "已排人数 scheduled",
    "missing_agents": "缺少人数 missing_agents",
    "missing_agent_hours": "缺少人时 missing_agent_hours",
    "added_agents": "增加人数 added_agents",
    "rule": "规则 rule",
    "agent_id": "坐席 agent_id",
    "dates": "日期 dates",
    "detail": "说明 detail",
    "law": "依据 law",
    "date": "日期 date",
    "start": "开始 start",
    "end": "结束 end",
    "lunch_start": "午餐开始 lunch_start",
    "lunch_end": "午餐结束 lunch_end",
    "paid_hours": "计薪工时 paid_hours",
    "channel": "渠道 channel",
    "period": "周期 period",
    "offered": "预测量 offered",
    "value": "实际值 value",
    "target": "目标 target",
    "met": "达标 met",
    "margin": "差距 margin",
}


def _yes(x: bool) -> str:
    return "是 yes" if x else "否 no"


def verdict_rows(d: dict[str, Any]) -> pd.DataFrame:
    """The verdict as ``item, value`` rows (bilingual items)."""
    h = d["horizon"]
    rows: list[tuple[str, Any]] = [
        ("结论:排班是否充足 adequate", _yes(d["adequate"])),
        ("合同服务水平达标 service met", _yes(d["service_met"])),
        ("符合劳动法规 labour rules kept", _yes(d["labour_ok"])),
        ("覆盖需求 requirement covered", _yes(d["covered"])),
        ("检查期 horizon", f"{h['start']} - {h['end']} ({h['weeks']} week(s))"),
        ("时段(分钟) interval_min", d["interval_min"]),
        ("坐席人数 agents", d["agents"]),
    ]
    for ch, c in d["channels"].items():
        worst = c["worst_period"]
        rows += [
            (f"渠道 {ch}: 目标 target {c['measure']} ({c['period']})", c["target"]),
            (f"渠道 {ch}: 达标周期占比 share of periods met (need {c['min_share']:g})", c["share_met"]),
            (f"渠道 {ch}: 最差周期 worst period {worst['period']}", worst["value"]),
            (f"渠道 {ch}: 达标 met", _yes(c["met"])),
        ]
    fix = d["fix"]
    rows += [
        ("劳动法违规 labour violations", len(d["labour"])),
        ("缺口时段 intervals short", len(d["gaps"])),
        ("缺少人时 missing agent-hours", d["missing_agent_hours"]),
        ("补救:增加班次 fix: added shifts", fix["added_shifts"]),
        ("补救:增加人时 fix: added agent-hours", fix["added_agent_hours"]),
        ("补救后是否充足 adequate with the fix", _yes(d["recheck_adequate"])),
    ]
    rows += [("提示 note", n) for n in d["notes"]]
    return pd.DataFrame(rows, columns=["项目 item", "数值 value"])


def check_tables(result: Any) -> dict[str, pd.DataFrame]:
    """The check's tables: verdict, channels (per period), gaps, labour, fix shifts, coverage."""
    d = result.to_dict()
    channels = (pd.concat([c.periods_frame() for c in result.given.service], ignore_index=True)
                if result.given.service else pd.DataFrame())
    labour = pd.DataFrame([v.to_dict() for v in result.given.labour],
                          columns=["rule", "agent_id", "dates", "detail", "law"])
    labour["dates"] = labour["dates"].map(lambda x: " / ".join(x))
    gaps = pd.DataFrame([g.to_dict() for g in result.given.gaps],
                        columns=["team", "interval_start", "required", "need", "scheduled", "missing_agents"])
    return {
        "verdict": verdict_rows(d),
        "channels": channels,
        "gaps": gaps,
        "labour": labour,
        "fix_shifts": result.fix.shifts,
        "fix_intervals": result.fix.intervals,
        "coverage": result.given.coverage,
    }


def coverage_chart(coverage: pd.DataFrame, added: pd.DataFrame | None = None) -> Any:
    """Scheduled against needed agents per interval, one panel a team, the gaps as red bars."""
    import altair as alt

    df = coverage.copy()
    df["time"] = pd.to_datetime(df["interval_start"])
    long = pd.concat([
        df.assign(series="应排 need", agents=df["need"].astype(float)),
        df.assign(series="已排 scheduled", agents=df["scheduled"].astype(float)),
    ])[["team", "time", "series", "agents"]]
    gaps = df[df["missing_agents"] > 0][["team", "time", "missing_agents"]]
    x = alt.X("time:T", title="时段 interval")
    lines = alt.Chart(long).mark_line(interpolate="step-after").encode(
        x=x, y=alt.Y("agents:Q", title="坐席 agents"),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#1565c0", "#2e7d32"])),
    )
    bars = alt.Chart(gaps).mark_bar(color="#c62828", opacity=0.7).encode(
        x=x, y=alt.Y("missing_agents:Q"), tooltip=["time:T", "missing_agents:Q"],
    )
    charts = []
    for team in df["team"].unique():
        layer = alt.layer(lines.transform_filter(alt.datum.team == team),
                          bars.transform_filter(alt.datum.team == team))
        title = f"小组 {team}: 已排与应排人数,红色为缺口 scheduled vs needed, gaps in red"
        charts.append(layer.properties(width=900, height=220, title=title))
    return alt.vconcat(*charts).configure(font=FONTS)


def _svg(chart: Any) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict())


def _table_html(df: pd.DataFrame, limit: int = 500) -> str:
    if df is None or df.empty:
        return "<p>无 none</p>"
    more = f"<p>前 {limit} 行 first {limit} of {len(df)} rows (全部见 check.xlsx; all in check.xlsx)</p>" \
        if len(df) > limit else ""
    table = df.head(limit).rename(columns=HEADERS)
    return table.to_html(index=False, border=0, na_rep="", float_format=lambda v: f"{v:.3f}", escape=True) + more


def check_html(result: Any) -> str:
    """One self-contained HTML page (no script, no network): verdict, channels, gaps, labour, fix, chart."""
    d = result.to_dict()
    t = check_tables(result)
    ok = d["adequate"]
    verdict = ("充足 ADEQUATE" if ok else "不充足 NOT ADEQUATE")
    chart = _svg(coverage_chart(result.given.coverage)) if len(result.given.coverage) else ""
    style = (
        f"body{{font-family:{FONTS};margin:2em;color:#212121}} table{{border-collapse:collapse;margin:0.5em 0}}"
        "th,td{border:1px solid #bdbdbd;padding:2px 6px;font-size:13px} th{background:#eeeeee}"
        ".ok{color:#2e7d32} .bad{color:#c62828}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>排班充足性检查 Roster adequacy check {html.escape(d['horizon']['start'])}</title>",
        f"<style>{style}</style></head><body>",
        "<h1>排班充足性检查 Roster adequacy check</h1>",
        f"<p>检查期 horizon: {d['horizon']['start']} - {d['horizon']['end']}; 坐席 agents: {d['agents']}</p>",
        f'<h2 class="{"ok" if ok else "bad"}">结论 Verdict: {verdict}</h2>',
        _table_html(t["verdict"]),
        "<h2>各渠道各周期服务水平 Service per channel and period</h2>",
        _table_html(t["channels"]),
        "<h2>已排与需求人数 Scheduled against required</h2>",
        chart,
        "<h2>缺口时段 Intervals short of the requirement</h2>",
        _table_html(t["gaps"]),
        "<h2>劳动法规检查 Labour rules</h2>",
        _table_html(t["labour"]),
        "<h2>最低成本补救:增加班次 The cheapest fix: shifts to add</h2>",
        f"<p>增加人时 added agent-hours: {d['fix']['added_agent_hours']:.1f}; "
        f"补救后是否充足 adequate with the fix: {_yes(d['recheck_adequate'])}</p>",
        _table_html(t["fix_shifts"]),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_check(result: Any, out_dir: str | Path) -> Path:
    """Write ``check.xlsx``, ``check.html`` and ``fix_schedule.csv`` into ``out_dir`` (prepared by the caller)."""
    out = Path(out_dir)
    t = check_tables(result)
    _write_sheets(out / "check.xlsx", {k: v.rename(columns=HEADERS) for k, v in t.items()})
    try:
        (out / "check.html").write_text(check_html(result), encoding="utf-8")
    except OSError as exc:
        raise PlannerInputError(f"{out / 'check.html'}: cannot write ({exc.strerror or exc})") from None
    rows = schedule_table(result.fix.rows)
    if "team" not in rows.columns:  # no added shift: the header still names the team column
        rows["team"] = pd.Series(dtype=str)
    write_csv(rows, out / "fix_schedule.csv")
    return out
