"""The app's pages in order: url name and the script streamlit runs (planner/ui/scripts/NAME.py, each a
two-line call of its module's guarded ``page``)."""

from __future__ import annotations

from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "scripts"
NAMES = ("start", "forecast", "staffing", "roster", "check", "options", "reports", "scenarios")


def script(name: str) -> str:
    return str(SCRIPTS / f"{name}.py")
