"""One plan from the planner's own data, in memory: history -> forecast -> requirements -> rosters -> check.

:func:`plan` chains the public steps of the library on objects and returns a frozen :class:`Plan`; it
opens no file. :func:`write` writes a plan's files. The single-step commands call the same steps:

1. forecast: :func:`planner.forecasting.forecast` on the history (the scenario's files, a history the
   caller read, or the built-in sample of :mod:`planner.demo`), for the horizon's weeks; or a forecast
   given as is;
2. staffing: :func:`planner.staffing.staff_requirements` for every channel of the scenario;
3. rosters: :func:`planner.scheduling.api.roster_weeks` per team (single-skill: a team serves the sum of
   its channels), week after week, with person ids that keep the rest rule across week boundaries, the
   scenario's shrinkage applied;
4. check: every channel against the contract's measure (:mod:`planner.sla.service`): voice and chat by
   simulation (chat with its concurrency), email and other deferred work by a replay against the
   working-hours deadline. Each team's productive agents, ``floor(scheduled * (1 - shrinkage))``, are
   shared among its channels: real-time channels first up to their requirement, the rest to the backlog.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecasts.io import History, HistoryError, aggregate_history, parse_history
from planner.domain import TIME_FMT, Scenario, VolumeError
from planner.errors import PlannerInputError
from planner.verdict import channel_line, channel_verdict, provisional_line, verdict_line, verdict_of

Progress = Callable[[str], None]
FRESH_SEED = 1_000_003  # the risk check draws calls apart from the confidence search's (an honest estimate)


@dataclass(frozen=True)
class Plan:
    """Every step's result of :func:`plan`.

    history: the sample history when the plan ran on built-in data (else None); forecast: the horizon's
    forecast (DESIGN.md schema, ``interval_start`` as datetimes); requirements: productive agents per
    interval and channel; rosters: one :class:`planner.scheduling.api.TeamRoster` per team; service: one
    :class:`planner.sla.service.ChannelCheck` per channel; risk: one :class:`planner.sla.risk.ChannelRisk`
    per rostered channel (the plan under the forecast's error); cost: the
    :class:`planner.costing.CostBreakdown` of the rosters under the scenario's ``[pay]``; timings_s: wall
    time per step; capacity: the term's :class:`planner.capacity_plan.CapacityPlan` when it was added
    (:func:`planner.capacity_plan.with_capacity`; ``planner plan`` adds it when the scenario has a
    ``[capacity]`` section), else None; typical_forecast: when the horizon holds holiday or make-up days,
    the same model's forecast of the first ordinary week after it (:func:`typical_week_after`), which the
    long-range plan measures a typical week on; else None.
    """

    scenario: Scenario
    start: date
    weeks: int
    history: pd.DataFrame | None
    forecast: pd.DataFrame
    forecast_info: dict[str, Any]
    requirements: pd.DataFrame
    rosters: tuple[Any, ...]
    service: tuple[Any, ...]
    warnings: tuple[str, ...]
    timings_s: tuple[tuple[str, float], ...]
    risk: tuple[Any, ...] = ()
    cost: Any = None
    capacity: Any = None
    typical_forecast: pd.DataFrame | None = None

    @property
    def interval_min(self) -> int:
        return int(self.forecast_info["interval_min"])

    def roster(self, team: str) -> Any:
        """The roster of one team (KeyError if absent)."""
        for r in self.rosters:
            if r.team == team:
                return r
        raise KeyError(team)

    def summary(self) -> dict[str, Any]:
        """The JSON summary (``summary.json``): full float precision; rounding is for people."""
        return summary_of(self)


# --------------------------------------------------------------------------------------------
# Steps on objects
# --------------------------------------------------------------------------------------------


def horizon_bounds(scenario: Scenario, data_end: date) -> tuple[date, date]:
    """First day and the day after the last of the planned weeks; the default start is ``data_end``."""
    start = scenario.horizon.start or data_end
    weeks = scenario.horizon.weeks
    if not 1 <= weeks <= 6:
        raise PlannerInputError(f"{scenario.source}: horizon.weeks {weeks}: must be between 1 and 6")
    return start, start + timedelta(days=7 * weeks)


def forecast_step(
    scenario: Scenario, history: History, calendar: Any, until: date | None = None
) -> tuple[pd.DataFrame, dict[str, Any], date, date]:
    """Forecast the horizon's weeks from ``history`` (and on to ``until`` when it is later: the typical
    week, :func:`typical_week_after`); returns the typed forecast frame from the horizon's start, its
    summary and the horizon's bounds."""
    from planner.forecasting import forecast
    from planner.staffing import validate_forecast

    end = history.end.date()  # one horizon for the whole history (forecasts.io.History.end)
    start, stop = horizon_bounds(scenario, end)
    if start < end:
        raise PlannerInputError(
            f"{scenario.source}: horizon.start {start}: inside the history, which runs to "
            f"{end - timedelta(days=1)}"
        )
    days = (max(stop, until or stop) - end).days
    frame, info = forecast(
        history,
        days,
        calendar=calendar,
        method=scenario.forecast.method,
        level=scenario.forecast.level,
        backtest_weeks=scenario.forecast.backtest_weeks,
    )
    typed = validate_forecast(frame, source="forecast", timezone=scenario.timezone)
    return _cut(typed, start, max(stop, until or stop)), info, start, stop


TYPICAL_SEARCH_WEEKS = 6  # how far after the horizon a typical week is looked for


def typical_week_after(scenario: Scenario, start: date, weeks: int) -> date | None:
    """The Monday of the first ordinary week after a horizon that holds holiday or make-up days (within
    :data:`TYPICAL_SEARCH_WEEKS`), whose forecast the long-range plan measures a typical week on
    (:func:`planner.capacity_plan.typical_week`); None for an ordinary horizon."""
    from planner.calendar import typical_week_start

    cal = scenario.calendar
    if not any(cal.is_atypical(start + timedelta(days=i)) for i in range(7 * weeks)):
        return None
    monday = typical_week_start(start, weeks, cal, search_weeks=TYPICAL_SEARCH_WEEKS)
    return monday if monday is not None and monday >= start + timedelta(days=7 * weeks) else None


def _cut(fc: pd.DataFrame, start: date, stop: date) -> pd.DataFrame:
    t = fc["interval_start"]
    keep = (t >= pd.Timestamp(start)) & (t < pd.Timestamp(stop))
    return fc.loc[keep].reset_index(drop=True)


def given_forecast_step(scenario: Scenario, forecast: pd.DataFrame, source: str) -> tuple[pd.DataFrame, date, date]:
    """A forecast given as is (file or frame), cut to the horizon, which it must cover."""
    from planner.staffing import validate_forecast

    typed = (
        forecast
        if "_row" in forecast.columns
        else validate_forecast(forecast, source=source, timezone=scenario.timezone)
    )
    first = typed["interval_start"].min()
    start, stop = horizon_bounds(scenario, first.date())
    if first > pd.Timestamp(start) or (first.time() != datetime.min.time() and start == first.date()):
        raise PlannerInputError(
            f"{source}: the forecast starts at {first:{TIME_FMT}}; the horizon starts {start} 00:00"
        )
    last = typed["interval_start"].max()
    cut = _cut(typed, start, stop)
    if cut.empty or last < pd.Timestamp(stop) - pd.Timedelta(hours=1):
        raise PlannerInputError(
            f"{source}: the forecast runs to {last:{TIME_FMT}}; horizon.weeks = {scenario.horizon.weeks} needs it to "
            f"{stop - timedelta(days=1)} (shorten the horizon or forecast further)"
        )
    return cut, start, stop


def volume_errors(scenario: Scenario, info: dict[str, Any]) -> tuple[dict[str, tuple[VolumeError, str]], list[str]]:
    """Each channel's forecast error: the scenario's ``forecast_error`` when set (it overrides the backtest,
    with a note), else the forecast's backtest (``info["series"][..]["error"]``; the largest of a channel's
    queues), else none: only Poisson noise is priced, with a note."""
    found: dict[str, list[dict[str, Any]]] = {}
    for x in info.get("series", []):
        if x.get("error"):
            found.setdefault(x["channel"], []).append(x["error"])
    out, notes = {}, []
    for spec in scenario.channels:
        backtest = None
        if spec.name in found:
            sds = ("week_log_sd", "day_log_sd", "interval_dispersion")
            worst = {k: max(float(x[k] or 0.0) for x in found[spec.name]) for k in sds}
            weeks = min(-(-int(x.get("n_days") or 0) // 7) for x in found[spec.name])  # backtest weeks
            backtest = VolumeError(**worst, n_weeks=weeks)
        if spec.volume_error is not None:
            out[spec.name] = (spec.volume_error, "scenario")
            if backtest is not None:
                notes.append(
                    f"channel {spec.name}: [channels.{spec.name}.forecast_error] overrides the backtest's error "
                    f"(week_log_sd {backtest.week_log_sd:.3f}, day_log_sd {backtest.day_log_sd:.3f}, "
                    f"interval_dispersion {backtest.interval_dispersion:.3f})"
                )
        elif backtest is not None:
            out[spec.name] = (backtest, "backtest")
        else:
            out[spec.name] = (VolumeError(), "none")
            notes.append(
                f"channel {spec.name}: no backtest error (a given forecast, or too short a history): the risk "
                f"figures{' and sl_confidence' if spec.sl_confidence else ''} price Poisson noise only; set "
                f"[channels.{spec.name}.forecast_error]"
            )
    return out, notes


def staff_step(
    scenario: Scenario,
    forecast: pd.DataFrame,
    source: str = "forecast",
    errors: dict[str, tuple[VolumeError, str]] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Requirements for every scenario channel, and the warnings raised on the way, in order.

    A channel with ``sl_confidence`` is staffed for it under its forecast error (``errors``, see
    :func:`volume_errors`; :func:`planner.sla.risk.confidence_staffing`); the others by per-interval Erlang.
    """
    from planner.sla.risk import confidence_rule
    from planner.staffing import staff_requirements

    errors = errors or {}
    rules = {
        spec.name: confidence_rule(
            errors.get(spec.name, (VolumeError(), "none"))[0],
            spec.sl_confidence,
            replications=scenario.risk_replications,
            seed=scenario.solver.seed,
        )
        for spec in scenario.channels
        if spec.sl_confidence is not None and spec.kind != "email"
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        req = staff_requirements(scenario, forecast, source=source, staff=rules)
    return req, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def roster_step(
    scenario: Scenario, requirements: pd.DataFrame, progress: Progress | None = None
) -> tuple[tuple, list[str]]:
    """One roster per team over the horizon's weeks (teams whose channels need nobody are skipped)."""
    from planner.scheduling.api import roster_weeks
    from planner.scheduling.demand import week_demands

    present = set(requirements["channel"])
    rosters, notes = [], []
    for team in scenario.effective_teams():
        chans = tuple(c for c in team.channels if c in present)
        if not chans:
            notes.append(
                f"team {team.name}: no requirements for its channels ({', '.join(team.channels)}); not rostered"
            )
            continue
        rows = requirements[requirements["channel"].isin(chans)]
        if float(rows["required"].sum()) <= 0:
            notes.append(f"team {team.name}: its channels require nobody in the horizon; not rostered")
            continue
        windows = [scenario.channel(c).window for c in chans]
        demands = week_demands(rows, scenario.shrinkage, chans, source=f"requirements of team {team.name}",
                               calendar=scenario.calendar, windows=windows)
        r = roster_weeks(demands, scenario.rules, scenario.costs, scenario.solver, team=team.name, progress=progress,
                         calendar=scenario.calendar, windows=windows)
        rosters.append(r)
        notes += [f"team {team.name} roster: {n}" for n in r.summary()["notes"]]
        closed_h = r.check.closed_paid_min / 60
        if closed_h > 0:
            notes.append(
                f"team {team.name}: {closed_h:.1f} paid agent-hours fall outside the coverage window (about "
                f"{closed_h * scenario.pay.hourly_fen / 100:,.0f} CNY at the base rate): no allowed shift fits "
                f"inside it; relax {scenario.rules.name('shift_hours')} or {scenario.rules.name('earliest_start')}/"
                f"{scenario.rules.name('latest_start')}"
            )
    return tuple(rosters), notes


def check_step(
    scenario: Scenario,
    forecast: pd.DataFrame,
    requirements: pd.DataFrame,
    rosters: tuple,
    progress: Progress | None = None,
    errors: dict[str, tuple[VolumeError, str]] | None = None,
) -> tuple[tuple, tuple, list[str]]:
    """Every rostered channel measured the contract's way against its team's productive agents, and
    each channel's risk under its forecast error (``errors``, see :func:`volume_errors`): the same agents
    against ``risk_replications`` draws of the volume, and for voice and chat the requirement's hours for
    plain Erlang and each of the scenario's ``confidence_steps``."""
    errors = errors or {}
    checks, risks, notes = [], [], []
    for r in rosters:
        starts = pd.to_datetime(r.coverage["interval_start"])
        runs = team_service(
            scenario, forecast, requirements, r.channels, starts, r.demands[0].interval_min,
            r.coverage["scheduled"].to_numpy(dtype=float), progress,
        )
        for run in runs:
            checks.append(run.check)
            if progress is not None:
                progress(f"pricing {run.spec.name}'s forecast risk")
            risks.append(_risk(scenario, run.spec, run.starts, run.interval_min, run.offered, run.aht_s,
                               run.agents, run.required, errors))
    return tuple(checks), tuple(risks), notes


@dataclass(frozen=True)
class ChannelRun:
    """One channel of a team played against its forecast: the spec, the interval starts, offered contacts,
    handle time [s], the channel's share of the team's productive agents, its requirement (productive
    agents) per interval, the contract's measure (:class:`planner.sla.service.ChannelCheck`) and the
    service it was measured on (:class:`planner.sla.service.ChannelService`)."""

    spec: Any
    starts: list[datetime]
    interval_min: int
    offered: np.ndarray
    aht_s: np.ndarray
    agents: np.ndarray
    required: np.ndarray
    check: Any
    service: Any = None


def team_service(
    scenario: Scenario,
    forecast: pd.DataFrame,
    requirements: pd.DataFrame,
    channels: tuple[str, ...],
    starts: pd.DatetimeIndex | pd.Series,
    interval_min: int,
    scheduled: np.ndarray,
    progress: Progress | None = None,
) -> tuple[ChannelRun, ...]:
    """A team's scheduled agents per interval (``scheduled``, at ``starts``) measured the contract's way on
    each of its ``channels``: ``floor(scheduled * (1 - shrinkage))`` productive agents shared among the
    channels (:func:`planner.sla.service.split_team_staffing`), then simulated or replayed
    (:func:`planner.sla.service.channel_service`) and measured (:func:`planner.sla.service.measure`).
    The plan's check and the client's check of a vendor roster (:mod:`planner.check`) both call it."""
    from planner.queueing import productive_agents
    from planner.sla.service import channel_service, measure, split_team_staffing

    starts = pd.to_datetime(pd.Series(starts)).reset_index(drop=True)
    productive = productive_agents(np.asarray(scheduled, dtype=float), scenario.shrinkage)
    required, kinds, blocks, opens = {}, {}, {}, {}
    for ch in channels:
        rows = requirements[requirements["channel"] == ch].set_index("interval_start").reindex(starts)
        required[ch] = rows["required"].fillna(0.0).to_numpy(dtype=float)
        opens[ch] = (rows["open"].fillna(0) > 0).to_numpy(dtype=float)
        kinds[ch] = scenario.channel(ch).kind
        blocks[ch] = forecast[forecast["channel"] == ch].set_index("interval_start").reindex(starts)
    shares = split_team_staffing(productive, required, kinds)
    stamps = [t.to_pydatetime() for t in starts]
    runs = []
    for ch in channels:
        spec = scenario.channel(ch)
        if progress is not None:
            progress(f"checking {ch} against the contract")
        fc = blocks[ch]
        offered = fc[scenario.volume_column].fillna(0.0).to_numpy(dtype=float)
        if spec.kind != "email":  # a closed line takes no calls: they are not staffed (staffing warns)
            offered = offered * opens[ch]
        aht = _aht(spec.aht_s, fc)
        service = channel_service(
            spec,
            stamps,
            interval_min,
            offered,
            aht,
            shares[ch],
            scenario.calendar,
            replications=scenario.replications,
            seed=scenario.solver.seed,
        )
        runs.append(ChannelRun(spec, stamps, interval_min, offered, aht, shares[ch], required[ch],
                               measure(service, spec), service))
    return tuple(runs)


def _risk(
    scenario: Scenario,
    spec: Any,
    starts: list[datetime],
    interval_min: int,
    offered: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    required: np.ndarray,
    errors: dict[str, tuple[VolumeError, str]],
) -> Any:
    """One channel's :class:`planner.sla.risk.ChannelRisk`: its share of the team's agents against volumes
    drawn from the forecast's error (simulated, or replayed for deferred work), and for voice and chat the
    hours of each confidence step (the plan's own confidence priced by its requirement, not searched again)."""
    from planner.sla.risk import channel_risk, hours_by_confidence
    from planner.sla.service import channel_service

    error, origin = errors.get(spec.name, (VolumeError(), "none"))
    drawn = channel_service(
        spec, starts, interval_min, offered, aht, agents, scenario.calendar,
        replications=scenario.risk_replications, seed=scenario.solver.seed + FRESH_SEED, volume_error=error,
    )
    hours: tuple = ()
    if spec.kind != "email" and spec.sl_target is not None:
        own = {spec.sl_confidence: float(required.sum()) * interval_min / 60.0} if spec.sl_confidence else {}
        hours = hours_by_confidence(
            spec, starts, interval_min, offered, aht, scenario.calendar, error,
            sorted({*scenario.confidence_steps, *own}),
            replications=scenario.risk_replications, seed=scenario.solver.seed, known=own,
        )
    return channel_risk(drawn, spec, error, origin, hours=hours)


def cost_step(
    scenario: Scenario, start: date, requirements: pd.DataFrame, rosters: tuple, service: tuple
) -> Any:
    """The rosters priced under the scenario's ``[pay]`` (:mod:`planner.costing`): each team's hours by pay
    rule, the statutory holidays of the year ahead its windows are open on, the handled contacts."""
    from planner.costing import plan_cost, statutory_holidays_ahead, team_cost
    from planner.labour import week_standard_min
    from planner.staffing import requirement_summary

    cal, rules = scenario.calendar, scenario.rules
    teams = []
    for r in rosters:
        windows = [scenario.channel(c).window for c in r.channels]
        open_days = statutory_holidays_ahead(start, cal, lambda d, ws=windows: any(w.spans(d, cal) for w in ws))
        teams.append(
            team_cost(
                r.team, r.channels, r.schedule, start=start, weeks=len(r.weeks), pay=scenario.pay, calendar=cal,
                night=(rules.night_start_min, rules.night_end_min), holidays_open=open_days,
                source=f"roster of team {r.team}",
                week_standard=[week_standard_min(d.rota_days_delta) for d in r.demands],
            )
        )
    req = requirement_summary(requirements)
    return plan_cost(
        teams,
        pay=scenario.pay,
        weeks=scenario.horizon.weeks,
        handled={c.channel: c.handled for c in service if math.isfinite(c.handled)},
        required_hours={c: float(x["agent_hours"]) for c, x in req.items()},
    )


def _aht(fixed: float | None, fc: pd.DataFrame) -> np.ndarray:
    if fixed is not None:
        return np.full(len(fc), float(fixed))
    aht = fc["aht_s"].to_numpy(dtype=float) if "aht_s" in fc.columns else np.full(len(fc), np.nan)
    good = np.isfinite(aht) & (aht > 0)
    return np.where(good, aht, float(np.nanmean(aht[good])) if good.any() else 1.0)


def _history(scenario: Scenario, history: History | pd.DataFrame | None) -> tuple[History, pd.DataFrame | None]:
    """The history to forecast from: the caller's, or the built-in sample when the scenario asks for it."""
    from planner.demo import SAMPLE_HORIZON_START, sample_history

    sample = None
    if history is None:
        if not scenario.data.sample:
            raise PlannerInputError(
                f'{scenario.source}: no data: set [data] history = "FILE", forecast = "FILE" or sample = true'
            )
        sample = sample_history(
            scenario,
            end=scenario.horizon.start or SAMPLE_HORIZON_START,
            weeks=scenario.data.sample_weeks,
            interval_min=scenario.interval_min or 30,
            seed=scenario.solver.seed,
            volume_scale=scenario.data.sample_scale,
        )
        history = sample
    try:
        if isinstance(history, pd.DataFrame):
            raw = history.astype(object).where(history.notna(), "").astype(str)
            history = parse_history(raw, "history", tz=scenario.timezone)
        history = aggregate_history(history, scenario.interval_min)
    except HistoryError as exc:
        raise PlannerInputError(str(exc).splitlines()[0]) from None
    return history, sample


# The forecast engines name a parameter at the head of a message (``interval_min 15: ...``; the CLI turns
# it into the flag typed): the scenario-driven paths name the scenario's key instead.
FORECAST_KEYS = {
    "interval_min": "staffing.interval_min",
    "method": "forecast.method",
    "level": "forecast.level",
    "backtest_weeks": "forecast.backtest_weeks",
    "holidays": "data.holidays",
}


def _as_scenario_key(message: str) -> str:
    head, sep, rest = message.partition(" ")
    name = head.rstrip(":")
    return f"{FORECAST_KEYS[name]}{head[len(name):]} {rest}" if sep and name in FORECAST_KEYS else message


@dataclass(frozen=True)
class Forecasted:
    """The forecast a plan is built on: the horizon's forecast frame, its summary (``info``), the first
    planned day, the sample history (or None), where it came from and the notes and time it took;
    ``recent``: the last weeks of the history it was made from (``interval_start, channel, offered``; None
    for a given forecast), to draw beside the forecast."""

    forecast: pd.DataFrame
    info: dict[str, Any]
    start: date
    history: pd.DataFrame | None
    source: str
    notes: tuple[str, ...]
    wall_s: float
    recent: pd.DataFrame | None = None
    typical: pd.DataFrame | None = None


def recent_history(history: History, days: int = 21) -> pd.DataFrame:
    """The last ``days`` days of each channel's history, summed over queues, as a history-schema frame."""
    parts = []
    for s in history.series:
        starts = s.start + pd.to_timedelta(np.arange(len(s.offered)) * s.interval_min, unit="min")
        parts.append(pd.DataFrame({"interval_start": starts, "channel": s.channel, "offered": s.offered}))
    if not parts:
        return pd.DataFrame(columns=["interval_start", "channel", "offered"])
    df = pd.concat(parts).groupby(["channel", "interval_start"], as_index=False)["offered"].sum()
    df = df[["interval_start", "channel", "offered"]]
    last = df.groupby("channel")["interval_start"].transform("max")
    return df[df["interval_start"] > last - pd.Timedelta(days=days)].reset_index(drop=True)


def forecast_part(
    scenario: Scenario,
    history: History | pd.DataFrame | None = None,
    *,
    forecast: pd.DataFrame | None = None,
    calendar: Any = None,
    progress: Progress | None = None,
) -> Forecasted:
    """The first step of :func:`plan`: the horizon's forecast from the history (or the sample), or a given
    forecast cut to the horizon. SLA options reuse it (:mod:`planner.sweep`)."""
    from planner.forecasting import history_calendar

    t = time.perf_counter()
    sample, source, recent, typical = None, "forecast", None, None
    if forecast is not None:
        from planner.staffing import infer_interval_min

        source = scenario.data.forecast.path if scenario.data.forecast is not None else "forecast"
        fc, start, _stop = given_forecast_step(scenario, forecast, source)
        interval_min = infer_interval_min(fc, source=source, interval_min=scenario.interval_min)
        info: dict[str, Any] = {"interval_min": interval_min, "series": [], "warnings": [], "given": True}
    else:
        try:
            hist, sample = _history(scenario, history)
            if progress is not None:
                progress(f"forecasting {len(hist.series)} series, {scenario.horizon.weeks} week(s)")
            first, _ = horizon_bounds(scenario, hist.end.date())
            monday = typical_week_after(scenario, first, scenario.horizon.weeks)
            until = monday + timedelta(days=7) if monday is not None else None
            ahead = 7 * scenario.horizon.weeks + 7 + (max(0, (until - first).days) if until else 0)
            cal = calendar or scenario.data.calendar or history_calendar(hist, ahead, scenario.data.holidays)
            fc, info, start, stop = forecast_step(scenario, hist, cal, until)
        except PlannerInputError as exc:
            raise PlannerInputError(_as_scenario_key(str(exc))) from None
        recent = recent_history(hist)
        if until is not None:
            typical = _cut(fc, monday, until)
            fc = _cut(fc, start, stop)
    return Forecasted(
        forecast=fc,
        info=info,
        start=start,
        history=sample,
        source=source,
        notes=tuple(info["warnings"]),
        wall_s=time.perf_counter() - t,
        recent=recent,
        typical=typical,
    )


def plan(
    scenario: Scenario,
    history: History | pd.DataFrame | None = None,
    *,
    forecast: pd.DataFrame | None = None,
    calendar: Any = None,
    progress: Progress | None = None,
) -> Plan:
    """The whole plan in memory: no file is read or written here.

    history: a :class:`forecasts.io.History` or a history-schema frame; None uses the scenario's sample
    when ``[data] sample = true``. forecast: a forecast frame to plan from as is (no forecasting).
    calendar: the forecast's :class:`forecasts.daycalendar.DayCalendar` (default: from ``[data] holidays``).
    Reproducible: the same scenario (seed included) and data give the same plan on any machine load while
    each solve stops on its deterministic time (``[solver] workers = 1``).
    """
    part = forecast_part(scenario, history, forecast=forecast, calendar=calendar, progress=progress)
    return plan_on_forecast(scenario, part, progress=progress)


def plan_on_forecast(scenario: Scenario, part: Forecasted, *, progress: Progress | None = None) -> Plan:
    """Staffing, rosters, the contract check and the cost on a forecast already made (:func:`forecast_part`;
    the scenario may differ from the one that made it in anything but its data and horizon)."""
    t_all = t = time.perf_counter()
    timings: list[tuple[str, float]] = [("forecast_s", part.wall_s)]
    notes: list[str] = list(part.notes)

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings.append((name, now - t))
        t = now

    fc, info = part.forecast, part.info
    errors, msgs = volume_errors(scenario, info)
    notes += msgs
    req, msgs = staff_step(scenario, fc, source=part.source, errors=errors)
    notes += msgs
    lap("staffing_s")

    rosters, msgs = roster_step(scenario, req, progress)
    notes += msgs
    lap("roster_s")

    service, risk, msgs = check_step(scenario, fc, req, rosters, progress, errors)
    notes += msgs
    lap("check_s")
    cost = cost_step(scenario, part.start, req, rosters, service)
    lap("cost_s")
    timings.append(("total_s", part.wall_s + time.perf_counter() - t_all))
    return Plan(
        scenario=scenario,
        start=part.start,
        weeks=scenario.horizon.weeks,
        history=part.history,
        forecast=fc.drop(columns=["_row"], errors="ignore"),
        forecast_info=info,
        requirements=req,
        rosters=rosters,
        service=service,
        warnings=tuple(dict.fromkeys(notes)),
        timings_s=tuple(timings),
        risk=risk,
        cost=cost,
        typical_forecast=None if part.typical is None else part.typical.drop(columns=["_row"], errors="ignore"),
    )


def with_rosters(p: Plan, rosters: tuple, *, progress: Progress | None = None) -> Plan:
    """The plan with other rosters in place (one team re-solved under changed rules, say), measured and
    priced again: the contract check and the risk of the teams whose roster changed, and the cost, are
    redone on the same forecast and requirements, so nothing shown or written mixes the new rosters with the
    old rosters' figures. The capacity plan, measured on the old rosters, is dropped: add it again with
    :func:`planner.capacity_plan.with_capacity`."""
    before = {r.team: r for r in p.rosters}
    changed = tuple(r for r in rosters if before.get(r.team) is not r)  # only these are simulated again
    errors, _msgs = volume_errors(p.scenario, p.forecast_info)
    new_service, new_risk, notes = check_step(p.scenario, p.forecast, p.requirements, changed, progress, errors)
    checks = {c.channel: c for c in (*p.service, *new_service)}
    risks = {x.channel: x for x in (*p.risk, *new_risk)}
    channels = [c for r in rosters for c in r.channels]
    service = tuple(checks[c] for c in channels if c in checks)
    risk = tuple(risks[c] for c in channels if c in risks)
    cost = cost_step(p.scenario, p.start, p.requirements, rosters, service)
    return replace(p, rosters=tuple(rosters), service=service, risk=risk, cost=cost, capacity=None,
                   warnings=tuple(dict.fromkeys((*p.warnings, *notes))))


# --------------------------------------------------------------------------------------------
# Summary and files
# --------------------------------------------------------------------------------------------


def _num(x: Any) -> Any:
    """JSON-safe number: None for NaN/inf, plain Python types, full precision."""
    if x is None:
        return None
    if isinstance(x, (np.integer, int)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(x) else None
    return x


def summary_of(p: Plan) -> dict[str, Any]:
    """The plan's figures: horizon, per channel (forecast, requirement, contract measure), per team."""
    from planner.staffing import requirement_summary

    s = p.scenario
    series = {x["channel"]: x for x in p.forecast_info.get("series", [])}
    req = requirement_summary(p.requirements)
    checks = {c.channel: c for c in p.service}
    risks = {r.channel: r for r in p.risk}
    channels = {}
    for spec in s.channels:
        fc = p.forecast[p.forecast["channel"] == spec.name]
        r = req.get(spec.name)
        x = series.get(spec.name, {})
        channels[spec.name] = {
            "kind": spec.kind,
            "team": s.team_of(spec.name),
            "forecast_volume": _num(float(fc[s.volume_column].sum())) if len(fc) else None,
            "model": x.get("model"),
            "backtest_wape": _num(x.get("backtest_wape")),
            "backtest_weeks": x.get("backtest_weeks"),
            "required_agent_hours": _num(r["agent_hours"]) if r else None,
            "peak_required": r["peak_required"] if r else None,
            "service": checks[spec.name].to_dict() if spec.name in checks else None,
            "risk": risks[spec.name].to_dict() if spec.name in risks else None,
        }
    for c in channels.values():
        c["verdict"] = channel_verdict(c["service"], c["risk"])
    cost = p.cost.to_dict() if p.cost is not None else None
    flags = [f["team"] for f in cost["overtime_flags"]] if cost is not None else []
    teams = {}
    for r in p.rosters:
        x = r.summary()
        teams[r.team] = {
            k: x[k]
            for k in (
                "channels",
                "status",
                "weeks",
                "agents",
                "agents_per_week",
                "paid_hours",
                "required_hours",
                "paid_over_required",
                "shortfall_agent_hours",
                "short_intervals",
                "closed_paid_hours",
                "objective_fen",
                "lower_bound_fen",
                "gap",
                "duty_spread",
                "wall_s",
            )
        }
        teams[r.team]["idle_paid_hours"] = _num(idle_paid_hours(r.coverage, x.get("interval_min", p.interval_min)))
        teams[r.team]["overtime_flags"] = flags.count(r.team) if cost is not None else None
    verdict = verdict_of(channels)
    years = estimated_holiday_years(p)
    reason = "; ".join(s.calendar.warnings_for(years)) or None
    return {
        "scenario": s.source,
        "scenario_name": s.name,
        "seed": s.solver.seed,
        "horizon": {
            "start": p.start.isoformat(),
            "weeks": p.weeks,
            "end": (p.start + timedelta(days=7 * p.weeks - 1)).isoformat(),
        },
        "interval_min": p.interval_min,
        "data": "forecast" if p.forecast_info.get("given") else ("sample" if p.history is not None else "history"),
        "shrinkage": s.shrinkage,
        "solver": {
            "time_limit_s": s.solver.time_limit_s,
            "workers": s.solver.workers,
            "deterministic_time": s.solver.deterministic_time,
        },
        "contract_met": all(c.met for c in p.service),
        **verdict,
        "provisional": bool(years),
        "provisional_reason": reason,
        "estimated_holiday_years": years,
        "cost": cost,
        **({"capacity": p.capacity.to_dict()} if p.capacity is not None else {}),
        "channels": channels,
        "teams": teams,
        "wall_s": dict(p.timings_s),
        "warnings": list(p.warnings),
    }


def idle_paid_hours(coverage: pd.DataFrame, interval_min: int) -> float | None:
    """Paid agent-hours in intervals whose requirement is none (``needed_after_shrinkage == 0``): the
    scheduled agents there times the interval's hours (None for a coverage without the column)."""
    if coverage is None or "needed_after_shrinkage" not in coverage or "scheduled" not in coverage:
        return None
    idle = coverage["needed_after_shrinkage"].to_numpy(dtype=float) == 0
    return float(coverage["scheduled"].to_numpy(dtype=float)[idle].sum()) * interval_min / 60.0


def estimated_holiday_years(p: Plan) -> list[int]:
    """The years of the plan's horizon whose Chinese holiday arrangement is the library's estimate (no
    official make-up days published, none overridden): the plan is provisional on them."""
    end = p.start + timedelta(days=7 * p.weeks - 1)
    years = range(p.start.year, end.year + 1)
    return [y for y in years if p.scenario.calendar.warnings_for([y])]


def _why_missed(svc: dict[str, Any]) -> list[str]:
    """Why a channel misses its contract measure (the rule of :func:`planner.sla.service.measure`): too few
    periods meet the target (``share``), or an interval falls below the floor (``floor``)."""
    if svc["met"]:
        return []
    why = []
    if svc.get("min_share") is not None and svc["share_met"] < svc["min_share"] - 1e-9:
        why.append("share")
    if svc.get("intervals_below_floor"):
        why.append("floor")
    return why


def headline(summary: dict[str, Any]) -> dict[str, Any]:
    """The plan's headline for people (the app's start page): agent FTE, headcount, cost a month; the
    verdict (:mod:`planner.verdict`: ``met``, ``at_risk`` or ``not_met``, the lowest probability of meeting
    the month and its channel, ``provisional`` and why); per channel the contract's measure on its worst
    period, simulated and as predicted by the staffing model, against the target, why a channel misses it
    (``why``: ``share`` of periods met below ``min_share``, intervals ``below_floor``), the probability of
    meeting the month and the expected missed days a month, and the channel's verdict; per team the overtime
    flags (agent-months over 36 h), paid and required hours, idle paid hours and the solver's gap."""
    from planner.verdict import channel_verdict, of_summary

    cost = summary.get("cost") or {}
    flags = cost.get("overtime_flags")
    channels = []
    for ch, c in summary["channels"].items():
        svc = c.get("service")
        if svc is None:
            continue
        worst = svc["worst_period"]["period"]
        period = next((p for p in svc["periods"] if p["period"] == worst), None)
        risk = c.get("risk") or {}
        channels.append({
            "channel": ch,
            "measure": svc["measure"],
            "period": svc["period"],
            "worst_period": worst,
            "target": svc["target"],
            "simulated": svc["worst_period"]["value"],
            "predicted": None if period is None else period["predicted"],
            "share_met": svc["share_met"],
            "min_share": svc.get("min_share"),
            "floor": svc.get("floor"),
            "below_floor": len(svc.get("intervals_below_floor") or ()),
            "met": svc["met"],
            "why": _why_missed(svc),
            "p_month_met": risk.get("p_month_met"),
            "expected_missed_days_per_month": risk.get("expected_missed_days_per_month"),
            "verdict": c.get("verdict") or channel_verdict(svc, c.get("risk")),
        })
    teams = []
    for team, t in (summary.get("teams") or {}).items():
        teams.append({
            "team": team,
            "status": t.get("status"),
            "agents": t.get("agents"),
            "paid_hours": t.get("paid_hours"),
            "required_hours": t.get("required_hours"),
            "paid_over_required": t.get("paid_over_required"),
            "idle_paid_hours": t.get("idle_paid_hours"),
            "overtime_flags": t.get("overtime_flags",
                                    None if flags is None else sum(f["team"] == team for f in flags)),
            "gap": t.get("gap"),
        })
    return {
        "fte": cost.get("fte"),
        "headcount": cost.get("headcount"),
        "cost_month_cny": cost.get("cost_month_cny"),
        "contract_met": summary["contract_met"],
        **of_summary(summary),
        "overtime_flags": None if flags is None else len(flags),
        "channels": channels,
        "teams": teams,
    }


PLAN_FILES = (
    "forecast.csv",
    "requirements.csv",
    "schedule.csv",
    "coverage.csv",
    "service.csv",
    "risk.csv",
    "summary.json",
    "plan.xlsx",
)


def tables(p: Plan) -> dict[str, pd.DataFrame]:
    """The plan's tables as written: forecast, requirements, schedule, coverage, service."""
    fc = p.forecast.copy()
    fc["interval_start"] = fc["interval_start"].dt.strftime(TIME_FMT)
    schedule = (
        pd.concat([r.schedule for r in p.rosters], ignore_index=True)
        if p.rosters
        else pd.DataFrame(columns=["agent_id", "date", "activity", "start", "end"])
    )
    coverage = (
        pd.concat([r.coverage.assign(team=r.team) for r in p.rosters], ignore_index=True)
        if p.rosters
        else (pd.DataFrame())
    )
    service = pd.concat([c.periods_frame() for c in p.service], ignore_index=True) if p.service else pd.DataFrame()
    risk = pd.concat([r.days_frame() for r in p.risk], ignore_index=True) if p.risk else pd.DataFrame()
    hours = pd.concat([r.hours_frame() for r in p.risk], ignore_index=True) if p.risk else pd.DataFrame()
    cost = p.cost.lines_frame() if p.cost is not None else pd.DataFrame()
    extra = {"capacity": p.capacity.rows} if p.capacity is not None else {}
    return {
        "forecast": fc,
        "requirements": p.requirements,
        "schedule": schedule,
        "coverage": coverage,
        "service": service,
        "risk": risk,
        "confidence_hours": hours,
        "cost": cost,
        **extra,
    }


def write(p: Plan, out_dir: str | Path, force: bool = False, extra: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the plan's files into ``out_dir`` (a non-empty folder needs ``force``); ``extra`` tables become
    sheets of ``plan.xlsx`` too (``planner cost --plans``: the options side by side).

    Files are written into a fresh folder beside it and moved in at the end, so a failure never leaves a
    half-written plan.
    """
    import shutil
    import tempfile

    from planner.io.requirements import write_requirements
    from planner.io.table import prepare_out_dir, write_csv
    from planner.io.xlsx import write_plan_xlsx

    out = prepare_out_dir(out_dir, force)
    t = tables(p)
    summary = p.summary()
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp_s:
        tmp = Path(tmp_s)
        if p.history is not None:
            write_csv(p.history, tmp / "history.csv")
        write_csv(t["forecast"], tmp / "forecast.csv")
        write_requirements(t["requirements"], tmp / "requirements.csv")
        write_csv(t["schedule"], tmp / "schedule.csv")
        write_csv(t["coverage"], tmp / "coverage.csv")
        write_csv(t["service"], tmp / "service.csv")
        write_csv(t["risk"], tmp / "risk.csv")
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_plan_xlsx(tmp / "plan.xlsx", summary, {**t, **(extra or {})})
        for f in sorted(tmp.iterdir()):
            shutil.move(str(f), out / f.name)
    return out


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """A short human summary of a plan (what ``planner plan`` prints)."""
    h = summary["horizon"]
    lines = [
        f"scenario {summary['scenario_name'] or summary['scenario']}: {h['weeks']} week(s) "
        f"{h['start']} to {h['end']}, seed {summary['seed']}"
    ]
    for ch, c in summary["channels"].items():
        if c["forecast_volume"] is None:
            lines.append(f"  {ch:<8} no data: not planned")
            continue
        wape = "" if c["backtest_wape"] is None else f", model {c['model']} (WAPE {c['backtest_wape']:.3f})"
        svc = c["service"]
        verdict = ""
        if svc is not None:
            verdict = (
                f"; {svc['measure']} {svc['period']}: {svc['share_met']:.0%} of periods meet "
                f"{svc['target']:g} -> {channel_line(c, 'en')}"
            )
        lines.append(
            f"  {ch:<8} {c['forecast_volume']:>9.0f} contacts{wape}, "
            f"{c['required_agent_hours'] or 0:.0f} required agent-h{verdict}"
        )
        risk = c.get("risk")
        if risk is not None and risk["p_day_met_min"] is not None:
            source = {"none": "Poisson noise only"}.get(risk["error"]["source"], f"{risk['error']['source']} error")
            staffed = f"; staffed for confidence {risk['confidence']:g}" if risk["confidence"] else ""
            lines.append(
                f"    risk ({source}): worst day meets the target with p {risk['p_day_met_min']:.2f}, "
                f"{risk['expected_missed_days_per_month']:.1f} missed days/month expected, the month meets the "
                f"contract with p {risk['p_month_met']:.2f}{staffed}"
            )
            steps = ", ".join(
                f"{x['confidence']:g} {x['added_hours']:+.0f} h" for x in risk["hours_by_confidence"] if x["confidence"]
            )
            if steps:
                lines.append(f"    agent-hours over plain per-interval Erlang, by confidence: {steps}")
    for team, t in summary["teams"].items():
        gap = "n/a" if t["gap"] is None else f"{t['gap']:.1%}"
        req_h, idle, flags = t.get("required_hours"), t.get("idle_paid_hours"), t.get("overtime_flags")
        lines.append(
            f"  team {team:<8} {t['agents']} agents, {t['paid_hours']:.0f} paid h"
            + ("" if not req_h else f" / {req_h:.0f} required h ({t['paid_hours'] / req_h:.2f}x)")
            + ("" if idle is None else f", {idle:.0f} paid h idle (no requirement)")
            + ("" if flags is None else f", {flags} overtime flag(s)")
            + f", gap {gap} ({t['status']})"
        )
        if t["shortfall_agent_hours"] > 0:
            first = t["short_intervals"][0]["interval_start"] if t["short_intervals"] else "?"
            lines.append(
                f"    SHORT: {t['shortfall_agent_hours']:.1f} agent-hours uncovered "
                f"({len(t['short_intervals'])} intervals, first {first})"
            )
    lines += cost_lines(summary.get("cost"))
    lines.append(f"  verdict: {verdict_line(summary, 'en')}; {summary['wall_s']['total_s']:.0f} s")
    why = provisional_line(summary, "en")
    if why:
        lines.append(f"    {why}")
    return lines


def cost_lines(cost: dict[str, Any] | None) -> list[str]:
    """The plan's cost for people (CNY, rounded)."""
    if not cost:
        return []
    support = sum(cost["support_staff"].values())
    per = cost["cost_per_contact_cny"]
    lines = [
        f"  cost ({cost['hours_system']} hours): {cost['cost_month_cny']:,.0f} CNY a month, "
        f"{cost['cost_year_cny']:,.0f} a year; {cost['fte']:.1f} agent FTE + {support} support"
        + ("" if per is None else f"; {per:.2f} CNY a contact"),
        f"    price at margin {cost['margin']:.0%}: {cost['price_month_cny']:,.0f} CNY a month"
        + ("" if cost["price_per_contact_cny"] is None else f", {cost['price_per_contact_cny']:.2f} a contact")
        + ("" if cost["price_per_fte_month_cny"] is None else f", {cost['price_per_fte_month_cny']:,.0f} an FTE-month"),
    ]
    flags = cost["overtime_flags"]
    if flags:
        lines.append(
            f"    OVERTIME: {len(flags)} agent-month(s) over 36 h (Labour Law art. 41), first "
            f"{flags[0]['agent_id']} {flags[0]['month']} ({flags[0]['projected_h']:.1f} h projected)"
        )
    return lines
