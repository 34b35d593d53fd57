"""Forecast error distribution from rolling-origin backtests, and calibrated prediction bands.

The volume model (a doubly stochastic Poisson process with multiplicative week, day and interval
effects; Jongbloed & Koole 2001, Statistica Neerlandica 55; Brown et al. 2005, JASA 100, §4;
Ibrahim et al. 2016, IJF 32, §2): the count in interval t of day d of week w is

    Poisson(forecast_t * W_w * D_d * E_t),

W ~ lognormal with mean 1 and log-sd ``week_log_sd``, D ~ lognormal with mean 1 and log-sd
``day_log_sd``, E_t ~ gamma with mean 1 and variance ``interval_dispersion``, all independent.
Given W*D the count is negative binomial (Poisson x gamma); the lognormal W*D (log-sd
sqrt(week^2 + day^2)) is integrated by Gauss-Hermite quadrature.

Estimation (:func:`estimate_error`) from one-week-ahead backtest pairs: ``week_log_sd`` is a
robust (MAD about 0) SD of log(actual week / forecast week) over the origins; ``day_log_sd`` a
robust SD of log(actual day / forecast day) after removing that week's mean log ratio (days with
forecast and actual > 0), corrected for the centring and with the Poisson part (Var(log) ~ 1/count)
taken out. ``interval_dispersion`` is then calibrated by bisection so that the central ``level``
band of the mixture covers ``level`` of the backtest intervals (certain zeros left out). If the
week and day factors with Poisson already cover more than ``level`` (robust SDs from a few weeks are
noisy), both log-SDs are scaled down by a common factor, again by bisection, instead.

Days the history marks as irregular (holidays, outages: ``DayShape.usable`` False) can be left out
of the estimate (``regular``): the band describes regular days; calendar days are forecast apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

N_NODES = 20  # Gauss-Hermite nodes for the lognormal factor (exact to ~1e-6 for log-sd < 0.5)
MAD_TO_SD = 1.4826  # SD of a normal = 1.4826 x its median absolute deviation
MAX_DISPERSION = 4.0


@dataclass(frozen=True)
class ForecastError:
    """Backtest error distribution of a forecast (see the module docstring for the model)."""

    week_log_sd: float  # SD of log(actual week total / forecast week total) over backtest origins
    day_log_sd: float  # SD of log(actual day / forecast day) after removing that origin-week's mean log ratio
    # gamma dispersion phi (CV^2) of an interval's rate given its day's total, beyond Poisson
    interval_dispersion: float
    n_days: int  # backtest days behind the estimate
    coverage: float | None  # out-of-sample coverage of the band in the backtest (None if not measured)


def _robust_var(x: np.ndarray) -> float:
    """Squared MAD-based SD of ``x`` about 0 (robust to a few holiday-like outliers)."""
    return float((MAD_TO_SD * np.median(np.abs(x))) ** 2) if len(x) else 0.0


def _nodes(log_sd: float) -> tuple[np.ndarray, np.ndarray]:
    """Values and weights of a lognormal factor with mean 1 and log-sd ``log_sd`` (Gauss-Hermite)."""
    if log_sd <= 0:
        return np.ones(1), np.ones(1)
    x, w = np.polynomial.hermite.hermgauss(N_NODES)
    return np.exp(np.sqrt(2.0) * log_sd * x - log_sd**2 / 2), w / np.sqrt(np.pi)


def mixture_cdf(k: np.ndarray, mean: np.ndarray, factor_log_sd: float, dispersion: float) -> np.ndarray:
    """P(count <= k) under the model, for arrays ``k`` and ``mean`` of the same shape.

    Negative binomial CDF with mean m and variance m + phi m^2 is I_p(1/phi, k+1), p = 1/(1 + phi m)
    (regularised incomplete beta; Poisson: Q(k+1, m)), averaged over the lognormal nodes.
    """
    k = np.asarray(k, float)[..., None]
    m = np.maximum(np.asarray(mean, float), 1e-12)[..., None]
    f, w = _nodes(factor_log_sd)
    mu = m * f
    if dispersion <= 1e-9:
        c = special.gammaincc(np.maximum(k, 0) + 1, mu)
    else:
        r = 1.0 / dispersion
        c = special.betainc(r, np.maximum(k, 0) + 1, r / (r + mu))
    c = np.where(k < 0, 0.0, c)
    return c @ w


def _factor_log_sd(err: ForecastError) -> float:
    return float(np.hypot(err.week_log_sd, err.day_log_sd))


def bands(mean: np.ndarray, err: ForecastError | None, level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` band per interval: the (1-level)/2 and (1+level)/2 quantiles of the model.

    With ``err`` None the band is Poisson. Quantiles are found by a vectorised bisection on integers.
    """
    mu = np.asarray(mean, float)
    s, phi = (0.0, 0.0) if err is None else (_factor_log_sd(err), err.interval_dispersion)
    a = (1 - level) / 2
    out = []
    for q in (a, 1 - a):
        lo = np.full(mu.shape, -1.0)  # cdf(lo) < q
        hi = np.ceil(mu * np.exp(6 * s) * (1 + 10 * np.sqrt(phi)) + 10 * np.sqrt(mu * np.exp(6 * s)) + 10)
        while np.any(hi - lo > 1):
            mid = np.floor((lo + hi) / 2)
            ok = mixture_cdf(mid, mu, s, phi) >= q
            hi = np.where(ok & (hi - lo > 1), mid, hi)
            lo = np.where(~ok & (hi - lo > 1), mid, lo)
        out.append(np.where(mu > 0, hi, 0.0))
    return out[0], out[1]


def band_coverage(mean: np.ndarray, actual: np.ndarray, err: ForecastError | None, level: float = 0.8) -> float:
    """Share of intervals whose actual lies in the ``level`` band (certain zeros left out).

    Same result as comparing with :func:`bands`: lo <= y iff cdf(y) >= a, y <= hi iff cdf(y-1) < 1-a.
    """
    mu, y = np.asarray(mean, float), np.asarray(actual, float)
    keep = (mu > 0) | (y > 0)
    if not keep.any():
        return float("nan")
    mu, y = mu[keep], y[keep]
    s, phi = (0.0, 0.0) if err is None else (_factor_log_sd(err), err.interval_dispersion)
    a = (1 - level) / 2
    ok = (mixture_cdf(y, mu, s, phi) >= a) & (mixture_cdf(y - 1, mu, s, phi) < 1 - a) & (mu > 0)
    return float(ok.mean())


def estimate_error(
    forecasts: list[np.ndarray],
    actuals: list[np.ndarray],
    per_day: int,
    level: float = 0.8,
    regular: list[np.ndarray] | None = None,
) -> ForecastError | None:
    """The error distribution behind backtest pairs (one array per origin, whole days), in-sample.

    ``regular`` (one bool per day per origin) leaves irregular days out. Returns None without any
    pair. With one origin the week factor is not identified (0) and the day factor absorbs it.
    ``coverage`` is left None (see :func:`out_of_sample_coverage`).
    """
    if regular is not None:
        keep = [np.repeat(np.asarray(r, bool), per_day) for r in regular]
        forecasts = [np.asarray(f)[k] for f, k in zip(forecasts, keep, strict=True) if k.any()]
        actuals = [np.asarray(a)[k] for a, k in zip(actuals, keep, strict=True) if k.any()]
    if not forecasts:
        return None
    week_r, week_inv, day_r, day_inv = [], [], [], []
    for f, a in zip(forecasts, actuals, strict=True):
        fd = np.asarray(f, float).reshape(-1, per_day).sum(axis=1)
        ad = np.asarray(a, float).reshape(-1, per_day).sum(axis=1)
        if fd.sum() > 0 and ad.sum() > 0:
            week_r.append(np.log(ad.sum() / fd.sum()))
            week_inv.append(1.0 / ad.sum())
        ok = (fd > 0) & (ad > 0)
        if ok.sum() >= 2:
            r = np.log(ad[ok] / fd[ok])
            day_r.append(r - r.mean() if len(forecasts) > 1 else r)
            day_inv.append(1.0 / ad[ok])
    n_days = int(sum(len(r) for r in day_r))
    week_var = 0.0
    if len(week_r) >= 2:
        week_var = max(0.0, _robust_var(np.array(week_r)) - float(np.mean(week_inv)))
    day_var = 0.0
    if day_r:
        r = np.concatenate(day_r)
        n_per = n_days / len(day_r)
        centring = n_per / (n_per - 1) if len(forecasts) > 1 and n_per > 1 else 1.0
        day_var = max(0.0, _robust_var(r) * centring - float(np.mean(np.concatenate(day_inv))))
    err = ForecastError(float(np.sqrt(week_var)), float(np.sqrt(day_var)), 0.0, n_days, None)
    mu = np.concatenate([np.asarray(f, float) for f in forecasts])
    y = np.concatenate([np.asarray(a, float) for a in actuals])
    return calibrate(mu, y, err, level)


def _with_dispersion(err: ForecastError, phi: float) -> ForecastError:
    return ForecastError(err.week_log_sd, err.day_log_sd, phi, err.n_days, err.coverage)


def _scaled(err: ForecastError, c: float) -> ForecastError:
    return ForecastError(c * err.week_log_sd, c * err.day_log_sd, 0.0, err.n_days, err.coverage)


def calibrate(mean: np.ndarray, actual: np.ndarray, err: ForecastError, level: float = 0.8) -> ForecastError:
    """``err`` made to cover ``level`` of the pairs: interval dispersion added (bisection on log phi),
    or, if Poisson with the week and day factors already covers more, those log-SDs scaled down.
    """
    if band_coverage(mean, actual, err, level) >= level:
        if band_coverage(mean, actual, _scaled(err, 0.0), level) >= level:
            return _scaled(err, 0.0)
        c_lo, c_hi = 0.0, 1.0  # coverage(c_lo) < level <= coverage(c_hi)
        for _ in range(12):
            mid = (c_lo + c_hi) / 2
            if band_coverage(mean, actual, _scaled(err, mid), level) >= level:
                c_hi = mid
            else:
                c_lo = mid
        return _scaled(err, c_hi)
    lo, hi = np.log(1e-4), np.log(MAX_DISPERSION)
    if band_coverage(mean, actual, _with_dispersion(err, MAX_DISPERSION), level) < level:
        return _with_dispersion(err, MAX_DISPERSION)
    for _ in range(16):
        mid = (lo + hi) / 2
        if band_coverage(mean, actual, _with_dispersion(err, float(np.exp(mid))), level) >= level:
            hi = mid
        else:
            lo = mid
    return _with_dispersion(err, float(np.exp(hi)))


def out_of_sample_coverage(
    forecasts: list[np.ndarray],
    actuals: list[np.ndarray],
    per_day: int,
    level: float = 0.8,
    regular: list[np.ndarray] | None = None,
    min_prior: int = 2,
) -> float | None:
    """Coverage of each origin's band estimated on the earlier origins only (at least ``min_prior``)."""
    hits = n = 0
    for i in range(min_prior, len(forecasts)):
        err = estimate_error(forecasts[:i], actuals[:i], per_day, level, None if regular is None else regular[:i])
        mu, y = np.asarray(forecasts[i], float), np.asarray(actuals[i], float)
        keep = (mu > 0) | (y > 0)
        if err is None or not keep.any():
            continue
        hits += band_coverage(mu, y, err, level) * keep.sum()
        n += keep.sum()
    return float(hits / n) if n else None


def with_coverage(err: ForecastError | None, coverage: float | None) -> ForecastError | None:
    """``err`` with its out-of-sample ``coverage`` filled in."""
    if err is None:
        return None
    return ForecastError(err.week_log_sd, err.day_log_sd, err.interval_dispersion, err.n_days, coverage)
