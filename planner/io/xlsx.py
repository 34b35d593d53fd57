"""``plan.xlsx``: the plan as a workbook a planner and a team leader open (openpyxl).

Sheets: summary, forecast, requirements, roster (agent x date grid, the one a team leader prints),
schedule (every activity row), coverage (scheduled against required per interval and team) and service
(each channel's contract measure per period against its target), risk (each day's probability of meeting
the target under the forecast's error) and confidence_hours (the requirement's hours for plain Erlang and
each confidence step), cost (every figure of the monthly cost, with the rule it comes from), capacity
(the term month by month, when the scenario has a ``[capacity]`` section) and, from
``planner cost --plans``, options (the SLA options side by side). Headers are bilingual (zh-CN / en).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from planner.domain import TIME_FMT
from planner.errors import PlannerInputError
from planner.verdict import channel_line, level_name, of_summary, provisional_line, verdict_line

HEADERS = {
    "interval_start": "时段开始 interval_start",
    "channel": "渠道 channel",
    "offered": "预测量 offered",
    "required": "需求人数 required",
    "scheduled": "排班人数 scheduled",
    "shortfall": "缺口 shortfall",
    "agent_id": "坐席 agent_id",
    "team": "小组 team",
    "period": "周期 period",
    "value": "实际值 value",
    "target": "目标 target",
    "met": "达标 met",
    "date": "日期 date",
    "p_met": "达标概率 p_met",
    "expected_value": "期望值 expected_value",
    "staffing": "配置方式 staffing",
    "confidence": "置信度 confidence",
    "agent_hours": "人时 agent_hours",
    "added_hours": "增加人时 added_hours",
    "item": "项目 item",
    "rule": "规则 rule",
    "quantity": "数量 quantity",
    "unit": "单位 unit",
    "rate_cny": "单价(元) rate_cny",
    "amount_cny_horizon": "计划期金额(元) amount_cny_horizon",
    "amount_cny_month": "月金额(元) amount_cny_month",
    "amount_cny": "月金额(元) amount_cny",
    "option": "方案选项 option",
    "changes": "改动 changes",
    "cost_month_cny": "月成本(元) cost_month_cny",
    "cost_per_contact_cny": "每次服务成本(元) cost_per_contact_cny",
    "added_cost_month_cny": "增加月成本(元) added_cost_month_cny",
    "where_hours_went": "增加人时分布 where_hours_went",
}


def summary_rows(summary: dict[str, Any]) -> pd.DataFrame:
    """The summary as ``item, value`` rows: horizon; the verdict (:mod:`planner.verdict`) in words with the
    lowest probability of meeting the month, the overtime flags and why it is provisional; per channel and per
    team figures (paid against required hours, idle paid hours, overtime flags, the solver's gap); warnings."""
    h = summary["horizon"]
    rows: list[tuple[str, Any]] = [
        ("方案 scenario", summary["scenario_name"] or summary["scenario"]),
        ("计划期 horizon", f"{h['start']} - {h['end']} ({h['weeks']} week{'s' if h['weeks'] > 1 else ''})"),
        ("时段 interval_min", summary["interval_min"]),
        ("缺勤率 shrinkage", summary["shrinkage"]),
    ]
    v = of_summary(summary)
    rows += [
        ("结论 verdict", f"{level_name(v['verdict'], 'zh')} {level_name(v['verdict'], 'en')}"
                         + (" (暂定 provisional)" if v["provisional"] else "")),
        ("结论说明 verdict in words", verdict_line(summary, "zh")),
        ("verdict in words", verdict_line(summary, "en")),
        ("月度最低达标概率 lowest P(month meets the contract)", v["p_month_met_min"]),
        ("最低概率渠道 channel of the lowest P(month)", v["p_month_met_min_channel"]),
    ]
    if v["provisional"]:
        rows += [
            ("暂定原因 why provisional", provisional_line(summary, "zh")),
            ("why provisional", provisional_line(summary, "en")),
        ]
    cost = summary.get("cost")
    if cost:
        rows.append(("月加班超36小时 agent-months over 36 h overtime", len(cost["overtime_flags"])))
    for ch, c in summary["channels"].items():
        rows.append((f"渠道 {ch}: 预测量 forecast volume", c["forecast_volume"]))
        rows.append((f"渠道 {ch}: 需求人时 required agent-hours", c["required_agent_hours"]))
        svc = c["service"]
        if svc is not None:
            rows.append((f"渠道 {ch}: 目标 target {svc['measure']} ({svc['period']})", svc["target"]))
            rows.append((f"渠道 {ch}: 最差周期 worst period {svc['worst_period']['period']}",
                         svc["worst_period"]["value"]))
            rows.append((f"渠道 {ch}: 达标周期占比 share of periods met", svc["share_met"]))
            rows.append((f"渠道 {ch}: 结论 verdict", f"{channel_line(c, 'zh')} / {channel_line(c, 'en')}"))
        risk = c.get("risk")
        if risk is not None:
            rows.append((f"渠道 {ch}: 置信度 sl_confidence", risk["confidence"]))
            rows.append((f"渠道 {ch}: 单日最低达标概率 lowest P(day met)", risk["p_day_met_min"]))
            rows.append((f"渠道 {ch}: 预计每月未达标天数 expected missed days a month",
                         risk["expected_missed_days_per_month"]))
            rows.append((f"渠道 {ch}: 月度按合同达标概率 P(month meets the contract)", risk["p_month_met"]))
    for team, t in summary["teams"].items():
        rows.append((f"小组 {team}: 人数 agents", t["agents"]))
        rows.append((f"小组 {team}: 计薪工时 paid hours", t["paid_hours"]))
        rows.append((f"小组 {team}: 需求工时(含缺勤) required hours (after shrinkage)", t.get("required_hours")))
        rows.append((f"小组 {team}: 计薪/需求 paid / required", t.get("paid_over_required")))
        rows.append((f"小组 {team}: 无需求时段计薪工时 idle paid hours (no requirement)", t.get("idle_paid_hours")))
        rows.append((f"小组 {team}: 月加班超36小时 agent-months over 36 h overtime", t.get("overtime_flags")))
        rows.append((f"小组 {team}: 求解差距 solver gap", t.get("gap")))
        rows.append((f"小组 {team}: 缺口人时 shortfall agent-hours", t["shortfall_agent_hours"]))
    cost = summary.get("cost")
    if cost:
        rows += [
            ("工时制度 hours system", cost["hours_system"]),
            ("坐席全职当量 agent FTE", cost["fte"]),
            ("支持人员 support staff", sum(cost["support_staff"].values())),
            ("月成本(元) cost a month (CNY)", cost["cost_month_cny"]),
            ("年成本(元) cost a year (CNY)", cost["cost_year_cny"]),
            ("每次服务成本(元) cost per contact (CNY)", cost["cost_per_contact_cny"]),
            ("利润率 margin", cost["margin"]),
            ("月报价(元) price a month (CNY)", cost["price_month_cny"]),
            ("每次服务报价(元) price per contact (CNY)", cost["price_per_contact_cny"]),
            ("每FTE月报价(元) price per FTE-month (CNY)", cost["price_per_fte_month_cny"]),
        ]
    cap = summary.get("capacity")
    if cap:
        rows += [
            ("容量规划 capacity months", f"{cap['start']} + {cap['months']}"),
            ("容量规划期成本(元) capacity term cost (CNY)", cap["term_cost_cny"]),
            ("容量规划年成本(元) capacity annual cost (CNY)", cap["annual_cost_cny"]),
            ("招聘人数 hires", cap["hires"]),
            ("招聘模型 hiring MIP", f"{cap['status']}, gap {cap['gap']:.2e}"),
        ]
        rows += [("容量规划说明 capacity plan", x) for x in cap["explanation"]]
    rows += [("提示 warning", w) for w in summary["warnings"]]
    return pd.DataFrame(rows, columns=["项目 item", "数值 value"])


def write_plan_xlsx(path: str | Path, summary: dict[str, Any], tables: dict[str, pd.DataFrame]) -> None:
    """Write ``plan.xlsx`` from the plan's summary and tables (see :func:`planner.io.plan.tables`)."""
    sheets = {
        "summary": summary_rows(summary),
        "forecast": tables["forecast"],
        "requirements": tables["requirements"].assign(
            interval_start=pd.to_datetime(tables["requirements"]["interval_start"]).dt.strftime(TIME_FMT)
        ),
        "roster": tables["roster"],
        "schedule": tables["schedule"],
        "coverage": tables["coverage"],
        "service": tables["service"],
        "risk": tables["risk"],
        "confidence_hours": tables["confidence_hours"],
        **{name: tables[name] for name in ("cost", "capacity", "options") if name in tables},
    }
    _write_sheets(path, sheets)


def _write_sheets(path: str | Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Each frame a sheet with bilingual headers, the first row and column frozen, columns fitted."""
    try:
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, df in sheets.items():
                df.rename(columns=HEADERS).to_excel(xl, sheet_name=name, index=False)
                ws = xl.sheets[name]
                ws.freeze_panes = "B2"
                for col in ws.columns:
                    width = max(len(str(c.value or "")) for c in col[:200])
                    ws.column_dimensions[col[0].column_letter].width = min(40, max(8, width + 2))
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def write_capacity_xlsx(path: str | Path, rows: pd.DataFrame, classes: pd.DataFrame, assumptions: pd.DataFrame) -> None:
    """``planner capacity``'s workbook: the months, the classes with their reasons, the assumptions."""
    _write_sheets(path, {"capacity": rows, "classes": classes, "assumptions": assumptions})


def write_options_xlsx(path: str | Path, options: pd.DataFrame, results: Any) -> None:
    """``planner cost``'s workbook: the options side by side, and every option's cost lines."""
    lines = [
        pd.DataFrame(r.summary["cost"]["lines"]).drop(columns=["amount_fen"]).assign(option=r.name)
        for r in results
        if r.summary.get("cost")
    ]
    cost = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame()
    if len(cost):
        cost = cost[["option", *[c for c in cost.columns if c != "option"]]]
    _write_sheets(path, {"options": options, "cost_lines": cost})
