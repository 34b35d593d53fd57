"""One team's demand per week for the scheduler: productive requirement and agents to schedule per interval.

Requirements (DESIGN.md) give ``required`` productive agents per interval and channel; the scheduled head
count per interval must reach ``ceil(required / (1 - shrinkage))`` (ceiling per interval: whole people sit
at desks). A team's channels are summed per interval into one single-skill requirement. Pure functions on
frames: the file reader is :mod:`planner.io.requirements`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
import pandas as pd

from planner.domain import TIME_FMT
from planner.errors import PlannerInputError
from planner.labour import DAY_MIN, WEEK_DAYS

MAX_AGENTS_PER_INTERVAL = 100_000  # one site's agents at one time; beyond it the input is a typo


@dataclass(frozen=True)
class WeekDemand:
    """One cyclic week of per-interval scheduled-agent needs.

    week_start: local midnight of day 0. interval_min [min]. required: productive agents per interval
    (as read, summed over channels); need: agents to schedule per interval after shrinkage (integers).
    """

    week_start: datetime
    interval_min: int
    required: tuple[float, ...]
    need: tuple[int, ...]
    shrinkage: float
    channels: tuple[str, ...]

    @property
    def n_slots(self) -> int:
        return len(self.need)

    def slot_start(self, slot: int) -> datetime:
        return self.week_start + timedelta(minutes=slot * self.interval_min)


def need_after_shrinkage(required: np.ndarray, shrinkage: float) -> np.ndarray:
    """Scheduled agents per interval: ceil(required / (1 - shrinkage)), with a 1e-9 guard on the ceiling."""
    return np.ceil(required / (1.0 - shrinkage) - 1e-9).astype(int)


def week_demands(
    requirements: pd.DataFrame,
    shrinkage: float = 0.0,
    channels: tuple[str, ...] | None = None,
    source: str = "requirements",
) -> tuple[WeekDemand, ...]:
    """Whole weeks of demand from a requirements frame (``interval_start`` datetimes, ``channel``,
    ``required``), one :class:`WeekDemand` per 7 days from the first midnight, every interval listed.

    ``channels``: keep only these channels' rows (one team's demand, e.g. ``("chat", "email")``);
    ``None`` keeps every channel (all summed into one single-skill requirement).
    """
    if not 0.0 <= shrinkage < 1.0:
        raise PlannerInputError(f"shrinkage {shrinkage} must be in [0, 1)")
    df = requirements
    if channels is not None:
        present = set(df["channel"])
        absent = [c for c in channels if c not in present]
        if absent:
            raise PlannerInputError(
                f"{source}: no rows for channel '{absent[0]}' (channels: {', '.join(sorted(present))})"
            )
        df = df[df["channel"].isin(channels)]
    per = df.groupby("interval_start")["required"].sum().sort_index()
    times = pd.DatetimeIndex(per.index)
    if len(times) < 2:
        raise PlannerInputError(f"{source}: need at least two intervals to infer the interval length")
    steps = ((times[1:] - times[:-1]) / pd.Timedelta(minutes=1)).to_numpy()
    interval_min = int(steps.min())
    if interval_min != steps.min() or interval_min <= 0 or DAY_MIN % interval_min or interval_min > 60:
        raise PlannerInputError(f"{source}: interval length {interval_min} min must divide an hour")
    if (steps != interval_min).any():
        j = int(np.flatnonzero(steps != interval_min)[0])
        raise PlannerInputError(
            f"{source}: gap after {times[j]:{TIME_FMT}} (next {times[j + 1]:{TIME_FMT}}): "
            f"the roster needs every {interval_min}-min interval listed (put 0 where closed)"
        )
    first = times[0].to_pydatetime()
    if first.time() != time(0, 0):
        raise PlannerInputError(f"{source}: the roster's weeks start at 00:00 (first interval {first:{TIME_FMT}})")
    per_week = WEEK_DAYS * DAY_MIN // interval_min
    if len(times) % per_week:
        raise PlannerInputError(
            f"{source}: {len(times)} intervals of {interval_min} min are not whole weeks; a roster needs "
            f"{per_week} intervals a week from {first:%Y-%m-%d} 00:00"
        )
    required = per.to_numpy(dtype=float)
    if (required > MAX_AGENTS_PER_INTERVAL).any():
        k = int(np.argmax(required))
        raise PlannerInputError(
            f"{source}: {required[k]:.4g} agents required at {times[k]:{TIME_FMT}}: more than the roster model "
            f"takes ({MAX_AGENTS_PER_INTERVAL:g} in one interval)"
        )
    if required.sum() <= 0:
        raise PlannerInputError(f"{source}: every interval requires 0 agents: nothing to schedule")
    chans = tuple(sorted(df["channel"].unique()))
    out = []
    for w in range(len(times) // per_week):
        r = required[w * per_week : (w + 1) * per_week]
        out.append(
            WeekDemand(
                week_start=first + timedelta(days=7 * w),
                interval_min=interval_min,
                required=tuple(float(x) for x in r),
                need=tuple(int(x) for x in need_after_shrinkage(r, shrinkage)),
                shrinkage=shrinkage,
                channels=chans,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Agent:
    """A named agent (DESIGN.md agents schema). Times [min after midnight]; unavailable: day indexes.

    weekend_days_before / night_shifts_before: optional duty counters from earlier weeks (columns
    ``weekend_days_ytd``, ``night_shifts_ytd``) used to share weekend and night duty fairly.
    """

    agent_id: str
    name: str
    skills: tuple[str, ...]
    contract_hours_week: float
    max_days_week: int
    earliest_start_min: int
    latest_end_min: int
    night_ok: bool
    unavailable_days: tuple[int, ...]
    weekend_days_before: int = 0
    night_shifts_before: int = 0
