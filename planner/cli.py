"""The ``planner`` command line (the CLI contract in DESIGN.md).

Every command: ``--help``; ``--json`` prints one JSON object on stdout where the command has a
result; exit 0 on success, 2 on bad input or an impossible request (one line ``error: ...`` on
stderr), 1 only for a genuine bug. Only this module parses command lines.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import typer

from planner.errors import PlannerInputError

app = typer.Typer(
    name="planner",
    help="Workforce planning and staffing for outsourced customer service.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: units such as [s] and [min] are text, not markup
)


@app.callback()
def _root() -> None:
    """Workforce planning and staffing for outsourced customer service (times Asia/Shanghai, money CNY)."""


def _finite_or_none(value: Any) -> Any:
    """JSON has no inf/nan: report them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit_json(obj: dict[str, Any]) -> None:
    """Print one JSON object on stdout (non-finite floats become null)."""
    clean = {k: _finite_or_none(v) for k, v in obj.items()}
    typer.echo(json.dumps(clean, ensure_ascii=False))


# ---- erlang (issue 2) ----


@app.command()
def erlang(
    calls: float = typer.Option(..., help="Contacts offered in the interval."),
    interval_min: float = typer.Option(..., help="Interval length [min]."),
    aht_s: float = typer.Option(..., help="Average handle time [s]."),
    answer_s: float = typer.Option(..., help='The T of "X % answered within T s" [s].'),
    sl: float | None = typer.Option(None, help="Service-level target in [0, 1): solve for the fewest agents."),
    agents: int | None = typer.Option(None, help="Evaluate this many productive agents instead of solving."),
    model: str = typer.Option("erlang-c", help="erlang-c (patient callers) or erlang-a (abandonment)."),
    patience_s: float | None = typer.Option(None, help="Mean caller patience [s] (erlang-a)."),
    asa_s: float | None = typer.Option(None, help="ASA target [s]: solve for the fewest agents."),
    shrinkage: float = typer.Option(0.0, help="Share of paid time off the phones, in [0, 1)."),
    max_occupancy: float = typer.Option(1.0, help="Highest allowed occupancy, in (0, 1]."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Agents needed for a service level (Erlang C or A), or the service level of a given staffing."""
    from planner import queueing

    if agents is None and sl is None and asa_s is None:
        raise PlannerInputError("give --sl and/or --asa-s to solve for agents, or --agents to evaluate")
    if agents is not None and (sl is not None or asa_s is not None):
        raise PlannerInputError("give either --agents (evaluate) or --sl/--asa-s (solve), not both")
    if model == "erlang-a" and patience_s is None:
        raise PlannerInputError("--patience-s is required with --model erlang-a")
    if model == "erlang-c" and patience_s is not None:
        raise PlannerInputError("--patience-s applies to --model erlang-a only")
    if agents is not None:
        metrics = queueing.evaluate(calls, interval_min, aht_s, answer_s, agents, model=model,
                                    patience_s=patience_s)
        fractional = float(agents)
    else:
        result = queueing.required_agents(calls, interval_min, aht_s, answer_s, sl_target=sl,
                                          asa_target_s=asa_s, max_occupancy=max_occupancy, model=model,
                                          patience_s=patience_s)
        metrics, fractional = result.metrics, float(result.fractional_agents)
    n = int(metrics.agents)
    # Full float precision in JSON (DESIGN.md); the text below shows 6 significant digits.
    out = {
        "model": model,
        "load_erl": float(metrics.load_erl),
        "agents": n,
        "scheduled_agents": int(queueing.scheduled_agents(n, shrinkage)),
        "fractional_agents": fractional,
        "service_level": float(metrics.service_level),
        "asa_s": float(metrics.asa_s),
        "wait_probability": float(metrics.wait_probability),
        "occupancy": float(metrics.occupancy),
    }
    if model == "erlang-a":
        out["abandon_rate"] = float(metrics.abandon_rate)
    if as_json:
        emit_json(out)
        return
    label = {"load_erl": "offered load [Erlang]", "asa_s": "ASA [s]"}
    for key, value in out.items():
        shown = f"{value:.6g}" if isinstance(value, float) else value
        typer.echo(f"{label.get(key, key.replace('_', ' ')):<24}{shown}")


# ---- due, staff (issue 3) ----


def _cache() -> Any:
    """The user's forecast cache (``planner.io.cache``; ``PLANNER_CACHE=off`` turns it off)."""
    from planner.io.cache import default_cache

    return default_cache()


def _print_warnings(messages: list[str] | tuple[str, ...]) -> None:
    for m in dict.fromkeys(messages):  # once each, in order
        print(f"warning: {m}", file=sys.stderr)


@app.command("due")
def due_command(
    from_: str = typer.Option(..., "--from", help="Start instant, local ISO time, e.g. 2026-02-13T16:00."),
    working_hours: float = typer.Option(..., "--working-hours", help="Working time to add [h], >= 0."),
    window: str = typer.Option("weekday", "--window", help="Coverage window: weekday or 7x24."),
    open_: str = typer.Option(None, "--open", help="Opening time of the weekday window [HH:MM], default 09:00."),
    close: str = typer.Option(None, "--close", help="Closing time of the weekday window [HH:MM], default 18:00."),
    makeup_days: str = typer.Option(
        "open", "--makeup-days", help="Make-up working days (调休) of the weekday window: open or closed."
    ),
    holidays_file: str = typer.Option(
        None, "--holidays", help="Holiday-override CSV (date, kind=holiday|workday[, name])."
    ),
    tz: str = typer.Option("Asia/Shanghai", "--tz", help="Site time zone (IANA) for inputs with an offset."),
    scenario: str = typer.Option(
        None, "--scenario", help="Use this scenario's coverage window and holiday overrides instead."
    ),
    channel: str = typer.Option(None, "--channel", help="With --scenario: the channel whose window to use."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Deadline after WORKING_HOURS of open time of the window (Chinese holidays and make-up days)."""
    from planner.calendar import due, format_instant, parse_instant

    if scenario:
        from planner.scenario import load_scenario

        scen = load_scenario(scenario)
        try:
            win = scen.channel(channel).window if channel else scen.window
        except KeyError:
            raise PlannerInputError(f"--channel: '{channel}' is not a channel of {scenario}") from None
        start = parse_instant(from_, "--from", scen.timezone)
        calendar = scen.calendar
    else:
        if channel:
            raise PlannerInputError("--channel is only used with --scenario")
        start = parse_instant(from_, "--from", tz)
        win, calendar = _due_window(window, open_, close, makeup_days, holidays_file)
    deadline = due(start, working_hours, win, calendar)
    msgs = calendar.warnings_for(range(start.year, deadline.year + 1)) if win.kind != "7x24" else ()
    _print_warnings(msgs)
    if as_json:
        emit_json(
            {
                "due": format_instant(deadline),
                "from": format_instant(start),
                "working_hours": working_hours,
                "window": win.describe(),
                "warnings": list(msgs),
            }
        )
    else:
        typer.echo(format_instant(deadline))


def _due_window(
    window: str, open_: str | None, close: str | None, makeup_days: str, holidays_file: str | None
) -> tuple[Any, Any]:
    """The window and calendar of ``planner due`` from its flags."""
    from planner.calendar import ChineseCalendar, weekday_window, window_7x24
    from planner.io.holidays import read_overrides

    if window == "7x24":
        if open_ or close:
            raise PlannerInputError("--open/--close are only used with --window weekday")
        win = window_7x24()
    elif window == "weekday":
        if makeup_days not in ("open", "closed"):
            raise PlannerInputError(f"--makeup-days: '{makeup_days}' must be open or closed")
        try:
            win = weekday_window(open_ or "09:00", close or "18:00", makeup_days_open=makeup_days == "open")
        except PlannerInputError as exc:
            raise PlannerInputError(f"--{exc}") from None
    else:
        raise PlannerInputError(f"--window: '{window}' must be weekday or 7x24 (custom windows: use a scenario)")
    return win, ChineseCalendar(read_overrides(holidays_file) if holidays_file else ())


@app.command("staff")
def staff_command(
    forecast: str = typer.Argument(..., help="Forecast CSV: interval_start, channel, offered, ..., aht_s."),
    scenario: str = typer.Option(..., "--scenario", help="Scenario TOML (channels, targets, coverage)."),
    out: str = typer.Option(..., "--out", help="Requirements CSV to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Per-interval staffing requirements (productive agents) for every channel of the scenario."""
    _must_exist(forecast, "forecast")
    from planner.io.forecast import read_forecast
    from planner.io.requirements import write_requirements
    from planner.io.table import check_writable
    from planner.scenario import load_scenario
    from planner.steps import staff_step, volume_errors

    scen = load_scenario(scenario)
    check_writable(out, "--out", force)
    errors, notes = volume_errors(scen, None)  # a forecast file has no backtest: the scenario's forecast_error
    req, messages = staff_step(scen, read_forecast(forecast, timezone=scen.timezone), source=forecast, errors=errors)
    # the forecast's error moves only a channel staffed for sl_confidence here: the others' notes are not ours
    confident = tuple(f"channel {s.name}:" for s in scen.channels if s.target.confidence is not None)
    messages = [n for n in notes if n.startswith(confident)] + messages
    write_requirements(req, out)
    _print_warnings(messages)
    summary = {"out": out, "rows": len(req.frame), "channels": req.summary()}
    if as_json:
        emit_json(summary)
    else:
        for ch, s in summary["channels"].items():
            typer.echo(
                f"{ch}: {s['intervals']} intervals, peak {s['peak_required']} agents, "
                f"{s['agent_hours']:g} agent-hours"
            )
        typer.echo(f"wrote {out}")


# ---- forecast (issue 4) ----
_FORECAST_METHODS_HELP = (
    "auto (mean_4w unless a challenger wins the backtest clearly; then both, half-and-half), seasonal_naive, "
    "mean_4w, mean_4w_plain, holt_winters, mstl_ets, mstl_arima, daily_profile, daily_profile_dom, "
    "day_profile_shrunk, combo."
)


@app.command("forecast")
def forecast_cmd(
    history: str = typer.Argument(..., help="History CSV/XLSX (interval_start, offered, ...)."),
    horizon_days: int = typer.Option(..., "--horizon-days", help="Whole days to forecast after the history."),
    out: str = typer.Option(..., "--out", help="Forecast CSV to write."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario TOML: column mapping, time zone, holidays, interval and [forecast]."
    ),
    interval_min: int | None = typer.Option(
        None, "--interval-min", help="Forecast interval in minutes (5 to 60); default: the history's."
    ),
    method: str | None = typer.Option(None, "--method", help=_FORECAST_METHODS_HELP + " [auto]"),
    holidays: str | None = typer.Option(None, "--holidays", help="CN, none, a country code, or a holiday file [CN]."),
    level: float | None = typer.Option(None, "--level", help="Prediction-interval coverage in (0, 1) [0.8]."),
    backtest_weeks: int | None = typer.Option(None, "--backtest-weeks", help="Backtest weeks for auto [8]."),
    tz: str | None = typer.Option(None, "--tz", help="Zone for timestamps that carry an offset [Asia/Shanghai]."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Forecast interval volumes (and handle time) for the days after HISTORY, with 80 % intervals."""
    _must_exist(history, "history")  # before the heavy imports: a typo answers at once
    from pathlib import Path

    from forecasts.daycalendar import load_calendar
    from planner.domain import ColumnMap
    from planner.forecasting import forecast, history_calendar
    from planner.io.forecast import write_forecast
    from planner.io.history import read_history
    from planner.io.table import check_writable

    check_writable(out, "--out", force)
    scen = _scenario_or_none(scenario)
    notes: list[str] = []
    fs = scen.forecast if scen else None
    method = _override("--method", method, fs.method if fs else None, scenario, notes) or "auto"
    level = _override("--level", level, fs.level if fs else None, scenario, notes) or 0.8
    backtest_weeks = _override("--backtest-weeks", backtest_weeks, fs.backtest_weeks if fs else None, scenario,
                               notes) or 8
    tz = _override("--tz", tz, scen.timezone if scen else None, scenario, notes) or "Asia/Shanghai"
    interval_min = _override("--interval-min", interval_min, scen.interval_min if scen else None, scenario, notes)
    spec = _override("--holidays", holidays, scen.data.holidays if scen else None, scenario, notes) or "CN"
    _print_warnings(notes)
    columns = scen.data.history[0].columns if scen and scen.data.history else ()
    hist = read_history(ColumnMap(history, columns), tz=tz, interval_min=interval_min)
    if scen is not None and holidays is None and scen.data.calendar is not None:
        calendar = scen.data.calendar
    elif spec.upper() in ("CN", "NONE") or not (Path(spec).exists() or "." in spec or "/" in spec):
        calendar = history_calendar(hist, horizon_days, spec)
    else:
        try:
            calendar = load_calendar(spec, range(2000, 2100))
        except ValueError as exc:
            raise PlannerInputError(f"--holidays {spec}: {str(exc).splitlines()[0]}") from None
    frame, info = forecast(
        hist, horizon_days, calendar=calendar, method=method, level=level, backtest_weeks=backtest_weeks,
        cache=_cache(),
    )
    write_forecast(frame, out)
    for line in info.warnings:
        typer.echo(f"warning: {line}", err=True)
    if as_json:
        emit_json({**info.to_dict(), "out": out})
        return
    for s in info.to_dict()["series"]:
        name = s["channel"] + (f"/{s['queue']}" if s["queue"] else "")
        if s["backtest_wape"] is None:
            typer.echo(f"{name}: model {s['model']} (no backtest: history too short)")
        else:
            line = (
                f"{name}: model {s['model']}, backtest WAPE {s['backtest_wape']:.3f} "
                f"(one week ahead, {s['backtest_weeks']} week(s))"
            )
            if s["runner_up"] is not None:
                line += f"; next best {s['runner_up']} {s['runner_up_wape']:.3f}"
                if s["improvement"] is not None and s["improvement"] >= 0:
                    line += f" ({s['improvement']:.1%} better)"
                elif s["improvement"] is not None:  # auto's rule: only a clear, consistent win replaces mean_4w
                    line += " (lower WAPE, but not a clear win over mean_4w in most weeks)"
            typer.echo(line)
        if s["aht_backtest_error"] is not None:
            err = s["aht_backtest_error"]
            typer.echo(f"{name}: aht_s forecast too, backtest error {err:.1%} (volume-weighted)")
    typer.echo(f"wrote {info.rows} rows to {out}")


# ---- schedule (issue 5) ----


def _hhmm(text: str, flag: str) -> int:
    try:
        h, m = (int(x) for x in text.split(":"))
    except ValueError:
        raise PlannerInputError(f"{flag} '{text}' is not HH:MM") from None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise PlannerInputError(f"{flag} '{text}' is not a time of day")
    return h * 60 + m


_RULE_FLAGS_HELP = "overrides the scenario's [rules] (default without --scenario: "


# The rostering settings' flags (planner.labour.SCENARIO_NAMES has their scenario keys).
ROSTER_FLAGS = {
    "shift_hours": "--shift-hours",
    "start_step_min": "--start-step-min",
    "earliest_start": "--earliest-start",
    "latest_start": "--latest-start",
    "overtime": "--overtime",
    "days_per_week": "--days-per-week",
    "min_rest": "--min-rest-h",
    "min_staff": "--min-staff",
    "time_limit_s": "--time-limit-s",
}


def _setting_names(given: dict[str, Any], scenario: str | None) -> dict[str, str]:
    """How the user wrote each rostering setting, for the engine's messages (``ShiftRules.names``).

    ``given``: the command's own settings (setting -> the flag's value, None when not typed). A flag
    typed names the flag; a setting the scenario gives names its key; otherwise the command's flag sets
    it (its default), and a setting the command has no flag for is named plainly.
    """
    from planner.labour import SCENARIO_NAMES

    out = {}
    for setting, flag in ROSTER_FLAGS.items():
        if setting in given and (given[setting] is not None or scenario is None):
            out[setting] = flag
        elif scenario is not None:
            out[setting] = SCENARIO_NAMES[setting]
        else:
            out[setting] = setting.replace("_", " ")
    return out


def _shift_rules(base: Any, flags: dict[str, Any], source: str | None) -> Any:
    """Shift rules: the scenario's (or the defaults), with every flag given on the command line applied.

    A flag that disagrees with the scenario it overrides says so on stderr.
    """
    from dataclasses import replace

    changes: dict[str, Any] = {}
    if flags.get("shift_hours") is not None:
        try:
            changes["shift_lengths_min"] = tuple(
                round(float(x) * 60) for x in str(flags["shift_hours"]).split(",") if x.strip()
            )
        except ValueError:
            raise PlannerInputError(f"--shift-hours '{flags['shift_hours']}' is not a list of hours") from None
    if flags.get("earliest_start") is not None or flags.get("latest_start") is not None:
        los = [_hhmm(x.strip(), "--earliest-start") for x in (flags.get("earliest_start") or "00:00").split(",")]
        his = [_hhmm(x.strip(), "--latest-start") for x in (flags.get("latest_start") or "23:30").split(",")]
        if len(los) != len(his):
            raise PlannerInputError("--earliest-start and --latest-start need the same number of times")
        changes |= {
            "earliest_start_min": los[0],
            "latest_start_min": his[0],
            "extra_start_windows": tuple(zip(los[1:], his[1:], strict=True)),
        }
    simple = {
        "lunch_min": "lunch_min", "breaks": "breaks_per_shift", "break_min": "break_min",
        "start_step_min": "start_step_min", "overtime": "overtime",
    }
    for flag, field in simple.items():
        if flags.get(flag) is not None:
            changes[field] = flags[flag]
    if flags.get("days_per_week") is not None:
        changes["max_days"] = flags["days_per_week"]
        changes.setdefault("min_days", flags["days_per_week"])
    if flags.get("min_days_per_week") is not None:
        changes["min_days"] = flags["min_days_per_week"]
    if flags.get("min_rest_h") is not None:
        changes["min_rest_min"] = round(flags["min_rest_h"] * 60)
    if source is not None:
        for field, value in changes.items():
            if getattr(base, field) != value:
                _print_warnings([f"{field} {value} from the command line overrides {source}'s {getattr(base, field)}"])
    for name, value, lo, hi in (
        ("--days-per-week", changes.get("max_days"), 1, 6),
        ("--min-days-per-week", changes.get("min_days"), 1, 6),
        ("--breaks", changes.get("breaks_per_shift"), 0, 2),
        ("--lunch-min", changes.get("lunch_min"), 0, 240),
    ):
        if value is not None and not lo <= value <= hi:
            raise PlannerInputError(f"{name} {value}: must be between {lo} and {hi}")
    try:
        rules = replace(base, **changes)
    except PlannerInputError as exc:
        given = [f"--{k.replace('_', '-')}" for k, v in flags.items() if v is not None]
        raise PlannerInputError(f"{', '.join(given) or (source or 'shift rules')}: {exc}") from None
    for length in rules.shift_lengths_min:
        if rules.lunch_min > length - 60:
            raise PlannerInputError(
                f"--lunch-min {rules.lunch_min}: leaves under an hour of work in a {length / 60:g} h shift"
            )
    return rules


def _override(flag: str, value: Any, from_scenario: Any, scenario: str | None, notes: list[str]) -> Any:
    """A flag's value, else the scenario's; a flag that disagrees with the scenario says so."""
    if value is None:
        return from_scenario
    if from_scenario is not None and value != from_scenario:
        notes.append(f"{flag} {value} overrides {scenario}'s {from_scenario}")
    return value


def _scenario_or_none(path: str | None) -> Any:
    if path is None:
        return None
    from planner.scenario import load_scenario

    return load_scenario(path)


@app.command("schedule")
def schedule_cmd(
    requirements: str = typer.Argument(..., help="requirements CSV: interval_start, channel, required"),
    out: str = typer.Option(..., "--out", help="output folder for schedule.csv and coverage.csv"),
    scenario: str | None = typer.Option(
        None, "--scenario", help="scenario TOML: rules, shrinkage, solver and teams as in planner plan"
    ),
    shift_hours: str | None = typer.Option(None, "--shift-hours", help="shift lengths incl. lunch (h): 9 or 4,6,8,9"),
    lunch_min: int | None = typer.Option(None, "--lunch-min", help="unpaid lunch (min) in shifts over 6 h [60]"),
    breaks: int | None = typer.Option(None, "--breaks", help="paid short breaks per shift (0, 1 or 2) [0]"),
    break_min: int | None = typer.Option(None, "--break-min", help="short break length (min) [15]"),
    start_step_min: int | None = typer.Option(None, "--start-step-min", help="start-time grid (min) [30]"),
    earliest_start: str | None = typer.Option(
        None, "--earliest-start", help="earliest shift start HH:MM; several windows: 06:00,20:00 [00:00]"
    ),
    latest_start: str | None = typer.Option(None, "--latest-start", help="latest shift start HH:MM [23:30]"),
    days_per_week: int | None = typer.Option(None, "--days-per-week", help="most working days a week [5]"),
    min_days_per_week: int | None = typer.Option(
        None, "--min-days-per-week", help="fewest days a week (default: --days-per-week)"
    ),
    min_rest_h: float | None = typer.Option(None, "--min-rest-h", help="minimum rest between shifts (h) [11]"),
    overtime: bool | None = typer.Option(None, "--overtime/--no-overtime", help="allow overtime: 3 h/day, 36 h/month"),
    min_staff: int | None = typer.Option(None, "--min-staff", help="hard floor of agents when demand > 0 [1]"),
    shrinkage: float | None = typer.Option(None, "--shrinkage", help="fraction in [0,1): schedule required/(1-F) [0]"),
    hourly_rate_cny: float | None = typer.Option(
        None, "--hourly-rate", help="hourly base (CNY): sets the monthly wage to it x 174 h [the scenario's [pay] "
        "wage / 174 h, else 6500 / 174]"
    ),
    night_allowance_cny: float | None = typer.Option(
        None, "--night-allowance", help="per hour in the night window (CNY) [the scenario's [pay], else 5]"
    ),
    agents: str | None = typer.Option(None, "--agents", help="named agents CSV (DESIGN.md schema)"),
    frozen: str | None = typer.Option(None, "--frozen", help="published schedule.csv to keep in part"),
    frozen_until: str | None = typer.Option(
        None, "--frozen-until", help="first date YYYY-MM-DD that may change"
    ),
    time_limit_s: float | None = typer.Option(
        None, "--time-limit-s",
        help="wall-clock limit per week (s) [60]; only with --workers > 1 (one worker stops on --deterministic-time)",
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="CP-SAT worker threads [1: reproducible; more may be faster, not reproducible]"
    ),
    deterministic_time: float | None = typer.Option(
        None, "--deterministic-time", help="CP-SAT deterministic time per week, the reproducible stop [10]"
    ),
    seed: int | None = typer.Option(None, "--seed", help="CP-SAT random seed [0]"),
    gap: float | None = typer.Option(None, "--gap", help="stop once within this fraction of the lower bound"),
    channel: str | None = typer.Option(
        None, "--channel", help="roster one team: only these channels' rows, e.g. voice or chat,email"
    ),
    force: bool = typer.Option(False, "--force", help="overwrite schedule.csv and coverage.csv in --out"),
    as_json: bool = typer.Option(False, "--json", help="print the result as one JSON object"),
) -> None:
    """Rosters (CP-SAT) week by week: tours with days off, lunch and breaks, rest and hour limits, a bound."""
    _must_exist(requirements, "requirements")
    from dataclasses import replace
    from datetime import date
    from pathlib import Path

    from planner.domain import Requirements, SolverSettings
    from planner.io.requirements import read_requirements
    from planner.io.schedule import read_agents, read_schedule, schedule_table
    from planner.io.table import check_writable, write_csv
    from planner.labour import PAID_HOURS_PER_MONTH, CostRates, ShiftRules
    from planner.scheduling.api import roster_weeks
    from planner.scheduling.demand import week_demands

    scen = _scenario_or_none(scenario)
    for f in ("schedule.csv", "coverage.csv"):
        if Path(out).exists() and not Path(out).is_dir():
            raise PlannerInputError(f"--out {out}: exists and is not a folder")
        check_writable(Path(out) / f, "--out", force)
    rules = _shift_rules(
        scen.rules if scen else ShiftRules(),
        dict(shift_hours=shift_hours, lunch_min=lunch_min, breaks=breaks, break_min=break_min,
             start_step_min=start_step_min, earliest_start=earliest_start, latest_start=latest_start,
             days_per_week=days_per_week, min_days_per_week=min_days_per_week, min_rest_h=min_rest_h,
             overtime=overtime),
        scenario,
    )
    rules = replace(rules, names=_setting_names(
        dict(shift_hours=shift_hours, start_step_min=start_step_min, earliest_start=earliest_start,
             latest_start=latest_start, overtime=overtime, days_per_week=days_per_week, min_rest=min_rest_h,
             min_staff=min_staff, time_limit_s=time_limit_s),
        scenario,
    ))
    if frozen is not None and frozen_until is None:
        raise PlannerInputError("--frozen needs --frozen-until DATE (first date that may change)")
    base_solver = scen.solver if scen else SolverSettings(workers=1, deterministic_time=10.0)
    settings = replace(
        base_solver,
        **{k: v for k, v in dict(time_limit_s=time_limit_s, workers=workers, seed=seed, target_gap=gap,
                                 deterministic_time=deterministic_time).items()
           if v is not None},
    )
    if settings.deterministic_time is not None and not settings.deterministic_time > 0:
        raise PlannerInputError(f"--deterministic-time {settings.deterministic_time}: must be > 0")
    if not (settings.time_limit_s > 0 and settings.workers >= 1 and 0 <= settings.target_gap < 1):
        raise PlannerInputError("need --time-limit-s > 0, --workers >= 1, --gap in [0,1)")
    if (hourly_rate_cny or 0) < 0 or (night_allowance_cny or 0) < 0:
        raise PlannerInputError("--hourly-rate and --night-allowance must be >= 0")
    floor = min_staff if min_staff is not None else (scen.costs.min_staff if scen else 1)
    if floor < 0:
        raise PlannerInputError(f"--min-staff {floor}: must be >= 0")
    base = scen.costs if scen else CostRates()
    pay = base.pay
    if hourly_rate_cny is not None:  # the hourly base is the monthly wage / 174 h: the wage follows the flag
        wage_fen = round(hourly_rate_cny * 100 * PAID_HOURS_PER_MONTH)
        if wage_fen < pay.minimum_wage_fen:
            raise PlannerInputError(
                f"--hourly-rate {hourly_rate_cny:g}: x 174 h is {wage_fen / 100:,.0f} CNY a month, below the minimum "
                f"wage {pay.minimum_wage_fen / 100:,.0f} CNY"
            )
        pay = replace(pay, monthly_wage_fen=wage_fen)
    if night_allowance_cny is not None:
        pay = replace(pay, night_allowance_fen_per_hour=round(night_allowance_cny * 100))
    costs = replace(base, pay=pay, min_staff=floor)
    share = shrinkage if shrinkage is not None else (scen.shrinkage if scen else 0.0)
    if scen is not None and shrinkage is not None and shrinkage != scen.shrinkage:
        _print_warnings([f"--shrinkage {shrinkage} overrides {scenario}'s {scen.shrinkage}"])
    if not 0 <= share < 1:
        raise PlannerInputError(f"--shrinkage {share}: must be in [0, 1)")
    until = None
    if frozen_until is not None:
        try:
            until = date.fromisoformat(frozen_until)
        except ValueError:
            raise PlannerInputError(f"--frozen-until '{frozen_until}' is not YYYY-MM-DD") from None
    channels = None
    if channel is not None:
        channels = tuple(dict.fromkeys(c.strip() for c in channel.split(",") if c.strip()))
        if not channels:
            raise PlannerInputError(f"--channel '{channel}' names no channel (e.g. voice or chat,email)")
    table = read_requirements(requirements)
    # with a scenario, each week follows its calendar and the channels' coverage windows
    windows = [] if scen is None else [scen.channel(c).window for c in (channels or sorted(table.channels))
                                       if c in {x.name for x in scen.channels}]
    calendar = scen.calendar if scen is not None else None
    if windows and "open" not in table.frame.columns:  # a file without the window: the scenario's
        import numpy as np

        from planner.deferred import interval_open_fraction
        from planner.staffing import infer_interval_min

        rows = table.frame
        stamps = [t.to_pydatetime() for t in rows["interval_start"]]
        im = infer_interval_min(rows, source=requirements)
        opened = np.any([interval_open_fraction(stamps, im, w, calendar) > 0 for w in windows], axis=0)
        table = Requirements(rows.assign(open=opened.astype(int)), im, table.source)
    demands = week_demands(table, share, channels, source=requirements, calendar=calendar, windows=windows)
    named = read_agents(agents, demands[0].week_start) if agents else None
    published = read_schedule(frozen) if frozen else None
    # with a scenario, the roster is its team's (schedule.csv's team column) when one team serves every channel
    served = set(channels or table.channels)
    team = "" if scen is None else next(
        (t.name for t in scen.effective_teams() if served <= set(t.channels)), "")
    res = roster_weeks(
        demands, rules, costs, settings, team=team, agents=named, agents_source=agents or "agents",
        frozen=published, frozen_until=until, frozen_source=frozen or "schedule", progress=_progress(),
        calendar=calendar, windows=windows,
    )
    write_csv(schedule_table(res.schedule), Path(out) / "schedule.csv")
    write_csv(res.coverage, Path(out) / "coverage.csv")
    summary = res.summary()
    if as_json:
        emit_json(summary)
        return
    typer.echo(
        f"{summary['status']}: {summary['agents']} agents, {summary['paid_hours']:.1f} paid h for "
        f"{summary['required_hours']:.1f} required h, shortfall {summary['shortfall_agent_hours']:.2f} agent-h, "
        f"cost {summary['objective_cny']:.2f} CNY, gap {summary['gap']:.2%} -> {out}/schedule.csv"
    )
    for note in summary["notes"]:
        typer.echo(f"note: {note}")
    if summary["unrostered_agents"]:
        typer.echo(f"note: {len(summary['unrostered_agents'])} named agent(s) not rostered: "
                   f"{', '.join(summary['unrostered_agents'][:10])}")


def _must_exist(path: str, what: str) -> None:
    """A missing input file is named before any heavy import or work."""
    from pathlib import Path

    if not Path(path).exists():
        raise PlannerInputError(f"{path}: {what} file not found")


PROGRESS_AFTER_S = 10.0  # without a terminal, progress lines start once a run has taken this long


def _progress() -> Any:
    """A progress printer for stderr: elapsed seconds and the step. On a terminal every step; otherwise
    (a script, a log) the steps of a run that has taken over :data:`PROGRESS_AFTER_S`, so that a quick
    command leaves stderr to its warnings and its one ``error:`` line. ``PLANNER_PROGRESS=1`` shows every
    step, ``PLANNER_PROGRESS=0`` none."""
    import os
    import time

    t0 = time.perf_counter()
    mode = os.environ.get("PLANNER_PROGRESS", "")
    after = 0.0 if mode == "1" or (mode != "0" and sys.stderr.isatty()) else PROGRESS_AFTER_S
    never = mode == "0"

    def say(message: str) -> None:
        elapsed = time.perf_counter() - t0
        if not never and elapsed >= after:
            print(f"[{elapsed:6.1f} s] {message}", file=sys.stderr, flush=True)

    return say


# ---- simulate (issue 6) ----
def _period_rows(result: Any, period: str) -> list[dict[str, Any]]:
    key = {"day": "date", "week": "week", "month": "month", "interval": "interval_start"}[period]
    return [
        {key: p.label, "offered": p.offered, "service_level": _finite_or_none(p.service_level),
         "service_level_ci95": [_finite_or_none(x) for x in p.service_level_ci95],
         "asa_s": _finite_or_none(p.asa_s), "abandon_rate": _finite_or_none(p.abandon_rate),
         "occupancy": _finite_or_none(p.occupancy)}
        for p in result.summary(period)
    ]


@app.command("simulate")
def simulate_cmd(
    schedule: str = typer.Option(..., "--schedule", help="Schedule CSV (agent_id, date, activity, ...[, team])."),
    forecast: str = typer.Option(..., "--forecast", help="Forecast CSV (interval_start, offered, ...)."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario TOML: measure the roster exactly as planner plan does (teams, "
        "shrinkage, chat concurrency, deferred work, the contract's measure)."
    ),
    channel: str = typer.Option("voice", "--channel", help="The forecast's channel to simulate."),
    aht_s: float | None = typer.Option(
        None, "--aht-s", help="Mean handle time (s); overrides the forecast's aht_s (default: the forecast's)."
    ),
    answer_s: float | None = typer.Option(None, "--answer-s", help="SL threshold T (s): answered within T."),
    patience_s: float | None = typer.Option(None, "--patience-s", help="Mean patience (s)."),
    shrinkage: float | None = typer.Option(
        None, "--shrinkage", help="Share of rostered time off the phones, in [0, 1) (default: the scenario's, else 0)."
    ),
    replications: int | None = typer.Option(
        None, "--replications", help="Independent replications (default: the scenario's [check], else 10)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Random seed (default: the scenario's [solver] seed, else 0): same inputs and seed, "
        "same output."
    ),
    handle_time: str = typer.Option("exponential", "--handle-time", help="exponential | lognormal."),
    handle_cv: float = typer.Option(1.0, "--handle-cv", help="CV of lognormal handle times."),
    volume_cv: float = typer.Option(0.0, "--volume-cv", help="CV of a day-level volume factor."),
    short_abandon_s: float = typer.Option(
        0.0, "--short-abandon-s", help="Also report SL excluding calls abandoned within this many seconds."),
    interval_min: int | None = typer.Option(None, "--interval-min", help="Interval (min); inferred."),
    out: str | None = typer.Option(None, "--out", help="Write per-interval results to this CSV."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Simulate a schedule against a forecast: service level, ASA, abandonment, occupancy with 95 % CIs.

    With --scenario the roster is measured as planner plan and planner check measure it (one route): the
    channel's team (the schedule's team column), floor(rostered x (1 - shrinkage)) productive agents shared
    among the team's channels, chat concurrency, deferred work replayed against its deadlines, and the
    contract's measure ("contract"). Without it, every rostered agent serves --channel's calls.
    """

    from planner.io.table import check_writable

    if out is not None:
        check_writable(out, "--out", force)
    if replications is not None and replications < 1:
        raise PlannerInputError(f"--replications {replications}: must be at least 1")
    if shrinkage is not None and not 0 <= shrinkage < 1:
        raise PlannerInputError(f"--shrinkage {shrinkage}: must be in [0, 1)")
    if scenario is not None:
        raw_only = {"--handle-time": handle_time != "exponential", "--handle-cv": handle_cv != 1.0,
                    "--volume-cv": volume_cv != 0.0, "--short-abandon-s": short_abandon_s != 0.0,
                    "--interval-min": interval_min is not None}
        given = [flag for flag, on in raw_only.items() if on]
        if given:
            raise PlannerInputError(
                f"{given[0]}: not with --scenario, which measures the roster as planner plan does (the "
                "forecast's volume, exponential handle times, the scenario's interval); drop --scenario to use it"
            )
        scen = _scenario_or_none(scenario)
        result, payload = _simulate_as_planned(scen, scenario, schedule, forecast, channel, aht_s, answer_s,
                                               patience_s, shrinkage, replications, seed)
    else:
        result, payload = _simulate_raw(schedule, forecast, channel, aht_s, answer_s, patience_s, shrinkage,
                                        replications, seed, handle_time, handle_cv, volume_cv, short_abandon_s,
                                        interval_min)
    if out is not None:
        import csv

        rows = _period_rows(result, "interval")
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["interval_start", "offered", "service_level", "service_level_lo",
                             "service_level_hi", "asa_s", "abandon_rate", "occupancy", "staffed_agents"])
            staffed = result.staffed_s / result.workload.interval_s
            for r, n in zip(rows, staffed, strict=True):
                writer.writerow([r["interval_start"], r["offered"], r["service_level"],
                                 *r["service_level_ci95"], r["asa_s"], r["abandon_rate"], r["occupancy"],
                                 round(float(n), 4)])
    if as_json:
        emit_json(payload)
        return
    lo, hi = payload["service_level_ci95"]
    fmt = lambda x, spec: "n/a" if x is None else format(x, spec)  # noqa: E731
    typer.echo(f"service level {fmt(payload['service_level'], '.4f')} (95% CI {fmt(lo, '.4f')}-{fmt(hi, '.4f')}), "
               f"ASA {fmt(payload['asa_s'], '.1f')} s, abandoned {fmt(payload['abandon_rate'], '.4f')}, "
               f"occupancy {fmt(payload['occupancy'], '.3f')}, "
               f"{payload['calls_simulated']} contacts in {payload['replications']} replications")
    contract = payload.get("contract")
    if contract is not None:
        worst = contract["worst_period"]
        typer.echo(f"contract ({contract['measure']} per {contract['period']}, team {payload['team']}): "
                   f"{contract['share_met']:.0%} of periods meet {contract['target']:g}"
                   + (f", worst {worst['period']} {worst['value']:.4f}" if worst and worst["value"] is not None
                      else "")
                   + (" -> met" if contract["met"] else " -> NOT MET"))
    for d in payload["per_day"]:
        day_sl = "n/a" if d["service_level"] is None else f"{d['service_level']:.4f}"
        day_asa = "n/a" if d["asa_s"] is None else f"{d['asa_s']:.1f} s"
        typer.echo(f"  {d['date']}  SL {day_sl}  ASA {day_asa}")


def _simulation_payload(result: Any, replications: int, seed: int, work_hours: float, share: float) -> dict:
    total = result.summary("total")[0]
    return {
        "service_level": _finite_or_none(total.service_level),
        "service_level_ci95": [_finite_or_none(total.service_level_ci95[0]),
                               _finite_or_none(total.service_level_ci95[1])],
        "service_level_ex_short": _finite_or_none(total.service_level_ex_short),
        "asa_s": _finite_or_none(total.asa_s),
        "asa_all_s": _finite_or_none(total.asa_all_s),
        "abandon_rate": _finite_or_none(total.abandon_rate),
        "occupancy": _finite_or_none(total.occupancy),
        "calls_simulated": result.calls_simulated,
        "replications": replications,
        "seed": seed,
        "work_hours": work_hours,
        "shrinkage": share,
        "per_day": _period_rows(result, "day"),
        "per_week": _period_rows(result, "week"),
        "per_month": _period_rows(result, "month"),
    }


def _simulate_raw(schedule: str, forecast: str, channel: str, aht_s: float | None, answer_s: float | None,
                  patience_s: float | None, shrinkage: float | None, replications: int | None, seed: int | None,
                  handle_time: str, handle_cv: float, volume_cv: float, short_abandon_s: float,
                  interval_min: int | None) -> tuple[Any, dict]:
    """Every rostered agent (less --shrinkage) serves --channel's calls, one at a time."""
    from planner.io.simulation import read_forecast, read_schedule
    from planner.queueing import productive_agents
    from planner.simulation import roster_from_staffing, simulate

    if answer_s is None:
        raise PlannerInputError("--answer-s is required (or --scenario with the channel's answer_s)")
    share = shrinkage or 0.0
    replications = 10 if replications is None else replications
    seed = 0 if seed is None else seed
    notes: list[str] = []
    workload = read_forecast(forecast, aht_s=aht_s, interval_min=interval_min, channel=channel, warn=notes.append)
    roster = read_schedule(schedule, workload)
    if share > 0:
        staffed = roster.staffed_s(workload.interval_s, workload.n_intervals) / workload.interval_s
        roster = roster_from_staffing(productive_agents(staffed, share), workload.interval_min)
    _print_warnings(notes)
    result = simulate(workload, roster, answer_s=answer_s, patience_s=patience_s, replications=replications,
                      seed=seed, handle_time=handle_time, handle_cv=handle_cv, volume_cv=volume_cv,
                      short_abandon_s=short_abandon_s)
    return result, _simulation_payload(result, replications, seed, roster.work_hours(), share)


def _simulate_as_planned(scen: Any, scenario: str, schedule: str, forecast: str, channel: str,
                         aht_s: float | None, answer_s: float | None, patience_s: float | None,
                         shrinkage: float | None, replications: int | None, seed: int | None) -> tuple[Any, dict]:
    """The roster's ``channel`` measured by the plan's own step (:func:`planner.check.roster_service`); a flag
    given overrides the scenario's value and says so on stderr."""
    from dataclasses import replace

    from planner.check import roster_inputs, roster_service
    from planner.io.forecast import read_forecast
    from planner.io.schedule import read_schedule
    from planner.sla.service import ratio_result

    try:
        spec = scen.channel(channel)
    except KeyError:
        raise PlannerInputError(f"--channel: '{channel}' is not a channel of {scenario}") from None
    notes: list[str] = []
    real_time = spec.kind != "email"
    if not real_time:
        for flag, value in (("--answer-s", answer_s), ("--patience-s", patience_s)):
            if value is not None:
                raise PlannerInputError(f"{flag}: channel {channel} is deferred work (first reply within "
                                        f"{spec.first_reply_working_hours:g} working hours), not answered calls")
    spec = replace(
        spec,
        target=replace(spec.target, answer_s=_override("--answer-s", answer_s, spec.target.answer_s, scenario, notes)),
        patience_s=_override("--patience-s", patience_s, spec.patience_s if spec.model == "erlang-a" else None,
                             scenario, notes),
        model="erlang-a" if patience_s is not None else spec.model,
        aht_s=_override("--aht-s", aht_s, spec.aht_s, scenario, notes),
    )
    scen = replace(
        scen,
        channels=tuple(spec if c.name == channel else c for c in scen.channels),
        shrinkage=_override("--shrinkage", shrinkage, scen.shrinkage, scenario, notes),
        replications=_override("--replications", replications, scen.replications, scenario, notes),
        solver=replace(scen.solver, seed=_override("--seed", seed, scen.solver.seed, scenario, notes)),
    )
    sched = read_schedule(schedule)
    fc = read_forecast(forecast, timezone=scen.timezone)
    inputs = roster_inputs(scen, sched, fc, schedule_source=schedule, forecast_source=forecast, pad=True)
    team = next((t for t, chans in inputs.team_channels.items() if channel in chans), None)
    if team is None:
        raise PlannerInputError(f"--channel {channel}: {forecast} has no rows of it over the roster's weeks")
    others = tuple(f"team {t}:" for t in inputs.team_channels if t != team)
    notes += [n for n in inputs.notes if not n.startswith(others)]  # only the channel's team concerns us here
    _print_warnings(notes)
    run = next(r for r in roster_service(inputs, team) if r.spec.name == channel)
    service = run.service
    result = service.simulation if service.simulation is not None else ratio_result(service)
    own = inputs.schedule.of_team(team).frame
    work = own[own["activity"] == "work"]
    work_hours = float((work["end"] - work["start"]).dt.total_seconds().sum() / 3600.0)
    payload = _simulation_payload(result, scen.replications if real_time else 1, scen.solver.seed, work_hours,
                                  scen.shrinkage)
    payload.update(channel=channel, team=team, contract=run.check.to_dict())
    return result, payload


@app.command("sl-staff")
def sl_staff_cmd(
    forecast: str = typer.Argument(..., help="Forecast CSV (interval_start, offered, ...)."),
    aht_s: float | None = typer.Option(
        None, "--aht-s", help="Mean handle time (s); overrides the forecast's aht_s (default: the forecast's)."
    ),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario TOML: the voice channel's contract terms (service_level, answer_s, "
        "sl_period, sl_min_share, sl_floor, sl_confidence), patience and model; a flag overrides one."
    ),
    answer_s: float | None = typer.Option(None, "--answer-s", help="SL threshold T (s): answered within T."),
    sl: float | None = typer.Option(None, "--sl", help="Service-level target, a fraction (e.g. 0.8)."),
    period: str | None = typer.Option(None, "--period", help="interval | day | week | month | total [interval]."),
    min_share: float | None = typer.Option(None, "--min-share", help="Share of periods that must meet it [1]."),
    confidence: float | None = typer.Option(
        None, "--confidence", help="Chance each period meets it, over the replications [none: its expected SL]."),
    floor_sl: float | None = typer.Option(None, "--floor-sl", help="Per-interval floor on expected SL."),
    patience_s: float | None = typer.Option(None, "--patience-s", help="Mean patience (s)."),
    volume_cv: float = typer.Option(0.0, "--volume-cv", help="CV of a day-level volume factor."),
    model: str | None = typer.Option(None, "--model", help="Model steering the allocation [erlang-c]."),
    replications: int = typer.Option(50, "--replications", help="Replications (common random numbers)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    interval_min: int | None = typer.Option(None, "--interval-min", help="Interval (min); inferred."),
    out: str | None = typer.Option(None, "--out", help="Write requirements CSV here."),
    roster: bool = typer.Option(False, "--roster", help="Realise every plan as a CP-SAT weekly roster."),
    schedule_dir: str | None = typer.Option(
        None, "--schedule-dir", help="With --roster: write schedule.csv, coverage.csv here (default: --out's)."),
    shift_hours: str = typer.Option("9", "--shift-hours", help="With --roster: shift lengths incl. lunch (h)."),
    lunch_min: int = typer.Option(60, "--lunch-min", help="With --roster: unpaid lunch (min), shifts > 6 h."),
    breaks: int = typer.Option(0, "--breaks", help="With --roster: paid short breaks per shift (0, 1, 2)."),
    break_min: int = typer.Option(15, "--break-min", help="With --roster: short break length (min)."),
    start_step_min: int = typer.Option(30, "--start-step-min", help="With --roster: start grid (min)."),
    earliest_start: str = typer.Option("00:00", "--earliest-start", help="With --roster: HH:MM[,HH:MM]."),
    latest_start: str = typer.Option("23:30", "--latest-start", help="With --roster: HH:MM[,HH:MM]."),
    days_per_week: int = typer.Option(5, "--days-per-week", help="With --roster: working days a week."),
    min_staff: int = typer.Option(1, "--min-staff", help="With --roster: floor of agents when demand > 0."),
    time_limit_s: float = typer.Option(
        60.0, "--time-limit-s", help="With --roster: wall limit per solve (unused: one worker, deterministic time)."
    ),
    deterministic_s: float = typer.Option(
        5.0, "--deterministic-time", help="With --roster: CP-SAT deterministic time per solve (1 worker)."),
    solver_seed: int = typer.Option(0, "--solver-seed", help="With --roster: CP-SAT random seed."),
    max_iterations: int = typer.Option(30, "--max-iterations", help="Plans simulated per search family."),
    search: str | None = typer.Option(
        None, "--search", help="marginal | erlang | both (default: both with --roster, else marginal)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out and the schedule files if they exist."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Staff to the service level as the contract measures it (per day/month, chance-constrained), by simulation.

    The terms are the scenario's voice channel's (:class:`planner.domain.ServiceTarget`, its defaults
    without a scenario); each flag overrides one."""
    import csv
    from dataclasses import replace
    from pathlib import Path

    import numpy as np

    from planner.domain import TIME_FMT, ServiceTarget
    from planner.errors import FieldError
    from planner.io.simulation import read_forecast
    from planner.io.table import check_writable
    from planner.simulation import draw_calls, roster_from_staffing, simulate_streams
    from planner.sla.staffing import (
        check_target,
        erlang_requirements,
        paid_hours,
        searchable_sl,
        sl_aware_staffing,
        staff_exactly,
    )

    if out is not None:
        check_writable(out, "--out", force)
    folder = schedule_dir if schedule_dir is not None else (str(Path(out).parent) if out is not None else None)
    if roster and folder is not None:
        for f in ("schedule.csv", "coverage.csv"):
            check_writable(Path(folder) / f, "--schedule-dir", force)
    notes: list[str] = []
    scen = _scenario_or_none(scenario)
    spec = None
    if scen is not None:
        try:
            spec = scen.channel("voice")
        except KeyError:
            raise PlannerInputError(f"--scenario {scenario}: no [channels.voice] to staff") from None
    terms = spec.target if spec is not None else ServiceTarget()
    flags = {"sl": ("--sl", sl), "answer_s": ("--answer-s", answer_s), "period": ("--period", period),
             "min_share": ("--min-share", min_share), "floor": ("--floor-sl", floor_sl),
             "confidence": ("--confidence", confidence)}
    given = {k: _override(flag, v, getattr(terms, k) if spec else None, scenario, notes)
             for k, (flag, v) in flags.items()}
    try:
        target = replace(terms, **{k: v for k, v in given.items() if v is not None})
        sl = searchable_sl(target)
    except FieldError as exc:  # the target names its field: the user gave a flag (or the scenario a key)
        raise (exc.named(flags[exc.field][0]) if exc.field in flags else exc) from None
    answer_s, period = float(target.answer_s), target.period
    model = _override("--model", model, spec.model if spec else None, scenario, notes) or "erlang-c"
    patience_s = _override("--patience-s", patience_s,
                           spec.patience_s if spec and spec.model == "erlang-a" else None, scenario, notes)
    aht_s = _override("--aht-s", aht_s, spec.aht_s if spec else None, scenario, notes)
    workload = read_forecast(forecast, aht_s=aht_s, interval_min=interval_min, warn=notes.append)
    _print_warnings(notes)
    realise = staff_exactly
    if roster:
        from planner.domain import SolverSettings
        from planner.io.table import write_csv
        from planner.labour import CostRates, ShiftRules
        from planner.sla.roster import roster_realiser, week_demand

        if time_limit_s <= 0 or deterministic_s <= 0 or min_staff < 0:
            raise PlannerInputError("need --time-limit-s > 0, --deterministic-time > 0, --min-staff >= 0")
        rules = _shift_rules(
            ShiftRules(),
            dict(shift_hours=shift_hours, lunch_min=lunch_min, breaks=breaks, break_min=break_min,
                 start_step_min=start_step_min, earliest_start=earliest_start, latest_start=latest_start,
                 days_per_week=days_per_week),
            None,
        )
        rules = replace(rules, names=_setting_names(
            dict(shift_hours=shift_hours, start_step_min=start_step_min, earliest_start=earliest_start,
                 latest_start=latest_start, days_per_week=days_per_week, min_staff=min_staff,
                 time_limit_s=time_limit_s),
            None,
        ))
        settings = SolverSettings(time_limit_s=time_limit_s, workers=1, seed=solver_seed,
                                  deterministic_time=deterministic_s)
        week_demand(workload, np.ones(workload.n_intervals))  # one week from 00:00, before any solving
        realise = roster_realiser(workload, rules, CostRates(min_staff=min_staff), settings)
    calls = draw_calls(workload, replications=replications, seed=seed, patience_s=patience_s,
                       volume_cv=volume_cv)
    found = sl_aware_staffing(workload, target, calls, model=model,
                              patience_s=patience_s if model == "erlang-a" else None, realise=realise,
                              max_iterations=max_iterations,
                              search=search if search is not None else ("both" if roster else "marginal"))
    plain = erlang_requirements(workload, sl=sl, answer_s=answer_s, model=model,
                                patience_s=patience_s if model == "erlang-a" else None)
    if roster:
        plain_real = realise(plain)
        plain_roster, plain_hours = plain_real.roster, plain_real.paid_hours
    else:
        plain_roster = roster_from_staffing(plain, workload.interval_min)
        plain_hours = paid_hours(plain, workload.interval_min)
    plain_check = check_target(simulate_streams(workload, plain_roster, calls, answer_s=answer_s), target)
    res = simulate_streams(workload, found.roster, calls, answer_s=answer_s)
    per_iv = res.summary("interval")
    if out is not None:
        load = workload.calls * workload.aht_s / workload.interval_s
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["interval_start", "channel", "required", "load_erl", "service_level", "asa_s",
                             "occupancy", "erlang_required"])
            for k, p in enumerate(per_iv):
                writer.writerow([p.label, "voice", int(found.requirements[k]), round(float(load[k]), 6),
                                 _finite_or_none(round(p.service_level, 6)), _finite_or_none(round(p.asa_s, 3)),
                                 _finite_or_none(round(p.occupancy, 6)), int(plain[k])])
    if roster and folder is not None:
        write_csv(found.detail.schedule, Path(folder) / "schedule.csv")
        write_csv(found.detail.coverage, Path(folder) / "coverage.csv")
    chk = found.check
    payload = {
        "met": found.met,
        "reason": found.reason,
        "realisation": "roster" if roster else "per-interval",
        "paid_hours": found.paid_hours,
        "plain_paid_hours": plain_hours,
        "share_periods_met": chk.share_met_all,
        "plain_share_periods_met": plain_check.share_met_all,
        "worst_period_sl": chk.worst_period_sl,
        "worst_interval_sl": chk.worst_interval_sl,
        "worst_interval": workload.interval_starts()[chk.worst_interval].strftime(TIME_FMT),
        "iterations": found.iterations,
        "replications": replications,
        "seed": seed,
        "schedule": str(Path(folder) / "schedule.csv") if roster and folder is not None else None,
        "roster_status": found.detail.result.status if roster else None,
        "agents": sum(1 for a in found.detail.result.agents if a.tour is not None) if roster else None,
        "per_period": [{"period": lab, "share_met": float(sh), "service_level": _finite_or_none(float(v))}
                       for lab, sh, v in zip(chk.labels, chk.share_met, chk.period_sl, strict=True)],
    }
    if as_json:
        emit_json(payload)
        return
    typer.echo(f"{'met' if found.met else 'NOT met: ' + found.reason}: {found.paid_hours:.1f} paid hours "
               f"({payload['realisation']}; plain Erlang {plain_hours:.1f}); {chk.share_met_all:.3f} of simulated "
               f"{period}s meet {sl:g}/{answer_s:g} (plain {plain_check.share_met_all:.3f}); "
               f"worst interval {chk.worst_interval_sl:.3f} at {payload['worst_interval']}")


# ---- plan and demo: the whole pipeline ----

DEMO_SCENARIO = "contract_7x24.toml"
MAX_DEMO_AGENTS = 20_000
MAX_WORKERS = 256


def _scenario_data(scen: Any, say: Any) -> tuple[Any, Any]:
    """The scenario's own data: (history, None), (None, forecast) or (None, None) for the sample."""
    from planner.io.forecast import read_forecast
    from planner.io.history import read_history

    data = scen.data
    if data.forecast is not None:
        say(f"reading {data.forecast.path}")
        return None, read_forecast(data.forecast.path, timezone=scen.timezone, columns=data.forecast.columns)
    if data.history:
        say(f"reading {', '.join(h.path for h in data.history)}")
        return read_history(data.history, tz=scen.timezone), None
    return None, None


def _plan_and_write(scen: Any, out: str, force: bool, as_json: bool, adjust: Any = None,
                    workers: int | None = None, cluster: str | None = None) -> None:
    """Validate the output folder, read the scenario's data, plan in memory, write, print. ``adjust``: a
    last change to the scenario (Scenario -> Scenario), made once the folder is known to be writable.
    ``workers``/``cluster``: where the risk step's large searches run (:func:`planner.parallel.map_jobs`)."""
    from functools import partial

    from planner.io.plan import write
    from planner.io.table import prepare_out_dir
    from planner.parallel import check_cluster, map_jobs
    from planner.pipeline import plan
    from planner.views import summary_lines

    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise PlannerInputError(f"--workers {workers}: must be between 1 and {MAX_WORKERS}")
    check_cluster(cluster)
    out_path = prepare_out_dir(out, force)  # refuse a non-empty folder before any work
    if not any(out_path.iterdir()):
        out_path.rmdir()  # recreated by write(); nothing is left behind if planning fails
    say = _progress()
    if adjust is not None:
        scen = adjust(scen)
    history, forecast = _scenario_data(scen, say)
    run = partial(map_jobs, workers=workers, cluster=cluster)
    result = plan(scen, history, forecast=forecast, progress=say, cache=_cache(), run=run)
    write(result, out, force=True)
    summary = result.summary()
    _print_warnings(summary["warnings"] + (list(result.capacity.notes) if result.capacity is not None else []))
    if as_json:
        emit_json(summary)
        return
    for line in summary_lines(summary):
        typer.echo(line)
    if result.capacity is not None:
        from planner.capacity_plan import summary_lines as capacity_lines

        for line in capacity_lines(result.capacity):
            typer.echo(line)
    typer.echo(f"wrote {out}: summary.json, plan.xlsx, forecast, requirements, schedule, coverage, service, risk CSVs")


@app.command("plan")
def plan_cmd(
    scenario: str = typer.Argument(..., help="Scenario TOML with [data] history/forecast/sample and [horizon]."),
    out: str = typer.Option(..., "--out", help="Folder for the plan's files (new or empty, or --force)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out (overwrites the plan's files)."),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json's object."),
    workers: int | None = typer.Option(
        None, "--workers", help="Processes for the risk step's large searches (default: one per CPU)."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="Dask scheduler ADDRESS (tcp://host:8786), or 'local', for those searches."),
) -> None:
    """The whole plan from the scenario's own data: forecast, requirements, rosters, contract check, files."""
    from planner.scenario import load_scenario

    _plan_and_write(load_scenario(scenario), out, force, as_json, workers=workers, cluster=cluster)


@app.command("cost")
def cost_cmd(
    scenario: str = typer.Argument(..., help="Base scenario TOML (its data is forecast once for every option)."),
    option: list[str] | None = typer.Option(
        None, "--option", metavar="NAME:KEY=VALUE,...",
        help="An option: its name and the scenario keys it changes, e.g. v90:channels.voice.service_level=0.9 "
        "(repeat for more options).",
    ),
    options_file: str | None = typer.Option(
        None, "--options", metavar="FILE", help="A TOML file of options: each [NAME] table the keys it changes."
    ),
    out: str = typer.Option(
        ..., "--out", help="options.csv; the chart (.png, .html) and workbook (.xlsx) are written beside it."
    ),
    cluster: str | None = typer.Option(
        None, "--cluster", help="Dask scheduler ADDRESS (tcp://host:8786), or 'local' for a LocalCluster."
    ),
    workers: int | None = typer.Option(None, "--workers", help="Parallel workers (default: one per CPU)."),
    plans: str | None = typer.Option(
        None, "--plans", help="Also write each option's whole plan into DIR/NAME/ (plan.xlsx with an options sheet)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
    as_json: bool = typer.Option(False, "--json", help="Print the options table as one JSON object."),
) -> None:
    """SLA options side by side: each option a full plan on the base forecast, priced and compared."""
    from pathlib import Path

    from planner.io.charts import write_options_chart
    from planner.io.plan import write
    from planner.io.table import check_writable, prepare_out_dir, write_csv
    from planner.io.xlsx import write_options_xlsx
    from planner.parallel import check_cluster
    from planner.scenario import load_scenario, option_scenarios, parse_option, read_options, read_scenario_data
    from planner.steps import forecast_part
    from planner.sweep import OptionJob, compare, run_options, table, table_lines

    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise PlannerInputError(f"--workers {workers}: must be between 1 and {MAX_WORKERS}")
    base = load_scenario(scenario)
    options = [parse_option(text) for text in option or []]
    if options_file is not None:
        options += list(read_options(options_file))
    scenarios = option_scenarios(read_scenario_data(scenario), options, str(scenario), Path(scenario).parent)
    csv_path = Path(out)
    if csv_path.suffix.lower() != ".csv":
        raise PlannerInputError(f"--out {out}: name a .csv file (the chart and workbook go beside it)")
    paths = {e: check_writable(csv_path.with_suffix(e), "--out", force) for e in (".csv", ".png", ".html", ".xlsx")}
    if plans is not None:
        prepare_out_dir(plans, force)
    check_cluster(cluster)
    say = _progress()
    history, forecast = _scenario_data(base, say)
    part = forecast_part(base, history, forecast=forecast, progress=say, cache=_cache())
    jobs = [OptionJob(o.name, o.label(), sc, part, keep_plan=plans is not None, cache=_cache())
            for o, sc in zip(options, scenarios, strict=True)]
    say(f"planning {len(jobs)} option(s)" + (f" on Dask ({cluster})" if cluster else ""))
    results = run_options(jobs, workers=workers, cluster=cluster, progress=say)
    rows = compare(results)
    flat = table(rows)
    write_csv(flat, paths[".csv"])
    write_options_xlsx(paths[".xlsx"], flat, results)
    write_options_chart(rows, paths[".png"], paths[".html"])
    if plans is not None:
        for r in results:
            write(r.plan, Path(plans) / r.name, force=True, extra={"options": flat})
    _print_warnings(list(part.notes))
    if as_json:
        emit_json({"scenario": str(scenario), "horizon_start": part.start.isoformat(), "weeks": base.horizon.weeks,
                   "options": rows})
        return
    for line in table_lines(rows):
        typer.echo(line)
    missed = [r["option"] for r in rows if not r["contract_met"]]
    if missed:
        typer.echo(f"NOT MET on its own plan: {', '.join(missed)} (see the per-channel columns)")
    typer.echo(f"wrote {paths['.csv']} and its .png, .html, .xlsx" + (f"; plans in {plans}" if plans else ""))


# ---- capacity (issue 15): team size, hiring and cost month by month over the contract term ----


@app.command("capacity")
def capacity_cmd(
    scenario: str = typer.Argument(..., help="Scenario TOML; its [capacity] section holds the term's assumptions."),
    months: int | None = typer.Option(
        None, "--months", help="Months of the contract term, 12-36 (default: capacity.months, else 24)."
    ),
    out: str = typer.Option(
        ..., "--out", help="capacity.csv; the workbook (.xlsx) and chart (.png, .html) are written beside it."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
    as_json: bool = typer.Option(False, "--json", help="Print the capacity plan as one JSON object."),
) -> None:
    """The long-range capacity and hiring plan: the requirement in FTE month by month, the least-cost
    training classes (a MIP, its gap reported), overtime, idle and short FTE, and the cost of the term."""
    from pathlib import Path

    from planner.capacity_plan import capacity_of, summary_lines
    from planner.domain import check_months
    from planner.io.charts import write_capacity_chart
    from planner.io.table import check_writable, write_csv
    from planner.io.xlsx import write_capacity_xlsx
    from planner.pipeline import plan
    from planner.scenario import load_scenario

    if months is not None:
        check_months(months, "--months")
    scen = load_scenario(scenario)
    csv_path = Path(out)
    if csv_path.suffix.lower() != ".csv":
        raise PlannerInputError(f"--out {out}: name a .csv file (the workbook and chart go beside it)")
    paths = {e: check_writable(csv_path.with_suffix(e), "--out", force) for e in (".csv", ".xlsx", ".png", ".html")}
    say = _progress()
    history, forecast = _scenario_data(scen, say)
    result = plan(scen, history, forecast=forecast, progress=say, cache=_cache())
    say("capacity plan: the requirement month by month and the hiring MIP")
    cp = capacity_of(result, months=months)
    write_csv(cp.rows, paths[".csv"])
    write_capacity_xlsx(paths[".xlsx"], cp.rows, cp.classes_frame(), cp.assumptions_frame())
    write_capacity_chart(cp.rows.to_dict(orient="records"), paths[".png"], paths[".html"])
    _print_warnings([*result.warnings, *cp.notes])
    if as_json:
        emit_json(cp.to_dict())
        return
    for line in summary_lines(cp):
        typer.echo(line)
    typer.echo(f"wrote {paths['.csv']} and its .xlsx, .png, .html")


# ---- check (issue 13): the client's adequacy check of a vendor roster ----
CHECK_EPILOG = (
    "Exit codes: 0 the roster is adequate; 3 it is not (the verdict, gaps and the fix are printed); "
    "2 bad input (one line naming the file, row or field)."
)


def _column_flags(values: list[str] | None) -> dict[str, str]:
    out = {}
    for text in values or []:
        name, sep, column = text.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise PlannerInputError(f"--column {text}: write NAME=COLUMN, e.g. shift_start=上班时间")
        out[name.strip()] = column.strip()
    return out


def check_lines(d: dict[str, Any]) -> list[str]:
    """The verdict for people (what ``planner check`` prints)."""
    h = d["horizon"]
    lines = [
        f"roster {h['start']} to {h['end']} ({h['weeks']} week(s)), {d['agents']} agents: "
        + ("ADEQUATE" if d["adequate"] else "NOT ADEQUATE")
    ]
    for ch, c in d["channels"].items():
        worst = c["worst_period"]
        share = "n/a" if c["share_met"] is None else f"{c['share_met']:.0%}"
        value = "n/a" if worst["value"] is None else f"{worst['value']:.3f}"
        lines.append(
            f"  {ch:<8} {c['measure']} {c['period']}: {share} of periods meet {c['target']:g} "
            f"(need {c['min_share']:.0%}); worst {worst['period']} {value} -> {'MET' if c['met'] else 'NOT MET'}"
        )
        for p in c["periods"]:
            if p["met"] is False:
                lines.append(f"    {p['period']}: {p['value']:.3f} < {c['target']:g} (by {-p['margin']:.3f})")
    if d["labour"]:
        lines.append(f"  labour: {len(d['labour'])} violation(s)")
        for v in d["labour"][:20]:
            lines.append(f"    {v['rule']}: {v['agent_id']} {' -> '.join(v['dates'])}: {v['detail']} ({v['law']})")
        if len(d["labour"]) > 20:
            lines.append(f"    ... and {len(d['labour']) - 20} more")
    else:
        lines.append("  labour: no violation (rest, daily and weekly hours, a rest day a week)")
    if d["gaps"]:
        lines.append(f"  gaps: {len(d['gaps'])} interval(s) short, {d['missing_agent_hours']:.1f} agent-hours missing")
        for g in d["gaps"][:20]:
            lines.append(f"    {g['team']} {g['interval_start']}: {g['scheduled']:g} scheduled < {g['need']} needed "
                         f"({g['missing_agents']:g} missing)")
        if len(d["gaps"]) > 20:
            lines.append(f"    ... and {len(d['gaps']) - 20} more")
    else:
        lines.append("  gaps: none (the requirement is covered in every interval)")
    fix = d["fix"]
    if fix["added_shifts"]:
        lines.append(f"  fix: add {fix['added_shifts']} shift(s), {fix['added_agent_hours']:.1f} agent-hours; "
                     f"with them the roster is {'ADEQUATE' if d['recheck_adequate'] else 'still NOT ADEQUATE'}")
        for x in fix["shifts"][:20]:
            lunch = f" lunch {x['lunch_start'][11:]}-{x['lunch_end'][11:]}" if x["lunch_start"] else ""
            lines.append(f"    {x['agent_id']} {x['date']} {x['start'][11:]}-{x['end'][11:]}{lunch}")
        if len(fix["shifts"]) > 20:
            lines.append(f"    ... and {len(fix['shifts']) - 20} more")
    lines += [f"  note: {n}" for n in d["notes"]]
    return lines


@app.command("check", epilog=CHECK_EPILOG)
def check_cmd(
    schedule: str = typer.Option(
        ..., "--schedule", help="The vendor's roster: schedule CSV/XLSX (agent_id, date, activity, start, end[, team]) "
        "or a per-agent shift list (agent_id, date, shift_start, shift_end[, lunch_start, lunch_end, team])."
    ),
    forecast: str = typer.Option(..., "--forecast", help="Forecast CSV/XLSX covering the roster's weeks."),
    scenario: str = typer.Option(..., "--scenario", help="Scenario TOML: targets, measures, shrinkage, rules, costs."),
    columns: str | None = typer.Option(
        None, "--columns", help="TOML mapping a shift list's columns: agent_id, date, shift_start, shift_end, "
        "lunch_start, lunch_end, team = \"the file's column\" (top level or under [columns])."
    ),
    column: list[str] | None = typer.Option(
        None, "--column", help="NAME=COLUMN: one mapping of a shift list's column (repeat; overrides --columns)."
    ),
    out: str | None = typer.Option(
        None, "--out", help="Folder for check.xlsx, check.html and fix_schedule.csv (new or empty, or --force)."
    ),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out (overwrites the check's files)."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as one JSON object."),
) -> int:
    """The client's adequacy check of a vendor roster: labour rules, the contract per target and period,
    the intervals short of the requirement, and the cheapest shifts to add.

    Exit 0: adequate (legal, every target met, the requirement covered). Exit 3: not adequate. Exit 2: bad
    input.
    """
    from planner.check import check_roster
    from planner.io.forecast import read_forecast
    from planner.io.schedule import is_shift_list, read_schedule, read_shift_list
    from planner.io.table import prepare_out_dir
    from planner.scenario import load_scenario, read_column_map

    _must_exist(schedule, "schedule")
    _must_exist(forecast, "forecast")
    scen = load_scenario(scenario)
    mapping = {**(read_column_map(columns) if columns else {}), **_column_flags(column)}
    if out is not None:
        prepare_out_dir(out, force)
    say = _progress()
    say(f"reading {schedule}")
    roster = read_shift_list(schedule, mapping) if is_shift_list(schedule, mapping) else read_schedule(schedule)
    fc = read_forecast(forecast, timezone=scen.timezone)
    say("checking the roster")
    result = check_roster(scen, roster, fc, schedule_source=schedule, forecast_source=forecast)
    payload = result.to_dict()
    if out is not None:
        from planner.io.check import write_check

        write_check(result, out)
    _print_warnings(payload["notes"])
    if as_json:
        emit_json(payload)
    else:
        for line in check_lines(payload):
            typer.echo(line)
        if out is not None:
            typer.echo(f"wrote {out}: check.xlsx, check.html, fix_schedule.csv")
    return 0 if result.adequate else 3


@app.command("demo")
def demo_cmd(
    out: str = typer.Option(..., "--out", help="Folder for the demo's files (must be empty or new, or --force)."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario TOML (default: the shipped scenarios/contract_7x24.toml)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the sample history, solver and simulation."),
    time_limit_s: float = typer.Option(
        20.0, "--time-limit-s", help="CP-SAT wall-clock limit per team and week (s); unused with one worker."
    ),
    weeks: int = typer.Option(10, "--weeks", help="Weeks of sample history."),
    replications: int = typer.Option(10, "--replications", help="Simulation replications."),
    agents: int | None = typer.Option(
        None, "--agents", help="Scale the sample to a centre of about this many agents (default: the sample as is)."),
    workers: int | None = typer.Option(
        None, "--workers", help="Processes for the risk step's large searches (default: one per CPU)."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="Dask scheduler ADDRESS (tcp://host:8786), or 'local', for those searches."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out (overwrites the demo's files)."),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json's object."),
) -> None:
    """planner plan on built-in sample data: the shipped 7x24 scenario unless --scenario says otherwise."""
    from dataclasses import replace
    from pathlib import Path

    from planner.scenario import load_scenario

    if not time_limit_s > 0 or time_limit_s > 3600:
        raise PlannerInputError(f"--time-limit-s {time_limit_s}: must be in (0, 3600]")
    if not 3 <= weeks <= 104:
        raise PlannerInputError(f"--weeks {weeks}: must be between 3 and 104")
    if replications < 2:
        raise PlannerInputError(f"--replications {replications}: need at least 2 for a confidence interval")
    if seed < 0:
        raise PlannerInputError(f"--seed {seed}: must be >= 0")
    path = scenario or str(Path(__file__).resolve().parents[1] / "scenarios" / DEMO_SCENARIO)
    scen = load_scenario(path)
    scen = replace(
        scen,
        data=replace(scen.data, history=(), forecast=None, sample=True, sample_weeks=weeks),
        solver=replace(scen.solver, seed=seed, time_limit_s=time_limit_s, workers=1,
                       deterministic_time=min(scen.solver.deterministic_time or 5.0, 5.0)),
        replications=replications,
    )
    if agents is not None and not 1 <= agents <= MAX_DEMO_AGENTS:
        raise PlannerInputError(f"--agents {agents}: must be between 1 and {MAX_DEMO_AGENTS}")

    def sized(scen: Any) -> Any:  # the sample scaled to about ``agents`` agents
        from planner.demo import SAMPLE_HORIZON_START, scale_for_agents

        scale = scale_for_agents(scen, agents, end=scen.horizon.start or SAMPLE_HORIZON_START, weeks=weeks,
                                 seed=seed)
        print(f"note: --agents {agents}: the sample's volume x {scale:.3g} (about {agents} agents; the plan reports "
              "the agents its rosters have)", file=sys.stderr)
        return replace(scen, data=replace(scen.data, sample_scale=scale))

    _plan_and_write(scen, out, force, as_json, sized if agents is not None else None, workers=workers,
                    cluster=cluster)


# ---- report: the contract's service report from actuals (issue 13) ----


@app.command("report")
def report_cmd(
    actuals: str = typer.Argument(..., help="Actuals CSV/XLSX (history schema: interval_start, offered, ...)."),
    scenario: str = typer.Option(..., "--scenario", help="Scenario TOML: channels, targets, windows, [report]."),
    period: str = typer.Option("day", "--period", help="day, week (Mon-Sun) or month."),
    out: str = typer.Option(..., "--out", help="report.xlsx or report.html (the suffix picks the format)."),
    items: str | None = typer.Option(
        None, "--items", help="Written items CSV/XLSX: received, first_reply, resolved[, channel, item_id]."
    ),
    lang: str = typer.Option("zh", "--lang", help="zh: Chinese headings first, then English; en: English only."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
    as_json: bool = typer.Option(False, "--json", help="Print {period, rows, summary} as one JSON object."),
) -> None:
    """The contract's service report: KPIs per period and channel against their targets (合同 2.1-2.6)."""
    from pathlib import Path

    from planner.io.actuals import read_actuals, read_items, report_columns
    from planner.io.report import FORMATS, write_report
    from planner.io.table import check_writable
    from planner.reports import PERIODS, build_report
    from planner.reports.text import LANGS, fmt_kpi, met_text
    from planner.scenario import load_scenario

    if period not in PERIODS:
        raise PlannerInputError(f"--period: '{period}' must be one of {', '.join(PERIODS)}")
    if lang not in LANGS:
        raise PlannerInputError(f"--lang: '{lang}' must be one of {', '.join(LANGS)}")
    if Path(out).suffix.lower() not in FORMATS:
        raise PlannerInputError(f"--out {out}: name a .xlsx or .html file (the suffix picks the format)")
    _must_exist(actuals, "actuals")
    if items is not None:
        _must_exist(items, "items")
    scen = load_scenario(scenario)
    check_writable(out, "--out", force)
    frame = read_actuals(actuals, scen, report_columns(scen))
    item_frame = read_items(items, scen) if items is not None else None
    report = build_report(frame, scen, period, item_frame)
    write_report(out, report, lang)
    _print_warnings(report.notes)
    if as_json:
        emit_json(report.as_json())
        return
    for v in report.verdicts:
        met = f"{v.met}/{v.measured} {period}s met" if v.target is not None else ""
        typer.echo(f"{v.channel:<10} {v.name:<18} {fmt_kpi(v.name, v.total_value, 'en'):>10}  {met:<18} "
                   f"{met_text(v.all_met, 'en')}")
    offered: dict[str, float] = {}
    for r in report.rows:
        offered[r.channel] = offered.get(r.channel, 0.0) + r.volume["offered"]
    typer.echo("offered in the window: " + ", ".join(f"{c} {n:,.0f}" for c, n in offered.items()))
    if not report.verdicts:
        typer.echo("no KPI could be measured: the actuals need answered, answered_within_threshold (and for "
                   "the others their columns, docs/reports.md)")
    typer.echo(f"wrote {out}")


@app.command("app")
def app_cmd(
    port: int = typer.Option(8501, "--port", help="Port to serve the app on (loopback unless --address)."),
    address: str = typer.Option("127.0.0.1", "--address", help="Address to listen on."),
) -> int:
    """Start the Streamlit front end (app.py) on built-in data (needs the [app] extra: pip install -e '.[app]')."""
    import importlib.util
    import subprocess
    from pathlib import Path

    if importlib.util.find_spec("streamlit") is None:
        raise PlannerInputError("streamlit is not installed: pip install -e '.[app]'")
    if not 1 <= port <= 65535:
        raise PlannerInputError(f"--port {port}: must be between 1 and 65535")
    script = Path(__file__).resolve().parents[1] / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    typer.echo(f"planner app: http://{address}:{port} (Ctrl+C stops it)")
    try:
        return subprocess.call(cmd, cwd=script.parent)
    except KeyboardInterrupt:
        return 0


def _as_flag(message: str, argv: list[str]) -> str:
    """An engine names its parameter (``answer_s must be >= 0``); on the command line it is a flag: name
    the flag the user typed (``--answer-s must be >= 0``), with a hint where percent was written."""
    import re

    m = re.match(r"([a-z][a-z_]*)(:?) ", message)
    if m is None:
        return message
    flag = "--" + m.group(1).replace("_", "-")
    if flag not in argv and not any(a.startswith(flag + "=") for a in argv):
        return message
    rest = message[m.end():]
    value = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == flag), None)
    try:
        number = float(value) if value is not None else None
    except ValueError:
        number = None
    hint = ""
    if number is not None and 2 <= number <= 100 and m.group(1) in FRACTION_FLAGS:
        hint = f" (fractions, not percent: write {number / 100:g})"
    return f"{flag}{m.group(2)} {rest}{hint}"


FRACTION_FLAGS = ("sl", "max_occupancy", "shrinkage", "min_share", "floor_sl", "volume_cv")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app and maps errors to the exit codes of the contract."""
    try:
        result = app(args=argv, standalone_mode=False)
    except PlannerInputError as exc:
        print(f"error: {_as_flag(str(exc), sys.argv[1:] if argv is None else argv)}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        # Click's exceptions (typer may vendor its own copy of click, so match them by shape):
        # usage errors (unknown flag, missing or malformed option) become one line and exit 2.
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.ctx.get_help())
            sys.exit(0)
        exit_code = getattr(exc, "exit_code", None)
        if exit_code is None:
            raise
        if hasattr(exc, "format_message"):
            print(f"error: {exc.format_message()}", file=sys.stderr)
        sys.exit(exit_code)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
