"""Built-in sample data: a seeded multi-channel history for any scenario, so a plan runs with no files.

The history is :func:`forecasts.synthetic.synthetic_history` (a doubly stochastic Poisson process with
Chinese holidays and a weekday profile) per channel, sized like a mid-size outsourced contract.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planner.domain import Scenario
from planner.errors import PlannerInputError

SAMPLE_CHANNELS = ("voice", "chat", "email")  # the channel kinds the sample generates
# Normal Monday-to-Friday contacts a day (a mid-size outsourced contract).
SAMPLE_DAILY_CONTACTS = {"voice": 2400.0, "chat": 1200.0, "email": 500.0}
SAMPLE_HORIZON_START = date(2026, 3, 16)  # a Monday after ten weeks of 2026 history
SAMPLE_INTERVAL_MIN = 30


def sample_history(
    scenario: Scenario,
    *,
    end: date,
    weeks: int = 10,
    interval_min: int = SAMPLE_INTERVAL_MIN,
    seed: int = 0,
    volume_scale: float = 1.0,
) -> pd.DataFrame:
    """Seeded history (``interval_start, channel, offered, aht_s``) of ``weeks`` weeks ending the day before ``end``.

    Every scenario channel gets the sample of its kind (voice, chat, or email for deferred work such as
    social media), with its own seed, so the series are independent. A channel's series depends on its
    name, never on the order the scenario lists the channels in: ``voice``, ``chat`` and ``email`` take
    positions 0-2 and their kinds' full volume; any other channel (``social``) takes 3, 4, ... in name
    order and 30 % of its kind's volume. Customers of a queue channel (voice, chat) whose window is not
    7x24 contact the centre only while it is open: the sample is thinned binomially by each interval's
    open share. Deferred work arrives at any hour (it waits).
    """
    from forecasts.synthetic import synthetic_history
    from planner.deferred import interval_open_fraction

    if not 3 <= weeks <= 104:
        raise PlannerInputError(f"data.sample_weeks {weeks}: must be between 3 and 104")
    if not volume_scale > 0:
        raise PlannerInputError(f"data.sample_scale {volume_scale}: must be > 0")
    start = end - timedelta(days=7 * weeks)
    others = sorted(c.name for c in scenario.channels if c.name not in SAMPLE_CHANNELS)
    position = {**{name: k for k, name in enumerate(SAMPLE_CHANNELS)},
                **{name: len(SAMPLE_CHANNELS) + k for k, name in enumerate(others)}}
    parts = []
    for spec in scenario.channels:
        k = position[spec.name]
        part = synthetic_history(
            start=start.isoformat(),
            weeks=weeks,
            interval_min=interval_min,
            daily_contacts=SAMPLE_DAILY_CONTACTS[spec.kind] * volume_scale * (0.3 if k >= len(SAMPLE_CHANNELS) else 1),
            pattern="7x24",
            channel=spec.name,
            seed=seed + k,
        )
        if spec.kind != "email" and spec.window.kind != "7x24":
            starts = [t.to_pydatetime() for t in pd.to_datetime(part["interval_start"])]
            share = interval_open_fraction(starts, interval_min, spec.window, scenario.calendar)
            rng = np.random.default_rng([seed, 1000 + k])
            part["offered"] = rng.binomial(part["offered"].to_numpy(), np.clip(share, 0.0, 1.0))
            part.loc[part["offered"] == 0, "aht_s"] = np.nan
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# Paid agent-hours a weekly roster needs per hour of requirement after shrinkage (whole shifts over a
# varying requirement): the sample's 7x24 plans measure 1.16-1.26 (docs/pipeline.md, "paid/required").
PAID_PER_REQUIRED = 1.2


def scale_for_agents(scenario: Scenario, agents: int, *, end: date, weeks: int = 10, seed: int = 0) -> float:
    """The ``data.sample_scale`` at which the scenario's plan on the sample needs about ``agents`` agents.

    The sample's last week, taken as the next week's forecast, is staffed by per-interval Erlang
    (:func:`planner.staffing.staff_requirements`) at a trial scale; the agents are its scheduled hours
    (:func:`planner.queueing.scheduled_agents`) times :data:`PAID_PER_REQUIRED`, over a standard 40-hour
    week. Two secant steps from the linear guess (requirements grow a little slower than volume: larger
    groups pool better) land within a few per cent of ``agents``; the plan then reports the agents its
    rosters really have."""
    from planner.labour import STANDARD_WEEK_WORK_MIN
    from planner.queueing import scheduled_agents
    from planner.staffing import staff_requirements

    if agents < 1:
        raise PlannerInputError(f"agents {agents}: must be at least 1")
    interval_min = scenario.interval_min or SAMPLE_INTERVAL_MIN
    hist = sample_history(scenario, end=end, weeks=weeks, interval_min=interval_min, seed=seed)
    t = pd.to_datetime(hist["interval_start"])
    last = t >= pd.Timestamp(end - timedelta(days=7))
    week = hist[last].assign(interval_start=t[last] + pd.Timedelta(days=7), aht_s=hist["aht_s"][last].fillna(0.0))

    def fte(scale: float) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the plan itself says what is outside a window
            req = staff_requirements(scenario, week.assign(offered=week["offered"] * scale), source="sample")
        scheduled = scheduled_agents(req.frame["required"].to_numpy(dtype=float), scenario.shrinkage)
        hours = float(scheduled.sum()) * interval_min / 60.0
        return hours * PAID_PER_REQUIRED / (STANDARD_WEEK_WORK_MIN / 60.0)

    scale = agents / max(fte(1.0), 1e-9)
    for _ in range(2):
        scale *= agents / max(fte(scale), 1e-9)
    return scale
