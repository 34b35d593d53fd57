"""``planner check`` on a month: a synthetic 4-week 7x24 voice roster of about 300 agents.

Run from the project root:  python benchmarks/check_month.py [--agents 300] [--interval-min 30] [--short 0.05]

The forecast is a day profile (night, shoulder, day) scaled so that the requirement needs about the
given head count; the roster is synthesised: each agent works one 9 h shift (1 h unpaid lunch) at a fixed
start, five days a week with two rotating days off, start times spread in proportion to the need. A
share of agents (``--short``) is then left out so that the fix has work to do. Prints the wall time of
each step of :func:`planner.check.check_roster` (staffing, labour check, simulation, fix, re-check) and
the agents, intervals, gaps and added hours. Wall times are indicative only (shared machine).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.check import check_roster
from planner.domain import Schedule
from planner.scenario import parse_scenario

START = pd.Timestamp("2026-03-02")  # a Monday
WEEKS = 4


def scenario(interval_min: int):
    return parse_scenario({
        "version": 2,
        "site": {"name": "check month"},
        "coverage": {"window": "7x24"},
        "staffing": {"shrinkage": 0.3, "interval_min": interval_min},
        "channels": {"voice": {"service_level": 0.8, "answer_s": 20, "sl_period": "day"}},
        "data": {"sample": True},
        "horizon": {"weeks": WEEKS},
        "solver": {"deterministic_time": 5.0, "time_limit_s": 60},
        "check": {"replications": 5, "risk_replications": 20, "confidence_steps": []},
    }, source="check_month")


def forecast(interval_min: int, calls_per_hour_peak: float) -> pd.DataFrame:
    starts = pd.date_range(START, periods=WEEKS * 7 * 24 * 60 // interval_min, freq=f"{interval_min}min")
    hour = starts.hour
    per_hour = np.where((hour >= 9) & (hour < 18), 1.0, np.where((hour >= 7) & (hour < 22), 0.55, 0.12))
    offered = per_hour * calls_per_hour_peak * interval_min / 60
    return pd.DataFrame({"interval_start": starts, "channel": "voice", "offered": offered,
                         "offered_lo": offered * 0.9, "offered_hi": offered * 1.1, "aht_s": 240.0})


def roster(n_agents: int, weights: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Agents on fixed 9 h shifts (lunch after 4 h), starts drawn in proportion to ``weights`` (24 hours)."""
    rng = np.random.default_rng(seed)
    hours = rng.choice(24, size=n_agents, p=weights / weights.sum())
    rows = []
    for i, h in enumerate(hours):
        aid = f"voice-V{i + 1:04d}"
        off = {i % 7, (i + 1) % 7}
        for day in range(WEEKS * 7):
            if day % 7 in off:
                continue
            s = START + pd.Timedelta(days=day, hours=int(h))
            d = f"{s:%Y-%m-%d}"
            for act, a, b in (("work", 0, 4), ("lunch", 4, 5), ("work", 5, 9)):
                rows.append({"agent_id": aid, "date": d, "activity": act,
                             "start": s + pd.Timedelta(hours=a), "end": s + pd.Timedelta(hours=b)})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=300)
    ap.add_argument("--interval-min", type=int, default=30)
    ap.add_argument("--short", type=float, default=0.05, help="share of the agents left out (the fix's work)")
    a = ap.parse_args()
    scen = scenario(a.interval_min)
    # 450 calls an hour at the peak for 300 agents: the synthetic roster is then short in some intervals
    # (its starts are drawn at random), so the fix has work to do
    peak_calls = a.agents / 300 * 450.0
    fc = forecast(a.interval_min, peak_calls)
    weights = np.array([0.12] * 7 + [0.55] * 2 + [1.0] * 9 + [0.55] * 4 + [0.12] * 2)
    weights = np.roll(weights, 4)  # a start covers the 9 hours after it
    sched = roster(round(a.agents * (1 - a.short)), weights)
    t = time.perf_counter()
    result = check_roster(scen, Schedule.of_rows(sched), fc)
    wall = time.perf_counter() - t
    d = result.to_dict()
    n_int = len(result.given.coverage)
    print(f"check of {d['agents']} agents, {WEEKS} weeks, {n_int} intervals of {a.interval_min} min, "
          f"{len(sched)} schedule rows: {wall:.1f} s")
    for step, secs in result.timings_s:
        print(f"  {step:<14} {secs:7.2f} s")
    print(f"  adequate {d['adequate']}; labour violations {len(d['labour'])}; gaps {len(d['gaps'])} intervals, "
          f"{d['missing_agent_hours']:.0f} agent-hours; fix {d['fix']['added_shifts']} shifts, "
          f"{d['fix']['added_agent_hours']:.0f} agent-hours; adequate with the fix {d['recheck_adequate']}")
    for ch, c in d["channels"].items():
        print(f"  {ch}: {c['share_met']:.2f} of days meet {c['target']:g} (worst {c['worst_period']['period']} "
              f"{c['worst_period']['value']:.3f})")


if __name__ == "__main__":
    main()
