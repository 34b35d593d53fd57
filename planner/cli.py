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
