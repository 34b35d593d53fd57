"""The plan's verdict (planner.verdict) and the headline that says it: the CLI printout
(``pipeline.summary_lines``), ``summary.json``, the summary sheet of ``plan.xlsx`` and the app's Start page.

"Met" is never said alone where the chance of meeting the month is below one half: a plan met on its
forecast with ``p_month_met`` 0.3 is ``at_risk``; a horizon on estimated holiday dates is ``provisional``.
The unit tests work on hand-built summaries; one small real plan (about 10 s) has its voice risk set to
0.3 and is checked on every surface.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from conftest import needs

from planner.calendar import ChineseCalendar
from planner.io.plan import write
from planner.verdict import channel_verdict, pct, verdict_line, verdict_of
from planner.views import estimated_holiday_years, headline, idle_paid_hours, summary_lines


def unqualified_met(lines: list[str]) -> list[str]:
    """Lines that say "met" (any case, not "not met") with neither "at risk", nor a chance of meeting the
    month of at least 50 %, nor "risk not measured" in the same line."""
    out = []
    for line in lines:
        said = [m for m in re.finditer(r"\bmet\b", line, re.IGNORECASE)
                if not re.search(r"\bnot\s*$", line[: m.start()], re.IGNORECASE)]
        chances = [int(x) for x in re.findall(r"(\d+) ?% chance", line)]
        likely = chances and min(chances) >= 50
        if said and not ("at risk" in line.lower() or likely or "not measured" in line):
            out.append(line)
    return out


def channel(met: bool = True, p_month: float | None = 0.3, days: float = 2.5) -> dict:
    """A hand-built ``summary["channels"]`` entry: a daily 80 % service level, met or not on the plan, and
    its risk (None: not measured)."""
    svc = {"measure": "service_level", "period": "day", "target": 0.8, "met": met, "share_met": 1.0 if met else 5 / 7,
           "min_share": 1.0, "floor": None, "intervals_below_floor": [],
           "worst_period": {"period": "2026-03-18", "value": 0.83 if met else 0.71},
           "periods": [{"period": "2026-03-18", "predicted": 0.85}]}
    risk = None if p_month is None else {
        "confidence": None, "error": {"source": "backtest"}, "p_day_met_min": 0.8,
        "expected_missed_days_per_month": days, "p_month_met": p_month, "hours_by_confidence": []}
    return {"kind": "voice", "team": "voice", "forecast_volume": 1000.0, "model": "mean_4w", "backtest_wape": 0.2,
            "backtest_weeks": 2, "required_agent_hours": 300.0, "peak_required": 5, "service": svc, "risk": risk}


def summary(channels: dict, **extra) -> dict:
    """A hand-built summary as ``summary_of`` writes it, without the verdict keys unless given."""
    return {
        "scenario": "hand.toml", "scenario_name": "hand", "seed": 0,
        "horizon": {"start": "2026-03-16", "weeks": 1, "end": "2026-03-22"},
        "contract_met": all(c["service"]["met"] for c in channels.values() if c["service"]),
        "cost": None, "channels": channels,
        "teams": {"voice": {"agents": 10, "paid_hours": 400.0, "required_hours": 350.0, "gap": 0.05,
                            "status": "FEASIBLE", "shortfall_agent_hours": 0.0, "short_intervals": [],
                            "idle_paid_hours": 12.0, "overtime_flags": 2}},
        "wall_s": {"total_s": 1.0}, "warnings": [], **extra,
    }


# ---- (a) the verdict on hand-built summaries ----


def test_met_on_the_plan_with_a_month_chance_of_0_3_is_at_risk():
    s = summary({"voice": channel(p_month=0.3), "chat": channel(p_month=0.9)})
    v = verdict_of(s["channels"])
    assert s["contract_met"] is True
    assert v["verdict"] == "at_risk" and v["channels_at_risk"] == ["voice"]
    assert (v["p_month_met_min"], v["p_month_met_min_channel"]) == (0.3, "voice")
    lines = summary_lines(s)
    assert unqualified_met(lines) == [], lines
    assert not any("contract met" in x.lower() for x in lines)
    assert lines[-1].startswith("  verdict: AT RISK: met on the forecast, only 30 % chance of meeting the month "
                                "(voice; 2.5 missed days a month expected)")
    h = headline(s)
    assert h["verdict"] == "at_risk" and h["contract_met"] is True
    assert [x["verdict"] for x in h["channels"]] == ["at_risk", "met"]
    assert h["channels"][0]["p_month_met"] == 0.3 and h["channels"][0]["expected_missed_days_per_month"] == 2.5
    assert h["teams"][0]["overtime_flags"] == 2 and h["teams"][0]["idle_paid_hours"] == 12.0
    zh = verdict_line(s, "zh")
    assert zh.startswith("有风险:按预测达到服务标准,但当月达标概率仅 30%(voice")


def test_the_checker_catches_the_old_printout():
    """The old wording would fail these tests: a bare "contract met" and a channel's "-> MET"."""
    assert unqualified_met(["  contract met on the plan; 10 s", "  voice ... -> MET"]) == [
        "  contract met on the plan; 10 s", "  voice ... -> MET"]
    assert unqualified_met(["NOT MET: voice", "contract NOT met on the plan", "met on the forecast; AT RISK",
                            "met (90 % chance of meeting the month)"]) == []
    assert unqualified_met(["met (12 % chance of meeting the month)"]) != []


@pytest.mark.parametrize("p_month, level, shown", [
    (0.5, "met", "50 %"),       # one half is enough
    (0.4999, "at_risk", "49 %"),  # never "only 50 %"
    (0.04, "at_risk", "4 %"),
    (None, "met", None),        # no risk measured: met on the forecast, said so
])
def test_the_threshold_is_one_half(p_month, level, shown):
    s = summary({"voice": channel(p_month=p_month)})
    assert verdict_of(s["channels"])["verdict"] == level
    line = verdict_line(s, "en")
    if shown is not None:
        assert shown in line
    if p_month is None:
        assert line == "met: the plan meets the contract on its forecast (the forecast's risk was not measured)"
    assert unqualified_met(summary_lines(s)) == []


def test_not_met_on_the_plan_is_not_met_whatever_the_risk():
    s = summary({"voice": channel(met=False, p_month=0.95), "chat": channel(p_month=0.2)})
    v = verdict_of(s["channels"])
    assert v["verdict"] == "not_met" and v["channels_not_met"] == ["voice"] and v["channels_at_risk"] == ["chat"]
    assert channel_verdict(None, None) is None
    assert verdict_line(s, "en").startswith("NOT MET")
    assert verdict_line(s, "zh").startswith("未达标")
    assert unqualified_met(summary_lines(s)) == []


def test_estimated_holiday_years_make_the_plan_provisional():
    cal = ChineseCalendar()
    assert cal.warnings_for([2027]) and not cal.warnings_for([2026])  # the installed 'holidays' package
    on = lambda start, weeks: SimpleNamespace(start=start, weeks=weeks, scenario=SimpleNamespace(calendar=cal))  # noqa: E731
    assert estimated_holiday_years(on(date(2026, 3, 16), 4)) == []
    assert estimated_holiday_years(on(date(2026, 12, 21), 2)) == [2027]  # the second week is in 2027
    assert estimated_holiday_years(on(date(2027, 3, 15), 1)) == [2027]
    s = summary({"voice": channel(p_month=0.9)}, verdict="met", p_month_met_min=0.9,
                p_month_met_min_channel="voice", channels_at_risk=[], channels_not_met=[], provisional=True,
                provisional_reason="calendar: ...", estimated_holiday_years=[2027])
    lines = summary_lines(s)
    assert lines[-2].startswith("  verdict: PROVISIONAL (2027 holiday dates estimated, make-up days not "
                                "published): met")
    assert "2027 holiday arrangement" in lines[-1]
    assert verdict_line(s, "zh").startswith("暂定(2027 年节假日安排为估算")
    assert headline(s)["provisional"] is True


def test_idle_paid_hours_count_scheduled_agents_where_nothing_is_needed():
    import pandas as pd

    cov = pd.DataFrame({"interval_start": ["a", "b", "c", "d"], "required": [0, 0, 3, 1],
                        "scheduled": [2.0, 1.5, 5.0, 0.0], "shortfall": [0, 0, 0, 1],
                        "needed_after_shrinkage": [0, 0, 4, 2]})
    assert idle_paid_hours(cov, 30) == pytest.approx((2.0 + 1.5) * 0.5)
    assert idle_paid_hours(cov.drop(columns="needed_after_shrinkage"), 30) is None


def test_percentages_below_one_half_never_round_up_to_it():
    assert pct(0.497, "en") == "49 %" and pct(0.505, "zh") == "50%" and pct(0.123, "en") == "12 %"


# ---- (b) one small real plan, its voice month set to 0.3, on every surface ----


@pytest.fixture(scope="module")
def at_risk_plan():
    """The small plan of tests/test_pipeline.py, met on its forecast, with voice's chance of meeting the
    month set to 0.3 and the others to 0.8 (so the test does not hang on the roster's luck)."""
    from test_pipeline import small

    from planner.pipeline import plan
    from planner.scenario import parse_scenario

    p = plan(parse_scenario(small(), source="small.toml"))
    risk = tuple(replace(r, p_month_met=0.3 if r.channel == "voice" else 0.8) for r in p.risk)
    return replace(p, risk=risk, service=tuple(replace(c, met=True) for c in p.service))


def test_a_real_plan_at_risk_says_so_in_the_cli_json_and_xlsx(at_risk_plan, tmp_path):
    p = at_risk_plan
    s = p.summary()
    assert s["contract_met"] is True  # kept for compatibility: met on the plan's forecast
    assert (s["verdict"], s["p_month_met_min"], s["p_month_met_min_channel"]) == ("at_risk", 0.3, "voice")
    assert s["provisional"] is False and s["provisional_reason"] is None
    assert s["channels"]["voice"]["verdict"] == "at_risk" and s["channels"]["chat"]["verdict"] == "met"
    for team, t in s["teams"].items():
        r = p.roster(team)
        assert t["idle_paid_hours"] == pytest.approx(idle_paid_hours(r.coverage, p.interval_min))
        assert t["overtime_flags"] == sum(f["team"] == team for f in s["cost"]["overtime_flags"])
        assert t["required_hours"] > 0 and t["gap"] is not None

    lines = summary_lines(s)  # what `planner plan` prints
    assert unqualified_met(lines) == [], lines
    assert any("AT RISK: met on the forecast, only 30 % chance of meeting the month (voice" in x for x in lines)
    assert any("overtime flag(s)" in x and "paid h idle" in x and "required h" in x for x in lines)

    out = write(p, tmp_path / "plan")
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert written["contract_met"] is True and written["verdict"] == "at_risk"
    assert written["provisional"] is False and written["p_month_met_min"] == 0.3

    ws = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)["summary"]
    rows = {str(a): b for a, b in ws.iter_rows(min_row=2, max_col=2, values_only=True)}
    assert rows["结论 verdict"] == "有风险 at risk"
    assert "30 %" in rows["verdict in words"] and "30%" in rows["结论说明 verdict in words"]
    assert rows["月度最低达标概率 lowest P(month meets the contract)"] == 0.3
    said_met = [(a, b) for a, b in rows.items() if "met" in a.lower() and b in ("是 yes", "yes", "met")]
    assert said_met == []
    assert unqualified_met([f"{a}: {b}" for a, b in rows.items() if isinstance(b, str)]) == []
    for team in s["teams"]:
        for item in ("idle paid hours (no requirement)", "agent-months over 36 h overtime", "solver gap",
                     "paid / required"):
            assert any(k.startswith(f"小组 {team}:") and item in k for k in rows), (team, item)

    late = replace(p, start=date(2027, 3, 15)).summary()  # the same plan dated on estimated holidays
    assert late["provisional"] is True and late["estimated_holiday_years"] == [2027]
    assert "2027" in late["provisional_reason"] and late["verdict"] == "at_risk"


@pytest.mark.parametrize("lang, words, pct30", [("en", "AT RISK", "30 %"), ("zh", "有风险", "30%")])
def test_the_app_start_page_never_shows_a_bare_met(at_risk_plan, lang, words, pct30):
    AppTest = needs("streamlit.testing.v1").AppTest
    from test_app import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state["record"] = {"plan": at_risk_plan, "key": "test", "wall_s": 1.0}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.success) == 0  # green only for a plan met on its forecast and likely to meet the month
    (verdict,) = [w.value for w in at.warning if words in w.value]
    assert pct30 in verdict and "voice" in verdict
    head = at.dataframe[0].value
    verdict_col = "Verdict" if lang == "en" else "结论"
    voice = head[head[head.columns[0]] == "voice"].iloc[0]
    assert words in voice[verdict_col]
    assert not (head == ("yes" if lang == "en" else "是")).any().any()
    teams = at.dataframe[1].value
    assert len(teams) == len(at_risk_plan.rosters)
    names = ({"Idle paid hours", "Over 36 h overtime (agent-months)", "Solver gap", "Paid / required"} if lang == "en"
             else {"无需求时段计薪工时", "加班超36小时(人月)", "求解差距", "计薪/需求"})
    assert names <= set(teams.columns)


def test_the_app_says_when_the_verdict_is_provisional(at_risk_plan):
    AppTest = needs("streamlit.testing.v1").AppTest
    from test_app import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state["record"] = {"plan": replace(at_risk_plan, start=date(2027, 3, 15)), "key": "t", "wall_s": 1.0}
    at.run()
    assert not at.exception
    assert any(w.value.startswith("PROVISIONAL (2027 holiday dates estimated") for w in at.warning)
    assert any("2027 holiday arrangement" in c.value for c in at.caption)
