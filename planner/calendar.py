"""Chinese working calendar, coverage windows and working-time arithmetic.

Time-zone policy (after pvlib): every instant here is a *naive local wall-clock* ``datetime`` in the
site's zone (the scenario's ``timezone``, default ``Asia/Shanghai``). Localise at the file boundary,
compute in wall-clock time. Asia/Shanghai has no daylight saving, so wall-clock durations are real
durations; in a zone with DST a 7x24 day that changes clocks is counted as 24 h (documented limit).

Calendar sources
    * Statutory holidays and make-up working days (调休) come from the ``holidays`` package
      (``holidays.China``, which encodes the State Council's annual notices, e.g. 国办发明电〔2025〕7号
      for 2026). ``chinesecalendar`` is used as an independent cross-check in the tests.
    * A year for which the library has no official arrangement yet (no make-up days published) gets a
      :class:`CalendarWarning`: its holidays are then the library's rule-based estimate and make-up days
      are missing until the user adds them with a holiday-override CSV (:func:`read_overrides`).

Coverage windows (:class:`CoverageWindow`)
    * ``7x24``: always open (全年无休), holidays do not close it.
    * ``weekday``: Mon-Fri ``open``-``close`` (default 09:00-18:00), closed on statutory holidays, open
      on make-up working days (configurable).
    * ``custom``: opening hours per weekday, closed on holiday-period days unless told otherwise,
      make-up days open with ``makeup_hours`` (default: Monday's hours).

A *holiday period* is the official run of days off (e.g. 2026-02-15 .. 2026-02-23 for the Spring
Festival): every maximal run of consecutive non-working days that contains a listed statutory day.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.errors import PlannerInputError

WINDOW_KINDS = ("7x24", "weekday", "custom")
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OVERRIDE_KINDS = ("holiday", "workday")
_DAY = dt.timedelta(days=1)
_MAX_SEARCH_DAYS = 3 * 366  # a window that never opens in three years is an input error


MAX_WORKING_HOURS = 10 * 366 * 24  # a deadline beyond ten years is a typo, not a contract term


class CalendarWarning(UserWarning):
    """The calendar for a planning year is not (fully) published yet."""


# --------------------------------------------------------------------------------------------
# Holidays and make-up working days
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _library_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], dict[dt.date, str], bool]:
    """(days off, make-up working days, names, published?) for one year from ``holidays.China``."""
    import holidays  # imported lazily: only calendar users pay for it

    cn = holidays.China(years=year, language="en_US")
    # a make-up day can belong to the next year's notice (e.g. Sat 2007-12-29 for New Year 2008)
    nxt = holidays.China(years=year + 1, language="en_US")
    days_off = frozenset(d for d in cn if d.year == year)
    makeup = frozenset(
        d for c in (cn, nxt) for d in getattr(c, "weekend_workdays", ()) if d.year == year and d.weekday() >= 5
    )
    names = {d: str(cn[d]) for d in days_off}
    substituted = any("substitut" in n.lower() for n in names.values())
    return days_off, makeup, names, bool(makeup) or substituted


@dataclass(frozen=True)
class HolidayOverride:
    """One user correction: ``kind`` is ``holiday`` (a statutory day off) or ``workday`` (make-up day)."""

    date: dt.date
    kind: str
    name: str = ""


@dataclass(frozen=True)
class ChineseCalendar:
    """Mainland China's official working calendar, optionally corrected by user overrides.

    ``is_working_day(d)``: Mon-Fri unless a statutory day off, or a weekend make-up day (调休上班).
    Overrides win over the library for their dates.
    """

    overrides: tuple[HolidayOverride, ...] = ()
    _by_date: dict[dt.date, HolidayOverride] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_date", {o.date: o for o in self.overrides})

    def is_statutory_day_off(self, day: dt.date) -> bool:
        """A day the notice lists as off (holiday or substituted rest day), not an ordinary weekend."""
        if day in self._by_date:
            return self._by_date[day].kind == "holiday"
        return day in _library_year(day.year)[0]

    def is_makeup_day(self, day: dt.date) -> bool:
        """A weekend day worked to make up for a bridge day (调休上班)."""
        if day in self._by_date:
            return self._by_date[day].kind == "workday" and day.weekday() >= 5
        return day in _library_year(day.year)[1]

    def is_working_day(self, day: dt.date) -> bool:
        """Official working day: a weekday not off, or a make-up weekend day."""
        if day in self._by_date:
            return self._by_date[day].kind == "workday"
        if day.weekday() >= 5:
            return self.is_makeup_day(day)
        return not self.is_statutory_day_off(day)

    def is_statutory_holiday(self, day: dt.date) -> bool:
        """A day the holiday law itself names (全国年节及纪念日放假办法 art. 2: 13 days a year from 2025, 11
        before), on which work is paid at 300 % (Labour Law art. 44(3)). The bridged rest days of a holiday
        period (substituted or observed days) are rest days, not statutory holidays. The dates come from the
        ``holidays`` package; an override can only take a day away (a ``workday``), not make one statutory.
        """
        if day in self._by_date and self._by_date[day].kind == "workday":
            return False
        name = _library_year(day.year)[2].get(day, "").lower()
        return bool(name) and "substitut" not in name and "observed" not in name

    def is_holiday_period(self, day: dt.date) -> bool:
        """Inside the official run of days off around a statutory holiday (weekends included)."""
        if self.is_working_day(day):
            return False
        for step in (_DAY, -_DAY):
            d = day
            while not self.is_working_day(d):
                if self.is_statutory_day_off(d):
                    return True
                d += step
        return False

    def is_atypical(self, day: dt.date) -> bool:
        """Not an ordinary day: a statutory holiday, a day of a holiday's run of days off, or a make-up day."""
        return self.is_holiday_period(day) or self.is_statutory_holiday(day) or self.is_makeup_day(day)

    def holiday_name(self, day: dt.date) -> str:
        """The name of a statutory day off ('' otherwise)."""
        if day in self._by_date:
            return self._by_date[day].name or self._by_date[day].kind
        return _library_year(day.year)[2].get(day, "")

    def warnings_for(self, years: Iterable[int]) -> tuple[str, ...]:
        """One message per year whose make-up working days are not published (and not overridden)."""
        out = []
        for year in sorted(set(years)):
            if _library_year(year)[3] or any(o.date.year == year for o in self.overrides):
                continue
            out.append(
                f"calendar: no official {year} holiday arrangement (make-up working days, 调休) is "
                f"published in the installed 'holidays' package; {year} holidays are estimated and "
                "make-up days are missing: update 'holidays' or add a holiday-override CSV"
            )
        return tuple(out)

    def warn_for(self, years: Iterable[int]) -> tuple[str, ...]:
        """Like :meth:`warnings_for`, and also issues each message as a :class:`CalendarWarning`."""
        msgs = self.warnings_for(years)
        for m in msgs:
            warnings.warn(m, CalendarWarning, stacklevel=2)
        return msgs


# --------------------------------------------------------------------------------------------
# Coverage windows
# --------------------------------------------------------------------------------------------


def typical_week_start(
    start: dt.date, weeks: int, calendar: ChineseCalendar, search_weeks: int = 26
) -> dt.date | None:
    """The Monday of the first Monday-Sunday week after the horizon (``start``, ``weeks``) without an
    atypical day (:meth:`ChineseCalendar.is_atypical`), else the last such week before it (within
    ``search_weeks``); None if none."""
    end = start + dt.timedelta(days=7 * weeks)
    first = end + dt.timedelta(days=(7 - end.weekday()) % 7)
    last = start - dt.timedelta(days=start.weekday() + 7)
    for monday in [first + dt.timedelta(weeks=k) for k in range(search_weeks)] + [
            last - dt.timedelta(weeks=k) for k in range(search_weeks)]:
        if not any(calendar.is_atypical(monday + dt.timedelta(days=i)) for i in range(7)):
            return monday
    return None


def parse_clock(text: str, field_name: str) -> int:
    """'HH:MM' -> minutes after midnight; '24:00' allowed as a closing time."""
    try:
        hh, mm = str(text).strip().split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise PlannerInputError(f"{field_name}: '{text}' is not a time HH:MM") from None
    if not (0 <= m < 60 and (0 <= h < 24 or (h == 24 and m == 0))):
        raise PlannerInputError(f"{field_name}: '{text}' is not a time between 00:00 and 24:00")
    return 60 * h + m


def parse_span(text: str, field_name: str) -> tuple[int, int] | None:
    """'09:00-18:00' -> (540, 1080); 'closed' or '' -> None. Closing must be after opening."""
    s = str(text).strip().lower()
    if s in ("", "closed", "off", "-"):
        return None
    if "-" not in s:
        raise PlannerInputError(f"{field_name}: '{text}' is not a span HH:MM-HH:MM or 'closed'")
    a, b = s.split("-", 1)
    return _checked_span(parse_clock(a, field_name), parse_clock(b, field_name), field_name, text)


def _checked_span(open_min: int, close_min: int, field_name: str, text: str) -> tuple[int, int]:
    if close_min <= open_min:
        raise PlannerInputError(
            f"{field_name}: window closes before it opens ('{text}'); overnight hours are not supported, "
            "use 7x24 or split the day"
        )
    return open_min, close_min


@dataclass(frozen=True)
class CoverageWindow:
    """When a channel is staffed. Spans are (open_min, close_min) minutes after local midnight.

    Build with :func:`window_7x24`, :func:`weekday_window` or :func:`custom_window`.
    """

    kind: str
    hours: tuple[tuple[int, int] | None, ...]  # Mon..Sun
    holidays_closed: bool = True
    makeup_days_open: bool = True
    makeup_hours: tuple[int, int] | None = None

    def spans(self, day: dt.date, calendar: ChineseCalendar) -> tuple[tuple[int, int], ...]:
        """Open spans of one local date."""
        if self.kind == "7x24":
            return ((0, 1440),)
        if self.kind == "weekday":
            working = calendar.is_working_day(day)
            if working and (day.weekday() < 5 or self.makeup_days_open):
                return (self.makeup_hours or self.hours[0],)  # type: ignore[return-value]
            return ()
        # custom
        if self.makeup_days_open and calendar.is_makeup_day(day):
            span = self.makeup_hours or self.hours[0] or self.hours[day.weekday()]
            return (span,) if span else ()
        # (a make-up day that is not worked keeps its ordinary weekday hours)
        if self.holidays_closed and (calendar.is_holiday_period(day) or calendar.is_statutory_day_off(day)):
            return ()
        span = self.hours[day.weekday()]
        return (span,) if span else ()

    def is_open(self, instant: dt.datetime, calendar: ChineseCalendar) -> bool:
        """Is the window open at this local instant (spans are half-open)?"""
        minute = instant.hour * 60 + instant.minute + instant.second / 60 + instant.microsecond / 6e7
        return any(a <= minute < b for a, b in self.spans(instant.date(), calendar))

    def describe(self) -> str:
        """Short human description, e.g. 'weekday 09:00-18:00'."""
        if self.kind == "7x24":
            return "7x24"
        if self.kind == "weekday":
            return f"weekday {_fmt_span(self.hours[0])}"
        return "custom " + ", ".join(f"{k} {_fmt_span(s)}" for k, s in zip(WEEKDAY_KEYS, self.hours, strict=True))


def _fmt_span(span: tuple[int, int] | None) -> str:
    if span is None:
        return "closed"
    return f"{span[0] // 60:02d}:{span[0] % 60:02d}-{span[1] // 60:02d}:{span[1] % 60:02d}"


def window_7x24() -> CoverageWindow:
    """Always open, holidays included (全年无休)."""
    return CoverageWindow("7x24", ((0, 1440),) * 7, holidays_closed=False)


def weekday_window(open_: str = "09:00", close: str = "18:00", *, makeup_days_open: bool = True) -> CoverageWindow:
    """Mon-Fri ``open``-``close``, closed on statutory holidays, open on make-up days by default."""
    span = _checked_span(parse_clock(open_, "open"), parse_clock(close, "close"), "close", f"{open_}-{close}")
    return CoverageWindow("weekday", (span,) * 5 + (None, None), True, makeup_days_open, None)


def custom_window(
    hours: dict[str, str],
    *,
    holidays_closed: bool = True,
    makeup_days_open: bool = True,
    makeup_hours: str | None = None,
) -> CoverageWindow:
    """Opening hours per weekday: ``{"mon": "09:00-18:00", ..., "sat": "10:00-16:00"}``.

    Missing weekdays are closed. Make-up days use ``makeup_hours`` (default Monday's hours).
    """
    unknown = set(hours) - set(WEEKDAY_KEYS)
    if unknown:
        raise PlannerInputError(f"hours: unknown weekday '{sorted(unknown)[0]}' (use {', '.join(WEEKDAY_KEYS)})")
    spans = tuple(parse_span(hours.get(k, "closed"), f"hours.{k}") for k in WEEKDAY_KEYS)
    if all(s is None for s in spans):
        raise PlannerInputError("hours: the custom window is closed every day")
    mk = parse_span(makeup_hours, "makeup_hours") if makeup_hours else None
    return CoverageWindow("custom", spans, holidays_closed, makeup_days_open, mk)


# --------------------------------------------------------------------------------------------
# Working-time arithmetic
# --------------------------------------------------------------------------------------------


def _open_intervals(
    start: dt.datetime, window: CoverageWindow, calendar: ChineseCalendar
) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    """Open wall-clock intervals from ``start`` on, in order, clipped to begin at ``start``."""
    day = start.date()
    closed_run = 0
    while True:
        midnight = dt.datetime.combine(day, dt.time())
        spans = window.spans(day, calendar)
        closed_run = 0 if spans else closed_run + 1
        if closed_run > _MAX_SEARCH_DAYS:
            raise PlannerInputError(f"window {window.describe()} does not open within three years of {start}")
        for a, b in spans:
            lo = midnight + dt.timedelta(minutes=a)
            hi = midnight + dt.timedelta(minutes=b)
            if hi <= start:
                continue
            yield max(lo, start), hi
        day += _DAY


def due(
    start: dt.datetime,
    working_hours: float,
    window: CoverageWindow | None = None,
    calendar: ChineseCalendar | None = None,
) -> dt.datetime:
    """The earliest instant by which ``working_hours`` [h] of the window's open time have elapsed.

    Counting starts at ``start`` (or at the next opening if closed then). Zero hours -> ``start``.
    A deadline that falls exactly on a closing time is that closing time (not the next opening).
    Example: Fri 2026-02-13T16:00 + 4 h, weekday 09-18 -> 2026-02-14T11:00 (make-up Saturday).
    Defaults: the weekday 09:00-18:00 window and the official calendar without overrides.
    """
    if not (isinstance(working_hours, int | float) and math.isfinite(working_hours)) or working_hours < 0:
        raise PlannerInputError(f"working_hours: {working_hours} must be a finite number >= 0")
    if working_hours > MAX_WORKING_HOURS:
        raise PlannerInputError(
            f"working_hours: {working_hours:g} h is more than {MAX_WORKING_HOURS:g} h (ten years of 7x24 service)"
        )
    calendar = calendar or ChineseCalendar()
    window = window or weekday_window()
    remaining = dt.timedelta(hours=working_hours)
    if remaining == dt.timedelta(0):
        return start
    for lo, hi in _open_intervals(start, window, calendar):
        length = hi - lo
        if remaining <= length:
            return lo + remaining
        remaining -= length
    raise AssertionError("unreachable")  # pragma: no cover


def working_seconds_between(
    start: dt.datetime,
    end: dt.datetime,
    window: CoverageWindow | None = None,
    calendar: ChineseCalendar | None = None,
) -> float:
    """Open time of the window in [start, end) in seconds (negative if ``end`` precedes ``start``)."""
    if end < start:
        return -working_seconds_between(end, start, window, calendar)
    calendar = calendar or ChineseCalendar()
    window = window or weekday_window()
    total = 0.0
    day = start.date()
    while day <= end.date():
        midnight = dt.datetime.combine(day, dt.time())
        for a, b in window.spans(day, calendar):
            lo = max(start, midnight + dt.timedelta(minutes=a))
            hi = min(end, midnight + dt.timedelta(minutes=b))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += _DAY
    return total


def elapsed_working_hours(
    start: dt.datetime,
    end: dt.datetime,
    window: CoverageWindow | None = None,
    calendar: ChineseCalendar | None = None,
) -> float:
    """Working time of the window between two instants, in hours (inverse of :func:`due`)."""
    return working_seconds_between(start, end, window, calendar) / 3600.0


def format_instant(instant: dt.datetime) -> str:
    """ISO local time, minutes precision unless seconds are present: '2026-02-14T11:00'."""
    if instant.second or instant.microsecond:
        return instant.isoformat(timespec="seconds")
    return instant.isoformat(timespec="minutes")


def parse_instant(text: str, field_name: str, tz: str | None = None) -> dt.datetime:
    """Parse a local time (ISO 8601 or an Excel form such as ``2026/3/16 9:30``, see
    :mod:`forecasts.timefmt`); an explicit UTC offset is converted to the site zone ``tz``."""
    from forecasts.timefmt import normalise_timestamp

    try:
        value = dt.datetime.fromisoformat(normalise_timestamp(str(text)))
    except ValueError:
        raise PlannerInputError(f"{field_name}: '{text}' is not an ISO date-time like 2026-02-13T16:00") from None
    if value.tzinfo is not None:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo(tz or "Asia/Shanghai")).replace(tzinfo=None)
    return value
