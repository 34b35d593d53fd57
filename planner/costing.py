"""What a plan costs the vendor under Chinese labour rules, and its price at the vendor's margin.

Rules and sources (money in integer fen where it is summed; hours are paid hours: work, paid breaks and
training, never the unpaid lunch):

* Hourly base of overtime pay: the monthly wage / 174 h, i.e. 21.75 paid days x 8 h (劳社部发〔2008〕3号).
* Labour Law art. 44: 150 % for extended hours on working days, 200 % for work on rest days unless a day
  in lieu is given, 300 % for work on the statutory holidays themselves -- the days the holiday law names
  (:meth:`planner.calendar.ChineseCalendar.is_statutory_holiday`), not the bridged rest days of the
  holiday period. Time is classed by the calendar date it falls on (a night shift into a holiday is paid
  300 % after midnight). The premium is paid on top of the monthly wage, which already pays the holiday.
* Standard hours (标准工时制; State Council working-hours regulation art. 3 and 7: 8 h a day, 40 h a week,
  an enterprise may set each worker's weekly rest days): in each roster week an agent's regular days are as
  many as the week's official working days ``N`` (Mon-Fri less statutory days off and bridged rest days,
  plus make-up days; 5 in an ordinary week), on whichever days the rota puts them. Days worked beyond ``N``
  (not counting statutory holidays) are rest-day work at 200 %; official rest days are taken as those
  extra days first, later before earlier. On regular days, time over 8 h a day and then over ``N`` x 8 h a
  week is overtime at 150 %.
* Comprehensive hours (综合计算工时制; 劳部发〔1994〕503号, 工资支付暂行规定 art. 13): time over the
  settlement period's standard (``N`` x 8 h a week) is overtime at 150 %, with no daily limit and no
  rest-day premium; statutory holidays stay at 300 %. For a month, quarter or year the plan's horizon is
  taken as a sample of the period (its total against its standard).
* Labour Law art. 41: at most 36 h of overtime a month. Premium hours (150 %, 200 %, 300 %; not rest-day
  work given a day in lieu) are counted per agent and calendar month, projected to the whole month from the
  days the horizon covers, and a month over 36 h is flagged.
* Employer social insurance and housing fund: a rate times the agent's monthly gross pay clamped to the
  city's contribution base floor and ceiling.
* Support staff: one per ``per_agents`` agents of a team, rounded up; seats, IT and overhead per FTE.
* Price = cost / (1 - margin).

A typical month is the horizon's weeks scaled to 365.25 / 12 days, with statutory-holiday time priced
for the year ahead: every statutory holiday in the 365 days from the plan's start on which the team's
window is open is expected to be staffed like the horizon's ordinary days of the same weekday (or as
rostered, when the horizon holds it); a twelfth of the year's figure goes into each month. A part-time
agent is paid the wage pro rata to the most paid hours it works in a week, over 40 h.
"""

from __future__ import annotations

import calendar as month_calendar
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from planner.calendar import ChineseCalendar
from planner.domain import Schedule
from planner.errors import PlannerInputError
from planner.labour import (
    DAY_MIN,
    DAYS_PER_MONTH,
    OVERTIME_MONTH_MAX_MIN,
    STANDARD_DAY_WORK_MIN,
    STANDARD_WEEK_WORK_MIN,
    PayRules,
    classify_week,
)

PAID_ACTIVITIES = ("work", "break", "training")
HOLIDAY_ITEM = "statutory holiday work, year ahead"  # the monthly cost line of the 300 % holiday premium
HOLIDAY_HORIZON_ITEM = "statutory holiday work, rostered in the horizon"  # the horizon's own holiday hours
YEAR_DAYS = 365


@dataclass(frozen=True)
class AgentHours:
    """One agent's paid hours over the horizon, classed by the pay rule that applies to them.

    regular_h: straight time (paid by the wage); overtime_h: 150 %; rest_day_h: 200 %; lieu_h: rest-day
    work given a day in lieu (no premium); holiday_h: 300 %; night_h: inside the night window;
    wage_share: share of a full-time wage: the most paid hours in a roster week over that week's full-time
    hours (:func:`planner.labour.week_standard_min`: 40 h, less the statutory days off the window closes
    on, plus the make-up days it opens on), at most 1.
    """

    agent_id: str
    paid_h: float
    regular_h: float
    overtime_h: float
    rest_day_h: float
    lieu_h: float
    holiday_h: float
    night_h: float
    wage_share: float
    month_overtime_h: float = 0.0
    month_rest_day_h: float = 0.0


@dataclass(frozen=True)
class OvertimeFlag:
    """An agent-month over the 36 h of overtime of Labour Law art. 41 (``projected_h``: the month's
    premium hours scaled from the days of it the horizon covers)."""

    team: str
    agent_id: str
    month: str
    hours: float
    projected_h: float


@dataclass(frozen=True)
class CostLine:
    """One figure of the breakdown: ``amount_fen`` a month = ``quantity`` (``unit``) x ``rate_fen`` where a
    rate applies, by ``rule``. ``period`` "horizon": a figure of the planned weeks as rostered (the
    statutory-holiday hours worked in them), shown beside the monthly lines and not summed into them."""

    team: str
    item: str
    rule: str
    quantity: float
    unit: str
    rate_fen: float | None
    amount_fen: int
    period: str = "month"


@dataclass(frozen=True)
class TeamCost:
    """A team's hours (horizon), monthly cost lines and overtime flags."""

    team: str
    channels: tuple[str, ...]
    headcount: int
    fte: float
    support: tuple[tuple[str, int], ...]
    hours: dict[str, float]
    holidays_year: int
    lines: tuple[CostLine, ...]
    flags: tuple[OvertimeFlag, ...]

    @property
    def cost_month_fen(self) -> int:
        return sum(x.amount_fen for x in self.lines if x.period == "month")


@dataclass(frozen=True)
class CostBreakdown:
    """The plan's cost a month and a year, its price, and the lines every figure comes from."""

    teams: tuple[TeamCost, ...]
    margin: float
    hours_system: str
    weeks: int
    contacts_month: dict[str, float]
    channel_cost_month_fen: dict[str, int]

    @property
    def lines(self) -> tuple[CostLine, ...]:
        return tuple(x for t in self.teams for x in t.lines)

    @property
    def cost_month_fen(self) -> int:
        return sum(t.cost_month_fen for t in self.teams)

    @property
    def price_month_fen(self) -> int:
        return price_fen(self.cost_month_fen, self.margin)

    @property
    def fte(self) -> float:
        return sum(t.fte for t in self.teams)

    @property
    def contacts(self) -> float:
        return float(sum(self.contacts_month.values()))

    def fte_cost_month_fen(self) -> float:
        """The cost a month per agent FTE without the statutory-holiday line: wages, the rosters' own
        premiums (overtime, rest days, night), employer contributions, support staff, seats, IT and overhead,
        over the agent FTE. :mod:`planner.capacity` prices the holiday premium month by month instead."""
        if self.fte <= 0:
            raise PlannerInputError("cost: the plan has no agent FTE to price a head by")
        holiday = sum(x.amount_fen for x in self.lines if x.item == HOLIDAY_ITEM)
        return (self.cost_month_fen - holiday) / self.fte

    def to_dict(self) -> dict[str, Any]:
        """The ``cost`` block of ``summary.json`` (CNY for people, fen where summed)."""
        return cost_summary(self)

    def lines_frame(self) -> pd.DataFrame:
        """The breakdown as a table (the ``cost`` sheet of ``plan.xlsx``), totals last."""
        rows = [
            {
                "team": x.team,
                "item": x.item,
                "rule": x.rule,
                "quantity": x.quantity,
                "unit": x.unit,
                "rate_cny": None if x.rate_fen is None else x.rate_fen / 100,
                "amount_cny_horizon": x.amount_fen / 100 if x.period == "horizon" else None,
                "amount_cny_month": x.amount_fen / 100 if x.period == "month" else None,
            }
            for x in self.lines
        ]
        cost, price = self.cost_month_fen, self.price_month_fen
        rows += [
            {"team": "", "item": "cost", "rule": "sum of the lines above", "quantity": None, "unit": "",
             "rate_cny": None, "amount_cny_month": cost / 100},
            {"team": "", "item": "margin", "rule": f"price = cost / (1 - {self.margin:g})", "quantity": None,
             "unit": "", "rate_cny": None, "amount_cny_month": (price - cost) / 100},
            {"team": "", "item": "price", "rule": "cost + margin", "quantity": None, "unit": "",
             "rate_cny": None, "amount_cny_month": price / 100},
        ]
        return pd.DataFrame(rows)


def price_fen(cost_fen: int, margin: float) -> int:
    """The price that leaves ``margin`` of it to the vendor: cost / (1 - margin), in fen."""
    return round(cost_fen / (1.0 - margin))


# --------------------------------------------------------------------------------------------
# Hours by pay rule
# --------------------------------------------------------------------------------------------


def _pieces(schedule: Schedule, night: tuple[int, int], source: str) -> pd.DataFrame:
    """Paid time split at midnight: agent_id, day (the shift's date), on (the calendar date), minutes,
    night minutes."""
    paid = schedule.frame[schedule.frame["activity"].isin(PAID_ACTIVITIES)]
    cols = ["agent_id", "day", "on", "minutes", "night"]
    if paid.empty:
        return pd.DataFrame(columns=cols)
    start = paid["start"].to_numpy()
    end = paid["end"].to_numpy()
    if (end <= start).any() or ((end - start) >= np.timedelta64(1, "D")).any():
        raise PlannerInputError(f"{source}: an activity ends before it starts or lasts a day or more")
    midnight = start.astype("datetime64[D]") + np.timedelta64(1, "D")
    first_end = np.minimum(end, midnight)
    day = paid["date"].dt.date.to_numpy()
    agents = paid["agent_id"].astype(str).to_numpy()
    second = end > midnight
    a = np.concatenate([start, midnight[second]])
    b = np.concatenate([first_end, end[second]])
    out = pd.DataFrame(
        {
            "agent_id": np.concatenate([agents, agents[second]]),
            "day": np.concatenate([day, day[second]]),
            "on": pd.to_datetime(a.astype("datetime64[D]")).date,
        }
    )
    lo = (a - a.astype("datetime64[D]")) / np.timedelta64(1, "m")
    hi = lo + (b - a) / np.timedelta64(1, "m")
    out["minutes"] = hi - lo
    out["night"] = _night_overlap(lo, hi, *night)
    return out[cols]


def _night_overlap(lo: np.ndarray, hi: np.ndarray, night_start: int, night_end: int) -> np.ndarray:
    """Minutes of [lo, hi) (minutes after midnight, within one day) inside the night window."""

    def overlap(x: int, y: int) -> np.ndarray:
        return np.clip(np.minimum(hi, y) - np.maximum(lo, x), 0, None)

    if night_start == night_end:
        return np.zeros_like(lo)
    if night_start > night_end:  # wraps midnight, e.g. 22:00-06:00
        return overlap(0, night_end) + overlap(night_start, DAY_MIN)
    return overlap(night_start, night_end)


def classify_hours(
    schedule: Schedule,
    *,
    start: date,
    weeks: int,
    pay: PayRules,
    calendar: ChineseCalendar,
    night: tuple[int, int],
    source: str = "schedule",
    week_standard: Sequence[int] | None = None,
) -> tuple[tuple[AgentHours, ...], dict[tuple[str, date], float]]:
    """Each agent's paid hours by pay rule (module docstring), and the premium minutes per (agent, date)
    that count toward the 36 h a month (not rest-day work given a day in lieu).

    ``start``: the first day of the roster's weeks; every shift must start inside the ``weeks`` from it.
    ``night``: the night window (start, end) in minutes after midnight. ``week_standard``: each week's
    full-time paid minutes (:func:`planner.labour.week_standard_min`; default 40 h), the wage share's base.
    """
    return _classify(_pieces(schedule, night, source), start, weeks, pay, calendar, source, week_standard)


def _classify(
    pieces: pd.DataFrame,
    start: date,
    weeks: int,
    pay: PayRules,
    calendar: ChineseCalendar,
    source: str,
    week_standard: Sequence[int] | None = None,
) -> tuple[tuple[AgentHours, ...], dict[tuple[str, date], float]]:
    """:func:`classify_hours` on the paid time already split at midnight (:func:`_pieces`)."""
    pieces = pieces.copy()
    stop = start + timedelta(days=7 * weeks)
    if len(pieces) and (pieces["day"].min() < start or pieces["day"].max() >= stop):
        bad = pieces["day"].min() if pieces["day"].min() < start else pieces["day"].max()
        raise PlannerInputError(f"{source}: a shift on {bad} is outside the weeks {start} to {stop - timedelta(1)}")
    week_days = [[start + timedelta(days=7 * w + i) for i in range(7)] for w in range(weeks)]
    working = [sum(calendar.is_working_day(d) for d in days) for days in week_days]
    standard = list(week_standard) if week_standard is not None else [STANDARD_WEEK_WORK_MIN] * weeks
    statutory = {d: calendar.is_statutory_holiday(d) for d in set(pieces["on"]) | set(pieces["day"])}
    pieces["holiday"] = pieces["on"].map(statutory).astype(bool)
    comprehensive = pay.hours_system == "comprehensive"
    odd = [any(calendar.is_atypical(d) for d in days) for days in week_days]
    month_weights = _month_weights(start, odd, calendar)
    out, premium = [], defaultdict(float)
    for agent, rows in pieces.groupby("agent_id", sort=True):
        other = rows[~rows["holiday"]].groupby("day")["minutes"].sum().to_dict()
        every = rows.groupby("day")["minutes"].sum().to_dict()
        for on, m in rows[rows["holiday"]].groupby("on")["minutes"].sum().items():
            premium[(agent, on)] += m
        month_ot = month_rest = 0.0
        overtime = rest = lieu = 0.0
        share = 0.0
        comp_other = comp_std = 0.0
        comp_days: dict[date, float] = {}
        for w, days in enumerate(week_days):
            share = max(share, rows[rows["day"].isin(days)]["minutes"].sum() / standard[w])
            n = working[w]
            if comprehensive and pay.settlement != "week":
                worked = {d: other[d] for d in days if other.get(d, 0) > 0}
                comp_other += sum(worked.values())
                comp_std += n * STANDARD_DAY_WORK_MIN
                comp_days.update(worked)
                continue
            wk = classify_week(days, other, statutory, calendar.is_working_day, n,
                               comprehensive=comprehensive, in_lieu=pay.rest_day_in_lieu)
            overtime += wk.overtime
            rest += wk.rest
            lieu += wk.lieu
            for d, m in wk.premium.items():
                premium[(agent, d)] += m
            # the same rota in an ordinary week (Mon-Fri working, no holiday): what it costs outside holidays
            plain = wk if not odd[w] else classify_week(
                days, every, {}, lambda d: d.weekday() < 5, 5, comprehensive=comprehensive,
                in_lieu=pay.rest_day_in_lieu)
            as_rostered, as_ordinary = month_weights[w]
            month_ot += as_rostered * wk.overtime + as_ordinary * plain.overtime
            month_rest += as_rostered * wk.rest + as_ordinary * plain.rest
        if comprehensive and pay.settlement != "week":
            excess = max(0.0, comp_other - comp_std)
            overtime += excess
            month_ot = excess * DAYS_PER_MONTH / (7 * weeks)
            _spread(premium, agent, comp_days, excess)
        paid = float(rows["minutes"].sum())
        holiday = float(rows.loc[rows["holiday"], "minutes"].sum())
        regular = paid - holiday - overtime - rest - lieu
        out.append(
            AgentHours(
                agent_id=str(agent),
                paid_h=paid / 60,
                regular_h=regular / 60,
                overtime_h=overtime / 60,
                rest_day_h=rest / 60,
                lieu_h=lieu / 60,
                holiday_h=holiday / 60,
                night_h=float(rows["night"].sum()) / 60,
                wage_share=min(1.0, share),
                month_overtime_h=month_ot / 60,
                month_rest_day_h=month_rest / 60,
            )
        )
    return tuple(out), dict(premium)


def _month_weights(start: date, odd: Sequence[bool], calendar: ChineseCalendar) -> list[tuple[float, float]]:
    """Per roster week, the weights that turn its premium hours into a typical month's: (as rostered, as the
    same rota would be paid in an ordinary week). A year has 365.25 / 7 weeks, of which ``a`` hold holidays
    or make-up days (counted in the 52 weeks from ``start``); a typical month is a twelfth of it. Ordinary
    weeks of the horizon stand for the year's ordinary weeks; its holiday weeks stand for the year's holiday
    weeks as rostered and, priced as ordinary, for its ordinary weeks too. A horizon without holiday weeks
    stands for both."""
    year_weeks = DAYS_PER_MONTH * 12 / 7
    a = sum(
        any(calendar.is_atypical(start + timedelta(days=7 * k + i)) for i in range(7)) for k in range(52)
    ) * year_weeks / 52
    n, n_odd = len(odd), sum(odd)
    out = []
    for is_odd in odd:
        if n_odd == 0:
            out.append((year_weeks / 12 / n, 0.0))
        elif is_odd:
            out.append((a / 12 / n_odd, (year_weeks - a) / 12 / n))
        else:
            out.append((0.0, (year_weeks - a) / 12 / n))
    return out


def _spread(premium: dict, agent: str, minutes_by_day: dict[date, float], excess: float) -> None:
    """Spread an overtime total over the days worked, in proportion to their minutes."""
    total = sum(minutes_by_day.values())
    if excess <= 0 or total <= 0:
        return
    for d, m in minutes_by_day.items():
        premium[(agent, d)] += excess * m / total


def overtime_flags(
    team: str,
    premium: dict[tuple[str, date], float],
    start: date,
    weeks: int,
    calendar: ChineseCalendar | None = None,
) -> tuple[OvertimeFlag, ...]:
    """Agent-months whose premium hours, projected to the whole month, pass 36 h (Labour Law art. 41).

    The projection keeps the horizon's own hours as they are and extends only its ordinary weeks' rate
    (weeks without a holiday-period, statutory or make-up day) to the days of the month the horizon does not
    cover: a holiday week's rest-day and holiday hours are not repeated over the month. Without a calendar
    every week counts as ordinary."""
    covered: dict[str, int] = defaultdict(int)
    ordinary_days: dict[str, set[date]] = defaultdict(set)
    for w in range(weeks):
        days = [start + timedelta(days=7 * w + i) for i in range(7)]
        ordinary = calendar is None or not any(calendar.is_atypical(d) for d in days)
        for d in days:
            covered[f"{d:%Y-%m}"] += 1
            if ordinary:
                ordinary_days[f"{d:%Y-%m}"].add(d)
    by_month: dict[tuple[str, str], float] = defaultdict(float)
    by_month_ordinary: dict[tuple[str, str], float] = defaultdict(float)
    for (agent, d), m in premium.items():
        key = (agent, f"{d:%Y-%m}")
        by_month[key] += m
        if d in ordinary_days[key[1]]:
            by_month_ordinary[key] += m
    flags = []
    for (agent, month), m in sorted(by_month.items()):
        y, mo = map(int, month.split("-"))
        uncovered = month_calendar.monthrange(y, mo)[1] - covered.get(month, 0)
        n_ordinary = len(ordinary_days[month])
        rate = by_month_ordinary[(agent, month)] / n_ordinary if n_ordinary else 0.0
        projected = m + rate * uncovered
        if projected > OVERTIME_MONTH_MAX_MIN + 1e-9:
            flags.append(OvertimeFlag(team, agent, month, m / 60, projected / 60))
    return tuple(flags)


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------


def statutory_holidays_ahead(start: date, calendar: ChineseCalendar, is_open: Any) -> tuple[date, ...]:
    """The statutory holidays in the 365 days from ``start`` on which ``is_open(day)`` (the team's window)."""
    days = (start + timedelta(days=i) for i in range(YEAR_DAYS))
    return tuple(d for d in days if calendar.is_statutory_holiday(d) and is_open(d))


def _expected_holiday_minutes(
    schedule_pieces: pd.DataFrame, holidays: Sequence[date], start: date, weeks: int, calendar: ChineseCalendar
) -> float:
    """Paid minutes expected on ``holidays``: as rostered inside the horizon, else the mean of the horizon's
    ordinary days of the same weekday."""
    stop = start + timedelta(days=7 * weeks)
    by_date = schedule_pieces.groupby("on")["minutes"].sum().to_dict() if len(schedule_pieces) else {}
    ordinary: dict[int, list[float]] = defaultdict(list)
    for i in range(7 * weeks):
        d = start + timedelta(days=i)
        if not calendar.is_statutory_holiday(d):
            ordinary[d.weekday()].append(by_date.get(d, 0.0))
    total = 0.0
    for d in holidays:
        if start <= d < stop:
            total += by_date.get(d, 0.0)
        elif ordinary[d.weekday()]:
            total += float(np.mean(ordinary[d.weekday()]))
    return total


def team_cost(
    team: str,
    channels: Sequence[str],
    schedule: Schedule,
    *,
    start: date,
    weeks: int,
    pay: PayRules,
    calendar: ChineseCalendar,
    night: tuple[int, int],
    holidays_open: Sequence[date] = (),
    source: str = "schedule",
    week_standard: Sequence[int] | None = None,
) -> TeamCost:
    """A team's monthly cost lines (module docstring). ``holidays_open``: the statutory holidays of the year
    ahead on which the team's window is open (:func:`statutory_holidays_ahead`); a statutory holiday of the
    horizon the roster works is priced as rostered whether or not the window opens on it.
    ``week_standard``: each roster week's full-time paid minutes (the wage share's base)."""
    pieces = _pieces(schedule, night, source)
    agents, premium = _classify(pieces, start, weeks, pay, calendar, source, week_standard)
    month = DAYS_PER_MONTH / (7 * weeks)  # horizon -> a typical month
    hourly = pay.hourly_fen
    stop = start + timedelta(days=7 * weeks)
    worked_holidays = {d for d in (pieces["on"] if len(pieces) else ())
                       if start <= d < stop and calendar.is_statutory_holiday(d)}
    holidays_open = tuple(sorted(set(holidays_open) | worked_holidays))
    holiday_month_h = _expected_holiday_minutes(pieces, holidays_open, start, weeks, calendar) / 60 / 12
    share = np.array([a.wage_share for a in agents])
    fte = float(share.sum())
    # each agent's gross a month: wage share + own premiums and night time + a share of the holiday premium
    gross = [
        s * pay.monthly_wage_fen
        + hourly * (pay.overtime_multiple * a.month_overtime_h + pay.rest_day_multiple * a.month_rest_day_h)
        + month * pay.night_allowance_fen_per_hour * a.night_h
        + (holiday_month_h * pay.holiday_multiple * hourly * s / fte if fte > 0 else 0.0)
        for a, s in zip(agents, share, strict=True)
    ]
    h = {k: sum(getattr(a, k) for a in agents) for k in
         ("paid_h", "regular_h", "overtime_h", "rest_day_h", "lieu_h", "holiday_h", "night_h")}
    lines: list[CostLine] = []

    def line(item: str, rule: str, quantity: float, unit: str, rate: float | None, amount: float | None = None,
             period: str = "month"):
        value = quantity * rate if amount is None and rate is not None else amount
        lines.append(CostLine(team, item, rule, quantity, unit, rate, round(value or 0.0), period))

    line("agent wages", "monthly wage x wage share (paid hours in the busiest week / that week's full-time "
         "hours: 40 h less statutory days off the window closes on, at most 1)",
         fte, "FTE", float(pay.monthly_wage_fen))
    hours_rule = "standard hours: over 8 h a day or the week's working days x 8 h" if pay.hours_system == "standard" \
        else f"comprehensive hours: over the {pay.settlement}'s standard (working days x 8 h)"
    line("overtime on working days",
         f"Labour Law art. 44(1): {pay.overtime_multiple:.0%} of monthly wage / 174 h; {hours_rule}",
         sum(a.month_overtime_h for a in agents), "h", pay.overtime_multiple * hourly)
    if pay.hours_system == "standard":
        if pay.rest_day_in_lieu:
            line("rest-day work, day in lieu", "Labour Law art. 44(2): a day in lieu instead of 200 %",
                 h["lieu_h"] * month, "h", 0.0)
        else:
            line("rest-day work",
                 f"Labour Law art. 44(2): {pay.rest_day_multiple:.0%} (days beyond the week's working days)",
                 sum(a.month_rest_day_h for a in agents), "h", pay.rest_day_multiple * hourly)
    line(HOLIDAY_ITEM,
         f"Labour Law art. 44(3): {pay.holiday_multiple:.0%} on the statutory holidays; {len(holidays_open)} in "
         "the year ahead worked (the horizon's as rostered, the others estimated from its ordinary days), a "
         "twelfth a month", holiday_month_h, "h", pay.holiday_multiple * hourly)
    line(HOLIDAY_HORIZON_ITEM,
         f"Labour Law art. 44(3): {pay.holiday_multiple:.0%}; the paid hours rostered on statutory holidays in the "
         "planned weeks (in the year-ahead line above, not added to the month)",
         h["holiday_h"], "h", pay.holiday_multiple * hourly, period="horizon")
    line("night allowance", "per paid hour inside the night window", h["night_h"] * month, "h",
         float(pay.night_allowance_fen_per_hour))
    si, hf = pay.social_insurance, pay.housing_fund
    line("employer social insurance",
         f"{si.rate:.2%} of each agent's gross pay clamped to [{si.base_floor_fen / 100:g}, "
         f"{si.base_ceiling_fen / 100:g}] CNY", len(agents), "agents", None, sum(si.monthly_fen(g) for g in gross))
    line("housing fund",
         f"{hf.rate:.2%} of each agent's gross pay clamped to [{hf.base_floor_fen / 100:g}, "
         f"{hf.base_ceiling_fen / 100:g}] CNY", len(agents), "agents", None, sum(hf.monthly_fen(g) for g in gross))
    support = []
    for role in pay.support:
        n = support_count(len(agents), role.per_agents)
        support.append((role.name, n))
        line(f"support: {role.name}", f"one per {role.per_agents:g} agents, rounded up ({len(agents)} agents)",
             n, "staff", float(role.monthly_wage_fen))
        line(f"support: {role.name} contributions", "social insurance and housing fund on the role's wage",
             n, "staff", float(si.monthly_fen(role.monthly_wage_fen) + hf.monthly_fen(role.monthly_wage_fen)))
    heads = fte + sum(n for _, n in support)
    for item, rate in (("seats", pay.seat_fen_per_fte_month), ("IT", pay.it_fen_per_fte_month),
                       ("overhead", pay.overhead_fen_per_fte_month)):
        line(item, "per FTE a month (agents and support staff)", heads, "FTE", float(rate))
    return TeamCost(
        team=team,
        channels=tuple(channels),
        headcount=len(agents),
        fte=fte,
        support=tuple(support),
        hours={**h, "holiday_month_h": holiday_month_h},
        holidays_year=len(holidays_open),
        lines=tuple(lines),
        flags=overtime_flags(team, premium, start, weeks, calendar),
    )


def support_count(agents: int, per_agents: float) -> int:
    """Support staff for a team: one per ``per_agents`` agents, rounded up (none without agents)."""
    if per_agents <= 0:
        raise PlannerInputError(f"pay: support per_agents {per_agents} must be > 0")
    return math.ceil(agents / per_agents - 1e-9) if agents > 0 else 0


def plan_cost(
    teams: Sequence[TeamCost],
    *,
    pay: PayRules,
    weeks: int,
    handled: dict[str, float],
    required_hours: dict[str, float],
) -> CostBreakdown:
    """The plan's cost from its teams' costs. ``handled``: contacts handled per channel over the horizon;
    ``required_hours``: each channel's required agent-hours, which split its team's cost among its channels."""
    month = DAYS_PER_MONTH / (7 * weeks)
    by_channel: dict[str, int] = {}
    for t in teams:
        hours = {c: max(required_hours.get(c, 0.0), 0.0) for c in t.channels}
        total = sum(hours.values())
        for c in t.channels:
            by_channel[c] = round(t.cost_month_fen * (hours[c] / total if total > 0 else 1 / len(t.channels)))
    return CostBreakdown(
        teams=tuple(teams),
        margin=pay.margin,
        hours_system=pay.hours_system,
        weeks=weeks,
        contacts_month={c: float(v) * month for c, v in handled.items()},
        channel_cost_month_fen=by_channel,
    )


def _cny(fen: float) -> float:
    return fen / 100


def _per(x: float, n: float) -> float | None:
    return x / n if n > 0 else None


def cost_summary(c: CostBreakdown) -> dict[str, Any]:
    """JSON-ready figures: CNY a month and a year, per contact and per FTE-month, hours and lines."""
    cost, price = c.cost_month_fen, c.price_month_fen
    channels = {}
    for ch, fen in c.channel_cost_month_fen.items():
        n = c.contacts_month.get(ch, 0.0)
        channels[ch] = {
            "contacts_month": n,
            "cost_month_cny": _cny(fen),
            "cost_per_contact_cny": _per(_cny(fen), n),
            "price_per_contact_cny": _per(_cny(price_fen(fen, c.margin)), n),
        }
    hours_keys = ("paid_h", "regular_h", "overtime_h", "rest_day_h", "lieu_h", "holiday_h", "night_h")
    return {
        "currency": "CNY",
        "hours_system": c.hours_system,
        "weeks": c.weeks,
        "fte": c.fte,
        "headcount": sum(t.headcount for t in c.teams),
        "support_staff": {name: sum(dict(t.support).get(name, 0) for t in c.teams)
                          for name in dict.fromkeys(n for t in c.teams for n, _ in t.support)},
        "cost_month_cny": _cny(cost),
        "cost_year_cny": _cny(12 * cost),
        "margin": c.margin,
        "price_month_cny": _cny(price),
        "price_year_cny": _cny(12 * price),
        "contacts_month": c.contacts,
        "cost_per_contact_cny": _per(_cny(cost), c.contacts),
        "price_per_contact_cny": _per(_cny(price), c.contacts),
        "price_per_fte_month_cny": _per(_cny(price), c.fte),
        "cost_month_fen": cost,
        "price_month_fen": price,
        "horizon_hours": {k: sum(t.hours[k] for t in c.teams) for k in hours_keys},
        "overtime_flags": [
            {"team": f.team, "agent_id": f.agent_id, "month": f.month, "hours": f.hours, "projected_h": f.projected_h}
            for f in (x for t in c.teams for x in t.flags)
        ],
        "channels": channels,
        "teams": {
            t.team: {"headcount": t.headcount, "fte": t.fte, "cost_month_cny": _cny(t.cost_month_fen),
                     "holidays_year": t.holidays_year, "support": dict(t.support),
                     "hours": {k: t.hours[k] for k in (*hours_keys, "holiday_month_h")}}
            for t in c.teams
        },
        "lines": [
            {"team": x.team, "item": x.item, "rule": x.rule, "quantity": x.quantity, "unit": x.unit,
             "rate_cny": None if x.rate_fen is None else _cny(x.rate_fen), "amount_fen": x.amount_fen,
             "amount_cny": _cny(x.amount_fen), "period": x.period}
            for x in c.lines
        ],
    }
