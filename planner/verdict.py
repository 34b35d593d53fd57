"""The plan's verdict: whether the contract is met, said truthfully (pure: dicts in, words out).

A plan is checked twice (:mod:`planner.pipeline`): against its own forecast taken as the true rate (the
contract's measure, ``service.met``) and against volumes drawn from the forecast's error (``risk``: the
probability that a month meets the contract, ``p_month_met``). A plan can meet the first and still be more
likely than not to miss the month, so the verdict has three levels:

* ``met``: every measured channel meets the contract on the plan, and every channel with a risk estimate
  meets its month with probability at least :data:`P_MONTH_MET_MIN`;
* ``at_risk``: met on the plan's forecast, but some channel meets its month with probability below
  :data:`P_MONTH_MET_MIN` ("met on the forecast, only 12 % chance of meeting the month");
* ``not_met``: some channel misses the contract on the plan's own forecast.

``provisional`` is apart from the level: the horizon's holiday dates are the calendar library's estimate
(:meth:`planner.calendar.ChineseCalendar.warnings_for`), so the verdict holds until the official
arrangement is published. The words (:func:`verdict_line`) never say "met" alone where the month's chance
is below one half. Chinese follows the contract's wording (服务标准, 达标).
"""

from __future__ import annotations

from typing import Any

VERDICTS = ("met", "at_risk", "not_met")
P_MONTH_MET_MIN = 0.5  # below this chance of meeting the month, a plan met on its forecast is at risk


def channel_verdict(service: dict[str, Any] | None, risk: dict[str, Any] | None) -> str | None:
    """One channel's verdict from its contract measure on the plan (``service``, with ``met``) and its risk
    (``p_month_met``): ``not_met``, ``at_risk`` or ``met``; None when the channel was not measured."""
    if service is None:
        return None
    if not service["met"]:
        return "not_met"
    p = (risk or {}).get("p_month_met")
    if p is not None and p < P_MONTH_MET_MIN:
        return "at_risk"
    return "met"


def verdict_of(channels: dict[str, Any]) -> dict[str, Any]:
    """The plan's verdict from its channels (``summary["channels"]``: each with ``service`` and ``risk``):
    the worst channel's level (``met`` when none was measured), the lowest probability of meeting the month
    among measured channels and its channel (None without risk), the channels at risk and not met."""
    each = {ch: channel_verdict(c.get("service"), c.get("risk")) for ch, c in channels.items()}
    at_risk = [ch for ch, v in each.items() if v == "at_risk"]
    not_met = [ch for ch, v in each.items() if v == "not_met"]
    ps = [(c["risk"]["p_month_met"], ch) for ch, c in channels.items()
          if c.get("service") is not None and (c.get("risk") or {}).get("p_month_met") is not None]
    p_min, weakest = min(ps) if ps else (None, None)
    return {
        "verdict": "not_met" if not_met else ("at_risk" if at_risk else "met"),
        "p_month_met_min": p_min,
        "p_month_met_min_channel": weakest,
        "channels_at_risk": at_risk,
        "channels_not_met": not_met,
    }


def of_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The verdict keys of a summary (``summary.json``): as stored, or worked out from its channels for a
    summary written before they were (``provisional`` is then False: the calendar is not at hand)."""
    keys = ("verdict", "p_month_met_min", "p_month_met_min_channel", "channels_at_risk", "channels_not_met")
    v = {k: summary[k] for k in keys if k in summary} if "verdict" in summary else verdict_of(summary["channels"])
    return {
        **v,
        "provisional": bool(summary.get("provisional", False)),
        "provisional_reason": summary.get("provisional_reason"),
        "estimated_holiday_years": list(summary.get("estimated_holiday_years") or ()),
    }


LEVELS = {"met": ("达标", "met"), "at_risk": ("有风险", "at risk"), "not_met": ("未达标", "not met")}


def level_name(level: str | None, lang: str) -> str:
    """A verdict level in words: ``有风险`` / ``at risk``; ``—`` for none."""
    if level is None:
        return "—"
    return LEVELS[level][0 if lang == "zh" else 1]


def pct(p: float, lang: str) -> str:
    """A probability as a whole percentage; below one half never shown as 50 % (0.497 is 49 %, so "only
    50 %" is never said of a plan at risk)."""
    n = round(p * 100)
    if p < P_MONTH_MET_MIN and n >= 50:
        n = 49
    return f"{n}%" if lang == "zh" else f"{n} %"


def _risk(summary: dict[str, Any], ch: str) -> dict[str, Any]:
    return (summary["channels"].get(ch) or {}).get("risk") or {}


def channel_line(channel: dict[str, Any], lang: str) -> str:
    """One channel's verdict in words (a ``summary["channels"]`` entry): ``met``, ``met on the forecast; at
    risk: 12 % chance of meeting the month`` or ``not met``."""
    v = channel.get("verdict") or channel_verdict(channel.get("service"), channel.get("risk"))
    zh = lang == "zh"
    if v == "at_risk":
        p = pct(channel["risk"]["p_month_met"], lang)
        return (f"按预测达标;有风险:当月达标概率仅 {p}" if zh
                else f"met on the forecast; AT RISK: only {p} chance of meeting the month")
    if v == "met":
        p = (channel.get("risk") or {}).get("p_month_met")
        if p is None:
            return "按预测达标(未评估风险)" if zh else "met on the forecast (risk not measured)"
        return f"达标(当月达标概率 {pct(p, lang)})" if zh else f"met ({pct(p, lang)} chance of meeting the month)"
    if v == "not_met":
        return "未达标" if zh else "NOT MET"
    return "—"


def verdict_line(summary: dict[str, Any], lang: str) -> str:
    """The plan's verdict in one sentence (zh or en) from a summary (``summary.json``): the level, the
    weakest channel's chance of meeting the month and its expected missed days, and ``provisional`` first
    when the horizon's holiday dates are estimated."""
    v = of_summary(summary)
    zh = lang == "zh"
    sep = "、" if zh else ", "
    level, p, ch = v["verdict"], v["p_month_met_min"], v["p_month_met_min_channel"]
    if level == "not_met":
        chs = sep.join(v["channels_not_met"])
        text = (f"未达标:按计划自身的预测即未达到服务标准({chs})" if zh
                else f"NOT MET: the plan misses the contract on its own forecast ({chs})")
    elif level == "at_risk":
        days = _risk(summary, ch).get("expected_missed_days_per_month")
        more = [f"{c} {pct(_risk(summary, c)['p_month_met'], lang)}" for c in v["channels_at_risk"] if c != ch]
        if zh:
            text = f"有风险:按预测达到服务标准,但当月达标概率仅 {pct(p, lang)}({ch}"
            text += "" if days is None else f";预计每月 {days:.1f} 天未达标"
            text += ")" + (f";其他有风险渠道:{sep.join(more)}" if more else "")
        else:
            text = f"AT RISK: met on the forecast, only {pct(p, lang)} chance of meeting the month ({ch}"
            text += "" if days is None else f"; {days:.1f} missed days a month expected"
            text += ")" + (f"; also at risk: {sep.join(more)}" if more else "")
    elif p is None:
        text = ("达标:计划按预测达到服务标准(未评估预测误差风险)" if zh
                else "met: the plan meets the contract on its forecast (the forecast's risk was not measured)")
    else:
        text = (f"达标:计划达到服务标准,各渠道当月达标概率均不低于 {pct(P_MONTH_MET_MIN, lang)}"
                f"(最低:{ch} {pct(p, lang)})" if zh else
                f"met: the plan meets the contract, every channel meets its month with at least "
                f"{pct(P_MONTH_MET_MIN, lang)} chance (lowest: {ch} {pct(p, lang)})")
    if v["provisional"]:
        years = sep.join(str(y) for y in v["estimated_holiday_years"]) or "?"
        text = (f"暂定({years} 年节假日安排为估算,调休日期未公布):{text}" if zh
                else f"PROVISIONAL ({years} holiday dates estimated, make-up days not published): {text}")
    return text


def provisional_line(summary: dict[str, Any], lang: str) -> str | None:
    """Why the verdict is provisional, in words (None when it is not)."""
    v = of_summary(summary)
    if not v["provisional"]:
        return None
    years = ("、" if lang == "zh" else ", ").join(str(y) for y in v["estimated_holiday_years"]) or "?"
    if lang == "zh":
        return (f"{years} 年的法定节假日与调休安排尚未公布,节假日日期为估算,调休工作日缺失:需求、排班与节假日加班费"
                "均基于估算日期。官方安排公布后请更新 holidays 软件包或添加节假日修正文件,并重新规划。")
    return (f"The official {years} holiday arrangement (make-up working days, 调休) is not published: holiday dates "
            "are estimated and make-up days are missing, so requirements, rosters and holiday pay rest on estimated "
            "dates. Update the 'holidays' package or add a holiday-override CSV when it is, and plan again.")
