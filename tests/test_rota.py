"""The week's rota under the Chinese calendar (planner.scheduling.rota): days, window, prices, the 36 h.

Calendar facts from the State Council's notices (2026): National Day and Mid-Autumn close Thu 1 - Wed 7
October (1-3 October are the statutory holidays), Sat 10 October is a make-up working day. Values by hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from planner.calendar import ChineseCalendar, weekday_window, window_7x24
from planner.domain import Requirements
from planner.labour import CostRates, PayRules, ShiftRules
from planner.scheduling.demand import week_demands
from planner.scheduling.rota import closed_minutes, premium_caps, rota_tours, tour_pay, week_rota
from planner.shifts import ShiftTemplate, Tour, make_templates

CAL = ChineseCalendar()
RULES = ShiftRules(shift_lengths_min=(540,), lunch_min=60)  # 9 h with an hour's lunch: 8 h paid
NDAY = date(2026, 9, 28)  # Monday


def _demands(first: date, weeks: int, window, need: int = 3):
    """Requirements of ``weeks`` weeks from ``first``, 30-min intervals: ``need`` agents wherever the window
    is open, with the ``open`` column that staffing writes."""
    starts = pd.date_range(datetime.combine(first, datetime.min.time()), periods=weeks * 336, freq="30min")
    opened = [window.is_open(t.to_pydatetime(), CAL) for t in starts]
    req = pd.DataFrame({"interval_start": starts, "channel": "voice",
                        "required": [float(need) if o else 0.0 for o in opened], "open": [int(o) for o in opened]})
    return week_demands(Requirements(req), 0.0, calendar=CAL, windows=[window])


def test_weekday_contract_national_day_weeks_have_three_day_tours_inside_the_window():
    w1, w2 = _demands(NDAY, 2, weekday_window("09:00", "18:00"))
    # week 1: Mon-Wed open, Thu-Fri statutory days off (closed), so the rota loses two days
    assert w1.kinds[:4] == ("working", "working", "working", "statutory")
    assert w1.rota_days_delta == -2 and w1.open_days == (True, True, True, False, False, False, False)
    # week 2: Mon-Wed bridged days off (-3), Sat 10 Oct a make-up day the window opens on (+1)
    assert w2.rota_days_delta == -2 and w2.open_days == (False, False, False, True, True, True, False)
    for demand in (w1, w2):
        rota, tours, notes = rota_tours(RULES, demand, CostRates())
        assert (rota.min_days, rota.max_days, rota.max_week_work_min) == (3, 3, 24 * 60)
        assert rota.standard_min == 24 * 60  # the two days of paid leave: 24 h is a full-time week
        assert notes == []
        # a 9 h shift fits a 09:00-18:00 window only at 09:00, on the three open days
        assert {t.template.start_min for t in tours} == {9 * 60}
        assert {t.days for t in tours} == {demand.open_days}


def test_an_ordinary_week_keeps_the_rules_and_a_make_up_week_gains_a_day():
    (plain,) = _demands(date(2026, 3, 16), 1, weekday_window("08:00", "20:00"))
    rota = week_rota(RULES, plain)
    assert (plain.rota_days_delta, rota.min_days, rota.max_days, rota.max_week_work_min) == (0, 5, 5, 40 * 60)
    # Sun 20 Sep 2026 is a make-up working day before National Day: a 6-day week at 48 h
    (makeup,) = _demands(date(2026, 9, 14), 1, weekday_window("08:00", "20:00"))
    assert CAL.is_makeup_day(date(2026, 9, 20))
    rota = week_rota(RULES, makeup)
    assert (makeup.rota_days_delta, rota.max_days, rota.max_week_work_min, rota.standard_min) == (1, 6, 48 * 60,
                                                                                                   48 * 60)
    # 08:00-20:00 allows 9 h shifts starting 08:00 to 11:00 on the half hour
    _rota, tours, _ = rota_tours(RULES, plain, CostRates())
    assert sorted({t.template.start_min for t in tours}) == list(range(8 * 60, 11 * 60 + 1, 30))


def test_a_seven_by_24_week_keeps_five_days_and_prices_holiday_time_at_its_multiple():
    (w1,) = _demands(NDAY, 1, window_7x24())
    assert w1.rota_days_delta == 0 and w1.working_days == 3
    rota = week_rota(RULES, w1)
    assert (rota.min_days, rota.max_days, rota.standard_min) == (5, 5, 40 * 60)
    nine = ShiftTemplate(9 * 60, 540, make_templates(RULES)[0].breaks)
    mon_to_fri = Tour((True,) * 5 + (False,) * 2, nine)  # works Thu 1 and Fri 2 October: statutory
    # a wage of 5220 CNY a month: 30 CNY the hour (5220 / 174 h); a week of the month is 7 / 30.4375 of it
    pay = PayRules(monthly_wage_fen=522_000, night_allowance_fen_per_hour=0)
    costs = CostRates(pay=pay)
    week_wage = 522_000 * 7 / (365.25 / 12)  # a full week's wage share (1200.49 CNY)
    fen, premium = tour_pay(mon_to_fri, (True,) * 7, w1, RULES, costs, rota)
    # the week's wage + 16 h on statutory holidays at 300 % of 30 CNY
    assert (fen, premium) == (round(week_wage + 3 * 16 * 3000), 16 * 60)
    # Mon-Wed + Sat 3 Oct (statutory) + Sun 4 Oct (a rest day beyond the three working days: 200 %)
    other = Tour((True, True, True, False, False, True, True), nine)
    fen, premium = tour_pay(other, (True,) * 7, w1, RULES, costs, rota)
    assert (fen, premium) == (round(week_wage + (3 * 8 + 2 * 8) * 3000), 16 * 60)
    # a dearer holiday moves the price of the first tour by 16 h x the difference, the second by 8 h
    dear = CostRates(pay=replace(pay, holiday_multiple=5.0))
    assert tour_pay(mon_to_fri, (True,) * 7, w1, RULES, dear, rota)[0] == round(week_wage + 5 * 16 * 3000)
    assert tour_pay(other, (True,) * 7, w1, RULES, dear, rota)[0] == round(week_wage + (5 * 8 + 2 * 8) * 3000)
    # with a day in lieu the rest day carries no premium and no premium hours
    lieu = CostRates(pay=replace(pay, rest_day_in_lieu=True))
    assert tour_pay(other, (True,) * 7, w1, RULES, lieu, rota) == (round(week_wage + 3 * 8 * 3000), 8 * 60)


def test_october_shares_its_36_hours_among_the_holiday_weeks():
    # 7x24, 5-day rota. Week of 28 Sep (an October week: its middle day is 1 Oct): 3 working days, so 2 days
    # beyond them, and 3 statutory days of which a 5-day rota works 5/7: pressure 8 h x (2 + 15/7).
    # Week of 5 Oct: 3 working days (Thu, Fri, make-up Sat), no statutory day: 8 h x 2. The other October
    # weeks (12, 19, 26 Oct) have none. Shares: 36 h x 29/7 / (29/7 + 2) and 36 h x 2 / (29/7 + 2).
    demands = _demands(NDAY, 2, window_7x24())
    caps = premium_caps(demands, RULES, CAL, [window_7x24()])
    total = 29 / 7 + 2
    assert caps == (int(36 * 60 * (29 / 7) / total), int(36 * 60 * 2 / total))
    assert caps[0] + caps[1] <= 36 * 60
    # week 2's share (11.7 h) cannot hold a 5-day tour's 16 h: its tours may work 4 days
    rota, tours, _ = rota_tours(RULES, demands[1], CostRates(), caps[1])
    assert rota.min_days == 4
    assert all(tour_pay(t, (True,) * 7, demands[1], RULES, CostRates(), rota)[1] <= caps[1] for t in tours)
    # the limit lifted: no cap
    from dataclasses import replace

    assert premium_caps(demands, replace(RULES, overtime_month_limit=False), CAL, [window_7x24()]) == (None, None)


def test_a_window_shorter_than_the_shift_falls_back_and_says_how_much_is_outside():
    (demand,) = _demands(date(2026, 3, 16), 1, weekday_window("09:00", "15:00"))
    _rota, tours, notes = rota_tours(RULES, demand, CostRates())
    # a 9 h shift overhangs a 6 h window by at least 3 h; the least-overhang shifts start 06:00 to 09:00
    assert {closed_minutes(demand, 0, t.template) for t in tours} == {180}
    assert len(notes) == 5 and "3 h outside" in notes[0] and "rules.shift_hours" in notes[0]


@pytest.mark.parametrize("window", [weekday_window("09:00", "18:00"), window_7x24()], ids=["weekday", "7x24"])
def test_every_tour_works_only_open_days(window):
    for first in (NDAY, NDAY + timedelta(days=7), date(2027, 2, 8)):
        (demand,) = _demands(first, 1, window)
        _rota, tours, _ = rota_tours(RULES, demand, CostRates())
        assert tours
        for t in tours:
            assert all(demand.open_days[d] for d in range(7) if t.days[d])
            assert all(closed_minutes(demand, d, t.template) == 0 for d in range(7) if t.days[d])
