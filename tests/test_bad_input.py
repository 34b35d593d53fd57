"""Bad input on every command, as a user meets it: the CLI contract of ../shared/DESIGN.md.

Every case runs ``python -m planner ...`` in a fresh process, in its own folder holding small valid base
files (3 weeks of hourly history, a week of hourly forecast with ``aht_s``, a week of hourly
requirements, a roster, a small scenario on sample data), with one thing broken. Each must end with
exit code 2 and exactly one line on stderr, ``error: ...``, that names the file, row, flag or key; no
traceback; and nothing in the folder written or changed (validate before doing any work; nothing the
user saved is overwritten without ``--force``). A few positive cases check that GBK and UTF-8-with-BOM
files are accepted.

The processes are independent, so the selected cases are started together on a small thread pool
(``$BAD_INPUT_JOBS``, default the CPU count) the first time a test asks for its result; each test
then asserts on its own case. A case that fails because the code breaks the contract is kept as the
contract says and marked ``xfail(strict=True)`` with the reason, so it turns red once fixed.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 120
JOBS = int(os.environ.get("BAD_INPUT_JOBS", "0")) or max(2, os.cpu_count() or 2)

# ---------------------------------------------------------------------------------------------------
# base files: small and valid

HISTORY_START = datetime(2026, 3, 2)  # Monday; 3 weeks hourly, to 2026-03-22T23:00
WEEK_START = datetime(2026, 3, 23)  # the forecast, requirements and roster week (Monday)
LATIN1 = "Caf\xe9 Z\xfcrich\n".encode("latin-1")  # neither UTF-8 nor GBK (0xE9 0x20, 0xFC 0x72 ... 0x0A)
BINARY = bytes((i * 37 + 11) % 256 for i in range(2048)) + b"\x00" * 64  # NULs and high bytes


def _volume(t: datetime) -> int:
    peak = 18 if 9 <= t.hour < 18 else (8 if 7 <= t.hour < 22 else 2)
    return peak if t.weekday() < 5 else peak // 2 + 1


def _ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M")


def history_rows() -> list[str]:
    rows = ["interval_start,channel,offered,aht_s"]
    for i in range(21 * 24):
        t = HISTORY_START + timedelta(hours=i)
        rows.append(f"{_ts(t)},voice,{_volume(t)},{200 + (i % 7) * 5}")
    return rows


def forecast_rows() -> list[str]:
    rows = ["interval_start,channel,offered,offered_lo,offered_hi,aht_s"]
    for i in range(7 * 24):
        t = WEEK_START + timedelta(hours=i)
        v = _volume(t)
        rows.append(f"{_ts(t)},voice,{v:.1f},{int(v * 0.8)},{int(v * 1.2) + 1},210")
    return rows


def requirements_rows() -> list[str]:
    rows = ["interval_start,channel,required"]
    for i in range(7 * 24):
        t = WEEK_START + timedelta(hours=i)
        rows.append(f"{_ts(t)},voice,{2 if 8 <= t.hour < 20 else 1}")
    return rows


def schedule_rows() -> list[str]:
    rows = ["agent_id,date,activity,start,end"]
    for agent, (s, e) in enumerate([(0, 9), (8, 17), (12, 21), (15, 24)]):
        for day in range(7):
            d = WEEK_START + timedelta(days=day)
            rows.append(f"A{agent},{d:%Y-%m-%d},work,{_ts(d + timedelta(hours=s))},{_ts(d + timedelta(hours=e))}")
    return rows


SCENARIO_HEAD = """version = 2
[site]
name = "bad input"
[coverage]
window = "7x24"
[staffing]
shrinkage = 0.1
interval_min = 60
[channels.voice]
service_level = 0.8
answer_s = 20
[forecast]
method = "mean_4w"
backtest_weeks = 1
[solver]
deterministic_time = 0.5
time_limit_s = 5
[check]
replications = 2
risk_replications = 20
confidence_steps = []
"""
DATA_SAMPLE = "[data]\nsample = true\nsample_weeks = 3\nsample_scale = 0.05\n"
DATA_HISTORY = '[data]\nhistory = "history.csv"\n'


def scenario_text(data: str = DATA_SAMPLE, add: str = "", replace: tuple[tuple[str, str], ...] = ()) -> str:
    text = SCENARIO_HEAD
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return text + data + add


def write_base(d: Path) -> None:
    (d / "history.csv").write_text("\n".join(history_rows()) + "\n", encoding="utf-8")
    (d / "forecast.csv").write_text("\n".join(forecast_rows()) + "\n", encoding="utf-8")
    (d / "requirements.csv").write_text("\n".join(requirements_rows()) + "\n", encoding="utf-8")
    (d / "schedule.csv").write_text("\n".join(schedule_rows()) + "\n", encoding="utf-8")
    (d / "scenario.toml").write_text(scenario_text(), encoding="utf-8")


# --- setup helpers: each returns a function of the case folder ---------------------------------------


def put(name: str, content: str | bytes, encoding: str = "utf-8") -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding=encoding)

    return setup


def mkdir(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).mkdir(parents=True, exist_ok=True)


def edit(name: str, fn: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    """Rewrite the lines of a base CSV (header is lines[0]; data row k is lines[k], file row k + 1)."""

    def setup(d: Path) -> None:
        p = d / name
        lines = p.read_text(encoding="utf-8").splitlines()
        p.write_text("\n".join(fn(lines)) + "\n", encoding="utf-8")

    return setup


def set_field(row: int, column: str, value: str) -> Callable[[list[str]], list[str]]:
    """Set ``column`` of data line ``row`` (1 = first data row, which is file row 2)."""

    def fn(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = lines[row].split(",")
        cells[header.index(column)] = value
        return [*lines[:row], ",".join(cells), *lines[row + 1:]]

    return fn


def append_latin1(name: str) -> Callable[[Path], None]:
    """Add a ``queue`` column whose last value is Latin-1 text (valid CSV otherwise)."""

    def setup(d: Path) -> None:
        p = d / name
        lines = p.read_text(encoding="utf-8").splitlines()
        body = [lines[0] + ",queue"] + [line + ",main" for line in lines[1:-1]]
        data = ("\n".join(body) + "\n").encode("utf-8") + (lines[-1] + ",").encode("utf-8") + LATIN1
        for enc in ("utf-8", "gbk"):
            with pytest.raises(UnicodeDecodeError):
                data.decode(enc)
        p.write_bytes(data)

    return setup


def both(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        for s in setups:
            s(d)

    return setup


GBK_SYNTAX_ERROR = """# 合同 2.1：语音 80% 在 20 秒内接听（按日考核）
version = 2
[site]
name = "上海客服中心"
[coverage]
window = "7x24"
[channels.voice
service_level = 0.8
answer_s = 20
"""


# ---------------------------------------------------------------------------------------------------
# the table


# Cases that fail today because the CODE breaks the contract (kept as the contract says; strict, so a fix
# turns them red until the mark is removed). id -> what is wrong.
def _param_not_flag(param: str, flag: str) -> str:
    return f"the message names the engine's parameter '{param}', not the flag {flag} the user typed"


XFAIL: dict[str, str] = {}  # cases the code still fails: none


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    expect: tuple[tuple[str, ...], ...] = ()  # every group must match; a group is alternatives
    setup: Callable[[Path], None] | None = field(default=None, compare=False)
    ok: bool = False  # a positive case: exit 0


def _groups(expect) -> tuple[tuple[str, ...], ...]:
    if isinstance(expect, str):
        expect = (expect,)
    return tuple((g,) if isinstance(g, str) else tuple(g) for g in expect)


def case(id_: str, argv: str, expect, setup=None):
    c = Case(id_, tuple(shlex.split(argv)), _groups(expect), setup)
    marks = [pytest.mark.xfail(strict=True, reason=XFAIL[id_])] if id_ in XFAIL else []
    return pytest.param(c, id=id_, marks=marks)


def slow_case(id_: str, argv: str, expect, setup=None):
    """A further case, left out of the default run to keep it short (run with ``-m slow``)."""
    p = case(id_, argv, expect, setup)
    return pytest.param(*p.values, id=p.id, marks=[*p.marks, pytest.mark.slow])


def ok(id_: str, argv: str, setup):
    c = Case(id_, tuple(shlex.split(argv)), (), setup, ok=True)
    marks = [pytest.mark.xfail(strict=True, reason=XFAIL[id_])] if id_ in XFAIL else []
    return pytest.param(c, id=id_, marks=marks)


ROW6 = ("row 6", "line 6")  # data line 5 of a file: header = row 1
FORECAST_ROW6 = (("forecast.csv", "2026-03-23T04:00"),)  # the file, or the row by its interval
ERLANG = "erlang --calls 100 --interval-min 30 --aht-s 180 --answer-s 20"
DUE = "due --from 2026-02-13T16:00"
FORECAST = "forecast history.csv --horizon-days 7 --out f.csv --method mean_4w --backtest-weeks 1"
STAFF = "staff forecast.csv --scenario scenario.toml --out r.csv"
SCHEDULE = "schedule requirements.csv --out roster --time-limit-s 2 --workers 1"
SIMULATE = "simulate --schedule schedule.csv --forecast forecast.csv --answer-s 20 --replications 2"
SL_STAFF = "sl-staff forecast.csv --sl 0.8 --answer-s 20 --replications 2 --max-iterations 2"
PLAN = "plan scenario.toml --out plan"
DEMO = "demo --out demo --time-limit-s 1 --weeks 3 --replications 2"
COST = "cost scenario.toml --out o.csv"
CAPACITY = "capacity scenario.toml --out c.csv"
# a history with one negative / absurd / duplicated row, and so on
NEG5 = set_field(5, "offered", "-3")
DUP5 = lambda lines: [*lines[:6], lines[5], *lines[6:]]  # noqa: E731  data row 5 twice (file rows 6, 7)
GAP = lambda lines: [*lines[:30], *lines[33:]]  # noqa: E731  three intervals missing in a busy afternoon


def _plan(data: str = DATA_SAMPLE, add: str = "", replace=()) -> Callable[[Path], None]:
    return put("scenario.toml", scenario_text(data, add, replace))


BAD = [
    # ----- erlang
    case("erlang-negative-calls", "erlang --calls -5 --interval-min 30 --aht-s 180 --answer-s 20 --sl 0.8",
         "--calls"),
    case("erlang-sl-1.0", f"{ERLANG} --sl 1.0", "--sl"),
    case("erlang-sl-percent", f"{ERLANG} --sl 80", "--sl"),
    case("erlang-answer-negative", "erlang --calls 100 --interval-min 30 --aht-s 180 --answer-s -20 --sl 0.8",
         "--answer-s"),
    slow_case("erlang-interval-zero", "erlang --calls 100 --interval-min 0 --aht-s 180 --answer-s 20 --sl 0.8",
         "--interval-min"),
    slow_case("erlang-shrinkage-1", f"{ERLANG} --sl 0.8 --shrinkage 1", "--shrinkage"),
    case("erlang-occupancy-percent", f"{ERLANG} --sl 0.8 --max-occupancy 85", "--max-occupancy"),
    case("erlang-a-without-patience", f"{ERLANG} --sl 0.8 --model erlang-a", "--patience-s"),
    slow_case("erlang-unknown-model", f"{ERLANG} --sl 0.8 --model erlang-x", "--model"),
    slow_case("erlang-no-target", ERLANG, (("--sl", "--agents", "--asa-s"),)),
    # ----- due
    case("due-working-hours-1e12", f"{DUE} --working-hours 1e12", "--working-hours"),
    slow_case("due-working-hours-negative", f"{DUE} --working-hours -1", "--working-hours"),
    case("due-holidays-binary", f"{DUE} --working-hours 4 --holidays bin.dat", "bin.dat", put("bin.dat", BINARY)),
    case("due-holidays-latin1", f"{DUE} --working-hours 4 --holidays hol.csv", "hol.csv",
         put("hol.csv", b"date,kind,name\n2026-02-20,holiday," + LATIN1)),
    case("due-holidays-missing", f"{DUE} --working-hours 4 --holidays nope.csv", "nope.csv"),
    case("due-bad-from", "due --from 2026-13-45T16:00 --working-hours 4", "--from"),
    slow_case("due-open-25", f"{DUE} --working-hours 4 --open 25:00", "--open"),
    case("due-close-before-open", f"{DUE} --working-hours 4 --open 18:00 --close 09:00", (("--open", "--close"),)),
    slow_case("due-unknown-window", f"{DUE} --working-hours 4 --window 5x8", "--window"),
    # ----- forecast
    case("forecast-missing-file", "forecast missing.csv --horizon-days 7 --out f.csv", "missing.csv"),
    case("forecast-empty-file", FORECAST, "history.csv", put("history.csv", "")),
    case("forecast-malformed-csv", FORECAST, "history.csv",
         put("history.csv", 'interval_start,channel,offered\n2026-03-02T00:00,voice,"3\n'
                            '2026-03-02T01:00,voice,4,5,6\n')),
    case("forecast-non-utf8", FORECAST, "history.csv", append_latin1("history.csv")),
    case("forecast-binary-history", FORECAST, "history.csv", put("history.csv", BINARY)),
    case("forecast-wrong-columns", FORECAST, ("history.csv", "interval_start"),
         edit("history.csv", lambda lines: ["time" + lines[0][len("interval_start"):], *lines[1:]])),
    case("forecast-negative-volume", FORECAST, ("history.csv", ROW6, "offered"), edit("history.csv", NEG5)),
    case("forecast-absurd-volume-1e12", FORECAST, ("history.csv", ROW6),
         edit("history.csv", set_field(5, "offered", "1e12"))),
    case("forecast-duplicate-interval", FORECAST, ("history.csv", ("row 7", "line 7", "row 6", "line 6")),
         edit("history.csv", DUP5)),
    slow_case("forecast-unparsable-time", FORECAST, ("history.csv", ROW6),
         edit("history.csv", set_field(5, "interval_start", "2026-03-02T25:00"))),
    slow_case("forecast-horizon-zero", "forecast history.csv --horizon-days 0 --out f.csv", "--horizon-days"),
    slow_case("forecast-level-percent", f"{FORECAST} --level 80", "--level"),
    slow_case("forecast-interval-7", f"{FORECAST} --interval-min 7", "--interval-min"),
    slow_case("forecast-unknown-method", "forecast history.csv --horizon-days 7 --out f.csv --method prophet",
         "--method"),
    slow_case("forecast-holidays-binary", f"{FORECAST} --holidays bin.dat", "bin.dat", put("bin.dat", BINARY)),
    case("forecast-existing-out", FORECAST, "f.csv", put("f.csv", "my own forecast, keep me\n")),
    # ----- staff
    case("staff-existing-out", STAFF, "r.csv", put("r.csv", "my requirements, keep me\n")),
    case("staff-unknown-key", STAFF, ("scenario.toml", "channels.voice.colour"),
         put("scenario.toml", scenario_text(replace=(("answer_s = 20\n", 'answer_s = 20\ncolour = "red"\n'),)))),
    case("staff-sl-percent", STAFF, ("scenario.toml", "channels.voice.service_level"),
         put("scenario.toml", scenario_text(replace=(("service_level = 0.8", "service_level = 80"),)))),
    case("staff-sl-1.0", STAFF, ("scenario.toml", "service_level"),
         put("scenario.toml", scenario_text(replace=(("service_level = 0.8", "service_level = 1.0"),)))),
    case("staff-sl-as-text", STAFF, ("scenario.toml", "channels.voice.service_level"),
         put("scenario.toml", scenario_text(replace=(("service_level = 0.8", 'service_level = "0.8"'),)))),
    case("staff-confidence-percent", STAFF, ("scenario.toml", "channels.voice.sl_confidence"),
         put("scenario.toml", scenario_text(replace=(("answer_s = 20\n", "answer_s = 20\nsl_confidence = 95\n"),)))),
    case("staff-confidence-1", STAFF, ("scenario.toml", "channels.voice.sl_confidence"),
         put("scenario.toml", scenario_text(replace=(("answer_s = 20\n", "answer_s = 20\nsl_confidence = 1.0\n"),)))),
    case("staff-confidence-asa-only", STAFF, ("scenario.toml", "sl_confidence"),
         put("scenario.toml", scenario_text(replace=(("service_level = 0.8\nanswer_s = 20\n",
                                                      "asa_s = 30\nsl_confidence = 0.9\n"),)))),
    case("staff-forecast-error-negative", STAFF, ("scenario.toml", "forecast_error.day_log_sd"),
         put("scenario.toml", scenario_text(add="[channels.voice.forecast_error]\nday_log_sd = -0.1\n"))),
    case("staff-confidence-steps-percent", STAFF, ("scenario.toml", "check.confidence_steps"),
         put("scenario.toml", scenario_text(replace=(("confidence_steps = []", "confidence_steps = [80, 90]"),)))),
    case("staff-answer-negative", STAFF, ("scenario.toml", "channels.voice.answer_s"),
         put("scenario.toml", scenario_text(replace=(("answer_s = 20", "answer_s = -20"),)))),
    case("staff-binary-scenario", STAFF, "scenario.toml", put("scenario.toml", BINARY)),
    case("staff-latin1-scenario", STAFF, "scenario.toml",
         put("scenario.toml", scenario_text().encode("utf-8") + b"# " + LATIN1)),
    case("staff-gbk-syntax-error", "staff forecast.csv --scenario bad.toml --out r.csv", "bad.toml",
         put("bad.toml", GBK_SYNTAX_ERROR, encoding="gbk")),
    slow_case("staff-empty-forecast", STAFF, "forecast.csv", put("forecast.csv", "")),
    case("staff-negative-forecast", STAFF, ("forecast.csv", ROW6), edit("forecast.csv", NEG5)),
    slow_case("staff-forecast-wrong-columns", STAFF, ("forecast.csv", "offered"),
         edit("forecast.csv", lambda lines: [lines[0].replace(",offered,", ",calls,"), *lines[1:]])),
    slow_case("staff-forecast-duplicate", STAFF, "forecast.csv", edit("forecast.csv", DUP5)),
    case("staff-forecast-gap", STAFF, "forecast.csv", edit("forecast.csv", GAP)),
    # ----- schedule
    case("schedule-days-per-week-8", f"{SCHEDULE} --days-per-week 8", "--days-per-week"),
    case("schedule-lunch-600", f"{SCHEDULE} --lunch-min 600", "--lunch-min"),
    case("schedule-earliest-25:00", f"{SCHEDULE} --earliest-start 25:00", "--earliest-start"),
    case("schedule-min-days-above-max", f"{SCHEDULE} --days-per-week 5 --min-days-per-week 6",
         "--min-days-per-week"),
    slow_case("schedule-start-step-7", f"{SCHEDULE} --start-step-min 7", "--start-step-min"),
    case("schedule-shift-30h", f"{SCHEDULE} --shift-hours 30", "--shift-hours"),
    case("schedule-shrinkage-percent", f"{SCHEDULE} --shrinkage 30", "--shrinkage"),
    slow_case("schedule-time-limit-zero", "schedule requirements.csv --out roster --time-limit-s 0", "--time-limit-s"),
    case("schedule-out-is-a-file", "schedule requirements.csv --out taken.txt --time-limit-s 2", "taken.txt",
         put("taken.txt", "not a folder, keep me\n")),
    case("schedule-existing-output", SCHEDULE, "roster",
         put("roster/schedule.csv", "my published roster, keep me\n")),
    case("schedule-requirement-1e12", SCHEDULE, ("requirements.csv", ROW6),
         edit("requirements.csv", set_field(5, "required", "1e12"))),
    case("schedule-negative-requirement", SCHEDULE, ("requirements.csv", ROW6),
         edit("requirements.csv", set_field(5, "required", "-2"))),
    case("schedule-duplicate-interval", SCHEDULE, "requirements.csv", edit("requirements.csv", DUP5)),
    case("schedule-gap", SCHEDULE, "requirements.csv", edit("requirements.csv", GAP)),
    case("schedule-two-days-only", SCHEDULE, "requirements.csv", edit("requirements.csv", lambda lines: lines[:49])),
    case("schedule-empty-file", SCHEDULE, "requirements.csv", put("requirements.csv", "")),
    case("schedule-binary-file", SCHEDULE, "requirements.csv", put("requirements.csv", BINARY)),
    slow_case("schedule-non-utf8", SCHEDULE, "requirements.csv", append_latin1("requirements.csv")),
    case("schedule-wrong-columns", SCHEDULE, ("requirements.csv", "required"),
         edit("requirements.csv", lambda lines: [lines[0].replace("required", "need"), *lines[1:]])),
    slow_case("schedule-unknown-channel", f"{SCHEDULE} --channel fax", "fax"),
    slow_case("schedule-agents-missing", f"{SCHEDULE} --agents agents.csv", "agents.csv"),
    slow_case("schedule-scenario-days-7", f"{SCHEDULE} --scenario scenario.toml", "rules.days_per_week",
         _plan(add="[rules]\ndays_per_week = 7\n")),
    slow_case("schedule-scenario-unknown-key", f"{SCHEDULE} --scenario scenario.toml", "rules.colour",
         _plan(add='[rules]\ncolour = "red"\n')),
    # ----- simulate
    case("simulate-1e9-calls", SIMULATE, FORECAST_ROW6, edit("forecast.csv", set_field(5, "offered", "1e9"))),
    case("simulate-out-is-a-directory", f"{SIMULATE} --out outdir", "outdir", mkdir("outdir")),
    case("simulate-existing-out", f"{SIMULATE} --out sim.csv", "sim.csv", put("sim.csv", "keep me\n")),
    case("simulate-answer-negative", "simulate --schedule schedule.csv --forecast forecast.csv --answer-s -20",
         "--answer-s"),
    slow_case("simulate-patience-negative", f"{SIMULATE} --patience-s -5", "--patience-s"),
    case("simulate-replications-zero", "simulate --schedule schedule.csv --forecast forecast.csv --answer-s 20 "
         "--replications 0", "--replications"),
    slow_case("simulate-shrinkage-percent", f"{SIMULATE} --shrinkage 35", "--shrinkage"),
    slow_case("simulate-unknown-handle-time", f"{SIMULATE} --handle-time weibull", "--handle-time"),
    case("simulate-schedule-missing", "simulate --schedule nope.csv --forecast forecast.csv --answer-s 20",
         "nope.csv"),
    case("simulate-schedule-binary", SIMULATE, "schedule.csv", put("schedule.csv", BINARY)),
    slow_case("simulate-schedule-empty", SIMULATE, "schedule.csv", put("schedule.csv", "")),
    case("simulate-schedule-bad-activity", SIMULATE, ("schedule.csv", ROW6, "activity"),
         edit("schedule.csv", set_field(5, "activity", "nap"))),
    case("simulate-schedule-end-before-start", SIMULATE, ("schedule.csv", ROW6),
         edit("schedule.csv", set_field(5, "end", "2026-03-26T01:00"))),
    slow_case("simulate-forecast-negative", SIMULATE, ("forecast.csv", ROW6), edit("forecast.csv", NEG5)),
    case("simulate-forecast-gap", SIMULATE, "forecast.csv", edit("forecast.csv", GAP)),
    slow_case("simulate-forecast-non-utf8", SIMULATE, "forecast.csv", append_latin1("forecast.csv")),
    slow_case("simulate-no-aht", "simulate --schedule schedule.csv --forecast fc.csv --answer-s 20 --replications 2",
         ("aht",), put("fc.csv", "\n".join(r.rsplit(",", 1)[0] for r in forecast_rows()) + "\n")),
    slow_case("simulate-scenario-unknown-key", f"{SIMULATE} --scenario scenario.toml", "staffing.colour",
         _plan(replace=(("interval_min = 60\n", 'interval_min = 60\ncolour = "red"\n'),))),
    # ----- sl-staff
    case("sl-staff-1e9-calls", SL_STAFF, FORECAST_ROW6, edit("forecast.csv", set_field(5, "offered", "1e9"))),
    case("sl-staff-out-is-a-directory", f"{SL_STAFF} --out outdir", "outdir", mkdir("outdir")),
    case("sl-staff-existing-out", f"{SL_STAFF} --out sl.csv", "sl.csv", put("sl.csv", "keep me\n")),
    case("sl-staff-sl-1.0", f"{SL_STAFF} --sl 1.0", "--sl"),
    case("sl-staff-sl-percent", f"{SL_STAFF} --sl 80", "--sl"),
    case("sl-staff-answer-negative", "sl-staff forecast.csv --sl 0.8 --answer-s -20", "--answer-s"),
    case("sl-staff-no-sl", "sl-staff forecast.csv --answer-s 20", "--sl"),
    case("sl-staff-confidence-percent", f"{SL_STAFF} --confidence 95", "--confidence"),
    slow_case("sl-staff-min-share-percent", f"{SL_STAFF} --min-share 95", "--min-share"),
    slow_case("sl-staff-unknown-period", f"{SL_STAFF} --period year", "--period"),
    case("sl-staff-roster-days-8", f"{SL_STAFF} --roster --days-per-week 8", "--days-per-week"),
    slow_case("sl-staff-forecast-non-utf8", SL_STAFF, "forecast.csv", append_latin1("forecast.csv")),
    # ----- plan
    case("plan-missing-history", PLAN, "nope.csv", _plan(data='[data]\nhistory = "nope.csv"\n')),
    case("plan-mapping-to-absent-column", PLAN, ("history.csv", "Calls Offered"),
         _plan(data=DATA_HISTORY + '[data.columns]\noffered = "Calls Offered"\n')),
    case("plan-horizon-weeks-0", PLAN, "horizon.weeks", _plan(add="[horizon]\nweeks = 0\n")),
    case("plan-workers-zero", f"{PLAN} --workers 0", "--workers", _plan()),
    slow_case("plan-cluster-unreachable", f"{PLAN} --cluster tcp://127.0.0.1:9", ("--cluster", "127.0.0.1:9"),
              _plan()),
    case("plan-horizon-weeks-7", PLAN, "horizon.weeks", _plan(add="[horizon]\nweeks = 7\n")),
    case("plan-team-without-channel", PLAN, "teams.empty",
         _plan(add='[teams.phones]\nchannels = ["voice"]\n[teams.empty]\nchannels = []\n')),
    case("plan-channel-in-two-teams", PLAN, ("teams", "voice"),
         _plan(add='[teams.a]\nchannels = ["voice"]\n[teams.b]\nchannels = ["voice"]\n')),
    case("plan-start-inside-history", PLAN, "horizon.start",
         _plan(data=DATA_HISTORY, add="[horizon]\nstart = 2026-03-10\n")),
    case("plan-forecast-too-short", PLAN, (("forecast.csv", "data.forecast", "horizon.weeks"),),
         _plan(data='[data]\nforecast = "forecast.csv"\n', add="[horizon]\nweeks = 2\n")),
    case("plan-forecast-not-from-midnight", PLAN, (("forecast.csv", "data.forecast", "horizon.start"),),
         both(_plan(data='[data]\nforecast = "forecast.csv"\n', add="[horizon]\nstart = 2026-03-23\n"),
              edit("forecast.csv", lambda lines: [lines[0], *lines[4:]]))),
    case("plan-two-data-sources", PLAN, "data", _plan(data=DATA_SAMPLE + 'history = "history.csv"\n')),
    slow_case("plan-no-data", PLAN, "data", _plan(data="")),
    case("plan-unknown-key", PLAN, "solver.colour",
         _plan(replace=(("time_limit_s = 5\n", 'time_limit_s = 5\ncolour = "red"\n'),))),
    slow_case("plan-shrinkage-percent", PLAN, "staffing.shrinkage",
         _plan(replace=(("shrinkage = 0.1", "shrinkage = 35"),))),
    case("plan-lunch-600", PLAN, "rules.lunch_min", _plan(add="[rules]\nlunch_min = 600\n")),
    case("plan-earliest-start-25:00", PLAN, "rules.earliest_start",
         _plan(add='[rules]\nearliest_start = "25:00"\n')),
    case("plan-gbk-syntax-error", "plan bad.toml --out plan", "bad.toml",
         put("bad.toml", GBK_SYNTAX_ERROR, encoding="gbk")),
    case("plan-binary-scenario", PLAN, "scenario.toml", put("scenario.toml", BINARY)),
    slow_case("plan-empty-scenario", PLAN, "scenario.toml", put("scenario.toml", "")),
    case("plan-binary-history", PLAN, "bin.dat", both(_plan(data='[data]\nhistory = "bin.dat"\n'),
                                                       put("bin.dat", BINARY))),
    case("plan-non-utf8-history", PLAN, "history.csv", both(_plan(data=DATA_HISTORY), append_latin1("history.csv"))),
    slow_case("plan-malformed-history", PLAN, "history.csv",
         both(_plan(data=DATA_HISTORY), put("history.csv", 'interval_start,offered\n"2026-03-02T00:00,3\n,,,,\n'))),
    case("plan-history-1e12", PLAN, ("history.csv", ROW6),
         both(_plan(data=DATA_HISTORY), edit("history.csv", set_field(5, "offered", "1e12")))),
    case("plan-holidays-binary", PLAN, (("bin.dat", "data.holidays"),),
         both(_plan(data=DATA_HISTORY + 'holidays = "bin.dat"\n'), put("bin.dat", BINARY))),
    slow_case("plan-data-channel-unknown", PLAN, "fax",
         _plan(data='[data.channels.fax]\nhistory = "history.csv"\n')),
    case("plan-existing-out", PLAN, "plan", put("plan/summary.json", '{"mine": true}\n')),
    case("plan-wage-below-minimum", PLAN, "pay.monthly_wage_cny", _plan(add="[pay]\nmonthly_wage_cny = 1000\n")),
    slow_case("plan-margin-percent", PLAN, "pay.margin", _plan(add="[pay]\nmargin = 15\n")),
    # ----- cost (SLA options): every option validated before any work
    case("cost-unknown-key", f"{COST} --option x:channels.voice.colour=1", ("option x", "channels.voice.colour")),
    case("cost-sl-percent", f"{COST} --option x:channels.voice.service_level=90",
         ("option x", "channels.voice.service_level")),
    slow_case("cost-sl-above-1",
              f"{COST} --option ok:channels.voice.answer_s=10 --option x:channels.voice.service_level=1.5",
              ("option x", "channels.voice.service_level")),
    case("cost-two-options-one-name",
         f"{COST} --option a:channels.voice.answer_s=10 --option a:channels.voice.answer_s=30", "option a"),
    case("cost-absurd-answer-s", f"{COST} --option x:channels.voice.answer_s=1e308",
         ("option x", "channels.voice.answer_s")),
    case("cost-forecast-key", f"{COST} --option x:data.sample_scale=2", ("option x", "data.sample_scale")),
    case("cost-unknown-channel", f"{COST} --option x:channels.fax.answer_s=1", ("option x", "channels.fax")),
    case("cost-no-options", COST, "--option"),
    case("cost-bad-syntax", f"{COST} --option x", "--option"),
    case("cost-options-binary", f"{COST} --options bin.dat", "bin.dat", put("bin.dat", BINARY)),
    case("cost-existing-out", f"{COST} --option x:channels.voice.answer_s=10", "o.csv", put("o.csv", "keep me\n")),
    slow_case("cost-out-not-csv", "cost scenario.toml --out o.txt --option x:channels.voice.answer_s=10", "--out"),
    slow_case("cost-workers-zero", f"{COST} --option x:channels.voice.answer_s=10 --workers 0", "--workers"),
    case("cost-cluster-unreachable", f"{COST} --option x:channels.voice.answer_s=10 --cluster tcp://127.0.0.1:9",
         "--cluster"),
    # ----- capacity: the term's hiring plan; every key and flag validated before the plan runs
    case("capacity-attrition-over-1", CAPACITY, "capacity.attrition_month",
         _plan(add="[capacity]\nattrition_month = 1.5\n")),
    case("capacity-attrition-percent", CAPACITY, "capacity.attrition_month",
         _plan(add="[capacity]\nattrition_month = 5\n")),
    case("capacity-negative-lead-time", CAPACITY, "capacity.lead_time_months",
         _plan(add="[capacity]\nlead_time_months = -1\n")),
    case("capacity-months-zero", f"{CAPACITY} --months 0", "--months"),
    case("capacity-months-zero-in-file", CAPACITY, "capacity.months", _plan(add="[capacity]\nmonths = 0\n")),
    case("capacity-existing-out", CAPACITY, "c.csv", put("c.csv", "keep me\n")),
    slow_case("capacity-out-not-csv", "capacity scenario.toml --out c.txt", "--out"),
    slow_case("capacity-overtime-40h", CAPACITY, "capacity.overtime_max_h_month",
              _plan(add="[capacity]\novertime_max_h_month = 40\n")),
    slow_case("capacity-growth-percent", CAPACITY, "capacity.volume.growth_year",
              _plan(add="[capacity.volume]\ngrowth_year = 8\n")),
    slow_case("capacity-unknown-key", CAPACITY, "capacity.colour", _plan(add='[capacity]\ncolour = "red"\n')),
    case("plan-capacity-ramp-percent", PLAN, "capacity.ramp", _plan(add="[capacity]\nramp = [60, 85]\n")),
    # ----- demo
    case("demo-existing-out", DEMO, "demo", put("demo/summary.json", '{"mine": true}\n')),
    case("demo-out-is-a-file", "demo --out taken.txt --time-limit-s 1 --weeks 3 --replications 2", "taken.txt",
         put("taken.txt", "keep me\n")),
    case("demo-scenario-missing", f"{DEMO} --scenario nope.toml", "nope.toml"),
    case("demo-scenario-unknown-key", f"{DEMO} --scenario scenario.toml", "channels.voice.colour",
         _plan(replace=(("answer_s = 20\n", 'answer_s = 20\ncolour = "red"\n'),))),
    case("demo-weeks-zero", "demo --out demo --weeks 0", "--weeks"),
    case("demo-agents-zero", "demo --out demo --agents 0", "--agents"),
    slow_case("demo-agents-existing-out", f"{DEMO} --agents 300", "demo", put("demo/summary.json", '{"mine": 1}\n')),
    slow_case("demo-replications-zero", "demo --out demo --replications 0", "--replications"),
    slow_case("demo-time-limit-negative", "demo --out demo --time-limit-s -1", "--time-limit-s"),
]

BOM = "\ufeff"
GBK_HISTORY = edit("history.csv", lambda lines: [lines[0] + ",queue", *(line + ",热线" for line in lines[1:])])
GBK_FORECAST = edit("forecast.csv", lambda lines: [lines[0].replace(",channel,", ",channel,queue,"),
                                                   *(line.replace(",voice,", ",voice,热线,") for line in lines[1:])])


def _reencode(name: str, encoding: str, prefix: str = "") -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        p = d / name
        p.write_bytes((prefix + p.read_text(encoding="utf-8")).encode(encoding))

    return setup


GOOD = [
    ok("forecast-gbk-history", FORECAST, both(GBK_HISTORY, _reencode("history.csv", "gbk"))),
    ok("forecast-bom-history", FORECAST, both(GBK_HISTORY, _reencode("history.csv", "utf-8", BOM))),
    ok("staff-gbk-forecast", STAFF, both(GBK_FORECAST, _reencode("forecast.csv", "gbk"))),
    ok("staff-bom-forecast", STAFF, both(GBK_FORECAST, _reencode("forecast.csv", "utf-8", BOM))),
    ok("staff-gbk-scenario", STAFF,
       put("scenario.toml", "# 合同 2.1：语音按日考核\n" + scenario_text(replace=(('"bad input"', '"上海客服"'),)),
           encoding="gbk")),
    ok("staff-bom-scenario", STAFF, put("scenario.toml", BOM + "# 合同 2.1\n" + scenario_text(), encoding="utf-8")),
]


# ---------------------------------------------------------------------------------------------------
# running


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    before: dict[str, bytes | None]
    after: dict[str, bytes | None]
    wall_s: float


def snapshot(d: Path) -> dict[str, bytes | None]:
    """Every path under ``d``: file bytes, or None for a folder."""
    return {str(p.relative_to(d)): (p.read_bytes() if p.is_file() else None) for p in sorted(d.rglob("*"))}


def execute(c: Case, d: Path) -> Outcome:
    d.mkdir(parents=True)
    write_base(d)
    if c.setup is not None:
        c.setup(d)
    before = snapshot(d)
    env = {**os.environ, "PLANNER_PROGRESS": "0"}  # the one error line, whenever it comes
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-m", "planner", *c.argv], cwd=d, env=env, capture_output=True,
                           text=True, timeout=TIMEOUT_S)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = None, str(exc.stdout or ""), f"timed out after {TIMEOUT_S} s"
    return Outcome(code, out, err, before, snapshot(d), time.perf_counter() - t0)


_OUTCOMES: dict[str, Outcome] = {}


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    """Run every selected case of this module at once (independent processes, one folder each)."""
    cases = [item.callspec.params["c"] for item in request.session.items
             if item.module is request.module and hasattr(item, "callspec") and "c" in item.callspec.params]
    todo = [c for c in cases if c.id not in _OUTCOMES]
    root = tmp_path_factory.mktemp("bad_input")
    with ThreadPoolExecutor(JOBS) as pool:
        for c, o in zip(todo, pool.map(lambda c: execute(c, root / c.id), todo), strict=True):
            _OUTCOMES[c.id] = o
    return _OUTCOMES


def _outcome(outcomes: dict[str, Outcome], c: Case, tmp_path_factory) -> Outcome:
    if c.id not in outcomes:  # selected in an unusual way: run it alone
        outcomes[c.id] = execute(c, tmp_path_factory.mktemp("bad_input_one") / c.id)
    return outcomes[c.id]


@pytest.mark.parametrize("c", BAD)
def test_bad_input_is_refused(c: Case, outcomes, tmp_path_factory):
    o = _outcome(outcomes, c, tmp_path_factory)
    argv = "planner " + shlex.join(c.argv)
    assert "Traceback" not in o.stderr, f"{argv}: traceback\n{o.stderr[-2000:]}"
    lines = o.stderr.splitlines()
    assert o.code == 2, f"{argv}: exit {o.code}, stderr: {o.stderr[-1000:]!r}"
    assert len(lines) == 1, f"{argv}: stderr must be one line, got {len(lines)}: {o.stderr[-1000:]!r}"
    line = lines[0]
    assert line.startswith("error: ") and line[len("error: "):].strip(), f"{argv}: {line!r}"
    for group in c.expect:
        assert any(s in line for s in group), f"{argv}: {line!r} does not name {' or '.join(group)}"
    changed = sorted(k for k, v in o.before.items() if o.after.get(k, b"<gone>") != v)
    created = sorted(set(o.after) - set(o.before))
    assert not changed, f"{argv}: changed or removed what was there: {changed}"
    assert not created, f"{argv}: wrote output although the input is bad: {created}"


@pytest.mark.parametrize("c", GOOD)
def test_gbk_and_bom_files_are_accepted(c: Case, outcomes, tmp_path_factory):
    o = _outcome(outcomes, c, tmp_path_factory)
    assert o.code == 0, f"planner {shlex.join(c.argv)}: exit {o.code}: {o.stderr[-1000:]}"
    assert "Traceback" not in o.stderr


def test_the_table_covers_every_command():
    """The default run (without the ``slow`` extras) has 70+ cases, every command 4+, plan/schedule/simulate 8+."""
    default = [p for p in BAD if not any(m.name == "slow" for m in p.marks)]
    per_command: dict[str, int] = {}
    for p in default:
        per_command[p.values[0].argv[0]] = per_command.get(p.values[0].argv[0], 0) + 1
    assert len(default) >= 70 and len({p.id for p in BAD}) == len(BAD)
    for command in ("erlang", "due", "forecast", "staff", "schedule", "simulate", "sl-staff", "plan", "demo"):
        assert per_command.get(command, 0) >= 4, command
    for command in ("plan", "schedule", "simulate"):
        assert per_command[command] >= 8, command
