"""Rolling-origin backtests, accuracy measures, model choice by backtest, and the final forecast.

Rolling-origin evaluation (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16;
FPP3 §5.10 "time series cross-validation"): at each origin the model sees only the history before
it and forecasts the next ``horizon_days`` (one week by default) at the planning interval.

- WAPE = sum|F - A| / sum A; bias = sum(F - A) / sum A (positive = over-forecast).
- Coverage = share of intervals whose actual lies in [offered_lo, offered_hi] (intervals where
  nothing was forecast and nothing arrived are left out).
- ``auto``: at each origin, the candidate with the lowest WAPE over the previous ``n_select``
  backtest weeks, all of which end at or before that origin (no peeking). Prediction intervals
  use a negative-binomial dispersion calibrated on the same earlier weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.daycalendar import NO_HOLIDAYS, DayCalendar
from forecasts.io import Series
from forecasts.models import (
    AUTO_CANDIDATES,
    calibrate_dispersion,
    forecast_aht,
    get_model,
    interval_bounds,
)

SLOW_AT_FINE_INTERVALS = ("holt_winters", "mstl_ets", "mstl_arima")


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Weighted absolute percentage error, sum|F-A| / sum A (as a fraction)."""
    a = np.asarray(actual, float)
    return float(np.abs(np.asarray(forecast, float) - a).sum() / a.sum()) if a.sum() > 0 else float("nan")


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Signed bias, sum(F-A) / sum A (positive = over-forecast)."""
    a = np.asarray(actual, float)
    return float((np.asarray(forecast, float) - a).sum() / a.sum()) if a.sum() > 0 else float("nan")


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray, mean: np.ndarray) -> float:
    """Share of intervals with lo <= actual <= hi (certain zeros left out)."""
    a = np.asarray(actual, float)
    keep = (np.asarray(mean) > 0) | (a > 0)
    if not keep.any():
        return float("nan")
    return float(np.mean((a[keep] >= lo[keep]) & (a[keep] <= hi[keep])))


@dataclass(frozen=True)
class Score:
    """Accuracy of one model over the evaluated origins."""

    model: str
    wape: float
    bias: float
    coverage: float
    n_origins: int


@dataclass(frozen=True)
class BacktestReport:
    """Rolling-origin results: per-model scores, ``auto`` and the winners it chose per origin."""

    origins: tuple[pd.Timestamp, ...]
    horizon_days: int
    level: float
    scores: tuple[Score, ...]
    auto_choices: tuple[str, ...]

    def score(self, model: str) -> Score:
        """The score of ``model`` (``auto`` included)."""
        return next(s for s in self.scores if s.model == model)


def _origin_forecasts(
    series: Series, names: tuple[str, ...], origin_days: list[int], horizon_days: int, calendar: DayCalendar
) -> dict[str, list[np.ndarray | None]]:
    """Mean forecasts of each model at each origin (None where the model cannot fit there)."""
    per_day = series.per_day
    out: dict[str, list[np.ndarray | None]] = {name: [] for name in names}
    for d in origin_days:
        past = series.head(d * per_day)
        for name in names:
            try:
                out[name].append(get_model(name).fit(past, calendar).predict(horizon_days))
            except (ValueError, np.linalg.LinAlgError):
                out[name].append(None)
    return out


def _actuals(series: Series, origin_days: list[int], horizon_days: int) -> list[np.ndarray]:
    per_day = series.per_day
    return [series.offered[d * per_day : (d + horizon_days) * per_day] for d in origin_days]


def _pick(
    names: tuple[str, ...], fc: dict[str, list[np.ndarray | None]], act: list[np.ndarray], prior: list[int]
) -> tuple[str | None, dict[str, float], list[int]]:
    """The candidate with the lowest pooled WAPE over the ``prior`` origins.

    Models that cannot fit at half or more of those origins (too little history) drop out; the
    rest are compared on the origins where all of them have a forecast (same weeks for all).
    """
    avail = {n: [i for i in prior if fc[n][i] is not None] for n in names}
    need = max(1, -(-len(prior) // 2))
    kept = [n for n in names if len(avail[n]) >= need]
    common = [i for i in prior if all(fc[n][i] is not None for n in kept)]
    wapes = {}
    for name in kept if common else []:
        w = wape(np.concatenate([act[i] for i in common]), np.concatenate([fc[name][i] for i in common]))
        if np.isfinite(w):
            wapes[name] = w
    if not wapes:
        return None, {}, []
    return min(wapes, key=lambda k: (wapes[k], k)), wapes, common


def rolling_backtest(
    series: Series,
    models: tuple[str, ...] = AUTO_CANDIDATES,
    n_origins: int = 8,
    n_select: int = 8,
    horizon_days: int = 7,
    step_days: int = 7,
    calendar: DayCalendar = NO_HOLIDAYS,
    level: float = 0.8,
    candidates: tuple[str, ...] | None = None,
) -> BacktestReport:
    """Evaluate ``models`` and ``auto`` at the last ``n_origins`` origins ``step_days`` apart.

    Each evaluated origin also needs ``n_select`` earlier origins (model choice and interval
    calibration), so models are forecast at ``n_origins + n_select`` origins in all.
    """
    if candidates is None:  # auto chooses among the listed models that are auto candidates
        candidates = tuple(m for m in models if m in AUTO_CANDIDATES) or AUTO_CANDIDATES
    names = tuple(dict.fromkeys((*models, *candidates)))
    last = series.n_days - horizon_days
    total = n_origins + n_select
    origin_days = [last - step_days * (total - 1 - i) for i in range(total)]
    if origin_days[0] < 7:
        raise ValueError(
            f"backtest needs about {(total * step_days + horizon_days) // 7 + 1} weeks of history, "
            f"have {series.n_days} days"
        )
    fc = _origin_forecasts(series, names, origin_days, horizon_days, calendar)
    act = _actuals(series, origin_days, horizon_days)
    horizon_steps = -(-horizon_days // step_days)

    def prior_of(i: int) -> list[int]:
        return [j for j in range(max(0, i - n_select - horizon_steps + 1), i) if j + horizon_steps <= i]

    scores, chosen = [], []
    evaluated = range(n_select, total)
    rows: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {m: [] for m in models}
    rows["auto"] = []
    for i in evaluated:
        prior = prior_of(i)
        for name in (*models, "auto"):
            if name == "auto":
                pick, _, _ = _pick(candidates, fc, act, prior)
                if pick is None:
                    continue
                chosen.append(pick)
                src = pick
            else:
                src = name
            if fc[src][i] is None:
                continue
            usable_prior = [j for j in prior if fc[src][j] is not None]
            phi = (
                calibrate_dispersion(
                    np.concatenate([fc[src][j] for j in usable_prior]),
                    np.concatenate([act[j] for j in usable_prior]),
                    level,
                )
                if usable_prior
                else 0.0
            )
            lo, hi = interval_bounds(fc[src][i], phi, level)
            rows[name].append((act[i], fc[src][i], lo, hi))
    for name, parts in rows.items():
        if not parts:
            continue
        a, f, lo, hi = (np.concatenate([p[k] for p in parts]) for k in range(4))
        scores.append(Score(name, wape(a, f), bias(a, f), coverage(a, lo, hi, f), len(parts)))
    origins = tuple(series.start + pd.Timedelta(days=origin_days[i]) for i in evaluated)
    return BacktestReport(origins, horizon_days, level, tuple(scores), tuple(chosen))


@dataclass(frozen=True)
class Forecast:
    """A forecast for one series, with the backtest evidence behind it."""

    channel: str
    queue: str | None
    index: pd.DatetimeIndex
    offered: np.ndarray
    offered_lo: np.ndarray
    offered_hi: np.ndarray
    aht_s: np.ndarray | None
    model: str
    backtest_wape: float | None  # the chosen model's WAPE over the selection weeks (None: no backtest)
    runner_up: str | None
    runner_up_wape: float | None
    dispersion: float
    backtest_weeks: int
    notes: tuple[str, ...] = ()
    aht_backtest_error: float | None = None  # sum(w*|F-A|) / sum(w*A) over the backtest weeks


def make_forecast(
    series: Series,
    horizon_days: int,
    method: str = "auto",
    calendar: DayCalendar = NO_HOLIDAYS,
    n_select: int = 8,
    level: float = 0.8,
    candidates: tuple[str, ...] = AUTO_CANDIDATES,
) -> Forecast:
    """Forecast the ``horizon_days`` whole days after ``series``.

    The last ``n_select`` weeks are backtested one week ahead (fewer if the history is short);
    ``auto`` takes the candidate with the lowest WAPE there; the interval dispersion is calibrated
    on the chosen model's backtest errors; the model is then refitted on the full history.
    """
    if horizon_days < 1:
        raise ValueError(f"--horizon-days {horizon_days}: must be at least 1")
    if series.offered.sum() <= 0:
        name = series.channel + (f"/{series.queue}" if series.queue else "")
        raise ValueError(f"{name}: the history has no contacts at all; nothing to forecast from")
    names = tuple(candidates) if method == "auto" else (get_model(method).name,)
    notes: list[str] = []
    if method == "auto" and series.per_day > 96:  # finer than 15 min: the statsmodels fits take minutes
        slow = [n for n in names if n in SLOW_AT_FINE_INTERVALS]
        names = tuple(n for n in names if n not in SLOW_AT_FINE_INTERVALS)
        if slow:
            notes.append(
                f"auto skipped {', '.join(slow)} at {series.interval_min}-minute intervals (too slow); "
                "use --interval-min 15 or more to include them"
            )
    origin_days = [series.n_days - 7 * k for k in range(n_select, 0, -1)]
    origin_days = [d for d in origin_days if d >= 7]
    fc = _origin_forecasts(series, names, origin_days, 7, calendar) if origin_days else {n: [] for n in names}
    act = _actuals(series, origin_days, 7)
    usable = [i for i in range(len(origin_days))]
    pick, wapes, common = _pick(names, fc, act, usable)
    if pick is None:
        # too little history for any backtest: the first model that fits, Poisson intervals
        pick = next((n for n in names if _fits(n, series, calendar)), None)
        if pick is None:
            raise ValueError(
                f"history of {series.n_days} day(s) is too short for any model (need at least 7 whole days)"
            )
        notes.append("history too short to backtest: intervals are Poisson only (too narrow)")
        phi, chosen_wape = 0.0, None
    else:
        prior = [i for i in usable if fc[pick][i] is not None]
        phi = calibrate_dispersion(
            np.concatenate([fc[pick][i] for i in prior]), np.concatenate([act[i] for i in prior]), level
        )
        chosen_wape = wapes[pick]
    others = {k: v for k, v in wapes.items() if k != pick}
    runner = min(others, key=lambda k: (others[k], k)) if others else None
    fit = get_model(pick).fit(series, calendar)
    mean = fit.predict(horizon_days)
    lo, hi = interval_bounds(mean, phi, level)
    index = pd.date_range(series.end, periods=len(mean), freq=f"{series.interval_min}min")
    aht = forecast_aht(series, horizon_days)
    aht_error = _aht_backtest(series, origin_days) if aht is not None else None
    return Forecast(
        series.channel,
        series.queue,
        index,
        mean,
        lo,
        hi,
        aht,
        pick,
        chosen_wape,
        runner,
        others.get(runner) if runner else None,
        phi,
        len(common),
        tuple(notes),
        aht_error,
    )


def _aht_backtest(series: Series, origin_days: list[int]) -> float | None:
    """Volume-weighted absolute error of the handle-time forecast, one week ahead at each origin."""
    per_day = series.per_day
    num = den = 0.0
    for d in origin_days:
        fc = forecast_aht(series.head(d * per_day), 7)
        if fc is None:
            continue
        cut = slice(d * per_day, (d + 7) * per_day)
        a, w = series.aht_s[cut], series.aht_weight[cut]
        ok = np.isfinite(a) & (w > 0)
        num += float((w[ok] * np.abs(fc[ok] - a[ok])).sum())
        den += float((w[ok] * a[ok]).sum())
    return num / den if den > 0 else None


def _fits(name: str, series: Series, calendar: DayCalendar) -> bool:
    try:
        get_model(name).fit(series, calendar)
    except (ValueError, np.linalg.LinAlgError):
        return False
    return True
