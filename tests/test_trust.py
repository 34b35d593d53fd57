"""What a new user hit (issue "Trust"): each case failed before its fix.

References are textbook formulas (tests/sim_oracles.py) or hand-built files, never the code's own output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sim_oracles import erlang_c_service_level

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def _week_files(tmp_path: Path, calls: float = 100.0, agents: int = 20) -> tuple[Path, Path]:
    """One day of half-hours at ``calls`` a half-hour (AHT 180 s: 10 Erlangs) and ``agents`` all day."""
    idx = pd.date_range("2026-03-16", periods=48, freq="30min")
    fc = tmp_path / "fc.csv"
    pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "channel": "voice", "offered": calls,
                  "aht_s": 180.0}).to_csv(fc, index=False)
    sched = tmp_path / "s.csv"
    rows = [{"agent_id": f"A{i:02d}", "date": "2026-03-16", "activity": "work",
             "start": "2026-03-16T00:00", "end": "2026-03-17T00:00"} for i in range(agents)]
    pd.DataFrame(rows).to_csv(sched, index=False)
    return fc, sched


def test_simulate_takes_shrinkage_from_the_scenario(tmp_path):
    """20 rostered agents at 35 % shrinkage put floor(20 x 0.65) = 13 on the phones: the simulated service
    level is Erlang C's for 13 agents, not for 20 (the README's week reported 0.998 at 47 % occupancy)."""
    fc, sched = _week_files(tmp_path)
    scen = tmp_path / "s.toml"
    # a 24-hour line: the plan's route takes no calls where the window is closed (the default is weekdays)
    scen.write_text('[coverage]\nwindow = "7x24"\n[staffing]\nshrinkage = 0.35\n'
                    '[channels.voice]\nservice_level = 0.8\nanswer_s = 20\n', encoding="utf-8")
    r = cli("simulate", "--schedule", str(sched), "--forecast", str(fc), "--scenario", str(scen),
            "--replications", "30", "--seed", "3", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    at13 = erlang_c_service_level(100, 30, 180, 20, 13)
    at20 = erlang_c_service_level(100, 30, 180, 20, 20)
    assert out["shrinkage"] == 0.35
    assert abs(out["service_level"] - at13) < 0.03, (out["service_level"], at13)
    assert at20 - out["service_level"] > 0.1
    # the occupancy follows the 13 agents on the phones: load 10 Erlangs / 13 (allowing simulation noise)
    assert out["occupancy"] == pytest.approx(10 / 13, abs=0.03)


def test_a_flag_that_overrides_the_file_says_so(tmp_path):
    fc, sched = _week_files(tmp_path)
    r = cli("simulate", "--schedule", str(sched), "--forecast", str(fc), "--aht-s", "240", "--answer-s", "20",
            "--replications", "2", "--json")
    assert r.returncode == 0, r.stderr
    assert "--aht-s 240 overrides the aht_s of" in r.stderr


@pytest.mark.slow  # 10 s: three CLI solves
def test_schedule_accepts_the_timestamps_the_other_commands_accept(tmp_path):
    idx = pd.date_range("2026-03-16", periods=7 * 24, freq="60min")
    req = tmp_path / "r.csv"
    stamps = [f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}" for t in idx]  # Excel on Chinese Windows
    pd.DataFrame({"interval_start": stamps, "channel": "voice", "required": 2}).to_csv(req, index=False)
    r = cli("schedule", str(req), "--out", str(tmp_path / "o"), "--time-limit-s", "300", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o" / "schedule.csv").is_file()


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_gbk_and_bom_scenarios_load(tmp_path, encoding):
    text = "# 合同 2.1: 60 秒内响应\n[channels.voice]\nservice_level = 0.8\nanswer_s = 60\n"
    scen = tmp_path / "s.toml"
    scen.write_bytes(text.encode(encoding))
    idx = pd.date_range("2026-03-16", periods=48, freq="30min")
    fc = tmp_path / "fc.csv"
    frame = pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "offered": 20, "aht_s": 200})
    frame.to_csv(fc, index=False)
    r = cli("staff", str(fc), "--scenario", str(scen), "--out", str(tmp_path / "req.csv"))
    assert r.returncode == 0, r.stderr


def test_help_keeps_units_and_prints_once():
    r = cli("erlang", "--help")
    assert "[s]" in r.stdout and "[min]" in r.stdout
    r = cli("due", "--help")
    assert "[h]" in r.stdout
    r = cli()
    assert r.stdout.count("Usage:") + r.stderr.count("Usage:") == 1


def test_demo_folder_is_ignored_by_git():
    assert "demo/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_progress_without_a_terminal_starts_after_ten_seconds(monkeypatch, capsys):
    """Issue 23: on a clock set by hand (no wall clock decides), a script's stderr gets no step of the first
    10 s and every step after; PLANNER_PROGRESS=1 shows every step, 0 none."""
    import time

    from planner import cli

    now = [100.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: False, raising=False)

    def said(mode: str | None) -> list[str]:
        if mode is None:
            monkeypatch.delenv("PLANNER_PROGRESS", raising=False)
        else:
            monkeypatch.setenv("PLANNER_PROGRESS", mode)
        now[0] = 100.0
        say = cli._progress()
        for t, step in ((0.5, "forecasting"), (9.9, "rostering"), (10.0, "checking"), (42.0, "pricing")):
            now[0] = 100.0 + t
            say(step)
        return [line.split("] ")[1] for line in capsys.readouterr().err.splitlines()]

    assert said(None) == ["checking", "pricing"]
    assert said("1") == ["forecasting", "rostering", "checking", "pricing"]
    assert said("0") == []
