"""Issue 23: a centre several times the sample's size is planned end to end, through the CLI a planner uses.

``planner demo --agents N`` scales the sample's volume (planner.demo.scale_for_agents); the plan must then
roster about N agents (within 15 %: the scale is estimated from per-interval Erlang and a paid/required
ratio, the rosters decide), report every channel's service and risk, and stay within one draw's memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_centre_of_about_600_agents_is_planned_with_its_risk(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "planner", "demo", "--agents", "600", "--out", str(tmp_path / "d"),
         "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=1800,
    )
    assert run.returncode == 0, run.stderr
    assert "note: --agents 600: the sample's volume x" in run.stderr
    s = json.loads(run.stdout)
    agents = sum(t["agents"] for t in s["teams"].values())
    assert 0.85 * 600 <= agents <= 1.15 * 600
    assert set(s["channels"]) == {"voice", "chat", "email", "social"}
    for name, c in s["channels"].items():
        assert c["risk"] is not None and 0 <= c["risk"]["p_month_met"] <= 1, name
        assert c["service"]["met"] in (True, False), name
