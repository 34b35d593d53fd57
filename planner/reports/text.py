"""The report's words and number formats in zh-CN and English (pure; the writers are planner.io.report).

``lang = "zh"``: headings bilingual, Chinese first ("服务水平 Service level"), dates 2026年3月16日;
``lang = "en"``: English only, dates 16 Mar 2026. Numbers carry thousands separators in both; shares are
shown as percentages with one decimal (fractions inside the code).
"""

from __future__ import annotations

import datetime as dt

LANGS = ("zh", "en")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WORDS: dict[str, tuple[str, str]] = {
    "title": ("客户服务报告", "Customer service report"),
    "day": ("每日服务概要报告", "Daily service summary"),
    "week": ("每周服务绩效报告", "Weekly service performance report"),
    "month": ("每月服务总结报告", "Monthly service report"),
    "summary": ("达标汇总", "Targets met and missed"),
    "kpis": ("关键指标", "Key figures"),
    "daily": ("每日明细", "By day"),
    "out_of_hours": ("服务时间外来电", "Contacts outside service hours"),
    "charts": ("图表", "Charts"),
    "notes": ("说明", "Notes"),
    "definitions": ("指标定义", "Definitions"),
    "period": ("周期", "Period"),
    "channel": ("渠道", "Channel"),
    "kpi": ("指标", "KPI"),
    "target": ("目标", "Target"),
    "value": ("实际", "Actual"),
    "met": ("达标", "Met"),
    "missed": ("未达标", "Missed"),
    "periods_met": ("达标周期", "Periods met"),
    "worst": ("最差周期", "Worst period"),
    "overall": ("整体", "Whole report"),
    "offered": ("来电量", "Offered"),
    "answered": ("接通量", "Answered"),
    "abandoned": ("放弃量", "Abandoned"),
    "service_level": ("服务水平", "Service level"),
    "asa_s": ("平均应答时间", "Average speed of answer"),
    "abandon_rate": ("放弃率", "Abandonment rate"),
    "first_reply_share": ("首次回复及时率", "First replies on time"),
    "resolution_share": ("按时解决率", "Resolved on time"),
    "fcr": ("首次解决率", "First-contact resolution"),
    "csat": ("客户满意度", "Customer satisfaction"),
    "complaints": ("投诉量", "Complaints"),
    "out_of_hours_offered": ("服务时间外来电量", "Offered out of hours"),
    "out_of_hours_answered": ("服务时间外接通量", "Answered out of hours"),
    "date": ("日期", "Date"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("—", "—"),
    "reported": ("仅报告", "reported only"),
    "site": ("项目", "Site"),
    "range": ("报告期", "Reporting period"),
    "volume_chart": ("每日服务量", "Volume by day"),
    "sl_chart": ("每日服务水平(虚线:目标)", "Service level by day (dashed: target)"),
    "asa_chart": ("每日平均应答时间(虚线:目标)", "Average speed of answer by day (dashed: target)"),
}

# what each KPI is and the contract clause it comes from (合同)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "service_level": ("服务时间内规定秒数内接通量 ÷ 来电量(放弃计入分母),合同 2.1",
                      "answered within the threshold / offered, abandoned included (contract 2.1)"),
    "asa_s": ("接通来电的平均等待时间(按接通量加权),合同 2.1",
              "mean wait of answered contacts, weighted by answered (contract 2.1)"),
    "abandon_rate": ("放弃量 ÷ 来电量", "abandoned / offered"),
    "first_reply_share": ("在规定工作小时内首次回复的邮件占比,合同 2.1",
                          "share of items first replied to within the working-hours deadline (contract 2.1)"),
    "resolution_share": ("在规定工作时间内解决的标准请求占比,合同 2.2",
                         "share of standard requests resolved within the deadline (contract 2.2)"),
    "fcr": ("首次联系即解决量 ÷ 接通量,合同 2.3", "resolved at first contact / answered (contract 2.3)"),
    "csat": ("满意回复数 ÷ 调查回复数,合同 2.5", "satisfied / survey responses (contract 2.5)"),
    "complaints": ("投诉数量,合同 2.6", "number of complaints (contract 2.6)"),
}

SHARES = ("service_level", "abandon_rate", "first_reply_share", "resolution_share", "fcr", "csat")


def say(key: str, lang: str) -> str:
    """A heading: "中文 English" for zh, English for en."""
    zh, en = WORDS[key]
    return f"{zh} {en}" if lang == "zh" else en


def short(key: str, lang: str) -> str:
    """One language only: Chinese for zh, English for en (cells, chart labels)."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def fmt_date(day: dt.date, lang: str) -> str:
    """2026年3月16日 / 16 Mar 2026."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def fmt_period(period: str, start: dt.date, end: dt.date, lang: str) -> str:
    """A period label: the day; the week's first and last day; the month."""
    if period == "day":
        return fmt_date(start, lang)
    if period == "month":
        return f"{start.year}年{start.month}月" if lang == "zh" else f"{_MONTHS_EN[start.month - 1]} {start.year}"
    if lang == "zh":
        return f"{fmt_date(start, lang)}至{end.month}月{end.day}日"
    return f"{start.day} {_MONTHS_EN[start.month - 1]} - {fmt_date(end, lang)}"


def fmt_count(value: float | None) -> str:
    """1,234 (thousands separators)."""
    return "—" if value is None else f"{value:,.0f}"


def fmt_kpi(name: str, value: float | None, lang: str) -> str:
    """A KPI value for people: shares as 80.0%, ASA as 23.4 秒 / 23.4 s, counts with separators."""
    if value is None:
        return "—"
    if name in SHARES:
        return f"{value * 100:,.1f}%"
    if name == "asa_s":
        return f"{value:,.1f} 秒" if lang == "zh" else f"{value:,.1f} s"
    return fmt_count(value)


def kpi_label(name: str, lang: str, answer_s: float | None = None) -> str:
    """The KPI's name, with the threshold for the service level ("服务水平(20秒)")."""
    base = say(name, lang)
    if name == "service_level" and answer_s is not None:
        return base + (f"({answer_s:g}秒)" if lang == "zh" else f" ({answer_s:g} s)")
    return base


def met_text(met: bool | None, lang: str) -> str:
    """达标 / 未达标 / 仅报告."""
    if met is None:
        return short("reported", lang)
    return short("met" if met else "missed", lang)
