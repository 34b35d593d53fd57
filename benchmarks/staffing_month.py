"""Speed of `planner staff`: one month of a 4-channel forecast through the weekday and 7x24 scenarios.

Run from the project root: ``python benchmarks/staffing_month.py [interval_min]`` (default 15).
Prints wall-clock seconds per scenario and per channel kind; the figures are indicative only (shared
machine). Target: a month at 15-min intervals in well under 30 s per scenario.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from planner.scenario import load_scenario  # noqa: E402
from planner.staffing import staff_requirements, validate_forecast  # noqa: E402


def month_forecast(interval_min: int, channels: list[str], seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2026-09-14T00:00", "2026-10-13T23:59", freq=f"{interval_min}min")  # spans National Day
    hours = idx.hour + idx.minute / 60
    shape = np.exp(-(((hours - 13) / 4) ** 2))
    frames = []
    for ch, base, aht in zip(channels, (60, 25, 10, 4), (240, 420, 360, 240), strict=False):
        offered = rng.poisson(base * interval_min / 30 * shape + 0.2).astype(float)
        frames.append(pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "channel": ch,
                                    "offered": offered, "offered_lo": offered * 0.9, "offered_hi": offered * 1.1,
                                    "aht_s": float(aht)}))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    interval_min = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    for name in ("contract_weekday.toml", "contract_7x24.toml"):
        scen = load_scenario(ROOT / "scenarios" / name)
        fc = validate_forecast(month_forecast(interval_min, [c.name for c in scen.channels]))
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            req = staff_requirements(scen, fc)
        total = time.perf_counter() - t0
        per = {ch: int(g.required.sum()) for ch, g in req.frame.groupby("channel", sort=False)}
        print(f"{name}: {len(req.frame)} rows ({interval_min}-min, 30 days, {len(scen.channels)} channels) "
              f"in {total:.2f} s; agent-intervals {per}")
        for spec in scen.channels:  # time each channel alone
            one = type(scen)(**{**scen.__dict__, "channels": (spec,)})
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                staff_requirements(one, fc[fc.channel == spec.name])
            print(f"  {spec.name:8s} ({spec.kind}): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
