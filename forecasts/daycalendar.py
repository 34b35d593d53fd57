"""Day types for forecasting: statutory holidays and make-up working days.

Built directly on the ``holidays`` package (``forecasts`` never imports ``planner``). China's
calendar has make-up working days (调休): a weekend date that is worked to pay for a bridged holiday.
The ``holidays`` package names each bridged day "Day off (substituted from MM/DD/YYYY)"; the date in
brackets is the make-up working day, which is how we recover them.

A calendar spec is ``CN`` (default), ``none``, another country code known to ``holidays`` (``IL``,
``US`` ...; statutory days only, no make-up days), or a path to a user file: CSV with a ``date``
column and an optional ``kind`` column (``holiday`` or ``workday``), or one ISO date per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import holidays as holidays_lib

_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


class CalendarError(ValueError):
    """A calendar spec or file that cannot be used (the message names the file, row or field)."""


@dataclass(frozen=True)
class DayCalendar:
    """Holidays (closed or low days) and make-up working days (worked weekend dates)."""

    name: str
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_holiday(self, day: date) -> bool:
        """True on a statutory holiday or a bridged day off."""
        return day in self.holidays

    def is_makeup_workday(self, day: date) -> bool:
        """True on a weekend date that is worked (China's 调休 make-up day)."""
        return day in self.workdays


NO_HOLIDAYS = DayCalendar("none", frozenset(), frozenset())


def china_calendar(years: range | list[int]) -> DayCalendar:
    """Chinese statutory holidays, bridged days off, and make-up working days for ``years``."""
    cn = holidays_lib.China(years=list(years), categories=("public",))
    days_off = frozenset(cn.keys())
    workdays = set()
    for name in cn.values():
        for part in str(name).split(";"):
            match = _SUBSTITUTED.search(part)
            if match:
                month, day, year = (int(g) for g in match.groups())
                workdays.add(date(year, month, day))
    return DayCalendar("CN", days_off, frozenset(workdays - days_off))


def _read_user_file(path: Path) -> DayCalendar:
    """A user holiday file: CSV ``date[,kind]`` or one ISO date per line (``#`` starts a comment)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CalendarError(f"{path}: cannot read holiday file ({exc.strerror or exc})") from None
    if b"\x00" in raw[:4096]:
        raise CalendarError(f"{path}: not a text file (binary data); save the holiday list as UTF-8 CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # Excel on Chinese Windows
        except UnicodeDecodeError:
            raise CalendarError(f"{path}: not UTF-8 or GBK text; save the holiday list as UTF-8 CSV") from None
    off: set[date] = set()
    work: set[date] = set()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        if lineno == 1 and fields[0].lower() == "date":
            continue
        try:
            day = date.fromisoformat(fields[0])
        except ValueError:
            raise CalendarError(f"{path}: row {lineno}, field 'date': cannot parse {fields[0]!r}") from None
        kind = fields[1].lower() if len(fields) > 1 and fields[1] else "holiday"
        if kind == "holiday":
            off.add(day)
        elif kind == "workday":
            work.add(day)
        else:
            raise CalendarError(
                f"{path}: row {lineno}, field 'kind': {fields[1]!r} is not 'holiday' or 'workday'"
            )
    return DayCalendar(path.name, frozenset(off), frozenset(work - off))


def load_calendar(spec: str | None, years: range | list[int]) -> DayCalendar:
    """The calendar for ``spec`` (``CN``, ``none``, a country code, or a holiday file path)."""
    if spec is None or spec.upper() == "CN":
        return china_calendar(years)
    if spec.lower() == "none":
        return NO_HOLIDAYS
    path = Path(spec)
    if path.suffix or path.exists():
        if not path.is_file():
            raise CalendarError(f"{spec}: holiday file not found")
        return _read_user_file(path)
    code = spec.upper()
    if code in holidays_lib.list_supported_countries():
        country = holidays_lib.country_holidays(code, years=list(years))
        return DayCalendar(code, frozenset(country.keys()), frozenset())
    raise CalendarError(f"holidays {spec!r}: not CN, none, a known country code, or an existing file")
