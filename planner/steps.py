"""The plan's steps on objects, each validated once at the edge that makes its input; no file is read or
written here. The single-step commands, the client's check (:mod:`planner.check`), the term plan
(:mod:`planner.capacity_plan`) and the SLA options (:mod:`planner.sweep`) call these same functions:

1. forecast: :func:`planner.forecasting.forecast` on the history (the scenario's files, a history the
   caller read, or the built-in sample of :mod:`planner.demo`), for the horizon's weeks; or a forecast
   given as is (:func:`forecast_part`);
2. staffing: :func:`planner.staffing.staff_requirements` for every channel of the scenario
   (:func:`staff_step`);
3. rosters: :func:`planner.scheduling.api.roster_weeks` per team (single-skill: a team serves the sum of
   its channels), week after week, with person ids that keep the rest rule across week boundaries, the
   scenario's shrinkage applied (:func:`roster_step`);
4. check: every channel against the contract's measure (:mod:`planner.sla.service`): voice and chat by
   simulation (chat with its concurrency), email and other deferred work by a replay against the
   working-hours deadline. Each team's productive agents, ``floor(scheduled * (1 - shrinkage))``, are
   shared among its channels: real-time channels first up to their requirement, the rest to the backlog
   (:func:`team_service`, :func:`check_step`);
5. cost: the rosters under the scenario's ``[pay]`` (:func:`cost_step`).

:func:`plan_on_forecast` runs steps 2-5 on a forecast.
"""

from __future__ import annotations

import math
import queue
import time
import warnings
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from forecasts.io import History, HistoryError, aggregate_history, parse_history
from planner.domain import TIME_FMT, Forecast, Requirements, Scenario, VolumeError
from planner.errors import PlannerInputError
from planner.plan import Forecasted, Plan, Progress

if TYPE_CHECKING:  # the forecast step's summary (planner.forecasting imports the models: loaded when used)
    from planner.forecasting import ForecastSummary

FRESH_SEED = 1_000_003  # the risk check draws calls apart from the confidence search's (an honest estimate)

def horizon_bounds(scenario: Scenario, data_end: date) -> tuple[date, date]:
    """First day and the day after the last of the planned weeks; the default start is ``data_end``."""
    start = scenario.horizon.start or data_end
    weeks = scenario.horizon.weeks
    if not 1 <= weeks <= 6:
        raise PlannerInputError(f"{scenario.source}: horizon.weeks {weeks}: must be between 1 and 6")
    return start, start + timedelta(days=7 * weeks)

def forecast_step(
    scenario: Scenario, history: History, calendar: Any, until: date | None = None, cache: Any = None
) -> tuple[Forecast, ForecastSummary, date, date]:
    """Forecast the horizon's weeks from ``history`` (and on to ``until`` when it is later: the typical
    week, :func:`typical_week_after`); returns the typed forecast from the horizon's start, its
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
        cache=cache,
    )
    typed = validate_forecast(frame, source="forecast", timezone=scenario.timezone)
    return typed.between(start, max(stop, until or stop)), info, start, stop

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

def given_forecast_step(
    scenario: Scenario, forecast: Forecast | pd.DataFrame, source: str
) -> tuple[Forecast, date, date]:
    """A forecast given as is (read from a file, or a frame validated here), cut to the horizon, which it
    must cover."""
    from planner.staffing import validate_forecast

    typed = (
        forecast
        if isinstance(forecast, Forecast)
        else validate_forecast(forecast, source=source, timezone=scenario.timezone)
    )
    first = typed.frame["interval_start"].min()
    start, stop = horizon_bounds(scenario, first.date())
    if first > pd.Timestamp(start) or (first.time() != datetime.min.time() and start == first.date()):
        raise PlannerInputError(
            f"{source}: the forecast starts at {first:{TIME_FMT}}; the horizon starts {start} 00:00"
        )
    last = typed.frame["interval_start"].max()
    cut = typed.between(start, stop)
    if cut.frame.empty or last < pd.Timestamp(stop) - pd.Timedelta(hours=1):
        raise PlannerInputError(
            f"{source}: the forecast runs to {last:{TIME_FMT}}; horizon.weeks = {scenario.horizon.weeks} needs it to "
            f"{stop - timedelta(days=1)} (shorten the horizon or forecast further)"
        )
    return cut, start, stop

def volume_errors(
    scenario: Scenario, info: ForecastSummary | None
) -> tuple[dict[str, tuple[VolumeError, str]], list[str]]:
    """Each channel's forecast error: the scenario's ``forecast_error`` when set (it overrides the backtest,
    with a note), else the forecast's backtest (``info``: the largest error of a channel's queues), else
    none (a given forecast, ``info`` None or without a backtest): only Poisson noise is priced, with a
    note."""
    out, notes = {}, []
    for spec in scenario.channels:
        backtest = None
        found = info.errors(spec.name) if info is not None else ()
        if found:
            worst = {k: max(float(getattr(x, k) or 0.0) for x in found)
                     for k in ("week_log_sd", "day_log_sd", "interval_dispersion")}
            weeks = min(-(-int(x.n_days or 0) // 7) for x in found)  # backtest weeks
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
                f"figures{' and sl_confidence' if spec.target.confidence else ''} price Poisson noise only; set "
                f"[channels.{spec.name}.forecast_error]"
            )
    return out, notes

def staff_step(
    scenario: Scenario,
    forecast: Forecast | pd.DataFrame,
    source: str = "forecast",
    errors: dict[str, tuple[VolumeError, str]] | None = None,
) -> tuple[Requirements, list[str]]:
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
            spec.target.confidence,
            replications=scenario.risk_replications,
            seed=scenario.solver.seed,
        )
        for spec in scenario.channels
        if spec.target.confidence is not None and spec.kind != "email"
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        req = staff_requirements(scenario, forecast, source=source, staff=rules)
    return req, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]

def roster_step(
    scenario: Scenario, requirements: Requirements, progress: Progress | None = None
) -> tuple[tuple, list[str]]:
    """One roster per team over the horizon's weeks (teams whose channels need nobody are skipped). The
    teams do not depend on each other: they are solved side by side in threads (CP-SAT releases the GIL;
    each solve is deterministic on its own), their rosters and notes kept in the teams' order."""
    from planner.scheduling.api import roster_weeks
    from planner.scheduling.demand import week_demands

    present = set(requirements.channels)
    todo, notes = [], []
    for team in scenario.effective_teams():
        chans = tuple(c for c in team.channels if c in present)
        if not chans:
            notes.append(
                f"team {team.name}: no requirements for its channels ({', '.join(team.channels)}); not rostered"
            )
            continue
        rows = requirements.team(chans)
        if float(rows.frame["required"].sum()) <= 0:
            notes.append(f"team {team.name}: its channels require nobody in the horizon; not rostered")
            continue
        windows = [scenario.channel(c).window for c in chans]
        demands = week_demands(rows, scenario.shrinkage, chans, source=f"requirements of team {team.name}",
                               calendar=scenario.calendar, windows=windows)
        todo.append((team, demands, windows))
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()  # the teams' progress, said from this thread
    with ThreadPoolExecutor(max_workers=max(1, len(todo))) as teams:
        solving = [teams.submit(roster_weeks, demands, scenario.rules, scenario.costs, scenario.solver,
                                team=team.name, progress=lines.put, calendar=scenario.calendar, windows=windows)
                   for team, demands, windows in todo]
        _relay(solving, lines, progress)
        rosters = [f.result() for f in solving]  # the first team's failure, as one after another would give
    for (team, _demands, _windows), r in zip(todo, rosters, strict=True):
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

def _relay(running: list[Future], lines: queue.SimpleQueue[str], progress: Progress | None) -> None:
    """Until ``running`` is done, say the lines its threads queue, here: a progress callback may belong to
    this thread (a Streamlit page's progress bar cannot be drawn from another)."""
    while True:
        done = not wait(running, timeout=0.2).not_done
        while not lines.empty():
            line = lines.get()
            if progress is not None:
                progress(line)
        if done:
            return


def check_step(
    scenario: Scenario,
    forecast: Forecast,
    requirements: Requirements,
    rosters: tuple,
    progress: Progress | None = None,
    errors: dict[str, tuple[VolumeError, str]] | None = None,
    hours: dict[str, tuple] | None = None,
    run: Any = None,
    cache: Any = None,
) -> tuple[tuple, tuple, list[str]]:
    """Every rostered channel measured the contract's way against its team's productive agents, and
    each channel's risk under its forecast error (``errors``, see :func:`volume_errors`): the same agents
    against ``risk_replications`` draws of the volume, and for voice and chat the requirement's hours for
    plain Erlang and each of the scenario's ``confidence_steps``. ``hours``: {channel: those hours} already
    priced on the same forecast and scenario (they do not depend on the roster), not searched again.
    ``run``: the runner of their large searches, ``cache`` where they are kept between runs
    (:func:`planner.sla.risk.hours_by_confidence`)."""
    errors = errors or {}
    checks, risks, notes = [], [], []
    for r in rosters:
        starts = pd.to_datetime(r.coverage["interval_start"])
        runs = team_service(
            scenario, forecast, requirements, r.channels, starts, r.demands[0].interval_min,
            r.coverage["scheduled"].to_numpy(dtype=float), progress,
        )
        for ch in runs:
            checks.append(ch.check)
            if progress is not None:
                progress(f"pricing {ch.spec.name}'s forecast risk")
            risk, msgs = _risk(scenario, ch, errors, (hours or {}).get(ch.spec.name), run=run, cache=cache)
            risks.append(risk)
            notes += msgs
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
    forecast: Forecast,
    requirements: Requirements,
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
    arrays = {ch: channel_arrays(scenario, forecast, requirements, ch, starts) for ch in channels}
    required = {ch: arrays[ch][2] for ch in channels}
    shares = split_team_staffing(productive, required, {ch: scenario.channel(ch).kind for ch in channels})
    stamps = [t.to_pydatetime() for t in starts]
    runs = []
    for ch in channels:
        spec = scenario.channel(ch)
        if progress is not None:
            progress(f"checking {ch} against the contract")
        offered, aht, _required = arrays[ch]
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

def channel_arrays(
    scenario: Scenario, forecast: Forecast, requirements: Requirements, channel: str, starts: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One channel at ``starts``: offered contacts (none while a real-time channel's window is closed: they
    are not staffed, staffing warns), handle time [s] and the requirement (productive agents)."""
    spec = scenario.channel(channel)
    required, opened = requirements.on(channel, starts)
    fc = forecast.of(channel).set_index("interval_start").reindex(pd.DatetimeIndex(starts))
    offered = fc[scenario.volume_column].fillna(0.0).to_numpy(dtype=float)
    if spec.kind != "email":
        offered = offered * opened
    return offered, _aht(spec.aht_s, fc), required


def risk_hours_step(
    scenario: Scenario,
    forecast: Forecast,
    requirements: Requirements,
    errors: dict[str, tuple[VolumeError, str]] | None = None,
    *,
    run: Any = None,
    cache: Any = None,
) -> tuple[dict[str, tuple], dict[str, list[str]]]:
    """The hours-by-confidence table of every voice and chat channel that :func:`roster_step` will roster
    (:func:`channel_hours`), with its notes, per channel. The table depends on the forecast, the contract
    and the seed, never on the roster, so :func:`plan_on_forecast` prices it beside the rosters."""
    hours, notes = {}, {}
    for team in scenario.effective_teams():
        chans = tuple(c for c in team.channels if c in requirements.channels)
        rows = requirements.team(chans).frame
        if not chans or float(rows["required"].sum()) <= 0:
            continue
        starts = pd.Series(sorted(set(rows["interval_start"])))  # the roster's intervals (week_demands)
        interval_min = requirements.interval_min or int((starts.iloc[1] - starts.iloc[0]).total_seconds() // 60)
        stamps = [t.to_pydatetime() for t in starts]
        for ch in chans:
            offered, aht, required = channel_arrays(scenario, forecast, requirements, ch, starts)
            hours[ch], notes[ch] = channel_hours(scenario, scenario.channel(ch), stamps, interval_min, offered, aht,
                                                 required, errors or {}, run=run, cache=cache)
    return hours, notes


def channel_hours(
    scenario: Scenario,
    spec: Any,
    starts: list[datetime],
    interval_min: int,
    offered: np.ndarray,
    aht: np.ndarray,
    required: np.ndarray,
    errors: dict[str, tuple[VolumeError, str]],
    run: Any = None,
    cache: Any = None,
) -> tuple[tuple, list[str]]:
    """A voice or chat channel's agent-hours for plain Erlang and each of the scenario's
    ``confidence_steps`` under its forecast error (:func:`planner.sla.risk.hours_by_confidence`; the plan's
    own confidence priced by its requirement, not searched again), with a note for each step that could
    not be priced; none for deferred work or a channel without a service level."""
    from planner.sla.risk import hours_by_confidence

    if spec.kind == "email" or spec.target.sl is None:
        return (), []
    error, _origin = errors.get(spec.name, (VolumeError(), "none"))
    confidence = spec.target.confidence
    own = {confidence: float(required.sum()) * interval_min / 60.0} if confidence else {}
    rows, notes = hours_by_confidence(
        spec, starts, interval_min, offered, aht, scenario.calendar, error, sorted({*scenario.confidence_steps, *own}),
        replications=scenario.risk_replications, seed=scenario.solver.seed, known=own, run=run, cache=cache,
    )
    return rows, notes


def _risk(
    scenario: Scenario,
    ch: ChannelRun,
    errors: dict[str, tuple[VolumeError, str]],
    hours: tuple | None = None,
    run: Any = None,
    cache: Any = None,
) -> tuple[Any, list[str]]:
    """One channel's :class:`planner.sla.risk.ChannelRisk`: its share of the team's agents against volumes
    drawn from the forecast's error (simulated, or replayed for deferred work), and for voice and chat the
    hours of each confidence step (:func:`channel_hours`; ``hours`` given: those, already priced), with a
    note for each step that could not be priced."""
    from planner.sla.risk import channel_risk
    from planner.sla.service import channel_service

    spec = ch.spec
    error, origin = errors.get(spec.name, (VolumeError(), "none"))
    drawn = channel_service(
        spec, ch.starts, ch.interval_min, ch.offered, ch.aht_s, ch.agents, scenario.calendar,
        replications=scenario.risk_replications, seed=scenario.solver.seed + FRESH_SEED, volume_error=error,
    )
    notes: list[str] = []
    if hours is None:  # not priced yet
        hours, notes = channel_hours(scenario, spec, ch.starts, ch.interval_min, ch.offered, ch.aht_s, ch.required,
                                     errors, run, cache)
    return channel_risk(drawn, spec, error, origin, hours=hours), notes

def cost_step(
    scenario: Scenario, start: date, requirements: Requirements, rosters: tuple, service: tuple
) -> Any:
    """The rosters priced under the scenario's ``[pay]`` (:mod:`planner.costing`): each team's hours by pay
    rule, the statutory holidays of the year ahead its windows are open on, the handled contacts."""
    from planner.costing import plan_cost, statutory_holidays_ahead, team_cost
    from planner.labour import week_standard_min

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
    req = requirements.summary()
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
    from planner.demo import SAMPLE_HORIZON_START, SAMPLE_INTERVAL_MIN, sample_history

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
            interval_min=scenario.interval_min or SAMPLE_INTERVAL_MIN,
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
    forecast: Forecast | pd.DataFrame | None = None,
    calendar: Any = None,
    progress: Progress | None = None,
    cache: Any = None,
) -> Forecasted:
    """The first step of :func:`plan`: the horizon's forecast from the history (or the sample), or a given
    forecast cut to the horizon. SLA options reuse it (:mod:`planner.sweep`). ``cache``: where each series'
    backtest is kept between runs (:class:`planner.cache.Cache`; None: made afresh)."""
    from planner.forecasting import ForecastSummary, history_calendar

    t = time.perf_counter()
    sample, source, recent, typical = None, "forecast", None, None
    if forecast is not None:
        from planner.staffing import infer_interval_min

        source = scenario.data.forecast.path if scenario.data.forecast is not None else "forecast"
        fc, start, _stop = given_forecast_step(scenario, forecast, source)
        interval_min = infer_interval_min(fc, source=source, interval_min=scenario.interval_min)
        info = ForecastSummary(interval_min, given=True, rows=len(fc.frame))
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
            fc, info, start, stop = forecast_step(scenario, hist, cal, until, cache)
        except PlannerInputError as exc:
            raise PlannerInputError(_as_scenario_key(str(exc))) from None
        recent = recent_history(hist)
        if until is not None:
            typical = fc.between(monday, until)
            fc = fc.between(start, stop)
    return Forecasted(
        forecast=fc,
        info=info,
        start=start,
        history=sample,
        source=source,
        notes=info.warnings,
        wall_s=time.perf_counter() - t,
        recent=recent,
        typical=typical,
    )

def plan_on_forecast(
    scenario: Scenario, part: Forecasted, *, progress: Progress | None = None, run: Any = None, cache: Any = None
) -> Plan:
    """Staffing, rosters, the contract check and the cost on a forecast already made (:func:`forecast_part`;
    the scenario may differ from the one that made it in anything but its data and horizon). ``run``: the
    runner of the risk step's large searches (:func:`planner.sla.risk.hours_by_confidence`; None: here);
    ``cache``: where their hours are kept between runs (:class:`planner.cache.Cache`; None: priced afresh)."""
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

    # the risk step's hours by confidence do not depend on the roster: priced beside it, in a thread (the
    # solver and the simulator's kernels release the GIL), the same hours either way
    with ThreadPoolExecutor(max_workers=1) as beside:
        priced = beside.submit(risk_hours_step, scenario, fc, req, errors, run=run, cache=cache)
        rosters, msgs = roster_step(scenario, req, progress)
        notes += msgs
        lap("roster_s")
        if progress is not None and not priced.done():
            progress("pricing the forecast risk's hours by confidence")
        hours, hour_notes = priced.result()

    service, risk, msgs = check_step(scenario, fc, req, rosters, progress, errors, hours=hours, run=run, cache=cache)
    notes += msgs + [n for r in rosters for c in r.channels for n in hour_notes.get(c, [])]
    lap("check_s")
    cost = cost_step(scenario, part.start, req, rosters, service)
    lap("cost_s")
    timings.append(("total_s", part.wall_s + time.perf_counter() - t_all))
    return Plan(
        scenario=scenario,
        start=part.start,
        weeks=scenario.horizon.weeks,
        history=part.history,
        forecast=fc,
        forecast_info=info,
        requirements=req,
        rosters=rosters,
        service=service,
        warnings=tuple(dict.fromkeys(notes)),
        timings_s=tuple(timings),
        risk=risk,
        cost=cost,
        typical_forecast=part.typical,
    )
