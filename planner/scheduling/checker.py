"""Independent roster checker: recomputes everything from schedule.csv rows, trusting no solver.

It imports neither the model nor the shift generator: it reads activity rows and plain limits, and lists
every violation it finds (coverage floor and shortfall, rest between shifts, weekly and daily hours,
working days and days off, lunch placement, overlapping or malformed rows, two shifts on one date) and,
when the limits give them, short breaks, start windows, shift lengths, minimum working days a week and
named agents' own limits (start/end window, days, unavailable dates, contracted hours).

A shift is the rows (other than ``off``) of one agent and date; they must be contiguous: rows of one
date separated by unrostered time are two shifts on one date (lunches and breaks are rows of their own).

The checked horizon is N whole weeks from ``week_start`` (N = len(need) x interval_min / one week, 1 to
any). Coverage is counted where the work really is, with one assumption about the week before the horizon:

* the week before the horizon is assumed rostered like the first week, so the work of the first week's
  shifts (a shift's week is that of its date) that runs past the first week's end covers both the
  second week's first hours (where it is) and, shifted back one week, the horizon's first hours;
* work past the horizon end counts nowhere (it belongs to the next plan);
* for one week the two coincide: work past the week end wraps onto its start (a cyclic week).

This is the convention the roster model uses (:func:`planner.scheduling.api.roster_weeks`: the first
week cyclic, each later week with the previous week's spill as fixed cover and its own not wrapped);
the checker recomputes it from the rows alone. Weekly hours and working days are checked per 7-day
block from ``week_start`` (a shift counts in the block of its date). Rest is checked between
consecutive shifts on the continuous timeline, across week boundaries; before an agent's first shift
of the horizon it is checked, under the same assumption, against their own last shift of the first
week moved back one week (for one week: the cyclic rest from the week's last shift to its first). The
rest after the horizon's last shift belongs to the next plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from planner.domain import ACTIVITIES, TIME_FMT

_DAY = 1440
_WEEK = 7 * _DAY


@dataclass(frozen=True)
class AgentLimits:
    """One named agent's own limits. Window [min after midnight]: every shift lies inside
    [earliest_start_min, latest_end_min] on the clock; if latest_end_min <= earliest_start_min the window
    wraps midnight (e.g. 20:00 to 08:00 the next morning). max_days: working days per 7-day block;
    unavailable: dates without a shift (a shift's date is the date it starts); contract_hours: paid hours
    per 7-day block at most. None: not checked."""

    earliest_start_min: int = 0
    latest_end_min: int = _DAY
    max_days: int | None = None
    unavailable: frozenset[date] = frozenset()
    contract_hours: float | None = None


@dataclass(frozen=True)
class Limits:
    """Rules to check, in minutes. Defaults: PRC Labour Law 8 h/day, 40 h/week, 11 h rest, 5 days.

    Optional rules (None: not checked): ``break_min`` (every ``break`` row lasts exactly this long),
    ``breaks_per_shift`` (at most this many ``break`` rows in a shift, each with work before and after
    it), ``start_windows`` ((earliest, latest) start times [min after midnight], inclusive; latest <
    earliest wraps midnight), ``shift_lengths_min`` (allowed shift lengths from first to last row, lunch
    included), ``min_days`` (working days in every 7-day block in which the agent works at all; a person
    idle for a whole block is not rostered then), ``agents`` (agent id -> :class:`AgentLimits`),
    ``weeks`` (per 7-day block, :class:`WeekLimits`), ``open_slot`` (per interval of the horizon, whether
    the coverage window is open: paid time in closed intervals is counted in the report, not a violation).
    """

    min_rest_min: int = 660
    max_days: int = 5
    max_week_paid_min: int = 2400
    max_day_paid_min: int = 480
    min_staff: int = 1
    lunch_after_start_min: int = 180
    lunch_before_end_min: int = 180
    break_min: int | None = None
    breaks_per_shift: int | None = None
    start_windows: tuple[tuple[int, int], ...] | None = None
    shift_lengths_min: tuple[int, ...] | None = None
    min_days: int | None = None
    agents: Mapping[str, AgentLimits] | None = None
    weeks: tuple[WeekLimits, ...] | None = None
    open_slot: tuple[bool, ...] | None = None


@dataclass(frozen=True)
class WeekLimits:
    """One 7-day block's own limits where the calendar moves them (a holiday week's fewer working days and
    hours, a make-up week's more): they replace ``max_days``, ``min_days`` and ``max_week_paid_min``."""

    max_days: int
    min_days: int | None
    max_week_paid_min: int


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
    closed_paid_min: int = 0  # paid agent-minutes in intervals the window is closed (Limits.open_slot)

    @property
    def ok(self) -> bool:
        return not self.violations


def _minutes(ts: pd.Series, week_start: datetime) -> list[int]:
    return [int((t - week_start) / pd.Timedelta(minutes=1)) for t in ts]


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60 % 24:02d}:{minute_of_day % 60:02d}"


def _start_allowed(tod: int, windows: tuple[tuple[int, int], ...]) -> bool:
    """Start time of day inside one of the (earliest, latest) windows, both inclusive, wrapping midnight
    when latest < earliest."""
    return any(lo <= tod <= hi if lo <= hi else (tod >= lo or tod <= hi) for lo, hi in windows)


def _inside_window(tod: int, length: int, earliest: int, latest_end: int) -> bool:
    """The shift [tod, tod + length) lies inside the clock window [earliest, latest_end] of the shift's
    day or of the day before (a window that wraps midnight reaches into the next morning)."""
    end_of_window = latest_end if earliest < latest_end else latest_end + _DAY
    return any(
        earliest + k * _DAY <= tod and tod + length <= end_of_window + k * _DAY for k in (-1, 0)
    )


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
    first_date = pd.Timestamp(week_start).date()
    cover = [0] * n_slots
    closed = 0
    for rec in df.itertuples():
        if rec.e <= rec.s:
            v.append(Violation("row", f"{rec.agent_id} {rec.start:{TIME_FMT}}", "end is not after start"))
        if rec.activity not in ACTIVITIES:
            v.append(Violation("row", f"{rec.agent_id}", f"unknown activity '{rec.activity}'"))
        if rec.activity == "work":
            first_week = 0 <= (rec.date - first_date).days < 7
            m = rec.s
            while m < rec.e:
                nxt = min(rec.e, (m // interval_min + 1) * interval_min)
                if 0 <= m < horizon:
                    cover[m // interval_min] += nxt - m
                if first_week and _WEEK <= m < _WEEK + horizon:  # the week before, rostered like the first
                    cover[(m - _WEEK) // interval_min] += nxt - m
                m = nxt
        if limits.open_slot is not None and rec.activity in ("work", "break", "training"):
            m = rec.s
            while m < rec.e:
                nxt = min(rec.e, (m // interval_min + 1) * interval_min)
                if not limits.open_slot[(m % horizon) // interval_min]:
                    closed += nxt - m
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
        own = limits.agents.get(str(aid)) if limits.agents is not None else None
        shifts = []
        for day, sg in busy.groupby("date", sort=True):
            s, e = int(sg.s.min()), int(sg.e.max())
            paid = int((sg.e - sg.s)[sg.activity != "lunch"].sum())
            # contiguous blocks of rows: a gap of unrostered time starts another shift on the same date
            blocks_of_day, reach = [], None
            for rec in sg.itertuples():
                if reach is None or rec.s > reach:
                    blocks_of_day.append([rec.s, rec.e])
                else:
                    blocks_of_day[-1][1] = max(blocks_of_day[-1][1], rec.e)
                reach = rec.e if reach is None else max(reach, rec.e)
            if len(blocks_of_day) > 1:
                spans = ", ".join(f"{_hhmm(a % _DAY)}-{_hhmm(b % _DAY)}" for a, b in blocks_of_day)
                v.append(Violation("days", f"{aid} {day}", f"two shifts on one date ({spans})"))
            tod = int(sg.start.min().hour * 60 + sg.start.min().minute)
            if limits.start_windows is not None and not _start_allowed(tod, limits.start_windows):
                v.append(Violation("start_window", f"{aid} {day}", f"shift starts at {_hhmm(tod)}, outside "
                                   + ", ".join(f"{_hhmm(lo)}-{_hhmm(hi)}" for lo, hi in limits.start_windows)))
            if limits.shift_lengths_min is not None and e - s not in limits.shift_lengths_min:
                v.append(Violation("shift_length", f"{aid} {day}", f"{(e - s) / 60:g} h shift; allowed "
                                   + "/".join(f"{x / 60:g}" for x in sorted(limits.shift_lengths_min)) + " h"))
            brk = sg[sg.activity == "break"]
            if limits.breaks_per_shift is not None and len(brk) > limits.breaks_per_shift:
                v.append(Violation("break", f"{aid} {day}", f"{len(brk)} breaks > {limits.breaks_per_shift}"))
            for rec in brk.itertuples():
                if limits.break_min is not None and rec.e - rec.s != limits.break_min:
                    v.append(Violation("break", f"{aid} {day}",
                                       f"break at {rec.start:%H:%M} lasts {rec.e - rec.s} min, not {limits.break_min}"))
                work = sg[sg.activity == "work"]
                if limits.breaks_per_shift is not None and not ((work.e <= rec.s).any() and (work.s >= rec.e).any()):
                    v.append(Violation("break", f"{aid} {day}", f"break at {rec.start:%H:%M} is not inside the work"))
            if own is not None:
                if not _inside_window(tod, e - s, own.earliest_start_min, own.latest_end_min):
                    v.append(Violation("agent_window", f"{aid} {day}", f"shift {_hhmm(tod)}+{(e - s) / 60:g} h is "
                                       f"outside {_hhmm(own.earliest_start_min)}-{_hhmm(own.latest_end_min)}"))
                if day in own.unavailable:
                    v.append(Violation("agent_unavailable", f"{aid} {day}", "works on a date marked unavailable"))
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
        blocks: dict[int, list[int]] = {}
        for _s, _e, paid, day in shifts:
            k = (day - first_date).days // 7
            if not 0 <= k < n_weeks:
                v.append(Violation("row", f"{aid} {day}", "shift date is outside the checked horizon"))
            blocks.setdefault(k, []).append(paid)
        for k, paids in sorted(blocks.items()):
            where = aid if n_weeks == 1 else f"{aid} week {k + 1}"
            wk = limits.weeks[k] if limits.weeks is not None and 0 <= k < len(limits.weeks) else None
            max_paid = limits.max_week_paid_min if wk is None else wk.max_week_paid_min
            max_days = limits.max_days if wk is None else wk.max_days
            min_days = limits.min_days if wk is None or limits.min_days is None else wk.min_days
            if sum(paids) > max_paid:
                v.append(Violation("week_hours", where, f"{sum(paids) / 60:g} h paid > {max_paid / 60:g} h"))
            if len(paids) > max_days:
                v.append(Violation("days", where, f"{len(paids)} working days > {max_days}"))
            if min_days is not None and len(paids) < min_days:
                v.append(Violation("min_days", where, f"{len(paids)} working days < {min_days}"))
            if own is not None and own.max_days is not None and len(paids) > own.max_days:
                v.append(Violation("agent_days", where, f"{len(paids)} working days > {own.max_days}"))
            if own is not None and own.contract_hours is not None and sum(paids) > round(own.contract_hours * 60):
                v.append(Violation("agent_hours", where,
                                   f"{sum(paids) / 60:g} h paid > {own.contract_hours:g} h contracted"))
        shifts.sort()
        # the week before the horizon is rostered like the first: the agent's last shift of the first
        # week, a week earlier, precedes their first shift (for one week: the cyclic rest)
        first_block = [sh for sh in shifts if (sh[3] - first_date).days < 7]
        for i, (s, _e, _p, day) in enumerate(shifts):
            if i == 0:
                if not first_block or first_block[0] is not shifts[0]:
                    continue  # idle in the first week: the rest before belongs to the previous plan
                rest = s - (first_block[-1][1] - _WEEK)
            else:
                rest = s - shifts[i - 1][1]
            if rest < limits.min_rest_min:
                v.append(
                    Violation(
                        "rest",
                        f"{aid} {day}",
                        f"{rest / 60:g} h rest before this shift < {limits.min_rest_min / 60:g} h",
                    )
                )
    return CheckReport(tuple(v), tuple(cover), short / 60, closed)
