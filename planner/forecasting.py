"""The forecast step: a history becomes a forecast frame (DESIGN.md "Forecast" schema).

Wraps ``forecasts`` for the CLI and the pipeline (objects in, objects out; files are planner.io's): every
error from the library (``HistoryError``, ``CalendarError``, other ``ValueError``) becomes one
:class:`PlannerInputError` line.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

import numpy as np
import pandas as pd

from forecasts.backtest import make_forecast
from forecasts.daycalendar import DayCalendar, load_calendar
from forecasts.io import History, Series, align_ends
from forecasts.models import AUTO_CANDIDATES
from planner.domain import TIME_FMT
from planner.errors import PlannerInputError

FORECAST_COLUMNS = ("interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s")


class Cache(Protocol):
    """Where finished results are kept between runs (``planner.io.cache.DiskCache``): ``get`` gives None
    for a key it does not hold."""

    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, value: Any) -> None: ...


def forecast_key(
    series: Series, horizon_days: int, method: str, calendar: DayCalendar, n_select: int, level: float
) -> str:
    """The content key of one series' forecast and backtest: its data, the horizon, the settings, the day
    calendar. Equal keys give the same :func:`forecasts.backtest.make_forecast` result from the same code
    (the cache itself tells code versions apart: :class:`planner.io.cache.DiskCache`)."""
    h = hashlib.sha256()
    fields = (series.channel, series.queue, str(series.start), series.interval_min, horizon_days, method,
              n_select, level, AUTO_CANDIDATES, calendar.name, sorted(calendar.holidays), sorted(calendar.workdays))
    h.update(repr(fields).encode())
    for arr in (series.offered, series.aht_s, series.aht_weight):
        h.update(b"-" if arr is None else np.ascontiguousarray(arr, dtype=float).tobytes())
        h.update(b"|")
    return h.hexdigest()


def forecast_frame(forecasts: list) -> pd.DataFrame:
    """Rows of the forecast schema; a ``queue`` column is added only when the history had queues.

    ``aht_s`` is left empty when the history has no handle time.
    """
    parts = []
    for f in forecasts:
        part = pd.DataFrame(
            {
                "interval_start": f.index.strftime(TIME_FMT),
                "channel": f.channel,
                "offered": np.round(f.offered, 3),
                "offered_lo": f.offered_lo.astype(int),
                "offered_hi": f.offered_hi.astype(int),
                "aht_s": np.round(f.aht_s, 1) if f.aht_s is not None else np.nan,
            }
        )
        if any(g.queue for g in forecasts):
            part.insert(2, "queue", f.queue or "")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def forecast(
    history: History,
    horizon_days: int,
    *,
    calendar: DayCalendar,
    method: str = "auto",
    level: float = 0.8,
    backtest_weeks: int = 8,
    cache: Cache | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Forecast every channel/queue of ``history`` for the ``horizon_days`` after its last day.

    ``cache``: each series' forecast and backtest are looked up by :func:`forecast_key` and kept there
    once made, so a rerun on the same history and settings skips the backtests (the same result).

    One horizon for the whole history: every series is forecast from :attr:`History.end` (midnight after
    the last day over all series); days after a series' last row count as closed (no contacts).

    Returns the forecast frame (DESIGN.md schema, ``interval_start`` as ISO text) and a JSON-ready
    summary: the model each series' backtest chose, its WAPE and the runner-up, the backtest error
    distribution behind the bands (``error``, None without a backtest), warnings (deduplicated).
    """
    if horizon_days < 1 or horizon_days > 366:
        raise PlannerInputError(f"horizon_days {horizon_days}: must be between 1 and 366")
    if not 0 < level < 1:
        raise PlannerInputError(f"level {level}: must be a fraction strictly between 0 and 1")
    if backtest_weeks < 1:
        raise PlannerInputError(f"backtest_weeks {backtest_weeks}: must be at least 1")
    history = align_ends(history)
    def one(s: Series) -> Any:
        key = forecast_key(s, horizon_days, method, calendar, backtest_weeks, level) if cache is not None else ""
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = make_forecast(s, horizon_days, method, calendar, n_select=backtest_weeks, level=level)
            if cache is not None:
                cache.put(key, found)
        return found

    try:
        results = [one(s) for s in history.series]
    except ValueError as exc:  # HistoryError, CalendarError and model errors are ValueErrors
        raise PlannerInputError(str(exc).splitlines()[0]) from None
    frame = forecast_frame(results)
    series = []
    for f in results:
        improvement = (
            (f.runner_up_wape - f.backtest_wape) / f.runner_up_wape
            if f.backtest_wape is not None and f.runner_up_wape
            else None
        )
        series.append(
            {
                "channel": f.channel,
                "queue": f.queue,
                "model": f.model,
                "backtest_wape": f.backtest_wape,
                "backtest_weeks": f.backtest_weeks,
                "runner_up": f.runner_up,
                "runner_up_wape": f.runner_up_wape,
                "improvement": improvement,
                "error": None
                if f.error is None
                else {
                    "week_log_sd": f.error.week_log_sd,
                    "day_log_sd": f.error.day_log_sd,
                    "interval_dispersion": f.error.interval_dispersion,
                    "n_days": f.error.n_days,
                    "coverage": f.error.coverage,
                },
                "has_aht": f.aht_s is not None,
                "aht_backtest_error": f.aht_backtest_error,
                "notes": list(f.notes),
            }
        )
    notes = list(dict.fromkeys(f"{s['channel']}: {n}" for s in series for n in s["notes"]))
    return frame, {
        "rows": len(frame),
        "interval_min": history.interval_min,
        "horizon_days": horizon_days,
        "level": level,
        "holidays": calendar.name,
        "method": method,
        "series": series,
        "warnings": list(history.warnings) + notes,
    }


def history_calendar(history: History, horizon_days: int, spec: str = "CN") -> DayCalendar:
    """The day calendar (``CN``, ``none`` or a country code) for the years of the history and the horizon.

    A holiday file is read at the edge (the CLI, the scenario loader) and passed as a calendar instead.
    """
    if spec.upper() not in ("CN", "NONE") and ("." in spec or "/" in spec or "\\" in spec):
        raise PlannerInputError(f"holidays '{spec}': a holiday file is read by the caller, not here")
    first = min(s.start for s in history.series)
    last = history.end + pd.Timedelta(days=horizon_days)
    try:
        return load_calendar(spec, range(first.year - 1, last.year + 2))
    except ValueError as exc:
        raise PlannerInputError(str(exc).splitlines()[0]) from None
