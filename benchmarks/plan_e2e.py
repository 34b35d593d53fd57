"""End-to-end plan benchmark: the 7x24 scenario through ``planner.pipeline.plan`` and ``write``, 1 and 4 weeks.

Run from the project root:  python benchmarks/plan_e2e.py [--weeks 1 4] [--seed N] [--time-limit-s S]

Measures the wall time of each stage of one plan (forecast, staffing, roster, check and their total:
the ``timings_s`` of :class:`planner.plan.Plan`) and the time :func:`planner.io.plan.write` takes
to write its files, for scenarios/contract_7x24.toml planned on the built-in sample history (when the
file has no [data]) with a 1-week and a 4-week horizon. Solver settings default to those of
``planner demo`` (one CP-SAT worker stopped on deterministic time <= 5, 20 s cap per team and week), so
the rosters are reproducible. Beside the times it prints, per team, the agents, paid hours and the gap
to the LP bound, and per channel the share of the contract's periods that meet the target. Wall times
are indicative only (shared machine).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.io.plan import write
from planner.pipeline import plan
from planner.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "contract_7x24.toml"
STAGES = ("forecast_s", "staffing_s", "roster_s", "check_s", "total_s")


def scenario_for(weeks: int, args: argparse.Namespace):
    """The 7x24 scenario on the sample data (if it names none), ``weeks`` long, with the benchmark's solver."""
    scen = load_scenario(args.scenario)
    data = scen.data
    if not data.history and data.forecast is None and not data.sample:
        data = replace(data, sample=True, sample_weeks=args.sample_weeks)
    solver = replace(
        scen.solver,
        seed=args.seed,
        time_limit_s=args.time_limit_s,
        workers=args.workers,
        deterministic_time=args.deterministic_time,
    )
    return replace(scen, data=data, horizon=replace(scen.horizon, weeks=weeks), solver=solver)


def run(weeks: int, args: argparse.Namespace) -> tuple[dict[str, float], list[str]]:
    """Plan and write once; returns the stage times and the per-team / per-channel lines."""
    p = plan(scenario_for(weeks, args))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write(p, Path(tmp) / "plan")
        write_s = time.perf_counter() - t0
    times = {**dict(p.timings_s), "write_s": write_s}
    lines = [f"{weeks} week(s) from {p.start}, {p.interval_min}-min intervals"]
    lines.append(f"  {'team':<10} {'channels':<22} {'agents':>6} {'paid h':>9} {'gap':>7}  status")
    for r in p.rosters:
        s = r.summary()
        gap = "n/a" if s["gap"] is None else f"{s['gap']:.1%}"
        lines.append(
            f"  {r.team:<10} {','.join(s['channels']):<22} {s['agents']:>6} {s['paid_hours']:>9.1f} {gap:>7}  "
            f"{s['status']}"
        )
    lines.append(f"  {'channel':<10} {'measure':<22} {'period':>6} {'target':>9} {'met':>7}  contract")
    for c in p.service:
        lines.append(
            f"  {c.channel:<10} {c.measure:<22} {c.period:>6} {c.target:>9.3g} {c.share_met:>7.1%}  "
            f"{'met' if c.met else 'NOT met'} (needs {c.min_share:.0%} of periods)"
        )
    for w in p.warnings:
        lines.append(f"  warning: {w}")
    return times, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, nargs="+", default=[1, 4], help="horizons to plan [weeks]")
    parser.add_argument("--scenario", default=str(SCENARIO))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit-s", type=float, default=20.0, help="CP-SAT cap per team and week [s]")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--deterministic-time", type=float, default=5.0)
    parser.add_argument("--sample-weeks", type=int, default=10, help="weeks of sample history")
    parser.add_argument("--quiet", action="store_true", help="times only, no team/channel figures")
    args = parser.parse_args()

    results = {}
    for weeks in args.weeks:
        times, lines = run(weeks, args)
        results[weeks] = times
        if not args.quiet:
            print("\n".join(lines))
    cols = (*STAGES, "write_s")
    print(f"{'weeks':>5} " + " ".join(f"{c:>11}" for c in cols) + "   [wall s]")
    for weeks, times in results.items():
        print(f"{weeks:>5} " + " ".join(f"{times[c]:>11.2f}" for c in cols))


if __name__ == "__main__":
    main()
