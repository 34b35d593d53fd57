"""One route (issue 22): the same roster gives the same service figure through every door.

``planner plan`` runs on each shipped scenario (made cheap: a small sample at 60-min intervals, a short
deterministic solve, two replications); then ``planner simulate --scenario`` on every channel,
``planner check``, the app's own plan of the same scenario and the app's Check page take the plan's
``schedule.csv`` and ``forecast.csv``. Every channel's contract measure, period by period (voice and chat:
the simulated service level, chat with its concurrency; email and social: the share replied to by the
deadline), must be the plan's, to float precision: the same seed and the same step functions give the same
numbers, so any difference is a second route. The reference is the plan's own ``summary.json``; the test
fails if any door measures the roster another way (``planner simulate`` used to hand chat every agent of
the plan, the voice team's included, one chat at a time).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import needs

ROOT = Path(__file__).resolve().parents[1]
CHEAP = {
    "staffing": {"interval_min": 60},
    "forecast": {"backtest_weeks": 1},
    "solver": {"deterministic_time": 1.0, "workers": 1, "seed": 0},
    "check": {"replications": 2, "risk_replications": 20, "confidence_steps": []},
}
SAMPLE = {"sample_weeks": 4, "sample_scale": 0.25}
SCENARIOS = [
    pytest.param("contract_7x24.toml", id="7x24"),
    pytest.param("contract_weekday.toml", id="weekday", marks=pytest.mark.slow),
    pytest.param("contract_custom.toml", id="custom", marks=pytest.mark.slow),
    pytest.param("capacity_24m.toml", id="capacity", marks=pytest.mark.slow),
    pytest.param("israeli_bank.toml", id="israeli-bank", marks=pytest.mark.slow),
]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True, timeout=600)


def cheap_data(name: str, shared: Path | None) -> dict:
    from planner.ui.engine import merged, shipped_data

    data = merged(shipped_data(name), CHEAP)
    if data["data"].get("sample"):
        data = merged(data, {"data": SAMPLE})
    elif "history" in data["data"]:  # the real data set beside the checkout
        assert shared is not None
        data["data"]["history"] = str(shared / "data" / Path(data["data"]["history"]).name)
    return data


def periods(channel: dict) -> dict[str, float]:
    """The measure per period (nan: a period without contacts, None in JSON)."""
    return {p["period"]: float("nan") if p["value"] is None else p["value"] for p in channel["periods"]}


def same(got: dict[str, dict], want: dict[str, dict]) -> None:
    """Each channel's figure per period equal to float precision."""
    assert set(got) == set(want)
    for channel in want:
        assert got[channel] == pytest.approx(want[channel], rel=1e-12, abs=1e-12, nan_ok=True), channel


@pytest.fixture(scope="module", params=SCENARIOS)
def planned(request, tmp_path_factory) -> dict:
    from planner.scenario import scenario_toml

    name = request.param
    shared = request.getfixturevalue("shared_dir") if name == "israeli_bank.toml" else None
    data = cheap_data(name, shared)
    tmp = tmp_path_factory.mktemp(name.removesuffix(".toml"))
    scen = tmp / name
    scen.write_text(scenario_toml(data), encoding="utf-8")
    out = tmp / "plan"
    t0 = time.perf_counter()
    run = cli("plan", str(scen), "--out", str(out))
    wall = time.perf_counter() - t0
    assert run.returncode == 0, run.stderr
    # no terminal here: a run over 10 s still says what it is doing (issue 23), and nothing before 10 s
    progress = [x for x in run.stderr.splitlines() if x.startswith("[")]
    assert all(float(x[1:x.index(" s]")]) >= 10.0 for x in progress), run.stderr
    # a run of a minute has steps after its first 10 s (the checks, the risk); a fast one may have none
    assert progress or wall < 60.0, f"{wall:.0f} s without a progress line: {run.stderr}"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    figures = {c: periods(v["service"]) for c, v in summary["channels"].items() if v.get("service")}
    assert figures, "the plan measured no channel"
    return {"name": name, "data": data, "scenario": scen, "out": out, "figures": figures}


def test_schedule_carries_the_team(planned):
    sched = pd.read_csv(planned["out"] / "schedule.csv")
    assert "team" in sched.columns and sched["team"].notna().all()
    summary = json.loads((planned["out"] / "summary.json").read_text(encoding="utf-8"))
    assert set(sched["team"]) == set(summary["teams"])


def test_simulate_gives_the_plans_figure_on_every_channel(planned):
    out, got = planned["out"], {}
    for channel in planned["figures"]:
        run = cli("simulate", "--schedule", str(out / "schedule.csv"), "--forecast", str(out / "forecast.csv"),
                  "--scenario", str(planned["scenario"]), "--channel", channel, "--json")
        assert run.returncode == 0, run.stderr
        got[channel] = periods(json.loads(run.stdout)["contract"])
    same(got, planned["figures"])


def test_check_gives_the_plans_figure_on_every_channel(planned):
    out = planned["out"]
    run = cli("check", "--schedule", str(out / "schedule.csv"), "--forecast", str(out / "forecast.csv"),
              "--scenario", str(planned["scenario"]), "--json")
    assert run.returncode in (0, 3), run.stderr
    channels = json.loads(run.stdout)["channels"]
    same({c: periods(channels[c]) for c in channels}, planned["figures"])


def test_the_app_plans_and_checks_to_the_same_figures(planned):
    from planner.ui import engine

    AppTest = needs("streamlit.testing.v1").AppTest
    record = engine.plan_now(planned["data"], planned["name"], None, lambda _m: None)
    own = {c.channel: periods(c.to_dict()) for c in record["plan"].service}
    same(own, planned["figures"])

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["lang"] = "en"
    at.session_state["record"] = record
    at.run()
    at.switch_page("planner/ui/scripts/check.py").run()
    schedule = (planned["out"] / "schedule.csv").read_bytes()
    at.file_uploader(key="check_roster_file").set_value(("schedule.csv", schedule, "text/csv")).run()
    at.button(key="check_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    result = at.session_state["check_result"][1]
    shown = {c.channel: periods(c.to_dict()) for c in result.given.service}
    same(shown, planned["figures"])
