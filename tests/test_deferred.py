"""Deferred work (email): minimal staffing for working-hours deadlines (planner/deferred.py).

Oracles: a hand-checkable case; an LP over the Hall constraints solved by GLOP (OR-Tools), whose
optimum the greedy must equal; and a FIFO replay that walks time forward independently of the
optimiser. The staffing must meet every deadline in the replay and lose a deadline whenever any
single agent-interval above the floor is removed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from planner.calendar import ChineseCalendar, custom_window, weekday_window, window_7x24
from planner.deferred import deferred_requirements, jobs_from_intervals, replay_fifo
from planner.errors import PlannerInputError

T = dt.datetime
CAL = ChineseCalendar()


def _grid(start: dt.datetime, n: int, interval_min: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=interval_min * k) for k in range(n)]


def _replay(starts, interval_min, agents, work, hours, window, **kw):
    jobs = jobs_from_intervals(starts, interval_min, work, hours, window, CAL)
    return replay_fifo(starts, interval_min, agents, jobs, window, CAL, **kw)


def test_hand_checked_case():
    """Mon 2026-03-02, 60-min intervals, 09-18, 4 working hours, AHT 600 s (6 items per agent-hour).

    12 items arrive 08:00-09:00: released 09:00, due due(08:00, 4 h) = 13:00 -> 2 agent-hours in
    09:00-13:00. 6 items arrive 10:00-11:00: released 11:00, due 14:00 -> 1 more agent-hour in
    11:00-14:00. Total work is 3 agent-hours, so 3 is also a lower bound: the minimum is 3.
    As late as possible: 2 agents at 12:00 and 1 at 13:00.
    """
    starts = _grid(T(2026, 3, 2), 24, 60)
    work = np.zeros(24)
    work[8], work[10] = 12 * 600, 6 * 600
    plan = deferred_requirements(starts, 60, work, 4, weekday_window(), CAL, level=False)
    expected = np.zeros(24, dtype=int)
    expected[12], expected[13] = 2, 1
    np.testing.assert_array_equal(plan.agents, expected)
    assert plan.agent_hours == 3.0
    levelled = deferred_requirements(starts, 60, work, 4, weekday_window(), CAL)
    assert levelled.agent_hours == 3.0 and levelled.agents.max() == 1
    for agents in (plan.agents, levelled.agents):
        r = _replay(starts, 60, agents, work, 4, weekday_window())
        assert r.missed == ()
        assert r.completions[0] <= T(2026, 3, 2, 13) and r.completions[1] <= T(2026, 3, 2, 14)


def _lp_minimum(work, counted, floor, p_of, interval_s):
    """min sum x s.t. x >= floor and, for every v <= t, sum_{u in [v+1, p_t], counted} x_u >= ceil(W[v..t]/c).

    Solved as an LP with GLOP; the constraint matrix has consecutive ones, so the LP optimum is integral.
    """
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    n = len(work)
    x = [solver.NumVar(float(floor[u]), solver.infinity(), f"x{u}") for u in range(n)]
    cum = np.concatenate(([0.0], np.cumsum(work)))
    for t, p in p_of.items():
        for v in range(t + 1):
            need = np.ceil((cum[t + 1] - cum[v]) / interval_s - 1e-9)
            if need > 0:
                row = solver.Constraint(float(need), solver.infinity())
                for u in range(v + 1, p + 1):
                    if counted[u]:
                        row.SetCoefficient(x[u], 1.0)
    objective = solver.Objective()
    for u in range(n):
        if counted[u]:
            objective.SetCoefficient(x[u], 1.0)
    objective.SetMinimization()
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return solver.Objective().Value() + sum(floor[u] for u in range(n) if not counted[u])


@pytest.mark.parametrize("seed", range(6))
def test_greedy_equals_lp_optimum_and_every_unit_is_critical(seed):
    rng = np.random.default_rng(seed)
    interval_min = 30
    starts = _grid(T(2026, 2, 12, 6), 4 * 48, interval_min)  # Thu 06:00 .. Mon: make-up Sat, holiday
    window = [weekday_window(), window_7x24(), custom_window({"mon": "08:00-20:00", "fri": "08:00-20:00",
                                                              "sat": "10:00-16:00"})][seed % 3]
    items = rng.poisson(rng.uniform(0.5, 8), len(starts)).astype(float)
    aht = rng.uniform(120, 600)
    work = items * aht
    hours = float(rng.choice([2, 4, 8]))
    floor = int(seed % 2)
    plan = deferred_requirements(starts, interval_min, work, hours, window, CAL, min_agents=floor, level=False)

    # exact LP oracle over the same horizon
    step = dt.timedelta(minutes=interval_min)
    p_of = {}
    last_counted = np.maximum.accumulate(np.where(plan.counted, np.arange(len(starts)), -1))
    for t in range(len(starts)):
        if work[t] > 0 and plan.deadlines[t] <= starts[-1] + step:
            p_of[t] = int(last_counted[int((plan.deadlines[t] - starts[0]) // step) - 1])
    base = np.where(plan.open_fraction > 0, floor, 0)
    assert plan.agents.sum() == pytest.approx(_lp_minimum(work, plan.counted, base, p_of, interval_min * 60.0))

    levelled = deferred_requirements(starts, interval_min, work, hours, window, CAL, min_agents=floor)
    assert levelled.agents.sum() == plan.agents.sum()
    assert levelled.agents.max() <= plan.agents.max()

    for agents in (plan.agents, levelled.agents):
        assert _replay(starts, interval_min, agents, work, hours, window).missed == ()
        # one agent-interval less anywhere above the floor loses a deadline
        for u in np.flatnonzero(agents > base):
            fewer = agents.copy()
            fewer[u] -= 1
            assert _replay(starts, interval_min, fewer, work, hours, window).missed != (), u


def test_backlog_carried_across_the_spring_festival_and_real_arrivals_are_safe():
    """Email keeps arriving during the 2026 holiday (02-15..02-23); it is answered from 02-24 09:00."""
    interval_min = 30
    starts = _grid(T(2026, 2, 13), 12 * 48, interval_min)  # 02-13 .. 02-24 inclusive
    items = np.full(len(starts), 2.0)
    work = items * 300.0
    win = weekday_window()
    plan = deferred_requirements(starts, interval_min, work, 4, win, CAL)
    assert all(a == 0 for s, a in zip(starts, plan.agents, strict=True) if T(2026, 2, 15) <= s < T(2026, 2, 24))
    r = _replay(starts, interval_min, plan.agents, work, 4, win)
    assert r.missed == ()
    holiday_eve = starts.index(T(2026, 2, 14, 18))
    assert r.backlog_s[starts.index(T(2026, 2, 24, 8, 30))] > r.backlog_s[holiday_eve] > 0
    # the same staffing against items arriving spread inside each interval, each owed due(arrival, 4 h),
    # with capacity counted exactly as open: the model is on the safe side
    real = jobs_from_intervals(starts, interval_min, work, 4, win, CAL, items=items)
    assert replay_fifo(starts, interval_min, plan.agents, real, win, CAL, whole_intervals_only=False).missed == ()


def test_work_due_after_the_horizon_is_carried_out():
    starts = _grid(T(2026, 3, 2, 9), 18, 30)  # Mon 09:00-18:00
    work = np.zeros(18)
    work[-1] = 3600.0  # arrives 17:30, due Tue 12:30
    plan = deferred_requirements(starts, 30, work, 3, weekday_window(), CAL)
    assert plan.carried_out_s == 3600.0 and plan.agents.sum() == 0


def test_floor_inside_the_window_only():
    starts = _grid(T(2026, 3, 2), 48, 30)  # Monday 00:00-24:00
    plan = deferred_requirements(starts, 30, np.zeros(48), 4, weekday_window(), CAL, min_agents=1)
    staffed = [s.strftime("%H:%M") for s, a in zip(starts, plan.agents, strict=True) if a]
    assert staffed[0] == "09:00" and staffed[-1] == "17:30" and len(staffed) == 18
    assert plan.agents.max() == 1


def test_impossible_deadline_is_an_input_error():
    starts = _grid(T(2026, 3, 2, 9), 4, 60)
    with pytest.raises(PlannerInputError, match="cannot be answered by its deadline"):
        deferred_requirements(starts, 60, np.array([600.0, 0, 0, 0]), 0.5, weekday_window(), CAL)
    with pytest.raises(PlannerInputError, match="work must be finite"):
        deferred_requirements(starts, 60, np.array([-1.0, 0, 0, 0]), 4, weekday_window(), CAL)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_levelled_peak_is_the_lowest_among_minimal_plans(seed):
    """CP-SAT oracle: minimise the peak subject to the Hall constraints and the minimal total."""
    from ortools.sat.python import cp_model

    rng = np.random.default_rng(100 + seed)
    interval_min = 30
    starts = _grid(T(2026, 2, 12, 6), 2 * 48, interval_min)
    window = [weekday_window(), window_7x24()][seed % 2]
    work = np.round(rng.poisson(rng.uniform(0.5, 8), len(starts)) * rng.uniform(120, 600))
    hours = float(rng.choice([2, 4, 8]))
    alap = deferred_requirements(starts, interval_min, work, hours, window, CAL, level=False)
    levelled = deferred_requirements(starts, interval_min, work, hours, window, CAL)
    step = dt.timedelta(minutes=interval_min)
    last = np.maximum.accumulate(np.where(alap.counted, np.arange(len(starts)), -1))
    model = cp_model.CpModel()
    top = int(alap.agents.max())
    x = [model.NewIntVar(0, top if alap.counted[u] else 0, f"x{u}") for u in range(len(starts))]
    peak = model.NewIntVar(0, top, "peak")
    cum = np.concatenate(([0.0], np.cumsum(work)))
    for t in range(len(starts)):
        if work[t] > 0 and alap.deadlines[t] <= starts[-1] + step:
            p = int(last[int((alap.deadlines[t] - starts[0]) // step) - 1])
            for v in range(t + 1):
                need = int(np.ceil((cum[t + 1] - cum[v]) / (interval_min * 60) - 1e-9))
                if need > 0:
                    model.Add(sum(x[v + 1 : p + 1]) >= need)
    for xu in x:
        model.Add(xu <= peak)
    model.Add(sum(x) == int(alap.agents.sum()))
    model.Minimize(peak)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    assert levelled.agents.sum() == alap.agents.sum()
    assert levelled.agents.max() == solver.Value(peak)


def test_long_horizon_of_short_intervals_replays_without_rounding_misses():
    """Regression: 8 days of 5-min intervals, 240 s items, 4 h deadlines across the make-up Sunday
    2026-09-20. The Friday-to-Sunday backlog finishes inside one heavily staffed interval; a replay that
    added up float times lost 8 deadlines to rounding here (this seed reproduced it)."""
    rng = np.random.default_rng(4)
    starts = _grid(T(2026, 9, 14), 8 * 288, 5)
    hours = np.array([s.hour + s.minute / 60 for s in starts])
    work = 240.0 * rng.poisson(0.667 * np.exp(-(((hours - 13) / 4) ** 2)) + 0.2)
    win = weekday_window()
    for level in (False, True):
        plan = deferred_requirements(starts, 5, work, 4, win, CAL, level=level)
        assert _replay(starts, 5, plan.agents, work, 4, win).missed == ()
