"""End-to-end pipeline (``planner.pipeline.run``) and ``planner demo``: artifacts, cross-file consistency, exits.

The fast instance is small (4 weeks of hourly history at a quarter of the demo's volume, 3 s per roster,
one CP-SAT worker) so the default run stays quick; the demo's own defaults run in the slow test.
Every cross-check recomputes its figure from the files, not from the pipeline's internals.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.cli import main
from planner.pipeline import ARTIFACTS, DemoSettings, run
from planner.scenario import load_scenario
from planner.scheduling.checker import Limits, check_schedule

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "contract_7x24.toml"
FAST = DemoSettings(
    history_weeks=4,
    backtest_weeks=2,
    interval_min=60,
    time_limit_s=10,
    deterministic_time=1.0,
    replications=4,
    volume_scale=0.25,
)


def cli(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    summary = run(out, SCENARIO, FAST)
    return out, summary


def _team_of(summary: dict) -> dict[str, str]:
    return {ch: team for team, t in summary["teams"].items() for ch in t["channels"]}


def test_artifacts_and_schemas(demo):
    out, summary = demo
    for name in ARTIFACTS:
        assert (out / name).is_file(), name
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary
    hist = pd.read_csv(out / "history.csv")
    assert list(hist.columns) == ["interval_start", "channel", "offered", "aht_s"]
    assert set(hist["channel"]) == {"voice", "chat", "email"}
    assert (hist["offered"] >= 0).all() and len(hist) == 3 * 4 * 7 * 24
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc.columns) == ["interval_start", "channel", "offered", "offered_lo", "offered_hi", "aht_s"]
    assert (fc["offered_lo"] <= fc["offered_hi"]).all() and len(fc) == 3 * 7 * 24
    # the forecast week starts at the midnight after the history's last interval
    assert pd.Timestamp(fc["interval_start"].min()) == pd.Timestamp(hist["interval_start"].max()) + pd.Timedelta(
        hours=1
    )
    req = pd.read_csv(out / "requirements.csv")
    assert list(req.columns)[:3] == ["interval_start", "channel", "required"]
    assert {"load_erl", "service_level", "asa_s", "occupancy"} <= set(req.columns)
    sched = pd.read_csv(out / "schedule.csv")
    assert list(sched.columns) == ["agent_id", "date", "activity", "start", "end"]
    assert set(sched["activity"]) <= {"work", "lunch", "break", "training", "off"}
    teams = sched["agent_id"].str.split("-").str[0]
    assert set(teams) == {"voice", "written"}
    cov = pd.read_csv(out / "coverage.csv")
    assert list(cov.columns)[:4] == ["interval_start", "required", "scheduled", "shortfall"]
    assert list(cov.columns)[-1] == "team"
    assert summary["teams"]["voice"]["channels"] == ["voice"]
    assert summary["teams"]["written"]["channels"] == ["chat", "email"]


def test_each_team_roster_passes_the_independent_checker(demo):
    """Need per interval from requirements.csv: ceil(sum of the team's required / (1 - shrinkage))."""
    out, summary = demo
    shrink = load_scenario(SCENARIO).shrinkage
    req = pd.read_csv(out / "requirements.csv")
    sched = pd.read_csv(out / "schedule.csv", dtype=str)
    week_start = datetime.fromisoformat(req["interval_start"].min())
    for team, t in summary["teams"].items():
        per = req[req["channel"].isin(t["channels"])].groupby("interval_start")["required"].sum().sort_index()
        need = [math.ceil(r / (1 - shrink) - 1e-9) for r in per]
        rows = sched[sched["agent_id"].str.startswith(f"{team}-")]
        report = check_schedule(rows, week_start, 60, need, Limits())
        assert report.ok, report.violations[:3]
        assert report.shortfall_agent_hours == pytest.approx(t["shortfall_agent_hours"], abs=0.01)
        # coverage.csv's scheduled column is the work actually in schedule.csv
        cov = pd.read_csv(out / "coverage.csv")
        cov = cov[cov["team"] == team].sort_values("interval_start")
        np.testing.assert_allclose(cov["scheduled"].to_numpy(), np.array(report.scheduled_min) / 60, atol=1e-3)
        np.testing.assert_array_equal(cov["needed_after_shrinkage"].to_numpy(), need)


def test_requirement_hours_match_coverage_and_summary(demo):
    out, summary = demo
    req = pd.read_csv(out / "requirements.csv")
    cov = pd.read_csv(out / "coverage.csv")
    fc = pd.read_csv(out / "forecast.csv")
    team_of = _team_of(summary)
    for ch, c in summary["channels"].items():
        hours = float(req.loc[req["channel"] == ch, "required"].sum())  # hourly intervals
        assert c["required_agent_hours"] == pytest.approx(hours, abs=0.01)
        assert c["forecast_volume"] == pytest.approx(float(fc.loc[fc["channel"] == ch, "offered"].sum()), abs=0.1)
        assert c["team"] == team_of[ch]
        assert c["model"] and 0 <= c["backtest_wape"] < 1
    for team, t in summary["teams"].items():
        req_h = float(req.loc[req["channel"].isin(t["channels"]), "required"].sum())
        cov_h = float(cov.loc[cov["team"] == team, "required"].sum())
        assert req_h == pytest.approx(cov_h) == pytest.approx(t["required_hours"], abs=0.01)
        assert t["required_hours"] == pytest.approx(
            sum(summary["channels"][ch]["required_agent_hours"] for ch in t["channels"]), abs=0.02
        )


def test_paid_hours_and_agents_agree_with_schedule(demo):
    out, summary = demo
    sched = pd.read_csv(out / "schedule.csv", parse_dates=["start", "end"])
    sched["h"] = (sched["end"] - sched["start"]).dt.total_seconds() / 3600
    for team, t in summary["teams"].items():
        mine = sched[sched["agent_id"].str.startswith(f"{team}-")]
        work = mine[mine["activity"] == "work"]
        assert t["paid_hours"] == pytest.approx(work["h"].sum() + mine.loc[mine["activity"] == "break", "h"].sum())
        assert t["agents"] == work["agent_id"].nunique()
        assert t["gap"] is None or 0 <= t["gap"] < 1


def test_voice_service_levels(demo):
    """Simulated and predicted (Erlang A) service level of the same productive staffing agree.

    Tolerance 0.05: 4 replications of a few hundred calls a day, and Erlang A per interval is the
    stationary approximation of a non-stationary queue (the demo default agrees to ~0.01).
    """
    out, summary = demo
    v = summary["voice"]
    scen = load_scenario(SCENARIO)
    assert v["sl_target"] == scen.channel("voice").sl_target and v["answer_s"] == 20
    lo, hi = v["service_level_ci95"]
    assert lo <= v["service_level"] <= hi
    assert abs(v["service_level"] - v["predicted_service_level"]) < 0.05
    assert len(v["per_day"]) == 7 and all(0 <= d["service_level"] <= 1 for d in v["per_day"])
    cov = pd.read_csv(out / "coverage.csv")
    productive = np.floor(cov.loc[cov["team"] == "voice", "scheduled"] * (1 - scen.shrinkage) + 1e-9)
    assert v["productive_agent_hours"] == pytest.approx(productive.sum(), abs=0.01)
    # staffed at or above the Erlang requirement everywhere, so the target is met on the week
    req = pd.read_csv(out / "requirements.csv")
    voice_req = req[req["channel"] == "voice"].sort_values("interval_start")["required"].to_numpy()
    assert (productive.to_numpy() >= voice_req).all()
    assert v["predicted_service_level"] >= scen.channel("voice").sl_target


def test_same_seed_same_files(demo, tmp_path):
    """One CP-SAT worker stopped on deterministic time: the whole plan repeats (wall times aside)."""
    out, summary = demo
    again = run(tmp_path / "again", SCENARIO, FAST)
    for name in ("history.csv", "forecast.csv", "requirements.csv", "schedule.csv", "coverage.csv"):
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name

    def strip(s: dict) -> dict:
        s = {k: v for k, v in s.items() if k not in ("wall_s", "out")}
        s["teams"] = {t: {k: v for k, v in d.items() if k != "wall_s"} for t, d in s["teams"].items()}
        s["warnings"] = [w.replace(str(out), "OUT") for w in s["warnings"]]
        return s

    again["warnings"] = [w.replace(str(tmp_path / "again"), str(out)) for w in again["warnings"]]
    assert strip(again) == strip(summary)


def test_cli_existing_dir_needs_force(tmp_path, capsys):
    keep = tmp_path / "mine.txt"
    keep.write_text("user data")
    code, out, err = cli(["demo", "--out", str(tmp_path)], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "--force" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_cli_bad_scenario_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 1\n[channels.voice]\nservice_level = 80\nanswer_s = 20\n")
    code, out, err = cli(["demo", "--out", str(tmp_path / "o"), "--scenario", str(bad)], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "channels.voice.service_level" in err
    assert not (tmp_path / "o").exists()  # nothing written for a bad scenario
    code, _, err = cli(["demo", "--out", str(tmp_path / "o"), "--scenario", str(tmp_path / "none.toml")], capsys)
    assert code == 2 and "cannot read scenario" in err
    code, _, err = cli(["demo", "--out", str(tmp_path / "o"), "--time-limit-s", "0"], capsys)
    assert code == 2 and "--time-limit-s" in err


def test_schedule_channel_filter(demo, tmp_path, capsys):
    out, summary = demo
    code, stdout, err = cli(["schedule", str(out / "requirements.csv"), "--out", str(tmp_path / "s"),
                             "--channel", "chat,email", "--shrinkage", "0.35", "--time-limit-s", "2",
                             "--workers", "1", "--json"], capsys)
    assert code == 0, err
    res = json.loads(stdout)
    assert res["channels"] == ["chat", "email"]
    assert res["required_hours"] == pytest.approx(summary["teams"]["written"]["needed_hours_after_shrinkage"])
    code, _, err = cli(["schedule", str(out / "requirements.csv"), "--out", str(tmp_path / "t"),
                        "--channel", "fax"], capsys)
    assert code == 2 and "no rows for channel 'fax'" in err and err.count("\n") == 1


@pytest.mark.slow
def test_demo_defaults_under_two_minutes(tmp_path, capsys):
    code, out, err = cli(["demo", "--out", str(tmp_path / "d"), "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["wall_s"]["total_s"] < 120
    assert all(t["shortfall_agent_hours"] == 0 for t in s["teams"].values())
    assert abs(s["voice"]["service_level"] - s["voice"]["predicted_service_level"]) < 0.03


def test_sample_history_follows_the_coverage_window():
    """Weekday contract (Mon-Fri 09:00-18:00): no voice or chat contacts outside it; email at any hour."""
    from planner.pipeline import sample_history

    scen = load_scenario(ROOT / "scenarios" / "contract_weekday.toml")
    hist = sample_history(scen, DemoSettings(history_weeks=3))
    t = pd.to_datetime(hist["interval_start"])
    closed = (t.dt.day_of_week >= 5) | (t.dt.hour < 9) | (t.dt.hour >= 18)
    for ch in ("voice", "chat"):
        mine = hist["channel"] == ch
        assert hist.loc[mine & closed, "offered"].sum() == 0
        assert hist.loc[mine & ~closed, "offered"].sum() > 1000
    assert hist.loc[(hist["channel"] == "email") & closed, "offered"].sum() > 0
    again = sample_history(scen, DemoSettings(history_weeks=3))
    pd.testing.assert_frame_equal(hist, again)
