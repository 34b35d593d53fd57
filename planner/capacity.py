"""Team size month by month over a contract term: the requirement in FTE, the supply of agents, and the
words that explain a hiring plan (the plan itself is :mod:`planner.hiring`'s MIP).

Pure engine: frozen dataclasses in, frozen dataclasses and frames out; no file, no scenario, no pipeline.
The pipeline layer (:mod:`planner.capacity_plan`) measures the inputs on a real plan.

Requirement of month m (docs/capacity.md has the sources):

* Volume. ``volume_c,m = base_c x seasonal[calendar month] x (1 + growth_year)^(k/12) x peaks x FCR``, k the
  months since the start; ``base_c`` is the plan's forecast of channel c scaled to a month (365.25/12 days)
  or ``[capacity.volume] monthly``. FCR: every unresolved first contact comes back, and a repeat is
  resolved at the same rate f, so an issue makes 1 + (1 - f) + (1 - f)^2 + ... = 1 / f contacts (a
  geometric series); history holds the repeats of its baseline f0, so volume scales by f0 / f1.
* Hours. The same staffing engine as the plan (Erlang C/A, chat, email backlog; targets, coverage window)
  is run on the horizon's interval forecast scaled by the month's factor -- Erlang is not linear, so the
  hours are never scaled linearly -- giving required productive agent-hours a day by day type (each
  weekday of ordinary days; make-up working days like the mean working day). Days of the month are then
  counted on the Chinese calendar through each channel's window: a weekday contract is closed on
  statutory holidays and open on make-up days; 7x24 is open every day. The staffing runs on a grid of
  factors (:data:`FACTOR_STEP`) and the hours are interpolated linearly between grid points.
* FTE. ``FTE_m = R_m / (e x (1 - s_m) x 174 h)``: R_m required productive hours, 174 h the paid hours of a
  full-time month (21.75 days x 8 h, 劳社部发〔2008〕3号), s_m the month's shrinkage (share of paid time
  off the job: annual leave, sick leave, training, meetings), and e the schedule efficiency measured on the
  plan's real rosters, ``e = R / (P x (1 - s))`` with P their paid hours and s the scenario's shrinkage (the
  rosters schedule ``ceil(required / (1 - s))`` per interval, so ``P (1 - s) >= R`` and e <= 1 carries the
  roster's own slack -- whole shifts against a curve -- into every month). On the plan's own horizon and
  shrinkage, FTE = P / 174: the rosters' paid time.
* Holiday premium. Paid hours on statutory holidays (``R_d / (e (1 - s_m))`` on each statutory holiday d
  with the window open) at 300 % of the hourly base (Labour Law art. 44(3), as :mod:`planner.costing`).

Supply: the starting headcount decays at the tenured attrition rate; a class started in month t trains for
``lead_time_months`` (paid, not on the floor), then works at ``ramp[k]`` of full productivity in its k-th
month on the floor, then 1; a hire survives each month of tenure j with 1 - the new-hire rate while j <
``new_hire_months`` (training counted), then 1 - the tenured rate. Headcount is counted at the start of a
month; leavers work out their month (30 days' notice, Labour Contract Law art. 37).
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from planner.calendar import ChineseCalendar, CoverageWindow
from planner.domain import CapacityTerms, Requirements, VolumeTerms
from planner.errors import PlannerInputError
from planner.labour import OVERTIME_HOLIDAY_MULTIPLE, PAID_HOURS_PER_MONTH

FACTOR_STEP = 0.05  # staffing grid of volume factors; hours in between are interpolated linearly


def month_starts(start: date, months: int) -> list[date]:
    """The first day of each month of the term from ``start``'s month."""
    y, m = start.year, start.month
    out = []
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_days(first_day: date) -> list[date]:
    n = month_calendar.monthrange(first_day.year, first_day.month)[1]
    return [first_day + timedelta(days=i) for i in range(n)]


# --------------------------------------------------------------------------------------------
# Volume
# --------------------------------------------------------------------------------------------


def fcr_factor(baseline: float, target: float) -> float:
    """Volume at FCR ``target`` over volume at ``baseline``: an issue makes 1/f contacts (every unresolved
    contact comes back, repeats resolved at the same rate), so the factor is baseline / target."""
    return baseline / target


def season_factor(terms: VolumeTerms, first_day: date) -> tuple[float, tuple[str, ...]]:
    """The month's seasonal factor times its promotion peaks, and the peaks' names."""
    f = terms.seasonal[first_day.month - 1]
    names = []
    for p in terms.peaks:
        if p.applies(first_day):
            f *= p.factor
            names.append(p.name)
    return f, tuple(names)


def volume_factor(terms: VolumeTerms, first_day: date, k: int) -> tuple[float, tuple[str, ...]]:
    """Month ``k`` of the term's volume over the base, and the names of the peaks in it."""
    f, names = season_factor(terms, first_day)
    f *= (1.0 + terms.growth_year) ** (k / 12)
    if terms.fcr is not None and terms.fcr_target is not None:
        f *= fcr_factor(terms.fcr, terms.fcr_target)
    return f, names


# --------------------------------------------------------------------------------------------
# Hours a day by day type, and a month's hours on the calendar
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayProfile:
    """One channel's required productive agent-hours a day: ``weekday`` Mon..Sun of ordinary days, and
    ``makeup`` for a make-up working day (the mean of the ordinary Mon-Fri)."""

    weekday: tuple[float, ...]
    makeup: float

    def hours(self, day: date, calendar: ChineseCalendar) -> float:
        return self.makeup if calendar.is_makeup_day(day) else self.weekday[day.weekday()]


def day_profiles(requirements: Requirements, interval_min: int, calendar: ChineseCalendar) -> dict[str, DayProfile]:
    """Each channel's :class:`DayProfile` from per-interval requirements (productive agents). Ordinary days
    are those neither in a holiday period nor make-up days; a weekday the horizon has no ordinary day of takes
    the mean of the ordinary days of its kind (Mon-Fri or Sat-Sun), else of all ordinary days."""
    out = {}
    req = requirements.frame.assign(day=requirements.frame["interval_start"].dt.date)
    for ch, rows in req.groupby("channel", sort=False):
        by_day = (rows.groupby("day")["required"].sum() * interval_min / 60).to_dict()
        ordinary = {d: h for d, h in by_day.items()
                    if not calendar.is_holiday_period(d) and not calendar.is_makeup_day(d)}
        if not ordinary:
            ordinary = by_day
        means = {}
        for wd in range(7):
            xs = [h for d, h in ordinary.items() if d.weekday() == wd]
            kind = [h for d, h in ordinary.items() if (d.weekday() < 5) == (wd < 5)]
            pool = xs or kind or list(ordinary.values()) or [0.0]
            means[wd] = float(np.mean(pool))
        work = [h for d, h in ordinary.items() if d.weekday() < 5]
        makeup = float(np.mean(work)) if work else float(np.mean([means[i] for i in range(5)]))
        out[str(ch)] = DayProfile(tuple(means[i] for i in range(7)), makeup)
    return out


def factor_grid(factors: Sequence[float], step: float = FACTOR_STEP) -> list[float]:
    """Grid points (multiples of ``step``) spanning ``factors``: the staffing runs once on each."""
    lo = np.floor(min(factors) / step - 1e-9)
    hi = np.ceil(max(factors) / step + 1e-9)
    return [round(float(k * step), 10) for k in np.arange(max(lo, 1), max(hi, 1) + 1)]


def interpolate(grid: Mapping[float, Mapping[str, DayProfile]], f: float) -> dict[str, DayProfile]:
    """The channels' day profiles at factor ``f``, linear between the two grid points around it."""
    xs = sorted(grid)
    if f <= xs[0]:
        return dict(grid[xs[0]])
    if f >= xs[-1]:
        return dict(grid[xs[-1]])
    i = int(np.searchsorted(xs, f))
    a, b = xs[i - 1], xs[i]
    w = (f - a) / (b - a)
    out = {}
    for ch in grid[a]:
        pa, pb = grid[a][ch], grid[b][ch]
        out[ch] = DayProfile(
            tuple((1 - w) * x + w * y for x, y in zip(pa.weekday, pb.weekday, strict=True)),
            (1 - w) * pa.makeup + w * pb.makeup,
        )
    return out


@dataclass(frozen=True)
class MonthHours:
    """A month's required productive agent-hours on the calendar, those on statutory holidays, and the
    statutory holidays with a window open."""

    required_h: float
    holiday_required_h: float
    holidays: tuple[date, ...]


def month_hours(
    profiles: Mapping[str, DayProfile],
    first_day: date,
    calendar: ChineseCalendar,
    windows: Mapping[str, CoverageWindow],
) -> MonthHours:
    """Sum each channel's day hours over the month's days on which its window is open."""
    total = holiday = 0.0
    holidays = []
    for d in month_days(first_day):
        statutory = calendar.is_statutory_holiday(d)
        day = sum(p.hours(d, calendar) for ch, p in profiles.items() if windows[ch].spans(d, calendar))
        total += day
        if statutory and day > 0:
            holiday += day
            holidays.append(d)
    return MonthHours(total, holiday, tuple(holidays))


# --------------------------------------------------------------------------------------------
# The requirement by month
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthNeed:
    """One month's requirement: volume per channel, required productive hours, shrinkage, FTE, the paid
    hours on statutory holidays and their premium (fen)."""

    month: date
    factor: float
    peaks: tuple[str, ...]
    volume: dict[str, float]
    required_h: float
    shrinkage: float
    required_fte: float
    holiday_paid_h: float
    holiday_premium_fen: float
    holidays: tuple[date, ...]


def requirement_by_month(
    terms: CapacityTerms,
    start: date,
    *,
    base_volume: Mapping[str, float],
    profile_at: Callable[[float], Mapping[str, DayProfile]],
    calendar: ChineseCalendar,
    windows: Mapping[str, CoverageWindow],
    efficiency: float,
    shrinkage: float,
    hourly_fen: float,
) -> tuple[MonthNeed, ...]:
    """The term's months (module docstring). ``base_volume``: contacts a month per channel at factor 1;
    ``profile_at(f)``: the channels' day profiles at volume factor f (the staffing engine's hours);
    ``efficiency``: required over productive rostered hours (e <= 1); ``shrinkage``: the scenario's lump;
    ``hourly_fen``: the hourly base of premium pay (monthly wage / 174 h)."""
    if not 0 < efficiency <= 1 + 1e-9:
        raise PlannerInputError(f"capacity: schedule efficiency {efficiency:g} must be in (0, 1]")
    out = []
    for k, first in enumerate(month_starts(start, terms.months)):
        f, peaks = volume_factor(terms.volume, first, k)
        hours = month_hours(profile_at(f), first, calendar, windows)
        s = terms.shrinkage_of(first, shrinkage)
        paid_per_required = 1.0 / (efficiency * (1.0 - s))
        holiday_paid = hours.holiday_required_h * paid_per_required
        out.append(
            MonthNeed(
                month=first,
                factor=f,
                peaks=peaks,
                volume={c: v * f for c, v in base_volume.items()},
                required_h=hours.required_h,
                shrinkage=s,
                required_fte=hours.required_h * paid_per_required / PAID_HOURS_PER_MONTH,
                holiday_paid_h=holiday_paid,
                holiday_premium_fen=holiday_paid * OVERTIME_HOLIDAY_MULTIPLE * hourly_fen,
                holidays=hours.holidays,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Supply
# --------------------------------------------------------------------------------------------


def survival(terms: CapacityTerms, k: int) -> float:
    """Probability that a hire is still there at the start of the k-th month after its class started
    (k = 0: the start month): the new-hire rate for the first ``new_hire_months`` months of tenure, then
    the tenured rate, compounding."""
    p = 1.0
    for j in range(k):
        p *= 1.0 - (terms.new_hire_attrition_month if j < terms.new_hire_months else terms.attrition_month)
    return p


def productivity(terms: CapacityTerms, k: int) -> float:
    """A hire's productivity in the k-th month after its class started: 0 in training, then the ramp, then 1."""
    on_floor = k - terms.lead_time_months
    if on_floor < 0:
        return 0.0
    return terms.ramp[on_floor] if on_floor < len(terms.ramp) else 1.0


def starting_headcount(terms: CapacityTerms, headcount: float, t: int) -> float:
    """The starting team left at the start of month t: headcount x (1 - tenured rate)^t."""
    return headcount * (1.0 - terms.attrition_month) ** t


@dataclass(frozen=True)
class Supply:
    """Expected heads per month for given hires: at the start of the month (trainees included), trainees,
    on the floor (past training), productive FTE (ramp-weighted) and leavers during the month."""

    headcount: np.ndarray
    trainees: np.ndarray
    on_floor: np.ndarray
    productive: np.ndarray
    leavers: np.ndarray


def supply(terms: CapacityTerms, headcount: float, hires: Sequence[float]) -> Supply:
    """Expected supply of the starting headcount and of ``hires`` (per start month), month by month."""
    n = terms.months
    head, train, floor, prod, leave = (np.zeros(n) for _ in range(5))
    for t in range(n):
        h0 = starting_headcount(terms, headcount, t)
        head[t] += h0
        floor[t] += h0
        prod[t] += h0
        leave[t] += h0 * terms.attrition_month
        for s in range(t + 1):
            x = float(hires[s]) if s < len(hires) else 0.0
            if x == 0:
                continue
            k = t - s
            alive = x * survival(terms, k)
            head[t] += alive
            rate = terms.new_hire_attrition_month if k < terms.new_hire_months else terms.attrition_month
            leave[t] += alive * rate
            if k < terms.lead_time_months:
                train[t] += alive
            else:
                floor[t] += alive
                prod[t] += alive * productivity(terms, k)
    return Supply(head, train, floor, prod, leave)


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def ym(d: date) -> str:
    return f"{d:%Y-%m}"


def _plural(n: float, word: str) -> str:
    return f"{n:g} {word}" + ("" if n == 1 else "s")


def explain(
    terms: CapacityTerms,
    needs: Sequence[MonthNeed],
    headcount: float,
    hires: Sequence[int],
    classes: Sequence[int],
    overtime_fte: Sequence[float],
    short_fte: Sequence[float],
    idle_fte: Sequence[float],
) -> tuple[list[dict], list[str]]:
    """Each class in words (why it starts when it does), then the months short, idle FTE and overtime.

    Each class's dict also holds the facts behind its words (``why``: peak, season, attrition or surplus;
    ``peaks``, ``required_fte``, ``above_fte``, ``early_months``, ``early_why``: full or cheaper), so a
    front end can say them in another language.

    A class's need month is the first month on the floor or later whose requirement is above the supply of
    the starting team and the earlier classes (the attrited headcount without it); a class that lands
    before that month says why (the later months' classes are full, or the earlier class is cheaper)."""
    months = [n.month for n in needs]
    req = np.array([n.required_fte for n in needs])
    lead = terms.lead_time_months
    seasonal_high = np.array([n.factor for n in needs]) > np.median([n.factor for n in needs]) * 1.05
    out, lines = [], []
    for s, x in enumerate(hires):
        if x <= 0:
            continue
        before = supply(terms, headcount, [h if i < s else 0 for i, h in enumerate(hires)]).productive
        land = s + lead
        need = next((t for t in range(land, len(needs)) if req[t] > before[t] + 1e-6), None)
        n_classes = int(classes[s])
        head = f"{n_classes} classes, {x} hires in all, start {ym(months[s])}" if n_classes > 1 else \
            f"Class of {x} starts {ym(months[s])}"
        training = ("1 month's training" if lead == 1 else f"{lead} months' training") if lead else \
            "no training lead time"
        on_floor = ym(months[land]) if land < len(months) else "after the term"
        facts: dict = {"why": "", "peaks": [], "required_fte": None, "above_fte": None, "early_months": 0,
                       "early_why": ""}
        if need is None:
            facts["why"] = "surplus"
            reason = (f"{head}: {training}, on the floor by {on_floor}; it adds capacity the requirement does "
                      "not strictly need (class minimums or a cheaper mix with overtime)")
        else:
            n = needs[need]
            why = ""
            if n.peaks:
                why = f", ahead of the {' and '.join(n.peaks)} peak"
                facts["why"], facts["peaks"] = "peak", list(n.peaks)
            elif seasonal_high[need]:
                why, facts["why"] = ", ahead of the seasonal high", "season"
            elif need > 0 and req[need] <= req[need - 1] + 1e-6:
                why, facts["why"] = ", as attrition runs the team down", "attrition"
            facts["required_fte"], facts["above_fte"] = float(req[need]), float(req[need] - before[need])
            reason = (f"{head}: {training} so they are on the floor by {on_floor}{why} ({ym(n.month)} requires "
                      f"{req[need]:.1f} FTE, {req[need] - before[need]:.1f} above the attrited headcount)")
            early = need - land
            if early > 0:
                facts["early_months"] = early
                later = range(s + 1, need - lead + 1)
                full = [t for t in later if hires[t] >= terms.class_size_max * max(terms.classes_max_month, 1)
                        or terms.classes_max_month == 0]
                if later and len(full) == len(later):
                    facts["early_why"] = "full"
                    reason += (f"; it starts {_plural(early, 'month')} earlier than the lead time requires because "
                               f"the later months' classes are full ({terms.class_size_max} a class, "
                               f"{terms.classes_max_month} a month)")
                else:
                    facts["early_why"] = "cheaper"
                    reason += (f"; it starts {_plural(early, 'month')} earlier than the lead time requires: the "
                               "cheaper plan (class minimums, overtime limits or ramp-up)")
        out.append({"month": ym(months[s]), "hires": int(x), "classes": n_classes, "on_floor": on_floor,
                    "need_month": None if need is None else ym(months[need]), "reason": reason,
                    "lead_time_months": lead, **facts})
        lines.append(reason)
    short = [(ym(months[t]), float(v)) for t, v in enumerate(short_fte) if v > 0.05]
    if short:
        lines.append("Months short (the requirement cannot be met within the class and lead-time limits): "
                     + ", ".join(f"{m} by {v:.1f} FTE" for m, v in short))
    else:
        lines.append("No month short: supply (with overtime) meets the requirement every month.")
    ot = [(ym(months[t]), float(v)) for t, v in enumerate(overtime_fte) if v > 0.05]
    if ot:
        lines.append("Overtime used: " + ", ".join(f"{m} {v:.1f} FTE ({v * PAID_HOURS_PER_MONTH:.0f} h)"
                                                   for m, v in ot))
    idle = np.asarray(idle_fte, dtype=float)
    if len(idle):
        t = int(np.argmax(idle))
        lines.append(f"Idle FTE: {idle.mean():.1f} a month on average, most in {ym(months[t])} ({idle[t]:.1f})")
    if not any(x > 0 for x in hires):
        lines.append("No class: the starting team covers the term.")
    return out, lines
