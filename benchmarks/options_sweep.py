"""SLA-option sweep: 8 options planned on 1 and on 2 workers (a local process pool), wall times and speed-up.

Run from the project root:  python benchmarks/options_sweep.py [--scenario S.toml] [--cluster local]

The base scenario (default: the shipped weekday contract on its built-in sample) is forecast once; each
of the 8 options (voice targets from 80 % in 60 s to 95 % in 20 s, and the email reply in 4 or 8 working
hours) is a full plan on that forecast: staffing, rosters, the simulation check and the cost. The options
are run in one process (1 worker) and on a pool of 2 (or on a Dask ``LocalCluster`` of 2 with
``--cluster local``). Printed: the wall time of each run, the speed-up against the ideal 2.0 (the share of
the work that runs in parallel, by Amdahl's law), and whether the two tables are identical (they must be:
the jobs are pure and seeded). The process pool's start-up (each worker imports numpy, pandas, OR-Tools and
numba afresh) is part of the parallel wall time, as it is for a user.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OPTIONS = (
    "voice_80_60:channels.voice.service_level=0.8,channels.voice.answer_s=60",
    "voice_80_30:channels.voice.service_level=0.8,channels.voice.answer_s=30",
    "voice_80_20:channels.voice.service_level=0.8,channels.voice.answer_s=20",
    "voice_85_20:channels.voice.service_level=0.85,channels.voice.answer_s=20",
    "voice_90_20:channels.voice.service_level=0.9,channels.voice.answer_s=20",
    "voice_95_20:channels.voice.service_level=0.95,channels.voice.answer_s=20",
    "email_4h:channels.email.first_reply_working_hours=4",
    "email_8h:channels.email.first_reply_working_hours=8",
)


def main() -> None:
    from planner.scenario import load_scenario, option_scenarios, parse_option, read_scenario_data
    from planner.steps import forecast_part
    from planner.sweep import OptionJob, compare, run_options, table, table_lines

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "contract_weekday.toml"))
    parser.add_argument("--cluster", default=None, help="run the 2-worker leg on Dask ('local' or an address)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = load_scenario(args.scenario)
    options = [parse_option(t) for t in OPTIONS]
    scenarios = option_scenarios(read_scenario_data(args.scenario), options, args.scenario,
                                 Path(args.scenario).parent)
    t = time.perf_counter()
    part = forecast_part(base)
    print(f"base forecast ({args.scenario}): {time.perf_counter() - t:.1f} s, shared by {len(options)} options")
    jobs = [OptionJob(o.name, o.label(), s, part) for o, s in zip(options, scenarios, strict=True)]
    walls, tables = {}, {}
    legs = (("1 worker", 1, None), (f"2 workers ({'Dask ' + args.cluster if args.cluster else 'process pool'})",
                                    2, args.cluster))
    for name, workers, cluster in legs:
        t = time.perf_counter()
        rows = compare(run_options(jobs, workers=workers, cluster=cluster))
        walls[name] = time.perf_counter() - t
        tables[name] = table(rows)
        print(f"{name:<28} {walls[name]:7.1f} s")
    (one, w1), (two, w2) = walls.items()
    speedup = w1 / w2
    parallel = 2 * (1 - 1 / speedup) if speedup > 0 else 0.0  # Amdahl: S = 1 / ((1 - p) + p / 2)
    same = tables[one].equals(tables[two])
    print(f"speed-up on 2 workers: {speedup:.2f} (ideal 2.00; parallel share of the work {parallel:.0%})")
    print(f"tables identical on 1 and 2 workers: {'yes' if same else 'NO'}")
    print()
    for line in table_lines(rows):
        print(line)
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
