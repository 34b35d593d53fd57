"""Issue 11: calendar days learned from data, the robust auto rule, backtest error bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecasts.backtest import MARGIN, _auto_source, _pick, wape
from forecasts.daycalendar import china_calendar
from forecasts.io import Series
from forecasts.models import get_model
from forecasts.synthetic import intraday_profile
from forecasts.uncertainty import ForecastError, band_coverage, bands, estimate_error

PER_DAY = 48
SHARE = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3])  # Mon..Sun
CN = china_calendar(range(2026, 2027))


def exact_days(start: str, n_days: int, share: np.ndarray, total=None) -> np.ndarray:
    """1000 * weekday share * profile per day (no noise); ``total(date)`` overrides a day's factor."""
    first = pd.Timestamp(start)
    prof = intraday_profile(30)
    rows = []
    for i in range(n_days):
        d = (first + pd.Timedelta(days=i)).date()
        f = share[d.weekday()] if total is None else total(d, share[d.weekday()])
        rows.append(1000 * f * prof)
    return np.concatenate(rows)


def as_series(y: np.ndarray, start: str) -> Series:
    return Series("voice", None, pd.Timestamp(start), 30, np.asarray(y, float))


def test_holiday_with_normal_traffic_is_a_normal_day_with_a_warning():
    # 2026-03-30 .. 06-14: Qingming (Apr 4-6) and May Day (May 1-5) are CN holidays, but this centre
    # worked them as usual days; the next holiday (Dragon Boat, Fri 19 June) must be a normal Friday
    start = "2026-03-30"
    s = as_series(exact_days(start, 77, SHARE), start)
    fit = get_model("daily_profile").fit(s, CN)
    assert any(n.startswith("2026-04-06 is a holiday in calendar CN but its traffic was normal") for n in fit.notes)
    assert any("2026-05-01" in n and "treated as a normal day" for n in fit.notes)
    first = pd.Timestamp(start)
    assert fit.shape.usable[(pd.Timestamp("2026-04-06") - first).days]
    fc = fit.predict(7).reshape(7, PER_DAY)  # 2026-06-15 .. 06-21
    assert fc[4].sum() == pytest.approx(1000 * SHARE[4], rel=1e-6)  # not 35 % or closed
    # the same calendar with really quiet holidays still learns the holiday ratio and gives no note
    quiet = as_series(exact_days(start, 77, SHARE, lambda d, f: f * (0.3 if CN.is_holiday(d) else 1)), start)
    fit_q = get_model("daily_profile").fit(quiet, CN)
    assert not any("traffic was normal" in n for n in fit_q.notes)
    assert fit_q.predict(7).reshape(7, PER_DAY)[4].sum() == pytest.approx(0.3 * 1000 * SHARE[4], rel=1e-6)


def test_makeup_day_without_traffic_makes_the_next_one_closed_with_a_warning():
    # a weekday-only centre: history 2026-04-06 .. 09-13 holds the make-up Saturday 2026-05-09, when
    # nobody called; the forecast week 09-14 .. 09-20 ends with the make-up Sunday 2026-09-20
    weekday_only = np.r_[SHARE[:5], 0.0, 0.0]
    start = "2026-04-06"

    def day(d, f, makeup_factor):
        if CN.is_makeup_workday(d):
            return makeup_factor
        return 0.0 if CN.is_holiday(d) else f

    closed = as_series(exact_days(start, 161, weekday_only, lambda d, f: day(d, f, 0.0)), start)
    fit = get_model("daily_profile").fit(closed, CN)
    assert "make-up workday 2026-05-09 had no traffic" in " ".join(fit.notes)
    assert "make-up days are forecast closed" in " ".join(fit.notes)
    fc = fit.predict(7).reshape(7, PER_DAY)
    assert fc[6].sum() == 0.0
    assert fc[0].sum() == pytest.approx(1000 * SHARE[0], rel=1e-6)
    # worked like a weekday in the history: the next one is worked too, and there is no note
    worked = as_series(exact_days(start, 161, weekday_only, lambda d, f: day(d, f, 1.0)), start)
    fit_w = get_model("daily_profile").fit(worked, CN)
    assert not any("make-up" in n for n in fit_w.notes)
    assert fit_w.predict(7).reshape(7, PER_DAY)[6].sum() > 500


def _noisy_weeks(rng, n_weeks, week_sd, day_sd, phi, base):
    """Actual counts under the documented model around a known forecast ``base`` (7, per_day)."""
    out = []
    for _ in range(n_weeks):
        w = rng.lognormal(-(week_sd**2) / 2, week_sd)
        d = rng.lognormal(-(day_sd**2) / 2, day_sd, size=(7, 1))
        e = rng.gamma(1 / phi, phi, size=base.shape)
        out.append(rng.poisson(base * w * d * e).ravel().astype(float))
    return out


def test_error_estimate_recovers_the_day_factor_and_bands_cover_out_of_sample():
    rng = np.random.default_rng(20260)
    base = np.outer(1500 * SHARE / SHARE.mean(), intraday_profile(30))  # ~1500 contacts a day
    truth = dict(week_sd=0.06, day_sd=0.10, phi=0.02)
    fit_weeks = _noisy_weeks(rng, 16, base=base, **truth)
    fc = [base.ravel()] * 16
    err = estimate_error(fc, fit_weeks, PER_DAY, 0.8)
    # 16 weeks x 7 days = 112 centred day ratios; a MAD-based SD has ~1.65x the variance of the plain
    # SD, so its relative standard error is ~sqrt(1.65 / 224) = 8.6 %: 0.10 +- 0.03 is ~3.5 SE
    assert err.day_log_sd == pytest.approx(truth["day_sd"], abs=0.03)
    assert err.n_days == 112
    test_weeks = _noisy_weeks(rng, 16, base=base, **truth)
    cover = np.mean([band_coverage(f, a, err, 0.8) for f, a in zip(fc, test_weeks, strict=True)])
    assert 0.75 <= cover <= 0.85
    # Poisson-only bands are far too narrow for this series (the check can fail)
    assert np.mean([band_coverage(f, a, None, 0.8) for f, a in zip(fc, test_weeks, strict=True)]) < 0.75


def test_bands_reduce_to_poisson_and_negative_binomial_quantiles():
    mu = np.array([0.0, 0.4, 3.0, 25.0, 300.0])
    lo, hi = bands(mu, None, 0.8)
    np.testing.assert_array_equal(lo[1:], stats.poisson.ppf(0.1, mu[1:]))
    np.testing.assert_array_equal(hi[1:], stats.poisson.ppf(0.9, mu[1:]))
    assert lo[0] == hi[0] == 0
    phi = 0.05
    lo2, hi2 = bands(mu, ForecastError(0.0, 0.0, phi, 0, None), 0.8)
    n = 1 / phi
    p = n / (n + mu[1:])
    np.testing.assert_array_equal(lo2[1:], stats.nbinom.ppf(0.1, n, p))
    np.testing.assert_array_equal(hi2[1:], stats.nbinom.ppf(0.9, n, p))


def _week_errors(per_week_wape):
    """Forecasts of a flat actual of 100 per interval with the given WAPE each week (over-forecasts)."""
    return [np.full(10, 100.0 * (1 + w)) for w in per_week_wape]


def test_auto_rule_needs_a_margin_and_most_weeks():
    act = [np.full(10, 100.0)] * 8
    base = np.array([0.20, 0.22, 0.18, 0.20, 0.25, 0.19, 0.21, 0.20])
    prior = list(range(8))
    # 1 % better pooled and better every week: not a clear margin, the baseline stays
    fc = {"mean_4w": _week_errors(base), "x": _week_errors(base * 0.99)}
    assert _pick(("mean_4w", "x"), fc, act, prior)[0] == "mean_4w"
    # 10 % better pooled, better in 7 of 8 weeks: replaces the baseline
    better = base * 0.88
    better[3] = base[3] * 1.05
    fc["x"] = _week_errors(better)
    pick, wapes, _ = _pick(("mean_4w", "x"), fc, act, prior)
    assert pick == "x" and wapes["x"] <= (1 - MARGIN) * wapes["mean_4w"]
    # 10 % better pooled but only in 3 of 8 weeks (a few big wins): the baseline stays
    lumpy = base * 1.02
    lumpy[[0, 4, 6]] = base[[0, 4, 6]] * 0.60
    fc["x"] = _week_errors(lumpy)
    _, wapes, _ = _pick(("mean_4w", "x"), fc, act, prior)
    assert wapes["x"] < 0.9 * wapes["mean_4w"]
    assert _pick(("mean_4w", "x"), fc, act, prior)[0] == "mean_4w"


def test_auto_blends_a_winner_with_the_baseline():
    """A winner is used half-and-half with the baseline; the blend's weekly WAPE is at most the mean of the
    two (WAPE is convex), so a week where the winner fails badly costs half of it."""
    rng = np.random.default_rng(4)
    act = [rng.poisson(100.0, 10).astype(float) for _ in range(9)]
    base = [a * 1.2 for a in act]  # 20 % over every week
    winner = [a * 0.95 for a in act[:8]] + [act[8] * 1.8]  # 5 % under, then 80 % over in the last week
    fc = {"mean_4w": base, "x": winner}
    src, _, _ = _auto_source(("mean_4w", "x"), fc, act, list(range(8)))
    assert src == "mean_4w+x"
    np.testing.assert_allclose(fc[src][8], (base[8] + winner[8]) / 2)
    blend = wape(act[8], fc[src][8])
    assert blend <= (wape(act[8], base[8]) + wape(act[8], winner[8])) / 2 + 1e-12
    assert blend == pytest.approx(0.5, abs=1e-9)  # hand: |(1.2 + 1.8) / 2 - 1| = 0.5, against 0.8 for x alone
