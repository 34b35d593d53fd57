"""End-to-end demo benchmark: ``planner demo`` with its defaults must finish well under 2 minutes on 2 cores.

Run from the project root:  python benchmarks/demo_pipeline.py [--seed N] [--time-limit-s S]

Prints the wall time of each step (sample history, forecast with auto model choice, staffing,
the two CP-SAT team rosters, the voice simulation) and the headline figures of the plan, so a slow
step or a worse roster shows up beside the time it took. Target: total < 120 s (default 20 s per roster).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.pipeline import DemoSettings, run, summary_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit-s", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        s = run(Path(tmp) / "demo", settings=DemoSettings(seed=args.seed, time_limit_s=args.time_limit_s))
        for line in summary_lines(s):
            print(line)
    print("step                 wall [s]")
    for step, secs in s["wall_s"].items():
        print(f"{step:<20} {secs:8.2f}")
    total = s["wall_s"]["total_s"]
    print(f"target: total < 120 s -> {'ok' if total < 120 else 'MISSED'} ({total / 120:.0%} of the budget)")


if __name__ == "__main__":
    main()
