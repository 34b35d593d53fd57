"""`planner erlang` per the CLI contract in DESIGN.md: flags, JSON keys, exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction

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


def exact_erlang_c(load: Fraction, n: int) -> Fraction:
    """The Erlang C probability of waiting, in exact rational arithmetic (Erlang 1917; the textbook sum
    P_wait = (A^N/N! x N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! x N/(N-A)))."""
    top = load**n / math.factorial(n) * n / (n - load)
    return top / (sum(load**k / math.factorial(k) for k in range(n)) + top)


@pytest.mark.parametrize(("calls", "agents"), [(100, 12), (100, 14), (37, 5), (500, 55)])
def test_json_is_full_precision(calls, agents):
    """--json prints the unrounded figures: held to 1e-9 against exact rational Erlang C (not to the 6
    decimals of a published table)."""
    out = json.loads(run("erlang", "--calls", str(calls), "--interval-min", "30", "--aht-s", "180",
                         "--answer-s", "20", "--agents", str(agents), "--json").stdout)
    load = Fraction(calls * 180, 30 * 60)
    pw = exact_erlang_c(load, agents)
    sl = 1 - float(pw) * math.exp(-float(agents - load) * 20 / 180)
    asa = float(pw) * 180 / float(agents - load)
    assert out["wait_probability"] == pytest.approx(float(pw), abs=1e-9)
    assert out["service_level"] == pytest.approx(sl, abs=1e-9)
    assert out["asa_s"] == pytest.approx(asa, abs=1e-9)
    assert out["occupancy"] == pytest.approx(float(load / agents), abs=1e-12)
    # more digits than a table's 6: the figure was not rounded on the way out
    assert any(len(repr(out[k]).split(".")[-1]) > 7 for k in ("wait_probability", "service_level", "asa_s"))


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
