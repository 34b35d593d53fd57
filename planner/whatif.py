"""What-if staffing: a scenario and its forecast changed by a few levers, for a redraw without a new plan.

The app's staffing page (and anyone else) changes the forecast's volume and handle time by a factor, and the
scenario's targets, shrinkage, occupancy cap and coverage window, then calls
:func:`planner.steps.staff_step` on the result: no forecast, roster or simulation is rerun. Factors are
fractions (1.10 = 10 % more), never percent. Pure functions on objects; no file is opened.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from planner.calendar import weekday_window, window_7x24
from planner.domain import Forecast, Requirements, Scenario, Schedule
from planner.errors import PlannerInputError
from planner.options import flatten

WINDOWS = ("scenario", "7x24", "weekday")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class WhatIf:
    """The levers. volume_factor, aht_factor: multiply the forecast's ``offered`` (and its band) and
    ``aht_s`` (and a channel's fixed ``aht_s``); sl_targets: ``(channel, target)`` pairs for voice and chat;
    shrinkage, max_occupancy: replace the scenario's (None: keep); window: ``scenario`` keeps each channel's
    window, ``7x24`` or ``weekday`` (09:00-18:00) sets every channel's."""

    volume_factor: float = 1.0
    aht_factor: float = 1.0
    sl_targets: tuple[tuple[str, float], ...] = ()
    shrinkage: float | None = None
    max_occupancy: float | None = None
    window: str = "scenario"

    def validate(self) -> None:
        if not 0 < self.volume_factor <= 10:
            raise PlannerInputError(f"volume_factor {self.volume_factor}: must be in (0, 10]")
        if not 0 < self.aht_factor <= 10:
            raise PlannerInputError(f"aht_factor {self.aht_factor}: must be in (0, 10]")
        if self.shrinkage is not None and not 0 <= self.shrinkage < 1:
            raise PlannerInputError(f"shrinkage {self.shrinkage}: must be in [0, 1)")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise PlannerInputError(f"max_occupancy {self.max_occupancy}: must be in (0, 1]")
        for ch, target in self.sl_targets:
            if not 0 < target < 1:
                raise PlannerInputError(f"channels.{ch}.service_level {target}: must be in (0, 1)")
        if self.window not in WINDOWS:
            raise PlannerInputError(f"window '{self.window}': must be one of {', '.join(WINDOWS)}")


def apply_whatif(scenario: Scenario, forecast: Forecast, what: WhatIf) -> tuple[Scenario, Forecast]:
    """The scenario and forecast with the levers applied (new objects; the inputs are not changed)."""
    what.validate()
    targets = dict(what.sl_targets)
    window = {"7x24": window_7x24(), "weekday": weekday_window("09:00", "18:00")}.get(what.window)
    channels = []
    for spec in scenario.channels:
        changes: dict = {}
        if spec.name in targets and spec.kind != "email":
            changes["target"] = replace(spec.target, sl=targets[spec.name])
        if what.max_occupancy is not None and spec.kind != "email":
            changes["max_occupancy"] = what.max_occupancy
        if spec.aht_s is not None and what.aht_factor != 1.0:
            changes["aht_s"] = spec.aht_s * what.aht_factor
        if window is not None:
            changes["window"] = window
        channels.append(replace(spec, **changes) if changes else spec)
    scen = replace(
        scenario,
        channels=tuple(channels),
        shrinkage=scenario.shrinkage if what.shrinkage is None else what.shrinkage,
        window=window or scenario.window,
    )
    fc = forecast.frame.copy()
    for col in ("offered", "offered_lo", "offered_hi"):  # the scenario's volume column is one of these
        if col in fc.columns:
            fc[col] = fc[col] * what.volume_factor
    if "aht_s" in fc.columns:
        fc["aht_s"] = fc["aht_s"] * what.aht_factor
    return scen, replace(forecast, frame=fc)


def requirement_grid(requirements: Requirements, channel: str) -> pd.DataFrame:
    """One channel's requirement as ``weekday`` (0 = Monday), ``weekday_name``, ``time`` (HH:MM) and
    ``required`` (productive agents, the mean over the horizon's weeks): the heatmap's cells."""
    rows = requirements.of(channel)
    t = rows["interval_start"]
    frame = pd.DataFrame({"weekday": t.dt.day_of_week.to_numpy(), "time": t.dt.strftime("%H:%M").to_numpy(),
                          "required": rows["required"].to_numpy(dtype=float)})
    out = frame.groupby(["weekday", "time"], as_index=False)["required"].mean()
    out["weekday_name"] = out["weekday"].map(dict(enumerate(WEEKDAYS)))
    return out


@dataclass(frozen=True)
class Heads:
    """What a requirement asks of the team, per channel (or all): ``on_job_h`` productive agent-hours (agents
    on the phone, in chat or on mail); ``scheduled_h`` agent-hours rostered after shrinkage, ``ceil(required
    / (1 - s))`` per interval as the roster schedules them, and ``peak_scheduled`` the most in one interval;
    ``fte`` paid full-time agents, ``R / (e (1 - s) x 40 h)`` a week (the capacity plan's formula,
    :mod:`planner.capacity`, with the plan's measured schedule efficiency e); ``cost_month_cny`` those FTE at
    the plan's cost of an FTE-month (:meth:`planner.costing.CostBreakdown.fte_cost_month_fen`)."""

    on_job_h: float
    scheduled_h: float
    peak_scheduled: int
    fte: float
    cost_month_cny: float


def heads(requirements: Requirements, shrinkage: float, weeks: int, efficiency: float, fen_per_fte_month: float,
          channel: str | None = None) -> Heads:
    """The heads behind ``requirements`` (one channel, or all when ``channel`` is None) at ``shrinkage``."""
    import numpy as np

    from planner.labour import STANDARD_WEEK_WORK_MIN
    from planner.queueing import scheduled_agents

    if not 0 < efficiency <= 1 + 1e-9:
        raise PlannerInputError(f"schedule efficiency {efficiency:g} must be in (0, 1]")
    rows = requirements.frame if channel is None else requirements.of(channel)
    step_h = (requirements.interval_min or 0) / 60
    required = rows["required"].to_numpy(dtype=float)
    scheduled = scheduled_agents(required, shrinkage)
    by_interval = pd.Series(scheduled, index=rows["interval_start"].to_numpy()).groupby(level=0).sum()
    on_job_h = float(required.sum()) * step_h
    fte = on_job_h / (efficiency * (1.0 - shrinkage) * STANDARD_WEEK_WORK_MIN / 60 * weeks)
    return Heads(on_job_h=on_job_h, scheduled_h=float(np.sum(scheduled)) * step_h,
                 peak_scheduled=int(by_interval.max()) if len(by_interval) else 0, fte=fte,
                 cost_month_cny=fte * fen_per_fte_month / 100)


def coverage_gaps(coverage: pd.DataFrame) -> pd.DataFrame:
    """A team's coverage (``interval_start, required, scheduled, ...``) with ``gap``: True where fewer agents
    are scheduled than the requirement after shrinkage (``needed_after_shrinkage`` when present)."""
    out = coverage.copy()
    need = out["needed_after_shrinkage"] if "needed_after_shrinkage" in out.columns else out["required"]
    out["need"] = need.astype(float)
    out["gap"] = out["scheduled"].astype(float) < out["need"] - 1e-9
    out["interval_start"] = pd.to_datetime(out["interval_start"])
    return out


def agent_bars(schedule: Schedule) -> pd.DataFrame:
    """The schedule's rows that are not days off: one bar per activity for a Gantt chart."""
    return schedule.busy().copy()


def whatif_mapping(data: dict, what: WhatIf) -> tuple[dict, list[str]]:
    """A scenario file's mapping with the levers written in as keys (a new mapping), and the levers that
    are no scenario keys (volume and handle-time factors), described for a comment in the saved file."""
    import copy

    out = copy.deepcopy(data)
    staffing = out.setdefault("staffing", {})
    if what.shrinkage is not None:
        staffing["shrinkage"] = what.shrinkage
    channels = out.setdefault("channels", {})
    for name, target in what.sl_targets:
        channels.setdefault(name, {})["service_level"] = target
    if what.max_occupancy is not None:
        staffing["max_occupancy"] = what.max_occupancy
        for ch in channels.values():
            if "max_occupancy" in ch:
                ch["max_occupancy"] = what.max_occupancy
    if what.window != "scenario":
        out["coverage"] = {"window": what.window}
        for ch in channels.values():
            if "coverage" in ch:
                ch["coverage"] = {"window": what.window}
    notes = []
    if what.volume_factor != 1.0:
        notes.append(f"what-if: forecast volume x {what.volume_factor:g} (not a scenario key)")
    if what.aht_factor != 1.0:
        notes.append(f"what-if: handle time x {what.aht_factor:g} (not a scenario key)")
    return out, notes


def flat_keys(data: dict) -> dict[str, object]:
    """A nested mapping as dotted keys: ``{"channels.voice.service_level": 0.8, ...}`` (an empty table is a
    leaf, as in an options file)."""
    return {".".join(path): value for path, value in flatten(data)}
