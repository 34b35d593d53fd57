"""Independent roster checker: recomputes everything from schedule.csv rows, trusting no solver.

It imports neither the model nor the shift generator: it reads activity rows and plain limits, and lists
every violation it finds (coverage floor and shortfall, rest between shifts, weekly and daily hours,
working days and days off, lunch placement, overlapping or malformed rows).

The checked horizon is N whole weeks from ``week_start`` (N = len(need) x interval_min / one week, 1 to
any). Work past the horizon end wraps onto its start (the roster in force before the horizon is assumed
to end like this one). Weekly hours and working days are checked per 7-day block from ``week_start``
(a shift counts in the block of its date). Rest is checked between consecutive shifts on the continuous
timeline, across week boundaries; for one week it is cyclic (the rest after the week's last shift runs
into the next week's first one), for N >= 2 it does not wrap (the rest after the horizon's last shift
belongs to the next plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from planner.domain import ACTIVITIES, TIME_FMT

_DAY = 1440
_WEEK = 7 * _DAY


@dataclass(frozen=True)
class Limits:
    """Rules to check, in minutes. Defaults: PRC Labour Law 8 h/day, 40 h/week, 11 h rest, 5 days."""

    min_rest_min: int = 660
    max_days: int = 5
    max_week_paid_min: int = 2400
    max_day_paid_min: int = 480
    min_staff: int = 1
    lunch_after_start_min: int = 180
    lunch_before_end_min: int = 180


@dataclass(frozen=True)
class Violation:
    rule: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.detail}"


@dataclass(frozen=True)
class CheckReport:
    violations: tuple[Violation, ...]
    scheduled_min: tuple[int, ...]  # work agent-minutes per interval
    shortfall_agent_hours: float

    @property
    def ok(self) -> bool:
        return not self.violations


def _minutes(ts: pd.Series, week_start: datetime) -> list[int]:
    return [int((t - week_start) / pd.Timedelta(minutes=1)) for t in ts]


def check_schedule(
    schedule: pd.DataFrame,
    week_start: datetime,
    interval_min: int,
    need: list[int] | tuple,
    limits: Limits = Limits(),
    shortfall_is_violation: bool = False,
) -> CheckReport:
    """Check a roster of N whole weeks. ``schedule``: columns agent_id, date, activity, start, end
    (strings or datetimes); ``week_start``: the horizon start; ``need``: agents to schedule per interval
    of the horizon (after shrinkage), N x one week long."""
    horizon = len(need) * interval_min
    if horizon <= 0 or horizon % _WEEK:
        raise ValueError(
            f"need covers {len(need)} x {interval_min} min = {horizon / _DAY:g} days, not a whole number of weeks"
        )
    n_weeks = horizon // _WEEK
    v: list[Violation] = []
    df = schedule.copy()
    for col in ("start", "end"):
        if not pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = pd.to_datetime(df[col], format=TIME_FMT)
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["s"] = _minutes(df["start"], week_start)
    df["e"] = _minutes(df["end"], week_start)
    n_slots = horizon // interval_min
    cover = [0] * n_slots
    for rec in df.itertuples():
        if rec.e <= rec.s:
            v.append(Violation("row", f"{rec.agent_id} {rec.start:{TIME_FMT}}", "end is not after start"))
        if rec.activity not in ACTIVITIES:
            v.append(Violation("row", f"{rec.agent_id}", f"unknown activity '{rec.activity}'"))
        if rec.activity == "work":
            m = rec.s
            while m < rec.e:
                nxt = min(rec.e, (m // interval_min + 1) * interval_min)
                cover[(m % horizon) // interval_min] += nxt - m
                m = nxt

    # coverage: floor and shortfall
    short = 0
    for t in range(n_slots):
        need_min = need[t] * interval_min
        short += max(0, need_min - cover[t])
        when = (week_start + pd.Timedelta(minutes=t * interval_min)).strftime(TIME_FMT)
        if need[t] > 0 and cover[t] < limits.min_staff * interval_min:
            v.append(
                Violation("floor", when, f"{cover[t] / interval_min:g} agents < floor {limits.min_staff}")
            )
        elif shortfall_is_violation and cover[t] < need_min:
            v.append(Violation("coverage", when, f"{cover[t] / interval_min:g} agents < {need[t]} needed"))

    # per agent: shifts (non-off rows of a date), overlaps, hours, rest, days
    for aid, g in df.groupby("agent_id", sort=True):
        g = g.sort_values(["s", "e"])
        busy = g[g.activity != "off"]
        prev_end = None
        for rec in busy.itertuples():
            if prev_end is not None and rec.s < prev_end:
                v.append(Violation("overlap", aid, f"rows overlap at {rec.start:{TIME_FMT}}"))
            prev_end = rec.e if prev_end is None else max(prev_end, rec.e)
        shifts = []
        for day, sg in busy.groupby("date", sort=True):
            s, e = int(sg.s.min()), int(sg.e.max())
            paid = int((sg.e - sg.s)[sg.activity != "lunch"].sum())
            gaps = (e - s) - int((sg.e - sg.s).sum())
            if gaps:
                v.append(Violation("shift", f"{aid} {day}", f"{gaps} min inside the shift are not rostered"))
            if paid > limits.max_day_paid_min:
                v.append(
                    Violation(
                        "day_hours",
                        f"{aid} {day}",
                        f"{paid / 60:g} h paid > {limits.max_day_paid_min / 60:g} h",
                    )
                )
            for rec in sg[sg.activity == "lunch"].itertuples():
                if rec.s - s < limits.lunch_after_start_min or e - rec.e < limits.lunch_before_end_min:
                    v.append(
                        Violation(
                            "break_window",
                            f"{aid} {day}",
                            f"lunch {rec.start:%H:%M} is outside its window in shift "
                            f"{pd.Timestamp(week_start) + pd.Timedelta(minutes=s):%H:%M}",
                        )
                    )
            shifts.append((s, e, paid, day))
        if not shifts:
            continue
        first_date = pd.Timestamp(week_start).date()
        blocks: dict[int, list[int]] = {}
        for _s, _e, paid, day in shifts:
            k = (day - first_date).days // 7
            if not 0 <= k < n_weeks:
                v.append(Violation("row", f"{aid} {day}", "shift date is outside the checked horizon"))
            blocks.setdefault(k, []).append(paid)
        for k, paids in sorted(blocks.items()):
            where = aid if n_weeks == 1 else f"{aid} week {k + 1}"
            if sum(paids) > limits.max_week_paid_min:
                v.append(
                    Violation(
                        "week_hours",
                        where,
                        f"{sum(paids) / 60:g} h paid > {limits.max_week_paid_min / 60:g} h",
                    )
                )
            if len(paids) > limits.max_days:
                v.append(Violation("days", where, f"{len(paids)} working days > {limits.max_days}"))
        worked = {d for *_, d in shifts}
        if len(worked) != len(shifts):
            v.append(Violation("days", aid, "two shifts on one date"))
        shifts.sort()
        for i, (s, _e, _p, day) in enumerate(shifts):
            if i == 0 and n_weeks > 1:
                continue  # the rest before the horizon's first shift belongs to the previous plan
            # rest since the previous shift; for one week the first shift follows last week's last one
            rest = s - (shifts[i - 1][1] - (_WEEK if i == 0 else 0))
            if rest < limits.min_rest_min:
                v.append(
                    Violation(
                        "rest",
                        f"{aid} {day}",
                        f"{rest / 60:g} h rest before this shift < {limits.min_rest_min / 60:g} h",
                    )
                )
    return CheckReport(tuple(v), tuple(cover), short / 60)
