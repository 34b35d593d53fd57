"""The client's adequacy check of a vendor's roster (contract clause 3.1: the client supervises the vendor).

:func:`check_roster` takes the vendor's roster (a schedule frame, DESIGN.md schema), the forecast and the
scenario, opens no file, and answers four questions:

1. labour: is the roster legal? The independent checker (:func:`planner.scheduling.checker.check_schedule`)
   with the legal limits, not our shift templates (the vendor's shifts are not ours): the scenario's
   ``[rules] min_rest_hours`` between shifts, 8 h a day plus 3 h overtime (Labour Law art. 36/41), 40 h a
   week plus the week's share of the 36 h monthly overtime (art. 36/41), a rest day a week (art. 38); rows
   that overlap or end before they start. Every violation names the agent and the date(s).
2. service: does it meet the contract? Per team, the roster's scheduled agents per interval ->
   ``floor(scheduled * (1 - shrinkage))`` productive agents -> shared among the team's channels -> simulated
   (voice, chat) or replayed (email) and measured per ``sl_period`` (:func:`planner.steps.team_service`,
   the path of the plan's own check).
3. gaps: where is it short of the requirement? The requirement is :func:`planner.steps.staff_step` on
   the forecast; per team and interval the agents to schedule are ``ceil(required / (1 - shrinkage))``
   (:func:`planner.queueing.scheduled_agents`); a gap is an interval where fewer are at work.
4. fix: the cheapest shifts to add. The vendor's roster stays as it is; the residual demand (agents to
   schedule minus the vendor's, clipped at 0) is rostered by the scheduler
   (:func:`planner.scheduling.api.roster_weeks`) under the scenario's rules and costs, except that an added
   person may work as few as one day a week (added shifts, not full-time weekly tours). The roster with the
   added shifts is checked again (``recheck``).

The roster is adequate when it is legal, meets every channel's contract measure and has no gap.

Teams: the schedule's ``team`` column names each agent's team (``planner plan`` writes it); with one team
every agent serves it. An agent id is only an id. The horizon is the roster's whole weeks from
its first date; the forecast must cover them. As in the plan, the week before the horizon is assumed
rostered like the first week: the first week's work past its end (a Sunday-night shift) also covers the
horizon's first morning, and work past the horizon's end belongs to the next plan (for one week: the week
is a cycle). See :mod:`planner.scheduling.checker`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from planner.deferred import interval_open_fraction
from planner.domain import TIME_FMT, Forecast, Horizon, Requirements, Scenario, Schedule
from planner.errors import PlannerInputError
from planner.labour import (
    DAY_MIN,
    OVERTIME_DAY_MAX_MIN,
    OVERTIME_WEEK_MAX_MIN,
    STANDARD_DAY_WORK_MIN,
    STANDARD_WEEK_WORK_MIN,
    WEEK_DAYS,
)
from planner.queueing import scheduled_agents
from planner.scheduling.checker import Limits, check_schedule
from planner.scheduling.demand import WeekDemand, day_kind, week_calendar

LAW = {
    "rest": "[rules] min_rest_hours",
    "day_hours": "Labour Law art. 36/41 (8 h + 3 h overtime a day)",
    "week_hours": "Labour Law art. 36/41 (40 h + the week's share of 36 h overtime a month)",
    "days": "Labour Law art. 38 (a rest day a week)",
    "overlap": "one activity at a time",
    "row": "schedule schema",
}
_EPS = 1e-9


def legal_limits(scenario: Scenario) -> Limits:
    """The limits a vendor's roster is held to: the scenario's minimum rest (``[rules] min_rest_hours``),
    8 h + 3 h overtime a day (art. 36/41), 40 h + the week's share of the 36 h monthly overtime a week
    (art. 36/41), six working days a week at most (art. 38). No template rules (shift lengths, start
    grid, lunch placement, breaks) and no coverage floor: those are ours, not the law."""
    return Limits(
        min_rest_min=scenario.rules.min_rest_min,
        max_days=WEEK_DAYS - 1,
        max_week_paid_min=STANDARD_WEEK_WORK_MIN + OVERTIME_WEEK_MAX_MIN,
        max_day_paid_min=STANDARD_DAY_WORK_MIN + OVERTIME_DAY_MAX_MIN,
        min_staff=0,
        lunch_after_start_min=0,
        lunch_before_end_min=0,
    )


@dataclass(frozen=True)
class LabourViolation:
    """One labour rule broken: the rule, the agent, the date(s) (a rest violation names the shift before
    and the shift after), what was found and the rule's source."""

    rule: str
    agent_id: str
    dates: tuple[str, ...]
    detail: str
    law: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "agent_id": self.agent_id, "dates": list(self.dates), "detail": self.detail,
                "law": self.law}


@dataclass(frozen=True)
class Gap:
    """An interval where the team has fewer agents at work than the requirement needs: ``required``
    (productive agents, summed over the team's channels), ``need`` (to schedule after shrinkage),
    ``scheduled`` (at work, fractional where shifts start inside the interval), ``missing_agents``."""

    team: str
    interval_start: str
    required: float
    need: int
    scheduled: float
    missing_agents: float

    def to_dict(self) -> dict[str, Any]:
        return {"team": self.team, "interval_start": self.interval_start, "required": self.required,
                "need": self.need, "scheduled": self.scheduled, "missing_agents": self.missing_agents}


@dataclass(frozen=True)
class Assessment:
    """One roster judged: each channel's contract measure (:class:`planner.sla.service.ChannelCheck`),
    labour violations, gaps, and coverage per team and interval (``team, interval_start, required, need,
    scheduled, missing_agents``)."""

    service: tuple[Any, ...]
    labour: tuple[LabourViolation, ...]
    gaps: tuple[Gap, ...]
    coverage: pd.DataFrame = field(repr=False, compare=False)

    @property
    def service_met(self) -> bool:
        return all(c.met for c in self.service)

    @property
    def adequate(self) -> bool:
        """Legal, every channel's contract met and the requirement covered in every interval."""
        return self.service_met and not self.labour and not self.gaps

    @property
    def missing_agent_hours(self) -> float:
        return float(self.coverage["missing_agent_hours"].sum()) if len(self.coverage) else 0.0


@dataclass(frozen=True)
class Fix:
    """The shifts to add (the vendor's roster unchanged): ``rows`` the added work and lunch rows (a
    :class:`~planner.domain.Schedule`), ``shifts`` one row per shift (``agent_id, date, start, end,
    lunch_start, lunch_end, paid_hours``), ``intervals`` the added agents per team and interval,
    ``added_agent_hours`` (paid, lunch excluded), the solver's status per team and notes."""

    added_agent_hours: float
    rows: Schedule = field(repr=False, compare=False)
    shifts: pd.DataFrame = field(repr=False, compare=False)
    intervals: pd.DataFrame = field(repr=False, compare=False)
    status: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "added_agent_hours": self.added_agent_hours,
            "added_shifts": len(self.shifts),
            "added_agents": int(self.shifts["agent_id"].nunique()) if len(self.shifts) else 0,
            "status": dict(self.status),
            "shifts": self.shifts.to_dict("records"),
            "intervals": self.intervals.to_dict("records"),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class CheckResult:
    """The verdict on a vendor roster (see the module docstring): ``adequate``; the roster as given
    (``given``), the fix and the roster with the fix (``recheck``, None when nothing had to be added);
    the horizon, agents and teams, wall time per step, notes."""

    adequate: bool
    given: Assessment
    fix: Fix
    recheck: Assessment | None
    start: date
    weeks: int
    interval_min: int
    agents: int
    teams: dict[str, int]
    timings_s: tuple[tuple[str, float], ...]
    notes: tuple[str, ...] = ()

    @property
    def recheck_adequate(self) -> bool:
        return self.adequate if self.recheck is None else self.recheck.adequate

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, full float precision (NaN becomes None)."""
        g = self.given
        out = {
            "adequate": self.adequate,
            "service_met": g.service_met,
            "labour_ok": not g.labour,
            "covered": not g.gaps,
            "horizon": {"start": self.start.isoformat(), "weeks": self.weeks,
                        "end": (self.start + timedelta(days=7 * self.weeks - 1)).isoformat()},
            "interval_min": self.interval_min,
            "agents": self.agents,
            "teams": self.teams,
            "channels": {c.channel: c.to_dict() for c in g.service},
            "labour": [v.to_dict() for v in g.labour],
            "gaps": [x.to_dict() for x in g.gaps],
            "missing_agent_hours": g.missing_agent_hours,
            "fix": self.fix.to_dict(),
            "recheck_adequate": self.recheck_adequate,
            "recheck": None if self.recheck is None else {
                "service_met": self.recheck.service_met,
                "labour_ok": not self.recheck.labour,
                "covered": not self.recheck.gaps,
                "gaps": len(self.recheck.gaps),
                "channels": {c.channel: {"met": c.met, "share_met": _num(c.share_met),
                                         "worst_period": {"period": c.worst_period,
                                                          "value": _num(c.worst_period_value)}}
                             for c in self.recheck.service},
            },
            "wall_s": dict(self.timings_s),
            "notes": list(self.notes),
        }
        return out


def _num(x: Any) -> Any:
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return x


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def roster_horizon(schedule: Schedule, source: str = "schedule") -> tuple[date, int]:
    """The roster's first date and whole weeks (its last date rounded up to a week)."""
    if schedule.frame.empty:
        raise PlannerInputError(f"{source}: no rows")
    dates = schedule.frame["date"].dt.date
    first, last = min(dates), max(dates)
    weeks = (last - first).days // 7 + 1
    if not 1 <= weeks <= 6:
        raise PlannerInputError(f"{source}: the roster spans {weeks} weeks ({first} to {last}); check 1 to 6 weeks")
    return first, weeks


def agent_teams(schedule: Schedule, scenario: Scenario, teams: tuple[str, ...],
                source: str = "schedule") -> dict[str, str]:
    """Each agent's team: the ``team`` column, else the scenario's one team (never read from the id)."""
    out: dict[str, str] = {}
    for aid, g in schedule.frame.groupby("agent_id", sort=True):
        aid = str(aid)
        named = {t for t in g["team"] if t not in ("", "nan")}
        if len(named) > 1:
            raise PlannerInputError(f"{source}: agent {aid}: in two teams ({', '.join(sorted(named))})")
        team = named.pop() if named else None
        if team is not None and team not in teams:
            raise PlannerInputError(
                f"{source}: agent {aid}: team '{team}' is not a team of {scenario.source or 'the scenario'} "
                f"({', '.join(teams)})"
            )
        if team is None and len(teams) == 1:
            team = teams[0]
        if team is None:
            raise PlannerInputError(
                f"{source}: agent {aid}: no team (teams {', '.join(teams)}): add a team column"
            )
        out[aid] = team
    return out


# --------------------------------------------------------------------------------------------
# One roster judged
# --------------------------------------------------------------------------------------------


def _labour(report: Any, schedule: pd.DataFrame) -> tuple[LabourViolation, ...]:
    """The checker's violations with agent and date(s); a rest violation also names the shift before."""
    busy = schedule[schedule["activity"] != "off"]
    dates_of = {str(a): sorted(set(g["date"].dt.date)) for a, g in busy.groupby("agent_id")}
    out = []
    for v in report.violations:
        if v.rule in ("floor", "coverage"):
            continue
        agent, _, rest = v.where.partition(" ")
        dates: tuple[str, ...] = ()
        try:
            day = date.fromisoformat(rest)
        except ValueError:
            day = None
            dates = (rest,) if rest else ()
        if day is not None:
            dates = (day.isoformat(),)
            if v.rule == "rest":
                own = dates_of.get(agent, [])
                # before the first shift: the first week's last one, a week earlier (checker's convention)
                before = [d for d in own if d < day] or [d for d in own if day < d < day + timedelta(days=7)]
                if before:
                    dates = (max(before).isoformat(), day.isoformat())
        out.append(LabourViolation(v.rule, agent, dates, v.detail, LAW.get(v.rule, "")))
    return tuple(out)


def _need_by_team(scenario: Scenario, requirements: Requirements, starts: pd.DatetimeIndex,
                  channels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    rows = requirements.team(channels).frame
    req = rows.groupby("interval_start")["required"].sum().reindex(starts).fillna(0.0).to_numpy(dtype=float)
    return req, scheduled_agents(req, scenario.shrinkage)


def team_scheduled(schedule: Schedule, week_start: datetime, interval_min: int, n: int) -> np.ndarray:
    """Agents at work per interval (fractional where a break covers part of one), counted as the plan's
    checker counts them (:func:`planner.scheduling.checker.check_schedule`)."""
    cover = check_schedule(schedule.frame, week_start, interval_min, [0] * n, Limits(min_staff=0)).scheduled_min
    return np.asarray(cover, dtype=float) / interval_min


def assess(
    scenario: Scenario,
    schedule: Schedule,
    forecast: Forecast,
    requirements: Requirements,
    team_channels: dict[str, tuple[str, ...]],
    start: date,
    weeks: int,
    interval_min: int,
    timings: list[tuple[str, float]] | None = None,
) -> Assessment:
    """Labour, service and gaps of one roster (every agent's team known, :meth:`Schedule.with_teams`) over the
    horizon."""
    from planner.steps import team_service

    t = time.perf_counter()
    week_start = datetime.combine(start, datetime.min.time())
    n = weeks * WEEK_DAYS * DAY_MIN // interval_min
    starts = pd.date_range(week_start, periods=n, freq=f"{interval_min}min")
    report = check_schedule(schedule.frame, week_start, interval_min, [0] * n, legal_limits(scenario))
    labour = _labour(report, schedule.frame)
    lap = time.perf_counter()
    service, gaps, cov = [], [], []
    for team, chans in team_channels.items():
        scheduled = team_scheduled(schedule.of_team(team), week_start, interval_min, n)
        req, need = _need_by_team(scenario, requirements, starts, chans)
        missing = np.maximum(0.0, need - scheduled)
        missing = np.where(missing > _EPS, missing, 0.0)
        labels = starts.strftime(TIME_FMT)
        cov.append(pd.DataFrame({"team": team, "interval_start": labels, "required": req, "need": need,
                                 "scheduled": scheduled, "missing_agents": missing,
                                 "missing_agent_hours": missing * interval_min / 60.0}))
        gaps += [Gap(team, labels[k], float(req[k]), int(need[k]), float(scheduled[k]), float(missing[k]))
                 for k in np.flatnonzero(missing > 0)]
        service += [r.check for r in team_service(scenario, forecast, requirements, chans, starts, interval_min,
                                                   scheduled)]
    if timings is not None:
        timings += [("labour_s", lap - t), ("simulation_s", time.perf_counter() - lap)]
    coverage = pd.concat(cov, ignore_index=True) if cov else pd.DataFrame()
    return Assessment(tuple(service), labour, tuple(gaps), coverage)


# --------------------------------------------------------------------------------------------
# The fix
# --------------------------------------------------------------------------------------------


def cheapest_fix(scenario: Scenario, coverage: pd.DataFrame, start: date, weeks: int, interval_min: int,
                 team_channels: dict[str, tuple[str, ...]]) -> Fix:
    """The cheapest shifts that cover each team's residual demand (``missing_agents``, rounded up per
    interval), rostered by :func:`planner.scheduling.api.roster_weeks` under the scenario's rules and
    costs with ``min_days = 1`` (added shifts, each added person within rest, hours and days limits).
    Added agents are named ``TEAM-add-A0001``."""
    from planner.scheduling.api import roster_weeks

    rules = replace(scenario.rules, min_days=1)
    per_week = WEEK_DAYS * DAY_MIN // interval_min
    week_start = datetime.combine(start, datetime.min.time())
    rows, status, notes, intervals = [], [], [], []
    for team, chans in team_channels.items():
        cov = coverage[coverage["team"] == team]
        residual = np.ceil(cov["missing_agents"].to_numpy(dtype=float) - 1e-9).astype(int)
        if residual.sum() <= 0:
            continue
        windows = [scenario.channel(c).window for c in chans]
        demands = []
        for w in range(weeks):
            first = week_start + timedelta(days=7 * w)
            starts = [first + timedelta(minutes=interval_min * t) for t in range(per_week)]
            opened = tuple(bool(x) for x in np.any(
                [interval_open_fraction(starts, interval_min, w, scenario.calendar) > 0 for w in windows], axis=0))
            kinds, delta = week_calendar(first.date(), scenario.calendar, windows, opened)
            demands.append(WeekDemand(
                week_start=first,
                interval_min=interval_min,
                required=tuple(float(x) * (1.0 - scenario.shrinkage) for x in residual[w * per_week:][:per_week]),
                need=tuple(int(x) for x in residual[w * per_week:][:per_week]),
                shrinkage=scenario.shrinkage,
                channels=chans,
                open_slot=opened,
                day_kind=kinds,
                rota_days_delta=delta,
                next_kind=day_kind(first.date() + timedelta(days=WEEK_DAYS), scenario.calendar),
            ))
        # the floor of min_staff applies to the whole team, which the vendor's agents already staff
        costs = replace(scenario.costs, min_staff=0)
        r = roster_weeks(demands, rules, costs, scenario.solver, team=f"{team}-add",
                         calendar=scenario.calendar, windows=windows)
        status.append((team, r.summary()["status"]))
        notes += [f"team {team} fix: {x}" for x in r.summary()["notes"]]
        if r.check.shortfall_agent_hours > 0:
            notes.append(f"team {team} fix: {r.check.shortfall_agent_hours:g} agent-hours the added shifts "
                         "cannot cover under the scenario's rules")
        work = r.schedule.busy().assign(team=team)  # the added agents join the team (their ids say "-add")
        rows.append(Schedule(work, "fix"))
        added = np.asarray(check_schedule(work, week_start, interval_min, [0] * len(residual),
                                          Limits(min_staff=0)).scheduled_min, dtype=float) / interval_min
        for k in np.flatnonzero(added > 0):
            intervals.append({"team": team, "interval_start": cov["interval_start"].iloc[k],
                              "missing_agents": float(cov["missing_agents"].iloc[k]),
                              "added_agents": float(added[k])})
    added_rows = Schedule.joined(rows, "fix")
    shifts = shift_list(added_rows)
    return Fix(
        added_agent_hours=float(shifts["paid_hours"].sum()) if len(shifts) else 0.0,
        rows=added_rows,
        shifts=shifts,
        intervals=pd.DataFrame(intervals, columns=["team", "interval_start", "missing_agents", "added_agents"]),
        status=tuple(status),
        notes=tuple(notes),
    )


def shift_list(rows: Schedule) -> pd.DataFrame:
    """Activity rows as one row per shift (agent and date): start, end, lunch, paid hours (lunch unpaid)."""
    cols = ["agent_id", "team", "date", "start", "end", "lunch_start", "lunch_end", "paid_hours"]
    out = []
    for (aid, day), g in rows.busy().groupby(["agent_id", "date"], sort=True):
        s, e = g["start"], g["end"]
        lunch = g[g["activity"] == "lunch"]
        paid = float(((e - s)[g["activity"] != "lunch"]).sum() / pd.Timedelta(hours=1))
        out.append({
            "agent_id": aid,
            "team": g["team"].iloc[0],
            "date": pd.Timestamp(day).strftime("%Y-%m-%d"),
            "start": s.min().strftime(TIME_FMT),
            "end": e.max().strftime(TIME_FMT),
            "lunch_start": pd.Timestamp(lunch["start"].iloc[0]).strftime(TIME_FMT) if len(lunch) else "",
            "lunch_end": pd.Timestamp(lunch["end"].iloc[0]).strftime(TIME_FMT) if len(lunch) else "",
            "paid_hours": paid,
        })
    return pd.DataFrame(out, columns=cols)


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterInputs:
    """A vendor roster made ready to measure, once, for the check and ``planner simulate --scenario``: the
    scenario set to the roster's horizon, the schedule with every agent's team, the forecast cut to it, the
    requirements the plan's staffing step gives, each team's channels with a forecast, notes."""

    scenario: Scenario
    schedule: Schedule
    forecast: Forecast
    requirements: Requirements
    team_channels: dict[str, tuple[str, ...]]
    start: date
    weeks: int
    interval_min: int
    notes: tuple[str, ...] = ()


def roster_inputs(
    scenario: Scenario,
    schedule: Schedule,
    forecast: Forecast | pd.DataFrame,
    *,
    schedule_source: str = "schedule",
    forecast_source: str = "forecast",
    pad: bool = False,
) -> RosterInputs:
    """Validate a roster and its forecast against the scenario and staff the forecast as the plan does
    (:func:`planner.steps.staff_step`; the forecast is played as given, without its error). ``pad``:
    the roster's days the forecast does not reach are played without contacts (and a note says so),
    rather than refused."""
    from planner.staffing import infer_interval_min, validate_forecast
    from planner.steps import given_forecast_step, staff_step, volume_errors

    start, weeks = roster_horizon(schedule, schedule_source)
    scen = replace(scenario, horizon=Horizon(start=start, weeks=weeks))
    pad_notes: list[str] = []
    if not isinstance(forecast, Forecast):
        forecast = validate_forecast(forecast, source=forecast_source, timezone=scenario.timezone)
    if pad:
        step = infer_interval_min(forecast, source=forecast_source, interval_min=scenario.interval_min)
        forecast, pad_notes = _padded(forecast, start, weeks, step, forecast_source)
    known = {c.name for c in scenario.channels}
    unknown = [c for c in forecast.channels if c not in known]
    if unknown:
        raise PlannerInputError(f"{forecast_source}: channel '{unknown[0]}' is not a channel of "
                                f"{scenario.source or 'the scenario'} ({', '.join(sorted(known))})")
    fc, _start, _stop = given_forecast_step(scen, forecast, forecast_source)
    interval_min = infer_interval_min(fc, source=forecast_source, interval_min=scenario.interval_min)
    errors, _ = volume_errors(scen, None)  # the check plays the forecast as given
    requirements, notes = staff_step(scen, fc, source=forecast_source, errors=errors)
    notes = pad_notes + notes
    present = set(requirements.channels)
    team_channels = {t.name: tuple(c for c in t.channels if c in present) for t in scen.effective_teams()}
    team_channels = {k: v for k, v in team_channels.items() if v}
    teams_of = agent_teams(schedule, scen, tuple(t.name for t in scen.effective_teams()), schedule_source)
    for team in sorted(set(teams_of.values()) - set(team_channels)):
        notes.append(f"team {team}: its channels have no forecast; its agents are not checked for service")
    for team in team_channels:
        if team not in teams_of.values():
            notes.append(f"team {team}: no agent in the roster")
    return RosterInputs(scen, schedule.with_teams(teams_of), fc, requirements, team_channels, start, weeks,
                        interval_min, tuple(notes))


def _padded(forecast: Forecast, start: date, weeks: int, interval_min: int,
            source: str) -> tuple[Forecast, list[str]]:
    """A typed forecast extended with empty intervals (no contacts) over the roster's ``weeks`` from ``start``
    (the added rows have no line in the source: their index is 0)."""
    first = pd.Timestamp(start)
    grid = pd.date_range(first, first + pd.Timedelta(days=WEEK_DAYS * weeks), freq=f"{interval_min}min",
                         inclusive="left")
    parts, notes = [], []
    for channel, g in forecast.frame.groupby("channel", sort=False):
        missing = grid.difference(pd.DatetimeIndex(g["interval_start"]))
        if len(missing):
            days = sorted({t.date() for t in missing})
            notes.append(f"{source}: channel {channel} has no forecast on {len(days)} day(s) of the roster "
                         f"({days[0]} to {days[-1]}): played without contacts there")
            parts.append(pd.DataFrame({"interval_start": missing, "channel": channel},
                                      index=pd.Index(np.zeros(len(missing), dtype=np.int64), name="row")))
    if not parts:
        return forecast, notes
    out = pd.concat([forecast.frame, *parts])
    for col in ("offered", "offered_lo", "offered_hi"):
        if col in out.columns:
            out[col] = out[col].fillna(0)
    out = out.sort_values(["channel", "interval_start"], kind="stable")
    return replace(forecast, frame=out, interval_min=forecast.interval_min or interval_min), notes


def roster_service(inputs: RosterInputs, team: str) -> tuple[Any, ...]:
    """One team of the roster measured the contract's way on each of its channels: the plan's own step
    (:func:`planner.steps.team_service`; :class:`planner.steps.ChannelRun` per channel)."""
    from planner.steps import team_service

    week_start = datetime.combine(inputs.start, datetime.min.time())
    n = inputs.weeks * WEEK_DAYS * DAY_MIN // inputs.interval_min
    scheduled = team_scheduled(inputs.schedule.of_team(team), week_start,
                               inputs.interval_min, n)
    starts = pd.date_range(week_start, periods=n, freq=f"{inputs.interval_min}min")
    return team_service(inputs.scenario, inputs.forecast, inputs.requirements, inputs.team_channels[team], starts,
                        inputs.interval_min, scheduled)


def check_roster(
    scenario: Scenario,
    schedule: Schedule,
    forecast: Forecast | pd.DataFrame,
    *,
    schedule_source: str = "schedule",
    forecast_source: str = "forecast",
) -> CheckResult:
    """The client's check of a vendor roster (module docstring): labour, service, gaps, the cheapest fix
    and the roster with the fix checked again. ``schedule``: the vendor's roster (a row's team "" where the
    file names none); ``forecast``: a :class:`~planner.domain.Forecast` (or a frame of the DESIGN.md
    forecast schema, validated here) covering the roster's weeks."""
    timings: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    inp = roster_inputs(scenario, schedule, forecast, schedule_source=schedule_source,
                        forecast_source=forecast_source)
    scen, sched, fc, requirements = inp.scenario, inp.schedule, inp.forecast, inp.requirements
    team_channels, start, weeks, interval_min = inp.team_channels, inp.start, inp.weeks, inp.interval_min
    notes = list(inp.notes)
    timings.append(("staffing_s", time.perf_counter() - t0))
    given = assess(scen, sched, fc, requirements, team_channels, start, weeks, interval_min, timings)
    t = time.perf_counter()
    fix = cheapest_fix(scen, given.coverage, start, weeks, interval_min, team_channels)
    timings.append(("fix_s", time.perf_counter() - t))
    recheck = None
    if len(fix.rows.frame):
        t = time.perf_counter()
        both = Schedule.joined([sched, fix.rows], schedule_source)
        recheck = assess(scen, both, fc, requirements, team_channels, start, weeks, interval_min)
        timings.append(("recheck_s", time.perf_counter() - t))
    counts = {str(k): int(v) for k, v in sched.frame.groupby("team")["agent_id"].nunique().items()}
    timings.append(("total_s", time.perf_counter() - t0))
    return CheckResult(
        adequate=given.adequate,
        given=given,
        fix=fix,
        recheck=recheck,
        start=start,
        weeks=weeks,
        interval_min=interval_min,
        agents=len(sched.agents),
        teams=counts,
        timings_s=tuple(timings),
        notes=tuple(dict.fromkeys(notes + list(fix.notes))),
    )
