"""Frozen domain types shared by every engine: the scenario, its channels and teams, the horizon.

Engines take these objects and never read files: :mod:`planner.scenario` builds them from TOML, the app
builds them from its forms. Units are in the names (``answer_s``, ``interval_min``); targets and shares
are fractions in [0, 1]. The one copy of the interval list, the activity names and the time format lives
here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from forecasts.io import ALLOWED_INTERVAL_MIN, Blob
from planner.calendar import ChineseCalendar, CoverageWindow
from planner.errors import FieldError, PlannerInputError
from planner.labour import OVERTIME_MONTH_MAX_MIN, CostRates, PayRules, ShiftRules

TIME_FMT = "%Y-%m-%dT%H:%M"  # local wall-clock time of files, ISO 8601 without zone
INTERVALS_MIN = ALLOWED_INTERVAL_MIN  # interval lengths that divide an hour (one list, in forecasts.io)
ACTIVITIES = ("work", "lunch", "break", "training", "off")  # schedule rows; only work covers demand
CHANNEL_KINDS = ("voice", "chat", "email")  # email: any deferred work (email, social media, tickets)
SL_PERIODS = ("interval", "day", "week", "month")  # the contract's periods
TARGET_PERIODS = (*SL_PERIODS, "total")  # and the whole horizon, for a search or a simulation
TEAM_OF_KIND = {"voice": "voice", "chat": "written", "email": "written"}  # default teams
MAX_HORIZON_WEEKS = 6


@dataclass(frozen=True)
class SolverSettings:
    """CP-SAT settings of one roster solve.

    time_limit_s [s]: wall-clock cap, outside reproducible mode only. deterministic_time: CP-SAT's
    ``max_deterministic_time`` (units of solver work, not seconds). target_gap: stop once the objective
    is within this fraction of the bound -- but never while the roster leaves a shortfall that one more
    tour could cover (shortfall comes first; a shortfall left is said in the result's notes).

    Reproducible mode (``workers == 1`` and ``deterministic_time`` set; what ``planner plan`` uses):
    the same input, settings and seed give the same roster on any machine and under any load, because
    no phase stops on the clock -- the LP bound and every LP-diving re-solve are limited by GLOP's
    deterministic work (``deterministic_time``), the dives try a fixed list of rounding thresholds, and
    CP-SAT stops on ``deterministic_time`` (or the gap, judged on its deterministic search). No solver
    gets a wall-clock limit: ``time_limit_s`` is not used, and a solve takes as long as its work takes on
    the machine (a busy machine makes it slower, never different). Not guaranteed across OR-Tools
    versions or platforms with different floating-point behaviour. Outside
    this mode (several workers or no ``deterministic_time``) the LP gets up to half of ``time_limit_s``,
    LP and dives up to 60 %, CP-SAT the rest: fast, but the roster may depend on machine load.
    """

    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0
    lp_bound: bool = True
    target_gap: float = 0.01
    deterministic_time: float | None = None
    heuristic: bool = True


@dataclass(frozen=True)
class VolumeError:
    """How far actual volume strays from the forecast: the count of interval t of day d in week w is
    Poisson(forecast_t * W_w * D_d * E_t), W and D lognormal with mean 1 and log-SDs ``week_log_sd`` and
    ``day_log_sd``, E_t gamma with mean 1 and variance ``interval_dispersion``, all independent.

    Estimated from the forecast's one-week-ahead backtest errors (``forecasts.uncertainty``); a
    doubly-stochastic Poisson model of arrival-rate uncertainty (Jongbloed & Koole 2001, "Managing
    uncertainty in call centres using Poisson mixtures"; Ibrahim et al. 2016, section 2).
    ``n_weeks``: the backtest weeks behind ``week_log_sd`` (0: take it as exact). A week's error is then
    drawn from the posterior predictive of a normal sample of that size (Gelman et al., *Bayesian Data
    Analysis*, 3rd ed., section 3.2): its log-SD from the scaled inverse chi-square with n - 1 degrees of
    freedom, times sqrt(1 + 1/n) for the unknown mean; eight weeks tell little about the tails.
    """

    week_log_sd: float = 0.0
    day_log_sd: float = 0.0
    interval_dispersion: float = 0.0
    n_weeks: int = 0

    @property
    def is_zero(self) -> bool:
        """True when only Poisson noise is left (the forecast taken as the true rate)."""
        return self.week_log_sd <= 0 and self.day_log_sd <= 0 and self.interval_dispersion <= 0


@dataclass(frozen=True)
class ServiceTarget:
    """The contract's service terms of one channel (合同 2.1, 2.6), the one copy that staffing, the SL
    search, risk, the check and the reports read.

    sl: share of contacts answered within ``answer_s`` [s] (for deferred work: of items replied to within
    the channel's deadline; None: the channel is held to ``asa_s`` only); asa_s [s]: average speed of
    answer. period: over what the contract measures (``interval`` | ``day`` | ``week`` | ``month``; a
    search may use ``total``); min_share: the share of those periods that must meet the target; floor: the
    lowest service level any single interval may have (None: no floor); confidence: the probability,
    given the forecast's error, with which each period must meet the target (None: each period's expected
    service level is held to ``sl``).
    """

    sl: float | None = None
    answer_s: float | None = None
    asa_s: float | None = None
    period: str = "interval"
    min_share: float = 1.0
    floor: float | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        def bad(name: str, rule: str, value: Any) -> FieldError:
            return FieldError(name, f"must be {rule}, got {value}")

        if self.sl is not None and not (math.isfinite(self.sl) and 0 < self.sl <= 1):
            raise bad("sl", "in (0, 1]", self.sl)
        if self.answer_s is not None and not (math.isfinite(self.answer_s) and self.answer_s >= 0):
            raise bad("answer_s", ">= 0 s", self.answer_s)
        if self.asa_s is not None and not (math.isfinite(self.asa_s) and self.asa_s > 0):
            raise bad("asa_s", "> 0 s", self.asa_s)
        if self.period not in TARGET_PERIODS:
            raise bad("period", f"one of {', '.join(TARGET_PERIODS)}", repr(self.period))
        if not (math.isfinite(self.min_share) and 0 <= self.min_share <= 1):
            raise bad("min_share", "in [0, 1]", self.min_share)
        if self.floor is not None and not (math.isfinite(self.floor) and 0 <= self.floor < 1):
            raise bad("floor", "in [0, 1)", self.floor)
        if self.confidence is not None and not (math.isfinite(self.confidence) and 0 < self.confidence <= 1):
            raise bad("confidence", "in (0, 1]", self.confidence)


@dataclass(frozen=True)
class ChannelSpec:
    """One channel's staffing rules and the contract's terms for it (fractions, seconds, working hours).

    target: how the contract measures the channel (:class:`ServiceTarget`); volume_error: the forecast's
    error when set in the scenario (else from the backtest).
    """

    name: str
    kind: str  # voice | chat | email
    window: CoverageWindow
    min_agents: int = 0
    aht_s: float | None = None  # overrides the forecast's aht_s when set
    # voice and chat
    target: ServiceTarget = field(default_factory=ServiceTarget)
    model: str = "erlang-c"
    patience_s: float | None = None
    max_occupancy: float = 1.0
    concurrency: int = 1
    handle_time_stretch: float = 0.0
    # email (deferred work)
    first_reply_working_hours: float | None = None
    volume_error: VolumeError | None = None


@dataclass(frozen=True, eq=False)
class Forecast:
    """A validated forecast, made once by the edge that reads or computes it
    (:func:`planner.staffing.validate_forecast`); every step after it takes this object.

    frame: one row per channel and interval: ``channel``, ``interval_start`` (datetime64, the wall time
    of ``timezone``), ``offered`` and any of ``offered_lo``, ``offered_hi``, ``aht_s`` (floats). Its index
    is each row's line in ``source`` (the header is line 1), so a later error names the row.
    interval_min: the smallest spacing [min] within a channel (None when every channel has one interval);
    :func:`planner.staffing.infer_interval_min` checks it against the scenario and the allowed lengths.
    """

    frame: pd.DataFrame
    interval_min: float | None
    timezone: str = "Asia/Shanghai"
    source: str = "forecast"

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels in the order they first appear."""
        return tuple(dict.fromkeys(self.frame["channel"]))

    def of(self, channel: str) -> pd.DataFrame:
        """One channel's rows in time order (the index keeps the source's line numbers)."""
        return self.frame.loc[self.frame["channel"] == channel].sort_values("interval_start", kind="stable")

    def between(self, start: date, stop: date) -> Forecast:
        """The rows from ``start`` 00:00 up to ``stop`` 00:00 (a new object; line numbers kept)."""
        t = self.frame["interval_start"]
        keep = (t >= pd.Timestamp(start)) & (t < pd.Timestamp(stop))
        return Forecast(self.frame.loc[keep], self.interval_min, self.timezone, self.source)


# the requirements schema (DESIGN.md): the first three always, staffing's figures when it made them
REQUIREMENT_COLUMNS = ("interval_start", "channel", "required", "load_erl", "service_level", "asa_s", "occupancy",
                       "open", "backlog_items")
SCHEDULE_COLUMNS = ("agent_id", "team", "date", "activity", "start", "end")


@dataclass(frozen=True, eq=False)
class Requirements:
    """Productive agents per interval and channel, made once by staffing
    (:func:`planner.staffing.staff_requirements`) or by the file reader
    (:func:`planner.io.requirements.read_requirements`); the roster, the check, the cost and the views take
    this object. Shrinkage is the roster's: ``required`` is agents on the phone.

    frame: one row per channel and interval: ``interval_start`` (datetime64, local wall time),
    ``channel``, ``required`` (float >= 0) and, from staffing or a file that has them, ``open`` (1 inside
    the coverage window, 0 closed), ``load_erl``, ``service_level``, ``asa_s``, ``occupancy``,
    ``backlog_items``. interval_min: the interval length [min] (None when unknown: a file).
    """

    frame: pd.DataFrame
    interval_min: int | None = None
    source: str = "requirements"

    def __post_init__(self) -> None:
        _require_columns(self.frame, REQUIREMENT_COLUMNS[:3], self.source)
        if not pd.api.types.is_datetime64_any_dtype(self.frame["interval_start"]):
            raise TypeError(f"{self.source}: interval_start must be datetime64 (parse it at the edge)")

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels in the order they first appear."""
        return tuple(dict.fromkeys(self.frame["channel"]))

    def of(self, channel: str) -> pd.DataFrame:
        """One channel's rows in time order."""
        return self.frame.loc[self.frame["channel"] == channel].sort_values("interval_start", kind="stable")

    def team(self, channels: tuple[str, ...] | list[str]) -> Requirements:
        """The rows of a team's channels (a new object)."""
        keep = self.frame["channel"].isin(list(channels))
        return Requirements(self.frame.loc[keep], self.interval_min, self.source)

    def summary(self) -> dict[str, dict[str, float | int]]:
        """Per channel: ``intervals``, ``agent_hours`` (sum of required x interval length [h]),
        ``peak_required``."""
        out: dict[str, dict[str, float | int]] = {}
        for ch, g in self.frame.groupby("channel", sort=False):
            if self.interval_min is not None:
                hours = self.interval_min / 60.0
            else:
                starts = g["interval_start"].sort_values()
                hours = float(starts.diff().min().total_seconds()) / 3600.0 if len(starts) > 1 else 0.0
            out[str(ch)] = {
                "intervals": len(g),
                "agent_hours": float(g["required"].sum()) * hours,
                "peak_required": int(g["required"].max()),
            }
        return out

    def on(self, channel: str, starts: pd.DatetimeIndex | pd.Series) -> tuple[Any, Any]:
        """One channel's ``required`` and ``open`` (1.0/0.0; 1.0 where the source has no window) at
        ``starts``, as float arrays (0 required and closed where the channel has no row)."""
        rows = self.of(channel).set_index("interval_start").reindex(pd.DatetimeIndex(starts))
        required = rows["required"].fillna(0.0).to_numpy(dtype=float)
        if "open" in rows.columns:
            opened = (rows["open"].fillna(0) > 0).to_numpy(dtype=float)
        else:
            opened = rows["required"].notna().to_numpy(dtype=float)
        return required, opened


@dataclass(frozen=True, eq=False)
class Schedule:
    """A roster's activity rows (DESIGN.md schedule schema), typed once by the edge that makes them: the
    scheduler (:func:`planner.scheduling.api.roster_weeks`), the file readers
    (:func:`planner.io.schedule.read_schedule`, :func:`planner.io.schedule.read_shift_list`).

    frame: ``agent_id`` (str), ``team`` (str; "" until a team is known, :meth:`with_teams`), ``date``
    (datetime64 at midnight: the day the shift belongs to), ``activity`` (one of :data:`ACTIVITIES`),
    ``start`` < ``end`` (datetime64, local wall time).
    """

    frame: pd.DataFrame
    source: str = "schedule"

    def __post_init__(self) -> None:
        _require_columns(self.frame, SCHEDULE_COLUMNS, self.source)
        for col in ("date", "start", "end"):
            if not pd.api.types.is_datetime64_any_dtype(self.frame[col]):
                raise TypeError(f"{self.source}: {col} must be datetime64 (use Schedule.of_rows)")

    @classmethod
    def of_rows(cls, rows: pd.DataFrame, team: str | None = None, source: str = "schedule") -> Schedule:
        """Typed from activity rows whose times are datetimes or ``YYYY-MM-DDTHH:MM`` text (the scheduler's
        rows); ``team`` names every row's team (else the rows' own ``team`` column, else "")."""
        missing = [c for c in SCHEDULE_COLUMNS if c != "team" and c not in rows.columns]
        if missing:
            raise PlannerInputError(f"{source}: missing column '{missing[0]}'")
        df = rows.reset_index(drop=True)
        out = pd.DataFrame({
            "agent_id": df["agent_id"].astype(str).str.strip(),
            "team": team if team is not None else (df["team"].fillna("").astype(str).str.strip()
                                                   if "team" in df.columns else ""),
            "date": pd.to_datetime(df["date"]).dt.normalize(),
            "activity": df["activity"].astype(str),
            "start": _datetimes(df["start"]),
            "end": _datetimes(df["end"]),
        })
        bad = ~out["activity"].isin(ACTIVITIES)
        if bad.any():
            raise PlannerInputError(f"{source}: activity '{out['activity'][bad].iloc[0]}' is not one of "
                                    f"{'|'.join(ACTIVITIES)}")
        return cls(out, source)

    @classmethod
    def joined(cls, parts: list[Schedule] | tuple[Schedule, ...], source: str = "schedule") -> Schedule:
        """Several rosters' rows as one schedule (e.g. a plan's teams)."""
        if not parts:
            return cls.of_rows(pd.DataFrame(columns=list(SCHEDULE_COLUMNS)), source=source)
        return cls(pd.concat([p.frame for p in parts], ignore_index=True), source)

    @property
    def agents(self) -> tuple[str, ...]:
        """The agent ids in the order they first appear."""
        return tuple(dict.fromkeys(self.frame["agent_id"]))

    @property
    def teams(self) -> tuple[str, ...]:
        """The named teams in the order they first appear."""
        return tuple(t for t in dict.fromkeys(self.frame["team"]) if t)

    def of_team(self, team: str) -> Schedule:
        """The rows of one team's agents."""
        return Schedule(self.frame.loc[self.frame["team"] == team].reset_index(drop=True), self.source)

    def with_teams(self, team_of: dict[str, str]) -> Schedule:
        """Each agent's team from ``team_of`` (agent id -> team; agents not in it keep their own)."""
        named = self.frame["agent_id"].map(team_of)
        return Schedule(self.frame.assign(team=named.fillna(self.frame["team"]).astype(str)), self.source)

    def busy(self) -> pd.DataFrame:
        """The rows that are not days off."""
        return self.frame.loc[self.frame["activity"] != "off"]


def _datetimes(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col
    return pd.to_datetime(col.astype(str), format="ISO8601")


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PlannerInputError(f"{source}: missing column '{missing[0]}'")


@dataclass(frozen=True)
class Team:
    """Agents rostered together: one single-skill roster serves the sum of its channels' requirements."""

    name: str
    channels: tuple[str, ...]


@dataclass(frozen=True)
class ColumnMap:
    """A history file and how its columns map onto the history schema (``schema name -> file column``)."""

    path: str | Blob  # a file, or an upload's bytes with its name
    columns: tuple[tuple[str, str], ...] = ()
    channel: str | None = None  # every row belongs to this channel (a per-channel file)


@dataclass(frozen=True)
class DataSource:
    """Where the plan's data comes from: history files, a forecast file, or the built-in sample."""

    history: tuple[ColumnMap, ...] = ()
    forecast: ColumnMap | None = None
    sample: bool = False
    holidays: str = "CN"  # the forecast's day calendar: CN | none | a country code | a holiday file (path)
    sample_weeks: int = 10
    sample_scale: float = 1.0
    calendar: Any = None  # the holiday file's forecasts.daycalendar.DayCalendar, read by the scenario loader


@dataclass(frozen=True)
class Horizon:
    """The planned weeks: ``start`` (first day; None = the day after the data) and ``weeks`` (1-6)."""

    start: date | None = None
    weeks: int = 1


@dataclass(frozen=True)
class ForecastSettings:
    """method: a model name or ``auto``; backtest_weeks: one-week-ahead origins; level: interval band."""

    method: str = "auto"
    backtest_weeks: int = 8
    level: float = 0.8


@dataclass(frozen=True)
class ReportTargets:
    """Contract targets the service report checks beyond each channel's own (合同 2.2, 2.3, 2.5).

    fcr_target: first-contact resolution, resolved_first_contact / answered (2.3: 75 %).
    csat_target: satisfied / responses of the satisfaction survey (2.5: 80 %).
    first_reply_target: share of written items first replied to within ``first_reply_working_hours``
    (2.1; 1.0: every item). resolution_working_hours [working h of the channel's window]: the deadline of
    a standard request (2.2: one working day = 9 h of a 09:00-18:00 window); resolution_target: the share
    that must meet it. columns: the report's own column mapping (schema name -> file column), over
    ``[data.columns]``.
    """

    fcr_target: float = 0.75
    csat_target: float = 0.80
    first_reply_target: float = 1.0
    resolution_working_hours: float = 9.0
    resolution_target: float = 1.0
    columns: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------------------------
# The contract term's supply, money and volume ([capacity]; the plan over the term: planner.capacity)
# --------------------------------------------------------------------------------------------

MIN_MONTHS, MAX_MONTHS = 12, 36
OVERTIME_MONTH_MAX_H = OVERTIME_MONTH_MAX_MIN / 60  # Labour Law art. 41: 36 h a month


@dataclass(frozen=True)
class Peak:
    """A promotion or season multiplying a month's volume: one month (``month`` = "YYYY-MM") or the same
    calendar month every year (``calendar_month`` 1-12)."""

    name: str
    factor: float
    month: str | None = None
    calendar_month: int | None = None

    def applies(self, first_day: date) -> bool:
        if self.month is not None:
            return f"{first_day:%Y-%m}" == self.month
        return self.calendar_month == first_day.month


@dataclass(frozen=True)
class ShrinkageSplit:
    """Shares of paid time off the job (fractions): annual leave per calendar month (Jan..Dec), sick leave,
    training, meetings and other (paid breaks, coaching, system downtime: what else the scenario's lump
    shrinkage covers)."""

    annual_leave: tuple[float, ...] = (0.0,) * 12
    sick_leave: float = 0.0
    training: float = 0.0
    meetings: float = 0.0
    other: float = 0.0

    def __post_init__(self) -> None:
        if len(self.annual_leave) != 12:
            raise PlannerInputError("capacity.shrinkage.annual_leave: give one value or twelve (Jan..Dec)")
        for m in range(1, 13):
            if not 0 <= self.of_month(m) < 1:
                raise PlannerInputError(
                    f"capacity.shrinkage: month {m}'s shrinkage {self.of_month(m):g} must be a fraction in [0, 1)"
                )

    def of_month(self, calendar_month: int) -> float:
        return self.annual_leave[calendar_month - 1] + self.sick_leave + self.training + self.meetings + self.other


@dataclass(frozen=True)
class VolumeTerms:
    """How volume moves over the term (see the module docstring). ``monthly``: channel -> contacts a month
    at factor 1 (else the plan's forecast); ``seasonal``: Jan..Dec factors; ``fcr``/``fcr_target``: the
    first-contact resolution of the history and of the term (both or neither)."""

    monthly: tuple[tuple[str, float], ...] = ()
    growth_year: float = 0.0
    seasonal: tuple[float, ...] = (1.0,) * 12
    peaks: tuple[Peak, ...] = ()
    fcr: float | None = None
    fcr_target: float | None = None

    def __post_init__(self) -> None:
        if len(self.seasonal) != 12 or any(not x > 0 for x in self.seasonal):
            raise PlannerInputError("capacity.volume.seasonal: twelve factors > 0 (Jan..Dec)")
        if (self.fcr is None) != (self.fcr_target is None):
            raise PlannerInputError("capacity.volume: give fcr and fcr_target together")
        for key in ("fcr", "fcr_target"):
            v = getattr(self, key)
            if v is not None and not 0 < v <= 1:
                raise PlannerInputError(f"capacity.volume.{key}: {v} must be a fraction in (0, 1]")
        if self.growth_year <= -1:
            raise PlannerInputError(f"capacity.volume.growth_year: {self.growth_year} must be > -1")


@dataclass(frozen=True)
class CapacityTerms:
    """The supply side and the money of a hiring plan (fractions, months, CNY; see scenarios/README.md).

    headcount: agents at the start (None: the plan's rostered agents). shrinkage: None takes the scenario's
    ``[staffing] shrinkage`` as one lump. short_penalty_fte_month: the cost of an FTE-month short, as a
    multiple of the term's cost of a head (large: covering comes first).
    """

    months: int = 24
    start: date | None = None
    headcount: float | None = None
    attrition_month: float = 0.05
    new_hire_attrition_month: float = 0.10
    new_hire_months: int = 3
    lead_time_months: int = 1
    ramp: tuple[float, ...] = (0.6, 0.85)
    class_size_min: int = 5
    class_size_max: int = 25
    classes_max_month: int = 2
    overtime_max_h_month: float = OVERTIME_MONTH_MAX_H
    hire_cost_cny: float = 3000.0
    class_cost_cny: float = 20000.0
    shrinkage: ShrinkageSplit | None = None
    volume: VolumeTerms = field(default_factory=VolumeTerms)
    short_penalty_fte_month: float = 10.0

    def __post_init__(self) -> None:
        check_months(self.months, "capacity.months")
        for key in ("attrition_month", "new_hire_attrition_month"):
            v = getattr(self, key)
            if not 0 <= v <= 1:
                raise PlannerInputError(f"capacity.{key}: {v} is not a fraction in [0, 1]")
        if self.lead_time_months < 0:
            raise PlannerInputError(f"capacity.lead_time_months: {self.lead_time_months} must be >= 0")
        if self.new_hire_months < 0:
            raise PlannerInputError(f"capacity.new_hire_months: {self.new_hire_months} must be >= 0")
        if any(not 0 < r <= 1 for r in self.ramp):
            raise PlannerInputError("capacity.ramp: productivity by month on the floor, each in (0, 1]")
        if not 1 <= self.class_size_min <= self.class_size_max:
            raise PlannerInputError(
                f"capacity.class_size_min: {self.class_size_min} must be >= 1 and at most class_size_max "
                f"{self.class_size_max}"
            )
        if self.classes_max_month < 0:
            raise PlannerInputError(f"capacity.classes_max_month: {self.classes_max_month} must be >= 0")
        if not 0 <= self.overtime_max_h_month <= OVERTIME_MONTH_MAX_H:
            raise PlannerInputError(
                f"capacity.overtime_max_h_month: {self.overtime_max_h_month:g} must be in [0, 36] "
                "(Labour Law art. 41)"
            )
        if self.headcount is not None and self.headcount < 0:
            raise PlannerInputError(f"capacity.headcount: {self.headcount:g} must be >= 0")

    def shrinkage_of(self, first_day: date, lump: float) -> float:
        """The month's shrinkage: the split's sum for its calendar month, else the scenario's ``lump``."""
        return lump if self.shrinkage is None else self.shrinkage.of_month(first_day.month)


def check_months(months: int, key: str) -> None:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise PlannerInputError(f"{key}: {months} months: the term must be {MIN_MONTHS} to {MAX_MONTHS} months")


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: site, calendar, coverage, channels, teams, data, horizon, rules and solver."""

    name: str
    timezone: str
    calendar: ChineseCalendar
    window: CoverageWindow
    channels: tuple[ChannelSpec, ...]
    shrinkage: float = 0.0
    interval_min: int | None = None
    volume_column: str = "offered"
    source: str = ""
    teams: tuple[Team, ...] = ()
    data: DataSource = field(default_factory=DataSource)
    horizon: Horizon = field(default_factory=Horizon)
    rules: ShiftRules = field(default_factory=ShiftRules)
    costs: CostRates = field(default_factory=CostRates)
    pay: PayRules = field(default_factory=PayRules)
    solver: SolverSettings = field(default_factory=SolverSettings)
    forecast: ForecastSettings = field(default_factory=ForecastSettings)
    replications: int = 10
    risk_replications: int = 200
    confidence_steps: tuple[float, ...] = (0.8, 0.9, 0.95)
    report: ReportTargets = field(default_factory=ReportTargets)
    capacity: CapacityTerms | None = None  # when the scenario has a [capacity] section

    def channel(self, name: str) -> ChannelSpec:
        """The spec of one channel (KeyError if absent)."""
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    def team_of(self, channel: str) -> str:
        """The team that serves ``channel`` (KeyError if none)."""
        for t in self.effective_teams():
            if channel in t.channels:
                return t.name
        raise KeyError(channel)

    def effective_teams(self) -> tuple[Team, ...]:
        """The scenario's teams, or by default ``voice`` (voice channels) and ``written`` (chat, email)."""
        if self.teams:
            return self.teams
        teams: dict[str, list[str]] = {}
        for c in self.channels:
            teams.setdefault(TEAM_OF_KIND[c.kind], []).append(c.name)
        return tuple(Team(n, tuple(chs)) for n, chs in teams.items())
