"""Per-interval staffing requirements for every channel (voice, chat, email) of a scenario.

Forecast in (``interval_start, channel, offered, offered_lo, offered_hi, aht_s``), requirements out
(``interval_start, channel, required, load_erl, service_level, asa_s, occupancy`` + ``open,
backlog_items``),
one block of rows per channel. ``required`` is productive agents on the job; shrinkage is applied when
scheduling.

* voice: Erlang C or A (``planner.queueing``), fewest agents meeting every target.
* chat: an agent carries ``concurrency`` = c chats at once and each chat's handle time stretches to
  ``aht_s * (1 + handle_time_stretch * (c - 1))``. Each chat slot is one server of an Erlang C/A
  queue with the stretched handle time; agents = ceil(slots / c). With c = 1 this is exactly the voice
  model. (The slot model is the usual multi-server reading of concurrent chat, e.g. Koole,
  *Call Center Optimization* (2013), ch. on multi-channel; the stretch is the planner's own figure.)
* email (any deferred work): ``planner.deferred``, the fewest agent-hours so that FIFO service gives
  every item its first reply within ``first_reply_working_hours`` of the coverage window.

Outside the coverage window the requirement is 0 (a 7x24 window is always open); inside it, at least
``min_agents`` even when the forecast is near zero.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner import queueing
from planner.calendar import ChineseCalendar, format_instant, parse_instant
from planner.deferred import deferred_requirements, interval_open_fraction, jobs_from_intervals, replay_fifo
from planner.domain import INTERVALS_MIN, REQUIREMENT_COLUMNS, ChannelSpec, Forecast, Requirements, Scenario
from planner.errors import IntervalError, PlannerInputError

FORECAST_REQUIRED = ("interval_start", "offered")
FORECAST_COLUMNS = ("interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s")


ChannelStaffing = Callable[[ChannelSpec, tuple, np.ndarray, np.ndarray, int], np.ndarray]


class StaffingWarning(UserWarning):
    """Something the planner should look at (contacts outside the window, a channel without forecast)."""


@dataclass(frozen=True)
class ChannelRequirement:
    """Requirements of one channel over its intervals (arrays aligned with ``starts``)."""

    channel: str
    starts: tuple[dt.datetime, ...]
    required: np.ndarray  # int, productive agents
    fractional_agents: np.ndarray
    load_erl: np.ndarray
    service_level: np.ndarray
    asa_s: np.ndarray
    occupancy: np.ndarray
    open: np.ndarray  # bool: interval overlaps the coverage window
    backlog: np.ndarray  # deferred items waiting at the interval's end (NaN for voice/chat)


# --------------------------------------------------------------------------------------------
# Forecast file
# --------------------------------------------------------------------------------------------


def validate_forecast(raw: pd.DataFrame, *, source: str = "forecast", timezone: str = "Asia/Shanghai") -> Forecast:
    """Check columns, numbers, timestamps and duplicates; return the typed :class:`~planner.domain.Forecast`.

    ``interval_start`` becomes naive local time (explicit offsets are converted to ``timezone``);
    a missing ``channel`` column means ``voice``. Errors name the file, the CSV row and the field.
    """
    df = raw.copy()
    df.columns = [str(c).strip() for c in df.columns]
    for col in FORECAST_REQUIRED:
        if col not in df.columns:
            raise PlannerInputError(
                f"{source}: missing column '{col}' (forecast columns: {', '.join(FORECAST_COLUMNS)})"
            )
    if len(df) == 0:
        raise PlannerInputError(f"{source}: no forecast rows")
    if "channel" not in df.columns:
        df["channel"] = "voice"
    df["channel"] = df["channel"].fillna("").astype(str).str.strip()
    rows = np.arange(len(df)) + 2  # CSV line numbers (header is line 1)
    empty = df["channel"] == ""
    if empty.any():
        raise PlannerInputError(f"{source} row {rows[np.argmax(empty.to_numpy())]}: channel is empty")
    starts = []
    for i, text in enumerate(df["interval_start"].tolist()):
        if text is None or (isinstance(text, float) and math.isnan(text)):
            raise PlannerInputError(f"{source} row {rows[i]}: interval_start is empty")
        try:
            starts.append(parse_instant(text, "interval_start", timezone))
        except PlannerInputError:
            raise PlannerInputError(
                f"{source} row {rows[i]}: interval_start '{text}' is not an ISO date-time like 2026-03-02T09:30"
            ) from None
    df["interval_start"] = pd.to_datetime(starts)
    for col in ("offered", "offered_lo", "offered_hi", "aht_s"):
        if col not in df.columns:
            continue
        values = pd.to_numeric(df[col], errors="coerce")
        text = df[col]
        bad = values.isna() & text.notna() & (text.astype(str).str.strip() != "")
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            raise PlannerInputError(f"{source} row {rows[i]}: {col} '{text.iloc[i]}' is not a number")
        if col == "offered" and values.isna().any():
            i = int(np.argmax(values.isna().to_numpy()))
            raise PlannerInputError(f"{source} row {rows[i]}: offered is empty (write 0 for no contacts)")
        arr = values.to_numpy(dtype=float)
        nonfinite = np.isinf(arr)
        negative = arr < 0
        if nonfinite.any() or negative.any():
            i = int(np.argmax(nonfinite | negative))
            raise PlannerInputError(f"{source} row {rows[i]}: {col} {arr[i]:g} must be finite and >= 0")
        df[col] = arr
    dup = df.duplicated(["channel", "interval_start"], keep="first")
    if dup.any():
        i = int(np.argmax(dup.to_numpy()))
        same = (df["channel"] == df["channel"].iloc[i]) & (df["interval_start"] == df["interval_start"].iloc[i])
        first = int(np.argmax(same.to_numpy()))
        raise PlannerInputError(
            f"{source} row {rows[i]}: duplicate interval {format_instant(starts[i])} for channel "
            f"'{df['channel'].iloc[i]}' (first at row {rows[first]})"
        )
    df.index = pd.Index(rows, name="row")
    return Forecast(df, spacing_min(df), timezone, source)


def spacing_min(table: pd.DataFrame) -> float | None:
    """The smallest spacing [min] of ``interval_start`` within a channel (None: one interval each)."""
    diffs = [
        float(np.min(np.diff(t)) / np.timedelta64(1, "m"))
        for t in (np.sort(g.to_numpy()) for _, g in table.groupby("channel", sort=False)["interval_start"])
        if len(t) > 1
    ]
    return min(diffs) if diffs else None


def infer_interval_min(
    table: Forecast | pd.DataFrame, *, source: str = "forecast", interval_min: int | None = None
) -> int:
    """The interval length of a forecast or a requirements table: given, or the smallest spacing within a
    channel (must be 5..60, dividing a day)."""
    spacing = table.interval_min if isinstance(table, Forecast) else spacing_min(table)
    if interval_min is not None:
        if spacing is not None and spacing != interval_min:
            raise PlannerInputError(
                f"{source}: intervals are {spacing:g} min apart but the scenario says staffing.interval_min = "
                f"{interval_min}"
            )
    else:
        if spacing is None:
            raise PlannerInputError(f"{source}: one interval per channel: give staffing.interval_min in the scenario")
        inferred = float(spacing)
        if inferred not in INTERVALS_MIN:
            raise PlannerInputError(
                f"{source}: interval spacing of {inferred:g} min is not one of {', '.join(map(str, INTERVALS_MIN))}"
            )
        interval_min = int(inferred)
    return interval_min


def _check_grid(g: pd.DataFrame, interval_min: int, source: str, channel: str) -> None:
    """Intervals of one channel: aligned to the interval grid, no gaps."""
    s = g["interval_start"]
    minutes = s.dt.hour * 60 + s.dt.minute
    off = (minutes % interval_min != 0) | (s.dt.second != 0)
    if off.any():
        i = int(np.argmax(off.to_numpy()))
        raise PlannerInputError(
            f"{source} row {g.index[i]}: interval_start {format_instant(s.iloc[i])} is not on the "
            f"{interval_min}-min grid"
        )
    gaps = np.diff(s.to_numpy()) / np.timedelta64(1, "m")
    if len(gaps) and np.any(gaps != interval_min):
        i = int(np.argmax(gaps != interval_min))
        missing = s.iloc[i] + pd.Timedelta(minutes=interval_min)
        raise PlannerInputError(
            f"{source} row {g.index[i + 1]}: channel '{channel}' has a gap: interval "
            f"{format_instant(missing.to_pydatetime())} is missing (write 0 for no contacts)"
        )


# --------------------------------------------------------------------------------------------
# Per channel
# --------------------------------------------------------------------------------------------


def chat_handle_time_s(aht_s: np.ndarray, concurrency: int, handle_time_stretch: float) -> np.ndarray:
    """Handle time of one chat when an agent carries ``concurrency`` chats: aht_s * (1 + stretch * (c - 1))."""
    return np.asarray(aht_s, dtype=float) * (1.0 + handle_time_stretch * (concurrency - 1))


def _among(mask: np.ndarray, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on the intervals of ``mask``; an :class:`IntervalError` learns which they were."""
    try:
        return fn(*args, **kwargs)
    except IntervalError as exc:
        exc.among = mask
        raise


def queue_channel_requirements(
    spec: ChannelSpec,
    starts: tuple[dt.datetime, ...],
    calls: np.ndarray,
    aht_s: np.ndarray,
    interval_min: int,
    calendar: ChineseCalendar,
    rule: ChannelStaffing | None = None,
) -> ChannelRequirement:
    """Voice (c = 1) or chat (c >= 1): Erlang C/A per open interval, floors, zero outside the window.

    ``rule``: another staffing rule for the channel (e.g. the risk-aware one of ``planner.sla.risk``),
    called with the channel's spec, interval starts, calls (zero outside the window), handle times and
    interval length; its agents replace the per-interval Erlang ones (floors and the window still apply).
    """
    c = spec.concurrency if spec.kind == "chat" else 1
    stretch = spec.handle_time_stretch if spec.kind == "chat" else 0.0
    handle_s = chat_handle_time_s(aht_s, c, stretch)
    is_open = interval_open_fraction(starts, interval_min, spec.window, calendar) > 0
    n = len(starts)
    required = np.zeros(n, dtype=np.int64)
    fractional = np.zeros(n)
    load = np.asarray(calls, dtype=float) * handle_s / (interval_min * 60.0)
    sl, asa, occ = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    busy = is_open & (np.asarray(calls) > 0)
    try:
        if rule is not None and busy.any():
            inside = np.where(is_open, np.asarray(calls, dtype=float), 0.0)
            required[:] = np.where(is_open, rule(spec, starts, inside, np.asarray(aht_s, float), interval_min), 0)
            fractional[:] = required
        elif busy.any():
            res = _among(
                busy,
                queueing.required_agents,
                calls[busy],
                interval_min,
                handle_s[busy],
                spec.target.answer_s if spec.target.answer_s is not None else 0.0,
                sl_target=spec.target.sl,
                asa_target_s=spec.target.asa_s,
                max_occupancy=spec.max_occupancy,
                model=spec.model,
                patience_s=spec.patience_s,
            )
            slots = np.asarray(res.agents, dtype=np.int64)
            required[busy] = -(-slots // c)  # ceil(slots / c): fewest agents whose slots meet the targets
            fractional[busy] = np.asarray(res.fractional_agents, dtype=float) / c
        required[is_open] = np.maximum(required[is_open], spec.min_agents)
        fractional[is_open] = np.maximum(fractional[is_open], spec.min_agents)
        staffed = is_open & (required > 0)
        if staffed.any():
            m = _among(
                staffed,
                queueing.evaluate,
                calls[staffed],
                interval_min,
                handle_s[staffed],
                spec.target.answer_s if spec.target.answer_s is not None else 0.0,
                required[staffed] * c,
                model=spec.model,
                patience_s=spec.patience_s,
            )
            sl[staffed] = m.service_level
            asa[staffed] = m.asa_s
            occ[staffed] = m.occupancy
    except IntervalError as exc:  # exc.index counts the intervals passed: name the interval's time instead
        if exc.among is None:
            raise PlannerInputError(f"channels.{spec.name}: {exc}") from None
        when = format_instant(starts[int(np.flatnonzero(exc.among)[exc.index])])
        raise PlannerInputError(f"channels.{spec.name}: {exc.at(when)}") from None
    except PlannerInputError as exc:  # named once: a rule's own message may already name the channel
        where = f"channels.{spec.name}"
        raise PlannerInputError(str(exc) if str(exc).startswith(where) else f"{where}: {exc}") from None
    return ChannelRequirement(
        spec.name, starts, required, fractional, load, sl, asa, occ, is_open, np.full(n, np.nan)
    )


def deferred_channel_requirements(
    spec: ChannelSpec,
    starts: tuple[dt.datetime, ...],
    items: np.ndarray,
    aht_s: np.ndarray,
    interval_min: int,
    calendar: ChineseCalendar,
) -> ChannelRequirement:
    """Email-like work: fewest agent-hours meeting the first-reply deadline (``planner.deferred``)."""
    assert spec.first_reply_working_hours is not None
    work = np.asarray(items, dtype=float) * np.asarray(aht_s, dtype=float)
    plan = deferred_requirements(
        starts,
        interval_min,
        work,
        spec.first_reply_working_hours,
        spec.window,
        calendar,
        min_agents=spec.min_agents,
        channel=f"channels.{spec.name}",
    )
    jobs = jobs_from_intervals(
        starts, interval_min, work, spec.first_reply_working_hours, spec.window, calendar, batch_items=items
    )
    replay = replay_fifo(starts, interval_min, plan.agents, jobs, spec.window, calendar)
    if replay.missed:  # the optimiser and the independent replay disagree: a bug, not bad input
        first = jobs[replay.missed[0]]
        raise RuntimeError(f"channels.{spec.name}: planned staffing misses the deadline of work released "
                           f"{format_instant(first.release)} in the FIFO replay")
    interval_s = interval_min * 60.0
    n = len(starts)
    # share of each interval's work answered in time (NaN: no work, or deadline after the horizon)
    sl = np.full(n, np.nan)
    horizon_end = starts[-1] + dt.timedelta(minutes=interval_min)
    missed = set(replay.missed)
    job_of = [t for t in range(n) if work[t] > 0]
    for j, t in enumerate(job_of):
        if jobs[j].deadline <= horizon_end:
            sl[t] = 0.0 if j in missed else 1.0
    backlog_s = replay.backlog_s
    # work done during interval u = backlog at its start + work released at its end - backlog at its end
    processed = np.concatenate(([0.0], backlog_s[:-1])) + work - backlog_s
    capacity = plan.agents * interval_s * plan.counted
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(capacity > 0, np.clip(processed / capacity, 0.0, 1.0), np.nan)
    return ChannelRequirement(
        spec.name,
        starts,
        plan.agents.astype(np.int64),
        plan.agents.astype(float),
        work / interval_s,
        sl,
        np.full(n, np.nan),
        occ,
        plan.open_fraction > 0,
        replay.backlog_items,
    )


# --------------------------------------------------------------------------------------------
# Whole scenario
# --------------------------------------------------------------------------------------------


def staff_requirements(
    scenario: Scenario, forecast: Forecast | pd.DataFrame, *, source: str = "forecast",
    staff: dict[str, ChannelStaffing] | None = None,
) -> Requirements:
    """Requirements for every scenario channel present in a validated forecast (one block per channel).

    ``staff``: {channel: staffing rule} for voice/chat channels staffed otherwise than by per-interval
    Erlang (see :func:`queue_channel_requirements`).

    ``forecast``: a :class:`~planner.domain.Forecast` (:func:`validate_forecast`,
    :func:`planner.io.forecast.read_forecast`), or a frame of the forecast schema, validated here. Channels
    of the forecast missing from the scenario are an error; scenario channels without forecast rows are
    skipped with a :class:`StaffingWarning`.
    """
    if not isinstance(forecast, Forecast):
        forecast = validate_forecast(forecast, source=source, timezone=scenario.timezone)
    frame = forecast.frame
    names = [c.name for c in scenario.channels]
    unknown = frame.loc[~frame["channel"].isin(names)]
    if len(unknown):
        ch = unknown["channel"].iloc[0]
        raise PlannerInputError(
            f"{source} row {unknown.index[0]}: channel '{ch}' has no [channels.{ch}] in scenario "
            f"{scenario.source} (channels: {', '.join(names)})"
        )
    interval_min = infer_interval_min(forecast, source=source, interval_min=scenario.interval_min)
    col = scenario.volume_column
    if col not in frame.columns:
        raise PlannerInputError(f"{source}: missing column '{col}' (staffing.volume = '{col}' in the scenario)")
    if any(c.window.kind != "7x24" for c in scenario.channels):  # a 7x24 window ignores the calendar
        for msg in scenario.calendar.warnings_for(set(frame["interval_start"].dt.year)):
            warnings.warn(msg, StaffingWarning, stacklevel=2)
    blocks = []
    for spec in scenario.channels:
        g = forecast.of(spec.name)
        if g.empty:
            warnings.warn(f"channel '{spec.name}': no rows in {source}; not staffed", StaffingWarning, stacklevel=2)
            continue
        _check_grid(g, interval_min, source, spec.name)
        starts = tuple(ts.to_pydatetime() for ts in g["interval_start"])
        volume = g[col].to_numpy(dtype=float)
        if np.isnan(volume).any():
            i = int(np.argmax(np.isnan(volume)))
            raise PlannerInputError(f"{source} row {g.index[i]}: {col} is empty")
        aht = _aht(spec, g, volume, source)
        if spec.kind == "email":
            req = deferred_channel_requirements(spec, starts, volume, aht, interval_min, scenario.calendar)
        else:
            req = queue_channel_requirements(
                spec, starts, volume, aht, interval_min, scenario.calendar, (staff or {}).get(spec.name)
            )
            outside = float(volume[~req.open].sum())
            if outside > 0:
                warnings.warn(
                    f"channel '{spec.name}': {outside:g} contacts forecast outside the coverage window "
                    f"({spec.window.describe()}) are not staffed",
                    StaffingWarning,
                    stacklevel=2,
                )
        blocks.append(_frame(req))
    if not blocks:
        raise PlannerInputError(f"{source}: no forecast rows for any scenario channel ({', '.join(names)})")
    return Requirements(pd.concat(blocks, ignore_index=True), int(interval_min), source)


def _aht(spec: ChannelSpec, g: pd.DataFrame, volume: np.ndarray, source: str) -> np.ndarray:
    if spec.aht_s is not None:
        return np.full(len(g), float(spec.aht_s))
    if "aht_s" not in g.columns:
        raise PlannerInputError(
            f"{source}: missing column 'aht_s' (or set aht_s in [channels.{spec.name}] of the scenario)"
        )
    aht = g["aht_s"].to_numpy(dtype=float)
    need = (volume > 0) & ~(aht > 0)
    if need.any():
        i = int(np.argmax(need))
        raise PlannerInputError(
            f"{source} row {g.index[i]}: aht_s must be > 0 where contacts are forecast "
            f"(or set aht_s in [channels.{spec.name}])"
        )
    return np.where(aht > 0, aht, 1.0)


def _frame(req: ChannelRequirement) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(list(req.starts)),
            "channel": req.channel,
            "required": req.required.astype(np.int64),
            "load_erl": req.load_erl,
            "service_level": req.service_level,
            "asa_s": req.asa_s,
            "occupancy": req.occupancy,
            "open": req.open.astype(np.int64),
            "backlog_items": req.backlog,
        },
        columns=list(REQUIREMENT_COLUMNS),
    )


