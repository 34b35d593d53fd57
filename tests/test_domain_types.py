"""The typed seam between the steps (issue 22): :class:`planner.domain.Requirements` and
:class:`planner.domain.Schedule` are made once, by the edge that reads or computes them, and every step
after takes the object. Expected values are written out by hand."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from planner.domain import Requirements, Schedule
from planner.errors import PlannerInputError
from planner.io.requirements import read_requirements
from planner.io.schedule import read_schedule, schedule_table
from planner.labour import CostRates, ShiftRules
from planner.scheduling.api import roster_weeks
from planner.scheduling.demand import week_demands

ROWS = pd.DataFrame({
    "agent_id": [" a1", "a1", "a2"],
    "date": ["2026-03-16", "2026-03-16", "2026-03-17"],
    "activity": ["work", "lunch", "off"],
    "start": ["2026-03-16T09:00", "2026-03-16T12:00", "2026-03-17T00:00"],
    "end": ["2026-03-16T12:00", "2026-03-16T13:00", "2026-03-18T00:00"],
})


def test_a_schedule_is_typed_once_from_rows_of_text():
    s = Schedule.of_rows(ROWS)
    f = s.frame
    assert list(f.columns) == ["agent_id", "team", "date", "activity", "start", "end"]
    assert s.agents == ("a1", "a2")  # ids stripped
    assert s.teams == ()  # no team named yet
    assert f["start"].iloc[1] == pd.Timestamp("2026-03-16T12:00") and f["date"].iloc[2] == pd.Timestamp("2026-03-17")
    assert list(s.busy()["activity"]) == ["work", "lunch"]
    named = s.with_teams({"a1": "voice"})
    assert list(named.frame["team"]) == ["voice", "voice", ""] and named.teams == ("voice",)
    assert named.of_team("voice").agents == ("a1",)
    both = Schedule.joined([named.of_team("voice"), Schedule.of_rows(ROWS.iloc[2:], team="written")])
    assert both.teams == ("voice", "written") and len(both.frame) == 3


def test_a_schedule_refuses_what_it_cannot_type():
    with pytest.raises(PlannerInputError, match="roster: missing column 'end'"):
        Schedule.of_rows(ROWS.drop(columns=["end"]), source="roster")
    with pytest.raises(PlannerInputError, match="roster: activity 'nap' is not one of"):
        Schedule.of_rows(ROWS.assign(activity="nap"), source="roster")
    with pytest.raises(TypeError, match="date must be datetime64"):
        Schedule(ROWS.assign(team=""))  # text times: type them at the edge (Schedule.of_rows)


def test_requirements_per_channel_and_per_team():
    t = pd.date_range("2026-03-16T09:00", periods=3, freq="30min")
    frame = pd.DataFrame({
        "interval_start": list(t) * 2,
        "channel": ["chat"] * 3 + ["email"] * 3,
        "required": [1.0, 2.0, 3.0, 0.5, 0.0, 4.0],
        "open": [1, 1, 0, 1, 1, 1],
    })
    req = Requirements(frame, 30)
    assert req.channels == ("chat", "email")
    assert req.team(["email"]).channels == ("email",)
    starts = pd.DatetimeIndex([t[1], t[2], t[2] + pd.Timedelta(minutes=30)])  # the last has no row
    required, opened = req.on("chat", starts)
    assert list(required) == [2.0, 3.0, 0.0] and list(opened) == [1.0, 0.0, 0.0]
    _, no_window = Requirements(frame.drop(columns=["open"]), 30).on("chat", starts)
    assert list(no_window) == [1.0, 1.0, 0.0]  # without a window: open wherever the source has a row
    with pytest.raises(TypeError, match="interval_start must be datetime64"):
        Requirements(frame.assign(interval_start=t.strftime("%Y-%m-%dT%H:%M").tolist() * 2))
    with pytest.raises(PlannerInputError, match="missing column 'required'"):
        Requirements(frame.drop(columns=["required"]))


def test_the_written_schedule_reads_back_as_the_same_schedule(tmp_path):
    """The scheduler's Schedule, written as schedule.csv and read back, is the same object's frame: one
    typing of the rows, whichever door they come through."""
    week = pd.date_range(datetime(2026, 3, 16), periods=7 * 24, freq="60min")
    need = np.where((week.hour >= 9) & (week.hour < 17) & (week.day_of_week < 5), 2.0, 0.0)
    (req_file := tmp_path / "req.csv").write_text(
        pd.DataFrame({"interval_start": week.strftime("%Y-%m-%dT%H:%M"), "channel": "voice",
                      "required": need}).to_csv(index=False), encoding="utf-8")
    req = read_requirements(req_file)
    assert isinstance(req, Requirements) and req.channels == ("voice",)
    rules = ShiftRules(shift_lengths_min=(480,), lunch_min=0, start_step_min=60)
    r = roster_weeks(week_demands(req, 0.0), rules, CostRates(min_staff=0), team="voice")
    assert r.schedule.teams == ("voice",) and all(a.startswith("voice-") for a in r.schedule.agents)
    out = tmp_path / "schedule.csv"
    schedule_table(r.schedule).to_csv(out, index=False)
    assert pd.read_csv(out).columns.tolist() == ["agent_id", "date", "activity", "start", "end", "team"]
    back = read_schedule(out)
    pd.testing.assert_frame_equal(back.frame, r.schedule.frame)
