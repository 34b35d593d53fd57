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
_FORECAST_METHODS_HELP = (
    "auto (pick by backtest), seasonal_naive, mean_4w, mean_4w_plain, holt_winters, mstl_ets, "
    "mstl_arima, daily_profile, daily_profile_dom."
)


@app.command("forecast")
def forecast_cmd(
    history: str = typer.Argument(..., help="History CSV/XLSX (interval_start, offered, ...)."),
    horizon_days: int = typer.Option(..., "--horizon-days", help="Whole days to forecast after the history."),
    out: str = typer.Option(..., "--out", help="Forecast CSV to write."),
    interval_min: int | None = typer.Option(
        None, "--interval-min", help="Forecast interval in minutes (5 to 60); default: the history's."
    ),
    method: str = typer.Option("auto", "--method", help=_FORECAST_METHODS_HELP),
    holidays: str = typer.Option("CN", "--holidays", help="CN, none, a country code, or a holiday file."),
    level: float = typer.Option(0.8, "--level", help="Prediction-interval coverage, a fraction in (0, 1)."),
    backtest_weeks: int = typer.Option(8, "--backtest-weeks", help="One-week-ahead backtest weeks for auto."),
    tz: str = typer.Option("Asia/Shanghai", "--tz", help="Zone for timestamps that carry an offset."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Forecast interval volumes (and handle time) for the days after HISTORY, with 80 % intervals."""
    from planner.forecasting import run_forecast

    result = run_forecast(
        history, horizon_days, out, interval_min, method, holidays, level, backtest_weeks, tz
    )
    for line in result["warnings"]:
        typer.echo(f"warning: {line}", err=True)
    if as_json:
        emit_json(result)
        return
    for s in result["series"]:
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
                if s["improvement"] is not None:
                    line += f" ({s['improvement']:.1%} better)"
            typer.echo(line)
        if s["aht_backtest_error"] is not None:
            err = s["aht_backtest_error"]
            typer.echo(f"{name}: aht_s forecast too, backtest error {err:.1%} (volume-weighted)")
    typer.echo(f"wrote {result['rows']} rows to {result['out']}")


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
