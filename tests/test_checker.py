"""The independent roster checker (planner.scheduling.checker) on hand-written rosters: a legal week passes,
and each rule, broken by hand, is caught. Nothing here runs the solver: every roster is written out row by
row, and every expected number is counted by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from planner.labour import CostRates
from planner.scheduling.api import limits_for
from planner.scheduling.checker import AgentLimits, Limits, check_schedule
from planner.scheduling.demand import Agent, WeekDemand
from planner.shifts import ShiftRules

MON = datetime(2026, 3, 2)  # a Monday
SLOTS = 7 * 48  # 30-min intervals in a week
COLS = ["agent_id", "date", "activity", "start", "end"]


def _t(day: int, hhmm: str) -> str:
    h, m = map(int, hhmm.split(":"))
    return (MON + timedelta(days=day, hours=h, minutes=m)).strftime("%Y-%m-%dT%H:%M")


def shift(aid: str, day: int, parts: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Rows of one shift on ``day`` (0 = Monday): (activity, HH:MM, HH:MM); an end before its start is
    read as the next morning."""
    out = []
    for act, a, b in parts:
        end_day = day + (1 if b <= a else 0)
        out.append(dict(agent_id=aid, date=(MON + timedelta(days=day)).strftime("%Y-%m-%d"), activity=act,
                        start=_t(day, a), end=_t(end_day, b)))
    return out


def off(aid: str, day: int) -> list[dict[str, str]]:
    return [dict(agent_id=aid, date=(MON + timedelta(days=day)).strftime("%Y-%m-%d"), activity="off",
                 start=_t(day, "00:00"), end=_t(day + 1, "00:00"))]


# 09:00-18:00 (9 h): break 10:30-10:45, lunch 13:00-14:00, break 15:30-15:45 -> 8 h paid, 7.5 h at work
DAY_SHIFT = [("work", "09:00", "10:30"), ("break", "10:30", "10:45"), ("work", "10:45", "13:00"),
             ("lunch", "13:00", "14:00"), ("work", "14:00", "15:30"), ("break", "15:30", "15:45"),
             ("work", "15:45", "18:00")]


def week(aid: str = "E1", days=range(5), parts=DAY_SHIFT) -> list[dict[str, str]]:
    rows = []
    for d in range(7):
        rows += shift(aid, d, parts) if d in days else off(aid, d)
    return rows


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLS)


STRICT = Limits(
    break_min=15,
    breaks_per_shift=2,
    start_windows=((8 * 60, 10 * 60),),
    shift_lengths_min=(540,),
    min_days=5,
    agents={"E1": AgentLimits(earliest_start_min=8 * 60, latest_end_min=19 * 60, max_days=5,
                              unavailable=frozenset(), contract_hours=40.0)},
)


def check(rows, limits=STRICT, need=None, **kw):
    return check_schedule(frame(rows), MON, 30, need if need is not None else [0] * SLOTS, limits, **kw)


def rules_of(rows, limits=STRICT, **kw) -> set[str]:
    return {v.rule for v in check(rows, limits, **kw).violations}


def replace_day(rows, aid: str, day: int, new_rows) -> list[dict[str, str]]:
    d = (MON + timedelta(days=day)).strftime("%Y-%m-%d")
    return [r for r in rows if not (r["agent_id"] == aid and r["date"] == d)] + new_rows


def test_the_legal_week_passes_every_rule():
    rep = check(week())
    assert rep.ok, rep.violations
    assert rep.shortfall_agent_hours == 0


# ---------------------------------------------------------------------------- coverage and rows


def test_coverage_shortfall_is_a_violation_only_when_asked():
    # need 2 agents Monday 11:00-12:00 (slots 22, 23); E1 alone works both: 30 of 60 agent-minutes each
    need = [0] * SLOTS
    need[22] = need[23] = 2
    soft = check(week(), need=need)
    assert soft.ok and soft.shortfall_agent_hours == pytest.approx((30 + 30) / 60)
    hard = check(week(), need=need, shortfall_is_violation=True)
    assert [(v.rule, v.where) for v in hard.violations] == [
        ("coverage", "2026-03-02T11:00"), ("coverage", "2026-03-02T11:30")]
    assert hard.shortfall_agent_hours == pytest.approx(1.0)


def test_the_floor_is_always_a_violation():
    need = [0] * SLOTS
    need[2 * 48 + 2] = 1  # Wednesday 01:00: nobody works
    assert rules_of(week(), need=need) == {"floor"}


def test_a_row_ending_before_it_starts_is_caught():
    rows = week()
    rows.append(dict(agent_id="E1", date="2026-03-07", activity="work", start=_t(5, "12:00"),
                     end=_t(5, "11:00")))
    rep = check(rows)
    assert any(v.rule == "row" and "end is not after start" in v.detail for v in rep.violations)


def test_an_unknown_activity_is_caught():
    rows = week()
    rows[0] = {**rows[0], "activity": "nap"}
    rep = check(rows)
    assert any(v.rule == "row" and "unknown activity 'nap'" in v.detail for v in rep.violations)


def test_two_shifts_on_one_date_are_caught():
    # Tuesday gets a second block, 20:00-22:00, after the 09:00-18:00 shift (2 h of unrostered gap)
    rows = week() + shift("E1", 1, [("work", "20:00", "22:00")])
    rep = check(rows, limits=Limits())
    two = [v for v in rep.violations if v.rule == "days"]
    assert [v.where for v in two] == ["E1 2026-03-03"] and "two shifts on one date" in two[0].detail
    # a split shift with a hole where the lunch row should be is two shifts as well
    holed = replace_day(week(), "E1", 0, shift("E1", 0, [r for r in DAY_SHIFT if r[0] != "lunch"]))
    assert "two shifts on one date" in " ".join(v.detail for v in check(holed, Limits()).violations)
    # contiguous rows (the legal week) are one shift each
    assert not [v for v in check(week(), Limits()).violations if v.rule == "days"]


# ---------------------------------------------------------------------------- short breaks


def test_a_break_of_the_wrong_length_is_caught():
    bad = [("work", "09:00", "10:30"), ("break", "10:30", "10:50"), ("work", "10:50", "13:00"), *DAY_SHIFT[3:]]
    assert rules_of(replace_day(week(), "E1", 0, shift("E1", 0, bad))) == {"break"}


def test_too_many_breaks_are_caught():
    three = [("work", "09:00", "09:30"), ("break", "09:30", "09:45"), ("work", "09:45", "10:30"), *DAY_SHIFT[1:]]
    assert rules_of(replace_day(week(), "E1", 0, shift("E1", 0, three))) == {"break"}


def test_a_break_at_the_shift_edge_is_caught():
    # 08:45-09:00 break then the usual shift: the break opens the shift (9.25 h long, so also its length)
    edge = [("break", "08:45", "09:00"), *DAY_SHIFT[:5], ("work", "15:30", "18:00")]
    found = rules_of(replace_day(week(), "E1", 0, shift("E1", 0, edge)))
    assert "break" in found


def test_breaks_are_not_checked_without_break_limits():
    bad = [("work", "09:00", "10:30"), ("break", "10:30", "10:50"), ("work", "10:50", "13:00"), *DAY_SHIFT[3:]]
    assert check(replace_day(week(), "E1", 0, shift("E1", 0, bad)), Limits()).ok


# ---------------------------------------------------------------------------- start windows, lengths, days


def test_a_start_outside_the_windows_is_caught():
    late = [(a, _plus(s, 120), _plus(e, 120)) for a, s, e in DAY_SHIFT]  # 11:00-20:00
    assert rules_of(replace_day(week(), "E1", 2, shift("E1", 2, late))) == {"start_window", "agent_window"}
    # the same start is fine with a second window 10:30-12:00 (and no named-agent window)
    two_windows = Limits(start_windows=((480, 600), (630, 720)))
    assert check(replace_day(week(), "E1", 2, shift("E1", 2, late)), two_windows).ok


def test_start_windows_wrap_midnight():
    night = Limits(start_windows=((22 * 60, 2 * 60),), max_day_paid_min=600)
    ok = [r for d in range(5) for r in shift("E1", d, [("work", "23:00", "05:00")])]
    assert check(ok, night).ok  # 23:00 is inside 22:00-02:00
    early = [r for d in range(5) for r in shift("E1", d, [("work", "01:30", "07:30")])]
    assert check(early, night).ok  # so is 01:30 (after midnight)
    bad = [r for d in range(5) for r in shift("E1", d, [("work", "03:00", "09:00")])]
    assert {v.rule for v in check(bad, night).violations} == {"start_window"}


def _plus(hhmm: str, minutes: int) -> str:
    h, m = map(int, hhmm.split(":"))
    t = (h * 60 + m + minutes) % 1440
    return f"{t // 60:02d}:{t % 60:02d}"


def test_a_shift_of_a_length_not_allowed_is_caught():
    short = [*DAY_SHIFT[:-1], ("work", "15:45", "17:00")]  # 09:00-17:00: 8 h, only 9 h allowed
    assert rules_of(replace_day(week(), "E1", 3, shift("E1", 3, short))) == {"shift_length"}
    assert check(replace_day(week(), "E1", 3, shift("E1", 3, short)), replace_lengths((480, 540))).ok


def replace_lengths(lengths):
    return Limits(break_min=15, breaks_per_shift=2, start_windows=((480, 600),), shift_lengths_min=lengths)


def test_too_few_working_days_are_caught():
    assert rules_of(week(days=range(4))) == {"min_days"}  # 4 < 5
    # an agent idle the whole week is simply not rostered: no minimum applies
    assert check(week(days=())).ok
    # and over two weeks the minimum holds per 7-day block
    two = week(days=range(5)) + [
        {**r, "date": (pd.Timestamp(r["date"]) + pd.Timedelta(days=7)).strftime("%Y-%m-%d"),
         "start": (pd.Timestamp(r["start"]) + pd.Timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
         "end": (pd.Timestamp(r["end"]) + pd.Timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")}
        for r in week(days=range(3))
    ]
    rep = check_schedule(frame(two), MON, 30, [0] * 2 * SLOTS, STRICT)
    assert [(v.rule, v.where) for v in rep.violations] == [("min_days", "E1 week 2")]


# ---------------------------------------------------------------------------- named agents


def _named(**kw) -> Limits:
    base = dict(earliest_start_min=8 * 60, latest_end_min=19 * 60, max_days=5, unavailable=frozenset(),
                contract_hours=40.0)
    return Limits(agents={"E1": AgentLimits(**{**base, **kw})})


def test_named_agent_window():
    assert rules_of(week(), _named(latest_end_min=17 * 60)) == {"agent_window"}  # ends 18:00 > 17:00
    assert rules_of(week(), _named(earliest_start_min=9 * 60 + 30)) == {"agent_window"}  # starts 09:00
    assert check(week(), _named(earliest_start_min=9 * 60, latest_end_min=18 * 60)).ok  # exactly fits
    # a window that wraps midnight: 20:00 to 08:00 the next morning
    night = [r for d in range(5) for r in shift("E1", d, [("work", "22:00", "06:00")])]
    assert check(night, _named(earliest_start_min=20 * 60, latest_end_min=8 * 60)).ok
    assert rules_of(night, _named(earliest_start_min=20 * 60, latest_end_min=5 * 60)) == {"agent_window"}
    # other agents are not held to E1's limits
    other = [{**r, "agent_id": "E2"} for r in week()]
    assert check(other, _named(latest_end_min=17 * 60)).ok


def test_named_agent_unavailable_date():
    rep = check(week(), _named(unavailable=frozenset({date(2026, 3, 4)})))
    assert [(v.rule, v.where) for v in rep.violations] == [("agent_unavailable", "E1 2026-03-04")]
    assert check(week(), _named(unavailable=frozenset({date(2026, 3, 7)}))).ok  # Saturday is off anyway


def test_named_agent_days_and_contract_hours():
    assert rules_of(week(), _named(max_days=4)) == {"agent_days"}  # 5 working days
    assert rules_of(week(), _named(contract_hours=32.0)) == {"agent_hours"}  # 5 x 8 = 40 h paid
    assert check(week(), _named(contract_hours=40.0)).ok


# ---------------------------------------------------------------------------- what the solver is held to


def test_defaults_keep_the_old_rules_only():
    """With Limits() the new rules are off: a late start, a 20-min break and a 4-day week all pass."""
    odd = [("work", "11:00", "12:30"), ("break", "12:30", "12:50"), ("work", "12:50", "15:00"),
           ("lunch", "15:00", "16:00"), ("work", "16:00", "20:00")]
    assert check(week(days=range(4), parts=odd), Limits()).ok


def test_limits_for_fills_every_rule_from_the_shift_rules_and_agents():
    rules = ShiftRules(shift_lengths_min=(480, 540), earliest_start_min=7 * 60, latest_start_min=10 * 60,
                       extra_start_windows=((22 * 60, 23 * 60),), breaks_per_shift=2, break_min=10,
                       min_days=4, max_days=5)
    lim = limits_for(rules, CostRates(min_staff=2))
    assert (lim.break_min, lim.breaks_per_shift, lim.min_days, lim.max_days, lim.min_staff) == (10, 2, 4, 5, 2)
    assert lim.start_windows == ((420, 600), (1320, 1380))
    assert set(lim.shift_lengths_min) == {480, 540}
    assert lim.agents is None
    agent = Agent("E7", "", (), 36.0, 4, 6 * 60, 20 * 60, True, (0, 6))
    named = limits_for(rules, CostRates(), (agent,), MON).agents["E7"]
    assert named == AgentLimits(360, 1200, 4, frozenset({date(2026, 3, 2), date(2026, 3, 8)}), 36.0)


def test_roster_weeks_checks_named_agents_and_the_shift_rules(monkeypatch):
    """roster_weeks hands the checker the rules' limits and each named agent's own (one week)."""
    from planner.domain import SolverSettings
    from planner.scheduling import api

    seen = []

    def spy(*args, **kw):
        seen.append(args[4])
        return check_schedule(*args, **kw)

    monkeypatch.setattr(api, "check_schedule", spy)
    need = tuple(1 if d < 5 and 10 * 60 <= m < 17 * 60 else 0 for d in range(7) for m in range(0, 1440, 60))
    demand = WeekDemand(MON, 60, tuple(map(float, need)), need, 0.0, ("voice",))
    agents = (Agent("E1", "", (), 40.0, 5, 9 * 60, 19 * 60, True, (5,)),
              Agent("E2", "", (), 40.0, 5, 8 * 60, 18 * 60, True, ()))
    rules = ShiftRules(earliest_start_min=8 * 60, latest_start_min=10 * 60, lunch_min=60)
    r = api.roster_weeks([demand], rules, CostRates(), SolverSettings(time_limit_s=10, workers=1, seed=0),
                         agents=agents)
    assert r.check.ok
    (lim,) = seen
    assert lim.start_windows == ((480, 600),) and lim.shift_lengths_min == (540,) and lim.min_days == 5
    assert lim.agents["E1"] == AgentLimits(540, 1140, 5, frozenset({date(2026, 3, 7)}), 40.0)
    assert set(lim.agents) == {"E1", "E2"}
