"""End-to-end demo benchmark: ``planner demo`` with its defaults must finish well under 2 minutes on 2 cores.

Run from the project root:  python benchmarks/demo_pipeline.py [--seed N] [--time-limit-s S] [--progress]

Runs exactly what a user runs, ``planner demo --out DIR --json`` (as ``python -m planner``, in a fresh
process, so interpreter start-up and imports count), and prints the headline figures of the plan and the
wall time of each step from its ``summary.json`` (forecast with auto model choice on the sample history,
staffing, the CP-SAT team rosters, the contract check by simulation/replay) beside the whole process's
wall time (the rest is start-up, the sample history and writing the files), so a slow step or a worse
roster shows up beside the time it took. Target: process total < 120 s (default 20 s per roster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.views import summary_lines  # noqa: E402

BUDGET_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit-s", type=float, default=20.0, help="CP-SAT cap per team and week [s]")
    parser.add_argument("--progress", action="store_true", help="show the CLI's progress lines on stderr")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if args.progress:
        env["PLANNER_PROGRESS"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "planner",
            "demo",
            "--out",
            str(Path(tmp) / "demo"),
            "--json",
            "--seed",
            str(args.seed),
            "--time-limit-s",
            str(args.time_limit_s),
        ]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False)
        process_s = time.perf_counter() - t0
        files = sorted(p.name for p in (Path(tmp) / "demo").iterdir()) if done.returncode == 0 else []
    if done.returncode != 0:
        sys.exit(f"planner demo failed with exit code {done.returncode}")
    summary = json.loads(done.stdout)
    for line in summary_lines(summary):
        print(line)
    print(f"files: {', '.join(files)}")
    print("step                 wall [s]")
    for step, secs in summary["wall_s"].items():
        print(f"{step:<20} {secs:8.2f}")
    print(f"{'process (all)':<20} {process_s:8.2f}")
    print(
        f"target: total < {BUDGET_S:.0f} s -> {'ok' if process_s < BUDGET_S else 'MISSED'} "
        f"({process_s / BUDGET_S:.0%} of the budget)"
    )


if __name__ == "__main__":
    main()
