"""Forecast models behind one shape: ``model.fit(series, calendar)`` -> ``Fit``; ``Fit.predict(n_days)``.

Every model forecasts the mean number of contacts per interval for whole days after the history.
Prediction bands are added by ``forecasts.uncertainty`` from the model's own rolling-origin
backtest errors (``forecasts.backtest``).

Models (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., 2021, ch. 5, 8, 12):

- ``seasonal_naive``: the same interval one week earlier (FPP3 §5.2).
- ``mean_Kw``: the mean of the same interval over the last K weeks (a seasonal mean).
- ``holt_winters``: additive Holt-Winters with a damped trend and a weekly season (FPP3 §8.3),
  ``statsmodels.tsa.holtwinters.ExponentialSmoothing``.
- ``mstl_ets`` / ``mstl_arima``: MSTL decomposition with daily and weekly periods (Bandara, Hyndman &
  Bergmeir 2021, ``statsmodels.tsa.seasonal.MSTL``); seasonal parts repeat, the trend plus remainder is
  forecast by ETS(A,Ad,N) or ARIMA(1,0,1) (FPP3 §12.1 "STL forecasting").
- ``daily_profile`` / ``daily_profile_dom``: a daily total times an intraday profile, the classic
  "top-down" contact-centre method (Gans, Koole & Mandelbaum 2003, §4.1; Ibrahim et al. 2016, §3.2).
  The daily total is a recent weekly level times a robust weekday share (and, for ``_dom``, a shrunk
  day-of-month factor: billing and salary cycles); the profile per weekday pools 12 weeks of
  normalised days with exponential decay.

- ``day_profile_shrunk``: a day total from a smoothed weekly level times a robust weekday share,
  times a weekday-by-interval profile shrunk toward the pooled profile of similar weekdays with an
  empirical-Bayes weight (Weinberg, Brown & Stroud 2007, JASA 102; Ibrahim, Ye, L'Ecuyer & Shen
  2016, IJF 32, §3; James-Stein shrinkage as in Efron & Morris 1975, JASA 70).
- ``combo``: the simple mean of the forecasts of a few diverse members (mean_4w, day_profile_shrunk,
  daily_profile, holt_winters); combinations are robust (Makridakis et al. 2020, M4, IJF 36;
  FPP3 §13.4).

Calendar effects (all models) are checked against the data. A past calendar holiday whose total was
normal (at least ``NORMAL_HOLIDAY_FRACTION`` of the median same-weekday day within three weeks) is
used as a normal day, with a note. Other past holidays, make-up working days and abnormally low days
are replaced by same-weekday values before fitting the seasonal models and are left out of levels,
shares and profiles. A future holiday gets the model's day total times the holiday ratio seen in the
history (median of past holidays against their weekday, normal ones included, so if past holidays
mostly behaved normally future ones are forecast as normal days) and the pooled holiday profile;
with no past holiday in the history it behaves like the quietest day of the week (closed if the
centre closes at weekends). A make-up working day gets the mean Monday-Friday day times the ratio
past make-up days showed against it (0, closed, if they had almost no traffic; 1 if the history has
none).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from forecasts.daycalendar import NO_HOLIDAYS, DayCalendar
from forecasts.io import Series

LOW_DAY_FRACTION = 0.6  # a day below 60 % of its weekday's median is treated as abnormal (outage, holiday)
# A calendar holiday with at least this fraction of its weekday's nearby median was a normal day. The
# same-weekday day-to-day spread of contact-centre totals is typically 10-15 % (Brown et al. 2005, §4.3),
# so 0.8 is about two such SDs below normal: lower is a real holiday effect, not noise.
NORMAL_HOLIDAY_FRACTION = 0.8
MAKEUP_CLOSED_FRACTION = 0.1  # a make-up day under 10 % of a usual weekday had (almost) no traffic


# ---------------------------------------------------------------- day structure


def day_dates(start: pd.Timestamp, n_days: int) -> list[date]:
    """Calendar dates of ``n_days`` whole days from ``start``."""
    return [(start + pd.Timedelta(days=i)).date() for i in range(n_days)]


def day_kinds(dates: list[date], calendar: DayCalendar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekday (Mon=0), holiday mask and make-up working-day mask for ``dates``."""
    dow = np.array([d.weekday() for d in dates], dtype=int)
    hol = np.array([calendar.is_holiday(d) for d in dates], dtype=bool)
    mk = np.array([calendar.is_makeup_workday(d) for d in dates], dtype=bool)
    return dow, hol, mk


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    tot = m.sum(axis=1, keepdims=True)
    return np.divide(m, tot, out=np.zeros_like(m, dtype=float), where=tot > 0)


def _smooth_profile(p: np.ndarray, weight: float) -> np.ndarray:
    """Light [w, 1-2w, w] smoothing across neighbouring intervals, then renormalise."""
    if weight <= 0 or p.shape[-1] < 3:
        return p
    padded = np.concatenate([p[..., :1], p, p[..., -1:]], axis=-1)
    out = weight * padded[..., :-2] + (1 - 2 * weight) * padded[..., 1:-1] + weight * padded[..., 2:]
    out = np.where(p > 0, out, 0.0)  # keep closed intervals closed
    return _normalise_rows(out.reshape(-1, p.shape[-1])).reshape(p.shape)


@dataclass(frozen=True)
class DayShape:
    """What the history says about days: weekday shares, intraday profiles, holiday behaviour.

    ``usable[d]`` is False for holidays, make-up days and abnormally low days of the history (a
    calendar holiday whose traffic was normal stays usable). ``notes`` says what the calendar got wrong.
    """

    per_day: int
    usable: np.ndarray
    share: np.ndarray  # (7,) weekday shares of a normal week, sum 1 (or all 0 when no volume)
    profile: np.ndarray  # (7, per_day) intraday profile per weekday, rows sum to 1 (or 0)
    holiday_ratio: float  # holiday day total / the same weekday's normal total (NaN: no past holiday)
    holiday_profile: np.ndarray  # (per_day,)
    open_slots: np.ndarray  # (7, per_day) intervals with any contact in the profile window
    makeup_ratio: float = float("nan")  # make-up day total / the mean Monday-Friday day (NaN: none seen)
    notes: tuple[str, ...] = ()


def _same_weekday_ref(tot: np.ndarray, ok: np.ndarray, i: int, weeks: int = 3) -> float:
    """Median total of the ``ok`` days on the same weekday within ``weeks`` weeks of day ``i`` (NaN if none)."""
    near = [j for j in range(i - 7 * weeks, i + 7 * weeks + 1, 7) if 0 <= j < len(tot) and j != i and ok[j]]
    return float(np.median(tot[near])) if near else float("nan")


def learn_day_shape(
    days: np.ndarray,
    dates: list[date],
    calendar: DayCalendar,
    weeks: int = 12,
    decay: float = 0.9,
    smooth: float = 0.1,
) -> DayShape:
    """Robust weekday shares and decayed, pooled intraday profiles from ``days`` (n_days, per_day).

    Calendar days are checked against the data: a past holiday whose total is at least
    ``NORMAL_HOLIDAY_FRACTION`` of the median same-weekday day within three weeks was a normal day
    and is used as one (with a note); past make-up working days give ``makeup_ratio`` (their total
    against the median Monday-Friday day within two weeks), 0 when they had almost no traffic.
    """
    n_days, per_day = days.shape
    dow, hol, mk = day_kinds(dates, calendar)
    tot = days.sum(axis=1)
    notes: list[str] = []
    plain = ~hol & ~mk
    normal_hol = np.zeros(n_days, dtype=bool)
    for i in np.flatnonzero(hol):
        ref = _same_weekday_ref(tot, plain, i)
        if np.isfinite(ref) and ref > 0 and tot[i] >= NORMAL_HOLIDAY_FRACTION * ref:
            normal_hol[i] = True
            notes.append(
                f"{dates[i].isoformat()} is a holiday in calendar {calendar.name} but its traffic was normal "
                f"({tot[i]:.0f} contacts vs {ref:.0f} on usual {dates[i].strftime('%A')}s); "
                "treated as a normal day"
            )
    usable = plain | normal_hol
    window = np.arange(n_days) >= n_days - 7 * weeks
    share = np.zeros(7)
    for k in range(7):
        sel = usable & window & (dow == k)
        if sel.any():
            med = np.median(tot[sel])
            usable &= ~((dow == k) & (tot < LOW_DAY_FRACTION * med) & window)
            share[k] = np.median(tot[usable & window & (dow == k)]) if med > 0 else 0.0
    # abnormal days outside the window, judged against their neighbours (for holiday learning)
    for i in np.flatnonzero(~window & usable):
        near = [j for j in range(i - 21, i + 22, 7) if 0 <= j < n_days and j != i and usable[j]]
        if near and tot[i] < LOW_DAY_FRACTION * np.median(tot[near]):
            usable[i] = False
    share = share / share.sum() if share.sum() > 0 else share

    age_weeks = (n_days - 1 - np.arange(n_days)) // 7
    w = np.where(usable & window & (tot > 0), decay**age_weeks, 0.0)
    norm = _normalise_rows(days)
    profile = np.zeros((7, per_day))
    open_slots = np.zeros((7, per_day), dtype=bool)
    for k in range(7):
        sel = dow == k
        if w[sel].sum() > 0:
            profile[k] = (norm[sel] * w[sel, None]).sum(axis=0) / w[sel].sum()
        open_slots[k] = (days[sel & window] > 0).any(axis=0)
    profile = _smooth_profile(profile, smooth)

    ratios, hprofiles = [], []
    for i in np.flatnonzero(hol):
        near = [j for j in range(i - 21, i + 22, 7) if 0 <= j < n_days and j != i and usable[j]]
        if near:
            ref = np.median(tot[near])
            if ref > 0:
                ratios.append(tot[i] / ref)
                if tot[i] > 0 and not normal_hol[i]:
                    hprofiles.append(norm[i])
    quiet = int(np.argmin(np.where(share > 0, share, np.inf))) if share.any() else 6
    if ratios:
        holiday_ratio = float(np.median(ratios))
        holiday_profile = np.mean(hprofiles, axis=0) if hprofiles else profile[quiet]
    else:
        holiday_ratio = float("nan")  # no past holiday: behave like the quietest weekday
        holiday_profile = profile[quiet]

    weekday_ok = usable & (dow < 5)
    mk_ratios = []
    for i in np.flatnonzero(mk):
        near = [j for j in range(max(0, i - 14), min(n_days, i + 15)) if weekday_ok[j]]
        ref = float(np.median(tot[near])) if near else 0.0
        if ref > 0:
            r = tot[i] / ref
            mk_ratios.append(r)
            if r < MAKEUP_CLOSED_FRACTION:
                notes.append(
                    f"make-up workday {dates[i].isoformat()} had no traffic ({tot[i]:.0f} contacts vs "
                    f"{ref:.0f} on a usual weekday); make-up days are forecast closed"
                )
    makeup_ratio = float("nan")
    if mk_ratios:
        makeup_ratio = float(np.median(mk_ratios))
        if makeup_ratio < MAKEUP_CLOSED_FRACTION:
            makeup_ratio = 0.0
    return DayShape(
        per_day, usable, share, profile, holiday_ratio, holiday_profile, open_slots, makeup_ratio, tuple(notes)
    )


def apply_calendar(mean_days: np.ndarray, future: list[date], calendar: DayCalendar, shape: DayShape) -> np.ndarray:
    """Reshape forecast days that are holidays or make-up working days (see the module docstring)."""
    if calendar is NO_HOLIDAYS:
        return mean_days
    out = mean_days.copy()
    dow, hol, mk = day_kinds(future, calendar)
    if np.isfinite(shape.holiday_ratio) and shape.holiday_ratio >= NORMAL_HOLIDAY_FRACTION:
        hol = np.zeros_like(hol)  # past holidays were normal days: so are future ones
    weekday_share = shape.share[:5].mean()
    weekday_profile = _normalise_rows(shape.profile[:5].sum(axis=0, keepdims=True))[0]
    quiet_share = shape.share.min()  # no past holiday: like the quietest day of the week (0 if closed)
    makeup = shape.makeup_ratio if np.isfinite(shape.makeup_ratio) else 1.0
    for i in np.flatnonzero(hol | mk):
        k = dow[i]
        normal_total = out[i].sum()
        if shape.share[k] > 0:
            base = normal_total / shape.share[k]  # the week's level implied by this day's forecast
        else:  # a closed weekday: take the level from the other forecast days, else nothing
            others = [j for j in range(len(future)) if shape.share[dow[j]] > 0 and not hol[j] and not mk[j]]
            base = np.mean([out[j].sum() / shape.share[dow[j]] for j in others]) if others else 0.0
        if hol[i]:
            ratio = shape.holiday_ratio
            total = base * shape.share[k] * ratio if np.isfinite(ratio) else base * quiet_share
            out[i] = total * shape.holiday_profile
        else:
            out[i] = base * weekday_share * makeup * weekday_profile
    return out


def clean_days(days: np.ndarray, dows: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Replace unusable days by the mean of the nearest usable same-weekday days (up to 2 each side)."""
    out = days.astype(float).copy()
    n = len(days)
    for i in np.flatnonzero(~usable):
        near = [j for j in range(i - 14, i + 15, 7) if 0 <= j < n and j != i and usable[j]]
        if not near:
            near = [j for j in range(n) if dows[j] == dows[i] and usable[j]][-2:]
        if near:
            out[i] = days[near].mean(axis=0)
    return out


# ---------------------------------------------------------------- the fit/predict shape


@dataclass(frozen=True)
class Fit:
    """A fitted model: ``predict(n_days)`` gives the mean per interval for the days after the history."""

    model: str
    start: pd.Timestamp  # first forecast instant (midnight after the history)
    interval_min: int
    calendar: DayCalendar
    shape: DayShape
    _predict_days: object = field(repr=False)  # callable: n_days -> (n_days, per_day)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the history said against the calendar (normal holidays, closed make-up days)."""
        return self.shape.notes

    def predict(self, n_days: int) -> np.ndarray:
        """Mean contacts per interval for ``n_days`` whole days (non-negative)."""
        n = max(n_days, 21)  # 3 weeks at least, so a calendar day can borrow the level of normal days
        raw = np.asarray(self._predict_days(n), dtype=float).reshape(n, self.shape.per_day)
        raw = np.clip(np.nan_to_num(raw, nan=0.0, posinf=0.0), 0.0, None)
        future = day_dates(self.start, n)
        dow = np.array([d.weekday() for d in future])
        raw = np.where(self.shape.open_slots[dow], raw, 0.0)  # learned opening pattern
        return apply_calendar(raw, future, self.calendar, self.shape)[:n_days].ravel()


def _prepare(series: Series, calendar: DayCalendar, min_weeks: int, name: str, smooth: float = 0.1):
    per_day = series.per_day
    n_days = series.n_days
    if n_days < 7 * min_weeks:
        raise ValueError(f"{name}: needs at least {min_weeks} week(s) of history, have {n_days} day(s)")
    days = series.offered[: n_days * per_day].reshape(n_days, per_day).astype(float)
    dates = day_dates(series.start, n_days)
    shape = learn_day_shape(days, dates, calendar, smooth=smooth)
    dow = np.array([d.weekday() for d in dates])
    return days, dates, dow, shape


def _future_weeks(last_week: np.ndarray, n_days: int, n_hist_days: int) -> np.ndarray:
    """Repeat a (7, per_day) block aligned to the end of the history for ``n_days`` days."""
    reps = -(-n_days // 7)
    return np.tile(last_week, (reps, 1))[:n_days]


@dataclass(frozen=True)
class SeasonalNaive:
    """The same interval one week earlier (FPP3 §5.2, seasonal naive with m = one week)."""

    clean: bool = True
    name: str = "seasonal_naive"
    min_weeks: int = 1

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        days, _dates, dow, shape = _prepare(series, calendar, self.min_weeks, self.name)
        if self.clean:
            days = clean_days(days, dow, shape.usable)
        last = days[-7:]
        return Fit(
            self.name,
            series.end,
            series.interval_min,
            calendar,
            shape,
            lambda n: _future_weeks(last, n, len(days)),
        )


@dataclass(frozen=True)
class MeanOfWeeks:
    """Mean of the same interval over the last ``weeks`` weeks (a seasonal mean)."""

    weeks: int = 4
    clean: bool = True
    min_weeks: int = 1

    @property
    def name(self) -> str:
        return f"mean_{self.weeks}w" + ("" if self.clean else "_plain")

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        days, _dates, dow, shape = _prepare(series, calendar, self.min_weeks, self.name)
        if self.clean:
            days = clean_days(days, dow, shape.usable)
        k = min(self.weeks, len(days) // 7)
        block = days[-7 * k :].reshape(k, 7, -1).mean(axis=0)
        return Fit(
            self.name,
            series.end,
            series.interval_min,
            calendar,
            shape,
            lambda n: _future_weeks(block, n, len(days)),
        )


@dataclass(frozen=True)
class HoltWinters:
    """Additive Holt-Winters, damped trend, weekly season, on the last ``weeks`` weeks (FPP3 §8.3)."""

    weeks: int = 8
    name: str = "holt_winters"
    min_weeks: int = 3

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        days, _dates, dow, shape = _prepare(series, calendar, self.min_weeks, self.name)
        days = clean_days(days, dow, shape.usable)
        y = days[-7 * min(self.weeks, len(days) // 7) :].ravel()
        period = 7 * series.per_day
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ExponentialSmoothing(
                y,
                trend="add",
                damped_trend=True,
                seasonal="add",
                seasonal_periods=period,
                initialization_method="heuristic",
            ).fit(optimized=True, use_brute=False)
        return Fit(
            self.name,
            series.end,
            series.interval_min,
            calendar,
            shape,
            lambda n: res.forecast(n * series.per_day),
        )


@dataclass(frozen=True)
class MSTLModel:
    """MSTL with daily and weekly periods; ETS(A,Ad,N) or ARIMA(1,0,1) on trend + remainder.

    Bandara, Hyndman & Bergmeir (2021) "MSTL: a seasonal-trend decomposition algorithm for time
    series with multiple seasonal patterns"; forecasting by decomposition as in FPP3 §12.1.
    """

    remainder: str = "ets"
    weeks: int = 6
    min_weeks: int = 3

    @property
    def name(self) -> str:
        return f"mstl_{self.remainder}"

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        from statsmodels.tsa.seasonal import MSTL

        days, _dates, dow, shape = _prepare(series, calendar, self.min_weeks, self.name)
        days = clean_days(days, dow, shape.usable)
        per_day = series.per_day
        y = days[-7 * min(self.weeks, len(days) // 7) :].ravel()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dec = MSTL(y, periods=(per_day, 7 * per_day), iterate=1).fit()
            seasonal = np.asarray(dec.seasonal)  # (n, 2)
            adjusted = y - seasonal.sum(axis=1)
            if self.remainder == "arima":
                from statsmodels.tsa.arima.model import ARIMA

                res = ARIMA(adjusted, order=(1, 0, 1)).fit()
            else:
                from statsmodels.tsa.holtwinters import ExponentialSmoothing

                res = ExponentialSmoothing(
                    adjusted, trend="add", damped_trend=True, initialization_method="estimated"
                ).fit()
        last_week = seasonal[-7 * per_day :].sum(axis=1).reshape(7, per_day)

        def predict_days(n: int) -> np.ndarray:
            level = np.asarray(res.forecast(n * per_day)).reshape(n, per_day)
            return level + _future_weeks(last_week, n, len(days))

        return Fit(self.name, series.end, series.interval_min, calendar, shape, predict_days)


def weekly_level(tot: np.ndarray, dow: np.ndarray, usable: np.ndarray, share: np.ndarray, weeks: int) -> float:
    """Mean of the last ``weeks`` weekly levels, newest first: a week's usable day totals over their weekday
    shares (a week with no usable day is skipped); the last 7 days' total without any."""
    n, levels = len(tot), []
    for w in range(1, n // 7 + 1):
        block = slice(n - 7 * w, n - 7 * (w - 1))
        ok = usable[block] & (share[dow[block]] > 0)
        if ok.any():
            levels.append(tot[block][ok].sum() / share[dow[block]][ok].sum())
        if len(levels) == weeks:
            break
    return float(np.mean(levels)) if levels else float(tot[-7:].sum())


def day_of_month_factors(tot: np.ndarray, dates: list[date], usable: np.ndarray, n0: float = 5.0) -> np.ndarray:
    """Multiplicative day-of-month effect (index 1..31), shrunk toward 1 with ``n0`` pseudo-days.

    Each usable day is compared with the median of usable same-weekday days within two weeks; the
    factor for day-of-month k is 1 + n/(n+n0) * (median ratio - 1), smoothed [1,2,1]/4 across k.
    (Shrinkage as in a credibility / empirical-Bayes mean; ``n0`` = 5 was chosen on the Israeli
    bank's Jul-Nov 1999 weeks, before the benchmark's test weeks.)
    """
    n = len(tot)
    dom = np.array([d.day for d in dates])
    ratio = np.full(n, np.nan)
    for i in np.flatnonzero(usable):
        near = [j for j in (i - 14, i - 7, i + 7, i + 14) if 0 <= j < n and usable[j]]
        if len(near) >= 2:
            ref = np.median(tot[near])
            if ref > 0:
                ratio[i] = tot[i] / ref
    f = np.ones(32)
    for k in range(1, 32):
        v = ratio[(dom == k) & np.isfinite(ratio)]
        if len(v):
            f[k] = 1 + len(v) / (len(v) + n0) * (np.median(v) - 1)
    g = f[1:].copy()
    f[1:] = (np.roll(g, 1) + 2 * g + np.roll(g, -1)) / 4
    return f


@dataclass(frozen=True)
class DailyProfile:
    """Daily total x intraday profile (the "top-down" method; see the module docstring).

    Day total = L * share[weekday] * f[day of month], with L the mean of the last ``level_weeks``
    weekly levels (each week's usable day totals over their shares), shares the median usable day
    per weekday over 12 weeks, f the shrunk day-of-month factor (``day_of_month``, which needs
    13 weeks of history; else 1).
    """

    level_weeks: int = 2
    day_of_month: bool = False
    profile_smooth: float = 0.1
    min_weeks: int = 2

    @property
    def name(self) -> str:
        return "daily_profile_dom" if self.day_of_month else "daily_profile"

    @property
    def need_weeks(self) -> int:
        """The weeks of history a fit needs: a day-of-month effect needs about 3 months."""
        return 13 if self.day_of_month else self.min_weeks

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        days, dates, dow, shape = _prepare(series, calendar, self.need_weeks, self.name, self.profile_smooth)
        tot = days.sum(axis=1)
        dom = np.array([d.day for d in dates])
        use_dom = self.day_of_month
        f = day_of_month_factors(tot, dates, shape.usable) if use_dom else np.ones(32)
        adj = tot / f[dom]
        share = shape.share.copy()
        if use_dom:  # shares of the day-of-month-adjusted totals
            window = np.arange(len(days)) >= len(days) - 84
            for k in range(7):
                sel = shape.usable & window & (dow == k)
                share[k] = np.median(adj[sel]) if sel.any() else 0.0
            share = share / share.sum() if share.sum() > 0 else share
        level = weekly_level(adj, dow, shape.usable, share, self.level_weeks)
        profile = shape.profile

        def predict_days(n: int) -> np.ndarray:
            fut = day_of_month_dates = day_dates(series.end, n)
            fdow = np.array([d.weekday() for d in fut])
            fdom = np.array([d.day for d in day_of_month_dates])
            totals = level * share[fdow] * f[fdom]
            return totals[:, None] * profile[fdow]

        return Fit(self.name, series.end, series.interval_min, calendar, shape, predict_days)


def shrunk_profiles(
    norm: np.ndarray, dow: np.ndarray, weight: np.ndarray, share: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weekday profiles shrunk toward the pooled profile of similar weekdays (empirical Bayes).

    ``norm`` are normalised days, ``weight`` their (decayed) weights, 0 for unusable days. Similar
    weekdays: full days (share at least half the largest) and short days form two groups. For weekday
    k, p_k is the weighted mean profile, s2_k its sampling variance (sandwich, summed over intervals),
    and the group's between-weekday variance t2 = mean ||p_k - p_group||^2 - mean s2_k (method of
    moments, floored at 0); the shrunk profile is (1 - B_k) p_k + B_k p_group with B_k = s2_k / (s2_k + t2)
    (Efron & Morris 1975; Weinberg, Brown & Stroud 2007 pool weekday profiles the same way).
    Returns the profiles (7, per_day) and the weights B (7,).
    """
    per_day = norm.shape[1]
    p = np.zeros((7, per_day))
    s2 = np.zeros(7)
    have = np.zeros(7, dtype=bool)
    for k in range(7):
        sel = (dow == k) & (weight > 0)
        if not sel.any():
            continue
        w = weight[sel] / weight[sel].sum()
        p[k] = w @ norm[sel]
        s2[k] = float((w[:, None] ** 2 * (norm[sel] - p[k]) ** 2).sum())
        have[k] = True
    out, b = p.copy(), np.zeros(7)
    full = share >= 0.5 * share.max() if share.max() > 0 else np.ones(7, dtype=bool)
    for group in (full & have, ~full & have):
        ks = np.flatnonzero(group)
        if len(ks) < 2:
            continue
        pooled = p[ks].mean(axis=0)
        t2 = max(0.0, float(((p[ks] - pooled) ** 2).sum(axis=1).mean() - s2[ks].mean()))
        for k in ks:
            b[k] = s2[k] / (s2[k] + t2) if s2[k] + t2 > 0 else 0.0
            out[k] = (1 - b[k]) * p[k] + b[k] * pooled
    return out, b


@dataclass(frozen=True)
class DayProfileShrunk:
    """Day total x shrunk weekday-by-interval profile (Weinberg, Brown & Stroud 2007; Ibrahim et al. 2016).

    Day total = L * share[weekday]: L is the mean of the weekly levels of the last ``level_weeks``
    weeks (each week's usable day totals over their shares; as ``daily_profile``, so the two differ
    only in the profile), the shares the robust weekday medians of ``learn_day_shape``. (Simple
    exponential smoothing of the weekly levels with alpha fitted by one-step error lagged a level
    shift on the Israeli bank's Jul-Oct 1999 weeks and was dropped.) The profile per weekday
    pools ``profile_weeks`` weeks of usable days with weekly decay ``decay`` and is shrunk toward the
    pooled profile of similar weekdays by :func:`shrunk_profiles`.
    """

    level_weeks: int = 2
    profile_weeks: int = 12
    decay: float = 0.9
    smooth: float = 0.1
    name: str = "day_profile_shrunk"
    min_weeks: int = 2

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        days, _dates, dow, shape = _prepare(series, calendar, self.min_weeks, self.name)
        n = len(days)
        tot = days.sum(axis=1)
        share = shape.share
        level = weekly_level(tot, dow, shape.usable, share, self.level_weeks)
        age = (n - 1 - np.arange(n)) // 7
        weight = np.where(shape.usable & (age < self.profile_weeks) & (tot > 0), self.decay**age, 0.0)
        prof, _b = shrunk_profiles(_normalise_rows(days), dow, weight, share)
        prof = _smooth_profile(prof, self.smooth)

        def predict_days(m: int) -> np.ndarray:
            fdow = np.array([d.weekday() for d in day_dates(series.end, m)])
            return (level * share[fdow])[:, None] * prof[fdow]

        return Fit(self.name, series.end, series.interval_min, calendar, shape, predict_days)


COMBO_MEMBERS = ("mean_4w", "day_profile_shrunk", "daily_profile", "holt_winters")
FINE_PER_DAY = 96  # finer than 15-minute intervals the statsmodels fits take minutes
SLOW_AT_FINE_INTERVALS = ("holt_winters", "mstl_ets", "mstl_arima")


def combo_members(per_day: int) -> tuple[str, ...]:
    """The members of ``combo`` at ``per_day`` intervals a day (slow fits left out at fine intervals)."""
    if per_day > FINE_PER_DAY:
        return tuple(m for m in COMBO_MEMBERS if m not in SLOW_AT_FINE_INTERVALS)
    return COMBO_MEMBERS


def combine(member_forecasts: list[np.ndarray | None]) -> np.ndarray | None:
    """The simple mean of the members that could forecast (None with fewer than two)."""
    ok = [f for f in member_forecasts if f is not None]
    return np.mean(ok, axis=0) if len(ok) >= 2 else None


@dataclass(frozen=True)
class Combination:
    """The simple mean of the members' forecasts (FPP3 §13.4; Makridakis et al. 2020, M4).

    All members share the same calendar handling, which is linear in the forecast, so the mean of
    their calendar-adjusted forecasts is the calendar-adjusted mean. Needs two members that fit.
    """

    name: str = "combo"
    min_weeks: int = 1

    def fit(self, series: Series, calendar: DayCalendar = NO_HOLIDAYS) -> Fit:
        fits = []
        for m in combo_members(series.per_day):
            try:
                fits.append(get_model(m).fit(series, calendar))
            except (ValueError, np.linalg.LinAlgError):
                continue
        if len(fits) < 2:
            raise ValueError(f"combo: fewer than two members fit {series.n_days} day(s) of history")
        per_day = series.per_day

        def predict_days(n: int) -> np.ndarray:  # members already applied the calendar
            return np.mean([f.predict(n).reshape(n, per_day) for f in fits], axis=0)

        first = fits[0]
        return Fit(self.name, series.end, series.interval_min, NO_HOLIDAYS, first.shape, predict_days)


MODELS: dict[str, object] = {
    m.name: m
    for m in (
        SeasonalNaive(),
        MeanOfWeeks(4),
        MeanOfWeeks(4, clean=False),
        HoltWinters(),
        MSTLModel("ets"),
        MSTLModel("arima"),
        DailyProfile(),
        DailyProfile(day_of_month=True),
        DayProfileShrunk(),
        Combination(),
    )
}
BASELINE = "mean_4w"  # what auto keeps unless a challenger is clearly better (forecasts.backtest)
AUTO_CANDIDATES = (
    "seasonal_naive",
    "mean_4w",
    "holt_winters",
    "mstl_ets",
    "daily_profile",
    "daily_profile_dom",
    "day_profile_shrunk",
    "combo",
)


def min_history_days(name: str, per_day: int) -> int:
    """The days of history below which ``name`` refuses to fit (its ``min_weeks``; ``combo``: its second
    least demanding member, as it needs two)."""
    if name == "combo":
        return sorted(min_history_days(m, per_day) for m in combo_members(per_day))[1]
    model = get_model(name)
    return 7 * int(getattr(model, "need_weeks", model.min_weeks))


def get_model(name: str):
    """The model registered as ``name`` (ValueError naming the choices otherwise)."""
    if name not in MODELS:
        raise ValueError(f"method {name!r}: choose auto or one of {', '.join(MODELS)}")
    return MODELS[name]


# ---------------------------------------------------------------- handle time


def forecast_aht(series: Series, n_days: int, weeks: int = 4, prior_contacts: float = 20.0) -> np.ndarray | None:
    """Volume-weighted handle time [s] per interval, same time of week over ``weeks`` weeks.

    aht = (sum(aht*w) + k*prior) / (sum(w) + k), with w the contacts handled, k = ``prior_contacts``
    and the prior the volume-weighted mean at the same time of day over all days of the window (a
    credibility-weighted mean, Bühlmann 1967). None when the history has no handle time.
    """
    if series.aht_s is None or series.aht_weight is None:
        return None
    per_day = series.per_day
    n_hist = series.n_days
    k = min(weeks, n_hist // 7)
    if k < 1:
        return None
    cut = slice((n_hist - 7 * k) * per_day, n_hist * per_day)
    a = np.nan_to_num(series.aht_s[cut]).reshape(k, 7, per_day)
    w = series.aht_weight[cut].reshape(k, 7, per_day)
    total_w = w.sum()
    if total_w <= 0:
        return None
    overall = (a * w).sum() / total_w
    tod_w = w.sum(axis=(0, 1))
    tod = np.where(tod_w > 0, (a * w).sum(axis=(0, 1)) / np.where(tod_w > 0, tod_w, 1), overall)
    tod = (tod * tod_w + prior_contacts * overall) / (tod_w + prior_contacts)
    slot = ((a * w).sum(axis=0) + prior_contacts * tod) / (w.sum(axis=0) + prior_contacts)
    return _future_weeks(slot, n_days, n_hist).ravel()
