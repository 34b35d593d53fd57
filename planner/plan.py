"""What a plan is: the typed result of every step (:class:`Plan`) and the forecast it is built on
(:class:`Forecasted`). Made by :mod:`planner.steps`, composed by :mod:`planner.pipeline`, shown by
:mod:`planner.views`, written by :mod:`planner.io.plan`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.domain import Forecast, Requirements, Scenario, Schedule

if TYPE_CHECKING:  # the steps' result types (no import at run time: they import this module's callers)
    from planner.capacity_plan import CapacityPlan
    from planner.costing import CostBreakdown
    from planner.forecasting import ForecastSummary
    from planner.scheduling.api import TeamRoster
    from planner.sla.risk import ChannelRisk
    from planner.sla.service import ChannelCheck

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    """Every step's result of :func:`plan`.

    history: the sample history when the plan ran on built-in data (else None); forecast: the horizon's
    :class:`planner.domain.Forecast`; requirements: the :class:`planner.domain.Requirements` (productive
    agents per interval and channel); rosters: one :class:`planner.scheduling.api.TeamRoster` per team; service: one
    :class:`planner.sla.service.ChannelCheck` per channel; risk: one :class:`planner.sla.risk.ChannelRisk`
    per rostered channel (the plan under the forecast's error); cost: the
    :class:`planner.costing.CostBreakdown` of the rosters under the scenario's ``[pay]``; timings_s: wall
    time per step; capacity: the term's :class:`planner.capacity_plan.CapacityPlan` when it was added
    (:func:`planner.capacity_plan.with_capacity`; ``planner plan`` adds it when the scenario has a
    ``[capacity]`` section), else None; typical_forecast: when the horizon holds holiday or make-up days,
    the same model's forecast of the first ordinary week after it (:func:`typical_week_after`), which the
    long-range plan measures a typical week on; else None.
    """

    scenario: Scenario
    start: date
    weeks: int
    history: pd.DataFrame | None
    forecast: Forecast
    forecast_info: ForecastSummary
    requirements: Requirements
    rosters: tuple[TeamRoster, ...]
    service: tuple[ChannelCheck, ...]
    warnings: tuple[str, ...]
    timings_s: tuple[tuple[str, float], ...]
    risk: tuple[ChannelRisk, ...] = ()
    cost: CostBreakdown | None = None
    capacity: CapacityPlan | None = None
    typical_forecast: Forecast | None = None

    @property
    def interval_min(self) -> int:
        return int(self.forecast_info.interval_min)

    @property
    def schedule(self) -> Schedule:
        """Every team's activity rows as one schedule (``schedule.csv``)."""
        return Schedule.joined([r.schedule for r in self.rosters])

    def roster(self, team: str) -> TeamRoster:
        """The roster of one team (KeyError if absent)."""
        for r in self.rosters:
            if r.team == team:
                return r
        raise KeyError(team)

    def summary(self) -> dict[str, Any]:
        """The JSON summary (``summary.json``): full float precision; rounding is for people."""
        from planner.views import summary_of

        return summary_of(self)


@dataclass(frozen=True)
class Forecasted:
    """The forecast a plan is built on: the horizon's forecast frame, its summary (``info``), the first
    planned day, the sample history (or None), where it came from and the notes and time it took;
    ``recent``: the last weeks of the history it was made from (``interval_start, channel, offered``; None
    for a given forecast), to draw beside the forecast."""

    forecast: Forecast
    info: ForecastSummary
    start: date
    history: pd.DataFrame | None
    source: str
    notes: tuple[str, ...]
    wall_s: float
    recent: pd.DataFrame | None = None
    typical: Forecast | None = None
