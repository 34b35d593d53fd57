"""A roster week's rota under its calendar: the days a tour may work, its hours, the shifts the window
allows, and what each tour costs by the calendar date of its hours.

Rules and sources:

* Working days follow the week's calendar (:class:`planner.scheduling.demand.WeekDemand`): the rules'
  days a week move by ``rota_days_delta`` (statutory days off are paid leave and are not worked where the
  window closes on them; make-up days are working days), never more than the days the window opens, nor
  six (Labour Law art. 38: a rest day a week). The weekly hours cap moves by 8 h a day with them.
* No paid work where the window is closed: on a day the window opens, a shift must lie inside its open
  intervals; only where no allowed shift fits inside does the day fall back to the shifts that spend the
  fewest minutes outside it (the roster reports those hours, :func:`closed_minutes`).
* A tour costs what costing charges for it (:mod:`planner.costing`, one rule in
  :func:`planner.labour.classify_week`): the wage share over the week's full-time hours
  (:func:`planner.labour.week_standard_min`), overtime, rest-day work and statutory-holiday work at the
  pay multiples, and the night allowance; time is classed by the calendar date it falls on.
* Labour Law art. 41, at most 36 h of premium hours a month: each week's tour may carry its share of the
  month's 36 h, shared among the month's weeks by their premium pressure (days a rota must work beyond the
  official working days, the statutory holidays the window opens on, and the pro-rata overtime share when
  overtime is allowed): :func:`premium_caps`. ``[rules] overtime_month_limit = false`` lifts it (costing
  still flags a month over 36 h).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner.calendar import ChineseCalendar, CoverageWindow
from planner.labour import (
    DAY_MIN,
    DAYS_PER_MONTH,
    OVERTIME_MONTH_MAX_MIN,
    OVERTIME_WEEK_MAX_MIN,
    STANDARD_DAY_WORK_MIN,
    WEEK_DAYS,
    CostRates,
    ShiftRules,
    classify_week,
    week_standard_min,
)
from planner.scheduling.demand import WeekDemand, week_calendar
from planner.shifts import ShiftTemplate, Tour, make_templates, tour_is_legal


@dataclass(frozen=True)
class WeekRota:
    """What a tour may be in one week: working days ``min_days``..``max_days`` on ``open_days``, at most
    ``max_week_work_min`` paid minutes, at most ``premium_cap_min`` premium minutes (None: no cap);
    ``standard_min``: the week's full-time paid minutes (the wage share's base)."""

    min_days: int
    max_days: int
    open_days: tuple[bool, ...]
    max_week_work_min: int
    premium_cap_min: int | None
    standard_min: int


def week_rota(rules: ShiftRules, demand: WeekDemand, premium_cap_min: int | None = None) -> WeekRota:
    """The week's rota: the rules' days and hours moved by the week's calendar (module docstring)."""
    open_days = demand.open_days
    n_open = sum(open_days)
    delta = demand.rota_days_delta
    max_days = max(0, min(rules.max_days + delta, n_open, WEEK_DAYS - 1))
    min_days = max(min(1, max_days), min(rules.min_days + delta, max_days))
    if premium_cap_min is not None:
        # a tour of min_days must be able to keep its premium hours under the cap
        min_days = max(min(1, max_days), min(min_days, demand.working_days + premium_cap_min // STANDARD_DAY_WORK_MIN))
    return WeekRota(
        min_days=min_days,
        max_days=max_days,
        open_days=open_days,
        max_week_work_min=rules.max_week_work_min + STANDARD_DAY_WORK_MIN * (max_days - rules.max_days),
        premium_cap_min=premium_cap_min,
        standard_min=week_standard_min(delta),
    )


def closed_minutes(demand: WeekDemand, day: int, tmpl: ShiftTemplate) -> int:
    """Minutes of the shift ``tmpl`` started on ``day`` that fall in intervals the window is closed (cyclic)."""
    if demand.open_slot is None:
        return 0
    im = demand.interval_min
    start = day * DAY_MIN + tmpl.start_min
    total = 0
    t = start
    while t < start + tmpl.length_min:
        slot_start = t // im * im
        step = min(start + tmpl.length_min, slot_start + im) - t
        if not demand.open_slot[(slot_start // im) % demand.n_slots]:
            total += step
        t += step
    return total


def _day_templates(
    demand: WeekDemand, templates: Sequence[ShiftTemplate], rules: ShiftRules
) -> tuple[tuple[frozenset[ShiftTemplate], ...], list[str]]:
    """Per day, the shifts allowed: inside the window; where none fits, those the fewest minutes outside it
    that touch an interval with a requirement (with a note)."""
    per_day_slots = demand.n_slots // WEEK_DAYS
    out, notes = [], []
    for d in range(WEEK_DAYS):
        if not demand.open_days[d]:
            out.append(frozenset())
            continue
        inside = frozenset(t for t in templates if closed_minutes(demand, d, t) == 0)
        needed = any(demand.need[d * per_day_slots : (d + 1) * per_day_slots])
        if inside or not needed:
            out.append(inside)
            continue
        cost = {t: closed_minutes(demand, d, t) for t in templates}
        least = min(cost.values())
        fallback = frozenset(t for t in templates if cost[t] == least)
        out.append(fallback)
        day = demand.week_start + timedelta(days=d)
        notes.append(
            f"{day:%Y-%m-%d}: no allowed shift fits inside the coverage window; the shortest overhang is "
            f"{least / 60:g} h outside it (relax {rules.name('shift_hours')} or {rules.name('earliest_start')}/"
            f"{rules.name('latest_start')})"
        )
    return tuple(out), notes


def week_tours(
    rules: ShiftRules, templates: Sequence[ShiftTemplate], demand: WeekDemand, rota: WeekRota, costs: CostRates
) -> tuple[tuple[Tour, ...], list[str]]:
    """Every legal tour of the week (day pattern on open days x a shift allowed on each of its days) whose
    premium hours fit the week's cap, and notes on shifts that had to leave the window."""
    allowed, notes = _day_templates(demand, templates, rules)
    patterns = [
        bits
        for bits in itertools.product((True, False), repeat=WEEK_DAYS)
        if rota.min_days <= sum(bits) <= rota.max_days and all(rota.open_days[d] for d in range(7) if bits[d])
    ]
    out = []
    for tmpl in templates:
        for bits in patterns:
            if not all(tmpl in allowed[d] for d in range(WEEK_DAYS) if bits[d]):
                continue
            tour = Tour(bits, tmpl)
            if not tour_is_legal(tour, rules, rota.max_week_work_min):
                continue
            if rota.premium_cap_min is not None:
                if tour_pay(tour, (True,) * WEEK_DAYS, demand, rules, costs, rota)[1] > rota.premium_cap_min:
                    continue
            out.append(tour)
    return tuple(out), notes


def rota_tours(
    rules: ShiftRules, demand: WeekDemand, costs: CostRates, premium_cap_min: int | None = None
) -> tuple[WeekRota, tuple[Tour, ...], list[str]]:
    """The week's rota, its tours (in a fixed order: the model's tour indexes) and notes."""
    rota = week_rota(rules, demand, premium_cap_min)
    tours, notes = week_tours(rules, make_templates(rules), demand, rota, costs)
    return rota, tours, notes


def tour_pay(
    tour: Tour, active: tuple[bool, ...], demand: WeekDemand, rules: ShiftRules, costs: CostRates, rota: WeekRota
) -> tuple[int, float]:
    """(cost in fen, premium minutes) of one tour in this week, on its ``active`` days, by costing's rules
    (:func:`planner.costing.team_cost`, one week of its month): the monthly wage x the wage share (paid
    minutes over the week's full-time minutes, at most 1) x 7 / 30.44 days; overtime, rest-day and
    statutory-holiday minutes at their multiples of the hourly base (classed by calendar date: a night shift
    into a holiday is holiday time after midnight); the night allowance. Premium minutes count toward the
    36 h a month. The pay rules (``costs.pay``) are the only rates."""
    kinds, pay = demand.kinds, costs.pay
    tmpl = tour.template
    share = tmpl.paid_min / tmpl.length_min
    other: dict[int, float] = {}
    holiday = 0.0
    paid = 0.0
    worked = [d for d in range(WEEK_DAYS) if tour.days[d] and active[d]]
    for d in worked:
        first = min(tmpl.length_min, DAY_MIN - tmpl.start_min)
        for on, minutes in ((d, first), (d + 1, tmpl.length_min - first)):  # by the calendar date of the time
            if minutes <= 0:
                continue
            if demand.kind_on(on) == "statutory":
                holiday += minutes * share
            else:
                other[d] = other.get(d, 0.0) + minutes * share
        paid += tmpl.paid_min
    wk = classify_week(
        list(range(WEEK_DAYS)),
        other,
        {d: kinds[d] == "statutory" for d in range(WEEK_DAYS)},
        lambda d: kinds[d] == "working",
        demand.working_days,
        comprehensive=costs.comprehensive,
        in_lieu=pay.rest_day_in_lieu,
    )
    wage_share = min(1.0, paid / rota.standard_min) if rota.standard_min else 0.0
    wage_fen = wage_share * pay.monthly_wage_fen * WEEK_DAYS / DAYS_PER_MONTH
    premium_min = (pay.overtime_multiple * wk.overtime + pay.rest_day_multiple * wk.rest
                   + pay.holiday_multiple * holiday)
    night = len(worked) * tmpl.night_min(rules)
    fen = wage_fen + (premium_min * pay.hourly_fen + night * pay.night_allowance_fen_per_hour) / 60
    return round(fen), wk.overtime + wk.rest + holiday


def _pressure_min(
    first: date, rules: ShiftRules, calendar: ChineseCalendar, windows: Sequence[CoverageWindow]
) -> float:
    """A week's claim on the month's 36 h: 8 h for each day a rota must work beyond the official working
    days, its share (days a week / 7) of the statutory holidays the window opens on, and the pro-rata
    overtime share when overtime is allowed."""
    kinds, delta = week_calendar(first, calendar, windows)
    days = [first + timedelta(days=i) for i in range(WEEK_DAYS)]
    working = sum(k == "working" for k in kinds)
    rota_days = max(1, min(rules.min_days + delta, WEEK_DAYS - 1))
    open_statutory = sum(
        1 for d, k in zip(days, kinds, strict=True) if k == "statutory" and any(w.spans(d, calendar) for w in windows)
    )
    extra = OVERTIME_WEEK_MAX_MIN if rules.overtime else 0
    return STANDARD_DAY_WORK_MIN * (max(0, rota_days - working) + open_statutory * rota_days / WEEK_DAYS) + extra


def premium_caps(
    demands: Sequence[WeekDemand],
    rules: ShiftRules,
    calendar: ChineseCalendar | None,
    windows: Sequence[CoverageWindow],
) -> tuple[int | None, ...]:
    """Each week's premium cap [min per tour]: the 36 h of its month (the month of its middle day) shared
    among that month's weeks (7-day blocks in step with the horizon) by their pressure; at least one 8 h day
    where the week has any pressure. None where the limit is lifted or no calendar is known."""
    if not rules.overtime_month_limit or calendar is None or not windows:
        return (None,) * len(demands)
    out: list[int | None] = []
    for demand in demands:
        first = demand.week_start.date()
        month = (first + timedelta(days=3)).month
        blocks = [first + timedelta(days=7 * k) for k in range(-6, 7)]
        same = [b for b in blocks if (b + timedelta(days=3)).month == month]
        total = sum(_pressure_min(b, rules, calendar, windows) for b in same)
        own = _pressure_min(first, rules, calendar, windows)
        if own <= 0 or total <= 0:
            out.append(0)
            continue
        cap = int(OVERTIME_MONTH_MAX_MIN * own / total)
        out.append(max(cap, STANDARD_DAY_WORK_MIN))
    return tuple(out)
