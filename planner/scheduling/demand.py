"""One team's demand per week for the scheduler: productive requirement and agents to schedule per interval.

Requirements (DESIGN.md) give ``required`` productive agents per interval and channel; the scheduled head
count per interval must reach ``ceil(required / (1 - shrinkage))`` (ceiling per interval: whole people sit
at desks). A team's channels are summed per interval into one single-skill requirement. Pure functions on
:class:`planner.domain.Requirements`: the file reader is :mod:`planner.io.requirements`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from planner.calendar import ChineseCalendar, CoverageWindow
from planner.domain import TIME_FMT, Requirements
from planner.errors import PlannerInputError
from planner.labour import DAY_MIN, WEEK_DAYS
from planner.queueing import scheduled_agents

MAX_AGENTS_PER_INTERVAL = 100_000  # one site's agents at one time; beyond it the input is a typo


@dataclass(frozen=True)
class WeekDemand:
    """One cyclic week of per-interval scheduled-agent needs.

    week_start: local midnight of day 0. interval_min [min]. required: productive agents per interval
    (as read, summed over channels); need: agents to schedule per interval after shrinkage (integers).

    The week's calendar (:func:`week_demands` with a calendar): ``open_slot``, per interval, whether the
    team's coverage window is open (None: always); ``day_kind``, per day, ``working``, ``rest`` or
    ``statutory`` on the official calendar (None: Mon-Fri working, no holiday); ``rota_days_delta``, the
    working days the week's rota gains or loses against an ordinary week: +1 for each make-up day the window
    opens on where it is ordinarily closed, -1 for each official weekday off the window closes on (a
    weekday contract's National Day week has 3 working days: -2).
    """

    week_start: datetime
    interval_min: int
    required: tuple[float, ...]
    need: tuple[int, ...]
    shrinkage: float
    channels: tuple[str, ...]
    open_slot: tuple[bool, ...] | None = None
    day_kind: tuple[str, ...] | None = None
    rota_days_delta: int = 0
    next_kind: str | None = None  # the kind of the day after the week (a Sunday night shift runs into it)

    @property
    def n_slots(self) -> int:
        return len(self.need)

    @property
    def kinds(self) -> tuple[str, ...]:
        """Each day's kind on the official calendar (Mon-Fri working without a calendar)."""
        if self.day_kind is not None:
            return self.day_kind
        return tuple("working" if (self.week_start.weekday() + d) % 7 < 5 else "rest" for d in range(WEEK_DAYS))

    def kind_on(self, day: int) -> str:
        """The kind of day ``day`` of the week, 7 being the day after it (where a last-day shift ends)."""
        if day < WEEK_DAYS:
            return self.kinds[day]
        if self.next_kind is not None:
            return self.next_kind
        return "working" if (self.week_start.weekday() + day) % 7 < 5 else "rest"

    @property
    def working_days(self) -> int:
        """Official working days of the week (5 in an ordinary week)."""
        return sum(k == "working" for k in self.kinds)

    @property
    def open_days(self) -> tuple[bool, ...]:
        """Days on which the window opens at all."""
        return (True,) * WEEK_DAYS if self.open_slot is None else _open_days(self.open_slot)

    def slot_start(self, slot: int) -> datetime:
        return self.week_start + timedelta(minutes=slot * self.interval_min)


def week_demands(
    requirements: Requirements,
    shrinkage: float = 0.0,
    channels: tuple[str, ...] | None = None,
    source: str = "requirements",
    calendar: ChineseCalendar | None = None,
    windows: Sequence[CoverageWindow] = (),
) -> tuple[WeekDemand, ...]:
    """Whole weeks of demand from requirements (``interval_start``, ``channel``, ``required``, optional
    ``open``), one :class:`WeekDemand` per 7 days from the first midnight, every
    interval listed.

    ``channels``: keep only these channels' rows (one team's demand, e.g. ``("chat", "email")``);
    ``None`` keeps every channel (all summed into one single-skill requirement). An ``open`` column gives
    the window (open where any channel is); ``calendar`` and the channels' ``windows`` give each week's
    calendar (the day kinds and the rota's days, :class:`WeekDemand`).
    """
    if not 0.0 <= shrinkage < 1.0:
        raise PlannerInputError(f"shrinkage {shrinkage} must be in [0, 1)")
    df = requirements.frame
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
    opened = None
    if "open" in df.columns:
        opened = (df.groupby("interval_start")["open"].max().reindex(per.index).fillna(0) > 0).to_numpy()
    out = []
    for w in range(len(times) // per_week):
        r = required[w * per_week : (w + 1) * per_week]
        start = first + timedelta(days=7 * w)
        open_slot = None if opened is None else tuple(bool(x) for x in opened[w * per_week : (w + 1) * per_week])
        kinds, delta, after = None, 0, None
        if calendar is not None:
            kinds, delta = week_calendar(start.date(), calendar, windows, open_slot)
            after = day_kind(start.date() + timedelta(days=WEEK_DAYS), calendar)
        out.append(
            WeekDemand(
                week_start=start,
                interval_min=interval_min,
                required=tuple(float(x) for x in r),
                need=tuple(int(x) for x in scheduled_agents(r, shrinkage)),
                shrinkage=shrinkage,
                channels=chans,
                open_slot=open_slot,
                day_kind=kinds,
                rota_days_delta=delta,
                next_kind=after,
            )
        )
    return tuple(out)


def _open_days(open_slot: Sequence[bool]) -> tuple[bool, ...]:
    per_day = len(open_slot) // WEEK_DAYS
    return tuple(any(open_slot[d * per_day : (d + 1) * per_day]) for d in range(WEEK_DAYS))


def day_kind(day: date, calendar: ChineseCalendar) -> str:
    """``statutory`` (a statutory holiday), ``working`` (an official working day, make-up days included) or
    ``rest``, on the official calendar."""
    if calendar.is_statutory_holiday(day):
        return "statutory"
    return "working" if calendar.is_working_day(day) else "rest"


def week_calendar(
    first: date,
    calendar: ChineseCalendar,
    windows: Sequence[CoverageWindow],
    open_slot: Sequence[bool] | None = None,
) -> tuple[tuple[str, ...], int]:
    """One week's day kinds (``working``, ``rest``, ``statutory``) and the rota's change of working days
    (:class:`WeekDemand`). A day is open when the window is (``open_slot``, else any of ``windows``' spans);
    a weekday is ordinarily open when some window has hours on it (7x24: every day)."""
    days = [first + timedelta(days=d) for d in range(WEEK_DAYS)]
    kinds = tuple(day_kind(d, calendar) for d in days)
    if open_slot is not None:
        open_day = _open_days(open_slot)
    else:
        open_day = [not windows or any(w.spans(d, calendar) for w in windows) for d in days]

    def ordinarily_open(weekday: int) -> bool:
        return not windows or any(w.hours[weekday] is not None for w in windows)

    lost = sum(1 for i, d in enumerate(days) if d.weekday() < 5 and kinds[i] != "working" and not open_day[i])
    gained = sum(
        1
        for i, d in enumerate(days)
        if d.weekday() >= 5 and calendar.is_makeup_day(d) and open_day[i] and not ordinarily_open(d.weekday())
    )
    return kinds, gained - lost


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
