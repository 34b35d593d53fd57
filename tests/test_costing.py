"""planner.costing on hand-computed examples, one rule a test.

Reference values are computed by hand from the rules cited in planner/costing.py: the hourly base is the
monthly wage / 174 h (劳社部发〔2008〕3号: 21.75 paid days x 8 h); Labour Law art. 44 premiums 150 / 200 /
300 %; art. 41's 36 h a month. Calendar facts are the State Council's 2026 notice (国办发明电〔2025〕7号):
Spring Festival days off 15-23 Feb 2026, of which 16-19 Feb are the statutory days (eve and first three
days); 20 and 23 Feb are bridged rest days, made up on Sat 14 Feb and Sat 28 Feb.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from planner.calendar import ChineseCalendar
from planner.costing import classify_hours, overtime_flags, support_count, team_cost
from planner.domain import Schedule
from planner.errors import PlannerInputError
from planner.labour import Contribution, PayRules

CAL = ChineseCalendar()
NIGHT = (22 * 60, 6 * 60)
PAY = PayRules(monthly_wage_fen=696_000)  # 6960 CNY: 40 CNY an hour exactly (6960 / 174)
HOURLY_CNY = 40.0
MONTH_OVER_WEEK = (365.25 / 12) / 7  # a typical month over one week


def shifts(rows: list[tuple[str, str, str]]) -> Schedule:
    """Schedule rows from (agent, start, end) work spans; the date is the start's."""
    return Schedule.of_rows(pd.DataFrame(
        [
            {"agent_id": a, "date": s[:10], "activity": "work", "start": s, "end": e}
            for a, s, e in rows
        ]
    ))


def days(agent: str, first: date, n: int, start: str, hours: float) -> list[tuple[str, str, str]]:
    out = []
    for i in range(n):
        d = first + timedelta(days=i)
        t0 = datetime.fromisoformat(f"{d}T{start}")
        out.append((agent, t0.strftime("%Y-%m-%dT%H:%M"), (t0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")))
    return out


def hours_of(schedule, start, weeks=1, pay=PAY):
    agents, premium = classify_hours(schedule, start=start, weeks=weeks, pay=pay, calendar=CAL, night=NIGHT)
    return {a.agent_id: a for a in agents}, premium


def test_statutory_holiday_at_300_and_a_bridged_rest_day_of_it_at_200():
    # week Mon 16 - Sun 22 Feb 2026: no official working day; Tue 17 is statutory, Fri 20 bridged
    sched = shifts([
        ("a", "2026-02-17T09:00", "2026-02-17T17:00"),
        ("a", "2026-02-20T09:00", "2026-02-20T17:00"),
    ])
    h, _ = hours_of(sched, date(2026, 2, 16))
    a = h["a"]
    assert (a.holiday_h, a.rest_day_h, a.overtime_h, a.regular_h) == (8.0, 8.0, 0.0, 0.0)
    # money: the year-ahead holiday line counts Feb 17 as rostered; the holiday week's rest-day work stands
    # for the year's holiday weeks (a twelfth a month), and the same two days in an ordinary week carry none
    t = team_cost("t", ("voice",), sched, start=date(2026, 2, 16), weeks=1, pay=replace(PAY, support=()),
                  calendar=CAL, night=NIGHT, holidays_open=(date(2026, 2, 17),))
    lines = {x.item: x for x in t.lines}
    assert lines["statutory holiday work, year ahead"].amount_fen == round(8 / 12 * 3 * HOURLY_CNY * 100)  # 8 h a year
    holiday_weeks = sum(
        any(CAL.is_holiday_period(d) or CAL.is_statutory_holiday(d) or CAL.is_makeup_day(d)
            for d in (date(2026, 2, 16) + timedelta(days=7 * k + i) for i in range(7)))
        for k in range(52)
    )
    assert 8 <= holiday_weeks <= 16  # New Year, Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn...
    year_share = holiday_weeks * (365.25 / 7 / 52) / 12
    assert lines["rest-day work"].amount_fen == round(8 * year_share * 2 * HOURLY_CNY * 100)
    # with a day in lieu the rest day carries no premium
    h, _ = hours_of(sched, date(2026, 2, 16), pay=replace(PAY, rest_day_in_lieu=True))
    assert (h["a"].rest_day_h, h["a"].lieu_h, h["a"].holiday_h) == (0.0, 8.0, 8.0)


def test_a_night_shift_into_a_statutory_holiday_is_300_after_midnight():
    # Wed 30 Sep 2026 22:00 - Thu 1 Oct 06:00: 2 h on an ordinary day, 6 h on National Day
    h, _ = hours_of(shifts([("a", "2026-09-30T22:00", "2026-10-01T06:00")]), date(2026, 9, 28))
    assert h["a"].holiday_h == 6.0
    assert h["a"].regular_h == 2.0
    assert h["a"].night_h == 8.0


def test_a_night_shift_earns_its_allowance():
    # Mon 16 - Fri 20 Mar 2026, 20:00-04:00: 6 h a shift inside 22:00-06:00
    sched = shifts(days("n", date(2026, 3, 16), 5, "20:00", 8))
    h, _ = hours_of(sched, date(2026, 3, 16))
    assert h["n"].night_h == 30.0
    assert (h["n"].overtime_h, h["n"].rest_day_h) == (0.0, 0.0)
    pay = replace(PAY, night_allowance_fen_per_hour=500, support=())
    t = team_cost("t", ("voice",), sched, start=date(2026, 3, 16), weeks=1, pay=pay, calendar=CAL, night=NIGHT)
    night = next(x for x in t.lines if x.item == "night allowance")
    assert night.amount_fen == round(30 * MONTH_OVER_WEEK * 500)  # 5 CNY an hour


def test_a_week_over_40_hours_is_paid_150():
    # standard hours: 5 days of 9 paid hours in an ordinary week: 1 h a day over 8 h
    sched = shifts(days("a", date(2026, 3, 16), 5, "09:00", 9))
    h, _ = hours_of(sched, date(2026, 3, 16))
    assert (h["a"].overtime_h, h["a"].regular_h) == (5.0, 40.0)
    # comprehensive hours settled weekly: 4 days of 11 h = 44 h against 40 h; no daily limit
    comp = replace(PAY, hours_system="comprehensive", settlement="week")
    h, _ = hours_of(shifts(days("b", date(2026, 3, 16), 4, "08:00", 11)), date(2026, 3, 16), pay=comp)
    assert (h["b"].overtime_h, h["b"].regular_h) == (4.0, 40.0)
    t = team_cost("t", ("voice",), shifts(days("b", date(2026, 3, 16), 4, "08:00", 11)), start=date(2026, 3, 16),
                  weeks=1, pay=replace(comp, support=()), calendar=CAL, night=NIGHT)
    ot = next(x for x in t.lines if x.item == "overtime on working days")
    assert ot.amount_fen == round(4 * MONTH_OVER_WEEK * 1.5 * HOURLY_CNY * 100)


def test_a_sixth_day_is_rest_day_work_but_a_make_up_saturday_is_not():
    # ordinary week: the 6th day worked is a rest day at 200 %, the rota's choice of days otherwise free
    h, _ = hours_of(shifts(days("a", date(2026, 3, 16), 6, "09:00", 8)), date(2026, 3, 16))
    assert (h["a"].rest_day_h, h["a"].regular_h) == (8.0, 40.0)
    # week 9-15 Feb 2026 has six official working days (Sat 14 Feb is a make-up day): 48 h, no premium
    h, _ = hours_of(shifts(days("b", date(2026, 2, 9), 6, "09:00", 8)), date(2026, 2, 9))
    assert (h["b"].rest_day_h, h["b"].overtime_h, h["b"].regular_h) == (0.0, 0.0, 48.0)
    # a 7x24 agent working Sat-Wed in an ordinary week works no rest day
    h, _ = hours_of(shifts(days("c", date(2026, 3, 21), 5, "09:00", 8)), date(2026, 3, 16), weeks=2)
    assert (h["c"].rest_day_h, h["c"].regular_h) == (0.0, 40.0)


def test_a_month_over_36_hours_of_overtime_is_flagged():
    # 2 h over 8 h a day, 5 days a week, 2-29 Mar 2026: 40 h in 28 days of March -> 44.3 h projected
    rows = [r for w in range(4) for r in days("long", date(2026, 3, 2) + timedelta(weeks=w), 5, "08:00", 10)]
    rows += [r for w in range(4) for r in days("ok", date(2026, 3, 2) + timedelta(weeks=w), 5, "08:00", 9)]
    h, premium = hours_of(shifts(rows), date(2026, 3, 2), weeks=4)
    assert h["long"].overtime_h == 40.0 and h["ok"].overtime_h == 20.0
    flags = overtime_flags("t", premium, date(2026, 3, 2), 4)
    assert [(f.agent_id, f.month) for f in flags] == [("long", "2026-03")]
    assert flags[0].hours == 40.0
    assert flags[0].projected_h == pytest.approx(40 * 31 / 28)


@pytest.mark.parametrize(
    ("agents", "per", "expected"),
    [(0, 12, 0), (1, 12, 1), (12, 12, 1), (13, 12, 2), (24, 12, 2), (25, 12.5, 2), (26, 12.5, 3), (100, 100, 1)],
)
def test_support_ratios_round_up(agents, per, expected):
    assert support_count(agents, per) == expected


def test_contribution_base_is_clamped_to_floor_and_ceiling():
    c = Contribution(rate=0.3, base_floor_fen=746_000, base_ceiling_fen=3_730_200)
    assert c.monthly_fen(650_000) == 223_800  # below the floor: 30 % of 7460 CNY
    assert c.monthly_fen(1_000_000) == 300_000  # inside: 30 % of 10000 CNY
    assert c.monthly_fen(5_000_000) == 1_119_060  # above the ceiling: 30 % of 37302 CNY
    # in a team: a 6960 CNY agent with no premium pays on the floor
    pay = replace(PAY, social_insurance=c, housing_fund=Contribution(0.07, 274_000, 3_730_200), support=(),
                  night_allowance_fen_per_hour=0)
    t = team_cost("t", ("voice",), shifts(days("a", date(2026, 3, 16), 5, "09:00", 8)), start=date(2026, 3, 16),
                  weeks=1, pay=pay, calendar=CAL, night=NIGHT)
    lines = {x.item: x.amount_fen for x in t.lines}
    assert lines["employer social insurance"] == 223_800
    assert lines["housing fund"] == round(0.07 * 696_000)  # above the fund's floor: on the wage


def test_a_whole_team_month_adds_up_by_hand():
    # 2 agents, ordinary day shifts, no premium; 1 team leader per 12 agents (rounds up to 1)
    from planner.labour import SupportRole

    pay = PayRules(
        monthly_wage_fen=696_000, social_insurance=Contribution(0.25, 746_000, 3_730_200),
        housing_fund=Contribution(0.07, 274_000, 3_730_200), night_allowance_fen_per_hour=0,
        support=(SupportRole("team_leader", 12, 1_000_000),), seat_fen_per_fte_month=100_000,
        it_fen_per_fte_month=0, overhead_fen_per_fte_month=0, margin=0.2,
    )
    rows = days("a", date(2026, 3, 16), 5, "09:00", 8) + days("b", date(2026, 3, 18), 5, "09:00", 8)
    t = team_cost("t", ("voice",), shifts(rows), start=date(2026, 3, 16), weeks=2, pay=pay, calendar=CAL, night=NIGHT)
    wages = 2 * 696_000
    contributions = 2 * (0.25 * 746_000 + 0.07 * 696_000)
    leader = 1_000_000 + 0.25 * 1_000_000 + 0.07 * 1_000_000
    seats = 3 * 100_000
    assert t.headcount == 2 and t.fte == 2.0
    assert t.cost_month_fen == round(wages + contributions + leader + seats)


def test_a_shift_outside_the_weeks_is_refused():
    with pytest.raises(PlannerInputError, match="outside the weeks"):
        hours_of(shifts([("a", "2026-03-30T09:00", "2026-03-30T17:00")]), date(2026, 3, 16))


def test_a_holiday_weeks_premium_is_not_projected_over_the_month():
    """Week Mon 30 Mar - Sun 5 Apr 2026 has five official working days but holds the Qingming days off
    (4-5 April): 30 premium hours on them stay 30 h in April (below 36, no flag), where projecting them over
    the 25 uncovered days of April would give 30 + 6 x 25 = 180 h. An ordinary week's rate is projected:
    10 h in Mon 16 - Sun 22 March gives 10 + 10 / 7 x 24 = 44.3 h (flagged)."""
    assert CAL.is_atypical(date(2026, 4, 4)) and sum(CAL.is_working_day(date(2026, 3, 30) + timedelta(days=i))
                                                    for i in range(7)) == 5
    holiday = {("a", date(2026, 4, 4)): 30 * 60.0}
    assert overtime_flags("t", holiday, date(2026, 3, 30), 1, CAL) == ()
    ordinary = {("a", date(2026, 3, 17)): 10 * 60.0}
    (flag,) = overtime_flags("t", ordinary, date(2026, 3, 16), 1, CAL)
    assert flag.projected_h == pytest.approx(10 + 10 / 7 * 24)
