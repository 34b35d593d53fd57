"""Speed of the simulation: a 7x24 week of about 100,000 calls, 50 replications.

Run from the project root: ``python benchmarks/simulate_week.py``. Prints the simulated calls per
second and the wall time, separately for drawing the random calls (numpy) and for the compiled event
loop, on one core (the loop is serial; numba compilation is excluded by a warm-up run and cached).
The target is at least 1,000,000 simulated calls per second per core.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _week import realistic_week

from planner.simulation import draw_calls, roster_from_staffing, simulate_streams
from planner.sla.staffing import erlang_requirements

CALLS_PER_WEEK = 100_000
REPLICATIONS = 50


def main() -> None:
    workload, source = realistic_week(CALLS_PER_WEEK, aht_s=240.0)
    staffing = erlang_requirements(workload, sl=0.8, answer_s=20.0)
    roster = roster_from_staffing(staffing, workload.interval_min)
    # warm-up: compile (or load from numba's cache) on a tiny case
    tiny = draw_calls(workload, replications=1, seed=99)
    simulate_streams(workload, roster, tiny, answer_s=20.0)

    t0 = time.perf_counter()
    calls = draw_calls(workload, replications=REPLICATIONS, seed=1, patience_s=300.0, volume_cv=0.03)
    t1 = time.perf_counter()
    result = simulate_streams(workload, roster, calls, answer_s=20.0)
    t2 = time.perf_counter()
    n = result.calls_simulated
    total = result.summary("total")[0]
    print(
        f"workload: {workload.n_intervals} half-hours from {source}, {workload.calls.sum():,.0f} calls/week "
        f"forecast, {roster.n_agents} agent lines, {roster.work_hours():,.0f} work hours"
    )
    print(f"replications: {REPLICATIONS}, calls simulated: {n:,} ({n / REPLICATIONS:,.0f} per replication)")
    print(f"draw calls (numpy):     {t1 - t0:7.3f} s  {n / (t1 - t0):14,.0f} calls/s")
    print(f"event loop (numba):     {t2 - t1:7.3f} s  {n / (t2 - t1):14,.0f} calls/s")
    print(f"total wall time:        {t2 - t0:7.3f} s  {n / (t2 - t0):14,.0f} simulated calls/s (one core)")
    print(
        f"result: SL {total.service_level:.4f} (95% CI {total.service_level_ci95[0]:.4f}-"
        f"{total.service_level_ci95[1]:.4f}), ASA {total.asa_s:.1f} s, abandoned {total.abandon_rate:.4f}, "
        f"occupancy {total.occupancy:.3f}"
    )
    ok = n / (t2 - t0) >= 1e6
    print(f"target >= 1,000,000 calls/s per core: {'met' if ok else 'NOT met'}")
    np.testing.assert_equal(result.offered.sum(), n)


if __name__ == "__main__":
    main()
