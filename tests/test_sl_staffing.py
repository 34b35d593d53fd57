"""Tests of planner.sla.staffing: greedy allocation against brute force, the contract measure, the search."""

from __future__ import annotations

import itertools
from datetime import datetime

import numpy as np
import pytest

from planner.errors import PlannerInputError
from planner.queueing import evaluate
from planner.simulation import (
    SimulationResult,
    Workload,
    draw_calls,
    roster_from_staffing,
    simulate_streams,
)
from planner.sla.staffing import (
    ServiceTarget,
    _allocate,
    check_target,
    erlang_requirements,
    paid_hours,
    searchable_sl,
    sl_aware_staffing,
)

MONDAY = datetime(2026, 3, 2)


def _day_shape() -> np.ndarray:
    """48 half-hours: quiet night, a steep ramp at 08:00, a peak at 10:00, an afternoon plateau."""
    h = np.arange(48) / 2
    shape = 2 + 60 * np.exp(-0.5 * ((h - 10) / 1.2) ** 2) + 35 * np.exp(-0.5 * ((h - 15) / 2.5) ** 2)
    shape[(h < 7) | (h >= 22)] = 3
    return shape


def test_greedy_allocation_matches_brute_force():
    """Fewest agents with predicted period SL >= t: greedy marginal analysis equals exhaustive search."""
    calls = np.array([12.0, 80.0, 45.0, 3.0])
    n_range = np.arange(0, 22)
    table = evaluate(calls[:, None], 30, 240.0, 20.0, n_range[None, :].astype(float)).service_level
    load = calls * 240 / 1800
    n_min = np.floor(load).astype(np.int64) + 1
    for t in (0.6, 0.75, 0.8, 0.85, 0.9, 0.95):
        got = _allocate(table, calls, [np.arange(4)], np.array([t]), n_min)
        best = None
        for combo in itertools.product(*[range(n_min[k], 22) for k in range(4)]):
            n = np.array(combo)
            if np.sum(calls * table[np.arange(4), n]) >= t * calls.sum() - 1e-9:
                if best is None or n.sum() < best:
                    best = int(n.sum())
            # combos are enumerated in lexicographic order; no pruning needed at this size
        assert got.sum() == best, t
        assert np.sum(calls * table[np.arange(4), got]) >= t * calls.sum() - 1e-9


def _result_from_counts(offered, within, start=MONDAY, interval_min=60):
    offered = np.asarray(offered, float)
    within = np.asarray(within, float)
    zeros = np.zeros_like(offered)
    w = Workload(start, interval_min, np.ones(offered.shape[1]), 100.0)
    return SimulationResult(
        w, 20.0, offered, within, within, zeros, zeros, zeros, zeros, zeros, zeros, np.ones(offered.shape[1])
    )


def test_check_target_measures_days_the_contract_way():
    # 2 replications x 48 hourly intervals = 2 days; day 2 of replication 1 misses 80 %
    offered = np.full((2, 48), 10.0)
    within = np.full((2, 48), 9.0)
    within[1, 24:] = 7.0
    within[0, 5] = 0.0  # one bad interval on day 1 of replication 0: day SL = (23*9 + 0) / 240 = 0.8625
    res = _result_from_counts(offered, within)
    chk = check_target(res, ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.75, floor=0.5))
    assert chk.labels == ("2026-03-02", "2026-03-03")
    assert chk.share_met.tolist() == [1.0, 0.5]
    assert chk.share_met_all == pytest.approx(0.75)
    assert chk.worst_period_sl == pytest.approx(0.7) and chk.worst_period_label == "2026-03-03"
    assert chk.interval_sl[5] == pytest.approx(0.45) and chk.worst_interval == 5
    assert chk.below_floor.tolist() == [5]
    assert chk.period_ok.tolist() == [True, False] and not chk.met
    mean = check_target(res, ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=None))
    assert mean.period_sl.tolist() == pytest.approx([(23 * 9 + 24 * 9) / 480, (24 * 9 + 24 * 7) / 480])
    assert mean.met


@pytest.fixture(scope="module")
def two_days():
    workload = Workload(MONDAY, 30, np.tile(_day_shape(), 2), 240.0)
    calls = draw_calls(workload, replications=40, seed=1, volume_cv=0.03)
    return workload, calls


def test_daily_chance_constrained_search_meets_its_target(two_days):
    workload, calls = two_days
    target = ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.9, floor=0.5)
    found = sl_aware_staffing(workload, target, calls)
    assert found.met and found.reason == ""
    assert np.all(found.check.share_met >= 0.9)
    assert np.nanmin(found.check.interval_sl) >= 0.5
    assert found.paid_hours == pytest.approx(paid_hours(found.staffing, 30))
    # and it is cheaper than buying the same reliability with a blanket occupancy cap
    capped = erlang_requirements(workload, sl=0.8, answer_s=20, max_occupancy=0.85)
    assert found.paid_hours < paid_hours(capped, 30)


def test_the_interval_floor_protects_the_night(two_days):
    workload, calls = two_days
    no_floor = sl_aware_staffing(workload, ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.9), calls)
    floored = sl_aware_staffing(
        workload, ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.9, floor=0.6), calls
    )
    assert floored.met and np.nanmin(floored.check.interval_sl) >= 0.6
    assert np.nanmin(no_floor.check.interval_sl) < np.nanmin(floored.check.interval_sl)
    assert no_floor.paid_hours <= floored.paid_hours


def test_per_interval_expected_target(two_days):
    workload, calls = two_days
    target = ServiceTarget(sl=0.8, answer_s=20, period="interval", confidence=None)
    found = sl_aware_staffing(workload, target, calls, max_iterations=40)
    assert found.met
    sl = found.check.interval_sl
    assert np.all(sl[np.isfinite(sl)] >= 0.8)


def test_realise_seam_is_what_gets_simulated(two_days):
    workload, calls = two_days

    def one_spare(req):
        return req + 1

    found = sl_aware_staffing(workload, ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.9), calls,
                              realise=one_spare)
    assert np.array_equal(found.staffing, found.requirements + 1)
    assert found.met

    as_roster = sl_aware_staffing(
        workload,
        ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.9),
        calls,
        realise=lambda req: roster_from_staffing(req + 1, 30),
    )
    assert np.array_equal(as_roster.staffing, found.staffing) and as_roster.paid_hours == found.paid_hours
    assert as_roster.roster.n_agents == found.roster.n_agents

    def broken(req):
        return req[:-1]

    with pytest.raises(PlannerInputError):
        sl_aware_staffing(workload, ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.95), calls,
                          realise=broken)


def test_a_target_never_met_is_a_typed_outcome_not_an_exception(two_days):
    workload, calls = two_days
    target = ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.95)
    found = sl_aware_staffing(workload, target, calls, realise=np.zeros_like, max_iterations=3)
    assert not found.met and "no plan met the target within 3 iterations" in found.reason
    assert found.iterations == 3 and found.paid_hours == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(sl=0.0),
        dict(sl=1.5),
        dict(period="fortnight"),
        dict(min_share=1.5),
        dict(floor=1.0),
        dict(answer_s=-5),
        dict(confidence=0.0),
    ],
)
def test_bad_targets_raise(kwargs):
    with pytest.raises(PlannerInputError, match=next(iter(kwargs))):
        ServiceTarget(**kwargs)


@pytest.mark.parametrize("kwargs", [dict(sl=1.0, answer_s=20), dict(answer_s=20), dict(sl=0.8)])
def test_a_search_needs_a_service_level_below_one_and_an_answer_time(kwargs):
    """sl = 1 is a deferred-work target (every item on time); a queue can never answer every call
    within T, so the search refuses it, as it refuses a target without sl or answer_s."""
    with pytest.raises(PlannerInputError, match=r"sl|answer_s"):
        searchable_sl(ServiceTarget(**kwargs))


@pytest.mark.slow
def test_daily_target_out_of_sample_beats_the_occupancy_cap():
    """A week of about 23,000 calls with a day volume CV of 2 %: the SL-aware plan, judged on fresh random
    numbers, meets daily 80/20 on about 95 % of days (>= 94 % asserted: 840 simulated days give a standard
    error near 0.8 %) where plain per-interval Erlang C meets it on about 90 %, with fewer hours than the
    85 % occupancy cap and within 3 % of plain Erlang C (it needs about 2 % fewer here)."""
    level = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6])
    workload = Workload(MONDAY, 30, np.concatenate([4.0 * lv * _day_shape() for lv in level]), 240.0)
    target = ServiceTarget(sl=0.8, answer_s=20, period="day", confidence=0.95, floor=0.5)
    found = sl_aware_staffing(workload, target, draw_calls(workload, replications=50, seed=1, volume_cv=0.02))
    fresh = draw_calls(workload, replications=120, seed=2, volume_cv=0.02)

    def judged(staffing):
        res = simulate_streams(workload, roster_from_staffing(staffing, 30), fresh, answer_s=20)
        return check_target(res, target)

    plain = erlang_requirements(workload, sl=0.8, answer_s=20)
    capped = erlang_requirements(workload, sl=0.8, answer_s=20, max_occupancy=0.85)
    ours = judged(found.staffing)
    assert found.met
    assert ours.share_met_all >= 0.94
    assert judged(plain).share_met_all < ours.share_met_all
    assert found.paid_hours < paid_hours(capped, 30)
    assert found.paid_hours <= 1.03 * paid_hours(plain, 30)
    assert np.nanmin(ours.interval_sl) >= 0.45


def test_cli_sl_staff_writes_requirements_and_json(tmp_path):
    import csv
    import json
    import subprocess
    import sys
    from pathlib import Path

    times = [f"2026-03-02T{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
    fc = tmp_path / "f.csv"
    fc.write_text(
        "interval_start,offered\n" + "".join(f"{t},{c:.2f}\n" for t, c in zip(times, _day_shape(), strict=True))
    )
    out = tmp_path / "req.csv"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "sl-staff",
            str(fc),
            "--aht-s",
            "240",
            "--answer-s",
            "20",
            "--floor-sl",
            "0.5",
            "--sl",
            "0.8",
            "--period",
            "day",
            "--confidence",
            "0.9",
            "--replications",
            "20",
            "--seed",
            "3",
            "--out",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    o = json.loads(run.stdout)
    assert o["met"] and o["share_periods_met"] >= 0.9 and o["worst_interval_sl"] >= 0.5
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 48 and {"interval_start", "channel", "required"} <= set(rows[0])
    assert sum(int(r["required"]) for r in rows) / 2 == pytest.approx(o["paid_hours"])
    bad = subprocess.run(
        [sys.executable, "-m", "planner", "sl-staff", str(fc), "--aht-s", "240", "--answer-s", "20", "--sl", "1.5"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: --sl must be in (0, 1]")
