"""planner.capacity and planner.hiring on small cases checked by hand, and planner.capacity_plan on a plan.

Reference values are computed by hand in the comments, never from the code under test. Calendar facts: the
State Council's 2026 notice (国办发明电〔2025〕7号): National Day 2026, 1-7 October off, of which 1-3 October
are the statutory days (全国年节及纪念日放假办法 art. 2), made up on Sat 10 October (and Sun 20 September).
Money: a wage of 6960 CNY is 40 CNY an hour (6960 / 174 h).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.calendar import ChineseCalendar, weekday_window, window_7x24
from planner.capacity import (
    DayProfile,
    explain,
    fcr_factor,
    requirement_by_month,
    supply,
    survival,
    volume_factor,
)
from planner.domain import CapacityTerms, Peak, VolumeTerms
from planner.errors import PlannerInputError
from planner.hiring import solve_hiring

ROOT = Path(__file__).resolve().parents[1]
CAL = ChineseCalendar()
HOURLY_FEN = 4000  # 40 CNY an hour
HEAD_FEN = 1_000_000  # a head costs 10,000 CNY a month


def terms(**kw) -> CapacityTerms:
    """12 months, no attrition, no ramp, classes of 1-50, one a month, no overtime unless told."""
    base = dict(months=12, attrition_month=0.0, new_hire_attrition_month=0.0, lead_time_months=1, ramp=(),
                class_size_min=1, class_size_max=50, classes_max_month=1, overtime_max_h_month=0.0,
                hire_cost_cny=0.0, class_cost_cny=0.0)
    return CapacityTerms(**{**base, **kw})


def solve(req, t, headcount=100.0):
    return solve_hiring(req, t, headcount=headcount, head_fen_month=HEAD_FEN, hourly_fen=HOURLY_FEN)


def test_training_lead_time_puts_the_hire_two_months_ahead():
    # 100 agents; from month 4 the requirement is 110. Lead time 2: a class started in month 2 is on the
    # floor in month 4; any later start misses month 4, any earlier one pays its heads for longer.
    t = terms(lead_time_months=2)
    h = solve([100] * 4 + [110] * 8, t)
    assert h.optimal and h.gap <= 1e-9
    assert h.hires == (0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert h.classes[2] == 1 and sum(h.classes) == 1
    assert max(h.short_fte) < 1e-6


def test_attrition_compounds_month_by_month():
    # the starting team at the tenured rate: 100 x 0.95^3 = 85.7375 at the start of month 3
    t = terms(attrition_month=0.05)
    s = supply(t, 100.0, [0] * 12)
    assert s.headcount[3] == pytest.approx(85.7375, abs=1e-9)
    assert s.leavers[3] == pytest.approx(85.7375 * 0.05, abs=1e-9)  # 4.286875 leave during month 3
    # a new hire: 10 % a month for its first 3 months, then 5 %: 0.9^3 x 0.95^2 = 0.729 x 0.9025 = 0.6579225
    t = terms(attrition_month=0.05, new_hire_attrition_month=0.10, new_hire_months=3)
    assert survival(t, 5) == pytest.approx(0.6579225, abs=1e-12)
    # 20 hires in month 0 with a lead time of 1: at the start of month 2, 20 x 0.9^2 = 16.2 on the floor
    s = supply(t, 0.0, [20] + [0] * 11)
    assert s.trainees[0] == 20 and s.on_floor[0] == 0
    assert s.on_floor[2] == pytest.approx(16.2, abs=1e-9)


def test_a_class_size_limit_forces_an_earlier_class():
    # +30 needed from month 5; at most 20 a class and one class a month, lead time 1: month 4's class (on
    # the floor in month 5) holds 20, so the other 10 start in month 3 -- a month earlier than the lead
    # time alone requires. (Ten in month 3 and twenty in month 4 is the cheapest: 10 x 9 + 20 x 8 = 250
    # head-months, against 20 x 9 + 10 x 8 = 260.)
    t = terms(class_size_max=20)
    req = [100] * 5 + [130] * 7
    h = solve(req, t)
    assert h.optimal
    assert h.hires == (0, 0, 0, 10, 20, 0, 0, 0, 0, 0, 0, 0)
    needs = [type("N", (), {"month": date(2027, 1 + i, 1), "required_fte": r, "peaks": (), "factor": 1.0})()
             for i, r in enumerate(req)]
    classes, lines = explain(t, needs, 100.0, h.hires, h.classes, h.overtime_fte, h.short_fte, h.idle_fte)
    first = classes[0]
    assert first["month"] == "2027-04" and first["need_month"] == "2027-06" and first["on_floor"] == "2027-05"
    assert "earlier than the lead time requires because the later months' classes are full" in first["reason"]
    # the facts behind the words (what the app says in Chinese): 130 required, 30 above the 100 agents
    assert (first["early_months"], first["early_why"], first["lead_time_months"]) == (1, "full", 1)
    assert first["required_fte"] == 130 and first["above_fte"] == pytest.approx(30.0)
    assert classes[1]["month"] == "2027-05" and classes[1]["early_months"] == 0
    assert "No month short" in " ".join(lines)


def test_overtime_covers_a_one_month_peak_before_any_hire():
    # 100 agents, 110 FTE needed in month 5 only. Overtime: 10 FTE x 174 h x 150 % x 40 CNY = 104,400 CNY;
    # within the cap (36 h / 174 h x 100 = 20.7 FTE). A hire costs at least two months (training, peak) at
    # 10,000 CNY: 10 hires = 200,000 CNY. So overtime, no class.
    t = terms(overtime_max_h_month=36.0)
    h = solve([100] * 5 + [110] + [100] * 6, t)
    assert sum(h.hires) == 0
    assert h.overtime_fte[5] == pytest.approx(10.0, abs=1e-6)
    assert h.objective_fen == pytest.approx(10 * 174 * 1.5 * HOURLY_FEN, rel=1e-9)
    # with the overtime cap at 5 h: 5 / 174 x 100 = 2.87 FTE only, so a class comes in month 4
    h = solve([100] * 5 + [110] + [100] * 6, replace(t, overtime_max_h_month=5.0))
    assert h.hires[4] > 0


def test_months_short_when_the_classes_cannot_keep_up():
    # from month 2 the requirement is 150 for 100 agents; one class of at most 10 a month, lead time 1, no
    # overtime: the classes of months 0, 1, 2, ... land 10 a month from month 1, so month 2 has 120
    # (30 short), month 3 130 (20), month 4 140 (10), month 5 150 (0).
    t = terms(class_size_max=10)
    h = solve([100, 100] + [150] * 10, t)
    assert [round(x, 6) for x in h.short_fte[:7]] == [0, 0, 30, 20, 10, 0, 0]
    assert h.hires[:5] == (10, 10, 10, 10, 10) and sum(h.hires) == 50
    needs = [type("N", (), {"month": date(2027, 1 + i, 1), "required_fte": r, "peaks": (), "factor": 1.0})()
             for i, r in enumerate([100, 100] + [150] * 10)]
    _classes, lines = explain(t, needs, 100.0, h.hires, h.classes, h.overtime_fte, h.short_fte, h.idle_fte)
    short = next(x for x in lines if x.startswith("Months short"))
    assert "2027-03 by 30.0 FTE" in short and "2027-05 by 10.0 FTE" in short and "2027-06" not in short


def _flat(hours: float) -> dict[str, DayProfile]:
    return {"voice": DayProfile((hours,) * 7, hours)}


def _weekdays(hours: float) -> dict[str, DayProfile]:
    return {"voice": DayProfile((hours,) * 5 + (0.0, 0.0), hours)}


def test_a_holiday_month_carries_its_premium_on_a_7x24_contract_only():
    # October 2026, 100 required hours a day, efficiency 1, no shrinkage, 40 CNY an hour. 7x24: open on
    # the three statutory days (1-3 Oct): 3 x 100 h x 300 % x 40 CNY = 36,000 CNY; 31 x 100 = 3100 h,
    # 3100 / 174 = 17.8161 FTE. Weekday 09-18: closed 1-7 Oct, open on the make-up Saturday 10 Oct: 22
    # weekdays - 5 off + 1 = 18 days, 1800 h and no premium.
    t = replace(terms(), months=12)
    common = dict(base_volume={"voice": 1000.0}, calendar=CAL, efficiency=1.0, shrinkage=0.0, hourly_fen=HOURLY_FEN)
    oct_7x24 = requirement_by_month(t, date(2026, 10, 1), profile_at=lambda f: _flat(100.0),
                                    windows={"voice": window_7x24()}, **common)[0]
    assert oct_7x24.holidays == (date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3))
    assert oct_7x24.holiday_premium_fen / 100 == pytest.approx(36_000.0)
    assert oct_7x24.required_h == pytest.approx(3100.0)
    assert oct_7x24.required_fte == pytest.approx(3100 / 174)
    oct_weekday = requirement_by_month(t, date(2026, 10, 1), profile_at=lambda f: _weekdays(100.0),
                                       windows={"voice": weekday_window()}, **common)[0]
    assert oct_weekday.holiday_premium_fen == 0.0 and oct_weekday.holidays == ()
    assert oct_weekday.required_h == pytest.approx(1800.0)
    # shrinkage and efficiency: 3100 h / (0.8 x (1 - 0.3)) = 5535.71 paid h = 31.8145 FTE; the premium
    # is on paid hours: 300 h / 0.56 x 3 x 40 = 64,285.71 CNY
    x = requirement_by_month(t, date(2026, 10, 1), profile_at=lambda f: _flat(100.0), windows={"voice": window_7x24()},
                             **{**common, "efficiency": 0.8, "shrinkage": 0.3})[0]
    assert x.required_fte == pytest.approx(3100 / 0.56 / 174)
    assert x.holiday_premium_fen / 100 == pytest.approx(300 / 0.56 * 3 * 40)


def test_fcr_turns_unresolved_contacts_into_repeat_volume():
    # an issue makes 1/f contacts (1 + (1-f) + (1-f)^2 + ...): history at FCR 0.75, the term at 0.85,
    # so the volume is 0.75 / 0.85 = 0.882353 of the base; at 0.65 it is 0.75 / 0.65 = 1.153846
    assert fcr_factor(0.75, 0.85) == pytest.approx(0.8823529411764706)
    v = VolumeTerms(fcr=0.75, fcr_target=0.85)
    f, _ = volume_factor(v, date(2027, 3, 1), 0)
    assert f == pytest.approx(0.75 / 0.85)
    seen = []

    def profile(f):
        seen.append(f)
        return _flat(100.0)

    need = requirement_by_month(replace(terms(), volume=v), date(2027, 3, 1), base_volume={"voice": 85_000.0},
                                profile_at=profile, calendar=CAL, windows={"voice": window_7x24()},
                                efficiency=1.0, shrinkage=0.0, hourly_fen=HOURLY_FEN)[0]
    assert need.volume["voice"] == pytest.approx(75_000.0)  # 85,000 x 0.75 / 0.85
    assert seen[0] == pytest.approx(0.75 / 0.85)  # the staffing engine is asked at the scaled volume
    f, _ = volume_factor(VolumeTerms(fcr=0.75, fcr_target=0.65), date(2027, 3, 1), 0)
    assert f == pytest.approx(1.1538461538461537)


def test_volume_factor_multiplies_season_growth_and_peaks():
    # November of the second year: seasonal 1.1 x growth 1.08^(14/12) x Double 11 1.7
    v = VolumeTerms(growth_year=0.08, seasonal=(1.0,) * 10 + (1.1, 1.0),
                    peaks=(Peak("Double 11", 1.7, calendar_month=11), Peak("launch", 2.0, month="2026-09")))
    f, names = volume_factor(v, date(2027, 11, 1), 14)
    assert f == pytest.approx(1.1 * 1.08 ** (14 / 12) * 1.7)
    assert names == ("Double 11",)
    assert volume_factor(v, date(2026, 9, 1), 0) == (2.0, ("launch",))


def test_terms_refuse_impossible_values_naming_the_key():
    for kw, key in (({"attrition_month": 1.5}, "capacity.attrition_month"),
                    ({"lead_time_months": -1}, "capacity.lead_time_months"),
                    ({"months": 0}, "capacity.months"),
                    ({"overtime_max_h_month": 40}, "capacity.overtime_max_h_month"),
                    ({"class_size_min": 30, "class_size_max": 20}, "capacity.class_size_min")):
        with pytest.raises(PlannerInputError, match=key.replace(".", r"\.")):
            CapacityTerms(**kw)


# ------------------------------------------------------------------------------------------------
# on a real plan (small: voice only, hourly, a tenth of the sample volume)


SMALL = {
    "version": 2,
    "site": {"name": "capacity test"},
    "coverage": {"window": "7x24"},
    "staffing": {"shrinkage": 0.3, "interval_min": 60},
    "channels": {"voice": {"service_level": 0.8, "answer_s": 20, "sl_period": "day"}},
    "data": {"sample": True, "sample_weeks": 4, "sample_scale": 0.1},
    "forecast": {"method": "mean_4w", "backtest_weeks": 1},
    "horizon": {"weeks": 1, "start": date(2026, 3, 16)},
    "solver": {"deterministic_time": 0.5, "time_limit_s": 10},
    "check": {"replications": 2, "risk_replications": 20, "confidence_steps": []},
    "capacity": {"months": 12, "start": "2026-04", "lead_time_months": 1, "class_size_min": 1},
}


@pytest.fixture(scope="module")
def small_plan():
    from planner.pipeline import plan
    from planner.scenario import parse_scenario

    scen = parse_scenario(SMALL, source="small.toml")
    return scen, plan(scen)


def test_capacity_of_a_plan_measures_efficiency_and_counts_the_months_days(small_plan):
    from planner.capacity_plan import capacity_of

    _scen, p = small_plan
    cp = capacity_of(p)
    # efficiency recomputed from the files' figures: required agent-hours over paid hours x (1 - 0.3)
    sched = pd.concat([r.schedule.frame for r in p.rosters])
    work = sched[sched["activity"].isin(["work", "break", "training"])]
    paid_h = ((pd.to_datetime(work["end"]) - pd.to_datetime(work["start"])).dt.total_seconds().sum()) / 3600
    required_h = p.requirements.frame["required"].sum() * 60 / 60
    assert cp.efficiency == pytest.approx(required_h / (paid_h * 0.7))
    assert 0 < cp.efficiency <= 1
    # April 2026 at factor 1 (no season, growth or peak): each weekday's hours of the plan's week (16-22
    # March, no holiday) times its count in April (Wed 1 Apr: Wed and Thu 5 times, the others 4), except
    # the statutory Qingming day 5 April (a Sunday: counted like a Sunday on a 7x24 contract)
    req = p.requirements.frame.assign(day=p.requirements.frame["interval_start"].dt.date)
    by_wd = {d.weekday(): h for d, h in req.groupby("day")["required"].sum().items()}
    counts = {0: 4, 1: 4, 2: 5, 3: 5, 4: 4, 5: 4, 6: 4}
    april = cp.rows.iloc[0]
    assert april["month"] == "2026-04"
    assert april["required_h"] == pytest.approx(sum(by_wd[w] * n for w, n in counts.items()), rel=1e-9)
    assert april["required_fte"] == pytest.approx(april["required_h"] / (cp.efficiency * 0.7 * 174))
    assert cp.headcount == pytest.approx(p.cost.fte) and cp.headcount <= sched["agent_id"].nunique()
    assert cp.hiring.optimal and cp.gap <= 1e-6
    assert len(cp.rows) == 12 and cp.term_cost_cny == pytest.approx(cp.rows["cost_cny"].sum())
    assert cp.annual_cost_cny == pytest.approx(cp.term_cost_cny)  # 12 months
    d = cp.to_dict()
    assert {"status", "optimal", "gap", "term_cost_cny", "annual_cost_cny", "efficiency", "rows", "classes",
            "short_months", "explanation"} <= set(d)
    # a what-if on the same plan: FCR 0.75 -> 0.85 scales volume by 0.75/0.85 and needs fewer FTE
    data = {**SMALL, "capacity": {**SMALL["capacity"], "volume": {"fcr": 0.75, "fcr_target": 0.85}}}
    from planner.scenario import parse_scenario

    better = capacity_of(p, parse_scenario(data, source="fcr.toml"))
    assert better.rows["volume_voice"].iloc[0] == pytest.approx(cp.rows["volume_voice"].iloc[0] * 0.75 / 0.85)
    assert better.rows["required_fte"].iloc[0] < cp.rows["required_fte"].iloc[0]


@pytest.mark.slow
def test_planner_capacity_on_the_24_month_example(tmp_path):
    out = tmp_path / "capacity.csv"
    p = subprocess.run([sys.executable, "-m", "planner", "capacity", str(ROOT / "scenarios" / "capacity_24m.toml"),
                        "--out", str(out), "--json"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    import json

    d = json.loads(p.stdout)
    assert d["months"] == 24 and d["status"] == "OPTIMAL" and d["optimal"] and d["gap"] <= 1e-6
    assert d["classes"] and all(c["reason"] for c in d["classes"])
    assert any("Double 11" in c["reason"] for c in d["classes"])
    rows = pd.read_csv(out)
    assert len(rows) == 24
    for col in ("month", "volume_voice", "volume_chat", "required_fte", "headcount_start", "hires", "classes",
                "leavers", "trainees", "productive_fte", "overtime_fte", "idle_fte", "short_fte", "cost_cny",
                "holiday_premium_cny"):
        assert col in rows.columns, col
    feb = rows[rows["month"] == "2027-02"].iloc[0]
    nov = rows[rows["month"] == "2026-11"].iloc[0]
    assert feb["volume_voice"] < nov["volume_voice"]  # the Spring Festival dip, the Double 11 peak
    assert rows[rows["month"] == "2026-10"].iloc[0]["holiday_premium_cny"] > 0  # National Day, 7x24
    assert d["term_cost_cny"] == pytest.approx(rows["cost_cny"].sum())
    wb = openpyxl.load_workbook(out.with_suffix(".xlsx"), read_only=True)
    assert wb.sheetnames == ["capacity", "classes", "assumptions"]
    assert out.with_suffix(".png").stat().st_size > 0 and out.with_suffix(".html").stat().st_size > 0


@pytest.mark.slow
def test_planner_plan_with_a_capacity_section_adds_its_sheet_and_block(tmp_path):
    from planner.scenario import scenario_toml

    data = {**SMALL, "horizon": {"weeks": 1, "start": "2026-03-16"}}
    (tmp_path / "s.toml").write_text(scenario_toml(data), encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "planner", "plan", str(tmp_path / "s.toml"), "--out",
                        str(tmp_path / "plan")], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    import json

    summary = json.loads((tmp_path / "plan" / "summary.json").read_text(encoding="utf-8"))
    assert summary["capacity"]["months"] == 12 and summary["capacity"]["optimal"]
    assert "capacity" in openpyxl.load_workbook(tmp_path / "plan" / "plan.xlsx", read_only=True).sheetnames
    assert "MIP OPTIMAL" in p.stdout


def test_the_plan_weeks_own_season_is_divided_out_of_the_base(small_plan):
    """The plan's week is in March. Saying March runs at half the base (seasonal 0.5) makes the base month
    twice the plan's own month, so April (factor 1) carries twice the volume of the flat-season term."""
    from planner.capacity_plan import capacity_of
    from planner.scenario import parse_scenario

    _scen, p = small_plan
    flat = capacity_of(p)
    half = [1.0, 1.0, 0.5] + [1.0] * 9
    data = {**SMALL, "capacity": {**SMALL["capacity"], "volume": {"seasonal": half}}}
    low_march = capacity_of(p, parse_scenario(data, source="season.toml"))
    assert low_march.rows["volume_voice"].iloc[0] == pytest.approx(2 * flat.rows["volume_voice"].iloc[0])


def test_a_term_the_limits_cannot_cover_says_so_above_its_cost(small_plan):
    from planner.capacity_plan import capacity_of, summary_lines
    from planner.scenario import parse_scenario

    _scen, p = small_plan
    tight = {**SMALL["capacity"], "attrition_month": 0.3, "class_size_min": 1, "class_size_max": 1,
             "classes_max_month": 1, "overtime_max_h_month": 0.0}
    cp = capacity_of(p, parse_scenario({**SMALL, "capacity": tight}, source="tight.toml"))
    lines = summary_lines(cp)
    assert lines[1].startswith("  SHORT in ") and "does not cover the requirement" in lines[1]
    assert cp.to_dict()["covered"] is False and cp.short_months
    assert capacity_of(p).to_dict()["covered"] is True


def test_a_toml_date_names_the_start_month():
    from planner.scenario import parse_scenario

    scen = parse_scenario({**SMALL, "capacity": {**SMALL["capacity"], "start": date(2026, 9, 1)}}, source="d.toml")
    assert scen.capacity.start == date(2026, 9, 1)
