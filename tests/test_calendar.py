"""Chinese calendar, coverage windows and working-time arithmetic (planner/calendar.py).

Reference: the State Council's annual notices on public-holiday arrangements
(国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号; ... 2026年 ..., 国办发明电〔2025〕7号),
cross-checked day by day against the independent ``chinesecalendar`` package.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import needs
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.calendar import (
    CalendarWarning,
    ChineseCalendar,
    HolidayOverride,
    custom_window,
    due,
    elapsed_working_hours,
    weekday_window,
    window_7x24,
)
from planner.errors import PlannerInputError
from planner.io.holidays import read_overrides

D = dt.date
T = dt.datetime
CAL = ChineseCalendar()

# Official notices: make-up working days (调休上班) and the runs of days off.
MAKEUP = {
    2025: [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
    2026: [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)],
}
PERIODS = {
    2025: [
        (D(2025, 1, 1), D(2025, 1, 1)),  # 元旦
        (D(2025, 1, 28), D(2025, 2, 4)),  # 春节, 8 days
        (D(2025, 4, 4), D(2025, 4, 6)),  # 清明
        (D(2025, 5, 1), D(2025, 5, 5)),  # 劳动节
        (D(2025, 5, 31), D(2025, 6, 2)),  # 端午
        (D(2025, 10, 1), D(2025, 10, 8)),  # 国庆 + 中秋
    ],
    2026: [
        (D(2026, 1, 1), D(2026, 1, 3)),
        (D(2026, 2, 15), D(2026, 2, 23)),  # 春节, 9 days
        (D(2026, 4, 4), D(2026, 4, 6)),
        (D(2026, 5, 1), D(2026, 5, 5)),
        (D(2026, 6, 19), D(2026, 6, 21)),
        (D(2026, 9, 25), D(2026, 9, 27)),  # 中秋
        (D(2026, 10, 1), D(2026, 10, 7)),  # 国庆
    ],
}


def _days(year: int):
    d = D(year, 1, 1)
    while d.year == year:
        yield d
        d += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_official_makeup_days_and_holiday_periods(year):
    makeup = [d for d in _days(year) if CAL.is_makeup_day(d)]
    assert makeup == MAKEUP[year]
    expected = {a + dt.timedelta(days=k) for a, b in PERIODS[year] for k in range((b - a).days + 1)}
    got = {d for d in _days(year) if CAL.is_holiday_period(d)}
    assert got == expected


@pytest.mark.parametrize("year", [2025, 2026])
def test_agrees_with_chinesecalendar_every_day(year):
    chinese_calendar = needs("chinese_calendar")
    for d in _days(year):
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d), d
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        assert CAL.is_holiday_period(d) == (on_holiday and name is not None), d


def test_unpublished_year_warns_and_override_silences_it(tmp_path):
    assert CAL.warnings_for([2025, 2026]) == ()
    msgs = CAL.warnings_for([2035])
    assert len(msgs) == 1 and "2035" in msgs[0] and "override" in msgs[0]
    with pytest.warns(CalendarWarning, match="2035"):
        CAL.warn_for([2035])
    f = tmp_path / "ov.csv"
    f.write_text("date,kind,name\n2035-02-10,workday,春节调休\n2035-02-08,holiday,春节\n", encoding="utf-8")
    cal = ChineseCalendar(read_overrides(f))
    assert cal.warnings_for([2035]) == ()
    assert cal.is_working_day(D(2035, 2, 10))  # a Saturday made a working day
    assert not cal.is_working_day(D(2035, 2, 8))  # a Thursday made a holiday


def test_override_changes_due_dates():
    cal = ChineseCalendar((HolidayOverride(D(2026, 3, 2), "holiday", "site closure"),))
    # Friday 2026-02-27 17:00 + 2 h: Fri 17-18, Sat 02-28 is a make-up day 09-10.
    assert due(T(2026, 2, 27, 17), 2, weekday_window(), CAL) == T(2026, 2, 28, 10)
    # Sat 2026-02-28 17:00 + 2 h skips the overridden Monday.
    assert due(T(2026, 2, 28, 17), 2, weekday_window(), cal) == T(2026, 3, 3, 10)


@pytest.mark.parametrize(
    "text, message",
    [
        ("date,kind\n2026-13-01,holiday\n", "row 2: date '2026-13-01'"),
        ("date,kind\n2026-03-02,vacation\n", "row 2: kind 'vacation'"),
        ("date,kind\n2026-03-02,holiday\n2026-03-02,workday\n", "row 3: date 2026-03-02 repeats row 2"),
        ("day,kind\n2026-03-02,holiday\n", "missing column 'date'"),
        ("", "empty"),
    ],
)
def test_override_file_errors(tmp_path, text, message):
    f = tmp_path / "ov.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PlannerInputError, match=message.replace("(", r"\(")):
        read_overrides(f)


# --- due dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, hours, expected",
    [
        (T(2026, 2, 13, 16), 4, T(2026, 2, 14, 11)),  # the example: make-up Saturday
        (T(2026, 2, 13, 17), 4, T(2026, 2, 14, 12)),
        (T(2026, 2, 14, 16), 4, T(2026, 2, 24, 11)),  # across the whole Spring Festival (02-15..02-23)
        (T(2026, 2, 16, 10), 1, T(2026, 2, 24, 10)),  # starting inside the holiday
        (T(2026, 2, 13, 16), 9 + 2 + 1, T(2026, 2, 24, 10)),  # 2 h Fri + 9 h Sat + 1 h
        (T(2026, 9, 30, 15), 8, T(2026, 10, 8, 14)),  # National Day 10-01..10-07
        (T(2026, 10, 9, 17), 2, T(2026, 10, 10, 10)),  # make-up Saturday 10-10
        (T(2026, 9, 18, 17), 2, T(2026, 9, 20, 10)),  # make-up Sunday 09-20
        (T(2026, 3, 2, 9), 9, T(2026, 3, 2, 18)),  # ends exactly at closing time
        (T(2026, 3, 2, 7), 0.5, T(2026, 3, 2, 9, 30)),  # starts before opening
        (T(2026, 3, 2, 20), 0, T(2026, 3, 2, 20)),  # zero hours: the start itself
        (T(2025, 12, 31, 17), 3, T(2026, 1, 4, 11)),  # New Year 01-01..01-03, make-up Sunday 01-04
    ],
)
def test_due_weekday(start, hours, expected):
    assert due(start, hours, weekday_window(), CAL) == expected


def test_due_makeup_days_closed():
    win = weekday_window(makeup_days_open=False)
    assert due(T(2026, 2, 13, 16), 4, win, CAL) == T(2026, 2, 24, 11)
    assert due(T(2026, 10, 9, 17), 2, win, CAL) == T(2026, 10, 12, 10)


def test_due_7x24_ignores_holidays():
    assert due(T(2026, 2, 16, 22), 4, window_7x24(), CAL) == T(2026, 2, 17, 2)
    assert due(T(2026, 9, 30, 15), 24 * 7, window_7x24(), CAL) == T(2026, 10, 7, 15)
    assert elapsed_working_hours(T(2026, 2, 14), T(2026, 2, 24), window_7x24(), CAL) == 240


def test_due_custom_window():
    win = custom_window({k: "08:30-20:00" for k in ("mon", "tue", "wed", "thu", "fri")} | {"sat": "10:00-16:00"})
    # Saturday 15:00 + 2 h: Sat 15-16, Sunday closed, Monday from 08:30.
    assert due(T(2026, 3, 7, 15), 2, win, CAL) == T(2026, 3, 9, 9, 30)
    # Friday 19:00 + 3 h: make-up Saturday 02-14 works Monday's hours 08:30-20:00.
    assert due(T(2026, 2, 13, 19), 3, win, CAL) == T(2026, 2, 14, 10, 30)
    # Saturday 02-21 is inside the Spring Festival run, so closed despite Saturday hours.
    assert due(T(2026, 2, 14, 19), 3, win, CAL) == T(2026, 2, 24, 10, 30)
    open_holidays = custom_window({"sat": "10:00-16:00"}, holidays_closed=False)
    assert due(T(2026, 2, 20, 12), 2, open_holidays, CAL) == T(2026, 2, 21, 12)


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(min_value=T(2025, 1, 1), max_value=T(2026, 12, 1)),
    hours=st.floats(min_value=0.01, max_value=60, allow_nan=False),
    kind=st.sampled_from(["weekday", "7x24", "custom"]),
)
def test_elapsed_is_the_inverse_of_due(start, hours, kind):
    win = {
        "weekday": weekday_window(),
        "7x24": window_7x24(),
        "custom": custom_window({"mon": "08:00-12:00", "wed": "13:30-22:00", "sat": "10:00-16:00"}),
    }[kind]
    end = due(start, hours, win, CAL)
    assert end >= start
    assert elapsed_working_hours(start, end, win, CAL) == pytest.approx(hours, abs=1e-6)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: due(T(2026, 3, 2), -1, weekday_window(), CAL), "working_hours"),
        (lambda: weekday_window("18:00", "09:00"), "closes before it opens"),
        (lambda: weekday_window("9am", "18:00"), "not a time"),
        (lambda: custom_window({"mon": "10:00-09:00"}), r"hours\.mon: window closes before it opens"),
        (lambda: custom_window({"mon": "closed"}), "closed every day"),
        (lambda: custom_window({"monday": "09:00-18:00"}), "unknown weekday 'monday'"),
    ],
)
def test_bad_windows_and_hours(call, message):
    with pytest.raises(PlannerInputError, match=message):
        call()
