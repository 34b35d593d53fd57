"""The forecast step: a history file becomes a forecast file (DESIGN.md "Forecast" schema).

Wraps ``forecasts`` for the CLI and the pipeline: every error from the library (``HistoryError``,
``CalendarError`` and other ``ValueError``) becomes a one-line :class:`PlannerInputError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecasts.backtest import make_forecast
from forecasts.daycalendar import load_calendar
from forecasts.io import aggregate_history, read_history
from planner.errors import PlannerInputError

FORECAST_COLUMNS = ("interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s")


def forecast_frame(forecasts: list) -> pd.DataFrame:
    """Rows of the forecast schema; a ``queue`` column is added only when the history had queues.

    ``aht_s`` is left empty when the history has no handle time.
    """
    parts = []
    for f in forecasts:
        part = pd.DataFrame(
            {
                "interval_start": f.index.strftime("%Y-%m-%dT%H:%M"),
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


def run_forecast(
    history: str,
    horizon_days: int,
    out: str,
    interval_min: int | None = None,
    method: str = "auto",
    holidays: str = "CN",
    level: float = 0.8,
    backtest_weeks: int = 8,
    tz: str = "Asia/Shanghai",
) -> dict[str, Any]:
    """Read, forecast every channel/queue, write ``out``; returns a JSON-ready summary."""
    if horizon_days < 1 or horizon_days > 366:
        raise PlannerInputError(f"--horizon-days {horizon_days}: must be between 1 and 366")
    if not 0 < level < 1:
        raise PlannerInputError(f"--level {level}: must be a fraction strictly between 0 and 1")
    if backtest_weeks < 1:
        raise PlannerInputError(f"--backtest-weeks {backtest_weeks}: must be at least 1")
    try:
        hist = aggregate_history(read_history(history, interval_min=interval_min, tz=tz), interval_min)
        first = min(s.start for s in hist.series)
        last = max(s.end for s in hist.series) + pd.Timedelta(days=horizon_days)
        calendar = load_calendar(holidays, range(first.year - 1, last.year + 2))
        results = [
            make_forecast(s, horizon_days, method, calendar, n_select=backtest_weeks, level=level)
            for s in hist.series
        ]
    except ValueError as exc:  # HistoryError, CalendarError and model errors are ValueErrors
        raise PlannerInputError(str(exc).splitlines()[0]) from None
    frame = forecast_frame(results)
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out, index=False)
    except OSError as exc:
        raise PlannerInputError(f"{out}: cannot write ({exc.strerror or exc})") from None
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
                "dispersion": f.dispersion,
                "has_aht": f.aht_s is not None,
                "aht_backtest_error": f.aht_backtest_error,
                "notes": list(f.notes),
            }
        )
    notes = [f"{s['channel']}: {n}" for s in series for n in s["notes"]]
    return {
        "out": str(out),
        "rows": len(frame),
        "interval_min": hist.interval_min,
        "horizon_days": horizon_days,
        "level": level,
        "holidays": calendar.name,
        "method": method,
        "series": series,
        "warnings": list(hist.warnings) + notes,
    }
