"""A seeded generator of realistic contact-centre interval history (demo data and tests).

Arrivals are a doubly stochastic Poisson process, the standard model of call-centre arrivals
(Brown et al. 2005, "Statistical analysis of a telephone call center", JASA 100, §4; Ibrahim et al.
2016): each day's level is the base volume times a weekday factor times a gamma-distributed day
effect (mean 1, CV ``day_cv``); within the day, counts are Poisson around an intraday profile with a
morning and an afternoon peak. Chinese statutory holidays are quiet (or closed), make-up working
days are worked like a normal weekday. Handle time [s] is lognormal around an intraday pattern.

``pattern="7x24"`` keeps every interval (nights low); ``pattern="weekday"`` is open Mon-Fri
09:00-18:00 plus make-up days, and, like many ACD exports, omits the empty intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.daycalendar import DayCalendar, china_calendar

WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 0.98, 0.95, 0.55, 0.5])  # Mon..Sun
HOLIDAY_FACTOR = 0.35


def intraday_profile(interval_min: int, pattern: str = "7x24") -> np.ndarray:
    """Share of a day's contacts per interval: two peaks (10:30, 15:00), low nights; sums to 1."""
    hours = (np.arange(1440 // interval_min) + 0.5) * interval_min / 60
    shape = (
        0.02
        + np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2)
        + 0.8 * np.exp(-0.5 * ((hours - 15.0) / 2.0) ** 2)
        + 0.25 * np.exp(-0.5 * ((hours - 20.0) / 1.5) ** 2)
    )
    if pattern == "weekday":
        shape = np.where((hours > 9) & (hours < 18), shape, 0.0)
    else:
        shape = np.where((hours < 7) | (hours > 23), shape * 0.3, shape)
    return shape / shape.sum()


def synthetic_history(
    start: str = "2026-01-05",
    weeks: int = 10,
    interval_min: int = 30,
    daily_contacts: float = 2400.0,
    pattern: str = "7x24",
    day_cv: float = 0.08,
    with_aht: bool = True,
    channel: str = "voice",
    seed: int = 0,
    calendar: DayCalendar | None = None,
) -> pd.DataFrame:
    """History rows ``interval_start, channel, offered[, aht_s]`` (ISO strings), seeded.

    ``daily_contacts`` is a normal Monday-to-Friday mean [contacts/day]; ``pattern`` is ``7x24`` or
    ``weekday``. The default calendar is China's (holidays quiet at 35 %; closed for ``weekday``).
    """
    if pattern not in ("7x24", "weekday"):
        raise ValueError(f"pattern {pattern!r}: use '7x24' or 'weekday'")
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start).normalize()
    n_days = 7 * weeks
    dates = [(first + pd.Timedelta(days=i)).date() for i in range(n_days)]
    cal = calendar or china_calendar(range(first.year, dates[-1].year + 1))
    profile = intraday_profile(interval_min, pattern)
    per_day = len(profile)
    weekday_mean = WEEKDAY_FACTOR[:5].mean()
    rows_t, rows_y, rows_a = [], [], []
    for i, d in enumerate(dates):
        dow = d.weekday()
        factor = WEEKDAY_FACTOR[dow] / weekday_mean
        if cal.is_makeup_workday(d):
            factor = 1.0
        elif cal.is_holiday(d):
            factor = 0.0 if pattern == "weekday" else HOLIDAY_FACTOR * factor
        elif pattern == "weekday" and dow >= 5:
            factor = 0.0
        day_effect = rng.gamma(1 / day_cv**2, day_cv**2)
        lam = daily_contacts * factor * day_effect * profile
        counts = rng.poisson(lam)
        times = first + pd.Timedelta(days=i) + pd.to_timedelta(np.arange(per_day) * interval_min, unit="min")
        hours = np.arange(per_day) * interval_min / 60
        aht = 280 + 40 * np.sin((hours - 8) / 24 * 2 * np.pi) + (25 if dow == 0 else 0)
        aht = aht * rng.lognormal(0.0, 0.08, per_day)
        keep = counts > 0 if pattern == "weekday" else np.ones(per_day, dtype=bool)
        rows_t.append(times[keep])
        rows_y.append(counts[keep])
        rows_a.append(np.where(counts[keep] > 0, np.round(aht[keep], 1), np.nan))
    out = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex(np.concatenate(rows_t)).strftime("%Y-%m-%dT%H:%M"),
            "channel": channel,
            "offered": np.concatenate(rows_y).astype(int),
        }
    )
    if with_aht:
        out["aht_s"] = np.concatenate(rows_a)
    return out
