"""Roster output (schedule.csv, coverage.csv) and re-planning input (published days of a roster).

schedule.csv has one row per activity: ``agent_id, date, activity, start, end`` (activity in work, lunch,
break, off), local wall-clock ``YYYY-MM-DDTHH:MM``; a shift belongs to the date it starts, and an
overnight shift's rows run into the next date. Days off are ``off`` rows from 00:00 to 00:00.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import pandas as pd

from planner.domain import TIME_FMT
from planner.errors import PlannerInputError
from planner.scheduling.demand import WeekDemand
from planner.scheduling.model import AgentTour, FrozenShift, Pool, ScheduleResult
from planner.shifts import DAY_MIN, WEEK_DAYS, WEEK_MIN, ShiftRules, Tour, span_by_slot


def _t(week_start: datetime, minute: int) -> str:
    return (week_start + timedelta(minutes=minute)).strftime(TIME_FMT)


def shift_rows(
    agent_id: str,
    week_start: datetime,
    day: int,
    start_min: int,
    length_min: int,
    breaks: tuple[tuple[str, int, int, bool], ...],
) -> list[dict[str, str]]:
    """Rows of one shift: work segments around its breaks (offsets in minutes after the shift start)."""
    d = (week_start + timedelta(days=day)).strftime("%Y-%m-%d")
    start = day * DAY_MIN + start_min

    def row(activity: str, a: int, b: int) -> dict[str, str]:
        return dict(agent_id=agent_id, date=d, activity=activity, start=_t(week_start, a), end=_t(week_start, b))

    rows = []
    t = start
    for name, off, dur, _paid in sorted(breaks, key=lambda b: b[1]):
        if start + off > t:
            rows.append(row("work", t, start + off))
        rows.append(row(name, start + off, start + off + dur))
        t = start + off + dur
    if start + length_min > t:
        rows.append(row("work", t, start + length_min))
    return rows


def schedule_frame(result: ScheduleResult, demand: WeekDemand) -> pd.DataFrame:
    """The roster as activity rows, sorted by agent and time."""
    rows: list[dict[str, str]] = []
    ws = demand.week_start
    for a in result.agents:
        rows.extend(_agent_rows(a, ws))
    df = pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])
    return df.sort_values(["agent_id", "start", "end"], kind="stable").reset_index(drop=True)


def _agent_rows(a: AgentTour, ws: datetime) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    brk = dict(a.breaks)
    frozen_by_day: dict[int, list[FrozenShift]] = defaultdict(list)
    for f in a.frozen:
        frozen_by_day[f.day].append(f)
    for d in range(WEEK_DAYS):
        day_s = (ws + timedelta(days=d)).strftime("%Y-%m-%d")
        if not a.active_days[d]:
            if frozen_by_day.get(d):
                for f in frozen_by_day[d]:
                    rows.extend(
                        dict(agent_id=a.agent_id, date=day_s, activity=act, start=_t(ws, s), end=_t(ws, e))
                        for act, s, e in f.rows
                    )
            else:
                rows.append(
                    dict(
                        agent_id=a.agent_id,
                        date=day_s,
                        activity="off",
                        start=_t(ws, d * DAY_MIN),
                        end=_t(ws, (d + 1) * DAY_MIN),
                    )
                )
            continue
        if a.tour is not None and a.tour.days[d]:
            rows.extend(
                shift_rows(
                    a.agent_id, ws, d, a.tour.template.start_min, a.tour.template.length_min, brk.get(d, ())
                )
            )
        else:
            rows.append(
                dict(
                    agent_id=a.agent_id,
                    date=day_s,
                    activity="off",
                    start=_t(ws, d * DAY_MIN),
                    end=_t(ws, (d + 1) * DAY_MIN),
                )
            )
    return rows


def coverage_frame(result: ScheduleResult, demand: WeekDemand) -> pd.DataFrame:
    """Per interval: required (productive, as read), scheduled and short (agents on the job, after
    shrinkage; fractional where a break covers part of an interval)."""
    im = demand.interval_min
    sched = [c / im for c in result.coverage_min]
    return pd.DataFrame(
        {
            "interval_start": [demand.slot_start(t).strftime(TIME_FMT) for t in range(demand.n_slots)],
            "required": list(demand.required),
            "scheduled": [round(s, 4) for s in sched],
            "shortfall": [round(max(0.0, n - s), 4) for n, s in zip(demand.need, sched, strict=True)],
            "needed_after_shrinkage": list(demand.need),
        }
    )


# ---------------------------------------------------------------------------- re-planning


def frozen_from_schedule(
    schedule: pd.DataFrame, demand: WeekDemand, rules: ShiftRules, tours: tuple[Tour, ...], frozen_until: date,
    source: str = "schedule",
) -> tuple[tuple[Pool, ...], list[int], tuple[bool, ...], set[str]]:
    """Published days (dates before ``frozen_until``) of an existing roster, kept as they are.

    Returns pools of agents who work published days (each must get a tour that agrees with those days and
    keeps rest, day and hour limits), the frozen coverage per slot [agent-minutes], the frozen-day mask
    and every agent id of the old roster.
    """
    df = schedule
    ws = demand.week_start
    frozen_days = tuple((ws + timedelta(days=d)).date() < frozen_until for d in range(WEEK_DAYS))
    im = demand.interval_min
    cover = [0] * demand.n_slots
    per_agent: dict[str, list[FrozenShift]] = defaultdict(list)
    all_ids = set(df["agent_id"])
    for (aid, day), g in df.groupby(["agent_id", "date"], sort=True):
        d = (day.date() - ws.date()).days
        if not 0 <= d < WEEK_DAYS:
            raise PlannerInputError(f"{source}: agent {aid}: date {day:%Y-%m-%d} is outside the planned week")
        if not frozen_days[d]:
            continue
        rows = []
        for rec in g.itertuples():
            s = int((rec.start - ws) / pd.Timedelta(minutes=1))
            e = int((rec.end - ws) / pd.Timedelta(minutes=1))
            rows.append((rec.activity, s, e))
            if rec.activity == "work":
                for slot, minutes in span_by_slot(s, e - s, im).items():
                    cover[slot] += minutes
        shift = [r for r in rows if r[0] != "off"]
        if not shift:
            continue
        start = min(r[1] for r in shift)
        end = max(r[2] for r in shift)
        paid = sum(r[2] - r[1] for r in shift if r[0] != "lunch")
        per_agent[aid].append(FrozenShift(aid, d, start, end - start, paid, tuple(rows)))
    sig: dict[tuple, list[str]] = defaultdict(list)
    for aid, shifts in per_agent.items():
        key = tuple((f.day, f.start_abs_min - f.day * DAY_MIN, f.length_min, f.paid_min) for f in shifts)
        sig[key].append(aid)
    pools = []
    for k, (key, ids) in enumerate(sorted(sig.items(), key=lambda kv: kv[1][0])):
        shifts = [f for aid in ids for f in per_agent[aid]]
        allowed = tuple(i for i, t in enumerate(tours) if _agrees(t, key, frozen_days, rules))
        if not allowed:
            raise PlannerInputError(
                f"{source}: agent {ids[0]}: no legal tour continues the published days (rest, days or hours)"
            )
        pools.append(
            Pool(
                f"frozen{k}",
                len(ids),
                allowed,
                tuple(ids),
                tuple(not f for f in frozen_days),
                True,
                tuple(shifts),
            )
        )
    return tuple(pools), cover, frozen_days, all_ids


def carry_in_from_schedule(schedule: pd.DataFrame, demand: WeekDemand) -> list[int]:
    """Agent-minutes of ``work`` per slot of ``demand``'s week from the rows of an earlier week's roster
    that run into it (a Sunday-night shift of the week before covers this Monday's first hours): the fixed
    coverage a later week of a chained horizon is solved with (``solve_roster(..., frozen_min=...,
    cyclic=False)``). Rows outside the week count nowhere: nothing wraps."""
    im = demand.interval_min
    cover = [0] * demand.n_slots
    if schedule.empty:
        return cover
    ws = pd.Timestamp(demand.week_start)
    horizon = demand.n_slots * im
    work = schedule[schedule["activity"] == "work"]
    for start, end in zip(pd.to_datetime(work["start"]), pd.to_datetime(work["end"]), strict=True):
        s = max(0, int((start - ws) / pd.Timedelta(minutes=1)))
        e = min(horizon, int((end - ws) / pd.Timedelta(minutes=1)))
        if e > s:
            for slot, minutes in span_by_slot(s, e - s, im, horizon, cyclic=False).items():
                cover[slot] += minutes
    return cover


def _agrees(tour: Tour, key: tuple, frozen_days: tuple[bool, ...], rules: ShiftRules) -> bool:
    """Does this tour continue the published shifts ``key`` ((day, start, length, paid), ...)?"""
    worked = {d for d, *_ in key}
    for d in range(WEEK_DAYS):
        if frozen_days[d] and tour.days[d] != (d in worked):
            return False
    spans = [(d * DAY_MIN + s, d * DAY_MIN + s + ln) for d, s, ln, _ in key]
    spans += [
        (
            d * DAY_MIN + tour.template.start_min,
            d * DAY_MIN + tour.template.start_min + tour.template.length_min,
        )
        for d in range(WEEK_DAYS)
        if tour.days[d] and not frozen_days[d]
    ]
    spans.sort()
    for i, (s, _e) in enumerate(spans):
        prev_end = spans[i - 1][1] - (WEEK_MIN if i == 0 else 0)
        if s - prev_end < rules.min_rest_min:
            return False
    paid = sum(p for *_, p in key) + sum(
        tour.template.paid_min for d in range(WEEK_DAYS) if tour.days[d] and not frozen_days[d]
    )
    return paid <= rules.max_week_work_min
