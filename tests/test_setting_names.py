"""Messages name the setting as the user wrote it (issue 21): the scenario key on the scenario-driven paths
(``planner plan``), the flag on ``planner schedule`` with flags; never a flag the user did not type.

Every case fails before any solve (shift templates, tours, the staff floor), so these run in seconds.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from planner.cli import main
from planner.errors import PlannerInputError
from planner.labour import CostRates, ShiftRules

WEEK_START = datetime(2026, 3, 2)  # a Monday

SCENARIO = """\
version = 2
[site]
name = "t"
[coverage]
window = "7x24"
[staffing]
shrinkage = 0.3
interval_min = 60
[channels.voice]
service_level = 0.8
answer_s = 20
[data]
sample = true
sample_weeks = 4
sample_scale = 0.1
[forecast]
backtest_weeks = 2
[horizon]
weeks = 1
[solver]
deterministic_time = 1.0
time_limit_s = 30
[rules]
"""

TOO_LONG = "shift_hours = 12\n"  # 11 h of work (60 min lunch) above the 8 h daily limit, no overtime
NO_START = 'start_step_min = 60\nearliest_start = "09:30"\nlatest_start = "09:45"\n'  # no whole hour in 09:30-09:45


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err


def error_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


def requirements(tmp_path: Path) -> Path:
    idx = pd.date_range(WEEK_START, periods=7 * 24, freq="60min")
    p = tmp_path / "req.csv"
    pd.DataFrame(
        {"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "channel": "voice",
         "required": [2 if 9 <= t.hour < 17 else 0 for t in idx]}
    ).to_csv(p, index=False)
    return p


@pytest.mark.parametrize(
    ("rules", "keys"),
    [
        (TOO_LONG, ("rules.shift_hours", "rules.overtime")),
        (NO_START, ("rules.earliest_start", "rules.latest_start", "rules.start_step_min")),
    ],
    ids=["shift-longer-than-the-daily-limit", "no-start-time-allowed"],
)
def test_plan_names_the_scenario_keys_and_no_flag(tmp_path, capsys, rules, keys):
    scen = tmp_path / "s.toml"
    scen.write_text(SCENARIO + rules)
    code, _, err = run(["plan", str(scen), "--out", str(tmp_path / "out")], capsys)
    line = error_line(err)
    assert code == 2
    for key in keys:
        assert key in line
    assert "--" not in line


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--shift-hours", "12"], ("--shift-hours", "--overtime")),
        (["--start-step-min", "60", "--earliest-start", "09:30", "--latest-start", "09:45"],
         ("--earliest-start", "--latest-start", "--start-step-min")),
    ],
    ids=["shift-longer-than-the-daily-limit", "no-start-time-allowed"],
)
def test_schedule_with_flags_names_its_flags(tmp_path, capsys, flags, named):
    code, _, err = run(["schedule", str(requirements(tmp_path)), "--out", str(tmp_path / "o"), *flags], capsys)
    line = error_line(err)
    assert code == 2
    for flag in named:
        assert flag in line
    assert "rules." not in line


def test_schedule_on_a_scenario_names_the_key_it_did_not_override(tmp_path, capsys):
    scen = tmp_path / "s.toml"
    scen.write_text(SCENARIO + TOO_LONG)
    req = str(requirements(tmp_path))
    code, _, err = run(["schedule", req, "--out", str(tmp_path / "o"), "--scenario", str(scen)], capsys)
    line = error_line(err)
    assert code == 2 and "rules.shift_hours" in line and "rules.overtime" in line and "--" not in line
    # the flag typed is named; overtime, not typed, is still the scenario's key
    code, _, err = run(["schedule", req, "--out", str(tmp_path / "o"), "--scenario", str(scen),
                        "--shift-hours", "11"], capsys)
    line = error_line(err)
    assert code == 2 and "--shift-hours" in line and "rules.overtime" in line and "--overtime" not in line


def _agents(tmp_path: Path, n: int) -> Path:
    p = tmp_path / "agents.csv"
    pd.DataFrame(
        [dict(agent_id=f"E{i:02d}", name=f"Agent {i}", skills="voice", contract_hours_week=40, max_days_week=5,
              earliest_start="", latest_end="", night_ok="yes", unavailable="") for i in range(n)]
    ).to_csv(p, index=False)
    return p


def test_a_staff_floor_above_the_named_agents_names_min_staff_as_written(tmp_path, capsys):
    from planner.io.requirements import read_requirements
    from planner.io.schedule import read_agents
    from planner.scheduling.demand import week_demands
    from planner.scheduling.model import solve_roster

    # two named agents cannot keep a floor of three agents in any open interval
    demand = week_demands(read_requirements(str(requirements(tmp_path))), 0.0, None, source="req.csv")[0]
    agents = tuple(read_agents(_agents(tmp_path, 2), WEEK_START))
    with pytest.raises(PlannerInputError) as info:  # an engine call, as the scenario-driven paths make it
        solve_roster(demand, ShiftRules(shift_lengths_min=(480,), lunch_min=0), CostRates(min_staff=3),
                     agents=agents)
    assert "floor of 3 agent(s) (rules.min_staff)" in str(info.value) and "--" not in str(info.value)

    code, _, err = run(["schedule", str(requirements(tmp_path)), "--out", str(tmp_path / "o"), "--agents",
                        str(tmp_path / "agents.csv"), "--min-staff", "3", "--shift-hours", "8", "--lunch-min", "0"],
                       capsys)
    line = error_line(err)
    assert code == 2 and "floor of 3 agent(s) (--min-staff)" in line and "rules." not in line


def test_plan_names_the_forecast_key_the_forecast_cli_the_flag(tmp_path, capsys):
    scen = tmp_path / "s.toml"
    scen.write_text(SCENARIO.replace("backtest_weeks = 2\n", 'backtest_weeks = 2\nmethod = "prophet"\n'))
    code, _, err = run(["plan", str(scen), "--out", str(tmp_path / "out")], capsys)
    line = error_line(err)
    assert code == 2 and line.startswith("error: forecast.method 'prophet':") and "--" not in line
