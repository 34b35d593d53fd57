"""The capacity and hiring plan of a scenario over its contract term, measured on a plan (pipeline layer).

:func:`capacity_of` takes a :class:`planner.plan.Plan` (its forecast, requirements, rosters and cost)
and the scenario's ``[capacity]`` terms, and returns a frozen :class:`CapacityPlan`: the requirement by
month (:mod:`planner.capacity`, with the plan's own staffing step on the forecast scaled to each month),
the least-cost classes (:mod:`planner.hiring`) and the plan in words. It opens no file; ``planner.io``
writes it (``planner capacity``, and a sheet of ``plan.xlsx``).

Measured on the plan, not guessed:

* schedule efficiency ``e = R / (P (1 - s))``: R the required productive agent-hours of the rostered
  channels, P the rosters' paid hours (work, paid breaks, training), s the scenario's shrinkage;
* a head's cost a month: the plan's cost per agent FTE without its statutory-holiday line
  (:meth:`planner.costing.CostBreakdown.fte_cost_month_fen`), trainees costed the same;
* the starting headcount (default): the rosters' agents;
* the base volume: the plan's forecast scaled to a month (365.25 / 12 days), unless ``[capacity.volume]
  monthly`` gives it.

When the plan's weeks hold holiday or make-up days (:func:`atypical_days`: a National Day fortnight, say),
its rosters are not those of an ordinary week (a weekday contract's backlog after the days closed, the
surges before and after). Then all four are measured on a typical week instead (:func:`typical_week`): an
ordinary Monday-Sunday week near the plan on the calendar, its forecast built day by day from the plan's
ordinary days (:func:`typical_week_forecast`), staffed, rostered and priced by the plan's own steps.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from planner.calendar import typical_week_start
from planner.capacity import (
    DayProfile,
    MonthNeed,
    day_profiles,
    explain,
    factor_grid,
    interpolate,
    month_starts,
    requirement_by_month,
    season_factor,
    supply,
    volume_factor,
    ym,
)
from planner.domain import CapacityTerms, Forecast, Scenario, check_months
from planner.errors import PlannerInputError
from planner.hiring import Hiring, overtime_fen_per_fte, solve_hiring
from planner.labour import DAYS_PER_MONTH, PAID_HOURS_PER_MONTH

VOLUME_COLUMNS = ("offered", "offered_lo", "offered_hi")


@dataclass(frozen=True)
class CapacityPlan:
    """A term's requirement, hiring plan and cost month by month.

    rows: one row a month (``planner capacity``'s CSV); classes: each class's month, hires, month on the
    floor, need month and reason; explanation: the plan in words; efficiency: measured on the plan's rosters;
    head_fen_month: a head's loaded cost a month; term/annual cost in CNY (the MIP's penalty excluded).
    """

    scenario: str
    start: date
    months: int
    terms: CapacityTerms
    efficiency: float
    headcount: float
    head_fen_month: float
    hourly_fen: float
    base_volume: dict[str, float]
    needs: tuple[MonthNeed, ...]
    hiring: Hiring
    rows: pd.DataFrame
    classes: tuple[dict[str, Any], ...]
    explanation: tuple[str, ...]
    notes: tuple[str, ...]
    wall_s: float

    @property
    def term_cost_cny(self) -> float:
        return float(self.rows["cost_cny"].sum())

    @property
    def annual_cost_cny(self) -> float:
        return self.term_cost_cny * 12 / self.months

    @property
    def status(self) -> str:
        return self.hiring.status

    @property
    def gap(self) -> float:
        return self.hiring.gap

    @property
    def short_months(self) -> list[dict[str, Any]]:
        return [{"month": r.month, "short_fte": float(r.short_fte)} for r in self.rows.itertuples()
                if r.short_fte > 0.05]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (full precision): ``planner capacity --json`` and summary.json's ``capacity`` block."""
        return {
            "scenario": self.scenario,
            "start": ym(self.start),
            "months": self.months,
            "status": self.hiring.status,
            "optimal": self.hiring.optimal,
            "gap": self.hiring.gap,
            "objective_cny": self.hiring.objective_fen / 100,
            "best_bound_cny": self.hiring.bound_fen / 100,
            "solve_s": self.hiring.wall_s,
            "term_cost_cny": self.term_cost_cny,
            "annual_cost_cny": self.annual_cost_cny,
            "efficiency": self.efficiency,
            "headcount_start": self.headcount,
            "head_cost_month_cny": self.head_fen_month / 100,
            "hires": int(sum(self.hiring.hires)),
            "rows": [{k: _plain(v) for k, v in r.items()} for r in self.rows.to_dict(orient="records")],
            "classes": [dict(c) for c in self.classes],
            "short_months": self.short_months,
            "covered": not self.short_months,
            "explanation": list(self.explanation),
            "notes": list(self.notes),
            "wall_s": self.wall_s,
        }

    def classes_frame(self) -> pd.DataFrame:
        cols = ["month", "hires", "classes", "on_floor", "need_month", "reason"]
        return pd.DataFrame(list(self.classes), columns=cols)

    def assumptions_frame(self) -> pd.DataFrame:
        """Every assumption the plan rests on, with where it comes from."""
        t = self.terms
        v = t.volume
        rows: list[tuple[str, Any, str]] = [
            ("start", ym(self.start), "capacity.start (default: the month of the horizon start)"),
            ("months", self.months, "capacity.months or --months"),
            ("headcount_start", self.headcount, "capacity.headcount (default: the rosters' agent FTE)"),
            ("schedule_efficiency", self.efficiency,
             "measured: required hours / (rostered paid hours x (1 - shrinkage))"),
            ("paid_hours_per_fte_month", PAID_HOURS_PER_MONTH, "21.75 days x 8 h (劳社部发〔2008〕3号)"),
            ("head_cost_month_cny", self.head_fen_month / 100,
             "the plan's cost per agent FTE a month without its statutory-holiday line"),
            ("overtime_cny_per_fte_month", overtime_fen_per_fte(self.hourly_fen) / 100,
             "174 h x 150 % of monthly wage / 174 h (Labour Law art. 44(1))"),
            ("attrition_month", t.attrition_month, "capacity.attrition_month"),
            ("new_hire_attrition_month", t.new_hire_attrition_month, "capacity.new_hire_attrition_month"),
            ("new_hire_months", t.new_hire_months, "capacity.new_hire_months (training counted)"),
            ("lead_time_months", t.lead_time_months, "capacity.lead_time_months"),
            ("ramp", ", ".join(f"{r:g}" for r in t.ramp) or "none", "capacity.ramp (by month on the floor)"),
            ("class_size", f"{t.class_size_min}-{t.class_size_max}", "capacity.class_size_min / _max"),
            ("classes_max_month", t.classes_max_month, "capacity.classes_max_month"),
            ("overtime_max_h_month", t.overtime_max_h_month, "capacity.overtime_max_h_month (Labour Law art. 41)"),
            ("hire_cost_cny", t.hire_cost_cny, "capacity.hire_cost_cny"),
            ("class_cost_cny", t.class_cost_cny, "capacity.class_cost_cny"),
            ("growth_year", v.growth_year, "capacity.volume.growth_year"),
            ("seasonal", ", ".join(f"{x:g}" for x in v.seasonal), "capacity.volume.seasonal (Jan..Dec)"),
            ("peaks", "; ".join(f"{p.name} {p.month or p.calendar_month} x{p.factor:g}" for p in v.peaks) or "none",
             "capacity.volume.peaks"),
            ("fcr", "none" if v.fcr is None else f"{v.fcr:g} -> {v.fcr_target:g} (volume x {v.fcr / v.fcr_target:.4f})",
             "capacity.volume.fcr / fcr_target: contacts = first contacts / FCR"),
        ]
        rows += [(f"base_volume_month_{c}", x, "capacity.volume.monthly or the plan's forecast scaled to a month")
                 for c, x in self.base_volume.items()]
        if t.shrinkage is None:
            rows.append(("shrinkage", self.rows["shrinkage"].iloc[0], "the scenario's [staffing] shrinkage"))
        else:
            s = t.shrinkage
            rows += [("shrinkage_annual_leave", ", ".join(f"{x:g}" for x in s.annual_leave), "Jan..Dec"),
                     ("shrinkage_sick_leave", s.sick_leave, ""), ("shrinkage_training", s.training, ""),
                     ("shrinkage_meetings", s.meetings, ""), ("shrinkage_other", s.other, "")]
        rows += [("mip_status", self.hiring.status, "SCIP, one thread, gap 0"), ("mip_gap", self.hiring.gap, "")]
        return pd.DataFrame(rows, columns=["item", "value", "source"])


def _plain(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


# --------------------------------------------------------------------------------------------
# Measured on the plan
# --------------------------------------------------------------------------------------------


def measured_efficiency(plan: Any, scenario: Scenario | None = None) -> float:
    """Required productive hours over the rosters' productive paid hours: ``R / (P (1 - s))`` (at most 1)."""
    from planner.costing import PAID_ACTIVITIES

    s = (scenario or plan.scenario).shrinkage
    chans = {c for r in plan.rosters for c in r.channels}
    required_h = float(plan.requirements.team(sorted(chans)).frame["required"].sum()) * plan.interval_min / 60
    paid_h = 0.0
    for r in plan.rosters:
        rows = r.schedule.frame[r.schedule.frame["activity"].isin(PAID_ACTIVITIES)]
        span = rows["end"] - rows["start"]
        paid_h += float(span.dt.total_seconds().sum()) / 3600
    if paid_h <= 0 or required_h <= 0:
        raise PlannerInputError("capacity: the plan has no rostered hours to measure the schedule efficiency on")
    return required_h / (paid_h * (1.0 - s))


def atypical_days(plan: Any, scenario: Scenario) -> tuple[date, ...]:
    """The plan's days that are not ordinary on the calendar: inside a statutory holiday's run of days off,
    or make-up working days."""
    cal = scenario.calendar
    days = (plan.start + pd.Timedelta(days=i).to_pytimedelta() for i in range(7 * plan.weeks))
    return tuple(d for d in days if cal.is_holiday_period(d) or cal.is_statutory_holiday(d) or cal.is_makeup_day(d))


def typical_month_volume(plan: Any, channel: str, scenario: Scenario) -> float:
    """A channel's contacts in a typical month, measured on the plan's ordinary days (:func:`atypical_days`
    left out): each weekday's mean volume on its ordinary days (the mean of all ordinary days where a weekday
    has none) times 365.25 / 12 / 7 of a month. On a horizon without holidays this is its volume scaled to
    365.25 / 12 days; a holiday fortnight gives the volume of an ordinary month, not of a holiday one."""
    rows = plan.forecast.of(channel)
    daily = rows.groupby(rows["interval_start"].dt.date)[scenario.volume_column].sum()
    skip = set(atypical_days(plan, scenario))
    days = [plan.start + pd.Timedelta(days=i).to_pytimedelta() for i in range(7 * plan.weeks)]
    ordinary = [d for d in days if d not in skip] or days
    by_weekday: dict[int, list[float]] = {}
    for d in ordinary:
        by_weekday.setdefault(d.weekday(), []).append(float(daily.get(d, 0.0)))
    overall = float(np.mean([x for v in by_weekday.values() for x in v]))
    week = sum(float(np.mean(by_weekday[w])) if w in by_weekday else overall for w in range(7))
    return week * DAYS_PER_MONTH / 7


def base_monthly_volume(
    plan: Any, terms: CapacityTerms, scenario: Scenario, season_of: date | None = None
) -> dict[str, float]:
    """Contacts a month per channel at factor 1: ``[capacity.volume] monthly``, else the plan's forecast
    of a typical month (:func:`typical_month_volume`), with its own month's season and peaks divided out (a
    plan week in February, at a seasonal 0.7, stands for 1 / 0.7 of a base month). ``season_of``: the day
    whose month's season is divided out (default: the plan's start; a typical week built from another plan's
    days passes that plan's start, where its volumes come from)."""
    fc = plan.forecast.frame
    when = season_of or plan.start
    own_season, _names = season_factor(terms.volume, date(when.year, when.month, 1))
    given = dict(terms.volume.monthly)
    out = {}
    for spec in scenario.channels:
        if not (fc["channel"] == spec.name).any():
            continue
        out[spec.name] = given.get(spec.name, typical_month_volume(plan, spec.name, scenario) / own_season)
    return out


# --------------------------------------------------------------------------------------------
# A typical week, when the plan's weeks are not one
# --------------------------------------------------------------------------------------------

NEAR_HOLIDAY_DAYS = 2  # an ordinary day this close to a holiday period carries its surge or backlog
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def near_holiday(d: date, cal: Any, days: int = NEAR_HOLIDAY_DAYS) -> bool:
    """``d`` is within ``days`` days of a holiday period or statutory holiday (either side)."""
    return any(cal.is_holiday_period(x) or cal.is_statutory_holiday(x)
               for x in (d + timedelta(days=k) for k in range(-days, days + 1)))


@dataclass(frozen=True)
class DaySource:
    """Where a typical week's weekday comes from: the plan's days averaged, and how they were chosen
    (``rule``: ``weekday``, ``weekday near a holiday``, ``kind``, ``kind near a holiday`` or ``any``)."""

    weekday: int
    days: tuple[date, ...]
    rule: str


def typical_day_sources(days: list[date], cal: Any, near_days: int = NEAR_HOLIDAY_DAYS) -> tuple[DaySource, ...]:
    """For each weekday Mon..Sun, the plan's ordinary days (``days`` less :func:`atypical_days`) it is
    built from, the first non-empty of: the same weekday away from holidays (more than ``near_days`` days
    from a holiday period or statutory holiday); the same weekday near one; the same kind (a working day
    Mon-Fri or a rest day Sat-Sun) away from holidays; the same kind near one; every ordinary day. Empty if
    the plan has no ordinary day."""
    ordinary = [d for d in days if not cal.is_atypical(d)]
    if not ordinary:
        return ()
    far = [d for d in ordinary if not near_holiday(d, cal, near_days)]
    near = [d for d in ordinary if d not in far]
    out = []
    for w in range(7):
        tiers = (
            ("weekday", [d for d in far if d.weekday() == w]),
            ("weekday near a holiday", [d for d in near if d.weekday() == w]),
            ("kind", [d for d in far if (d.weekday() < 5) == (w < 5)]),
            ("kind near a holiday", [d for d in near if (d.weekday() < 5) == (w < 5)]),
            ("any", ordinary),
        )
        rule, pool = next((r, p) for r, p in tiers if p)
        out.append(DaySource(w, tuple(pool), rule))
    return tuple(out)


def typical_week_forecast(forecast: Forecast, monday: date, sources: tuple[DaySource, ...]) -> Forecast:
    """A forecast for the week from ``monday``: each weekday's intervals are the mean, interval by interval
    (by time of day), of its source days' rows, channel by channel; every numeric column (the volume, its
    band, ``aht_s``) is averaged the same way (an interval's NaN ``aht_s`` left out of its mean)."""
    fc = forecast.frame.reset_index(drop=True)
    ts = pd.to_datetime(fc["interval_start"])
    day = ts.dt.date
    tod = ts - ts.dt.normalize()
    numeric = [c for c in fc.columns if c not in ("interval_start", "channel") and pd.api.types.is_numeric_dtype(fc[c])]
    parts = []
    for src in sources:
        rows = fc[day.isin(set(src.days))]
        g = rows.groupby([rows["channel"], tod[rows.index].rename("tod")], sort=False)[numeric].mean().reset_index()
        g["interval_start"] = pd.Timestamp(monday + timedelta(days=src.weekday)) + g["tod"]
        parts.append(g.drop(columns=["tod"]))
    out = pd.concat(parts, ignore_index=True)
    out["interval_start"] = out["interval_start"].astype(fc["interval_start"].dtype)
    out = out[["interval_start", "channel", *numeric]]
    out = out.sort_values(["channel", "interval_start"], kind="stable").reset_index(drop=True)
    out.index = pd.Index(np.zeros(len(out), dtype=np.int64), name="row")  # made here: no line in a file
    return replace(forecast, frame=out, source="typical week")


def typical_week(plan: Any, scenario: Scenario | None = None) -> tuple[Any, list[str]]:
    """A :class:`planner.plan.Plan` of one typical week for a plan whose weeks are not typical, and
    notes on how it was built; ``(None, notes)`` when the plan's weeks are ordinary or no typical week can be
    built (the plan is then measured on its own rosters).

    The week: :func:`typical_week_start`; its forecast: :func:`typical_week_forecast` on
    :func:`typical_day_sources`; then the plan's own staffing, roster and cost steps under ``scenario``
    (default the plan's) with the horizon moved to that week. No simulation: its cost has no per-contact
    figures, which capacity does not use."""
    from planner.plan import Plan
    from planner.steps import cost_step, roster_step, staff_step, volume_errors

    scenario = scenario or plan.scenario
    cal = scenario.calendar
    if not atypical_days(plan, scenario):
        return None, []
    days = [plan.start + timedelta(days=i) for i in range(7 * plan.weeks)]
    sources = typical_day_sources(days, cal)
    monday = typical_week_start(plan.start, plan.weeks, cal)
    if not sources or monday is None:
        why = "no ordinary day" if not sources else "no week without holidays near it on the calendar"
        return None, [f"the plan's weeks have {why}: the schedule efficiency, a head's cost and the starting "
                      "headcount are measured on its own rosters, which are not typical"]
    t0 = time.perf_counter()
    own = getattr(plan, "typical_forecast", None)
    own_model = own is not None and len(own.frame) and own.frame["interval_start"].min().date() == monday
    fc = own if own_model else typical_week_forecast(plan.forecast, monday, sources)
    scen = replace(scenario, horizon=replace(scenario.horizon, start=monday, weeks=1))
    errors, _msgs = volume_errors(scen, plan.forecast_info)
    req, staff_notes = staff_step(scen, fc, source="typical week", errors=errors)
    rosters, roster_notes = roster_step(scen, req)
    cost = cost_step(scen, monday, req, rosters, ())
    typical = Plan(
        scenario=scen, start=monday, weeks=1, history=None, forecast=fc, forecast_info=plan.forecast_info,
        requirements=req, rosters=rosters, service=(), warnings=tuple(dict.fromkeys(staff_notes + roster_notes)),
        timings_s=(("typical_week_s", time.perf_counter() - t0),), cost=cost,
    )

    def said(src: DaySource) -> str:
        ds = ", ".join(f"{WEEKDAYS[d.weekday()]} {d}" for d in src.days)
        how = {"weekday": "", "weekday near a holiday": " (near a holiday)",
               "kind": " (no ordinary " + WEEKDAYS[src.weekday] + " away from holidays: days of its kind)",
               "kind near a holiday": " (days of its kind, near a holiday)", "any": " (all ordinary days)"}[src.rule]
        return f"{WEEKDAYS[src.weekday]} from {ds}{how}"

    if own_model:
        return typical, [
            f"the schedule efficiency, a head's cost, the starting headcount and the base volume are measured on a "
            f"typical week of {monday} to {monday + timedelta(days=6)} (no holiday or make-up day), forecast by "
            "the plan's own model"
        ]
    n_near = sum(s.rule.endswith("near a holiday") for s in sources)
    notes = [
        f"the schedule efficiency, a head's cost, the starting headcount and the base volume are measured on a "
        f"typical week of {monday} to {monday + timedelta(days=6)} (no holiday or make-up day), its forecast "
        f"built from the plan's ordinary days, those within {NEAR_HOLIDAY_DAYS} days of a holiday left out "
        f"where the weekday has others: " + "; ".join(said(s) for s in sources),
    ]
    if n_near:
        notes.append(f"{n_near} weekday(s) of the typical week come from days near a holiday, whose volume may "
                     "carry a pre- or post-holiday surge: a longer or ordinary horizon measures it better")
    return typical, notes


def _scaled(plan: Any, scenario: Scenario, ratios: Mapping[str, float], f: float) -> Forecast:
    fc = plan.forecast.frame.copy()
    mult = fc["channel"].map(lambda c: ratios.get(c, 1.0) * f).astype(float)
    for col in VOLUME_COLUMNS:
        if col in fc.columns:
            fc[col] = fc[col].astype(float) * mult
    return replace(plan.forecast, frame=fc)


def capacity_of(plan: Any, scenario: Scenario | None = None, months: int | None = None) -> CapacityPlan:
    """The capacity and hiring plan over the term, measured on ``plan`` (a :class:`planner.plan.Plan`).

    ``scenario``: the scenario whose ``[capacity]`` terms, targets and pay apply (default: the plan's own;
    a what-if may change its capacity keys, targets or FCR, not its data or horizon); a scenario without a
    ``[capacity]`` section takes the defaults of :class:`planner.domain.CapacityTerms`. ``months``
    overrides ``capacity.months`` (12-36)."""
    from planner.steps import staff_step, volume_errors

    t0 = time.perf_counter()
    scenario = scenario or plan.scenario
    terms = scenario.capacity or CapacityTerms()
    if months is not None:
        check_months(months, "--months")
        terms = replace(terms, months=months)
    start = terms.start or date(plan.start.year, plan.start.month, 1)
    notes: list[str] = []
    odd = atypical_days(plan, scenario)
    typical, typical_notes = typical_week(plan, scenario) if odd else (None, [])
    measure = typical or plan  # what the efficiency, a head's cost, the headcount and the base are measured on
    base = base_monthly_volume(measure, terms, scenario, season_of=plan.start)
    if not base:
        raise PlannerInputError(f"{scenario.source}: capacity: the plan's forecast has none of the scenario's channels")
    ratios = {}
    for c, v in base.items():
        own = typical_month_volume(measure, c, scenario)
        ratios[c] = v / own if own > 0 else 1.0
    if odd:
        notes.append(f"the plan's weeks hold {len(odd)} holiday or make-up day(s) ({odd[0]} to {odd[-1]}): not a "
                     "typical week")
        notes += typical_notes
    firsts = month_starts(start, terms.months)
    factors = [volume_factor(terms.volume, d, k)[0] for k, d in enumerate(firsts)]
    errors, _msgs = volume_errors(scenario, plan.forecast_info)
    grid: dict[float, dict[str, DayProfile]] = {}
    for g in factor_grid(factors):
        req, msgs = staff_step(scenario, _scaled(measure, scenario, ratios, g), source="capacity", errors=errors)
        notes += msgs
        grid[g] = day_profiles(req, measure.interval_min, scenario.calendar)
    efficiency = measured_efficiency(measure, scenario)
    if efficiency > 1:
        notes.append(f"the plan's rosters cover less than their requirement (efficiency {efficiency:.3f} > 1): "
                     "taken as 1")
        efficiency = 1.0
    pay = scenario.pay
    windows = {c: scenario.channel(c).window for c in base}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        notes += list(scenario.calendar.warnings_for(sorted({d.year for d in firsts})))
        needs = requirement_by_month(
            terms, start, base_volume=base, profile_at=lambda f: interpolate(grid, f),
            calendar=scenario.calendar, windows=windows, efficiency=efficiency, shrinkage=scenario.shrinkage,
            hourly_fen=pay.hourly_fen,
        )
    notes += [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    head_fen = measure.cost.fte_cost_month_fen()
    # supply is counted in full-time heads (174 paid hours a month): the rosters' agent FTE, so that agents
    # rostered four days a week count 0.8 each (costing's wage share), not 1
    headcount = float(terms.headcount) if terms.headcount is not None else float(measure.cost.fte)
    req_fte = [n.required_fte for n in needs]
    hiring = solve_hiring(req_fte, terms, headcount=headcount, head_fen_month=head_fen, hourly_fen=pay.hourly_fen)
    rows = _rows(needs, terms, hiring, headcount, head_fen, pay.hourly_fen)
    classes, lines = explain(terms, needs, headcount, hiring.hires, hiring.classes, hiring.overtime_fte,
                             hiring.short_fte, hiring.idle_fte)
    return CapacityPlan(
        scenario=scenario.source,
        start=start,
        months=terms.months,
        terms=terms,
        efficiency=efficiency,
        headcount=headcount,
        head_fen_month=head_fen,
        hourly_fen=pay.hourly_fen,
        base_volume=base,
        needs=needs,
        hiring=hiring,
        rows=rows,
        classes=tuple(classes),
        explanation=tuple(lines),
        notes=tuple(dict.fromkeys(notes)),
        wall_s=time.perf_counter() - t0,
    )


def with_capacity(plan: Any, months: int | None = None) -> Any:
    """The plan with its :class:`CapacityPlan` (``plan.capacity``) when its scenario has a ``[capacity]``
    section (or ``months`` is given), else the plan as is: ``summary.json`` gets a ``capacity`` block and
    ``plan.xlsx`` a ``capacity`` sheet."""
    if plan.scenario.capacity is None and months is None:
        return plan
    return replace(plan, capacity=capacity_of(plan, months=months))


def _rows(
    needs: tuple[MonthNeed, ...], terms: CapacityTerms, h: Hiring, headcount: float, head_fen: float, hourly_fen: float
) -> pd.DataFrame:
    """One row a month: volume per channel, requirement, supply, the plan's classes and the month's cost."""
    sup = supply(terms, headcount, h.hires)
    ot_fen = overtime_fen_per_fte(hourly_fen)
    out = []
    for t, n in enumerate(needs):
        cost_fen = (head_fen * sup.headcount[t] + ot_fen * h.overtime_fte[t] + terms.hire_cost_cny * 100 * h.hires[t]
                    + terms.class_cost_cny * 100 * h.classes[t] + n.holiday_premium_fen)
        out.append({
            "month": ym(n.month),
            **{f"volume_{c}": v for c, v in n.volume.items()},
            "volume_factor": n.factor,
            "peaks": ", ".join(n.peaks),
            "required_h": n.required_h,
            "shrinkage": n.shrinkage,
            "required_fte": n.required_fte,
            "headcount_start": float(sup.headcount[t]),
            "hires": h.hires[t],
            "classes": h.classes[t],
            "leavers": float(sup.leavers[t]),
            "trainees": float(sup.trainees[t]),
            "on_floor": float(sup.on_floor[t]),
            "productive_fte": float(sup.productive[t]),
            "overtime_fte": h.overtime_fte[t],
            "overtime_h": h.overtime_fte[t] * PAID_HOURS_PER_MONTH,
            "idle_fte": h.idle_fte[t],
            "short_fte": h.short_fte[t],
            "holiday_days": len(n.holidays),
            "holiday_paid_h": n.holiday_paid_h,
            "holiday_premium_cny": n.holiday_premium_fen / 100,
            "cost_cny": cost_fen / 100,
        })
    return pd.DataFrame(out)


def summary_lines(cp: CapacityPlan) -> list[str]:
    """A short human summary (what ``planner capacity`` prints)."""
    h = cp.hiring
    last = cp.needs[-1].month
    short = cp.short_months
    lines = [
        f"capacity {ym(cp.start)} to {ym(last)} ({cp.months} months): {sum(h.hires)} hires in "
        f"{sum(h.classes)} classes from {cp.headcount:.1f} agent FTE; schedule efficiency {cp.efficiency:.3f}",
    ]
    if short:
        worst = max(short, key=lambda m: m["short_fte"])
        lines.append(f"  SHORT in {len(short)} of {cp.months} months (most {worst['short_fte']:.1f} FTE in "
                     f"{worst['month']}): the classes allowed cannot keep up, and the cost below does not cover "
                     "the requirement")
    lines += [
        f"  term cost {cp.term_cost_cny:,.0f} CNY, {cp.annual_cost_cny:,.0f} CNY a year "
        f"(a head {cp.head_fen_month / 100:,.0f} CNY a month)",
        f"  MIP {h.status}, gap {h.gap:.2e}, {h.wall_s:.2f} s (the least-cost plan under the limits given)",
    ]
    return lines + [f"  {x}" for x in cp.explanation]
