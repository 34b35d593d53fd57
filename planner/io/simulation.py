"""Read the forecast and the schedule for a simulation (the file boundary: all validation lives here).

Forecast: ``interval_start, channel, offered, offered_lo, offered_hi, aht_s`` (only ``interval_start``
and ``offered`` are required; rows of another channel than ``voice`` are ignored; an ``aht_s`` value
overrides the default handle time for its interval). Intervals must be contiguous and evenly spaced.

Schedule: ``agent_id, date, activity, start, end`` (activity in work|lunch|break|training|off; times
``YYYY-MM-DDTHH:MM`` local; an overnight shift ends on the next date). Only ``work`` serves calls.
The week is a cycle (DESIGN.md): when the forecast spans whole weeks, work that runs past its end is
wrapped to its start (Sunday night's shift covers Monday morning).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from planner.domain import TIME_FMT
from planner.errors import PlannerInputError
from planner.io.forecast import read_forecast as read_forecast_table
from planner.io.table import read_table
from planner.simulation import INTERVAL_MINUTES, Roster, Workload, roster_from_schedule


def read_forecast(
    path: str | Path, *, aht_s: float | None, interval_min: int | None = None, channel: str = "voice",
    warn: Callable[[str], None] | None = None,
) -> Workload:
    """One channel's forecast of ``path`` as a :class:`Workload` (rows numbered as in a spreadsheet).

    Parsing and validation are :func:`planner.io.forecast.read_forecast`'s (one reader for the forecast
    schema); on top, the channel's rows must form one contiguous run of intervals. ``aht_s`` (a flag or
    the scenario's) overrides the forecast's handle time and ``warn`` says so; without it the forecast
    must carry ``aht_s`` wherever contacts are forecast.
    """
    if aht_s is not None and not (math.isfinite(aht_s) and aht_s > 0):
        raise PlannerInputError(f"--aht-s must be > 0, got {aht_s}")
    df = read_forecast_table(path).frame
    voice = df[df["channel"].str.lower() == channel].sort_values("interval_start", kind="stable")
    if voice.empty:
        raise PlannerInputError(f"{path}: no rows with channel '{channel}'")
    times = [t.to_pydatetime() for t in voice["interval_start"]]
    rows = voice.index.to_numpy()
    offered = voice["offered"].to_numpy(dtype=float)
    given = voice["aht_s"].to_numpy(dtype=float) if "aht_s" in voice.columns else np.full(offered.size, np.nan)
    zero = np.flatnonzero(given == 0)
    if zero.size:
        raise PlannerInputError(f"{path}: row {rows[zero[0]]}: aht_s must be > 0, got 0")
    if aht_s is not None:
        if np.isfinite(given).any() and warn is not None:
            warn(f"--aht-s {aht_s:g} overrides the aht_s of {path} (mean {np.nanmean(given):.4g} s)")
        aht = np.full(offered.size, float(aht_s))
    else:
        missing = np.flatnonzero(np.isnan(given) & (offered > 0))
        if missing.size:
            raise PlannerInputError(
                f"{path}: row {rows[missing[0]]}: no aht_s for this interval; give --aht-s (or aht_s in the "
                "scenario's channel)"
            )
        aht = np.where(np.isnan(given), 1.0, given)
    steps = np.diff(np.array(times, dtype="datetime64[m]")).astype(np.int64)
    if interval_min is None:
        interval_min = int(steps.min()) if steps.size else 30
    if interval_min not in INTERVAL_MINUTES:
        raise PlannerInputError(f"{path}: interval length {interval_min} min is not one of {INTERVAL_MINUTES}")
    gap = np.flatnonzero(steps != interval_min)
    if gap.size:
        i = gap[0] + 1
        raise PlannerInputError(
            f"{path}: row {rows[i]}: interval_start {times[i]:{TIME_FMT}} does not follow "
            f"{times[i - 1]:{TIME_FMT}} by {interval_min} min (gap or irregular spacing)"
        )
    return Workload(times[0], int(interval_min), offered, aht)


def read_schedule(path: str | Path, workload: Workload, *, cyclic: bool | None = None) -> Roster:
    """Agents' ``work`` windows of the schedule at ``path`` on the workload's clock.

    ``cyclic=None`` wraps work past the horizon to its start when the horizon is a whole number of weeks.
    """
    path = Path(path)
    df = read_table(path, "schedule")
    return roster_from_schedule(df, workload, cyclic=cyclic, source=str(path))
