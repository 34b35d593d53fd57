"""A plan's files: the tables as written and the folder (CSV, ``summary.json``, ``plan.xlsx``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from planner.domain import TIME_FMT
from planner.io.schedule import schedule_table
from planner.plan import Plan
from planner.views import roster_grid

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
    """The plan's tables as written: forecast, requirements, the roster grid a team leader prints, schedule,
    coverage, service, risk, confidence hours, cost (and the capacity plan's months)."""
    fc = p.forecast.frame.reset_index(drop=True)
    fc["interval_start"] = fc["interval_start"].dt.strftime(TIME_FMT)
    schedule = schedule_table(p.schedule)
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
        "requirements": p.requirements.frame,
        "roster": roster_grid(p.schedule),
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
        write_requirements(p.requirements, tmp / "requirements.csv")
        write_csv(t["schedule"], tmp / "schedule.csv")
        write_csv(t["coverage"], tmp / "coverage.csv")
        write_csv(t["service"], tmp / "service.csv")
        write_csv(t["risk"], tmp / "risk.csv")
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_plan_xlsx(tmp / "plan.xlsx", summary, {**t, **(extra or {})})
        for f in sorted(tmp.iterdir()):
            shutil.move(str(f), out / f.name)
    return out
