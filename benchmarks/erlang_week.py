"""Benchmark: a week of quarter-hour staffing with our Erlang C engine against pyworkforce.

One week of 672 quarter-hour intervals (a realistic Chinese contact-centre shape: morning and afternoon
peaks, quieter weekends, a few calls at night; a few to 2,000 calls per interval), fewest agents for
80 % answered within 20 s, maximum occupancy 0.85, shrinkage 0.30. Both engines get the same inputs in
the same run. Prints each engine's median wall time, the speed ratio, how many intervals agree, and for
every disagreement which engine is right, judged from the definition (is the answer minus one agent
already enough?) with our exact evaluation, itself checked against 60-digit arithmetic in the tests.
Then one interval at 20,000 Erlangs.

Run: python benchmarks/erlang_week.py [--repeats N]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from fractions import Fraction

import numpy as np

from planner import queueing as q

INTERVAL_MIN, AHT_S, ANSWER_S, SL, MAX_OCC, SHRINKAGE = 15, 240.0, 20.0, 0.80, 0.85, 0.30


def week_volumes(seed: int = 2026) -> np.ndarray:
    """672 quarter-hour call counts: intraday double peak x weekday factor x Poisson noise, >= 1."""
    rng = np.random.default_rng(seed)
    hours = np.arange(96) / 4
    shape = (0.004 + np.exp(-((hours - 10.5) / 1.6) ** 2) + 0.85 * np.exp(-((hours - 15.0) / 2.0) ** 2)
             + 0.25 * np.exp(-((hours - 20.5) / 1.5) ** 2))
    day_factor = np.array([1.0, 0.93, 0.9, 0.88, 0.95, 0.45, 0.35])
    mean = np.concatenate([2000 / shape.max() * shape * f for f in day_factor])
    return np.maximum(rng.poisson(mean), 1).astype(float)


def timed(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def ours(calls: np.ndarray):
    r = q.required_agents(calls, INTERVAL_MIN, AHT_S, ANSWER_S, sl_target=SL, max_occupancy=MAX_OCC)
    return r.agents, q.scheduled_agents(r.agents, SHRINKAGE)


def peer(calls: np.ndarray):
    from pyworkforce.queuing import ErlangC

    raw, sched = [], []
    for c in calls:
        e = ErlangC(transactions=float(c), aht=AHT_S / 60, asa=ANSWER_S / 60, interval=INTERVAL_MIN,
                    shrinkage=SHRINKAGE)
        r = e.required_positions(service_level=SL, max_occupancy=MAX_OCC)
        raw.append(r["raw_positions"])
        sched.append(r["positions"])
    return np.array(raw), np.array(sched)


def meets(calls: float, n: int) -> bool:
    m = q.evaluate(calls, INTERVAL_MIN, AHT_S, ANSWER_S, n)
    # occupancy in exact rationals (244.8 Erlangs on 288 agents is exactly 85 %)
    occupancy = Fraction(str(calls)) * Fraction(str(AHT_S)) / (INTERVAL_MIN * 60) / n
    return n > float(m.load_erl) and float(m.service_level) >= SL and occupancy <= Fraction(str(MAX_OCC))


def exact_scheduled(n: int) -> int:
    return math.ceil(Fraction(n) / (1 - Fraction(str(SHRINKAGE))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    calls = week_volumes()
    load = calls * AHT_S / (INTERVAL_MIN * 60)
    print(f"week: {calls.size} intervals of {INTERVAL_MIN} min, {int(calls.sum()):,} calls, "
          f"{calls.min():.0f}-{calls.max():.0f} calls per interval, load up to {load.max():.0f} Erlangs; "
          f"target {SL:.0%}/{ANSWER_S:.0f}s, max occupancy {MAX_OCC}, shrinkage {SHRINKAGE}")
    ours(calls[:10])  # warm-up (imports)
    t_ours, (a_ours, s_ours) = timed(lambda: ours(calls), max(args.repeats * 4, 10))
    t_peer, (a_peer, s_peer) = timed(lambda: peer(calls), args.repeats)
    print(f"ours        median {t_ours * 1000:9.1f} ms")
    print(f"pyworkforce median {t_peer * 1000:9.1f} ms")
    print(f"speed-up    {t_peer / t_ours:9.1f}x  (target >= 10x)")

    agree = int(np.sum(a_ours == a_peer))
    print(f"productive agents: {agree}/{calls.size} intervals agree")
    peer_wrong = ours_wrong = 0
    for i in np.flatnonzero(a_ours != a_peer):
        o, p = int(a_ours[i]), int(a_peer[i])
        o_ok = meets(calls[i], o) and not meets(calls[i], o - 1)
        p_ok = meets(calls[i], p) and not meets(calls[i], p - 1)
        peer_wrong += not p_ok
        ours_wrong += not o_ok
        if i == np.flatnonzero(a_ours != a_peer)[0] or not o_ok:
            print(f"  interval {i}: {calls[i]:.0f} calls, load {load[i]:.2f} Erl: ours {o} "
                  f"({'fewest that meet the target' if o_ok else 'WRONG'}), pyworkforce {p} "
                  f"({'right' if p_ok else f'not the fewest: {o} already meet it'})")
    print(f"  disagreements where pyworkforce is wrong: {peer_wrong}; where ours is wrong: {ours_wrong}")
    exact = np.array([exact_scheduled(int(n)) for n in a_ours])
    print(f"scheduled agents (after shrinkage): {int(np.sum(s_ours == s_peer))}/{calls.size} agree; "
          f"ours equal exact rational ceil(n / 0.7) in {int(np.sum(s_ours == exact))}/{calls.size}; "
          f"pyworkforce in {int(np.sum(s_peer == np.array([exact_scheduled(int(n)) for n in a_peer])))}"
          f"/{calls.size} (float ceil: 14 / 0.7 = 20.000000000000004 -> 21)")

    calls_20k = 20_000 * INTERVAL_MIN * 60 / AHT_S
    t_big, r = timed(lambda: q.required_agents(calls_20k, INTERVAL_MIN, AHT_S, ANSWER_S, sl_target=SL), 11)
    print(f"one interval at 20,000 Erlangs: {int(r.agents):,} agents in {t_big * 1000:.2f} ms (target < 50 ms)")
    t_big_a, ra = timed(lambda: q.required_agents(calls_20k, INTERVAL_MIN, AHT_S, ANSWER_S, sl_target=SL,
                                                  model="erlang-a", patience_s=300), 11)
    print(f"  Erlang A (patience 300 s): {int(ra.agents):,} agents in {t_big_a * 1000:.2f} ms")


if __name__ == "__main__":
    main()
