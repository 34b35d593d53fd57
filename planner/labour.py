"""Chinese labour rules and pay rates: hours limits, overtime premiums, night work (fractions, not percent).

Sources: PRC Labour Law (1994, amended 2018) art. 36 (8 h a day, 44 h a week, since 1995 40 h by the
State Council's working-hours regulation art. 3), art. 38 (at least one rest day a week), art. 41
(overtime at most 1 h a day normally, 3 h a day in special cases, 36 h a month) and art. 44 (overtime pay:
150 % on working days, 200 % on rest days without a day in lieu, 300 % on statutory holidays).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from planner.errors import PlannerInputError

DAY_MIN = 1440
WEEK_DAYS = 7
WEEK_MIN = WEEK_DAYS * DAY_MIN

STANDARD_DAY_WORK_MIN = 8 * 60
STANDARD_WEEK_WORK_MIN = 40 * 60
OVERTIME_DAY_MAX_MIN = 3 * 60
OVERTIME_MONTH_MAX_MIN = 36 * 60
# The week's share of the 36 h monthly overtime cap (36 h x 7 / 30 = 8.4 h): a weekly roster cannot see
# the rest of the month, so it never spends more than its pro-rata share.
OVERTIME_WEEK_MAX_MIN = OVERTIME_MONTH_MAX_MIN * 7 // 30

# Labour Law art. 44: pay multiple of the base rate for overtime (fractions of the hourly wage).
OVERTIME_WORKDAY_MULTIPLE = 1.5
OVERTIME_RESTDAY_MULTIPLE = 2.0
OVERTIME_HOLIDAY_MULTIPLE = 3.0

# How the user wrote each rostering setting, for messages that tell them what to change: the scenario's
# keys by default (planner plan, cost, check, the app); ``planner schedule`` passes the flags it was given
# (ShiftRules.names). Engines never name a flag or key of their own.
SCENARIO_NAMES = {
    "shift_hours": "rules.shift_hours",
    "start_step_min": "rules.start_step_min",
    "earliest_start": "rules.earliest_start",
    "latest_start": "rules.latest_start",
    "overtime": "rules.overtime",
    "days_per_week": "rules.days_per_week",
    "min_rest": "rules.min_rest_hours",
    "min_staff": "rules.min_staff",
    "time_limit_s": "solver.time_limit_s",
}


@dataclass(frozen=True)
class ShiftRules:
    """Rules that generate shift templates and weekly tours (all durations in minutes).

    shift_lengths_min: allowed shift lengths including lunch. start_step_min: start-time grid;
    earliest_start_min / latest_start_min: allowed start times [min after midnight]; if latest < earliest
    the window wraps midnight. extra_start_windows: more (earliest, latest) start windows, e.g. a day
    window and a night window per coverage window. lunch_min: unpaid lunch for shifts longer than
    ``lunch_from_shift_min``, starting 3 h after the shift start at the earliest and ending 3 h before
    its end at the latest.
    breaks_per_shift / break_min: paid short breaks (0, 1 or 2) on a ``break_step_min`` grid: one in
    the first part of the shift before lunch and one after it. min_days / max_days: working days a week.
    min_rest_min: rest between the end of one shift and the start of the next.
    overtime_month_limit: the 36 h a month of premium hours (Labour Law art. 41) is a constraint of the
    roster; False lets the roster pass it (priced, and flagged by costing).
    """

    shift_lengths_min: tuple[int, ...] = (540,)
    start_step_min: int = 30
    earliest_start_min: int = 0
    latest_start_min: int = DAY_MIN - 30
    extra_start_windows: tuple[tuple[int, int], ...] = ()
    lunch_min: int = 60
    lunch_step_min: int = 30
    lunch_from_shift_min: int = 360
    breaks_per_shift: int = 0
    break_min: int = 15
    break_step_min: int = 15
    min_days: int = 5
    max_days: int = 5
    min_rest_min: int = 11 * 60
    overtime: bool = False
    night_start_min: int = 22 * 60
    night_end_min: int = 6 * 60
    overtime_month_limit: bool = True
    # setting -> how the user wrote it (SCENARIO_NAMES' keys), for messages only: not part of the rules
    names: dict[str, str] = field(default_factory=lambda: dict(SCENARIO_NAMES), compare=False, repr=False)

    def name(self, setting: str) -> str:
        """How the user wrote ``setting`` (a scenario key or a flag), for a message."""
        return self.names.get(setting) or SCENARIO_NAMES[setting]

    def __post_init__(self) -> None:
        if not self.shift_lengths_min:
            raise PlannerInputError(f"shift rules: no shift length given ({self.name('shift_hours')})")
        for length in self.shift_lengths_min:
            if not 60 <= length <= 16 * 60:
                raise PlannerInputError(f"shift rules: shift length {length / 60:g} h is outside 1..16 h")
        if self.start_step_min <= 0 or DAY_MIN % self.start_step_min:
            raise PlannerInputError(
                f"shift rules: {self.name('start_step_min')}: start step {self.start_step_min} min must divide a day"
            )
        for name in ("earliest_start_min", "latest_start_min"):
            if not 0 <= getattr(self, name) < DAY_MIN:
                raise PlannerInputError(f"shift rules: {name} must be a time of day")
        if not 1 <= self.min_days <= self.max_days <= WEEK_DAYS:
            raise PlannerInputError(
                f"shift rules: working days a week must satisfy 1 <= {self.min_days} <= {self.max_days} <= 7"
            )
        if self.max_days == WEEK_DAYS:
            raise PlannerInputError(
                "shift rules: 7 working days a week breaks the weekly rest day (Labour Law art. 38)"
            )
        if self.lunch_min < 0 or self.break_min < 0 or self.breaks_per_shift not in (0, 1, 2):
            raise PlannerInputError("shift rules: lunch/break lengths must be >= 0 and breaks 0, 1 or 2")
        if self.min_rest_min < 0:
            raise PlannerInputError("shift rules: minimum rest must be >= 0")

    @property
    def max_week_work_min(self) -> int:
        """Weekly work cap: 40 h, plus the week's overtime share when overtime is enabled."""
        return STANDARD_WEEK_WORK_MIN + (OVERTIME_WEEK_MAX_MIN if self.overtime else 0)

    @property
    def max_day_work_min(self) -> int:
        """Daily work cap: 8 h, plus 3 h when overtime is enabled."""
        return STANDARD_DAY_WORK_MIN + (OVERTIME_DAY_MAX_MIN if self.overtime else 0)


# --------------------------------------------------------------------------------------------
# Pay: what a roster costs the vendor (planner.costing)
# --------------------------------------------------------------------------------------------

HOURS_SYSTEMS = ("standard", "comprehensive")  # 标准工时制, 综合计算工时制
SETTLEMENT_PERIODS = ("week", "month", "quarter", "year")
# 劳社部发〔2008〕3号: 21.75 paid days a month (月计薪天数), so the hourly base of overtime pay is the
# monthly wage / (21.75 x 8 h) = / 174 h.
PAID_DAYS_PER_MONTH = 21.75
PAID_HOURS_PER_MONTH = PAID_DAYS_PER_MONTH * STANDARD_DAY_WORK_MIN / 60
DAYS_PER_MONTH = 365.25 / 12  # a typical calendar month, for scaling a horizon of weeks


@dataclass(frozen=True)
class Contribution:
    """An employer contribution: ``rate`` (fraction) of the employee's monthly wage clamped to the city's
    contribution base floor and ceiling (fen)."""

    rate: float
    base_floor_fen: int
    base_ceiling_fen: int

    def __post_init__(self) -> None:
        if not 0 <= self.rate < 1:
            raise PlannerInputError(f"pay: contribution rate {self.rate} must be a fraction in [0, 1)")
        if not 0 <= self.base_floor_fen <= self.base_ceiling_fen:
            raise PlannerInputError("pay: a contribution base floor must be >= 0 and at most its ceiling")

    def monthly_fen(self, wage_fen: float) -> int:
        """rate x clamp(wage, floor, ceiling), in fen."""
        return round(self.rate * min(max(wage_fen, self.base_floor_fen), self.base_ceiling_fen))


@dataclass(frozen=True)
class SupportRole:
    """Support staff: one ``name`` per ``per_agents`` agents (rounded up per team), on its own wage."""

    name: str
    per_agents: float
    monthly_wage_fen: int


@dataclass(frozen=True)
class PayRules:
    """What the vendor pays (money in integer fen, shares as fractions); see ``planner.costing``.

    monthly_wage_fen: an agent's base monthly wage (a full-time agent; part-time pro rata).
    hours_system: ``standard`` (8 h a day, 40 h a week; rest-day work beyond the week's working days) or
    ``comprehensive`` (综合计算工时制: hours over the settlement period's standard are overtime).
    social_insurance / housing_fund: employer contributions. night_allowance_fen_per_hour: per paid hour
    inside the rules' night window. rest_day_in_lieu: rest-day work is given a day in lieu (no 200 %).
    support: team leaders, quality, trainers, WFM. seat/it/overhead_fen_per_fte_month: per FTE, agents and
    support. margin: the vendor's share of the price (price = cost / (1 - margin)). minimum_wage_fen: the
    city's monthly minimum wage, which the wage may not undercut.
    """

    monthly_wage_fen: int = 650_000
    hours_system: str = "standard"
    settlement: str = "month"
    social_insurance: Contribution = Contribution(0.2566, 746_000, 3_730_200)
    housing_fund: Contribution = Contribution(0.07, 274_000, 3_730_200)
    night_allowance_fen_per_hour: int = 500
    rest_day_in_lieu: bool = False
    overtime_multiple: float = OVERTIME_WORKDAY_MULTIPLE
    rest_day_multiple: float = OVERTIME_RESTDAY_MULTIPLE
    holiday_multiple: float = OVERTIME_HOLIDAY_MULTIPLE
    support: tuple[SupportRole, ...] = (
        SupportRole("team_leader", 12, 950_000),
        SupportRole("quality", 25, 850_000),
        SupportRole("trainer", 60, 850_000),
        SupportRole("wfm", 100, 1_000_000),
    )
    seat_fen_per_fte_month: int = 150_000
    it_fen_per_fte_month: int = 50_000
    overhead_fen_per_fte_month: int = 80_000
    margin: float = 0.15
    minimum_wage_fen: int = 274_000

    def __post_init__(self) -> None:
        if self.hours_system not in HOURS_SYSTEMS:
            raise PlannerInputError(f"pay: hours_system {self.hours_system!r}: one of {', '.join(HOURS_SYSTEMS)}")
        if self.settlement not in SETTLEMENT_PERIODS:
            raise PlannerInputError(f"pay: settlement {self.settlement!r}: one of {', '.join(SETTLEMENT_PERIODS)}")
        if self.monthly_wage_fen < self.minimum_wage_fen:
            raise PlannerInputError(
                f"pay: monthly wage {self.monthly_wage_fen / 100:g} CNY is below the minimum wage "
                f"{self.minimum_wage_fen / 100:g} CNY"
            )
        if not 0 <= self.margin < 1:
            raise PlannerInputError(f"pay: margin {self.margin} must be a fraction in [0, 1)")
        for name, floor in (("overtime_multiple", OVERTIME_WORKDAY_MULTIPLE),
                            ("rest_day_multiple", OVERTIME_RESTDAY_MULTIPLE),
                            ("holiday_multiple", OVERTIME_HOLIDAY_MULTIPLE)):
            value = getattr(self, name)
            if not floor <= value <= 10:
                raise PlannerInputError(
                    f"pay: {name} {value:g} must be between the legal {floor:g} (Labour Law art. 44) and 10"
                )

    @property
    def hourly_fen(self) -> float:
        """The hourly base of overtime pay: monthly wage / 174 h (21.75 paid days x 8 h)."""
        return self.monthly_wage_fen / PAID_HOURS_PER_MONTH


@dataclass(frozen=True)
class CostRates:
    """What a roster costs the solver: the pay rules' cost of each tour (:attr:`pay`, the only source of
    rates: the wage, the overtime, rest-day and holiday multiples, the night allowance, the hours system),
    and the solver-only weights, which price nothing anyone pays. Money in integer fen (1 CNY = 100 fen).

    Solver-only weights: shortfall_fen_per_agent_hour, a penalty per agent-hour below need (large: covering
    comes first); surplus_fen_per_agent_hour, a small penalty per agent-hour above need (a tie-breaker);
    split_days_off_fen, per tour without two consecutive days off (a preference). min_staff: the hard floor
    of agents in every interval with a positive requirement (the coverage window).
    """

    pay: PayRules = field(default_factory=PayRules)
    shortfall_fen_per_agent_hour: int = 600_000
    surplus_fen_per_agent_hour: int = 60
    split_days_off_fen: int = 3000
    min_staff: int = 1

    @property
    def hourly_rate_fen(self) -> float:
        """The hourly base: the pay rules' monthly wage / 174 h."""
        return self.pay.hourly_fen

    @property
    def comprehensive(self) -> bool:
        return self.pay.hours_system == "comprehensive"


# --------------------------------------------------------------------------------------------
# One agent-week by pay rule: the one rule costing and the roster's objective both apply
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekHours:
    """One agent's week by pay rule [min]: ``overtime`` (150 %), ``rest`` (rest-day work, 200 %), ``lieu``
    (rest-day work given a day in lieu), and ``premium`` per day: the minutes that count toward the 36 h a
    month (Labour Law art. 41; holiday minutes are added by the caller)."""

    overtime: float
    rest: float
    lieu: float
    premium: dict[Hashable, float]


def classify_week(
    days: Sequence[Hashable],
    other: Mapping[Hashable, float],
    statutory: Mapping[Hashable, bool],
    is_working: Callable[[Hashable], bool],
    working_days: int,
    *,
    comprehensive: bool = False,
    in_lieu: bool = False,
) -> WeekHours:
    """Classify one agent-week's paid minutes outside statutory holidays (``other``, by shift day; time on a
    statutory holiday is paid 300 % apart and is not passed here).

    Standard hours (标准工时制; State Council working-hours regulation art. 3 and 7): the week's regular
    days are as many as its official working days ``working_days``, on whichever days the rota puts them;
    ordinary (non-statutory) days worked beyond them are rest-day work (art. 44(2): 200 %, or a day in lieu),
    official rest days taken as those extra days first, later before earlier; on regular days time over
    8 h a day, then over ``working_days`` x 8 h a week, is overtime (art. 44(1): 150 %). Comprehensive hours
    (综合计算工时制, 劳部发〔1994〕503号): time over ``working_days`` x 8 h is overtime, no rest-day premium.
    """
    worked = [d for d in days if other.get(d, 0) > 0]
    premium: dict[Hashable, float] = {}
    if comprehensive:
        total = sum(other[d] for d in worked)
        excess = max(0.0, total - working_days * STANDARD_DAY_WORK_MIN)
        if excess > 0 and total > 0:
            premium = {d: excess * other[d] / total for d in worked}
        return WeekHours(excess, 0.0, 0.0, premium)
    ordinary = [d for d in worked if not statutory.get(d, False)]
    extra = max(0, len(ordinary) - working_days)
    rest_days = sorted(ordinary, key=lambda d: (is_working(d), -days.index(d)))[:extra]
    rest = lieu = overtime = 0.0
    for d in rest_days:
        if in_lieu:
            lieu += other[d]
        else:
            rest += other[d]
            premium[d] = premium.get(d, 0.0) + other[d]
    regular_days = [d for d in worked if d not in rest_days]
    for d in regular_days:
        over = max(0.0, other[d] - STANDARD_DAY_WORK_MIN) if not statutory.get(d, False) else 0.0
        overtime += over
        if over:
            premium[d] = premium.get(d, 0.0) + over
    week_regular = sum(
        min(other[d], STANDARD_DAY_WORK_MIN) if not statutory.get(d, False) else other[d] for d in regular_days
    )
    excess = max(0.0, week_regular - working_days * STANDARD_DAY_WORK_MIN)
    overtime += excess
    if excess > 0:
        last = max(regular_days, key=days.index)
        premium[last] = premium.get(last, 0.0) + excess
    return WeekHours(overtime, rest, lieu, premium)


def week_standard_min(rota_days_delta: int) -> int:
    """A full-time week's paid minutes [min]: 40 h, plus or less 8 h for each working day the calendar adds
    (a make-up day the window opens on) or takes away (a statutory day off the window closes on: paid
    leave, so a 3-day holiday week of a weekday contract is a full week's wage)."""
    return max(STANDARD_DAY_WORK_MIN, STANDARD_WEEK_WORK_MIN + STANDARD_DAY_WORK_MIN * rota_days_delta)
