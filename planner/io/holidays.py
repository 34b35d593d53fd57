"""Holiday-override files: ``date, kind[, name]`` rows, kind ``holiday`` or ``workday`` (UTF-8, BOM or GBK)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from planner.calendar import OVERRIDE_KINDS, HolidayOverride
from planner.errors import PlannerInputError
from planner.io.table import read_text


def read_overrides(path: str | Path) -> tuple[HolidayOverride, ...]:
    """Read a holiday-override CSV: columns ``date, kind[, name]``, kind ``holiday`` or ``workday``.

    Raises :class:`PlannerInputError` naming the file and row for any bad line.
    """
    path = Path(path)
    text = read_text(path, "holiday-override")
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(c.strip() for c in rows[0]):
        raise PlannerInputError(f"{path}: empty holiday-override file (need columns date, kind[, name])")
    header = [c.strip().lower() for c in rows[0]]
    for col in ("date", "kind"):
        if col not in header:
            raise PlannerInputError(f"{path}: missing column '{col}' (need date, kind[, name])")
    i_date, i_kind = header.index("date"), header.index("kind")
    i_name = header.index("name") if "name" in header else None
    seen: dict[dt.date, int] = {}
    out = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        where = f"{path} row {lineno}"
        try:
            day = dt.date.fromisoformat(row[i_date].strip())
        except (ValueError, IndexError):
            raise PlannerInputError(f"{where}: date '{_cell(row, i_date)}' is not YYYY-MM-DD") from None
        kind = _cell(row, i_kind).strip().lower()
        if kind not in OVERRIDE_KINDS:
            raise PlannerInputError(f"{where}: kind '{kind}' must be one of {', '.join(OVERRIDE_KINDS)}")
        if day in seen:
            raise PlannerInputError(f"{where}: date {day} repeats row {seen[day]}")
        seen[day] = lineno
        out.append(HolidayOverride(day, kind, _cell(row, i_name).strip() if i_name is not None else ""))
    return tuple(out)


def _cell(row: list[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""
