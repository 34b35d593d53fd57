"""Scale benchmark (issue 23): plans of synthetic centres of 100 to 5,000 agents, one week, 7x24.

Run from the project root:  python benchmarks/scale.py [--agents 100 500 2000 5000]

Each size is ``planner demo --agents N`` (the shipped 7x24 scenario: voice, chat, email and social on the
built-in sample, its volume scaled to about N agents by :func:`planner.demo.scale_for_agents`) run in its
own process with a fresh cache (``PLANNER_CACHE``: nothing of an earlier run is reused, the forecast and the
risk table are made afresh), so that its peak memory is its own (``ru_maxrss`` of the child). It prints, per
size: the
agents the rosters have, the contacts of the week, the wall time of each step (the plan's ``wall_s``), the
peak memory, the worst team's roster gap to its LP bound, and the ratio of the size's total time to the
smallest size's against the ratio of their agents (the goal: time grows no faster than agents x 1.2 from
500 up). Wall times depend on the machine's load; the figures of one run are indicative, the ratios less so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("forecast_s", "staffing_s", "roster_s", "check_s", "cost_s", "total_s")


def run(agents: int, out: Path) -> dict:
    """One size: the summary of ``planner demo --agents N --json`` with its wall time and peak memory [MB]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "demo", "--agents", str(agents), "--weeks", "10", "--out", str(out),
         "--json"],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PLANNER_PROGRESS": "0", "PLANNER_CACHE": str(out.parent / f"cache{agents}")},
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"--agents {agents}: planner demo failed:\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(proc.stdout)
    summary["_wall"] = wall
    summary["_peak_mb"] = max(peak, before) / 1024  # ru_maxrss is in KiB on Linux: the largest child so far
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agents", type=int, nargs="+", default=[100, 500, 2000, 5000])
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.agents):
            s = run(n, Path(tmp) / f"c{n}")
            teams = s["teams"]
            agents = sum(t["agents"] for t in teams.values())
            gap = max((t.get("gap") or 0.0) for t in teams.values())
            contacts = sum((c.get("forecast_volume") or 0.0) for c in s["channels"].values())
            rows.append((n, agents, contacts, s["wall_s"], s["_peak_mb"], gap, s["_wall"]))
            print(f"asked {n:>5}: {agents:>5} agents, {contacts:>9,.0f} contacts, "
                  + ", ".join(f"{k[:-2]} {s['wall_s'].get(k, float('nan')):.1f}" for k in STEPS)
                  + f" s, peak {s['_peak_mb']:,.0f} MB, worst gap {gap:.1%}, process {s['_wall']:.1f} s", flush=True)
    base = rows[0]
    print("\nagents  contacts  total_s  peak_MB  gap    time ratio  agents ratio")
    for _n, agents, contacts, wall, peak, gap, _ in rows:
        print(f"{agents:>6} {contacts:>9,.0f} {wall['total_s']:>8.1f} {peak:>8,.0f} {gap:>5.1%} "
              f"{wall['total_s'] / base[3]['total_s']:>11.2f} {agents / base[1]:>13.2f}")


if __name__ == "__main__":
    main()
