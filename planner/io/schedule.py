"""Schedule files (``agent_id, date, activity, start, end``) and agent lists (DESIGN.md agents schema)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from forecasts.timefmt import normalise_timestamp
from planner.domain import ACTIVITIES
from planner.errors import PlannerInputError
from planner.io.table import read_table
from planner.labour import DAY_MIN, WEEK_DAYS
from planner.scheduling.demand import Agent


def read_schedule(path: str | Path) -> pd.DataFrame:
    """Read a schedule.csv with validated columns, activities and times (start < end)."""
    path = Path(path)
    df = read_table(path, "schedule")
    need = ["agent_id", "date", "activity", "start", "end"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise PlannerInputError(f"{path}: missing column(s) {', '.join(missing)}")
    df = df[need].copy()
    for col in need:
        df[col] = df[col].astype(str).str.strip()
    bad_act = ~df["activity"].isin(ACTIVITIES)
    if bad_act.any():
        i = int(bad_act.to_numpy().nonzero()[0][0])
        raise PlannerInputError(
            f"{path}: row {i + 2}: activity '{df['activity'].iloc[i]}' is not one of {'|'.join(ACTIVITIES)}"
        )
    for col in ("start", "end"):
        parsed = pd.to_datetime(df[col].map(normalise_timestamp), format="ISO8601", errors="coerce")
        if parsed.isna().any():
            i = int(parsed.isna().to_numpy().nonzero()[0][0])
            raise PlannerInputError(f"{path}: row {i + 2}: {col} '{df[col].iloc[i]}' is not YYYY-MM-DDTHH:MM")
        df[col] = parsed
    dates = pd.to_datetime(df["date"].map(normalise_timestamp), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().nonzero()[0][0])
        raise PlannerInputError(f"{path}: row {i + 2}: date '{df['date'].iloc[i]}' is not YYYY-MM-DD")
    df["date"] = dates
    back = df["end"] <= df["start"]
    if back.any():
        i = int(back.to_numpy().nonzero()[0][0])
        raise PlannerInputError(f"{path}: row {i + 2}: end is not after start")
    return df


def _parse_hhmm(text: str, path: Path, row: int, col: str) -> int:
    try:
        h, m = text.strip().split(":")
        h_i, m_i = int(h), int(m)
    except ValueError:
        raise PlannerInputError(f"{path}: row {row}: {col} '{text}' is not HH:MM") from None
    if not (0 <= h_i <= 24 and 0 <= m_i < 60) or (h_i == 24 and m_i):
        raise PlannerInputError(f"{path}: row {row}: {col} '{text}' is not a time of day")
    return h_i * 60 + m_i


_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}


def read_agents(path: str | Path, week_start: datetime) -> tuple[Agent, ...]:
    """Read AGENTS.csv (DESIGN.md schema); empty optional fields take permissive defaults."""
    path = Path(path)
    df = read_table(path, "agents")
    if "agent_id" not in df.columns:
        raise PlannerInputError(f"{path}: missing column 'agent_id' (have: {', '.join(df.columns)})")
    week_dates = [(week_start + timedelta(days=d)).date() for d in range(WEEK_DAYS)]
    out: list[Agent] = []
    seen: set[str] = set()
    for i, rec in enumerate(df.fillna("").to_dict("records")):
        row = i + 2
        aid = str(rec.get("agent_id", "")).strip()
        if not aid:
            raise PlannerInputError(f"{path}: row {row}: empty agent_id")
        if aid in seen:
            raise PlannerInputError(f"{path}: row {row}: duplicate agent_id '{aid}'")
        seen.add(aid)

        def num(col: str, default: float, lo: float, hi: float, rec=rec, row=row) -> float:
            raw = str(rec.get(col, "")).strip()
            if raw == "":
                return default
            try:
                val = float(raw)
            except ValueError:
                raise PlannerInputError(f"{path}: row {row}: {col} '{raw}' is not a number") from None
            if not (lo <= val <= hi) or math.isnan(val):
                raise PlannerInputError(f"{path}: row {row}: {col} {raw} is outside {lo:g}..{hi:g}")
            return val

        hours = num("contract_hours_week", 40.0, 0.0, 60.0)
        max_days = int(num("max_days_week", 5, 0, 6))
        es = str(rec.get("earliest_start", "")).strip()
        le = str(rec.get("latest_end", "")).strip()
        earliest = _parse_hhmm(es, path, row, "earliest_start") if es else 0
        latest = _parse_hhmm(le, path, row, "latest_end") if le else DAY_MIN
        night_raw = str(rec.get("night_ok", "")).strip().lower()
        if night_raw in _TRUE or night_raw == "":  # empty: no restriction recorded
            night_ok = True
        elif night_raw in _FALSE:
            night_ok = False
        else:
            raise PlannerInputError(f"{path}: row {row}: night_ok '{night_raw}' is not true/false")
        unav: list[int] = []
        for part in str(rec.get("unavailable", "")).replace(",", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            try:
                day = datetime.strptime(part, "%Y-%m-%d").date()
            except ValueError:
                raise PlannerInputError(f"{path}: row {row}: unavailable date '{part}' is not YYYY-MM-DD") from None
            if day in week_dates:
                unav.append(week_dates.index(day))
        skills = tuple(s.strip() for s in str(rec.get("skills", "")).replace(",", ";").split(";") if s.strip())
        out.append(
            Agent(
                agent_id=aid,
                name=str(rec.get("name", "")).strip(),
                skills=skills,
                contract_hours_week=hours,
                max_days_week=max_days,
                earliest_start_min=earliest,
                latest_end_min=latest,
                night_ok=night_ok,
                unavailable_days=tuple(sorted(set(unav))),
                weekend_days_before=int(num("weekend_days_ytd", 0, 0, 1e6)),
                night_shifts_before=int(num("night_shifts_ytd", 0, 0, 1e6)),
            )
        )
    return tuple(out)
