"""The forecast step: a history becomes a forecast frame (DESIGN.md "Forecast" schema).

Wraps ``forecasts`` for the CLI and the pipeline (objects in, objects out; files are planner.io's): every
error from the library (``HistoryError``, ``CalendarError``, other ``ValueError``) becomes one
:class:`PlannerInputError` line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasts.backtest import make_forecast
from forecasts.daycalendar import DayCalendar, load_calendar
from forecasts.io import History, Series, align_ends
from forecasts.models import AUTO_CANDIDATES
from forecasts.uncertainty import ForecastError
from planner.cache import Cache, cached_map, content_key
from planner.domain import TIME_FMT
from planner.errors import PlannerInputError

FORECAST_COLUMNS = ("interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s")


@dataclass(frozen=True)
class SeriesSummary:
    """One series' forecast as its backtest chose it: the model, its one-week-ahead WAPE over
    ``backtest_weeks`` origins (None: history too short), the runner-up and its WAPE, the backtest error
    distribution behind the bands (:class:`forecasts.uncertainty.ForecastError`; None without a backtest),
    whether handle time was forecast too and its volume-weighted backtest error, notes."""

    channel: str
    queue: str | None
    model: str
    backtest_wape: float | None
    backtest_weeks: int
    runner_up: str | None
    runner_up_wape: float | None
    error: ForecastError | None
    has_aht: bool
    aht_backtest_error: float | None
    notes: tuple[str, ...] = ()

    @property
    def improvement(self) -> float | None:
        """The chosen model's WAPE gain over the runner-up's, as a fraction of the runner-up's."""
        if self.backtest_wape is None or not self.runner_up_wape:
            return None
        return (self.runner_up_wape - self.backtest_wape) / self.runner_up_wape

    def to_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "queue": self.queue, "model": self.model,
                "backtest_wape": self.backtest_wape, "backtest_weeks": self.backtest_weeks,
                "runner_up": self.runner_up, "runner_up_wape": self.runner_up_wape,
                "improvement": self.improvement, "error": None if self.error is None else asdict(self.error),
                "has_aht": self.has_aht, "aht_backtest_error": self.aht_backtest_error, "notes": list(self.notes)}


@dataclass(frozen=True)
class ForecastSummary:
    """What a forecast was made from and how it did: the interval length [min], each series'
    :class:`SeriesSummary`, warnings; for a forecast made here also its rows, horizon, band level, day
    calendar and method. ``given``: the forecast was given as is (a file), with no backtest."""

    interval_min: int
    series: tuple[SeriesSummary, ...] = ()
    warnings: tuple[str, ...] = ()
    given: bool = False
    rows: int = 0
    horizon_days: int = 0
    level: float | None = None
    holidays: str | None = None
    method: str | None = None

    def errors(self, channel: str) -> tuple[ForecastError, ...]:
        """The backtest error of each of ``channel``'s series (queues) that has one."""
        return tuple(x.error for x in self.series if x.channel == channel and x.error is not None)

    def of(self, channel: str) -> SeriesSummary | None:
        """The first series of ``channel`` (None when it has none)."""
        return next((x for x in self.series if x.channel == channel), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary (``planner forecast --json``; full precision)."""
        out: dict[str, Any] = {"rows": self.rows, "interval_min": self.interval_min}
        if not self.given:
            out.update(horizon_days=self.horizon_days, level=self.level, holidays=self.holidays, method=self.method)
        out.update(series=[x.to_dict() for x in self.series], warnings=list(self.warnings))
        if self.given:
            out["given"] = True
        return out


def forecast_key(
    series: Series, horizon_days: int, method: str, calendar: DayCalendar, n_select: int, level: float
) -> str:
    """The content key of one series' forecast and backtest: its data, the horizon, the settings, the day
    calendar. Equal keys give the same :func:`forecasts.backtest.make_forecast` result from the same code
    (the cache itself tells code versions apart: :class:`planner.io.cache.DiskCache`)."""
    return content_key("forecast", series.channel, series.queue, str(series.start), series.interval_min,
                       horizon_days, method, n_select, level, AUTO_CANDIDATES, calendar.name,
                       sorted(calendar.holidays), sorted(calendar.workdays), series.offered, series.aht_s,
                       series.aht_weight)


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
) -> tuple[pd.DataFrame, ForecastSummary]:
    """Forecast every channel/queue of ``history`` for the ``horizon_days`` after its last day.

    ``cache``: each series' forecast and backtest are looked up by :func:`forecast_key` and kept there
    once made, so a rerun on the same history and settings skips the backtests (the same result).

    One horizon for the whole history: every series is forecast from :attr:`History.end` (midnight after
    the last day over all series); days after a series' last row count as closed (no contacts).

    Returns the forecast frame (DESIGN.md schema, ``interval_start`` as ISO text) and its
    :class:`ForecastSummary`: the model each series' backtest chose, its WAPE and the runner-up, the
    backtest error distribution behind the bands, warnings (deduplicated).
    """
    if horizon_days < 1 or horizon_days > 366:
        raise PlannerInputError(f"horizon_days {horizon_days}: must be between 1 and 366")
    if not 0 < level < 1:
        raise PlannerInputError(f"level {level}: must be a fraction strictly between 0 and 1")
    if backtest_weeks < 1:
        raise PlannerInputError(f"backtest_weeks {backtest_weeks}: must be at least 1")
    history = align_ends(history)
    def one(s: Series) -> Any:
        return make_forecast(s, horizon_days, method, calendar, n_select=backtest_weeks, level=level)

    def key(s: Series) -> str:
        return forecast_key(s, horizon_days, method, calendar, backtest_weeks, level)

    try:
        results = cached_map(one, list(history.series), key, cache)
    except ValueError as exc:  # HistoryError, CalendarError and model errors are ValueErrors
        raise PlannerInputError(str(exc).splitlines()[0]) from None
    frame = forecast_frame(results)
    series = tuple(
        SeriesSummary(f.channel, f.queue, f.model, f.backtest_wape, f.backtest_weeks, f.runner_up, f.runner_up_wape,
                      f.error, f.aht_s is not None, f.aht_backtest_error, tuple(f.notes))
        for f in results
    )
    notes = list(dict.fromkeys(f"{x.channel}: {n}" for x in series for n in x.notes))
    return frame, ForecastSummary(
        interval_min=history.interval_min, series=series, warnings=(*history.warnings, *notes), rows=len(frame),
        horizon_days=horizon_days, level=level, holidays=calendar.name, method=method,
    )


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
