"""``planner check``: the client's adequacy check of a vendor roster (planner.check, planner.io.check).

One small 7x24 voice week on hourly intervals, its forecast written by hand (a day profile, no forecasting)
and its roster made by our own scheduler (adequate by construction). The expectations come from how each
roster was built: which agents' shifts were removed at the peak and which intervals that leaves short of
the roster's own need, or which agent was given an 8 h rest. The CLI runs in a subprocess, like a user's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.check import check_roster
from planner.cli import main
from planner.domain import Schedule
from planner.io.schedule import read_shift_list, schedule_table
from planner.scenario import load_scenario
from planner.steps import roster_step, staff_step

SCENARIO = """\
version = 2
[site]
name = "check test"
[coverage]
window = "7x24"
[staffing]
shrinkage = 0.3
interval_min = 60
[channels.voice]
service_level = 0.8
answer_s = 20
sl_period = "day"
[data]
sample = true
[solver]
deterministic_time = 1.0
time_limit_s = 30
[check]
replications = 3
risk_replications = 20
confidence_steps = []
"""
MONDAY = pd.Timestamp("2026-03-16")
PEAK_DAY = "2026-03-17"


def _forecast() -> pd.DataFrame:
    """A week of hourly voice: 6 calls an hour at night, 60 from 09:00 to 17:00, 30 in between."""
    starts = pd.date_range(MONDAY, periods=7 * 24, freq="60min")
    hour = starts.hour
    offered = np.where((hour >= 9) & (hour < 17), 60.0, np.where((hour >= 7) & (hour < 22), 30.0, 6.0))
    return pd.DataFrame({
        "interval_start": starts.strftime("%Y-%m-%dT%H:%M"),
        "channel": "voice",
        "offered": offered,
        "offered_lo": offered * 0.9,
        "offered_hi": offered * 1.1,
        "aht_s": 240.0,
    })


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """Files of the week (scenario, forecast, our adequate roster) and the roster's need per interval."""
    from planner.io.forecast import read_forecast

    d = tmp_path_factory.mktemp("check")
    (d / "s.toml").write_text(SCENARIO, encoding="utf-8")
    _forecast().to_csv(d / "forecast.csv", index=False)
    scen = load_scenario(d / "s.toml")
    fc = read_forecast(d / "forecast.csv", timezone=scen.timezone)
    req, _ = staff_step(scen, fc)
    (roster,), _ = roster_step(scen, req)
    rows = schedule_table(roster.schedule)  # as planner plan writes it
    rows.to_csv(d / "good.csv", index=False)
    need = roster.coverage.set_index("interval_start")["needed_after_shrinkage"]
    return d, scen, fc, rows, need


def _cover(schedule: pd.DataFrame) -> pd.Series:
    """Agents at work per hour of the week, from the rows (work past Sunday wraps onto Monday)."""
    cover = np.zeros(7 * 24)
    for r in schedule[schedule["activity"] == "work"].itertuples():
        s = (pd.Timestamp(r.start) - MONDAY) / pd.Timedelta(minutes=1)
        e = (pd.Timestamp(r.end) - MONDAY) / pd.Timedelta(minutes=1)
        m = s
        while m < e:
            nxt = min(e, (m // 60 + 1) * 60)
            cover[int(m // 60) % len(cover)] += (nxt - m) / 60
            m = nxt
    return pd.Series(cover, index=pd.date_range(MONDAY, periods=len(cover), freq="60min").strftime("%Y-%m-%dT%H:%M"))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", "check", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_an_adequate_roster_exits_0(week):
    d, *_ = week
    run = _run("--schedule", "good.csv", "--forecast", "forecast.csv", "--scenario", "s.toml", cwd=d)
    assert run.returncode == 0, run.stderr
    assert "ADEQUATE" in run.stdout and "NOT ADEQUATE" not in run.stdout


def test_agents_removed_at_the_peak_are_named_and_the_fix_restores_adequacy(week, tmp_path):
    d, _scen, _fc, schedule, need = week
    work = schedule[schedule["activity"] == "work"]
    peak = max((t for t in need.index if t.startswith(PEAK_DAY)), key=lambda t: need[t])
    at_peak = work[(pd.to_datetime(work["start"]) <= peak) & (pd.to_datetime(work["end"]) > peak)]
    removed = sorted(at_peak["agent_id"].unique())[:3]
    cut = schedule[~(schedule["agent_id"].isin(removed) & (schedule["date"] == PEAK_DAY)
                     & (schedule["activity"] != "off"))]
    cut.to_csv(tmp_path / "cut.csv", index=False)
    cover = _cover(cut)
    expected = sorted(t for t in need.index if cover[t] < need[t] - 1e-9)  # short after the removal
    assert peak in expected and all(t.startswith(PEAK_DAY) for t in expected)  # the construction bites

    run = _run("--schedule", str(tmp_path / "cut.csv"), "--forecast", str(d / "forecast.csv"),
               "--scenario", str(d / "s.toml"), "--json", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    out = json.loads(run.stdout)
    assert out["adequate"] is False and out["covered"] is False
    assert sorted(g["interval_start"] for g in out["gaps"]) == expected
    for g in out["gaps"]:
        assert g["missing_agents"] == pytest.approx(need[g["interval_start"]] - cover[g["interval_start"]])
    voice = out["channels"]["voice"]
    assert {"measure", "period", "target", "met", "share_met", "worst_period", "periods"} <= set(voice)
    fix = out["fix"]
    assert fix["added_agent_hours"] > 0 and fix["shifts"]
    assert {x["interval_start"] for x in fix["intervals"] if x["missing_agents"] > 0} == set(expected)
    assert out["recheck_adequate"] is True
    for name in ("check.xlsx", "check.html", "fix_schedule.csv"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    page = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert 'charset="utf-8"' in page and "Noto Sans CJK SC" in page and "<svg" in page
    assert "<script" not in page and "https://" not in page  # no fetch: the client forwards one file

    # the vendor adds the fix's shifts and sends the roster again: adequate
    fixed = pd.concat([cut, pd.read_csv(tmp_path / "out" / "fix_schedule.csv")], ignore_index=True)
    assert set(fixed.columns) >= {"agent_id", "date", "activity", "start", "end"}
    fixed.to_csv(tmp_path / "fixed.csv", index=False)
    again = _run("--schedule", "fixed.csv", "--forecast", str(d / "forecast.csv"), "--scenario",
                 str(d / "s.toml"), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_short_rest_is_named_with_agent_and_dates(week):
    _d, scen, fc, schedule, _need = week
    extra = pd.DataFrame([
        {"agent_id": "voice-R001", "date": "2026-03-17", "activity": "work", "start": "2026-03-17T14:00",
         "end": "2026-03-17T23:00"},
        {"agent_id": "voice-R001", "date": "2026-03-18", "activity": "work", "start": "2026-03-18T07:00",
         "end": "2026-03-18T15:00"},
    ])
    result = check_roster(scen, Schedule.of_rows(pd.concat([schedule, extra], ignore_index=True)), fc)
    assert not result.adequate
    rest = [v for v in result.given.labour if v.rule == "rest"]
    assert [(v.agent_id, v.dates) for v in rest] == [("voice-R001", ("2026-03-17", "2026-03-18"))]
    assert "8 h rest" in rest[0].detail and "min_rest_hours" in rest[0].law
    assert not result.recheck_adequate  # the fix adds shifts; the vendor must mend its own rest


def _bad(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        main(["check", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    return err[0]


def test_bad_input_exits_2_with_one_line(week, tmp_path, capsys):
    d, *_ = week
    f, s = str(d / "forecast.csv"), str(d / "s.toml")
    assert "nope.csv" in _bad(["--schedule", "nope.csv", "--forecast", f, "--scenario", s], capsys)
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "empty" in _bad(["--schedule", str(tmp_path / "empty.csv"), "--forecast", f, "--scenario", s], capsys)
    back = pd.read_csv(d / "good.csv")
    back.loc[3, "end"] = back.loc[3, "start"]
    back.to_csv(tmp_path / "back.csv", index=False)
    assert "row 5" in _bad(["--schedule", str(tmp_path / "back.csv"), "--forecast", f, "--scenario", s], capsys)
    pd.read_csv(d / "good.csv").drop(columns=["end"]).to_csv(tmp_path / "cols.csv", index=False)
    assert "missing column(s) end" in _bad(["--schedule", str(tmp_path / "cols.csv"), "--forecast", f,
                                            "--scenario", s], capsys)
    later = pd.read_csv(d / "good.csv")
    later = later.assign(date=pd.to_datetime(later["date"]) + pd.Timedelta(days=7))
    for col in ("start", "end"):
        later[col] = (pd.to_datetime(later[col]) + pd.Timedelta(days=7)).dt.strftime("%Y-%m-%dT%H:%M")
    later["date"] = later["date"].dt.strftime("%Y-%m-%d")
    later.to_csv(tmp_path / "later.csv", index=False)
    assert "forecast" in _bad(["--schedule", str(tmp_path / "later.csv"), "--forecast", f, "--scenario", s], capsys)
    _forecast().assign(channel="fax").to_csv(tmp_path / "fax.csv", index=False)
    assert "fax" in _bad(["--schedule", str(d / "good.csv"), "--forecast", str(tmp_path / "fax.csv"),
                          "--scenario", s], capsys)


def test_a_shift_list_in_gbk_with_chinese_columns_reads_through_a_mapping(tmp_path):
    text = "工号,日期,上班,下班,午餐开始,午餐结束\nA1,2026-03-16,22:00,07:00,02:00,03:00\nA2,2026-03-17,09:00,18:00,,\n"
    (tmp_path / "shifts.csv").write_bytes(text.encode("gbk"))
    mapping = {"agent_id": "工号", "date": "日期", "shift_start": "上班", "shift_end": "下班",
               "lunch_start": "午餐开始", "lunch_end": "午餐结束"}
    rows = read_shift_list(tmp_path / "shifts.csv", mapping)
    got = [(r.agent_id, r.activity, f"{r.start:%Y-%m-%dT%H:%M}", f"{r.end:%Y-%m-%dT%H:%M}")
           for r in rows.frame.itertuples()]
    assert got == [
        ("A1", "work", "2026-03-16T22:00", "2026-03-17T02:00"),  # a night shift runs into the next day
        ("A1", "lunch", "2026-03-17T02:00", "2026-03-17T03:00"),
        ("A1", "work", "2026-03-17T03:00", "2026-03-17T07:00"),
        ("A2", "work", "2026-03-17T09:00", "2026-03-17T18:00"),
    ]


def test_the_cheapest_fix_of_a_weekday_contract_stays_inside_its_window(tmp_path):
    """The fix's shifts lie inside Mon-Fri 09:00-18:00 and off the National Day holidays (issue 21: the fix
    proposed 06:00 shifts for a 09:00 window). Gap: 2 agents missing 09:00-11:00 on Mon 28 Sep, which any
    9 h shift starting 02:00-09:00 would cover; only 09:00 lies inside the window."""
    from planner.check import cheapest_fix

    (tmp_path / "s.toml").write_text(SCENARIO.replace('window = "7x24"', 'window = "weekday"\nopen = "09:00"\n'
                                                      'close = "18:00"'), encoding="utf-8")
    scen = load_scenario(tmp_path / "s.toml")
    starts = pd.date_range("2026-09-28", periods=7 * 24, freq="60min")
    missing = np.where((starts.hour >= 9) & (starts.hour < 11) & (starts.day == 28), 2.0, 0.0)
    cov = pd.DataFrame({"team": "voice", "interval_start": starts.strftime("%Y-%m-%dT%H:%M"),
                        "missing_agents": missing})
    fix = cheapest_fix(scen, cov, pd.Timestamp("2026-09-28").date(), 1, 60, {"voice": ("voice",)})
    rows = fix.rows.busy()
    assert len(rows)
    start, end = rows["start"], rows["end"]
    assert (start.dt.hour >= 9).all()
    assert ((end.dt.hour < 18) | ((end.dt.hour == 18) & (end.dt.minute == 0))).all()
    assert set(start.dt.date.astype(str)) <= {"2026-09-28", "2026-09-29", "2026-09-30"}
    assert fix.added_agent_hours >= 2 * 2
