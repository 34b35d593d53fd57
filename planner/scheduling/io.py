"""File boundary of the scheduler: read requirements and agents, write schedule and coverage CSVs.

Requirements (DESIGN.md): ``interval_start, channel, required`` (+ optional columns, ignored here).
``required`` is productive agents; the scheduled head count per interval must reach
``ceil(required / (1 - shrinkage))`` (ceiling per interval: whole people sit at desks). Several channels
are summed per interval into one single-skill requirement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import PlannerInputError
from planner.shifts import DAY_MIN, WEEK_DAYS

TIME_FMT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class WeekDemand:
    """One cyclic week of per-interval scheduled-agent needs.

    week_start: local midnight of day 0. interval_min [min]. required: productive agents per interval
    (as read, summed over channels); need: agents to schedule per interval after shrinkage (integers).
    """

    week_start: datetime
    interval_min: int
    required: tuple[float, ...]
    need: tuple[int, ...]
    shrinkage: float
    channels: tuple[str, ...]

    @property
    def n_slots(self) -> int:
        return len(self.need)

    def slot_start(self, slot: int) -> datetime:
        return self.week_start + timedelta(minutes=slot * self.interval_min)


def need_after_shrinkage(required: np.ndarray, shrinkage: float) -> np.ndarray:
    """Scheduled agents per interval: ceil(required / (1 - shrinkage)), with a 1e-9 guard on the ceiling."""
    return np.ceil(required / (1.0 - shrinkage) - 1e-9).astype(int)


def _read_table(path: Path, what: str) -> pd.DataFrame:
    if not path.exists():
        raise PlannerInputError(f"{path}: {what} file not found")
    try:
        if path.suffix.lower() == ".xlsx":
            df = pd.read_excel(path, dtype=str)
        else:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise PlannerInputError(f"{path}: the {what} file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise PlannerInputError(f"{path}: cannot read the {what} file ({str(exc).splitlines()[0]})") from None
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise PlannerInputError(f"{path}: the {what} file has no data rows")
    return df


def read_requirements(
    path: str | Path, shrinkage: float = 0.0, channels: tuple[str, ...] | None = None
) -> WeekDemand:
    """Read a requirements CSV into one cyclic week (exactly 7 days from a midnight, no gaps).

    ``channels``: keep only these channels' rows (one team's demand, e.g. ``("chat", "email")``);
    ``None`` keeps every channel (all summed into one single-skill requirement).
    """
    path = Path(path)
    if not 0.0 <= shrinkage < 1.0:
        raise PlannerInputError(f"--shrinkage {shrinkage} must be in [0, 1)")
    df = _read_table(path, "requirements")
    for col in ("interval_start", "required"):
        if col not in df.columns:
            raise PlannerInputError(f"{path}: missing column '{col}' (have: {', '.join(df.columns)})")
    if "channel" not in df.columns:
        df["channel"] = "voice"
    stamps = pd.to_datetime(df["interval_start"].str.strip(), format="%Y-%m-%dT%H:%M", errors="coerce")
    bad = stamps.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise PlannerInputError(
            f"{path}: row {i + 2}: interval_start '{df['interval_start'].iloc[i]}' is not YYYY-MM-DDTHH:MM"
        )
    req = pd.to_numeric(df["required"].str.strip(), errors="coerce")
    badv = req.isna() | ~np.isfinite(req) | (req < 0)
    if badv.any():
        i = int(np.flatnonzero(badv.to_numpy())[0])
        raise PlannerInputError(
            f"{path}: row {i + 2}: required '{df['required'].iloc[i]}' must be a number >= 0"
        )
    df = pd.DataFrame(
        {"t": stamps, "channel": df["channel"].str.strip().replace("", "voice"), "required": req}
    )
    dup = df.duplicated(["t", "channel"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise PlannerInputError(
            f"{path}: row {i + 2}: duplicate interval {df['t'].iloc[i]:%Y-%m-%dT%H:%M} for channel "
            f"'{df['channel'].iloc[i]}'"
        )
    if channels is not None:
        present = set(df["channel"])
        absent = [c for c in channels if c not in present]
        if absent:
            raise PlannerInputError(
                f"{path}: no rows for channel '{absent[0]}' (channels: {', '.join(sorted(present))})"
            )
        df = df[df["channel"].isin(channels)].reset_index(drop=True)
    per = df.groupby("t")["required"].sum().sort_index()
    times = per.index
    if len(times) < 2:
        raise PlannerInputError(f"{path}: need at least two intervals to infer the interval length")
    steps = ((times[1:] - times[:-1]) / pd.Timedelta(minutes=1)).to_numpy()
    interval_min = int(steps.min())
    if interval_min != steps.min() or interval_min <= 0 or DAY_MIN % interval_min or interval_min > 60:
        raise PlannerInputError(f"{path}: interval length {interval_min} min must divide an hour")
    if (steps != interval_min).any():
        j = int(np.flatnonzero(steps != interval_min)[0])
        raise PlannerInputError(
            f"{path}: gap after {times[j]:%Y-%m-%dT%H:%M} (next {times[j + 1]:%Y-%m-%dT%H:%M}): "
            f"the week must list every {interval_min}-min interval (put 0 where closed)"
        )
    first = times[0].to_pydatetime()
    if first.time() != time(0, 0):
        raise PlannerInputError(
            f"{path}: the week must start at 00:00 (first interval {first:%Y-%m-%dT%H:%M})"
        )
    n_slots = WEEK_DAYS * DAY_MIN // interval_min
    if len(times) != n_slots:
        raise PlannerInputError(
            f"{path}: {len(times)} intervals of {interval_min} min; a weekly roster needs exactly one week "
            f"({n_slots} intervals from {first:%Y-%m-%d} 00:00)"
        )
    required = per.to_numpy(dtype=float)
    if required.sum() <= 0:
        raise PlannerInputError(f"{path}: every interval requires 0 agents: nothing to schedule")
    need = need_after_shrinkage(required, shrinkage)
    return WeekDemand(
        week_start=first,
        interval_min=interval_min,
        required=tuple(float(x) for x in required),
        need=tuple(int(x) for x in need),
        shrinkage=shrinkage,
        channels=tuple(sorted(df["channel"].unique())),
    )


@dataclass(frozen=True)
class Agent:
    """A named agent (DESIGN.md agents schema). Times [min after midnight]; unavailable: day indexes.

    weekend_days_before / night_shifts_before: optional duty counters from earlier weeks (columns
    ``weekend_days_ytd``, ``night_shifts_ytd``) used to share weekend and night duty fairly.
    """

    agent_id: str
    name: str
    skills: tuple[str, ...]
    contract_hours_week: float
    max_days_week: int
    earliest_start_min: int
    latest_end_min: int
    night_ok: bool
    unavailable_days: tuple[int, ...]
    weekend_days_before: int = 0
    night_shifts_before: int = 0


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
    df = _read_table(path, "agents")
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
                raise PlannerInputError(
                    f"{path}: row {row}: unavailable date '{part}' is not YYYY-MM-DD"
                ) from None
            if day in week_dates:
                unav.append(week_dates.index(day))
        skills = tuple(
            s.strip() for s in str(rec.get("skills", "")).replace(",", ";").split(";") if s.strip()
        )
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


def fmt_time(t: datetime) -> str:
    return t.strftime(TIME_FMT)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)
