"""Scenario file v1: TOML, validated with pydantic at the file boundary, returned as frozen dataclasses.

Only this module knows TOML. Unknown keys are rejected with their dotted name, fractions must be in
[0, 1] (never percent), durations carry their unit in the key (``answer_s``, ``patience_s``, ``aht_s``,
``first_reply_working_hours``). Every error is one :class:`PlannerInputError` line
``<file>: <dotted.key>: <what is wrong>``. See ``docs/staffing.md`` and ``scenarios/*.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from forecasts.daycalendar import load_calendar
from planner.calendar import (
    ChineseCalendar,
    CoverageWindow,
    custom_window,
    parse_clock,
    weekday_window,
    window_7x24,
)
from planner.domain import (
    CHANNEL_KINDS,
    MAX_HORIZON_WEEKS,
    CapacityTerms,
    ChannelSpec,
    ColumnMap,
    DataSource,
    ForecastSettings,
    Horizon,
    Peak,
    ReportTargets,
    Scenario,
    ServiceTarget,
    ShrinkageSplit,
    SolverSettings,
    Team,
    VolumeError,
    VolumeTerms,
)
from planner.errors import PlannerInputError
from planner.io.holidays import read_overrides
from planner.io.table import read_text
from planner.labour import PAID_HOURS_PER_MONTH, Contribution, CostRates, PayRules, ShiftRules, SupportRole
from planner.options import Option, apply_option, check_option_names, options_from_tables, split_option

SCENARIO_VERSION = 1
_UNIT_HINTS = {
    "_min": "durations are in seconds (suffix _s)",
    "_ms": "durations are in seconds (suffix _s)",
    "_sec": "durations are in seconds (suffix _s)",
    "_h": "durations are in seconds (suffix _s), email deadlines in working hours",
    "_pct": "fractions are in [0, 1], never percent",
    "_percent": "fractions are in [0, 1], never percent",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _fraction(value: Any) -> Any:
    """Catch percent written where a fraction is expected (80 instead of 0.80)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
        hint = f" (fractions, not percent: write {value / 100:g})" if 2 <= value <= 100 else ""
        raise ValueError(f"{value} is not a fraction in [0, 1]{hint}")
    return value


Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
MAX_SECONDS = 86_400.0  # a day: an answer time, patience or handle time beyond it is a typo, not a term
Seconds = Annotated[float, Field(gt=0.0, le=MAX_SECONDS, allow_inf_nan=False)]


class _Site(_Strict):
    name: str = ""
    timezone: str = "Asia/Shanghai"
    holiday_overrides: str | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{v}' is not an IANA time zone like Asia/Shanghai") from None
        return v


class _Hours(_Strict):
    mon: str = "closed"
    tue: str = "closed"
    wed: str = "closed"
    thu: str = "closed"
    fri: str = "closed"
    sat: str = "closed"
    sun: str = "closed"


class _Coverage(_Strict):
    window: Literal["7x24", "weekday", "custom"] = "weekday"
    open: str | None = None
    close: str | None = None
    makeup_days: Literal["open", "closed"] = "open"
    holidays: Literal["closed", "open"] = "closed"
    hours: _Hours | None = None
    makeup_hours: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> _Coverage:
        if self.window == "custom" and self.hours is None:
            raise ValueError("window 'custom' needs a [hours] table (mon = \"09:00-18:00\", ...)")
        if self.window != "custom" and self.hours is not None:
            raise ValueError(f"'hours' is only used with window = 'custom' (window is '{self.window}')")
        if self.window != "weekday" and (self.open or self.close):
            raise ValueError(f"'open'/'close' are only used with window = 'weekday' (window is '{self.window}')")
        if self.window == "weekday" and self.holidays == "open":
            raise ValueError("the weekday window is closed on statutory holidays; use window = 'custom'")
        return self


class _Measure(_Strict):
    """How the contract measures the target (clause 2.1: e.g. 80 % within 20 s, per day)."""

    sl_period: Literal["interval", "day", "week", "month"] = "interval"
    sl_min_share: Fraction = 1.0
    sl_floor: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] | None = None

    @field_validator("sl_min_share", "sl_floor", mode="before")
    @classmethod
    def _pct_measure(cls, v: Any) -> Any:
        return _fraction(v)


class _ForecastError(_Strict):
    """The forecast's error, for a forecast given as a file (a plan from history takes its backtest's)."""

    week_log_sd: Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)] = 0.0
    day_log_sd: Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)] = 0.0
    interval_dispersion: Annotated[float, Field(ge=0.0, le=10.0, allow_inf_nan=False)] = 0.0
    n_weeks: Annotated[int, Field(ge=0, le=520)] = 0


class _QueueChannel(_Measure):
    model: Literal["erlang-c", "erlang-a"] = "erlang-c"
    sl_confidence: Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)] | None = None
    forecast_error: _ForecastError | None = None
    service_level: Fraction | None = None
    answer_s: Seconds | None = None
    asa_s: Seconds | None = None
    patience_s: Seconds | None = None
    max_occupancy: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    aht_s: Seconds | None = None
    min_agents: Annotated[int, Field(ge=0)] = 1
    coverage: _Coverage | None = None

    @field_validator("service_level", "max_occupancy", "sl_confidence", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)

    @model_validator(mode="after")
    def _targets(self) -> _QueueChannel:
        if self.sl_confidence is not None and self.service_level is None:
            raise ValueError("sl_confidence needs a service_level target (the chance of meeting it)")
        if self.service_level is None and self.asa_s is None:
            raise ValueError("needs a target: service_level with answer_s, and/or asa_s")
        if self.service_level is not None and self.service_level >= 1.0:
            raise ValueError(
                "service_level 1 cannot be met: with random arrivals some contacts always wait longer than "
                "answer_s (write e.g. 0.95)"
            )
        if self.service_level is not None and self.answer_s is None:
            raise ValueError("service_level needs answer_s (the T of 'X % answered within T s')")
        if self.model == "erlang-a" and self.patience_s is None:
            raise ValueError("model 'erlang-a' needs patience_s (mean patience before abandoning)")
        if self.model == "erlang-c" and self.patience_s is not None:
            raise ValueError("patience_s is only used by model 'erlang-a' (Erlang C has no abandonment)")
        return self


class _Voice(_QueueChannel):
    type: Literal["voice"] = "voice"


class _Chat(_QueueChannel):
    type: Literal["chat"] = "chat"
    concurrency: Annotated[int, Field(ge=1, le=20)] = 1
    handle_time_stretch: Annotated[float, Field(ge=0.0, le=5.0, allow_inf_nan=False)] = 0.0


class _Email(_Measure):
    type: Literal["email"] = "email"
    sl_period: Literal["interval", "day", "week", "month"] = "day"
    first_reply_working_hours: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    aht_s: Seconds | None = None
    min_agents: Annotated[int, Field(ge=0)] = 0
    coverage: _Coverage | None = None


class _Staffing(_Strict):
    shrinkage: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    max_occupancy: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    interval_min: Literal[5, 6, 10, 15, 30, 60] | None = None
    volume: Literal["offered", "offered_lo", "offered_hi"] = "offered"

    @field_validator("shrinkage", "max_occupancy", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)


_Channel = Annotated[_Voice | _Chat | _Email, Field(discriminator="type")]


Column = Annotated[str, Field(min_length=1)]
HISTORY_FIELDS = (
    "interval_start", "offered", "channel", "queue", "answered", "abandoned", "answered_within_threshold",
    "aht_s", "asa_s", "resolved_first_contact", "csat_responses", "csat_satisfied", "complaints",
)


class _Columns(_Strict):
    """Schema name -> the file's column name (e.g. offered = "Calls Offered")."""

    interval_start: Column | None = None
    offered: Column | None = None
    channel: Column | None = None
    queue: Column | None = None
    answered: Column | None = None
    abandoned: Column | None = None
    answered_within_threshold: Column | None = None
    aht_s: Column | None = None
    asa_s: Column | None = None
    resolved_first_contact: Column | None = None
    csat_responses: Column | None = None
    csat_satisfied: Column | None = None
    complaints: Column | None = None
    # an export with a date column and a time-range column ("09:00-09:30") instead of interval_start
    date: Column | None = None
    interval: Column | None = None
    # written channels (report): counts of the interval's items replied to / resolved within the deadline
    replied_within_deadline: Column | None = None
    resolved_within_deadline: Column | None = None


class _ChannelFile(_Strict):
    history: Column
    columns: _Columns = _Columns()


class _Data(_Strict):
    history: Column | list[Column] | None = None
    forecast: Column | None = None
    sample: bool = False
    sample_weeks: Annotated[int, Field(ge=3, le=104)] = 10
    sample_scale: Annotated[float, Field(gt=0.0, le=1000.0, allow_inf_nan=False)] = 1.0
    holidays: Column = "CN"
    columns: _Columns = _Columns()
    channels: dict[str, _ChannelFile] = {}

    @model_validator(mode="after")
    def _one_source(self) -> _Data:
        given = [k for k, v in (("history", self.history or self.channels), ("forecast", self.forecast),
                                ("sample", self.sample)) if v]
        if len(given) > 1:
            raise ValueError(f"give one of history, forecast or sample = true (got {' and '.join(given)})")
        return self


class _Horizon(_Strict):
    start: Annotated[date, Field(strict=False)] | None = None  # a TOML date, or ISO text "2026-03-02"
    weeks: Annotated[int, Field(ge=1, le=MAX_HORIZON_WEEKS)] = 1


class _Team(_Strict):
    channels: list[str]


class _Rules(_Strict):
    shift_hours: Annotated[float, Field(ge=1.0, le=16.0)] | list[Annotated[float, Field(ge=1.0, le=16.0)]] = 9.0
    lunch_min: Annotated[int, Field(ge=0, le=120)] = 60
    breaks_per_shift: Literal[0, 1, 2] = 0
    break_min: Annotated[int, Field(ge=5, le=30)] = 15
    start_step_min: Literal[15, 30, 60] = 30
    earliest_start: str = "00:00"
    latest_start: str = "23:30"
    min_days_per_week: Annotated[int, Field(ge=1, le=6)] = 5
    days_per_week: Annotated[int, Field(ge=1, le=6)] = 5
    min_rest_hours: Annotated[float, Field(ge=0.0, le=24.0)] = 11.0
    overtime: bool = False
    overtime_month_limit: bool = True
    min_staff: Annotated[int, Field(ge=0, le=100)] = 1
    night_start: str = "22:00"
    night_end: str = "06:00"


class _Solver(_Strict):
    time_limit_s: Annotated[float, Field(gt=0.0, le=3600.0)] = 60.0
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    seed: Annotated[int, Field(ge=0)] = 0
    deterministic_time: Annotated[float, Field(gt=0.0, le=3600.0)] | None = 10.0
    target_gap: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.01


class _Forecast(_Strict):
    method: str = "auto"
    backtest_weeks: Annotated[int, Field(ge=1, le=52)] = 8
    level: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.8


class _Check(_Strict):
    replications: Annotated[int, Field(ge=2, le=1000)] = 10
    risk_replications: Annotated[int, Field(ge=20, le=2000)] = 200
    confidence_steps: list[Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)]] = [0.8, 0.9, 0.95]

    @field_validator("confidence_steps", mode="before")
    @classmethod
    def _pct_steps(cls, v: Any) -> Any:
        return [_fraction(x) for x in v] if isinstance(v, list) else v


Money = Annotated[float, Field(ge=0.0, le=10_000_000.0, allow_inf_nan=False)]  # CNY


class _Contribution(_Strict):
    rate: Fraction
    base_floor_cny: Money
    base_ceiling_cny: Money

    @field_validator("rate", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)

    @model_validator(mode="after")
    def _order(self) -> _Contribution:
        if self.base_floor_cny > self.base_ceiling_cny:
            raise ValueError(f"base_floor_cny {self.base_floor_cny:g} is above base_ceiling_cny "
                             f"{self.base_ceiling_cny:g}")
        return self


class _SupportRole(_Strict):
    per_agents: Annotated[float, Field(gt=0.0, le=10_000.0, allow_inf_nan=False)]
    monthly_wage_cny: Money


_PAY = PayRules()


def _cny(fen: int) -> float:
    return fen / 100


class _Pay(_Strict):
    """What the vendor pays; defaults: planner.labour.PayRules (Shanghai figures, scenarios/README.md)."""

    hours_system: Literal["standard", "comprehensive"] = "standard"
    settlement: Literal["week", "month", "quarter", "year"] = "month"
    monthly_wage_cny: Annotated[float, Field(gt=0.0, le=1_000_000.0, allow_inf_nan=False)] | None = None
    hourly_rate_cny: Annotated[float, Field(gt=0.0, le=10_000.0, allow_inf_nan=False)] | None = None
    minimum_wage_cny: Money = _cny(_PAY.minimum_wage_fen)
    night_allowance_cny_per_hour: Money = _cny(_PAY.night_allowance_fen_per_hour)
    rest_day_in_lieu: bool = False
    overtime_multiple: Annotated[float, Field(ge=1.5, le=10.0, allow_inf_nan=False)] = _PAY.overtime_multiple
    rest_day_multiple: Annotated[float, Field(ge=2.0, le=10.0, allow_inf_nan=False)] = _PAY.rest_day_multiple
    holiday_multiple: Annotated[float, Field(ge=3.0, le=10.0, allow_inf_nan=False)] = _PAY.holiday_multiple
    seat_cny_per_fte_month: Money = _cny(_PAY.seat_fen_per_fte_month)
    it_cny_per_fte_month: Money = _cny(_PAY.it_fen_per_fte_month)
    overhead_cny_per_fte_month: Money = _cny(_PAY.overhead_fen_per_fte_month)
    margin: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] = _PAY.margin
    social_insurance: _Contribution | None = None
    housing_fund: _Contribution | None = None
    support: dict[str, _SupportRole] | None = None

    @field_validator("margin", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)

    @model_validator(mode="after")
    def _one_rate(self) -> _Pay:
        if self.monthly_wage_cny is not None and self.hourly_rate_cny is not None:
            raise ValueError("give monthly_wage_cny or hourly_rate_cny, not both")
        return self


class _Report(_Strict):
    """The service report's targets beyond the channels' own (合同 2.2, 2.3, 2.5); see ReportTargets."""

    fcr_target: Fraction = 0.75
    csat_target: Fraction = 0.80
    first_reply_target: Fraction = 1.0
    resolution_working_hours: Annotated[float, Field(gt=0.0, le=10 * 366 * 24, allow_inf_nan=False)] = 9.0
    resolution_target: Fraction = 1.0
    columns: _Columns = _Columns()

    @field_validator("fcr_target", "csat_target", "first_reply_target", "resolution_target", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)


def _month(v: Any) -> Any:
    import re

    if isinstance(v, date):  # a TOML date: its month (start = 2026-09-01 means "2026-09")
        return f"{v:%Y-%m}"
    if isinstance(v, str) and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v):
        raise ValueError(f"'{v}' is not a month: write \"YYYY-MM\", e.g. \"2026-09\"")
    return v


Month = Annotated[str, BeforeValidator(_month)]  # "YYYY-MM"
Factor = Annotated[float, Field(gt=0.0, le=20.0, allow_inf_nan=False)]
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _fractions(v: Any) -> Any:
    return [_fraction(x) for x in v] if isinstance(v, list) else _fraction(v)


class _CapacityShrinkage(_Strict):
    """Shares of paid time off the job (fractions); annual leave one value or twelve (Jan..Dec); other: paid
    breaks, coaching, downtime."""

    annual_leave: Fraction | list[Fraction] = 0.0
    sick_leave: Fraction = 0.0
    training: Fraction = 0.0
    meetings: Fraction = 0.0
    other: Fraction = 0.0

    @field_validator("annual_leave", "sick_leave", "training", "meetings", "other", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fractions(v)

    @model_validator(mode="after")
    def _twelve(self) -> _CapacityShrinkage:
        if isinstance(self.annual_leave, list) and len(self.annual_leave) != 12:
            raise ValueError(f"annual_leave: give one value or twelve (Jan..Dec), not {len(self.annual_leave)}")
        return self


class _CapacityPeak(_Strict):
    name: Annotated[str, Field(min_length=1)]
    factor: Factor
    month: Month | None = None
    calendar_month: Annotated[int, Field(ge=1, le=12)] | None = None

    @model_validator(mode="after")
    def _one(self) -> _CapacityPeak:
        if (self.month is None) == (self.calendar_month is None):
            raise ValueError(f"peak '{self.name}': give month = \"YYYY-MM\" or calendar_month = 1-12 (one of them)")
        return self


class _CapacityVolume(_Strict):
    monthly: dict[str, Annotated[float, Field(gt=0.0, le=1e9, allow_inf_nan=False)]] = {}
    growth_year: Annotated[float, Field(gt=-0.9, le=1.0, allow_inf_nan=False)] = 0.0
    seasonal: list[Factor] | dict[str, Factor] | None = None
    peaks: list[_CapacityPeak] = []
    fcr: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] | None = None
    fcr_target: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] | None = None

    @field_validator("fcr", "fcr_target", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)

    @field_validator("growth_year", mode="before")
    @classmethod
    def _growth(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool) and v > 1:  # 8 meant 8 %
            raise ValueError(f"{v} is more than doubling a year: a fraction is expected (fractions, not percent: "
                             f"write {v / 100:g} for {v:g} %)")
        return v

    @field_validator("seasonal")
    @classmethod
    def _months(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) != 12:
            raise ValueError(f"give twelve factors (Jan..Dec), not {len(v)}")
        if isinstance(v, dict):
            for k in v:
                if k.lower() not in _MONTH_NAMES and k not in {str(i) for i in range(1, 13)}:
                    raise ValueError(f"'{k}' is not a month: use jan..dec or 1..12")
        return v

    @model_validator(mode="after")
    def _fcr_pair(self) -> _CapacityVolume:
        if (self.fcr is None) != (self.fcr_target is None):
            raise ValueError("give fcr (the history's first-contact resolution) and fcr_target together")
        return self


class _Capacity(_Strict):
    """The long-range capacity and hiring plan (planner.capacity); defaults: planner.domain.CapacityTerms."""

    months: Annotated[int, Field(ge=12, le=36)] = 24
    start: Month | None = None
    headcount: Annotated[int, Field(ge=0, le=100_000)] | None = None
    attrition_month: Fraction = 0.05
    new_hire_attrition_month: Fraction = 0.10
    new_hire_months: Annotated[int, Field(ge=0, le=36)] = 3
    lead_time_months: Annotated[int, Field(ge=0, le=12)] = 1
    ramp: list[Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)]] = [0.6, 0.85]
    class_size_min: Annotated[int, Field(ge=1, le=1000)] = 5
    class_size_max: Annotated[int, Field(ge=1, le=1000)] = 25
    classes_max_month: Annotated[int, Field(ge=0, le=50)] = 2
    overtime_max_h_month: Annotated[float, Field(ge=0.0, le=36.0, allow_inf_nan=False)] = 36.0
    hire_cost_cny: Money = 3000.0
    class_cost_cny: Money = 20000.0
    shrinkage: _CapacityShrinkage | None = None
    volume: _CapacityVolume = _CapacityVolume()

    @field_validator("attrition_month", "new_hire_attrition_month", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)

    @field_validator("ramp", mode="before")
    @classmethod
    def _pct_ramp(cls, v: Any) -> Any:
        return _fractions(v)

    @model_validator(mode="after")
    def _sizes(self) -> _Capacity:
        if self.class_size_min > self.class_size_max:
            raise ValueError(f"class_size_min {self.class_size_min} is above class_size_max {self.class_size_max}")
        return self


class _ScenarioFile(_Strict):
    version: Literal[1, 2] = 1
    site: _Site = _Site()
    coverage: _Coverage = _Coverage()
    staffing: _Staffing = _Staffing()
    channels: dict[str, _Channel]
    data: _Data = _Data()
    horizon: _Horizon = _Horizon()
    teams: dict[str, _Team] = {}
    rules: _Rules = _Rules()
    solver: _Solver = _Solver()
    forecast: _Forecast = _Forecast()
    check: _Check = _Check()
    pay: _Pay = _Pay()
    report: _Report = _Report()
    capacity: _Capacity | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_types(cls, data: Any) -> Any:
        """A channel named voice/chat/email gets that type unless it says otherwise."""
        if isinstance(data, dict) and isinstance(data.get("channels"), dict):
            chans = {}
            for name, spec in data["channels"].items():
                if isinstance(spec, dict) and "type" not in spec and name in CHANNEL_KINDS:
                    spec = {**spec, "type": name}
                chans[name] = spec
            data = {**data, "channels": chans}
        return data

    @field_validator("channels")
    @classmethod
    def _some(cls, v: dict[str, Any]) -> dict[str, Any]:
        if not v:
            raise ValueError("no channels: add a [channels.voice] (or chat/email) table")
        return v


def _window(cov: _Coverage, where: str) -> CoverageWindow:
    try:
        if cov.window == "7x24":
            return window_7x24()
        if cov.window == "weekday":
            if cov.makeup_hours:
                raise PlannerInputError("makeup_hours: only used with window = 'custom'")
            return weekday_window(cov.open or "09:00", cov.close or "18:00", makeup_days_open=cov.makeup_days == "open")
        assert cov.hours is not None
        return custom_window(
            cov.hours.model_dump(),
            holidays_closed=cov.holidays == "closed",
            makeup_days_open=cov.makeup_days == "open",
            makeup_hours=cov.makeup_hours,
        )
    except PlannerInputError as exc:
        raise PlannerInputError(f"{where}.{exc}") from None


def _format_error(path: str, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = [str(p) for p in first["loc"]]
    if len(loc) >= 3 and loc[0] == "channels" and loc[2] in CHANNEL_KINDS:
        del loc[2]  # the discriminator tag pydantic adds
    key = ".".join(loc) or "(top level)"
    kind = first["type"]
    if kind == "extra_forbidden":
        hint = next((h for suf, h in _UNIT_HINTS.items() if loc[-1].endswith(suf)), "")
        if not hint and loc[-1] in ("answer", "patience", "aht", "asa", "service_level_pct"):
            hint = f"durations carry their unit: did you mean {loc[-1]}_s?"
        return f"{path}: {key}: unknown key" + (f" ({hint})" if hint else "")
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "missing":
        msg = "required key is missing"
    elif kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        msg = f"{first.get('input')!r} is not a number (write plain numbers; the unit is in the key name)"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        msg = f"{first.get('input')!r}: " + msg.replace("Input should be", "must be")
    elif kind == "literal_error":
        msg = f"{first.get('input')!r}: " + msg.replace("Input should be", "must be")
    elif kind == "union_tag_invalid":
        msg = f"type must be one of {', '.join(CHANNEL_KINDS)}"
    elif kind == "union_tag_not_found":
        msg = f"needs type = one of {', '.join(CHANNEL_KINDS)} (only channels named voice/chat/email get it by default)"
    return f"{path}: {key}: {msg}"


def _resolve(path: str, base_dir: Path | None) -> Path:
    p = Path(path)
    return p if p.is_absolute() or base_dir is None else base_dir / p


def _columns(cols: _Columns) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in cols.model_dump().items() if v is not None)


def _data(raw: _Data, names: list[str], source: str, base_dir: Path | None) -> DataSource:
    """The data section with paths resolved against the scenario's folder; missing files are named now."""

    def existing(path: str, key: str) -> str:
        p = _resolve(path, base_dir)
        if not p.is_file():
            raise PlannerInputError(f"{source}: {key}: file '{path}' not found (looked at {p})")
        return str(p)

    history: list[ColumnMap] = []
    files = [raw.history] if isinstance(raw.history, str) else list(raw.history or [])
    for i, f in enumerate(files):
        key = "data.history" + (f"[{i}]" if isinstance(raw.history, list) else "")
        history.append(ColumnMap(existing(f, key), _columns(raw.columns)))
    for ch, cf in raw.channels.items():
        if ch not in names:
            raise PlannerInputError(f"{source}: data.channels.{ch}: no [channels.{ch}] in the scenario")
        cols = dict(_columns(raw.columns)) | dict(_columns(cf.columns))
        cols.pop("channel", None)
        history.append(ColumnMap(existing(cf.history, f"data.channels.{ch}.history"), tuple(cols.items()), ch))
    forecast = ColumnMap(existing(raw.forecast, "data.forecast"), _columns(raw.columns)) if raw.forecast else None
    holidays, calendar = raw.holidays, None
    if holidays.upper() != "CN" and holidays.lower() != "none" and ("." in holidays or "/" in holidays):
        holidays = existing(holidays, "data.holidays")
        try:
            calendar = load_calendar(holidays, range(2000, 2100))
        except ValueError as exc:
            raise PlannerInputError(f"{source}: data.holidays: {exc}") from None
    elif holidays.upper() not in ("CN", "NONE") and holidays.upper() not in holidays_lib.list_supported_countries():
        raise PlannerInputError(f"{source}: data.holidays: '{holidays}' is not CN, none, a country code or a file")
    return DataSource(tuple(history), forecast, raw.sample, holidays, raw.sample_weeks, raw.sample_scale, calendar)


def _teams(raw: dict[str, _Team], names: list[str], source: str) -> tuple[Team, ...]:
    """Teams as written; every channel served by exactly one team."""
    served: dict[str, str] = {}
    teams = []
    for team, t in raw.items():
        if not t.channels:
            raise PlannerInputError(f"{source}: teams.{team}.channels: a team needs at least one channel")
        for ch in t.channels:
            if ch not in names:
                raise PlannerInputError(
                    f"{source}: teams.{team}.channels: no channel '{ch}' (channels: {', '.join(names)})"
                )
            if ch in served:
                raise PlannerInputError(
                    f"{source}: teams.{team}.channels: channel '{ch}' is already served by team '{served[ch]}'"
                )
            served[ch] = team
        teams.append(Team(team, tuple(t.channels)))
    if teams:
        loose = [c for c in names if c not in served]
        if loose:
            raise PlannerInputError(f"{source}: teams: channel '{loose[0]}' is served by no team")
    return tuple(teams)


def _rules(raw: _Rules, source: str) -> tuple[ShiftRules, int]:
    lengths = raw.shift_hours if isinstance(raw.shift_hours, list) else [raw.shift_hours]
    if not lengths:
        raise PlannerInputError(f"{source}: rules.shift_hours: give at least one shift length")
    if raw.min_days_per_week > raw.days_per_week:
        raise PlannerInputError(
            f"{source}: rules.min_days_per_week: {raw.min_days_per_week} is more than days_per_week "
            f"{raw.days_per_week}"
        )
    clock = {}
    for key in ("earliest_start", "latest_start", "night_start", "night_end"):
        try:
            clock[key] = parse_clock(getattr(raw, key), f"rules.{key}")
        except PlannerInputError as exc:
            raise PlannerInputError(f"{source}: {exc}") from None
    for h in lengths:
        if raw.lunch_min > h * 60 - 60:
            raise PlannerInputError(
                f"{source}: rules.lunch_min: {raw.lunch_min} min lunch leaves under an hour of work in a "
                f"{h:g} h shift"
            )
    try:
        rules = ShiftRules(
            shift_lengths_min=tuple(round(h * 60) for h in lengths),
            start_step_min=raw.start_step_min,
            earliest_start_min=clock["earliest_start"] % 1440,
            latest_start_min=clock["latest_start"] % 1440,
            lunch_min=raw.lunch_min,
            breaks_per_shift=raw.breaks_per_shift,
            break_min=raw.break_min,
            min_days=raw.min_days_per_week,
            max_days=raw.days_per_week,
            min_rest_min=round(raw.min_rest_hours * 60),
            overtime=raw.overtime,
            overtime_month_limit=raw.overtime_month_limit,
            night_start_min=clock["night_start"] % 1440,
            night_end_min=clock["night_end"] % 1440,
        )
    except PlannerInputError as exc:
        raise PlannerInputError(f"{source}: rules: {exc}") from None
    return rules, raw.min_staff


def _capacity(raw: _Capacity | None, names: list[str], source: str) -> CapacityTerms | None:
    """The [capacity] section as :class:`planner.domain.CapacityTerms` (None without the section)."""
    if raw is None:
        return None
    vol = raw.volume
    for ch in vol.monthly:
        if ch not in names:
            raise PlannerInputError(f"{source}: capacity.volume.monthly.{ch}: no [channels.{ch}] in the scenario")
    seasonal: tuple[float, ...] = (1.0,) * 12
    if isinstance(vol.seasonal, list):
        seasonal = tuple(vol.seasonal)
    elif isinstance(vol.seasonal, dict):
        by = {(_MONTH_NAMES.index(k.lower()) + 1 if k.lower() in _MONTH_NAMES else int(k)): v
              for k, v in vol.seasonal.items()}
        seasonal = tuple(by.get(m, 1.0) for m in range(1, 13))
    split = None
    if raw.shrinkage is not None:
        leave = raw.shrinkage.annual_leave
        split = ShrinkageSplit(
            annual_leave=tuple(leave) if isinstance(leave, list) else (leave,) * 12,
            sick_leave=raw.shrinkage.sick_leave,
            training=raw.shrinkage.training,
            meetings=raw.shrinkage.meetings,
            other=raw.shrinkage.other,
        )
    try:
        return CapacityTerms(
            months=raw.months,
            start=date(int(raw.start[:4]), int(raw.start[5:]), 1) if raw.start else None,
            headcount=raw.headcount,
            attrition_month=raw.attrition_month,
            new_hire_attrition_month=raw.new_hire_attrition_month,
            new_hire_months=raw.new_hire_months,
            lead_time_months=raw.lead_time_months,
            ramp=tuple(raw.ramp),
            class_size_min=raw.class_size_min,
            class_size_max=raw.class_size_max,
            classes_max_month=raw.classes_max_month,
            overtime_max_h_month=raw.overtime_max_h_month,
            hire_cost_cny=raw.hire_cost_cny,
            class_cost_cny=raw.class_cost_cny,
            shrinkage=split,
            volume=VolumeTerms(
                monthly=tuple(vol.monthly.items()),
                growth_year=vol.growth_year,
                seasonal=seasonal,
                peaks=tuple(Peak(p.name, p.factor, p.month, p.calendar_month) for p in vol.peaks),
                fcr=vol.fcr,
                fcr_target=vol.fcr_target,
            ),
        )
    except PlannerInputError as exc:
        raise PlannerInputError(f"{source}: {exc}") from None


def _fen(cny: float) -> int:
    return round(cny * 100)


def _pay(raw: _Pay, source: str) -> PayRules:
    """The [pay] section in fen; every key defaults to :class:`PayRules`' (a given [pay.support] replaces
    the default roles)."""
    wage = _PAY.monthly_wage_fen
    if raw.monthly_wage_cny is not None:
        wage = _fen(raw.monthly_wage_cny)
    elif raw.hourly_rate_cny is not None:
        wage = round(_fen(raw.hourly_rate_cny) * PAID_HOURS_PER_MONTH)

    def contribution(c: _Contribution | None, default: Contribution) -> Contribution:
        return default if c is None else Contribution(c.rate, _fen(c.base_floor_cny), _fen(c.base_ceiling_cny))

    support = _PAY.support if raw.support is None else tuple(
        SupportRole(name, r.per_agents, _fen(r.monthly_wage_cny)) for name, r in raw.support.items()
    )
    try:
        return PayRules(
            monthly_wage_fen=wage,
            hours_system=raw.hours_system,
            settlement=raw.settlement,
            social_insurance=contribution(raw.social_insurance, _PAY.social_insurance),
            housing_fund=contribution(raw.housing_fund, _PAY.housing_fund),
            night_allowance_fen_per_hour=_fen(raw.night_allowance_cny_per_hour),
            rest_day_in_lieu=raw.rest_day_in_lieu,
            overtime_multiple=raw.overtime_multiple,
            rest_day_multiple=raw.rest_day_multiple,
            holiday_multiple=raw.holiday_multiple,
            support=support,
            seat_fen_per_fte_month=_fen(raw.seat_cny_per_fte_month),
            it_fen_per_fte_month=_fen(raw.it_cny_per_fte_month),
            overhead_fen_per_fte_month=_fen(raw.overhead_cny_per_fte_month),
            margin=raw.margin,
            minimum_wage_fen=_fen(raw.minimum_wage_cny),
        )
    except PlannerInputError as exc:
        key = "pay.hourly_rate_cny" if raw.hourly_rate_cny is not None else "pay.monthly_wage_cny"
        raise PlannerInputError(f"{source}: {key}: {str(exc).removeprefix('pay: ')}") from None


def parse_scenario(data: dict[str, Any], *, source: str = "scenario", base_dir: Path | None = None) -> Scenario:
    """Validate a scenario mapping (already parsed from TOML) and return the core's dataclasses."""
    try:
        raw = _ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise PlannerInputError(_format_error(source, exc)) from None
    overrides = ()
    if raw.site.holiday_overrides:
        overrides = read_overrides(_resolve(raw.site.holiday_overrides, base_dir))
    default_window = _window(raw.coverage, f"{source}: coverage")
    channels = []
    for name, ch in raw.channels.items():
        where = f"{source}: channels.{name}"
        window = _window(ch.coverage, f"{where}.coverage") if ch.coverage else default_window
        measure = dict(period=ch.sl_period, min_share=ch.sl_min_share, floor=ch.sl_floor)
        common: dict[str, Any] = dict(name=name, kind=ch.type, window=window, min_agents=ch.min_agents, aht_s=ch.aht_s)
        if isinstance(ch, _Email):
            channels.append(ChannelSpec(**common, target=ServiceTarget(**measure),
                                        first_reply_working_hours=ch.first_reply_working_hours))
            continue
        extra: dict[str, Any] = {}
        if isinstance(ch, _Chat):
            extra = {"concurrency": ch.concurrency, "handle_time_stretch": ch.handle_time_stretch}
        channels.append(
            ChannelSpec(
                **common,
                target=ServiceTarget(sl=ch.service_level, answer_s=ch.answer_s, asa_s=ch.asa_s,
                                     confidence=ch.sl_confidence, **measure),
                model=ch.model,
                patience_s=ch.patience_s,
                max_occupancy=ch.max_occupancy if ch.max_occupancy is not None else raw.staffing.max_occupancy,
                volume_error=VolumeError(**ch.forecast_error.model_dump()) if ch.forecast_error else None,
                **extra,
            )
        )
    names = [c.name for c in channels]
    rules, min_staff = _rules(raw.rules, source)
    pay = _pay(raw.pay, source)
    return Scenario(
        name=raw.site.name,
        timezone=raw.site.timezone,
        calendar=ChineseCalendar(overrides),
        window=default_window,
        channels=tuple(channels),
        shrinkage=raw.staffing.shrinkage,
        interval_min=raw.staffing.interval_min,
        volume_column=raw.staffing.volume,
        source=source,
        teams=_teams(raw.teams, names, source),
        data=_data(raw.data, names, source, base_dir),
        horizon=Horizon(raw.horizon.start, raw.horizon.weeks),
        rules=rules,
        costs=CostRates(pay=pay, min_staff=min_staff),
        pay=pay,
        solver=SolverSettings(
            time_limit_s=raw.solver.time_limit_s,
            workers=raw.solver.workers,
            seed=raw.solver.seed,
            deterministic_time=raw.solver.deterministic_time,
            target_gap=raw.solver.target_gap,
        ),
        forecast=ForecastSettings(raw.forecast.method, raw.forecast.backtest_weeks, raw.forecast.level),
        replications=raw.check.replications,
        risk_replications=raw.check.risk_replications,
        confidence_steps=tuple(sorted(set(raw.check.confidence_steps))),
        report=ReportTargets(
            fcr_target=raw.report.fcr_target,
            csat_target=raw.report.csat_target,
            first_reply_target=raw.report.first_reply_target,
            resolution_working_hours=raw.report.resolution_working_hours,
            resolution_target=raw.report.resolution_target,
            columns=_columns(raw.report.columns),
        ),
        capacity=_capacity(raw.capacity, names, source),
    )


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The scenario file's TOML as a mapping, not yet validated (UTF-8 with or without BOM, or GBK)."""
    path = Path(path)
    if not path.is_file() and not path.is_dir():
        raise PlannerInputError(f"{path}: scenario file not found")
    return scenario_data_from_text(read_text(path, "scenario"), str(path))


def scenario_data_from_text(text: str, source: str = "scenario") -> dict[str, Any]:
    """A scenario's TOML text (an upload, a saved what-if) as a mapping, not yet validated; errors name ``source``."""
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise PlannerInputError(f"{source}: not valid TOML ({exc})") from None


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v, where) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v, where)}" for k, v in value.items()) + "}"
    raise PlannerInputError(f"{where}: {type(value).__name__} cannot be written to TOML")


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _toml_value(key, key)


def scenario_toml(data: dict[str, Any], header: str = "") -> str:
    """A scenario mapping as TOML text that :func:`scenario_data_from_text` reads back to the same mapping
    (tables as ``[a.b]`` sections; ``header`` lines become comments at the top)."""
    lines = [f"# {line}" for line in header.splitlines()]

    def table(d: dict[str, Any], path: tuple[str, ...]) -> None:
        plain = {k: v for k, v in d.items() if not isinstance(v, dict)}
        subs = {k: v for k, v in d.items() if isinstance(v, dict)}
        if path and (plain or not subs):
            lines.append("")
            lines.append("[" + ".".join(_toml_key(k) for k in path) + "]")
        for k, v in plain.items():
            lines.append(f"{_toml_key(k)} = {_toml_value(v, '.'.join((*path, k)))}")
        for k, v in subs.items():
            table(v, (*path, k))

    table(data, ())
    return "\n".join(lines).strip("\n") + "\n"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file (relative paths inside it are relative to the file).

    UTF-8 (with or without BOM) and GBK files are read; every error names the file and the key.
    """
    path = Path(path)
    return parse_scenario(read_scenario_data(path), source=str(path), base_dir=path.parent)


# ---------------------------------------------------------------------------------------------
# SLA options (planner.options): variants of one scenario, validated here like the scenario itself
# ---------------------------------------------------------------------------------------------


def _option_value(text: str, raw: str, key: str) -> Any:
    """A command-line option value as TOML, else the plain text (``7x24``); a time of day stays text."""
    try:
        doc = tomllib.loads(f"v = {raw}")
    except tomllib.TOMLDecodeError as exc:
        if raw[:1] in "[{\"'":
            raise PlannerInputError(f"--option '{text}': {key}: {raw} is not a TOML value ({exc})") from None
        return raw
    value = doc.get("v")
    return raw if len(doc) != 1 or isinstance(value, time) else value


def parse_option(text: str) -> Option:
    """One ``--option NAME:key=value[,key=value...]`` (see :mod:`planner.options`).

    Each value is read as TOML (``0.9``, ``20``, ``true``, ``"x"``, ``[0.8, 0.9]``, ``{window = "7x24"}``),
    else kept as plain text (``coverage.window=7x24``, ``open=08:00``). Commas inside brackets, braces or
    quotes do not separate keys. Errors are one line naming the option text.
    """
    name, pairs = split_option(text)
    return Option(name, tuple((key, _option_value(text, raw, key)) for key, raw in pairs))


def parse_options_toml(text: str, source: str) -> tuple[Option, ...]:
    """The options of an options file's text: each top-level table ``[NAME]`` is one option whose keys
    (nested tables flattened to dotted keys) are set on the scenario."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlannerInputError(f"{source}: not valid TOML ({exc})") from None
    section = next((k for k in doc if k in _ScenarioFile.model_fields), None)
    if section is not None:
        raise PlannerInputError(
            f"{source}: {section}: looks like a scenario key, not an option: put each option's keys under its "
            f"own table, e.g. [voice90] channels.voice.service_level = 0.9"
        )
    return options_from_tables(doc, source)


def read_options(path: str | Path) -> tuple[Option, ...]:
    """An options file (``--options FILE``): TOML, UTF-8 with or without BOM, or GBK; errors name the file."""
    path = Path(path)
    if not path.exists():
        raise PlannerInputError(f"{path}: options file not found")
    return parse_options_toml(read_text(path, "options"), str(path))


def option_scenarios(
    data: dict[str, Any], options: Sequence[Option], source: str, base_dir: Path | None = None
) -> tuple[Scenario, ...]:
    """One validated scenario per option, in order, before any work is done.

    ``data`` is the base scenario's mapping (:func:`read_scenario_data`). Refused: no options, a name given
    twice, and any option whose scenario does not load; its errors read ``SOURCE: option NAME: key: ...``.
    """
    check_option_names(options, source)
    return tuple(
        parse_scenario(apply_option(data, option, source), source=f"{source}: option {option.name}", base_dir=base_dir)
        for option in options
    )


# ---------------------------------------------------------------------------------------------
# Column mappings of a vendor's shift list (planner check --columns FILE)
# ---------------------------------------------------------------------------------------------


def read_column_map(path: str | Path) -> dict[str, str]:
    """A column mapping TOML (``agent_id = "工号"``, top level or under ``[columns]``): schema name -> the
    file's column name. Values must be strings."""
    path = Path(path)
    if not path.is_file():
        raise PlannerInputError(f"{path}: column mapping file not found")
    try:
        doc = tomllib.loads(read_text(path, "column mapping"))
    except tomllib.TOMLDecodeError as exc:
        raise PlannerInputError(f"{path}: not valid TOML ({exc})") from None
    table = doc.get("columns", doc)
    if not isinstance(table, dict):
        raise PlannerInputError(f"{path}: [columns] must be a table of name = \"column\"")
    out = {}
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise PlannerInputError(f"{path}: {key}: give the file's column name as a string")
        out[str(key)] = value
    return out
