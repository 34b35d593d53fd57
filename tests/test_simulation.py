"""Tests of planner.simulation: queueing theory, an exact event-list oracle, Ciw, and the file boundary."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import needs
from sim_oracles import erlang_a, erlang_c_service_level, event_list_fcfs

from planner.errors import PlannerInputError
from planner.io.simulation import read_forecast, read_schedule
from planner.queueing import evaluate
from planner.simulation import (
    CallDraw,
    CallStreams,
    Workload,
    call_starts,
    draw_calls,
    roster_from_staffing,
    roster_from_windows,
    simulate,
    simulate_streams,
)

ROOT = Path(__file__).resolve().parents[1]
MONDAY = datetime(2026, 3, 2)


def _reference_rows(shared_dir: Path) -> list[dict[str, str]]:
    with open(shared_dir / "reference" / "erlang_published.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---- the oracles themselves agree with the published values -----------------------------------------
def test_erlang_c_oracle_matches_published_values(shared_dir):
    rows = [r for r in _reference_rows(shared_dir) if r["model"] == "erlang-c"]
    assert rows
    for r in rows:
        got = erlang_c_service_level(
            float(r["calls"]),
            float(r["interval_min"]),
            float(r["aht_s"]),
            float(r["answer_s"]),
            int(r["agents"]),
        )
        assert got == pytest.approx(float(r["service_level"]), abs=1e-6), r["case"]


def test_erlang_a_oracle_matches_published_values(shared_dir):
    rows = [r for r in _reference_rows(shared_dir) if r["model"] == "erlang-a"]
    assert len(rows) >= 6
    for r in rows:
        pw, sl, ab = erlang_a(
            float(r["calls"]),
            float(r["interval_min"]),
            float(r["aht_s"]),
            float(r["answer_s"]),
            int(r["agents"]),
            float(r["patience_s"]),
        )
        assert pw == pytest.approx(float(r["wait_probability"]), abs=1e-5), r["case"]
        assert ab == pytest.approx(float(r["abandon_rate"]), abs=1e-5), r["case"]
        if r["service_level"]:
            assert sl == pytest.approx(float(r["service_level"]), abs=1e-6), r["case"]


# ---- stationary runs against Erlang C and Erlang A ----------------------------------------------------
def _stationary(calls, interval_min, aht_s, agents, days):
    n = days * 24 * 60 // interval_min
    workload = Workload(MONDAY, interval_min, np.full(n, float(calls)), float(aht_s))
    return workload, roster_from_staffing(np.full(n, agents), interval_min)


@pytest.mark.parametrize(
    ("calls", "interval_min", "aht_s", "answer_s", "agents", "days"),
    [
        (100, 30, 180, 20, 14, 20),
        (100, 30, 180, 20, 12, 20),
        (1000, 60, 120, 20, 38, 8),
        (25, 10, 180, 20, 10, 18),
    ],
)
def test_mmn_agrees_with_erlang_c(calls, interval_min, aht_s, answer_s, agents, days):
    workload, roster = _stationary(calls, interval_min, aht_s, agents, days)
    res = simulate(workload, roster, answer_s=answer_s, replications=5, seed=11)
    assert res.calls_simulated > 300_000
    total = res.summary("total")[0]
    engine = evaluate(calls, interval_min, aht_s, answer_s, agents, model="erlang-c")
    oracle = erlang_c_service_level(calls, interval_min, aht_s, answer_s, agents)
    assert float(engine.service_level) == pytest.approx(oracle, abs=1e-9)  # project engine = textbook
    assert total.service_level == pytest.approx(float(engine.service_level), abs=0.01)
    assert total.occupancy == pytest.approx(float(engine.occupancy), abs=0.01)
    assert total.asa_s == pytest.approx(float(engine.asa_s), rel=0.05)
    assert total.abandon_rate == 0.0


@pytest.mark.parametrize(
    ("calls", "interval_min", "aht_s", "answer_s", "agents", "patience_s", "days"),
    [(100, 30, 180, 20, 13, 300, 20), (100, 30, 180, 20, 10, 300, 20), (400, 30, 450, 20, 100, 450, 6)],
)
def test_mmn_plus_m_agrees_with_erlang_a(calls, interval_min, aht_s, answer_s, agents, patience_s, days):
    workload, roster = _stationary(calls, interval_min, aht_s, agents, days)
    res = simulate(workload, roster, answer_s=answer_s, patience_s=patience_s, replications=5, seed=7)
    total = res.summary("total")[0]
    _, sl, ab = erlang_a(calls, interval_min, aht_s, answer_s, agents, patience_s)
    engine = evaluate(calls, interval_min, aht_s, answer_s, agents, model="erlang-a", patience_s=patience_s)
    assert float(engine.service_level) == pytest.approx(sl, abs=1e-6)  # project engine = birth-death oracle
    assert float(engine.abandon_rate) == pytest.approx(ab, abs=1e-6)
    assert total.service_level == pytest.approx(float(engine.service_level), abs=0.01)
    assert total.abandon_rate == pytest.approx(float(engine.abandon_rate), abs=0.005)
    assert total.asa_all_s == pytest.approx(float(engine.asa_s), rel=0.05)  # ASA over all callers


def test_erlang_a_reference_case_with_confidence_interval(shared_dir):
    """T6-13 (13 agents, 10 Erlangs, patience 300 s): the published SL lies in the simulated 95 % CI."""
    workload, roster = _stationary(100, 30, 180, 13, 20)
    res = simulate(workload, roster, answer_s=20, patience_s=300, replications=10, seed=3)
    lo, hi = res.summary("total")[0].service_level_ci95
    assert lo - 0.002 <= 0.858178 <= hi + 0.002


# ---- an exact oracle on identical calls -------------------------------------------------------------
def _small_case(seed, patience):
    rng = np.random.default_rng(seed)
    n = 1500
    arrival = np.sort(rng.random(n) * 8 * 3600)
    handle = rng.exponential(240.0, n)
    pat = rng.exponential(patience, n) if patience else np.full(n, np.inf)
    # 7 agents with staggered shifts, breaks and a lunch, no two windows starting together
    windows = []
    for a in range(7):
        s = 600.0 * a + 7.0 * a
        windows.append([(s, s + 7200), (s + 7200 + 900, s + 4 * 3600), (s + 5 * 3600, s + 7.5 * 3600 + 13 * a)])
    return arrival, handle, pat, windows


@pytest.mark.parametrize(("seed", "patience"), [(1, None), (2, 200.0), (3, 60.0)])
def test_compiled_loop_equals_event_list_oracle(seed, patience):
    arrival, handle, pat, windows = _small_case(seed, patience)
    roster = roster_from_windows({f"a{i}": w for i, w in enumerate(windows)})
    workload = Workload(MONDAY, 30, np.full(16, 1.0), 240.0)
    k = (arrival // 1800).astype(np.int64)
    calls = CallStreams(arrival, handle, pat, k, np.array([0, arrival.size]), np.ones((1, 1)))
    got = call_starts(roster, calls, workload)
    want = event_list_fcfs(arrival, handle, pat, windows)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.allclose(got[~np.isnan(got)], want[~np.isnan(want)], rtol=0, atol=1e-9)
    assert np.isnan(want).sum() > 0  # the case does exercise abandonment / unserved calls


def test_shift_end_lets_the_call_in_progress_finish():
    roster = roster_from_windows({"a": [(0.0, 100.0), (200.0, 300.0)]})
    workload = Workload(MONDAY, 5, np.ones(2), 60.0)
    arrival = np.array([90.0, 95.0, 250.0, 299.0])
    handle = np.array([50.0, 10.0, 100.0, 5.0])
    calls = CallStreams(arrival, handle, np.full(4, np.inf), np.array([0, 0, 0, 0]), np.array([0, 4]), np.ones((1, 1)))
    start = call_starts(roster, calls, workload)
    # call 0 runs past the window end (to 140 s); call 1 waits for the agent's next window at 200 s;
    # call 2 starts at 250 s and ends after the last window, so call 3 is never served
    assert start[:3].tolist() == [90.0, 200.0, 250.0]
    assert math.isnan(start[3])


def test_more_agents_never_lengthen_a_wait_with_common_random_numbers():
    """FCFS without abandonment is monotone: with the same calls, one more agent cannot delay any call."""
    workload = Workload(MONDAY, 30, np.r_[np.full(8, 40.0), np.full(8, 120.0), np.full(8, 60.0)], 200.0)
    base = np.r_[np.full(8, 5), np.full(8, 12), np.full(8, 8)]
    calls = draw_calls(workload, replications=1, seed=5)
    wait0 = call_starts(roster_from_staffing(base, 30), calls, workload) - calls.arrival_s
    more = base.copy()
    more[9] += 1
    wait1 = call_starts(roster_from_staffing(more, 30), calls, workload) - calls.arrival_s
    wait0, wait1 = np.nan_to_num(wait0, nan=np.inf), np.nan_to_num(wait1, nan=np.inf)  # nan: never answered
    assert np.all(wait1 <= wait0 + 1e-9)
    assert np.any(wait1 < wait0 - 1e-9)


# ---- Ciw --------------------------------------------------------------------------------------------
def test_agrees_with_ciw_on_time_varying_arrivals_with_abandonment():
    """Ciw 3 (Palmer et al. 2019) and this simulator on M_t/M/6+M: 54 and 108 calls per half-hour in turn."""
    ciw = needs("ciw")
    days, aht_s, patience_s, answer_s, agents = 6, 120.0, 180.0, 20.0, 6
    horizon = days * 86400.0
    within = offered = abandoned = 0
    for s in range(3):
        network = ciw.create_network(
            arrival_distributions=[
                ciw.dists.PoissonIntervals(
                    rates=[54 / 1800, 108 / 1800], endpoints=[1800.0, 3600.0], max_sample_date=horizon
                )
            ],
            service_distributions=[ciw.dists.Exponential(1 / aht_s)],
            reneging_time_distributions=[ciw.dists.Exponential(1 / patience_s)],
            number_of_servers=[agents],
        )
        ciw.seed(100 + s)
        q = ciw.Simulation(network)
        q.simulate_until_max_time(horizon + 4 * 3600)
        recs = [r for r in q.get_all_records() if r.arrival_date < horizon]
        offered += len(recs)
        within += sum(r.record_type == "service" and r.waiting_time <= answer_s for r in recs)
        abandoned += sum(r.record_type == "renege" for r in recs)
    ciw_sl, ciw_ab = within / offered, abandoned / offered
    n = days * 48
    workload = Workload(MONDAY, 30, np.tile([54.0, 108.0], n // 2), aht_s)
    res = simulate(
        workload,
        roster_from_staffing(np.full(n, agents), 30),
        answer_s=answer_s,
        patience_s=patience_s,
        replications=12,
        seed=9,
    )
    total = res.summary("total")[0]
    # both are estimates (about 25,000 Ciw calls, 100,000 of ours): tolerances of about 4 standard errors
    assert total.service_level == pytest.approx(ciw_sl, abs=0.025)
    assert total.abandon_rate == pytest.approx(ciw_ab, abs=0.012)
    assert 0.3 < ciw_sl < 0.9 and ciw_ab > 0.03  # a loaded case, not a trivial one


# ---- reproducibility, uncertainty and periods ---------------------------------------------------------
def test_one_replication_has_no_confidence_interval(tmp_path):
    workload, roster = _stationary(100, 30, 180, 14, 1)
    total = simulate(workload, roster, answer_s=20, replications=1, seed=1).summary("total")[0]
    assert 0 < total.service_level <= 1
    assert all(math.isnan(x) for x in total.service_level_ci95)


def test_same_seed_same_result_other_seed_other_result():
    workload, roster = _stationary(100, 30, 180, 13, 2)
    a = simulate(workload, roster, answer_s=20, patience_s=300, replications=3, seed=42)
    b = simulate(workload, roster, answer_s=20, patience_s=300, replications=3, seed=42)
    c = simulate(workload, roster, answer_s=20, patience_s=300, replications=3, seed=43)
    assert np.array_equal(a.answered_within, b.answered_within)
    assert not np.array_equal(a.answered_within, c.answered_within)


def test_streamed_blocks_give_the_in_memory_figures():
    """Issue 23: simulate() plays its replications in blocks of about ``block_calls`` calls; each replication
    draws from its own seeds, so any block size gives exactly the counts of one in-memory draw
    (draw_calls + simulate_streams over all replications), with patience and a forecast error."""
    from planner.domain import VolumeError

    workload, roster = _stationary(100, 30, 180, 13, 2)
    err = VolumeError(week_log_sd=0.05, day_log_sd=0.03, interval_dispersion=0.01, n_weeks=8)
    calls = draw_calls(workload, replications=7, seed=5, patience_s=300, volume_error=err)
    whole = simulate_streams(workload, roster, calls, answer_s=20)
    for block_calls in (1.0, 3 * 100 * 96, 1e9):  # one replication a block, a few, all in one
        got = simulate(workload, roster, answer_s=20, patience_s=300, replications=7, seed=5, volume_error=err,
                       block_calls=block_calls)
        assert got.replications == 7
        for name in ("offered", "answered", "answered_within", "abandoned", "wait_answered_s", "busy_s",
                     "wait_abandoned_s"):
            np.testing.assert_array_equal(getattr(got, name), getattr(whole, name), err_msg=f"{name} {block_calls}")
    # the streamed draw's day factors are the in-memory draw's, without drawing a call
    np.testing.assert_array_equal(CallDraw(workload, 7, seed=5, patience_s=300, volume_error=err).day_factor,
                                  calls.day_factor)
    cv = draw_calls(workload, replications=3, seed=5, volume_cv=0.1)
    np.testing.assert_array_equal(CallDraw(workload, 3, seed=5, volume_cv=0.1).day_factor, cv.day_factor)


def test_a_centre_larger_than_one_draw_is_simulated_in_blocks():
    """127,000 calls a week x 200 replications (the bank of issue 23) is more than one draw holds; simulate()
    streams it. Shown on one busy day at 6 x the per-replication volume so the test stays quick: 20
    replications of 1.1 million calls, 22 million in all, above the single-draw cap of 2e7."""
    from planner.simulation import MAX_SIMULATED_CALLS

    n = 24
    calls = np.full(n, 1.1e6 / n)
    workload = Workload(MONDAY, 60, calls, np.full(n, 3.0))
    assert calls.sum() * 20 > MAX_SIMULATED_CALLS
    with pytest.raises(PlannerInputError, match="more than one draw holds"):
        draw_calls(workload, replications=20, seed=1)
    res = simulate(workload, roster_from_staffing(np.full(n, 1000), 60), answer_s=20, replications=20, seed=1)
    assert res.replications == 20 and res.offered.sum() == pytest.approx(20 * calls.sum(), rel=1e-3)


def test_day_volume_uncertainty_widens_the_daily_spread():
    workload, roster = _stationary(100, 30, 180, 14, 7)
    calm = simulate(workload, roster, answer_s=20, replications=20, seed=1)
    rough = simulate(workload, roster, answer_s=20, replications=20, seed=1, volume_cv=0.1)
    _, sl_calm = calm.service_level_reps("day")
    _, sl_rough = rough.service_level_reps("day")
    assert np.std(sl_rough) > 2 * np.std(sl_calm)
    f = draw_calls(workload, replications=200, seed=2, volume_cv=0.1).day_factor
    assert f.mean() == pytest.approx(1.0, abs=0.01)
    assert f.std() == pytest.approx(0.1, abs=0.01)


def test_lognormal_handle_times_have_the_requested_mean_and_cv():
    workload = Workload(MONDAY, 30, np.full(48, 2000.0), 300.0)
    c = draw_calls(workload, replications=1, seed=3, handle_time="lognormal", handle_cv=0.6)
    assert c.handle_s.mean() == pytest.approx(300.0, rel=0.01)
    assert c.handle_s.std() / c.handle_s.mean() == pytest.approx(0.6, rel=0.03)


def test_periods_add_up():
    workload = Workload(datetime(2026, 3, 30), 60, np.full(24 * 4, 50.0), 180.0)  # Mon 30 Mar - Thu 2 Apr
    res = simulate(workload, roster_from_staffing(np.full(96, 4), 60), answer_s=20, replications=2, seed=1)
    days = res.summary("day")
    months = res.summary("month")
    assert [d.label for d in days] == ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02"]
    assert [m.label for m in months] == ["2026-03", "2026-04"]
    assert sum(d.offered for d in days) == pytest.approx(res.summary("total")[0].offered)
    labels, sums = res.group_sums("week")
    assert labels == ["2026-W14"]
    assert sums["offered"].sum() == res.calls_simulated
    occ = res.summary("total")[0].occupancy
    assert occ == pytest.approx(50 * 180 / 3600 / 4, abs=0.03)


# ---- the file boundary and the CLI ------------------------------------------------------------------
def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_schedule_reader_respects_breaks_overnight_and_the_weekly_cycle(tmp_path):
    idx = [f"2026-03-{2 + d:02d}T{h:02d}:{m:02d}" for d in range(7) for h in range(24) for m in (0, 30)]
    fc = _write(tmp_path / "f.csv", "interval_start,offered\n" + "".join(f"{t},10\n" for t in idx))
    sched = _write(
        tmp_path / "s.csv",
        "agent_id,date,activity,start,end\n"
        "A,2026-03-02,work,2026-03-02T09:00,2026-03-02T12:00\n"
        "A,2026-03-02,lunch,2026-03-02T12:00,2026-03-02T13:00\n"
        "A,2026-03-02,work,2026-03-02T13:00,2026-03-02T18:00\n"
        "N,2026-03-08,work,2026-03-08T22:00,2026-03-09T06:00\n",
    )
    workload = read_forecast(fc, aht_s=180)
    roster = read_schedule(sched, workload)
    staffed = roster.staffed_s(workload.interval_s, workload.n_intervals) / workload.interval_s
    assert staffed[18:24].tolist() == [1.0] * 6 and staffed[24:26].tolist() == [0.0, 0.0]
    assert staffed[:12].tolist() == [1.0] * 12  # Sunday night's shift covers Monday 00:00-06:00
    assert staffed[-4:].tolist() == [1.0] * 4
    assert roster.work_hours() == pytest.approx(16.0)


def test_schedule_reader_ignores_other_weeks_and_rejects_a_wrap_onto_own_work(tmp_path):
    idx = [f"2026-03-{2 + d:02d}T{h:02d}:{m:02d}" for d in range(7) for h in range(24) for m in (0, 30)]
    fc = _write(tmp_path / "f.csv", "interval_start,offered\n" + "".join(f"{t},10\n" for t in idx))
    workload = read_forecast(fc, aht_s=180)
    other_week = _write(
        tmp_path / "s.csv",
        "agent_id,date,activity,start,end\n"
        "A,2026-03-02,work,2026-03-02T09:00,2026-03-02T17:00\n"
        "A,2026-03-09,work,2026-03-09T09:00,2026-03-09T17:00\n",
    )
    assert read_schedule(other_week, workload).work_hours() == pytest.approx(8.0)
    clash = _write(
        tmp_path / "c.csv",
        "agent_id,date,activity,start,end\n"
        "A,2026-03-02,work,2026-03-02T05:00,2026-03-02T13:00\n"
        "A,2026-03-08,work,2026-03-08T22:00,2026-03-09T06:00\n",
    )
    with pytest.raises(PlannerInputError, match="wraps past the end of the week"):
        read_schedule(clash, workload)


def test_forecast_reader_filters_voice_and_takes_interval_aht(tmp_path):
    fc = _write(
        tmp_path / "f.csv",
        "interval_start,channel,offered,aht_s\n"
        "2026-03-02T09:00,voice,10,200\n2026-03-02T09:00,chat,99,\n2026-03-02T09:30,voice,12,\n",
    )
    said = []
    w = read_forecast(fc, aht_s=180, warn=said.append)
    # the flag overrides the file's handle time everywhere, and says so
    assert w.calls.tolist() == [10.0, 12.0] and w.aht_s.tolist() == [180.0, 180.0] and w.interval_min == 30
    assert len(said) == 1 and "--aht-s 180 overrides" in said[0]
    # without the flag the forecast's own aht_s is used, and an interval with calls but none is refused
    with pytest.raises(PlannerInputError, match="row 4: no aht_s"):
        read_forecast(fc, aht_s=None)
    full = _write(tmp_path / "g.csv", "interval_start,offered,aht_s\n2026-03-02T09:00,10,200\n2026-03-02T09:30,0,\n")
    assert read_forecast(full, aht_s=None).aht_s.tolist()[0] == 200.0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("interval_start,calls\n2026-03-02T00:00,5\n", "missing column"),
        ("interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,-3\n", "row 3"),
        ("interval_start,offered\n2026-03-02T00:00,5\nyesterday,3\n", "row 3"),
        ("interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:00,3\n", "duplicate"),
        ("interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,5\n2026-03-02T01:30,5\n", "gap"),
        ("interval_start,offered\n2026-03-02T00:00,five\n", "not a number"),
    ],
)
def test_bad_forecast_raises_one_line_naming_the_problem(tmp_path, text, needle):
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(PlannerInputError) as err:
        read_forecast(path, aht_s=180)
    msg = str(err.value)
    assert needle in msg and "bad.csv" in msg and "\n" not in msg


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("A,2026-03-02,nap,2026-03-02T09:00,2026-03-02T10:00", "activity"),
        ("A,2026-03-02,work,2026-03-02T10:00,2026-03-02T09:00", "not after"),
        ("A,2026-03-02,work,2026-03-02 nine,2026-03-02T10:00", "start"),
        ("A,2026-03-02,work,2026-03-02T09:30,2026-03-02T11:00", "overlaps"),
        ("A,Monday,work,2026-03-02T11:00,2026-03-02T12:00", "date"),
    ],
)
def test_bad_schedule_raises_one_line_naming_the_row(tmp_path, row, needle):
    fc = _write(tmp_path / "f.csv", "interval_start,offered\n2026-03-02T09:00,5\n2026-03-02T09:30,5\n")
    sched = _write(
        tmp_path / "s.csv",
        "agent_id,date,activity,start,end\nA,2026-03-02,work,2026-03-02T09:00,2026-03-02T10:00\n" + row + "\n",
    )
    with pytest.raises(PlannerInputError) as err:
        read_schedule(sched, read_forecast(fc, aht_s=180))
    assert needle in str(err.value) and "row 3" in str(err.value)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_simulate_json_and_interval_csv(tmp_path):
    idx = [f"2026-03-02T{h:02d}:{m:02d}" for h in range(8, 12) for m in (0, 30)]
    fc = _write(tmp_path / "f.csv", "interval_start,channel,offered\n" + "".join(f"{t},voice,100\n" for t in idx))
    sched = _write(
        tmp_path / "s.csv",
        "agent_id,date,activity,start,end\n"
        + "".join(f"A{i},2026-03-02,work,2026-03-02T08:00,2026-03-02T12:00\n" for i in range(14)),
    )
    out = tmp_path / "iv.csv"
    run = _cli(
        "simulate",
        "--schedule",
        str(sched),
        "--forecast",
        str(fc),
        "--aht-s",
        "180",
        "--answer-s",
        "20",
        "--replications",
        "4",
        "--seed",
        "5",
        "--json",
        "--out",
        str(out),
    )
    assert run.returncode == 0, run.stderr
    o = json.loads(run.stdout)
    assert {
        "service_level",
        "service_level_ci95",
        "asa_s",
        "abandon_rate",
        "calls_simulated",
        "per_day",
    } <= set(o)
    lo, hi = o["service_level_ci95"]
    assert lo <= o["service_level"] <= hi
    assert o["per_day"][0]["date"] == "2026-03-02" and 0.5 < o["per_day"][0]["service_level"] <= 1
    with open(out, encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 8
    again = _cli(
        "simulate",
        "--schedule",
        str(sched),
        "--forecast",
        str(fc),
        "--aht-s",
        "180",
        "--answer-s",
        "20",
        "--replications",
        "4",
        "--seed",
        "5",
        "--json",
    )
    assert json.loads(again.stdout)["service_level"] == o["service_level"]


def test_cli_bad_input_exits_2_with_one_line(tmp_path):
    fc = _write(tmp_path / "f.csv", "interval_start,offered\n2026-03-02T09:00,-5\n")
    sched = _write(
        tmp_path / "s.csv",
        "agent_id,date,activity,start,end\nA,2026-03-02,work,2026-03-02T09:00,2026-03-02T10:00\n",
    )
    run = _cli("simulate", "--schedule", str(sched), "--forecast", str(fc), "--aht-s", "180", "--answer-s", "20")
    assert run.returncode == 2
    assert run.stderr.startswith("error: ") and "f.csv" in run.stderr and run.stderr.count("\n") == 1
    assert "Traceback" not in run.stderr
    run = _cli(
        "simulate",
        "--schedule",
        str(tmp_path / "none.csv"),
        "--forecast",
        str(fc),
        "--aht-s",
        "180",
        "--answer-s",
        "20",
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_simulate_streams_rejects_negative_answer_time():
    workload, roster = _stationary(10, 30, 180, 2, 1)
    calls = draw_calls(workload, replications=1, seed=0)
    with pytest.raises(PlannerInputError):
        simulate_streams(workload, roster, calls, answer_s=-1)


def test_cli_day_without_calls_reports_null_not_a_crash(tmp_path):
    idx = [f"2026-03-0{2 + d}T{h:02d}:{m:02d}" for d in range(2) for h in range(24) for m in (0, 30)]
    fc = _write(
        tmp_path / "f.csv",
        "interval_start,offered\n" + "".join(f"{t},{0 if i < 48 else 10}\n" for i, t in enumerate(idx)),
    )
    sched = _write(
        tmp_path / "s.csv",
        "agent_id,date,activity,start,end\n"
        "A,2026-03-03,work,2026-03-03T00:00,2026-03-04T00:00\n"
        "B,2026-03-03,work,2026-03-03T00:00,2026-03-04T00:00\n",
    )
    args = ("simulate", "--schedule", str(sched), "--forecast", str(fc), "--aht-s", "180", "--answer-s", "20")
    run = _cli(*args, "--json")
    assert run.returncode == 0, run.stderr
    days = json.loads(run.stdout)["per_day"]
    assert days[0]["service_level"] is None and days[1]["service_level"] > 0.5
    text = _cli(*args)
    assert text.returncode == 0 and "2026-03-02  SL n/a" in text.stdout


def test_service_level_interval_stays_inside_0_1():
    from planner.simulation import _t_interval

    lo, hi = _t_interval(np.array([1.0, 1.0, 0.99, 1.0, 1.0]))
    assert 0.0 <= lo < 1.0 and hi == 1.0
