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

import click
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
# (commands of this section go here)


# ---- due, staff (issue 3) ----
# (commands of this section go here)


# ---- forecast (issue 4) ----
# (commands of this section go here)


# ---- schedule (issue 5) ----


def _hhmm(text: str, flag: str) -> int:
    try:
        h, m = (int(x) for x in text.split(":"))
    except ValueError:
        raise PlannerInputError(f"{flag} '{text}' is not HH:MM") from None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise PlannerInputError(f"{flag} '{text}' is not a time of day")
    return h * 60 + m


@app.command("schedule")
def schedule_cmd(
    requirements: str = typer.Argument(..., help="requirements CSV: interval_start, channel, required"),
    out: str = typer.Option(..., "--out", help="output folder for schedule.csv and coverage.csv"),
    shift_hours: str = typer.Option("9", "--shift-hours", help="shift lengths incl. lunch (h): 9 or 4,6,8,9"),
    lunch_min: int = typer.Option(60, "--lunch-min", help="unpaid lunch (min) in shifts over 6 h"),
    breaks: int = typer.Option(0, "--breaks", help="paid short breaks per shift (0, 1 or 2)"),
    break_min: int = typer.Option(15, "--break-min", help="short break length (min)"),
    start_step_min: int = typer.Option(30, "--start-step-min", help="start-time grid (min)"),
    earliest_start: str = typer.Option(
        "00:00", "--earliest-start", help="earliest shift start HH:MM; several windows: 06:00,20:00"
    ),
    latest_start: str = typer.Option("23:30", "--latest-start", help="latest shift start HH:MM; 10:00,22:00"),
    days_per_week: int = typer.Option(5, "--days-per-week", help="most working days a week"),
    min_days_per_week: int | None = typer.Option(
        None, "--min-days-per-week", help="fewest days a week (default: --days-per-week)"
    ),
    min_rest_h: float = typer.Option(11.0, "--min-rest-h", help="minimum rest between shifts (h)"),
    overtime: bool = typer.Option(False, "--overtime", help="allow overtime: 3 h/day, 36 h/month, 150 %"),
    min_staff: int = typer.Option(1, "--min-staff", help="hard floor of agents when demand > 0"),
    shrinkage: float = typer.Option(0.0, "--shrinkage", help="fraction in [0,1): schedule required/(1-F)"),
    hourly_rate_cny: float = typer.Option(30.0, "--hourly-rate", help="paid hour (CNY)"),
    night_allowance_cny: float = typer.Option(5.0, "--night-allowance", help="per hour 22:00-06:00 (CNY)"),
    agents: str | None = typer.Option(None, "--agents", help="named agents CSV (DESIGN.md schema)"),
    frozen: str | None = typer.Option(None, "--frozen", help="published schedule.csv to keep in part"),
    frozen_until: str | None = typer.Option(
        None, "--frozen-until", help="first date YYYY-MM-DD that may change"
    ),
    time_limit_s: float = typer.Option(60.0, "--time-limit-s", help="solver time limit (s)"),
    workers: int = typer.Option(2, "--workers", help="CP-SAT worker threads"),
    seed: int = typer.Option(0, "--seed", help="CP-SAT random seed"),
    gap: float = typer.Option(0.01, "--gap", help="stop once within this fraction of the lower bound"),
    as_json: bool = typer.Option(False, "--json", help="print the result as one JSON object"),
) -> None:
    """Weekly roster (CP-SAT): tours with days off, lunch and breaks, rest and hour limits, a lower bound."""
    from datetime import date

    from planner.scheduling.api import schedule_files
    from planner.scheduling.model import CostRates, SolverSettings
    from planner.shifts import ShiftRules

    try:
        lengths = tuple(round(float(x) * 60) for x in shift_hours.split(",") if x.strip())
    except ValueError:
        raise PlannerInputError(f"--shift-hours '{shift_hours}' is not a list of hours") from None
    if time_limit_s <= 0 or workers < 1 or not 0 <= gap < 1 or min_staff < 0:
        raise PlannerInputError("need --time-limit-s > 0, --workers >= 1, --gap in [0,1), --min-staff >= 0")
    if hourly_rate_cny < 0 or night_allowance_cny < 0:
        raise PlannerInputError("--hourly-rate and --night-allowance must be >= 0")
    until = None
    if frozen_until is not None:
        try:
            until = date.fromisoformat(frozen_until)
        except ValueError:
            raise PlannerInputError(f"--frozen-until '{frozen_until}' is not YYYY-MM-DD") from None
    los = [_hhmm(x.strip(), "--earliest-start") for x in earliest_start.split(",")]
    his = [_hhmm(x.strip(), "--latest-start") for x in latest_start.split(",")]
    if len(los) != len(his):
        raise PlannerInputError("--earliest-start and --latest-start need the same number of times")
    windows = list(zip(los, his, strict=True))
    rules = ShiftRules(
        shift_lengths_min=lengths,
        start_step_min=start_step_min,
        earliest_start_min=windows[0][0],
        latest_start_min=windows[0][1],
        extra_start_windows=tuple(windows[1:]),
        lunch_min=lunch_min,
        breaks_per_shift=breaks,
        break_min=break_min,
        min_days=days_per_week if min_days_per_week is None else min_days_per_week,
        max_days=days_per_week,
        min_rest_min=round(min_rest_h * 60),
        overtime=overtime,
    )
    costs = CostRates(
        hourly_rate_fen=round(hourly_rate_cny * 100),
        night_allowance_fen_per_hour=round(night_allowance_cny * 100),
        min_staff=min_staff,
    )
    settings = SolverSettings(time_limit_s=time_limit_s, workers=workers, seed=seed, target_gap=gap)
    res = schedule_files(requirements, out, rules, costs, settings, shrinkage, agents, frozen, until)
    if as_json:
        emit_json(res)
    else:
        typer.echo(
            f"{res['status']}: {res['agents']} agents, {res['paid_hours']:.1f} paid h for "
            f"{res['required_hours']:.1f} required h, shortfall {res['shortfall_agent_hours']:.2f} agent-h, "
            f"cost {res['objective_cny']:.2f} CNY, gap {res['gap']:.2%} -> {out}/schedule.csv"
        )


# ---- simulate (issue 6) ----
# (commands of this section go here)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app and maps errors to the exit codes of the contract."""
    try:
        result = app(args=argv, standalone_mode=False)
    except PlannerInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except click.exceptions.UsageError as exc:
        # Click's own usage errors (unknown flag, missing option, bad type): one line, exit 2.
        print(f"error: {exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except click.exceptions.Abort:
        print("error: aborted", file=sys.stderr)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
