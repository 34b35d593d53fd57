"""The capacity plan of a plan whose weeks are not typical (issue 21): measured on a typical week.

Calendar facts (国办发明电〔2025〕7号, the State Council's 2026 notice): Mid-Autumn 25-27 September 2026 off
(Fri-Sun), National Day 1-7 October off, made up on Sun 20 September and Sat 10 October. Reference values are
worked out by hand in the comments, never from the code under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.calendar import ChineseCalendar
from planner.capacity_plan import (
    typical_day_sources,
    typical_week_forecast,
    typical_week_start,
)
from planner.domain import Forecast

CAL = ChineseCalendar()


def _days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def _forecast(days: list[date]) -> pd.DataFrame:
    """Two hourly intervals a day (09:00, 10:00) and two channels whose numbers name the day: voice offers
    100 x day-of-month + hour index (0 or 1), email 1000 + day-of-month; bands at 0.9 and 1.1 of it; voice's
    aht_s is 200 + day-of-month, missing (NaN) at 10:00 on 15 October."""
    rows = []
    for d in days:
        for k, hour in enumerate((9, 10)):
            t = datetime(d.year, d.month, d.day, hour)
            v = 100.0 * d.day + k
            aht = np.nan if (d == date(2026, 10, 15) and hour == 10) else 200.0 + d.day
            rows.append((t, "voice", v, 0.9 * v, 1.1 * v, aht))
            e = 1000.0 + d.day
            rows.append((t, "email", e, 0.9 * e, 1.1 * e, 600.0))
    fc = pd.DataFrame(rows, columns=["interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s"])
    return fc.sort_values(["channel", "interval_start"]).reset_index(drop=True)


def test_the_typical_week_leaves_out_holiday_make_up_and_nearby_days():
    # Mon 5 to Sun 25 October 2026. Left out: 5-7 Oct (holiday period), Sat 10 Oct (make-up day), Thu 8 and
    # Fri 9 Oct (1 and 2 days after the holiday period). Each weekday then has its own days away from holidays:
    # Mon 12, 19; Tue 13, 20; Wed 14, 21; Thu 15, 22; Fri 16, 23; Sat 17, 24; Sun 11, 18, 25 (Sun 11 is 4 days
    # after 7 Oct).
    days = _days(date(2026, 10, 5), 21)
    src = typical_day_sources(days, CAL)
    got = {s.weekday: (sorted(d.day for d in s.days), s.rule) for s in src}
    assert got == {0: ([12, 19], "weekday"), 1: ([13, 20], "weekday"), 2: ([14, 21], "weekday"),
                   3: ([15, 22], "weekday"), 4: ([16, 23], "weekday"), 5: ([17, 24], "weekday"),
                   6: ([11, 18, 25], "weekday")}
    fc = typical_week_forecast(Forecast(_forecast(days), 60.0), date(2026, 10, 26), src).frame
    assert list(fc.columns) == ["interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s"]
    assert len(fc) == 7 * 2 * 2
    v = fc[fc["channel"] == "voice"].set_index("interval_start")
    # Mon 26 Oct 09:00: mean of 1200 (12 Oct) and 1900 (19 Oct) = 1550; 10:00: 1551
    assert v.loc[pd.Timestamp("2026-10-26 09:00"), "offered"] == pytest.approx(1550.0)
    assert v.loc[pd.Timestamp("2026-10-26 10:00"), "offered"] == pytest.approx(1551.0)
    # Thu 29 Oct: 15 and 22 Oct (8 Oct left out): 09:00 (1500 + 2200) / 2 = 1850; its bands 1665 and 2035
    assert v.loc[pd.Timestamp("2026-10-29 09:00"), "offered"] == pytest.approx(1850.0)
    assert v.loc[pd.Timestamp("2026-10-29 09:00"), "offered_lo"] == pytest.approx(1665.0)
    assert v.loc[pd.Timestamp("2026-10-29 09:00"), "offered_hi"] == pytest.approx(2035.0)
    # aht_s at Thu 09:00: (215 + 222) / 2 = 218.5; at 10:00 the NaN of 15 Oct is left out: 222
    assert v.loc[pd.Timestamp("2026-10-29 09:00"), "aht_s"] == pytest.approx(218.5)
    assert v.loc[pd.Timestamp("2026-10-29 10:00"), "aht_s"] == pytest.approx(222.0)
    # Sat 31 Oct: 17 and 24 Oct (the make-up Sat 10 Oct left out): (1700 + 2400) / 2 = 2050
    assert v.loc[pd.Timestamp("2026-10-31 09:00"), "offered"] == pytest.approx(2050.0)
    # Sun 1 Nov 10:00: 11, 18, 25 Oct: (1101 + 1801 + 2501) / 3 = 1801
    assert v.loc[pd.Timestamp("2026-11-01 10:00"), "offered"] == pytest.approx(1801.0)
    e = fc[fc["channel"] == "email"].set_index("interval_start")
    # email's week: Mon..Sun (1015.5, 1016.5, 1017.5, 1018.5, 1019.5, 1020.5, 1018) x 2 intervals
    assert e["offered"].sum() == pytest.approx(2 * (1015.5 + 1016.5 + 1017.5 + 1018.5 + 1019.5 + 1020.5 + 1018))


def test_a_holiday_fortnight_falls_back_to_nearby_days_and_days_of_the_same_kind():
    # Mon 28 Sep to Sun 11 Oct 2026. Ordinary days: Mon 28, Tue 29, Wed 30 Sep (1 to 3 days after the
    # Mid-Autumn days off and before National Day: all within 2 days of one), Thu 8, Fri 9 Oct (after
    # National Day: near), Sun 11 Oct (4 days after: away). No ordinary Saturday (3 Oct off, 10 Oct make-up):
    # Saturday is a rest day like Sun 11 Oct.
    days = _days(date(2026, 9, 28), 14)
    src = {s.weekday: (tuple(s.days), s.rule) for s in typical_day_sources(days, CAL)}
    near = "weekday near a holiday"
    assert src == {0: ((date(2026, 9, 28),), near), 1: ((date(2026, 9, 29),), near),
                   2: ((date(2026, 9, 30),), near), 3: ((date(2026, 10, 8),), near),
                   4: ((date(2026, 10, 9),), near), 5: ((date(2026, 10, 11),), "kind"),
                   6: ((date(2026, 10, 11),), "weekday")}
    fc = typical_week_forecast(Forecast(_forecast(days), 60.0), date(2026, 10, 12), tuple(
        s for s in typical_day_sources(days, CAL))).frame
    v = fc[fc["channel"] == "voice"].set_index("interval_start")["offered"]
    # Sat 17 Oct takes Sun 11 Oct: 1100, 1101; Thu 15 Oct takes Thu 8 Oct: 800, 801
    assert v.loc[pd.Timestamp("2026-10-17 09:00")] == pytest.approx(1100.0)
    assert v.loc[pd.Timestamp("2026-10-15 10:00")] == pytest.approx(801.0)
    # a week of only holidays has no ordinary day to build from
    assert typical_day_sources(_days(date(2026, 10, 1), 7), CAL) == ()


def test_the_typical_week_is_the_first_ordinary_week_after_the_horizon():
    # after Mon 14 Sep 2026 (1 week): 21-27 Sep holds Mid-Autumn (25-27), 28 Sep-4 Oct and 5-11 Oct hold
    # National Day and the make-up Sat 10 Oct; 12-18 Oct is ordinary
    assert typical_week_start(date(2026, 9, 14), 1, CAL) == date(2026, 10, 12)
    assert typical_week_start(date(2026, 9, 28), 2, CAL) == date(2026, 10, 12)
    # 16-22 March 2026 is followed by an ordinary week
    assert typical_week_start(date(2026, 3, 16), 1, CAL) == date(2026, 3, 23)


# ------------------------------------------------------------------------------------------------
# on a plan (small: 7x24, voice only, hourly, a tenth of the sample volume)

SMALL = {
    "version": 2,
    "site": {"name": "typical week test"},
    "coverage": {"window": "7x24"},
    "staffing": {"shrinkage": 0.3, "interval_min": 60},
    "channels": {"voice": {"service_level": 0.8, "answer_s": 20, "sl_period": "day"}},
    "data": {"sample": True, "sample_weeks": 4, "sample_scale": 0.1},
    "forecast": {"method": "mean_4w", "backtest_weeks": 1},
    "horizon": {"weeks": 1, "start": date(2026, 3, 16)},
    "solver": {"deterministic_time": 0.5, "time_limit_s": 10},
    "check": {"replications": 2, "risk_replications": 20, "confidence_steps": []},
    "capacity": {"months": 12, "lead_time_months": 1, "class_size_min": 1},
}
MONTH_DAYS = 365.25 / 12


def _plan(start: date, weeks: int):
    from planner.pipeline import plan
    from planner.scenario import parse_scenario

    return plan(parse_scenario({**SMALL, "horizon": {"weeks": weeks, "start": start}}, source="small.toml"))


def test_an_ordinary_week_is_measured_on_its_own_plan_as_before():
    """16-22 March 2026 holds no holiday: the plan is measured on itself, as before issue 21."""
    from planner.capacity_plan import capacity_of, measured_efficiency, typical_week

    p = _plan(date(2026, 3, 16), 1)
    assert typical_week(p) == (None, [])
    cp = capacity_of(p)
    assert cp.efficiency == measured_efficiency(p)
    assert cp.head_fen_month == p.cost.fte_cost_month_fen()
    assert cp.headcount == p.cost.fte
    # the base: the week's calls x (365.25 / 12) / 7 (no season given)
    week = p.forecast.of("voice")["offered"].sum()
    assert cp.base_volume["voice"] == pytest.approx(week * MONTH_DAYS / 7, rel=1e-12)
    assert not any("typical week" in n for n in cp.notes)


def test_a_national_day_week_is_measured_on_its_typical_week():
    from planner.capacity_plan import capacity_of, measured_efficiency, typical_week

    # Mon 5 - Sun 11 Oct 2026: 5-7 Oct off, Sat 10 Oct a make-up day; Thu 8 and Fri 9 Oct are 1 and 2 days
    # after the days off, Sun 11 Oct 4 days
    # the plan forecasts the typical week with its own model; a given forecast has none, and the typical
    # week is then built from the plan's ordinary days (the path measured here)
    own = _plan(date(2026, 10, 5), 1)
    assert own.typical_forecast.frame["interval_start"].min() == pd.Timestamp("2026-10-12 00:00")
    typ_own, notes_own = typical_week(own)
    assert typ_own.forecast is own.typical_forecast and "the plan's own model" in " ".join(notes_own)
    p = replace(own, typical_forecast=None)
    typ, notes = typical_week(p)
    assert typ.start == date(2026, 10, 12) and typ.weeks == 1 and typ.rosters
    assert typ.scenario.horizon.start == date(2026, 10, 12)
    # its forecast: Thu and Fri from 8 and 9 Oct; Mon-Wed, with no ordinary day of their own, from the working
    # days (8 and 9 Oct, both near a holiday); Sat and Sun from Sun 11 Oct. The week's calls by hand:
    fc = p.forecast.of("voice")
    daily = fc.groupby(fc["interval_start"].dt.date)["offered"].sum()
    d8, d9, d11 = daily[date(2026, 10, 8)], daily[date(2026, 10, 9)], daily[date(2026, 10, 11)]
    week = 3 * (d8 + d9) / 2 + d8 + d9 + 2 * d11
    tf = typ.forecast.of("voice")
    assert tf["offered"].sum() == pytest.approx(week, rel=1e-9)
    assert tf["interval_start"].min() == pd.Timestamp("2026-10-12 00:00")
    assert tf["interval_start"].max() == pd.Timestamp("2026-10-18 23:00")
    cp = capacity_of(p)
    assert cp.efficiency == pytest.approx(min(1.0, measured_efficiency(typ)))
    assert cp.head_fen_month == pytest.approx(typ.cost.fte_cost_month_fen())
    assert cp.headcount == pytest.approx(typ.cost.fte)
    assert cp.base_volume["voice"] == pytest.approx(week * MONTH_DAYS / 7, rel=1e-9)
    text = " ".join(cp.notes)
    assert "not a typical week" in text and "typical week of 2026-10-12 to 2026-10-18" in text
    assert "Sat from Sun 2026-10-11" in text and "Mon from Thu 2026-10-08, Fri 2026-10-09" in text
    assert any("5 weekday(s)" in n and "near a holiday" in n for n in notes)


def _hires_and_cost(path, start: date, weeks: int, term_start: date) -> tuple[int, float]:
    from planner.capacity_plan import capacity_of
    from planner.domain import CapacityTerms
    from planner.pipeline import plan
    from planner.scenario import load_scenario

    s = load_scenario(path)
    s = replace(s, horizon=replace(s.horizon, start=start, weeks=weeks),
                capacity=replace(s.capacity or CapacityTerms(), start=term_start))
    cp = capacity_of(plan(s))
    return sum(cp.hiring.hires), cp.term_cost_cny


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["capacity_24m.toml", "contract_weekday.toml"])
def test_a_holiday_fortnight_plans_the_term_within_10_percent_of_an_ordinary_week(name):
    """The acceptance of issue 21: hires and term cost of the same contract term (24 months from October
    2026) planned from the National Day fortnight (Mon 28 Sep 2026, 2 weeks) within 10 % of those planned
    from an ordinary week (Mon 16 Mar 2026)."""
    path = ROOT / "scenarios" / name
    term = date(2026, 10, 1)
    hires0, cost0 = _hires_and_cost(path, date(2026, 3, 16), 1, term)
    hires1, cost1 = _hires_and_cost(path, date(2026, 9, 28), 2, term)
    assert abs(hires1 - hires0) <= 0.10 * hires0
    assert abs(cost1 - cost0) <= 0.10 * cost0
