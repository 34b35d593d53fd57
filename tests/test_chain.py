"""Multi-week horizons: the checker over N weeks, and chaining weekly rosters into persistent people.

Hand-made rosters: week 1 starts Monday 2026-03-02, week 2 Monday 2026-03-09, week 3 Monday 2026-03-16.
Rest limit 11 h (660 min) unless said otherwise.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from planner.domain import SolverSettings
from planner.errors import PlannerInputError
from planner.labour import CostRates
from planner.scheduling.api import limits_for
from planner.scheduling.chain import chain_weeks
from planner.scheduling.checker import Limits, check_schedule
from planner.scheduling.demand import WeekDemand
from planner.scheduling.model import solve_roster
from planner.scheduling.roster import schedule_frame
from planner.shifts import ShiftRules

W1 = datetime(2026, 3, 2)
W2 = W1 + timedelta(days=7)
W3 = W1 + timedelta(days=14)
SLOTS_30 = 7 * 48  # 30-min intervals in a week
LIM = Limits()


def _fmt(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M")


def shift(aid: str, start: str, hours: float, lunch: bool = False) -> list[dict[str, str]]:
    """Rows of one shift from ``start``; with ``lunch``, an unpaid hour in its middle (4 h in)."""
    s = datetime.fromisoformat(start)
    e = s + timedelta(hours=hours)
    d = s.strftime("%Y-%m-%d")
    if not lunch:
        return [dict(agent_id=aid, date=d, activity="work", start=_fmt(s), end=_fmt(e))]
    l0, l1 = s + timedelta(hours=4), s + timedelta(hours=5)
    return [
        dict(agent_id=aid, date=d, activity="work", start=_fmt(s), end=_fmt(l0)),
        dict(agent_id=aid, date=d, activity="lunch", start=_fmt(l0), end=_fmt(l1)),
        dict(agent_id=aid, date=d, activity="work", start=_fmt(l1), end=_fmt(e)),
    ]


def frame(*shifts: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([r for s in shifts for r in s], columns=["agent_id", "date", "activity", "start", "end"])


def daily(aid: str, monday: datetime, hhmm: str, hours: float, days: range) -> list[dict[str, str]]:
    """The same shift on each day in ``days`` (0 = Monday) of the week starting ``monday``."""
    rows = []
    for d in days:
        rows += shift(aid, f"{(monday + timedelta(days=d)):%Y-%m-%d}T{hhmm}", hours)
    return rows


def rules_of(df: pd.DataFrame, weeks: int = 2, need=None, limits: Limits = LIM, **kw) -> set[str]:
    return {v.rule for v in check(df, weeks, need, limits, **kw).violations}


def check(df: pd.DataFrame, weeks: int = 2, need=None, limits: Limits = LIM, **kw):
    need = need if need is not None else [0] * (weeks * SLOTS_30)
    return check_schedule(df, W1, 30, need, limits, **kw)


def slot(t: str) -> int:
    return int((datetime.fromisoformat(t) - W1).total_seconds() // 1800)


# Sunday night of week 1: 22:00 to Monday 07:00 of week 2, lunch 02:00-03:00 (8 h paid)
SUN_NIGHT = "2026-03-08T22:00"


# ---------------------------------------------------------------------------- checker over N weeks


def test_rest_is_checked_across_the_week_boundary():
    # Monday 08:00 of week 2 is 1 h after the 07:00 end: a rest violation, dated on week 2's Monday
    bad = frame(shift("X", SUN_NIGHT, 9, lunch=True), shift("X", "2026-03-09T08:00", 9, lunch=True))
    rep = check(bad)
    assert [(v.rule, v.where) for v in rep.violations] == [("rest", "X 2026-03-09")]
    # Monday 18:00 is exactly 11 h after 07:00: fine
    ok = frame(shift("X", SUN_NIGHT, 9, lunch=True), shift("X", "2026-03-09T18:00", 9, lunch=True))
    assert check(ok).ok, check(ok).violations


def test_rest_wraps_for_one_week_only():
    # Monday 08:00 after a Sunday-night shift that ends Monday 07:00: 1 h rest once the week wraps
    one = frame(shift("X", "2026-03-02T08:00", 8), shift("X", "2026-03-08T22:00", 8, lunch=True))
    assert rules_of(one, weeks=1) == {"rest"}
    # over two weeks the rest after the horizon's last shift belongs to the next plan: no wrap
    two = frame(shift("X", "2026-03-02T08:00", 8), shift("X", "2026-03-15T22:00", 8, lunch=True))
    assert check(two, weeks=2).ok


def test_week_hours_and_days_per_7_day_block():
    # 5 x 8 h in each of two weeks (Mon-Fri 09:00-17:00): 80 h and 10 days in total, each week legal
    five_five = frame(daily("A", W1, "09:00", 8, range(5)), daily("A", W2, "09:00", 8, range(5)))
    assert check(five_five).ok, check(five_five).violations
    # the same weekday in both weeks is two dates, not two shifts on one date
    # 6 x 8 h in week 2 only (Mon-Sat): 48 h > 40 h and 6 days > 5, reported for week 2 alone
    five_six = frame(daily("A", W1, "09:00", 8, range(5)), daily("A", W2, "09:00", 8, range(6)))
    got = sorted((v.rule, v.where) for v in check(five_six).violations)
    assert got == [("days", "A week 2"), ("week_hours", "A week 2")]


def test_coverage_counts_each_weeks_own_need():
    # need 1 on Tuesday 09-17 of week 1, 2 on Tuesday 09-17 of week 2; one agent works both Tuesdays
    need = [0] * (2 * SLOTS_30)
    for t in range(slot("2026-03-03T09:00"), slot("2026-03-03T17:00")):
        need[t] = 1
    for t in range(slot("2026-03-10T09:00"), slot("2026-03-10T17:00")):
        need[t] = 2
    df = frame(shift("A", "2026-03-03T09:00", 8), shift("A", "2026-03-10T09:00", 8))
    rep = check(df, need=need, shortfall_is_violation=True)
    assert len(rep.scheduled_min) == 2 * SLOTS_30
    # 16 week-2 intervals each 1 agent short: 8 agent-hours, none in week 1
    assert rep.shortfall_agent_hours == 8
    short = [v.where for v in rep.violations if v.rule == "coverage"]
    assert len(short) == 16 and short[0] == "2026-03-10T09:00" and short[-1] == "2026-03-10T16:30"
    assert not [v for v in rep.violations if v.rule != "coverage"]
    # without week 1's Tuesday the floor (1 agent) fails in week 1 only
    rep = check(frame(shift("A", "2026-03-10T09:00", 8)), need=need)
    floor = [v.where for v in rep.violations if v.rule == "floor"]
    assert len(floor) == 16 and floor[0] == "2026-03-03T09:00"


def test_work_past_the_horizon_end_belongs_to_the_next_plan():
    # Sunday of week 2, 22:00 to 06:00: 2 h at the horizon's end; the 6 h past it count nowhere
    rep = check(frame(shift("N", "2026-03-15T22:00", 8)))
    cover = rep.scheduled_min
    assert slot("2026-03-15T22:00") == 668
    assert cover[668:672] == (30,) * 4
    assert sum(cover[0:12]) == 0  # not week 1's Monday
    assert sum(cover) == 2 * 60
    # one week: the week is a cycle, the 6 h wrap onto its Monday morning
    one = check(frame(shift("N", "2026-03-08T22:00", 8)), weeks=1).scheduled_min
    assert one[332:336] == (30,) * 4 and one[0:12] == (30,) * 12 and one[12] == 0 and sum(one) == 8 * 60


def test_first_weeks_spill_also_covers_the_horizons_start():
    # Sunday of week 1, 22:00 to 06:00: the 6 h cover week 2's Monday morning where they are and, the week
    # before the horizon being rostered like the first, week 1's Monday morning too
    cover = check(frame(shift("N", SUN_NIGHT, 8))).scheduled_min
    assert cover[slot("2026-03-08T22:00") : SLOTS_30] == (30,) * 4
    assert cover[SLOTS_30 : SLOTS_30 + 12] == (30,) * 12 and cover[SLOTS_30 + 12] == 0
    assert cover[0:12] == (30,) * 12 and cover[12] == 0
    assert sum(cover) == (2 + 6 + 6) * 60


def test_rest_before_the_first_shift_follows_the_first_weeks_last():
    # the week before the horizon is rostered like the first: X's Sunday-night shift (to Monday 07:00) a
    # week earlier comes 1 h before their Monday 08:00 shift; checked over two weeks as over one
    bad = frame(shift("X", "2026-03-02T08:00", 8), shift("X", SUN_NIGHT, 9, lunch=True))
    assert [(v.rule, v.where) for v in check(bad).violations] == [("rest", "X 2026-03-02")]
    assert [(v.rule, v.where) for v in check(bad, weeks=1).violations] == [("rest", "X 2026-03-02")]
    # a person idle in week 1 has no assumed shift before the horizon
    late = frame(shift("Y", "2026-03-09T08:00", 8), shift("Y", "2026-03-15T22:00", 9, lunch=True))
    assert check(late).ok, check(late).violations


def test_need_must_be_whole_weeks():
    with pytest.raises(ValueError, match="whole number of weeks"):
        check_schedule(frame(shift("A", "2026-03-03T09:00", 8)), W1, 30, [0] * (SLOTS_30 + 48), LIM)


# ---------------------------------------------------------------------------- chaining weeks


def person_of(chained: pd.DataFrame, start: str) -> str:
    return chained[chained.start == start].agent_id.iloc[0]


def test_sunday_night_is_not_followed_by_monday_morning():
    week1 = frame(shift("A001", SUN_NIGHT, 9, lunch=True))
    # week 2's A001 starts Monday 08:00 (1 h rest): the night worker must take A002 (Tuesday)
    week2 = frame(shift("A001", "2026-03-09T08:00", 8), shift("A002", "2026-03-10T09:00", 8))
    out = chain_weeks([week1, week2], 660)
    assert person_of(out, SUN_NIGHT) == "001"
    assert person_of(out, "2026-03-10T09:00") == "001"
    assert person_of(out, "2026-03-09T08:00") == "002"
    # Monday 18:00 (11 h rest) is allowed
    week2 = frame(shift("A001", "2026-03-09T18:00", 8))
    out = chain_weeks([week1, week2], 660)
    assert set(out.agent_id) == {"001"}
    # Monday 08:00 alone: a new person
    out = chain_weeks([week1, frame(shift("A001", "2026-03-09T08:00", 8))], 660)
    assert set(out.agent_id) == {"001", "002"}


def _three_weeks() -> list[pd.DataFrame]:
    """Week 1: A001-A003 on Sunday night (end Monday 07:00), A004 Monday 09:00-17:00.
    Week 2: A001, A002 Monday 08:00 (only A004's person has the rest), A003 Tuesday 09:00 (anyone).
    Week 3: four agents on Monday 08:00 (everyone rested).

    Minimum: week 1 needs 4 people; week 2's two Monday-08:00 agents both need week 1's day worker or a
    new person, so 5; week 3's four agents are all old people. Total 5 (4 if rest were ignored).
    """
    w1 = frame(*(shift(f"A00{i}", SUN_NIGHT, 9, lunch=True) for i in (1, 2, 3)), shift("A004", "2026-03-02T09:00", 8))
    w2 = frame(
        shift("A001", "2026-03-09T08:00", 8), shift("A002", "2026-03-09T08:00", 8), shift("A003", "2026-03-10T09:00", 8)
    )
    w3 = frame(*(shift(f"A00{i}", "2026-03-16T08:00", 8) for i in range(1, 5)))
    return [w1, w2, w3]


def test_head_count_is_the_hand_computed_minimum():
    out = chain_weeks(_three_weeks(), 660, prefix="P")
    assert sorted(set(out.agent_id)) == ["P001", "P002", "P003", "P004", "P005"]
    # the day worker of week 1 (P004) takes one of week 2's Monday-08:00 shifts
    mon = out[out.start == "2026-03-09T08:00"].agent_id
    assert "P004" in set(mon) and len(set(mon)) == 2
    assert len(out) == sum(len(w) for w in _three_weeks())


def test_chained_horizon_passes_the_checker_but_local_ids_do_not():
    weeks = _three_weeks()
    out = chain_weeks(weeks, 660)
    rep = check(out, weeks=3)
    assert rep.ok, rep.violations
    # the weeks glued with their local ids: A001-A002 rest 1 h on week 2's Monday
    naive = pd.concat(weeks, ignore_index=True)
    assert {v.where for v in check(naive, weeks=3).violations} == {"A001 2026-03-09", "A002 2026-03-09"}


def test_same_input_same_output_whatever_the_row_order():
    weeks = _three_weeks()
    a = chain_weeks(weeks, 660)
    pd.testing.assert_frame_equal(a, chain_weeks(weeks, 660))
    shuffled = [w.sample(frac=1.0, random_state=3).reset_index(drop=True) for w in weeks]
    pd.testing.assert_frame_equal(a, chain_weeks(shuffled, 660))
    assert list(a.columns) == ["agent_id", "date", "activity", "start", "end"]
    assert a.equals(a.sort_values(["agent_id", "start"], kind="stable").reset_index(drop=True))


def test_continuity_keeps_the_start_time():
    # week 1: A001 09:00-17:00, A002 14:00-22:00 Mon-Fri; week 2 swaps the local ids
    w1 = frame(daily("A001", W1, "09:00", 8, range(5)), daily("A002", W1, "14:00", 8, range(5)))
    w2 = frame(daily("A001", W2, "14:00", 8, range(5)), daily("A002", W2, "09:00", 8, range(5)))
    out = chain_weeks([w1, w2], 660)
    assert person_of(out, "2026-03-02T09:00") == person_of(out, "2026-03-09T09:00") == "001"
    assert person_of(out, "2026-03-02T14:00") == person_of(out, "2026-03-09T14:00") == "002"


def test_continuity_prefers_who_worked_last_week():
    # week 1: 001 starts 08:00, 002 09:00; week 2's 09:00 shift goes to 002 (same start) and 001 idles;
    # week 3's 10:00 shift matches neither start, so it goes to 002, who worked last week
    w1 = frame(shift("A001", "2026-03-02T08:00", 8), shift("A002", "2026-03-02T09:00", 8))
    w2 = frame(shift("A001", "2026-03-09T09:00", 8))
    w3 = frame(shift("A001", "2026-03-16T10:00", 8))
    out = chain_weeks([w1, w2, w3], 660)
    assert person_of(out, "2026-03-09T09:00") == "002"
    assert person_of(out, "2026-03-16T10:00") == "002"
    assert set(out.agent_id) == {"001", "002"}


def test_weeks_out_of_order_are_refused():
    w1 = frame(shift("A001", "2026-03-02T09:00", 8))
    w2 = frame(shift("A001", "2026-03-09T09:00", 8))
    with pytest.raises(ValueError, match="consecutive"):
        chain_weeks([w2, w1], 660)


# ---------------------------------------------------------------------------- solver, two weeks


def _demand(week_start: datetime, need) -> WeekDemand:
    n = [need(t // 48, (t % 48) * 30) for t in range(SLOTS_30)]
    return WeekDemand(week_start, 30, tuple(float(x) for x in n), tuple(n), 0.0, ("voice",))


def test_two_solved_weeks_chain_into_a_legal_horizon():
    """Week 1 ends on a late Sunday shift, week 2 starts early on Monday; both solved, chained, and
    the horizon checked as one (rest across the boundary included)."""
    rules = ShiftRules(shift_lengths_min=(480,), lunch_min=0, earliest_start_min=6 * 60, latest_start_min=12 * 60)
    costs = CostRates()
    settings = SolverSettings(time_limit_s=10, workers=1, seed=0, target_gap=0.02, deterministic_time=2.0)

    def need1(d, m):  # 2 agents 08-16 Monday to Saturday, 1 agent 12-20 on Sunday
        return (2 if 8 * 60 <= m < 16 * 60 else 0) if d < 6 else (1 if 12 * 60 <= m < 20 * 60 else 0)

    def need2(d, m):  # 1 agent from 06:00 on Monday (10 h after Sunday's 20:00 end), 3 agents 11-19
        return 3 if 11 * 60 <= m < 19 * 60 else (1 if d == 0 and 6 * 60 <= m < 11 * 60 else 0)

    d1, d2 = _demand(W1, need1), _demand(W2, need2)
    weeks = [schedule_frame(solve_roster(d, rules, costs, settings), d) for d in (d1, d2)]
    lim = limits_for(rules, costs)
    for w, d in zip(weeks, (d1, d2), strict=True):
        assert check_schedule(w, d.week_start, 30, list(d.need), lim).ok
    out = chain_weeks(weeks, rules.min_rest_min, prefix="E")
    rep = check_schedule(out, W1, 30, list(d1.need) + list(d2.need), lim)
    assert rep.ok, rep.violations[:3]
    n1, n2 = (w.agent_id.nunique() for w in weeks)
    assert max(n1, n2) <= out.agent_id.nunique() <= n1 + n2
    assert len(out) == len(weeks[0]) + len(weeks[1])


# ---------------------------------------------------------------------------- carry-in across weeks


NIGHT = ShiftRules(shift_lengths_min=(480,), lunch_min=0, earliest_start_min=22 * 60, latest_start_min=22 * 60,
                   min_days=1, max_days=5)  # 8 h shifts, 22:00 starts only (22:00 to 06:00)
REPRO = SolverSettings(time_limit_s=30, workers=1, seed=0, target_gap=0.0, deterministic_time=2.0)


def _hourly(week_start: datetime, hours: dict[int, int]) -> WeekDemand:
    """One week of 60-min intervals; ``hours``: {hour of the week: agents needed}, 0 elsewhere."""
    n = [hours.get(t, 0) for t in range(7 * 24)]
    return WeekDemand(week_start, 60, tuple(float(x) for x in n), tuple(n), 0.0, ("voice",))


def test_later_week_takes_the_previous_weeks_spill_as_its_monday_cover():
    """Week 1 needs 1 agent Sunday 22-24; week 2 needs 1 agent Monday 00-06 and nothing else.

    By hand: week 1 (cyclic) takes one Sunday 22:00-06:00 shift, the only start. It runs into week 2's
    Monday 00-06, which is all week 2 needs: week 2 rosters nobody. (A cyclic week 2 would roster its own
    Sunday-night shift, whose Monday morning is really week 3's.) One person, 8 paid hours, no shortfall."""
    from planner.scheduling.api import roster_weeks

    d1 = _hourly(W1, {6 * 24 + 22: 1, 6 * 24 + 23: 1})
    d2 = _hourly(W2, dict.fromkeys(range(6), 1))
    r = roster_weeks([d1, d2], NIGHT, CostRates(), REPRO)
    work = r.schedule.frame[r.schedule.frame.activity == "work"]
    assert list(zip(work.start, work.end, strict=True)) == [(pd.Timestamp("2026-03-08T22:00"),
                                                             pd.Timestamp("2026-03-09T06:00"))]
    assert r.summary()["agents_per_week"] == [1, 0]
    assert r.weeks[1].coverage_min[:7] == (60,) * 6 + (0,)  # the carry-in, counted as week 2's cover
    assert r.weeks[1].paid_hours == 0 and r.weeks[1].shortfall_agent_hours == 0
    assert r.check.ok and r.check.shortfall_agent_hours == 0
    cov = r.coverage.set_index("interval_start")["scheduled"]
    assert cov["2026-03-09T00:00"] == 1 and cov["2026-03-09T05:00"] == 1 and cov["2026-03-09T06:00"] == 0
    # the same roster's cover as the independent checker counts it: week 1's Monday from the assumed week before
    assert r.check.scheduled_min[:6] == (60,) * 6 and r.check.scheduled_min[168:174] == (60,) * 6


def test_a_week_that_is_not_cyclic_does_not_wrap_its_sunday_night():
    # Monday 00-06 only: a cyclic week covers it with its own Sunday 22:00 shift; a later week cannot
    # (22:00 starts only, nothing carried in): the feasibility check names the intervals
    d = _hourly(W2, dict.fromkeys(range(6), 1))
    res = solve_roster(d, NIGHT, CostRates(), REPRO)
    assert [a.tour.days for a in res.agents] == [(False,) * 6 + (True,)]
    with pytest.raises(PlannerInputError, match="cannot cover 6 interval"):
        solve_roster(d, NIGHT, CostRates(), REPRO, cyclic=False)
    # with the previous week's spill carried in it needs nobody
    res = solve_roster(d, NIGHT, CostRates(), REPRO, frozen_min=[60] * 6 + [0] * 162, cyclic=False)
    assert res.agents == () and res.shortfall_agent_hours == 0 and res.objective_fen == 0
