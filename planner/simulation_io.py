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

import itertools
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from planner.calendar import parse_instant
from planner.errors import PlannerInputError
from planner.simulation import INTERVAL_MINUTES, Roster, Workload, roster_from_windows

ACTIVITIES = ("work", "lunch", "break", "training", "off")


def _read_table(path: Path, what: str) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise PlannerInputError(f"{path}: {what} file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str)
        else:
            df = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise PlannerInputError(f"{path}: {what} file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PlannerInputError(f"{path}: cannot read {what} ({msg})") from None
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise PlannerInputError(f"{path}: {what} file has no data rows")
    return df


def _require(df: pd.DataFrame, path: str | Path, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PlannerInputError(f"{path}: missing column(s) {', '.join(missing)} (have {', '.join(df.columns)})")


def _parse_time(value: object, path: Path, row: int, column: str) -> datetime:
    """Local wall-clock time; an explicit UTC offset is converted to the site zone (as for the forecast)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    try:
        return parse_instant(text, column)
    except PlannerInputError:
        raise PlannerInputError(f"{path}: row {row}: {column} {text!r} is not a time like 2026-03-02T09:30") from None


def read_forecast(path: str | Path, *, aht_s: float, interval_min: int | None = None) -> Workload:
    """The voice forecast of ``path`` as a :class:`Workload` (rows numbered as in a spreadsheet).

    Parsing and validation are :func:`planner.staffing.read_forecast`'s (one reader for the forecast
    schema); on top, the voice rows must form one contiguous run of intervals.
    """
    from planner.staffing import read_forecast as read_forecast_table

    if not (math.isfinite(aht_s) and aht_s > 0):
        raise PlannerInputError(f"--aht-s must be > 0, got {aht_s}")
    df = read_forecast_table(path)
    voice = df[df["channel"].str.lower() == "voice"].sort_values("interval_start", kind="stable")
    if voice.empty:
        raise PlannerInputError(f"{path}: no rows with channel 'voice'")
    times = [t.to_pydatetime() for t in voice["interval_start"]]
    rows = voice["_row"].to_numpy()
    offered = voice["offered"].to_numpy(dtype=float)
    aht = np.full(offered.size, float(aht_s))
    if "aht_s" in voice.columns:
        given = voice["aht_s"].to_numpy(dtype=float)
        zero = np.flatnonzero(given == 0)
        if zero.size:
            raise PlannerInputError(f"{path}: row {rows[zero[0]]}: aht_s must be > 0, got 0")
        aht = np.where(np.isnan(given), aht, given)
    steps = np.diff(np.array(times, dtype="datetime64[m]")).astype(np.int64)
    if interval_min is None:
        interval_min = int(steps.min()) if steps.size else 30
    if interval_min not in INTERVAL_MINUTES:
        raise PlannerInputError(f"{path}: interval length {interval_min} min is not one of {INTERVAL_MINUTES}")
    gap = np.flatnonzero(steps != interval_min)
    if gap.size:
        i = gap[0] + 1
        raise PlannerInputError(
            f"{path}: row {rows[i]}: interval_start {times[i]:%Y-%m-%dT%H:%M} does not follow "
            f"{times[i - 1]:%Y-%m-%dT%H:%M} by {interval_min} min (gap or irregular spacing)"
        )
    return Workload(times[0], int(interval_min), offered, aht)


def read_schedule(path: str | Path, workload: Workload, *, cyclic: bool | None = None) -> Roster:
    """Agents' ``work`` windows of the schedule at ``path`` on the workload's clock.

    ``cyclic=None`` wraps work past the horizon to its start when the horizon is a whole number of weeks.
    """
    path = Path(path)
    df = _read_table(path, "schedule")
    return roster_from_schedule(df, workload, cyclic=cyclic, source=str(path))


def roster_from_schedule(
    df: pd.DataFrame, workload: Workload, *, cyclic: bool | None = None, source: str = "schedule"
) -> Roster:
    """Agents' ``work`` windows of schedule rows (``agent_id, date, activity, start, end``, as in
    schedule.csv) on the workload's clock; ``source`` names the rows in error messages."""
    path = source
    _require(df, path, ("agent_id", "date", "activity", "start", "end"))
    horizon_s = workload.horizon_s
    if cyclic is None:
        cyclic = horizon_s % (7 * 86400.0) == 0
    windows: dict[str, list[tuple[float, float, int]]] = {}
    for i, rec in enumerate(df.itertuples(index=False)):
        row = i + 2
        agent = str(rec.agent_id).strip()
        if not agent or agent == "nan":
            raise PlannerInputError(f"{path}: row {row}: agent_id is empty")
        activity = str(rec.activity).strip().lower()
        if activity not in ACTIVITIES:
            raise PlannerInputError(
                f"{path}: row {row}: activity {rec.activity!r} is not one of {'|'.join(ACTIVITIES)}"
            )
        try:
            datetime.strptime(str(rec.date).strip(), "%Y-%m-%d")
        except ValueError:
            raise PlannerInputError(f"{path}: row {row}: date {rec.date!r} is not a date like 2026-03-02") from None
        start = _parse_time(rec.start, path, row, "start")
        end = _parse_time(rec.end, path, row, "end")
        if end <= start:
            raise PlannerInputError(f"{path}: row {row}: end {rec.end} is not after start {rec.start}")
        if activity != "work":
            continue
        a = (start - workload.start).total_seconds()
        b = (end - workload.start).total_seconds()
        windows.setdefault(agent, []).append((a, b, row))
    out: dict[str, list[tuple[float, float]]] = {}
    for agent, wins in windows.items():
        wins.sort()
        for (_a0, b0, r0), (a1, _b1, r1) in itertools.pairwise(wins):
            if a1 < b0:
                raise PlannerInputError(f"{path}: row {r1}: work of agent {agent} overlaps its work on row {r0}")
        pieces: list[tuple[float, float, int]] = []
        for a, b, r in wins:
            if b <= 0 or a >= horizon_s:
                continue  # outside the forecast's horizon
            a = max(a, 0.0)
            if cyclic and b > horizon_s:
                # the week is a cycle: what runs past the end covers the start (Sunday night -> Monday)
                pieces.append((a, horizon_s, r))
                pieces.append((0.0, min(b - horizon_s, horizon_s), r))
            else:
                pieces.append((a, b, r))
        if cyclic:
            pieces.sort()
            for (_a0, b0, r0), (a1, _b1, r1) in itertools.pairwise(pieces):
                if a1 < b0:
                    raise PlannerInputError(
                        f"{path}: row {r0}: work of agent {agent} wraps past the end of the week onto its "
                        f"work on row {r1}"
                    )
        out[agent] = [(a, b) for a, b, _r in pieces]
    roster = roster_from_windows(out)
    if roster.n_agents == 0:
        raise PlannerInputError(
            f"{path}: no 'work' inside the forecast's horizon {workload.start:%Y-%m-%dT%H:%M} + {horizon_s / 3600:g} h"
        )
    return roster
