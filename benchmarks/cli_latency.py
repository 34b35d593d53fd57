"""CLI latency: how long a user waits for help and for an error message, and for the demo.

Run from the project root:  python benchmarks/cli_latency.py [--repeats N] [--demo]

Each command runs as ``python -m planner ...`` in a fresh process (interpreter start-up and imports
count, as they do for a user), ``--repeats`` times (default 5); the table shows the median, fastest and
slowest wall time and the exit code against the goal of < 0.5 s for answers that need no work:

- ``planner --help`` and ``planner plan --help``;
- a bad flag: ``planner plan x.toml --bogus`` (exit 2 before any file is read);
- a bad file: ``planner forecast missing.csv --horizon-days 7 --out f.csv`` (exit 2, file not found).

With ``--demo`` it also times one run of ``planner demo --out TMP`` (default settings) against its own
budget of 120 s (see ``benchmarks/demo_pipeline.py`` for the demo step by step).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 0.5
DEMO_BUDGET_S = 120.0

CASES = [
    ("planner --help", ["--help"], 0),
    ("planner plan --help", ["plan", "--help"], 0),
    ("bad flag: plan x.toml --bogus", ["plan", "x.toml", "--bogus"], 2),
    ("bad file: forecast missing.csv", ["forecast", "missing.csv", "--horizon-days", "7", "--out", "f.csv"], 2),
]


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "PLANNER_PROGRESS"}
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return e


def run_once(argv: list[str], cwd: Path) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "planner", *argv], cwd=cwd, env=env(), capture_output=True,
                          text=True, check=False)
    lines = done.stderr.strip().splitlines()
    return time.perf_counter() - t0, done.returncode, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per command (median)")
    parser.add_argument("--demo", action="store_true", help="also time one run of planner demo")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; median of {args.repeats} fresh processes")
    print(f"{'command':<34} {'median':>8} {'min':>7} {'max':>7}  exit  goal < {GOAL_S} s")
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        for label, argv, want in CASES:
            times, codes, last = [], set(), ""
            for _ in range(args.repeats):
                wall, code, last = run_once(argv, cwd)
                times.append(wall)
                codes.add(code)
            med = statistics.median(times)
            ok_code = codes == {want}
            verdict = "ok" if med < GOAL_S and ok_code else "MISSED"
            missed += verdict != "ok"
            code_txt = ",".join(map(str, sorted(codes))) + ("" if ok_code else f" (want {want})")
            print(f"{label:<34} {med:7.2f}s {min(times):6.2f}s {max(times):6.2f}s  {code_txt:<4}  {verdict}")
            if want == 2 and last:
                print(f"{'':<34} stderr: {last[:100]}")
        if args.demo:
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "planner", "demo", "--out", str(cwd / "demo")], cwd=ROOT,
                                  env=env(), capture_output=True, text=True, check=False)
            wall = time.perf_counter() - t0
            verdict = "ok" if done.returncode == 0 and wall < DEMO_BUDGET_S else "MISSED"
            print(f"{'planner demo --out TMP (1 run)':<34} {wall:7.2f}s {'':>7} {'':>7}  {done.returncode:<4}  "
                  f"{verdict} (budget {DEMO_BUDGET_S:.0f} s)")
    print(f"{len(CASES) - missed}/{len(CASES)} quick answers within {GOAL_S} s")


if __name__ == "__main__":
    main()
