"""Requirements files (DESIGN.md): ``interval_start, channel, required`` (+ ``load_erl, service_level,
asa_s, occupancy, open, backlog_items``). ``required`` is productive agents; shrinkage is the scheduler's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.calendar import parse_instant
from planner.domain import TIME_FMT, Requirements
from planner.errors import PlannerInputError
from planner.io.table import read_table
from planner.scheduling.demand import MAX_AGENTS_PER_INTERVAL, WeekDemand, week_demands


def read_requirements(path: str | Path, tz: str | None = None) -> Requirements:
    """A requirements file as :class:`~planner.domain.Requirements` (``interval_start`` naive local
    datetimes, ``channel``, ``required``, and ``open`` when the file has it: the coverage window, 1 open,
    0 closed)."""
    path = Path(path)
    df = read_table(path, "requirements")
    for col in ("interval_start", "required"):
        if col not in df.columns:
            raise PlannerInputError(f"{path}: missing column '{col}' (have: {', '.join(df.columns)})")
    if df.empty:
        raise PlannerInputError(f"{path}: the requirements file has no data rows")
    if "channel" not in df.columns:
        df["channel"] = "voice"
    stamps = []
    for i, text in enumerate(df["interval_start"]):
        try:
            stamps.append(parse_instant(text, "interval_start", tz))
        except PlannerInputError:
            raise PlannerInputError(
                f"{path}: row {i + 2}: interval_start '{text}' is not a date-time like 2026-03-02T09:30"
            ) from None
    req = pd.to_numeric(df["required"], errors="coerce")
    bad = req.isna() | ~np.isfinite(req) | (req < 0) | (req > MAX_AGENTS_PER_INTERVAL)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise PlannerInputError(
            f"{path}: row {i + 2}: required '{df['required'].iloc[i]}' must be a number of agents "
            f"from 0 to {MAX_AGENTS_PER_INTERVAL:g}"
        )
    out = pd.DataFrame(
        {"interval_start": pd.to_datetime(stamps), "channel": df["channel"].replace("", "voice"), "required": req}
    )
    if "open" in df.columns:  # the coverage window staffing wrote (1 open, 0 closed): the roster keeps to it
        opened = pd.to_numeric(df["open"], errors="coerce")
        bad = ~opened.isin([0, 1])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise PlannerInputError(f"{path}: row {i + 2}: open '{df['open'].iloc[i]}' must be 1 (open) or 0 (closed)")
        out["open"] = opened.astype(int).to_numpy()
    dup = out.duplicated(["interval_start", "channel"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise PlannerInputError(
            f"{path}: row {i + 2}: duplicate interval {out['interval_start'].iloc[i]:{TIME_FMT}} for channel "
            f"'{out['channel'].iloc[i]}'"
        )
    return Requirements(out, source=str(path))


def read_week(path: str | Path, shrinkage: float = 0.0, channels: tuple[str, ...] | None = None) -> WeekDemand:
    """Exactly one week of demand from a requirements file (the single-week scheduler tests use it)."""
    weeks = week_demands(read_requirements(path), shrinkage, channels, source=str(path))
    if len(weeks) != 1:
        raise PlannerInputError(f"{path}: {len(weeks)} weeks of intervals; expected exactly one week")
    return weeks[0]


def write_requirements(req: Requirements, path: str | Path) -> None:
    """Write requirements CSV: ISO local times, 6 decimals, empty cells for not-applicable values."""
    out = req.frame.copy()
    out["interval_start"] = pd.to_datetime(out["interval_start"]).dt.strftime(TIME_FMT)
    for col in ("asa_s", "service_level", "occupancy", "load_erl", "backlog_items"):
        if col in out.columns:
            out[col] = out[col].replace([np.inf, -np.inf], np.nan)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(path, index=False, float_format="%.6f")
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot write requirements ({exc.strerror or exc})") from None

