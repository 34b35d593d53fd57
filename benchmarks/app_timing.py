"""The app's timings against its goals.

Run from the project root:  python benchmarks/app_timing.py [--repeats N] [--time-limit-s S]

1. start-up: seconds from ``streamlit run app.py`` (a fresh process on loopback) to the first page drawn
   (its title visible in headless Chromium; without /usr/bin/chromium, to the server's health answer,
   said so). Goal: under 5 s.
2. what-if redraw: a week of 30-min intervals (the shipped 7x24 scenario on the full sample, four
   channels), the staffing page's work for one move of a lever: the levers applied
   (:func:`planner.whatif.apply_whatif`) and :func:`planner.steps.staff_step` on the cached forecast.
   Median of ``--repeats``. Goal: under 1 s.
3. re-solve: one team's roster (voice) solved again from the roster page's call
   (:func:`planner.ui.engine.resolve_team`) with its time limit (``--time-limit-s``, default 10 s), then the
   plan measured and priced again with the new roster (:func:`planner.ui.engine.with_roster`), as the page
   does. Needs the whole plan first (timed too, not a goal).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = Path("/usr/bin/chromium")
START_GOAL_S = 5.0
REDRAW_GOAL_S = 1.0


def start_up() -> tuple[float, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                if time.perf_counter() - t0 > 60:
                    raise SystemExit("streamlit did not start within 60 s") from None
                time.sleep(0.05)
        if not CHROMIUM.exists():
            return time.perf_counter() - t0, "server health (no /usr/bin/chromium)"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector("h1", timeout=60_000)
            wall = time.perf_counter() - t0
            browser.close()
        return wall, "first page's title drawn in Chromium"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--time-limit-s", type=float, default=10.0)
    args = ap.parse_args()
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")

    wall, what = start_up()
    verdict = "ok" if wall < START_GOAL_S else "MISSED"
    print(f"start-up       {wall:6.2f} s  ({what}); goal < {START_GOAL_S:g} s: {verdict}")

    from planner.steps import forecast_part, staff_step, volume_errors
    from planner.ui import engine
    from planner.whatif import WhatIf, apply_whatif

    data = engine.merged(engine.shipped_data(engine.DEFAULT_SCENARIO), {"data": {"sample": True}})
    scen = engine.scenario_of(data, engine.DEFAULT_SCENARIO)
    t = time.perf_counter()
    part = forecast_part(scen)
    n = len(part.forecast.frame)
    print(f"forecast       {time.perf_counter() - t:6.2f} s  (once, cached by the app; {n} rows, "
          f"{part.info.interval_min}-min intervals)")
    times = []
    for k in range(args.repeats):
        what = WhatIf(volume_factor=1.0 + 0.05 * (k + 1), sl_targets=(("voice", 0.85),), shrinkage=0.30)
        t = time.perf_counter()
        s2, fc2 = apply_whatif(scen, part.forecast, what)
        staff_step(s2, fc2, source=part.source, errors=volume_errors(s2, part.info)[0])
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"what-if redraw {med:6.3f} s  median of {args.repeats} (min {min(times):.3f}, max {max(times):.3f}); "
          f"goal < {REDRAW_GOAL_S:g} s: {'ok' if med < REDRAW_GOAL_S else 'MISSED'}")

    from planner.steps import plan_on_forecast

    t = time.perf_counter()
    plan = plan_on_forecast(scen, part)
    print(f"whole plan     {time.perf_counter() - t:6.2f} s  (on the cached forecast; once, from the Start page)")
    record = {"data": data, "source": engine.DEFAULT_SCENARIO, "plan": plan}
    t = time.perf_counter()
    roster = engine.resolve_team(record, "voice", {"min_rest_hours": 12.0, "time_limit_s": args.time_limit_s},
                                 lambda _m: None)
    solve = time.perf_counter() - t
    engine.with_roster(plan, roster, lambda _m: None)
    wall = time.perf_counter() - t
    print(f"re-solve voice {wall:6.2f} s  (solve {solve:.2f} s + measure and price again {wall - solve:.2f} s; "
          f"{len(roster.schedule.agents)} agents, one week, time limit {args.time_limit_s:g} s, "
          f"status {roster.summary()['status']})")

if __name__ == "__main__":
    main()
