"""`planner erlang` per the CLI contract in DESIGN.md: flags, JSON keys, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True, timeout=120)


BASE = ["erlang", "--calls", "100", "--interval-min", "30", "--aht-s", "180", "--answer-s", "20"]


def test_solve_80_20_at_10_erlangs():
    p = run(*BASE, "--sl", "0.8", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert set(out) >= {"agents", "scheduled_agents", "fractional_agents", "service_level", "asa_s",
                        "wait_probability", "occupancy"}
    assert out["agents"] == 14 and out["scheduled_agents"] == 14
    assert out["service_level"] == pytest.approx(0.888350, abs=1e-6)
    assert out["wait_probability"] == pytest.approx(0.174132, abs=1e-6)
    assert out["asa_s"] == pytest.approx(7.835937, abs=1e-5)
    assert out["occupancy"] == pytest.approx(10 / 14)
    assert out["fractional_agents"] == pytest.approx(13.0372, abs=5e-5)


def test_occupancy_cap_and_shrinkage():
    p = run("erlang", "--calls", "1000", "--interval-min", "60", "--aht-s", "120", "--answer-s", "20",
            "--sl", "0.8", "--max-occupancy", "0.85", "--shrinkage", "0.3", "--json")
    out = json.loads(p.stdout)
    assert (out["agents"], out["scheduled_agents"]) == (40, 58)


def test_evaluate_erlang_a():
    p = run(*BASE, "--agents", "13", "--model", "erlang-a", "--patience-s", "300", "--json")
    out = json.loads(p.stdout)
    assert out["abandon_rate"] == pytest.approx(0.024963, abs=1e-6)
    assert out["service_level"] == pytest.approx(0.858178, abs=1e-6)
    assert out["wait_probability"] == pytest.approx(0.225797, abs=1e-6)


def test_understaffed_evaluation_reports_null_asa():
    out = json.loads(run(*BASE, "--agents", "9", "--json").stdout)
    assert out["service_level"] == 0.0 and out["asa_s"] is None and out["wait_probability"] == 1.0


def test_human_readable_output():
    p = run(*BASE, "--sl", "0.8")
    assert p.returncode == 0 and "agents" in p.stdout and "14" in p.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (["--sl", "1.0"], "sl 1.0"),
    (["--sl", "0.8", "--aht-s", "0"], "--aht-s"),
    (["--sl", "0.8", "--calls", "-5"], "calls"),
    (["--sl", "0.8", "--shrinkage", "1"], "shrinkage"),
    (["--sl", "abc"], "--sl"),
    (["--sl", "0.8", "--model", "erlang-a"], "--patience-s"),
    (["--sl", "0.8", "--model", "erlang-x"], "model"),
    ([], "--sl"),
    (["--sl", "0.8", "--agents", "3"], "either"),
    (["--sl", "0.8", "--no-such-flag"], "no-such-flag"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle):
    # later flags override earlier ones, so the bad value wins over BASE
    p = run(*BASE, *args, "--json")
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
