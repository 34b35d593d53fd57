"""Scenario file v1: TOML, validated with pydantic at the file boundary, returned as frozen dataclasses.

Only this module knows TOML. Unknown keys are rejected with their dotted name, fractions must be in
[0, 1] (never percent), durations carry their unit in the key (``answer_s``, ``patience_s``, ``aht_s``,
``first_reply_working_hours``). Every error is one :class:`PlannerInputError` line
``<file>: <dotted.key>: <what is wrong>``. See ``docs/staffing.md`` and ``scenarios/*.toml``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from planner.calendar import (
    ChineseCalendar,
    CoverageWindow,
    custom_window,
    read_overrides,
    weekday_window,
    window_7x24,
)
from planner.domain import CHANNEL_KINDS, ChannelSpec, Scenario
from planner.errors import PlannerInputError

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
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def _fraction(value: Any) -> Any:
    """Catch percent written where a fraction is expected (80 instead of 0.80)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1 and value <= 100:
        raise ValueError(f"{value} is not a fraction in [0, 1] (fractions, not percent: write {value / 100:g})")
    return value


Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Seconds = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]


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


class _QueueChannel(_Strict):
    model: Literal["erlang-c", "erlang-a"] = "erlang-c"
    service_level: Fraction | None = None
    answer_s: Seconds | None = None
    asa_s: Seconds | None = None
    patience_s: Seconds | None = None
    max_occupancy: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    aht_s: Seconds | None = None
    min_agents: Annotated[int, Field(ge=0)] = 1
    coverage: _Coverage | None = None

    @field_validator("service_level", "max_occupancy", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        return _fraction(v)

    @model_validator(mode="after")
    def _targets(self) -> _QueueChannel:
        if self.service_level is None and self.asa_s is None:
            raise ValueError("needs a target: service_level with answer_s, and/or asa_s")
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


class _Email(_Strict):
    type: Literal["email"] = "email"
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


class _ScenarioFile(_Strict):
    version: Literal[1] = 1
    site: _Site = _Site()
    coverage: _Coverage = _Coverage()
    staffing: _Staffing = _Staffing()
    channels: dict[str, _Channel]

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


def parse_scenario(data: dict[str, Any], *, source: str = "scenario", base_dir: Path | None = None) -> Scenario:
    """Validate a scenario mapping (already parsed from TOML) and return the core's dataclasses."""
    try:
        raw = _ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise PlannerInputError(_format_error(source, exc)) from None
    overrides = ()
    if raw.site.holiday_overrides:
        p = Path(raw.site.holiday_overrides)
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        overrides = read_overrides(p)
    default_window = _window(raw.coverage, f"{source}: coverage")
    channels = []
    for name, ch in raw.channels.items():
        where = f"{source}: channels.{name}"
        window = _window(ch.coverage, f"{where}.coverage") if ch.coverage else default_window
        common: dict[str, Any] = dict(name=name, kind=ch.type, window=window, min_agents=ch.min_agents, aht_s=ch.aht_s)
        if isinstance(ch, _Email):
            channels.append(ChannelSpec(**common, first_reply_working_hours=ch.first_reply_working_hours))
            continue
        extra: dict[str, Any] = {}
        if isinstance(ch, _Chat):
            extra = {"concurrency": ch.concurrency, "handle_time_stretch": ch.handle_time_stretch}
        channels.append(
            ChannelSpec(
                **common,
                model=ch.model,
                sl_target=ch.service_level,
                answer_s=ch.answer_s,
                asa_target_s=ch.asa_s,
                patience_s=ch.patience_s,
                max_occupancy=ch.max_occupancy if ch.max_occupancy is not None else raw.staffing.max_occupancy,
                **extra,
            )
        )
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
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file (relative paths inside it are relative to the file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot read scenario ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlannerInputError(f"{path}: not valid TOML ({exc})") from None
    return parse_scenario(data, source=str(path), base_dir=path.parent)
