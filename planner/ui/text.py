"""Every label, message and chart title of the app in zh-CN and English, and the locale's number and date
formats. Chinese follows the contract's wording (服务水平, 服务标准, 首次呼叫解决率, 客户满意度, 服务覆盖时间,
甲方/乙方). Pure: no streamlit here, so it is tested without a browser.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from planner.reports.text import fmt_date as report_date

LANGS = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("客户服务排班规划", "Contact-centre workforce planner"),
    "language": ("语言 Language", "Language 语言"),
    "page_start": ("开始", "Start"),
    "page_forecast": ("预测", "Forecast"),
    "page_staffing": ("人员需求", "Staffing"),
    "page_roster": ("排班", "Roster"),
    "page_check": ("排班审核(甲方)", "Check (client)"),
    "page_options": ("服务标准方案", "SLA options"),
    "page_reports": ("服务报告", "Reports"),
    "page_scenarios": ("情景", "Scenarios"),
    # errors
    "error_input": ("输入有误:{msg}", "Input problem: {msg}"),
    "error_bug": ("出现内部错误({kind}),请联系维护人员;本页其他内容不受影响。",
                  "Internal error ({kind}); please tell the maintainers. Nothing else on the page is affected."),
    "need_plan": ("请先在“开始”页生成计划。", "Plan first on the Start page."),
    "upload_empty": ("{name}:文件为空", "{name}: the file is empty"),
    "upload_binary": ("{name}:不是文本文件(二进制数据)", "{name}: not a text file (binary data)"),
    # start
    "scenario": ("情景", "Scenario"),
    "scenario_source": ("情景来源", "Scenario from"),
    "shipped": ("内置情景", "a shipped scenario"),
    "uploaded": ("上传情景文件", "an uploaded file"),
    "scenario_file": ("情景文件(TOML)", "Scenario file (TOML)"),
    "history_source": ("历史数据", "History"),
    "history_sample": ("内置样例数据", "built-in sample"),
    "history_upload": ("上传历史数据", "an uploaded file"),
    "history_file": ("历史数据文件(CSV/XLSX)", "History file (CSV/XLSX)"),
    "quick": ("快速预览(小样例、60分钟时段、短求解)", "Quick preview (small sample, 60-min intervals, short solve)"),
    "plan_button": ("生成计划", "Plan"),
    "planning": ("正在规划……", "Planning…"),
    "planned": ("计划完成,用时 {s} 秒", "Planned in {s} s"),
    "plan_failed": ("规划未完成", "Planning stopped"),
    "upload_scenario_first": ("请上传情景文件。", "Upload a scenario file."),
    "upload_history_first": ("请上传历史数据文件。", "Upload a history file."),
    "headline": ("计划概要", "Headline"),
    "fte": ("坐席FTE", "Agent FTE"),
    "headcount": ("人数", "Headcount"),
    "cost_month": ("月成本(元)", "Cost a month (CNY)"),
    "contract": ("服务标准(SLA)", "Contract (SLA)"),
    "verdict": ("结论", "Verdict"),
    "p_month_met": ("当月达标概率", "Chance of meeting the month"),
    "missed_days": ("预计每月未达标天数", "Missed days a month (expected)"),
    "overtime_flags_note": ("{n} 个人月加班超过36小时(《劳动法》第四十一条)",
                            "{n} agent-month(s) over 36 h of overtime (Labour Law art. 41)"),
    "teams_title": ("各小组排班", "Teams"),
    "status": ("求解状态", "Solver status"),
    "agents_col": ("坐席人数", "Agents"),
    "paid_hours": ("计薪工时", "Paid hours"),
    "required_hours_team": ("需求工时", "Required hours"),
    "paid_over_required": ("计薪/需求", "Paid / required"),
    "idle_hours": ("无需求时段计薪工时", "Idle paid hours"),
    "overtime_flags": ("加班超36小时(人月)", "Over 36 h overtime (agent-months)"),
    "solver_gap": ("求解差距", "Solver gap"),
    "channel": ("渠道", "Channel"),
    "measure": ("考核指标", "Measure"),
    "period": ("周期", "Period"),
    "worst_period": ("最差周期", "Worst period"),
    "target": ("目标", "Target"),
    "predicted": ("预测服务水平", "Predicted"),
    "simulated": ("仿真服务水平", "Simulated"),
    "share_met": ("达标周期占比", "Periods met"),
    "met": ("达标", "Met"),
    "why": ("未达标原因", "Why not met"),
    "why_share": ("达标周期占比 {share} 低于要求的 {min}", "{share} of periods met, {min} required"),
    "why_floor": ("{n} 个时段低于最低服务水平 {floor}", "{n} interval(s) below the floor of {floor}"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "warnings": ("提示", "Notes"),
    "horizon": ("计划期:{start} 至 {end}", "Horizon: {start} to {end}"),
    # forecast
    "forecast_title": ("历史与预测(阴影:80% 区间)", "History and forecast (band: 80 %)"),
    "offered": ("来电量", "Offered"),
    "time": ("时间", "Time"),
    "series": ("序列", "Series"),
    "history": ("历史", "History"),
    "forecast": ("预测", "Forecast"),
    "backtest": ("回测", "Backtest"),
    "model": ("所选模型", "Model chosen"),
    "wape": ("回测误差(WAPE)", "Backtest WAPE"),
    "backtest_weeks": ("回测周数", "Backtest weeks"),
    "runner_up": ("次优模型", "Runner-up"),
    "no_history": ("计划使用给定的预测,无历史数据。", "The plan used a given forecast: no history to show."),
    # staffing
    "whatif": ("假设分析", "What-if"),
    "volume_pct": ("业务量变化(%)", "Volume change (%)"),
    "aht_pct": ("平均处理时长变化(%)", "Handle time change (%)"),
    "sl_target": ("{ch} 服务水平目标", "{ch} service-level target"),
    "shrinkage": ("缺勤与非工作时间占比", "Shrinkage"),
    "occupancy": ("最高占用率", "Occupancy cap"),
    "window": ("服务覆盖时间", "Coverage window"),
    "window_scenario": ("按情景", "as in the scenario"),
    "window_7x24": ("7天24小时", "7x24"),
    "window_weekday": ("周一至周五 9:00-18:00", "Mon-Fri 09:00-18:00"),
    "heatmap_title": ("{ch} 需求人数(星期 × 时段,计划期平均)", "{ch}: agents required (weekday × time of day, mean)"),
    "weekday": ("星期", "Weekday"),
    "time_of_day": ("时段", "Time of day"),
    "required": ("需求人数", "Agents required"),
    "required_hours": ("需求人时:{h}(计划为 {base})", "Required agent-hours: {h} (plan: {base})"),
    "redraw": ("重算用时 {ms} 毫秒", "Redrawn in {ms} ms"),
    "all_channels": ("全部渠道", "All channels"),
    "on_job_h": ("在岗人时(接线/在线/邮件)", "Agent-hours on the job"),
    "scheduled_h": ("排班人时(含缺勤与非工作时间)", "Scheduled agent-hours (after shrinkage)"),
    "heads_note": ("高峰时段排班 {peak} 人;缺勤与非工作时间占比 {s}%;排班效率 {e}(计划实测)。"
                   "与计划相比的变化见各指标下方。",
                   "Peak {peak} scheduled in one interval; shrinkage {s} %; schedule efficiency {e} (measured on "
                   "the plan's rosters). Each figure's change against the plan is shown under it."),
    "weekdays": ("一,二,三,四,五,六,日", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    # roster
    "team": ("小组", "Team"),
    "gantt_title": ("{team} 排班(按坐席)", "{team}: schedule by agent"),
    "agent": ("坐席", "Agent"),
    "activity": ("活动", "Activity"),
    "activities": ("工作,午餐,小休,培训,休息", "work,lunch,break,training,off"),
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "coverage_title": ("{team} 排班人数与需求(红点:缺口)", "{team}: scheduled against requirement (red: gaps)"),
    "scheduled": ("排班人数", "Scheduled"),
    "need": ("需排班人数", "Needed"),
    "gaps": ("缺口时段:{n} 个", "Intervals short: {n}"),
    "rules": ("排班规则", "Rules"),
    "min_rest_hours": ("最短休息时间(小时)", "Minimum rest (h)"),
    "days_per_week": ("每周工作天数", "Working days a week"),
    "time_limit": ("求解时限(秒)", "Time limit (s)"),
    "resolve": ("重新排班", "Re-solve"),
    "resolving": ("正在排班……", "Rostering…"),
    "resolved": ("已重新排班并重新核算服务水平与成本,用时 {s} 秒",
                 "Re-solved, service and cost measured again, in {s} s"),
    "resolved_note": ("本组已按修改后的规则重新排班({rules});各页面的服务水平、成本和下载均为新排班的结果。",
                      "This team was re-solved under changed rules ({rules}); service, cost and downloads on every "
                      "page are the new roster's."),
    "downloads": ("下载", "Downloads"),
    "plan_xlsx": ("下载 plan.xlsx", "Download plan.xlsx"),
    "grid_csv": ("下载排班表(坐席 × 日期)", "Download the roster grid (agent × day)"),
    "agents_n": ("坐席人数:{n}", "Agents: {n}"),
    # check
    "vendor_roster": ("乙方排班文件(CSV/XLSX)", "Vendor roster (CSV/XLSX)"),
    "forecast_file": ("预测文件(CSV/XLSX;留空则用当前计划的预测)", "Forecast (CSV/XLSX; empty: the plan's forecast)"),
    "check_button": ("审核", "Check"),
    "checking": ("正在审核……", "Checking…"),
    "adequate": ("排班满足合同要求", "The roster is adequate"),
    "not_adequate": ("排班不满足合同要求", "The roster is not adequate"),
    "labour": ("劳动法规检查:{n} 项违规", "Labour rules: {n} violation(s)"),
    "gap_rows": ("缺口:{n} 个时段,缺 {h} 人时", "Gaps: {n} interval(s), {h} agent-hours missing"),
    "fix": ("最低成本补充:增加 {n} 个班次,{h} 人时", "Cheapest fix: add {n} shift(s), {h} agent-hours"),
    "recheck_ok": ("补充后满足要求", "With them the roster is adequate"),
    "recheck_no": ("补充后仍不满足要求", "With them it is still not adequate"),
    "upload_roster_first": ("请上传乙方排班文件。", "Upload the vendor's roster."),
    # options
    "options_help": ("每行一个方案:名称:键=值,键=值(例如 v90:channels.voice.service_level=0.9)",
                     "One option a line: NAME:key=value,key=value (e.g. v90:channels.voice.service_level=0.9)"),
    "options_text": ("服务标准方案", "SLA options"),
    "run_options": ("计算方案", "Run options"),
    "options_example": ("载入内置方案文件", "Load a shipped options file"),
    "running_options": ("正在计算 {n} 个方案……", "Planning {n} option(s)…"),
    "options_chart": ("服务水平与成本", "Service against cost"),
    "option": ("方案", "Option"),
    "cost_per_contact": ("每次服务成本(元)", "Cost per contact (CNY)"),
    "paid_hours_week": ("每周付薪人时", "Paid hours a week"),
    "worst_value": ("最差周期", "Worst period"),
    # the contract term (capacity and hiring)
    "term_title": ("合同期人力与招聘规划", "Contract term: team size and hiring by month"),
    "term_help": ("按月计算需求FTE(同一排班效率、服务标准与节假日日历)、在职人数、离职、培训班次与成本;"
                  "招聘计划为最低成本(混合整数规划)。",
                  "Required FTE by month (the plan's schedule efficiency, targets and holiday calendar), headcount, "
                  "attrition, training classes and cost; the hiring plan is least-cost (a MIP)."),
    "term_months": ("合同期(月)", "Term (months)"),
    "term_attrition": ("月离职率", "Attrition a month"),
    "term_lead": ("新员工培训期(月)", "Training lead time (months)"),
    "term_growth": ("业务量年增长率", "Volume growth a year"),
    "term_fcr": ("当前首次呼叫解决率", "First-contact resolution now"),
    "term_fcr_target": ("假设首次呼叫解决率", "First-contact resolution what-if"),
    "term_run": ("计算合同期规划", "Plan the term"),
    "term_running": ("正在计算合同期规划……", "Planning the term…"),
    "term_cost": ("合同期总成本", "Term cost"),
    "term_annual": ("年均成本", "Cost a year"),
    "term_hires": ("新招人数", "Hires"),
    "term_gap": ("求解状态 · 最优性差距", "Solver status · MIP gap"),
    "term_why": ("招聘计划说明", "The hiring plan in words"),
    "term_chart": ("需求FTE与人力(柱:每月新招)", "Required FTE against headcount (bars: hires)"),
    "term_required": ("需求FTE", "Required FTE"),
    "term_headcount": ("在职人数(含培训)", "Headcount (trainees incl.)"),
    "term_productive": ("有效FTE", "Productive FTE"),
    "term_with_overtime": ("有效FTE+加班", "Productive FTE + overtime"),
    "term_people": ("人数", "People"),
    "term_month": ("月份", "Month"),
    "term_short": ("在 {months} 个月中有 {n} 个月人力不足:在给定的班级规模与开班数限制下无法跟上需求,"
                   "以下成本未覆盖全部需求。",
                   "Short in {n} of {months} months: the classes allowed cannot keep up, and the cost below does not "
                   "cover the requirement."),
    "term_optimal": ("最优", "optimal"),
    "term_feasible": ("可行(未证最优)", "feasible (not proven optimal)"),
    "term_col_month": ("开班月份", "Class starts"),
    "term_col_hires": ("招聘人数", "Hires"),
    "term_col_classes": ("班数", "Classes"),
    "term_col_on_floor": ("上岗月份", "On the floor"),
    "term_col_need_month": ("所应对的月份", "For the month"),
    "term_col_reason": ("说明", "Why"),
    "term_headline": ("合同期 {months} 个月:总成本 {cost},新招 {hires} 人(详见“服务标准方案”页)",
                      "Contract term of {months} months: {cost} in all, {hires} hires (the SLA options page has more)"),
    "options_first": ("请至少写一个方案。", "Write at least one option."),
    # reports
    "actuals_file": ("实际数据文件(CSV/XLSX)", "Actuals (CSV/XLSX)"),
    "report_period": ("报告周期", "Period"),
    "day": ("每日服务概要报告", "Daily service summary"),
    "week": ("每周服务绩效报告", "Weekly service performance report"),
    "month": ("每月服务总结报告", "Monthly service report"),
    "report_button": ("生成报告", "Build the report"),
    "upload_actuals_first": ("请上传实际数据文件。", "Upload an actuals file."),
    "report_xlsx": ("下载 report.xlsx", "Download report.xlsx"),
    "report_html": ("下载 report.html", "Download report.html"),
    "kpi_summary": ("达标汇总", "Targets met and missed"),
    # scenarios
    "save_title": ("保存当前假设为情景文件", "Save the current what-if as a scenario file"),
    "save_name": ("文件名", "File name"),
    "save_button": ("保存", "Save"),
    "save_folder": ("保存位置:{dir}", "Saved into: {dir}"),
    "saved": ("已保存 {path}", "Saved {path}"),
    "exists": ("{path} 已存在。覆盖吗?", "{path} exists. Overwrite it?"),
    "overwrite": ("覆盖", "Overwrite"),
    "cancel": ("取消", "Cancel"),
    "cancelled": ("未保存。", "Not saved."),
    "bad_name": ("文件名只能包含字母、数字、-、_ 和 .", "A file name may hold only letters, digits, -, _ and ."),
    "download_toml": ("下载情景文件", "Download the scenario file"),
    "compare_title": ("比较两个情景", "Compare two scenarios"),
    "left": ("情景 A", "Scenario A"),
    "right": ("情景 B", "Scenario B"),
    "key": ("键", "Key"),
    "same": ("两个情景相同。", "The two scenarios are the same."),
    "no_whatif": ("(当前假设)", "(current what-if)"),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("XLSX", "XLSX"),
}


def t(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang`` (``zh`` or ``en``), with ``values`` filled in."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def fmt_num(value: float | None, lang: str, digits: int = 0) -> str:
    """A number with thousands separators (both locales use ``,`` and ``.``); ``—`` for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{digits}f}"


def fmt_pct(value: float | None, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: ``80.0%`` (zh) or ``80.0 %`` (en)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value * 100:.{digits}f}%" if lang == "zh" else f"{value * 100:.{digits}f} %"


def fmt_money(value: float | None, lang: str) -> str:
    """Yuan: ``¥123,456`` (zh) or ``CNY 123,456`` (en)."""
    if value is None:
        return "—"
    return f"¥{value:,.0f}" if lang == "zh" else f"CNY {value:,.0f}"


def fmt_date(day: dt.date | str, lang: str) -> str:
    """``2026年3月16日`` (zh) or ``16 Mar 2026`` (en): the reports' format, for a date or ISO text."""
    return report_date(dt.date.fromisoformat(day[:10]) if isinstance(day, str) else day, lang)


def fmt_period(period: str | None, lang: str) -> str:
    """A contract period's label: a day in the locale's date format; a week or month label as it is."""
    if not period:
        return "—"
    try:
        return fmt_date(dt.date.fromisoformat(period), lang)
    except ValueError:
        return period


MEASURES = {"service_level": ("服务水平", "service level"), "asa_s": ("平均应答时间", "average speed of answer"),
            "first_reply_share": ("首次回复及时率", "first replies on time")}
PERIODS = {"day": ("日", "day"), "week": ("周", "week"), "month": ("月", "month"), "interval": ("时段", "interval")}


def measure_name(measure: str, period: str, lang: str) -> str:
    """A contract measure and its period in words: ``服务水平 / 日`` or ``service level / day``."""
    i = 0 if lang == "zh" else 1
    return f"{MEASURES.get(measure, (measure, measure))[i]} / {PERIODS.get(period, (period, period))[i]}"


def fmt_measure(measure: str, value: float | None, lang: str) -> str:
    """A contract measure's value: shares as percentages, ``asa`` in seconds."""
    if value is None:
        return "—"
    if "asa" in measure:
        return f"{value:,.1f} 秒" if lang == "zh" else f"{value:,.1f} s"
    return fmt_pct(value, lang)


def why_missed(channel: dict[str, Any], lang: str) -> str:
    """Why a headline channel (:func:`planner.views.headline`) misses its target, in words; empty when met."""
    parts = []
    if "share" in channel["why"]:
        parts.append(t("why_share", lang, share=fmt_pct(channel["share_met"], lang, 0),
                       min=fmt_pct(channel["min_share"], lang, 0)))
    if "floor" in channel["why"]:
        parts.append(t("why_floor", lang, n=channel["below_floor"], floor=fmt_pct(channel["floor"], lang, 0)))
    return ";".join(parts) if lang == "zh" else "; ".join(parts)


def rules_text(rules: dict[str, Any], lang: str) -> str:
    """The rules a team was re-solved under, in words."""
    rest, days = fmt_num(rules["min_rest_hours"], lang, 1), rules["days_per_week"]
    return f"最短休息 {rest} 小时,每周 {days} 天" if lang == "zh" else f"minimum rest {rest} h, {days} days a week"


def activity(name: str, lang: str) -> str:
    """A schedule activity (DESIGN.md: work, lunch, break, training, off) in the language."""
    names = dict(zip(t("activities", "en").split(","), t("activities", lang).split(","), strict=True))
    return names.get(name, name)


def class_reason(c: dict[str, Any], lang: str) -> str:
    """One training class of the hiring plan in words (:func:`planner.capacity.explain`'s facts); English
    is the engine's own sentence."""
    if lang != "zh":
        return c["reason"]
    head = (f"{c['month']} 开 {c['classes']} 个培训班,共招 {c['hires']} 人" if c["classes"] > 1
            else f"{c['month']} 开班,招 {c['hires']} 人")
    lead = f"培训 {c['lead_time_months']} 个月" if c["lead_time_months"] else "无需培训期"
    if c["why"] == "surplus":
        return f"{head}:{lead},{c['on_floor']} 上岗;超出严格需求(班级最少人数,或与加班相比更省)。"
    why = {"peak": f",赶在{'、'.join(c['peaks'])}高峰之前", "season": ",赶在季节性高峰之前",
           "attrition": ",弥补离职造成的减员"}.get(c["why"], "")
    out = (f"{head}:{lead},{c['on_floor']} 上岗{why}({c['need_month']} 需求 {c['required_fte']:.1f} FTE,"
           f"比扣除离职后的人力多 {c['above_fte']:.1f})")
    if c["early_months"]:
        out += (f";比培训期要求提前 {c['early_months']} 个月开班,因为之后各月的班级已满" if c["early_why"] == "full"
                else f";比培训期要求提前 {c['early_months']} 个月开班:总成本更低(班级最少人数、加班上限或上岗爬坡)")
    return out + "。"


TERM_COLUMNS = {  # the monthly table's columns as shown: (zh, en)
    "month": ("月份", "Month"), "required_fte": ("需求FTE", "Required FTE"),
    "headcount_start": ("月初在职人数", "Headcount (start)"), "hires": ("新招", "Hires"),
    "trainees": ("培训中", "In training"), "leavers": ("离职", "Leavers"),
    "productive_fte": ("有效FTE", "Productive FTE"), "overtime_fte": ("加班FTE", "Overtime FTE"),
    "idle_fte": ("闲置FTE", "Idle FTE"), "short_fte": ("不足FTE", "Short FTE"),
    "holiday_premium_cny": ("节假日加班费(元)", "Holiday premium (CNY)"), "cost_cny": ("当月成本(元)", "Cost (CNY)"),
}


def term_table(rows: Any, lang: str) -> Any:
    """The term's monthly rows for people: the main columns under the language's names, rounded."""
    cols = [c for c in TERM_COLUMNS if c in rows.columns]
    out = rows[cols].copy()
    for c in cols[1:]:
        out[c] = out[c].astype(float).round(0 if c.endswith("_cny") else 1)
    return out.rename(columns={c: TERM_COLUMNS[c][0 if lang == "zh" else 1] for c in cols})


def mip_status(status: str, gap: float, lang: str) -> str:
    """The hiring MIP's status and gap for people: ``最优 · 差距 0.00%`` / ``optimal · gap 0.00 %``."""
    name = t("term_optimal" if status == "OPTIMAL" else "term_feasible", lang)
    return f"{name} · 差距 {fmt_pct(gap, lang, 2)}" if lang == "zh" else f"{name} · gap {fmt_pct(gap, lang, 2)}"


def term_lines(rows: Any, lang: str) -> list[str]:
    """The term's months short, overtime used and idle FTE in words, from the capacity rows."""
    short = rows[rows["short_fte"] > 0.05]
    ot = rows[rows["overtime_fte"] > 0.05]
    zh = lang == "zh"
    lines = []
    if len(short):
        each = ("、" if zh else ", ").join(f"{r.month} {r.short_fte:.1f}" for r in short.itertuples())
        lines.append(f"人力不足的月份(FTE):{each}" if zh else f"Months short (FTE): {each}")
    else:
        lines.append("每个月的人力(含加班)均满足需求。" if zh
                     else "No month short: supply (with overtime) meets the requirement every month.")
    if len(ot):
        top = ot.loc[ot["overtime_fte"].idxmax()]
        lines.append(f"{len(ot)} 个月使用加班,最多为 {top['month']} 的 {top['overtime_fte']:.1f} FTE"
                     f"({top['overtime_h']:,.0f} 小时)" if zh else
                     f"Overtime in {len(ot)} month(s), most in {top['month']}: {top['overtime_fte']:.1f} FTE "
                     f"({top['overtime_h']:,.0f} h)")
    idle = rows.loc[rows["idle_fte"].idxmax()]
    lines.append(f"闲置FTE月均 {rows['idle_fte'].mean():.1f},最多为 {idle['month']} 的 {idle['idle_fte']:.1f}" if zh
                 else f"Idle FTE {rows['idle_fte'].mean():.1f} a month on average, most in {idle['month']} "
                      f"({idle['idle_fte']:.1f})")
    return lines


def yes_no(flag: bool | None, lang: str) -> str:
    return "—" if flag is None else t("yes" if flag else "no", lang)
