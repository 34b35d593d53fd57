"""Rolling-origin backtests, accuracy measures, model choice by backtest, and the final forecast.

Rolling-origin evaluation (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16;
FPP3 §5.10 "time series cross-validation"): at each origin the model sees only the history before
it and forecasts the next ``horizon_days`` (one week by default) at the planning interval.

- WAPE = sum|F - A| / sum A; bias = sum(F - A) / sum A (positive = over-forecast).
- Coverage = share of intervals whose actual lies in [offered_lo, offered_hi] (intervals where
  nothing was forecast and nothing arrived are left out).
- ``auto`` (robust selection): the baseline is the cleaned four-week seasonal mean (``mean_4w``).
  Over the previous ``n_select`` backtest weeks, all of which end at or before the origin (no
  peeking), a challenger replaces it only if (a) its pooled WAPE is at least ``MARGIN`` (3 %)
  lower than the baseline's, relative, and (b) it has a lower WAPE than the baseline in at least
  ``MIN_WIN_SHARE`` (2/3) of those weeks; among the challengers that pass, the lowest pooled WAPE
  wins. Without ``mean_4w`` among the candidates the lowest pooled WAPE is the baseline. A winner
  is not used alone: ``auto`` forecasts the equal-weight mean of the baseline and the winner (named
  ``mean_4w+WINNER``). Combining with the benchmark is the robust use of a backtest win (Bates &
  Granger 1969; equal weights beat weights estimated on a few weeks, the "forecast combination
  puzzle", Smith & Wallis 2009), and since WAPE is convex the blend's WAPE is at most the mean of
  the two models' in every week: a week where the winner fails costs half. The rule is the same in
  ``rolling_backtest`` and ``make_forecast``.

  Why: the lowest pooled WAPE with no margin picks noise (a model 0.3 % ahead over eight weeks can
  lose by far more the next week; the winner's curse of selection, Tashman 2000 §4), while the
  seasonal mean is hard to beat by much out of sample. The constants are set a priori, not tuned
  on any data set: 3 % is about one standard error of a WAPE difference between two forecasts of
  the same eight weeks at contact-centre volumes (the weekly WAPEs move by several percent); 2/3 of
  the weeks asks for a consistent, not a one-week, win (with 8 weeks, 6 wins or more: a one-sided
  sign test at about 15 %, combined with (a) much stricter).
- Prediction bands come from ``forecasts.uncertainty``: a week x day lognormal x interval gamma
  mixture around the forecast whose parameters are estimated on the same earlier weeks' errors
  of the model used, so the reported coverage is out of sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts.daycalendar import NO_HOLIDAYS, DayCalendar
from forecasts.io import Series
from forecasts.models import (
    AUTO_CANDIDATES,
    BASELINE,
    FINE_PER_DAY,
    SLOW_AT_FINE_INTERVALS,
    combine,
    combo_members,
    day_dates,
    forecast_aht,
    get_model,
    learn_day_shape,
    min_history_days,
)
from forecasts.uncertainty import ForecastError, bands, estimate_error, out_of_sample_coverage, with_coverage

MARGIN = 0.03  # a challenger's pooled backtest WAPE must be at least 3 % (relative) below the baseline's
MIN_WIN_SHARE = 2 / 3  # ... and lower than the baseline's in at least 2/3 of the backtest weeks
DROPPED = np.inf  # a dropped challenger's forecast after it was dropped: an infinite WAPE (_origin_forecasts)


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
    weekly_wape: dict[str, tuple[float, ...]] = field(default_factory=dict)  # model -> WAPE per origin
    auto_weekly_wape: tuple[float, ...] = ()  # auto's WAPE per origin

    def score(self, model: str) -> Score:
        """The score of ``model`` (``auto`` included)."""
        return next(s for s in self.scores if s.model == model)


def _origin_forecasts(
    series: Series,
    names: tuple[str, ...],
    origin_days: list[int],
    horizon_days: int,
    calendar: DayCalendar,
    actuals: list[np.ndarray] | None = None,
) -> dict[str, list[np.ndarray | None]]:
    """Mean forecasts of each model at each origin (None where the model cannot fit there).

    ``combo`` is the mean of its members' forecasts at the same origin: each member is fitted once
    per origin, whether or not it is also listed.

    ``actuals`` (each origin's actual days; ``auto`` choosing among ``names`` over all the origins): a
    challenger is dropped once it can no longer be chosen, and is not fitted at the later origins. Rule:
    the origins run in time order. :func:`_pick` compares the models that fit at half the origins or more,
    on the origins where all of them fit; a model fits from the origin with its
    :func:`~forecasts.models.min_history_days` of history on. At such an origin, a challenger whose WAPE
    is not below the baseline's loses the week; more losses than ``1 - MIN_WIN_SHARE`` of the origins fail
    :func:`_pick`'s rule (b) whatever the later weeks bring. A dropped model keeps its place among the
    compared models (its later forecasts are :data:`DROPPED`: the same origins are compared) with an
    infinite WAPE, so the pick, the blend and its error are the ones the full backtest gives; only the
    runner-up is named among the models backtested to the end.
    """
    per_day, n = series.per_day, len(origin_days)
    members = combo_members(per_day) if "combo" in names else ()
    fitted = tuple(dict.fromkeys(n for n in (*names, *members) if n != "combo"))
    out: dict[str, list[np.ndarray | None]] = {name: [] for name in (*fitted, *names)}
    first = {m: next((k for k, d in enumerate(origin_days) if d >= min_history_days(m, per_day)), n) for m in names}
    compared = {m for m in names if n - first[m] >= max(1, -(-n // 2))}  # what _pick will compare
    judge = actuals is not None and BASELINE in compared
    alive, losses = set(names), dict.fromkeys(names, 0)
    most = n * (1 - MIN_WIN_SHARE + 1e-9)  # the losses that still allow a pick
    dropped = np.full(horizon_days * per_day, DROPPED)
    for k, d in enumerate(origin_days):
        past = series.head(d * per_day)
        wanted = alive | (set(members) if "combo" in alive else set())
        for name in fitted:
            if name not in wanted:
                out[name].append(dropped)
                continue
            try:
                out[name].append(get_model(name).fit(past, calendar).predict(horizon_days))
            except (ValueError, np.linalg.LinAlgError):
                out[name].append(None)
        if "combo" in names:
            out["combo"].append(combine([out[m][-1] for m in members]) if "combo" in alive else dropped)
        judged = compared & alive
        if judge and all(out[m][k] is not None for m in judged):  # a week _pick compares
            base = wape(actuals[k], out[BASELINE][k])
            for m in sorted(judged - {BASELINE}):
                losses[m] += not wape(actuals[k], out[m][k]) < base
                if losses[m] > most:
                    alive.discard(m)
    return {name: out[name] for name in names}


def _regular_days(series: Series, n_days: int, calendar: DayCalendar) -> np.ndarray:
    """Which of the first ``n_days`` days the history itself marks as regular (``DayShape.usable``)."""
    days = series.offered[: n_days * series.per_day].reshape(n_days, series.per_day)
    return learn_day_shape(days, day_dates(series.start, n_days), calendar).usable


def _actuals(series: Series, origin_days: list[int], horizon_days: int) -> list[np.ndarray]:
    per_day = series.per_day
    return [series.offered[d * per_day : (d + horizon_days) * per_day] for d in origin_days]


def _pick(
    names: tuple[str, ...],
    fc: dict[str, list[np.ndarray | None]],
    act: list[np.ndarray],
    prior: list[int],
    baseline: str = BASELINE,
) -> tuple[str | None, dict[str, float], list[int]]:
    """The model ``auto`` uses after the ``prior`` origins (the rule in the module docstring).

    Models that cannot fit at half or more of those origins (too little history) drop out; the
    rest are compared on the origins where all of them have a forecast (same weeks for all).
    Returns the pick, each model's pooled WAPE and the origins compared.
    """
    avail = {n: [i for i in prior if fc[n][i] is not None] for n in names}
    need = max(1, -(-len(prior) // 2))
    kept = [n for n in names if len(avail[n]) >= need]
    common = [i for i in prior if all(fc[n][i] is not None for n in kept)]
    wapes, weekly = {}, {}
    for name in kept if common else []:
        w = wape(np.concatenate([act[i] for i in common]), np.concatenate([fc[name][i] for i in common]))
        if np.isfinite(w):
            wapes[name] = w
            weekly[name] = np.array([wape(act[i], fc[name][i]) for i in common])
    if not wapes:
        return None, {}, []
    base = baseline if baseline in wapes else min(wapes, key=lambda k: (wapes[k], k))
    passed = [
        n
        for n in wapes
        if n != base
        and wapes[n] <= (1 - MARGIN) * wapes[base]
        and np.mean(weekly[n] < weekly[base]) >= MIN_WIN_SHARE - 1e-9
    ]
    pick = min(passed, key=lambda k: (wapes[k], k)) if passed else base
    return pick, wapes, common


def _auto_source(
    names: tuple[str, ...], fc: dict[str, list[np.ndarray | None]], act: list[np.ndarray], prior: list[int]
) -> tuple[str | None, dict[str, float], list[int]]:
    """What ``auto`` forecasts after the ``prior`` origins: the baseline, or its blend with the winner
    of :func:`_pick` (module docstring), added to ``fc`` under the name ``BASE+WINNER``."""
    pick, wapes, common = _pick(names, fc, act, prior)
    if pick is None or pick == BASELINE or BASELINE not in wapes:
        return pick, wapes, common
    key = f"{BASELINE}+{pick}"
    if key not in fc:
        fc[key] = [None if a is None or b is None else (a + b) / 2 for a, b in zip(fc[BASELINE], fc[pick], strict=True)]
    return key, wapes, common


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
    calibration), so models are forecast at ``n_origins + n_select`` origins in all. ``auto`` keeps
    the baseline ``mean_4w`` unless a challenger beat it over those earlier origins by ``MARGIN`` in
    pooled WAPE and in at least ``MIN_WIN_SHARE`` of the weeks (module docstring); bands and their
    error distribution are estimated on the same earlier origins only, so coverage is out of sample.
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
    errors: dict[tuple[str, int], ForecastError | None] = {}  # (model, origin) -> error from earlier origins

    regular: dict[int, np.ndarray] = {}  # origin -> the regular days of the history before it

    def error_before(src: str, i: int) -> ForecastError | None:
        if i not in regular:
            regular[i] = _regular_days(series, origin_days[i], calendar)
        if (src, i) not in errors:
            js = [j for j in prior_of(i) if fc[src][j] is not None]
            errors[src, i] = estimate_error(
                [fc[src][j] for j in js],
                [act[j] for j in js],
                series.per_day,
                level,
                [regular[i][origin_days[j] : origin_days[j] + horizon_days] for j in js],
            )
        return errors[src, i]

    for i in evaluated:
        prior = prior_of(i)
        for name in (*models, "auto"):
            if name == "auto":
                pick, _, _ = _auto_source(candidates, fc, act, prior)
                if pick is None:
                    continue
                chosen.append(pick)
                src = pick
            else:
                src = name
            if fc[src][i] is None:
                continue
            lo, hi = bands(fc[src][i], error_before(src, i), level)
            rows[name].append((act[i], fc[src][i], lo, hi))
    for name, parts in rows.items():
        if not parts:
            continue
        a, f, lo, hi = (np.concatenate([p[k] for p in parts]) for k in range(4))
        scores.append(Score(name, wape(a, f), bias(a, f), coverage(a, lo, hi, f), len(parts)))
    origins = tuple(series.start + pd.Timedelta(days=origin_days[i]) for i in evaluated)
    per_origin = tuple(
        (float(wape(act[i], fc[pick][i])) if fc[pick][i] is not None else float("nan"))
        for i, pick in zip(evaluated, chosen, strict=False)
    )
    weekly = _weekly(models, fc, act, evaluated)
    return BacktestReport(origins, horizon_days, level, tuple(scores), tuple(chosen), weekly, per_origin)


def _weekly(models, fc, act, evaluated) -> dict[str, tuple[float, ...]]:
    """Each listed model's WAPE at each evaluated origin (NaN where it could not fit)."""
    return {
        m: tuple(float(wape(act[i], fc[m][i])) if fc[m][i] is not None else float("nan") for i in evaluated)
        for m in models
    }


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
    error: ForecastError | None  # backtest error distribution behind the bands (None: Poisson bands)
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

    The last ``n_select`` weeks are backtested one week ahead (fewer if the history is short).
    ``auto`` keeps the baseline ``mean_4w`` unless a challenger's pooled WAPE there is at least
    ``MARGIN`` (3 %) lower and it beat the baseline in at least ``MIN_WIN_SHARE`` (2/3) of the weeks
    (module docstring). The error distribution (``forecasts.uncertainty``) is estimated on the
    chosen model's backtest errors, its band coverage measured out of sample (each week's band from
    the earlier weeks only); the model is then refitted on the full history. Notes include what the
    history said against the calendar (normal holidays, closed make-up days), once.
    """
    if horizon_days < 1:
        raise ValueError(f"horizon_days {horizon_days}: must be at least 1")
    if series.offered.sum() <= 0:
        name = series.channel + (f"/{series.queue}" if series.queue else "")
        raise ValueError(f"{name}: the history has no contacts at all; nothing to forecast from")
    names = tuple(candidates) if method == "auto" else (get_model(method).name,)
    notes: list[str] = []
    if method == "auto" and series.per_day > FINE_PER_DAY:  # finer than 15 min: statsmodels fits take minutes
        slow = [n for n in names if n in SLOW_AT_FINE_INTERVALS]
        names = tuple(n for n in names if n not in SLOW_AT_FINE_INTERVALS)
        if slow:
            notes.append(
                f"auto skipped {', '.join(slow)} at {series.interval_min}-minute intervals (too slow); "
                "a forecast interval of 15 minutes or more includes them"
            )
    origin_days = [series.n_days - 7 * k for k in range(n_select, 0, -1)]
    origin_days = [d for d in origin_days if d >= 7]
    act = _actuals(series, origin_days, 7)
    pruned = act if method == "auto" else None  # auto drops the challengers that can no longer win
    fc = _origin_forecasts(series, names, origin_days, 7, calendar, pruned) if origin_days else {n: [] for n in names}
    usable = [i for i in range(len(origin_days))]
    pick, wapes, common = _auto_source(names, fc, act, usable) if method == "auto" else _pick(names, fc, act, usable)
    if pick is None:
        # too little history for any backtest: the first model that fits, Poisson intervals
        pick = next((n for n in names if _fits(n, series, calendar)), None)
        if pick is None:
            raise ValueError(
                f"history of {series.n_days} day(s) is too short for any model (need at least 7 whole days)"
            )
        notes.append("history too short to backtest: intervals are Poisson only (too narrow)")
        error, chosen_wape = None, None
    else:
        prior = [i for i in usable if fc[pick][i] is not None]
        pairs = ([fc[pick][i] for i in prior], [act[i] for i in prior])
        usable_days = _regular_days(series, series.n_days, calendar)
        reg = [usable_days[origin_days[i] : origin_days[i] + 7] for i in prior]
        error = with_coverage(
            estimate_error(*pairs, series.per_day, level, reg),
            out_of_sample_coverage(*pairs, series.per_day, level, reg),
        )
        chosen_wape = wapes.get(pick, wape(np.concatenate(pairs[1]), np.concatenate(pairs[0])))
    members = pick.split("+")
    others = {k: v for k, v in wapes.items() if k not in members}
    runner = min(others, key=lambda k: (others[k], k)) if others else None
    fits = [get_model(m).fit(series, calendar) for m in members]
    mean = np.mean([f.predict(horizon_days) for f in fits], axis=0)
    for f in fits:
        notes.extend(n for n in f.notes if n not in notes)
    lo, hi = bands(mean, error, level)
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
        error,
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
