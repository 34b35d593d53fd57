"""forecasts.models: each model on a series with a known answer; calendar; intervals; handle time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import needs

from forecasts.daycalendar import NO_HOLIDAYS, CalendarError, DayCalendar, china_calendar, load_calendar
from forecasts.io import Series
from forecasts.models import (
    DailyProfile,
    HoltWinters,
    MeanOfWeeks,
    MSTLModel,
    SeasonalNaive,
    day_of_month_factors,
    forecast_aht,
    get_model,
)

PER_DAY = 48
SHARE = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3])  # Mon..Sun


def profile() -> np.ndarray:
    h = (np.arange(PER_DAY) + 0.5) / 2
    p = 0.05 + np.exp(-0.5 * ((h - 11) / 2) ** 2) + 0.7 * np.exp(-0.5 * ((h - 15) / 2.5) ** 2)
    return p / p.sum()


def series(values: np.ndarray, start: str = "2026-03-02", interval_min: int = 30, **kw) -> Series:
    return Series("voice", None, pd.Timestamp(start), interval_min, np.asarray(values, float), **kw)


def structured(weeks: int, start: str = "2026-03-02", level: float = 1000.0, day_factor=None) -> np.ndarray:
    """level * weekday share * (day factor) * intraday profile, exact (no noise)."""
    first = pd.Timestamp(start)
    rows = []
    for i in range(7 * weeks):
        d = (first + pd.Timedelta(days=i)).date()
        f = day_factor(d) if day_factor else 1.0
        rows.append(level * SHARE[d.weekday()] * f * profile())
    return np.concatenate(rows)


def test_seasonal_naive_repeats_last_week():
    rng = np.random.default_rng(1)
    y = rng.poisson(20, 3 * 7 * PER_DAY).astype(float)
    fc = SeasonalNaive(clean=False).fit(series(y)).predict(14)
    last = y[-7 * PER_DAY :]
    np.testing.assert_array_equal(fc, np.concatenate([last, last]))


def test_mean_of_weeks_is_the_slotwise_mean():
    rng = np.random.default_rng(2)
    y = rng.poisson(30, 6 * 7 * PER_DAY).astype(float)
    fc = MeanOfWeeks(4, clean=False).fit(series(y)).predict(7)
    oracle = y[-4 * 7 * PER_DAY :].reshape(4, -1).mean(axis=0)
    np.testing.assert_allclose(fc, oracle, rtol=1e-12)


def test_daily_profile_reproduces_a_level_share_profile_series_exactly():
    y = structured(8)
    for model in (DailyProfile(profile_smooth=0), DailyProfile(level_weeks=4, profile_smooth=0)):
        fc = model.fit(series(y), NO_HOLIDAYS).predict(7)
        np.testing.assert_allclose(fc, y[-7 * PER_DAY :], rtol=1e-9)
    # the default light smoothing moves a smooth profile by little, and keeps the daily totals exact
    fc = DailyProfile().fit(series(y), NO_HOLIDAYS).predict(7)
    assert np.abs(fc - y[-7 * PER_DAY :]).sum() / y[-7 * PER_DAY :].sum() < 0.01
    np.testing.assert_allclose(fc.reshape(7, -1).sum(1), y[-7 * PER_DAY :].reshape(7, -1).sum(1), rtol=1e-9)


def test_day_of_month_effect_is_learned_and_used():
    def payday(d: dt.date) -> float:
        return 1.4 if d.day <= 3 else 1.0

    y = structured(26, start="2025-10-06", day_factor=payday)
    hist, future = y[: 25 * 7 * PER_DAY], y[25 * 7 * PER_DAY :]
    s = series(hist, start="2025-10-06")
    dates = [(s.start + pd.Timedelta(days=i)).date() for i in range(s.n_days)]
    f = day_of_month_factors(hist.reshape(-1, PER_DAY).sum(1), dates, np.ones(s.n_days, bool))
    # days 2 of Nov..Mar: 5 ratios of 1.4 -> 1 + 5/(5+5)*0.4 = 1.2; days 1 and 3 the same, so the
    # [1,2,1]/4 smoothing keeps 1.2; day 20 has ratio 1 -> 1
    assert f[2] == pytest.approx(1.2) and f[20] == pytest.approx(1.0)
    with_dom = DailyProfile(day_of_month=True).fit(s, NO_HOLIDAYS).predict(7)
    without = DailyProfile().fit(s, NO_HOLIDAYS).predict(7)
    # the forecast week (Mon 2026-03-30 .. Sun 04-05) holds 1-3 April: only the dom model sees them.
    # The last two weeks hold no day 1-3, so the level is exact and day totals are 1000*share*f[day].
    week = [dt.date(2026, 3, 30) + dt.timedelta(days=i) for i in range(7)]
    expect = [1000 * SHARE[d.weekday()] * f[d.day] for d in week]
    np.testing.assert_allclose(with_dom.reshape(7, -1).sum(1), expect, rtol=1e-9)
    np.testing.assert_allclose(without.reshape(7, -1).sum(1), 1000 * SHARE, rtol=1e-9)
    err = lambda fc: np.abs(fc.reshape(7, -1).sum(1) - future.reshape(7, -1).sum(1)).sum()  # noqa: E731
    assert err(with_dom) < 0.7 * err(without)


def test_holt_winters_and_mstl_recover_a_noise_free_seasonal_pattern():
    t = np.arange(8 * 7 * PER_DAY)
    y = 200 + 80 * np.sin(2 * np.pi * t / PER_DAY) + 40 * np.sin(2 * np.pi * t / (7 * PER_DAY))
    truth = (
        200
        + 80 * np.sin(2 * np.pi * (t[-1] + 1 + np.arange(7 * PER_DAY)) / PER_DAY)
        + 40 * np.sin(2 * np.pi * (t[-1] + 1 + np.arange(7 * PER_DAY)) / (7 * PER_DAY))
    )
    for model in (HoltWinters(), MSTLModel("ets"), MSTLModel("arima")):
        fc = model.fit(series(y), NO_HOLIDAYS).predict(7)
        wape = np.abs(fc - truth).sum() / truth.sum()
        assert wape < 0.02, (model.name, wape)


def test_closed_intervals_stay_closed():
    y = structured(6)
    y.reshape(-1, PER_DAY)[:, :16] = 0  # closed 00:00-08:00 every day
    y.reshape(-1, PER_DAY)[:, 16:] += 5
    for name in ("holt_winters", "mstl_ets", "daily_profile", "mean_4w"):
        fc = get_model(name).fit(series(y), NO_HOLIDAYS).predict(7).reshape(7, PER_DAY)
        assert (fc[:, :16] == 0).all(), name


def test_chinese_holiday_gets_the_learned_ratio_and_makeup_day_a_weekday():
    cal = china_calendar(range(2026, 2027))

    def kind(d: dt.date) -> float:
        return 0.35 if cal.is_holiday(d) else 1.0

    # history 2026-03-30 .. 2026-06-14 holds Qingming (Apr 4-6) and May Day (May 1-5) plus make-up May 9
    y = structured(11, start="2026-03-30", day_factor=kind)
    s = series(y, start="2026-03-30")
    for name in ("daily_profile", "mean_4w", "seasonal_naive"):
        fc = get_model(name).fit(s, cal).predict(7).reshape(7, PER_DAY)  # 2026-06-15 .. 06-21
        friday = 1000 * SHARE[4]
        assert fc[4].sum() == pytest.approx(0.35 * friday, rel=1e-6), name  # Dragon Boat, Fri 19 June
        assert fc[3].sum() == pytest.approx(1000 * SHARE[3], rel=1e-6), name
    # a make-up Sunday (2026-09-20) is forecast as the mean Monday-Friday day
    y2 = structured(5, start="2026-08-10")
    fc2 = get_model("daily_profile").fit(series(y2, start="2026-08-10"), cal).predict(7).reshape(7, PER_DAY)
    assert fc2[6].sum() == pytest.approx(1000 * SHARE[:5].mean(), rel=1e-9)


def test_holiday_without_history_is_like_the_quietest_day():
    cal = china_calendar(range(2026, 2027))
    # weekday-only centre, history 5 Jan - 8 Feb 2026 (no holiday in it); forecast 9-22 Feb holds
    # the Spring Festival days off (16-20 Feb) and the make-up Saturday 14 Feb
    weekday_only = np.r_[SHARE[:5], 0.0, 0.0]
    first = pd.Timestamp("2026-01-05")
    y = np.concatenate(
        [1000 * weekday_only[(first + pd.Timedelta(days=i)).weekday()] * profile() for i in range(35)]
    )
    fc = get_model("daily_profile").fit(series(y, start="2026-01-05"), cal).predict(14).reshape(14, PER_DAY)
    totals = fc.sum(axis=1)
    assert totals[7:12].tolist() == [0.0] * 5  # closed on the days off, as at weekends
    assert totals[5] == pytest.approx(1000 * SHARE[:5].mean())  # make-up Saturday: a mean weekday
    assert totals[0] == pytest.approx(1000 * SHARE[0]) and totals[6] == 0.0
    # a one-day forecast of the make-up Saturday (history to Fri 13 Feb) still finds the weekday level
    y40 = np.concatenate(
        [1000 * weekday_only[(first + pd.Timedelta(days=i)).weekday()] * profile() for i in range(40)]
    )
    one = get_model("daily_profile").fit(series(y40, start="2026-01-05"), cal).predict(1)
    assert one.sum() == pytest.approx(1000 * SHARE[:5].mean())
    # a 7x24 centre with no past holiday: a holiday is forecast like its quietest day, Sunday
    y7 = structured(5, start="2026-01-05")
    fc7 = get_model("daily_profile").fit(series(y7, start="2026-01-05"), cal).predict(14).reshape(14, PER_DAY)
    assert fc7[9].sum() == pytest.approx(1000 * SHARE[6])


def test_china_calendar_matches_chinesecalendar_package():
    cc = needs("chinese_calendar")
    cal = china_calendar(range(2020, 2027))
    d = dt.date(2020, 1, 1)
    mismatches = []
    while d <= dt.date(2026, 12, 31):
        mine = (d.weekday() < 5 and not cal.is_holiday(d)) or cal.is_makeup_workday(d)
        if mine != cc.is_workday(d):
            mismatches.append(d)
        d += dt.timedelta(days=1)
    assert mismatches == []
    assert cal.is_makeup_workday(dt.date(2026, 2, 14)) and cal.is_holiday(dt.date(2026, 10, 1))


def test_user_holiday_file_and_bad_specs(tmp_path):
    f = tmp_path / "il.csv"
    f.write_text("date,kind\n1999-09-21,holiday\n1999-09-24,workday\n", encoding="utf-8")
    cal = load_calendar(str(f), range(1999, 2000))
    assert cal.holidays == frozenset({dt.date(1999, 9, 21)}) and cal.workdays == frozenset(
        {dt.date(1999, 9, 24)}
    )
    f.write_text("date\n1999-09-21\n21/09/1999\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="row 3"):
        load_calendar(str(f), range(1999, 2000))
    with pytest.raises(CalendarError, match="not found"):
        load_calendar(str(tmp_path / "none.csv"), range(1999, 2000))
    with pytest.raises(CalendarError):
        load_calendar("Narnia", range(1999, 2000))
    assert load_calendar("none", range(2026, 2027)) is NO_HOLIDAYS
    assert dt.date(1999, 9, 20) in load_calendar("IL", range(1999, 2000)).holidays  # Yom Kippur 5760


def test_aht_forecast_is_volume_weighted():
    n = 2 * 7 * PER_DAY
    aht = np.r_[np.full(n // 2, 200.0), np.full(n // 2, 400.0)]
    weight = np.r_[np.full(n // 2, 1.0), np.full(n // 2, 3.0)]
    s = series(np.ones(n), aht_s=aht, aht_weight=weight)
    fc = forecast_aht(s, 7)
    np.testing.assert_allclose(fc, (200 * 1 + 400 * 3) / 4)  # an unweighted mean would say 300
    assert forecast_aht(series(np.ones(n)), 7) is None


def test_models_continue_an_exactly_weekly_series_and_refuse_short_history():
    y = structured(4)  # noise-free and exactly periodic with period one week: next week = last week
    for name in ("seasonal_naive", "mean_4w", "holt_winters"):
        fc = get_model(name).fit(series(y)).predict(7)
        np.testing.assert_allclose(fc, y[-7 * PER_DAY :], rtol=1e-6, atol=1e-9, err_msg=name)
    with pytest.raises(ValueError, match="at least 3 week"):
        HoltWinters().fit(series(structured(2)))
    with pytest.raises(ValueError, match="method 'prophet'"):
        get_model("prophet")
    assert isinstance(DayCalendar("x", frozenset(), frozenset()).is_holiday(dt.date(2026, 1, 1)), bool)
