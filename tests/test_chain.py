"""Multi-week horizons: the checker over N weeks.

Hand-made rosters: week 1 starts Monday 2026-03-02, week 2 Monday 2026-03-09, week 3 Monday 2026-03-16.
Rest limit 11 h (660 min) unless said otherwise.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from planner.scheduling.checker import Limits, check_schedule

W1 = datetime(2026, 3, 2)
W2 = W1 + timedelta(days=7)
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


def test_work_past_the_horizon_end_wraps_to_its_start():
    # Sunday of week 2, 22:00 to 06:00: 2 h at the horizon's end, 6 h at its start (week 1's Monday)
    rep = check(frame(shift("N", "2026-03-15T22:00", 8)))
    cover = rep.scheduled_min
    assert slot("2026-03-15T22:00") == 668
    assert cover[668:672] == (30,) * 4
    assert cover[0:12] == (30,) * 12 and cover[12] == 0
    assert sum(cover[SLOTS_30 : SLOTS_30 + 12]) == 0  # not week 2's Monday
    assert sum(cover) == 8 * 60


def test_need_must_be_whole_weeks():
    with pytest.raises(ValueError, match="whole number of weeks"):
        check_schedule(frame(shift("A", "2026-03-03T09:00", 8)), W1, 30, [0] * (SLOTS_30 + 48), LIM)
