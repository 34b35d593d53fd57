"""The realistic 7x24 week shared by the simulation benchmarks.

Intraday shape: the real half-hourly arrivals of the Technion "Anonymous Bank" call centre
(../shared/data/israeli_bank_1999_6min.csv, September-December 1999, mean of its Sunday-Thursday
working days): near-silent nights, a steep ramp from 07:00 to a 10:00 peak, a lunch dip and a long
evening tail. That bank was closed on Friday afternoon and Saturday, so a 7x24 week is built from its
working-day shape: Monday-Friday at the weekday level, Saturday 70 % and Sunday 60 % of it, scaled to
``calls_per_week``. The data is looked up in ``$PLANNER_SHARED`` or the ``shared`` folder beside the
checkout. When the data file is absent a smooth stand-in with the same features is used.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from _shared import BANK_CSV as DATA

from planner.simulation import Workload

MONDAY = datetime(2026, 3, 2)
DAY_LEVEL = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6])


def weekday_shape() -> tuple[np.ndarray, str]:
    """Share of a working day's calls in each of its 48 half-hours, and where the shape came from."""
    if DATA.is_file():
        import pandas as pd

        df = pd.read_csv(DATA, parse_dates=["interval_start"])
        df = df[df.interval_start >= "1999-09-01"]
        half = df.set_index("interval_start").offered.resample("30min").sum()
        work = half[half.index.day_of_week.isin([6, 0, 1, 2, 3])]  # Sunday-Thursday (Israeli week)
        shape = work.groupby(work.index.hour * 2 + work.index.minute // 30).mean().to_numpy()
        return shape / shape.sum(), f"{DATA.name} (Sep-Dec 1999, Sun-Thu mean)"
    h = np.arange(48) / 2.0
    shape = 0.02 + np.exp(-0.5 * ((h - 10.0) / 1.3) ** 2) + 0.7 * np.exp(-0.5 * ((h - 15.0) / 2.5) ** 2)
    shape[(h < 7) | (h >= 23)] = 0.02
    return shape / shape.sum(), "synthetic stand-in (data file absent)"


def realistic_week(calls_per_week: float, aht_s: float = 240.0) -> tuple[Workload, str]:
    """A Monday-Sunday week of 30-minute intervals with about ``calls_per_week`` calls."""
    shape, source = weekday_shape()
    per_day = calls_per_week / DAY_LEVEL.sum()
    calls = np.concatenate([per_day * level * shape for level in DAY_LEVEL])
    return Workload(MONDAY, 30, calls, aht_s), source
