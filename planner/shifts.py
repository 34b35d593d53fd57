"""Shift rules, shift templates, break placements and weekly tours on a cyclic week.

Time inside this module is integer minutes. A week is ``WEEK_MIN`` minutes long and, by default, cyclic:
minute ``WEEK_MIN + m`` is minute ``m`` (a Sunday-night shift covers Monday morning). A later week of a
chained horizon is not cyclic: its spill past the week end goes to the next week (``span_by_slot(...,
cyclic=False)``). Day 0 is the first date
of the planning week (not necessarily a Monday). A shift belongs to the day it starts.

Labour rules follow the PRC Labour Law (arts. 36, 38, 41, 44) and the State Council's working-hours
regulation (1995): 8 h a day, 40 h a week, at least one rest day a week, overtime at most 3 h a day and
36 h a month, paid at 150 % on working days. The 11 h minimum rest between shifts is the planner's
default (EU Working Time Directive 2003/88/EC art. 3), which Chinese contact centres commonly adopt.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from planner.errors import PlannerInputError
from planner.labour import DAY_MIN, WEEK_DAYS, WEEK_MIN, ShiftRules


@dataclass(frozen=True)
class BreakRule:
    """One break taken inside a shift.

    duration_min [min]; the break starts between ``earliest_after_start_min`` and
    ``latest_after_start_min`` [min after the shift start], on a ``step_min`` grid. ``paid`` breaks count
    as paid time (short breaks); unpaid ones (lunch) do not. Breaks never cover demand.
    """

    name: str
    duration_min: int
    earliest_after_start_min: int
    latest_after_start_min: int
    step_min: int
    paid: bool

    def offsets_min(self) -> tuple[int, ...]:
        """Allowed start offsets [min after shift start]."""
        return tuple(range(self.earliest_after_start_min, self.latest_after_start_min + 1, self.step_min))


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift: start [min after midnight of its day], length incl. breaks, and its break rules."""

    start_min: int
    length_min: int
    breaks: tuple[BreakRule, ...] = field(default_factory=tuple)

    @property
    def unpaid_min(self) -> int:
        return sum(b.duration_min for b in self.breaks if not b.paid)

    @property
    def paid_min(self) -> int:
        """Paid time: the shift minus unpaid breaks (lunch)."""
        return self.length_min - self.unpaid_min

    @property
    def label(self) -> str:
        h, m = divmod(self.start_min, 60)
        return f"{h:02d}:{m:02d}+{self.length_min / 60:g}h"

    def night_min(self, rules: ShiftRules) -> int:
        """Minutes of the shift span inside the nightly window (night allowance basis)."""
        return night_overlap_min(self.start_min, self.length_min, rules.night_start_min, rules.night_end_min)


def night_overlap_min(start_min: int, length_min: int, night_start_min: int, night_end_min: int) -> int:
    """Overlap [min] of [start, start+length) with the nightly window repeated every day."""
    if night_start_min == night_end_min:
        return 0
    total = 0
    for day in (-1, 0, 1):
        lo = day * DAY_MIN + night_start_min
        hi = (
            (day + 1) * DAY_MIN + night_end_min
            if night_end_min < night_start_min
            else day * DAY_MIN + night_end_min
        )
        total += max(0, min(start_min + length_min, hi) - max(start_min, lo))
    return total


def break_rules_for(length_min: int, rules: ShiftRules) -> tuple[BreakRule, ...]:
    """Break windows of a shift of this length (relative to its start), non-overlapping by construction."""
    out: list[BreakRule] = []
    has_lunch = rules.lunch_min > 0 and length_min > rules.lunch_from_shift_min
    if has_lunch:
        lunch_lo, lunch_hi = 180, length_min - 180 - rules.lunch_min
        if lunch_hi < lunch_lo:
            lunch_lo = lunch_hi = max(
                0, (length_min - rules.lunch_min) // 2 // rules.lunch_step_min * rules.lunch_step_min
            )
        lunch_hi = lunch_lo + (lunch_hi - lunch_lo) // rules.lunch_step_min * rules.lunch_step_min
        lunch = BreakRule("lunch", rules.lunch_min, lunch_lo, lunch_hi, rules.lunch_step_min, paid=False)
        if rules.breaks_per_shift >= 1 and rules.break_min > 0:
            hi1 = lunch_lo - 30 - rules.break_min
            lo1 = min(60, hi1)
            if hi1 >= 0:
                out.append(_grid_rule("break", rules.break_min, lo1, hi1, rules.break_step_min))
        out.append(lunch)
        if rules.breaks_per_shift >= 2 and rules.break_min > 0:
            lo2 = lunch_hi + rules.lunch_min + 30
            hi2 = length_min - 60 - rules.break_min
            if hi2 >= lo2:
                out.append(_grid_rule("break", rules.break_min, lo2, hi2, rules.break_step_min))
    elif rules.breaks_per_shift >= 1 and rules.break_min > 0 and length_min >= 360:
        mid = length_min // 2
        out.append(
            _grid_rule("break", rules.break_min, mid - 60, mid + 30 - rules.break_min, rules.break_step_min)
        )
    return tuple(out)


def _grid_rule(name: str, duration_min: int, lo: int, hi: int, step: int) -> BreakRule:
    lo = -(-lo // step) * step
    hi = max(lo, hi // step * step)
    return BreakRule(name, duration_min, lo, hi, step, paid=True)


def _start_allowed(start_min: int, rules: ShiftRules) -> bool:
    windows = ((rules.earliest_start_min, rules.latest_start_min), *rules.extra_start_windows)
    return any(
        lo <= start_min <= hi if lo <= hi else (start_min >= lo or start_min <= hi) for lo, hi in windows
    )


def make_templates(rules: ShiftRules) -> tuple[ShiftTemplate, ...]:
    """All shift templates the rules allow (start grid x lengths), with their break windows."""
    out = []
    for length in sorted(set(rules.shift_lengths_min)):
        brk = break_rules_for(length, rules)
        tmpl = ShiftTemplate(0, length, brk)
        if tmpl.paid_min - 0 > rules.max_day_work_min:
            raise PlannerInputError(
                f"{rules.name('shift_hours')}: a {length / 60:g} h shift has {tmpl.paid_min / 60:g} h of work, "
                f"above the {rules.max_day_work_min / 60:g} h daily limit (Labour Law art. 36/41; "
                f"enable {rules.name('overtime')} or shorten the shift)"
            )
        for start in range(0, DAY_MIN, rules.start_step_min):
            if _start_allowed(start, rules):
                out.append(ShiftTemplate(start, length, brk))
    if not out:
        raise PlannerInputError(
            f"shift rules: no start time is allowed on the {rules.start_step_min}-minute grid (check "
            f"{rules.name('earliest_start')}, {rules.name('latest_start')} and {rules.name('start_step_min')})"
        )
    return tuple(out)


@dataclass(frozen=True)
class Tour:
    """A weekly tour: the same shift template on each working day of ``days`` (7 booleans, day 0 first)."""

    days: tuple[bool, ...]
    template: ShiftTemplate

    @property
    def n_days(self) -> int:
        return sum(self.days)

    @property
    def week_paid_min(self) -> int:
        return self.n_days * self.template.paid_min


def consecutive_days_off(days: tuple[bool, ...]) -> bool:
    """True if the (cyclic) week has two consecutive days off: Sunday + next Monday counts."""
    n = len(days)
    return any(not days[i] and not days[(i + 1) % n] for i in range(n))


def day_patterns(rules: ShiftRules) -> tuple[tuple[bool, ...], ...]:
    """All working-day patterns with min_days..max_days working days."""
    out = []
    for bits in itertools.product((True, False), repeat=WEEK_DAYS):
        if rules.min_days <= sum(bits) <= rules.max_days:
            out.append(tuple(bits))
    return tuple(out)


def tour_is_legal(tour: Tour, rules: ShiftRules, max_week_work_min: int | None = None) -> bool:
    """Weekly hours (``max_week_work_min``, default the rules' ordinary week), daily hours and rest between
    shifts on consecutive (cyclic) working days."""
    week_cap = rules.max_week_work_min if max_week_work_min is None else max_week_work_min
    if tour.week_paid_min > week_cap or tour.template.paid_min > rules.max_day_work_min:
        return False
    rest_min = DAY_MIN - tour.template.length_min
    n = len(tour.days)
    back_to_back = any(tour.days[i] and tour.days[(i + 1) % n] for i in range(n))
    return not (back_to_back and rest_min < rules.min_rest_min)


def make_tours(rules: ShiftRules, templates: tuple[ShiftTemplate, ...] | None = None) -> tuple[Tour, ...]:
    """All legal tours (day pattern x template)."""
    templates = make_templates(rules) if templates is None else templates
    out = [Tour(p, t) for t in templates for p in day_patterns(rules)]
    legal = tuple(t for t in out if tour_is_legal(t, rules))
    if not legal:
        raise PlannerInputError(
            "shift rules: no weekly tour is legal (weekly hours cap "
            f"{rules.max_week_work_min / 60:g} h, {rules.min_days}-{rules.max_days} days, "
            f"rest {rules.min_rest_min / 60:g} h between shifts: check {rules.name('shift_hours')}, "
            f"{rules.name('days_per_week')} and {rules.name('min_rest')})"
        )
    return legal


def span_by_slot(
    start_abs_min: int, length_min: int, interval_min: int, week_min: int = WEEK_MIN, cyclic: bool = True
) -> dict[int, int]:
    """Minutes of [start, start+length) falling in each slot of the week, as {slot: minutes}.

    ``cyclic`` (the default): the week wraps, minute ``week_min + m`` is minute ``m``. Not cyclic: the
    minutes at or past ``week_min`` are left out (they fall in the next week, which counts them as its
    carry-in; see :func:`planner.scheduling.roster.carry_in_from_schedule`)."""
    out: dict[int, int] = {}
    t = start_abs_min
    end = start_abs_min + length_min if cyclic else min(start_abs_min + length_min, week_min)
    while t < end:
        slot_start = t // interval_min * interval_min
        step = min(end, slot_start + interval_min) - t
        slot = (slot_start % week_min) // interval_min
        out[slot] = out.get(slot, 0) + step
        t += step
    return out
