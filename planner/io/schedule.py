"""Schedule files (``agent_id, date, activity, start, end``) and agent lists (DESIGN.md agents schema)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from forecasts.timefmt import normalise_timestamp
from planner.domain import ACTIVITIES, TIME_FMT, Schedule
from planner.errors import PlannerInputError
from planner.io.table import Source, read_table, source_of
from planner.labour import DAY_MIN, WEEK_DAYS
from planner.scheduling.demand import Agent


def read_schedule(path: Source) -> Schedule:
    """Read a schedule.csv with validated columns, activities and times (start < end); an optional
    ``team`` column is kept (else every row's team is "")."""
    path = source_of(path)
    df = read_table(path, "schedule")
    if df.empty:
        raise PlannerInputError(f"{path}: no schedule rows")
    need = ["agent_id", "date", "activity", "start", "end"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise PlannerInputError(f"{path}: missing column(s) {', '.join(missing)}")
    team = df["team"].astype(str).str.strip() if "team" in df.columns else None
    df = df[need].copy()
    empty = df["agent_id"].astype(str).str.strip() == ""
    if empty.any():
        raise PlannerInputError(f"{path}: row {int(empty.to_numpy().nonzero()[0][0]) + 2}: agent_id is empty")
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
    if team is not None:
        df["team"] = team
    return Schedule.of_rows(df, source=str(path))


def schedule_table(schedule: Schedule) -> pd.DataFrame:
    """A schedule as written (DESIGN.md schema): ``agent_id, date, activity, start, end`` as ISO text, and
    ``team`` when a row names one."""
    df = schedule.frame
    out = pd.DataFrame({
        "agent_id": df["agent_id"],
        "date": df["date"].dt.strftime("%Y-%m-%d"),
        "activity": df["activity"],
        "start": df["start"].dt.strftime(TIME_FMT),
        "end": df["end"].dt.strftime(TIME_FMT),
    })
    if schedule.teams:
        out["team"] = df["team"]
    return out


SHIFT_FIELDS = ("agent_id", "date", "shift_start", "shift_end", "lunch_start", "lunch_end", "team")
SHIFT_REQUIRED = ("agent_id", "date", "shift_start", "shift_end")
SHIFT_ALIASES = {"agent_id": ("agent",), "shift_start": ("start",), "shift_end": ("end",)}


def is_shift_list(path: Source, columns: dict[str, str] | None = None) -> bool:
    """Whether a roster file is a per-agent shift list (no ``activity`` column, or a mapping given)."""
    if columns:
        return True
    head = read_table(path, "schedule")
    return "activity" not in {str(c).strip().lower() for c in head.columns}


def read_shift_list(path: Source, columns: dict[str, str] | None = None) -> Schedule:
    """A per-agent shift list (one row per agent and date: ``agent_id, date, shift_start, shift_end``
    and optionally ``lunch_start, lunch_end, team``) as schedule rows (work, lunch, work).

    ``columns`` maps these names to the file's (``shift_start = "上班时间"``); unmapped names are looked
    up as is, case-insensitively (``agent`` for ``agent_id``, ``start``/``end`` for the shift's times also
    work). Times are ``HH:MM`` on the row's date or full ``YYYY-MM-DDTHH:MM``; a clock-time end at or
    before the start is the next morning (a night shift). Errors name the file, row and field."""
    path = source_of(path)
    df = read_table(path, "shift list")
    if df.empty:
        raise PlannerInputError(f"{path}: no shift rows")
    columns = dict(columns or {})
    stray = [k for k in columns if k not in SHIFT_FIELDS]
    if stray:
        raise PlannerInputError(f"column mapping: '{stray[0]}' is not one of {', '.join(SHIFT_FIELDS)}")
    by_lower = {str(c).strip().lower(): c for c in df.columns}
    found: dict[str, str] = {}
    for name in SHIFT_FIELDS:
        if name in columns:
            col = by_lower.get(columns[name].strip().lower())
            if col is None:
                raise PlannerInputError(
                    f"{path}: column '{columns[name]}' (mapped to {name}) is missing (have: {', '.join(df.columns)})"
                )
            found[name] = col
            continue
        for alias in (name, *SHIFT_ALIASES.get(name, ())):
            if alias in by_lower:
                found[name] = by_lower[alias]
                break
    missing = [n for n in SHIFT_REQUIRED if n not in found]
    if missing:
        raise PlannerInputError(
            f"{path}: missing column '{missing[0]}' (have: {', '.join(df.columns)}; map it with --columns or --column)"
        )
    if ("lunch_start" in found) != ("lunch_end" in found):
        raise PlannerInputError(f"{path}: lunch_start and lunch_end go together")
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        aid = str(rec[found["agent_id"]]).strip()
        if not aid:
            raise PlannerInputError(f"{path}: row {row}: agent_id is empty")
        day_text = str(rec[found["date"]]).strip()
        day = pd.to_datetime(normalise_timestamp(day_text), format="%Y-%m-%d", errors="coerce")
        if pd.isna(day):
            raise PlannerInputError(f"{path}: row {row}: date '{day_text}' is not YYYY-MM-DD")

        def when(name: str, after: pd.Timestamp | None = None, rec=rec, row=row, day=day) -> pd.Timestamp | None:
            text = str(rec[found[name]]).strip() if name in found else ""
            if not text:
                return None
            if ":" in text and len(text) <= 5:
                t = day + pd.Timedelta(minutes=_parse_hhmm(text, path, row, name))
                if after is not None and t <= after:
                    t += pd.Timedelta(days=1)  # clock time past midnight: the next morning
                return t
            t = pd.to_datetime(normalise_timestamp(text), format="ISO8601", errors="coerce")
            if pd.isna(t):
                raise PlannerInputError(f"{path}: row {row}: {name} '{text}' is not HH:MM or YYYY-MM-DDTHH:MM")
            return t

        start = when("shift_start")
        if start is None:
            raise PlannerInputError(f"{path}: row {row}: shift_start is empty")
        end = when("shift_end", start)
        if end is None:
            raise PlannerInputError(f"{path}: row {row}: shift_end is empty")
        if end <= start:
            raise PlannerInputError(f"{path}: row {row}: shift_end is not after shift_start")
        lunch_s = when("lunch_start", start)
        lunch_e = when("lunch_end", lunch_s) if lunch_s is not None else None
        team = str(rec[found["team"]]).strip() if "team" in found else ""
        parts = [("work", start, end)]
        if lunch_s is not None:
            if lunch_e is None or not (start <= lunch_s < lunch_e <= end):
                raise PlannerInputError(f"{path}: row {row}: the lunch is not inside the shift")
            parts = [("work", start, lunch_s), ("lunch", lunch_s, lunch_e), ("work", lunch_e, end)]
        for act, a, b in parts:
            if b > a:
                rows.append({"agent_id": aid, "date": day, "activity": act, "start": a, "end": b, "team": team})
    return Schedule.of_rows(pd.DataFrame(rows), source=str(path))


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
