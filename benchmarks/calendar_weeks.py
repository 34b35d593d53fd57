"""Rosters on the Chinese calendar (issue 21): the weekday and 7x24 contracts over holiday and ordinary weeks.

Run from the project root:  python benchmarks/calendar_weeks.py [--quick] [--contracts weekday 7x24]
                            [--horizons ordinary national-day spring-festival labour-day ordinary-4w]

Plans ``scenarios/contract_weekday.toml`` (Mon-Fri 09:00-18:00, closed on statutory holidays and their
bridged days off, open on make-up days) and ``scenarios/contract_7x24.toml`` on the built-in sample history
over five horizons: an ordinary week (Mon 2026-03-16), the National Day fortnight (Mon 2026-09-28: 1-7 Oct
off, 1-3 Oct statutory, Sat 10 Oct a make-up day), the Spring Festival fortnight (Mon 2027-02-01: 5-10 Feb
off, 5-8 statutory; 2027 dates are the holidays package's estimate), the Labour Day week (Mon 2027-04-26:
1-2 May statutory) and four ordinary weeks (Mon 2026-03-02 to Sun 2026-03-29, no holiday).

Printed per horizon and team:
  * paid/req: paid hours (work, paid breaks, training) over required agent-hours (the roster summary's
    ``paid_over_required``);
  * idle: paid agent-hours in intervals whose requirement is 0 over paid hours (from the roster's coverage
    frame: ``scheduled`` x interval_min / 60 where ``required`` is 0);
  * gap, bound, objective: the roster's gap to its LP bound (``gap``, ``lower_bound_fen``,
    ``objective_fen``);
  * closed h: paid hours outside the team's coverage window on the Chinese calendar, counted here from the
    schedule rows split at midnight (the channels' windows, ``CoverageWindow.spans``), and in brackets what
    the plan reports (``summary()["teams"][team]["closed_paid_hours"]``; ``-`` when it reports nothing);
  * hol h: paid hours on statutory holidays (by calendar date);
  * wall: the plan's total wall time and its roster step [s].
Default: the sample at full volume, 30-min intervals, one CP-SAT worker stopped on deterministic time 5
(reproducible). ``--quick``: a quarter of the volume, hourly intervals, deterministic time 1, few
simulation replications (about 3 to 4 minutes in all on 2 cores). Wall times are indicative only (shared
machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.pipeline import plan
from planner.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = {"weekday": "contract_weekday", "7x24": "contract_7x24"}
HORIZONS = {  # name: (first Monday, weeks)
    "ordinary": (dt.date(2026, 3, 16), 1),
    "national-day": (dt.date(2026, 9, 28), 2),
    "spring-festival": (dt.date(2027, 2, 1), 2),
    "labour-day": (dt.date(2027, 4, 26), 1),
    "ordinary-4w": (dt.date(2026, 3, 2), 4),
}
PAID = ("work", "break", "training")


def scenario_for(contract: str, horizon: str, args: argparse.Namespace):
    """The shipped contract on the sample, over the horizon, with the benchmark's solver and check."""
    start, weeks = HORIZONS[horizon]
    data = tomllib.loads((ROOT / "scenarios" / f"{CONTRACTS[contract]}.toml").read_text(encoding="utf-8"))
    data["data"] = {"sample": True, "sample_weeks": args.sample_weeks, "sample_scale": args.scale}
    data["horizon"] = {"start": start, "weeks": weeks}
    if args.interval_min:
        data.setdefault("staffing", {})["interval_min"] = args.interval_min
    data["solver"] = {"deterministic_time": args.deterministic_time, "time_limit_s": args.time_limit_s,
                      "workers": args.workers, "seed": args.seed}
    if args.quick:
        data["forecast"] = {"backtest_weeks": 1}
        data["check"] = {"replications": 2, "risk_replications": 20, "confidence_steps": []}
    return parse_scenario(data, source=f"{CONTRACTS[contract]}.toml [{horizon}]")


def paid_by_day(schedule: pd.DataFrame) -> list[tuple[dt.date, int, int]]:
    """Paid rows split at midnight: (calendar date, start minute, end minute)."""
    out = []
    paid = schedule[schedule["activity"].isin(PAID)]
    for start, end in zip(paid["start"], paid["end"], strict=True):
        a, b = pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()
        while a < b:
            cut = min(b, dt.datetime.combine(a.date() + dt.timedelta(days=1), dt.time()))
            lo = a.hour * 60 + a.minute
            out.append((a.date(), lo, lo + int((cut - a).total_seconds() // 60)))
            a = cut
    return out


def closed_and_holiday_h(p, roster) -> tuple[float, float]:
    """Paid hours outside every window of the team's channels, and paid hours on statutory holidays."""
    scen, cal = p.scenario, p.scenario.calendar
    windows = [scen.channel(c).window for c in roster.channels]
    spans: dict[dt.date, list[tuple[int, int]]] = {}
    closed = holiday = 0
    for day, lo, hi in paid_by_day(roster.schedule.frame):
        if day not in spans:
            spans[day] = [s for w in windows for s in w.spans(day, cal)]
        minute_open = [any(a <= m < b for a, b in spans[day]) for m in range(lo, hi)]
        closed += minute_open.count(False)
        if cal.is_statutory_holiday(day):
            holiday += hi - lo
    return closed / 60, holiday / 60


def idle_share(roster, paid_h: float, interval_min: int) -> float:
    cov = roster.coverage
    idle = float(cov.loc[cov["required"] <= 0, "scheduled"].sum()) * interval_min / 60
    return idle / paid_h if paid_h > 0 else float("nan")


def run(contract: str, horizon: str, args: argparse.Namespace) -> list[str]:
    t0 = time.perf_counter()
    p = plan(scenario_for(contract, horizon, args))
    wall = time.perf_counter() - t0
    roster_s = dict(p.timings_s).get("roster_s", float("nan"))
    teams = p.summary()["teams"]
    start, weeks = HORIZONS[horizon]
    lines = []
    for r in p.rosters:
        s = r.summary()
        closed_h, hol_h = closed_and_holiday_h(p, r)
        reported = teams[r.team].get("closed_paid_hours")
        gap = "n/a" if s["gap"] is None else f"{s['gap']:.1%}"
        lb = "n/a" if s["lower_bound_fen"] is None else f"{s['lower_bound_fen'] / 100:,.0f}"
        obj = "n/a" if s["objective_fen"] is None else f"{s['objective_fen'] / 100:,.0f}"
        lines.append(
            f"{contract:<8} {horizon:<16} {start.isoformat():<10} {weeks:>2} {r.team:<8} {s['agents']:>6} "
            f"{s['paid_over_required']:>8.3f} {idle_share(r, s['paid_hours'], p.interval_min):>6.1%} {gap:>7} "
            f"{lb:>12} {obj:>12} {closed_h:>8.1f} {'-' if reported is None else f'{reported:.1f}':>7} "
            f"{hol_h:>7.1f} {wall:>7.1f} {roster_s:>7.1f}  {s['status']}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the volume, hourly, short solves")
    parser.add_argument("--contracts", nargs="+", choices=list(CONTRACTS), default=list(CONTRACTS))
    parser.add_argument("--horizons", nargs="+", choices=list(HORIZONS), default=list(HORIZONS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--time-limit-s", type=float, default=60.0, help="CP-SAT cap per team and week [s]")
    parser.add_argument("--deterministic-time", type=float, default=None, help="default 5 (--quick: 1)")
    parser.add_argument("--scale", type=float, default=None, help="sample volume scale (default 1, --quick 0.25)")
    parser.add_argument("--interval-min", type=int, default=None, help="default the sample's 30 (--quick: 60)")
    parser.add_argument("--sample-weeks", type=int, default=None, help="weeks of sample history (10, --quick 4)")
    args = parser.parse_args()
    quick = args.quick
    args.deterministic_time = args.deterministic_time or (1.0 if quick else 5.0)
    args.scale = args.scale or (0.25 if quick else 1.0)
    args.interval_min = args.interval_min or (60 if quick else None)
    args.sample_weeks = args.sample_weeks or (4 if quick else 10)

    print(f"{'contract':<8} {'horizon':<16} {'start':<10} {'wk':>2} {'team':<8} {'agents':>6} {'paid/req':>8} "
          f"{'idle':>6} {'gap':>7} {'bound CNY':>12} {'obj CNY':>12} {'closed h':>8} {'(plan)':>7} {'hol h':>7} "
          f"{'wall s':>7} {'roster':>7}  status", flush=True)
    t0 = time.perf_counter()
    for contract in args.contracts:
        for horizon in args.horizons:
            print("\n".join(run(contract, horizon, args)), flush=True)
    print(f"total wall {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
