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
    # Reported to 6 decimals, the precision of published Erlang tables (the library keeps full precision).
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
    out = {k: round(v, 6) if isinstance(v, float) and math.isfinite(v) else v for k, v in out.items()}
    if as_json:
        emit_json(out)
        return
    label = {"load_erl": "offered load [Erlang]", "asa_s": "ASA [s]"}
    for key, value in out.items():
        shown = f"{value:.6g}" if isinstance(value, float) else value
        typer.echo(f"{label.get(key, key.replace('_', ' ')):<24}{shown}")


# ---- due, staff (issue 3) ----


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
    from planner.calendar import ChineseCalendar, read_overrides, weekday_window, window_7x24

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
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Per-interval staffing requirements (productive agents) for every channel of the scenario."""
    import warnings

    from planner.scenario import load_scenario
    from planner.staffing import read_forecast, staff_requirements, write_requirements

    scen = load_scenario(scenario)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fc = read_forecast(forecast, timezone=scen.timezone)
        req = staff_requirements(scen, fc, source=forecast)
    _print_warnings([str(w.message) for w in caught if issubclass(w.category, UserWarning)])
    write_requirements(req, out)
    summary = {
        "out": out,
        "rows": len(req),
        "channels": {
            ch: {
                "intervals": len(g),
                "agent_hours": float(g["required"].sum()) * _interval_hours(g),
                "peak_required": int(g["required"].max()),
            }
            for ch, g in req.groupby("channel", sort=False)
        },
    }
    if as_json:
        emit_json(summary)
    else:
        for ch, s in summary["channels"].items():
            typer.echo(
                f"{ch}: {s['intervals']} intervals, peak {s['peak_required']} agents, "
                f"{s['agent_hours']:g} agent-hours"
            )
        typer.echo(f"wrote {out}")


def _interval_hours(g: Any) -> float:
    starts = g["interval_start"].sort_values()
    if len(starts) < 2:
        return 0.0
    return float(starts.diff().min().total_seconds()) / 3600.0


# ---- forecast (issue 4) ----
# (commands of this section go here)


# ---- schedule (issue 5) ----
# (commands of this section go here)


# ---- simulate (issue 6) ----
# (commands of this section go here)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app and maps errors to the exit codes of the contract."""
    try:
        result = app(args=argv, standalone_mode=False)
    except PlannerInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
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
