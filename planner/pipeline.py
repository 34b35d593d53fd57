"""One plan from the planner's own data, in memory: history -> forecast -> requirements -> rosters -> check
-> cost, and the term plan when the scenario has a ``[capacity]`` section.

This module only composes the steps of :mod:`planner.steps` (and :func:`planner.capacity_plan.with_capacity`);
it opens no file (:mod:`planner.io.plan` writes a plan). Every door (the CLI, the app) plans through
:func:`plan` or :func:`plan_from`, so none decides the composition for itself.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from forecasts.io import History
from planner.domain import Forecast, Scenario
from planner.plan import Forecasted, Plan, Progress
from planner.steps import check_step, cost_step, forecast_part, plan_on_forecast, volume_errors


def plan(
    scenario: Scenario,
    history: History | pd.DataFrame | None = None,
    *,
    forecast: Forecast | pd.DataFrame | None = None,
    calendar: Any = None,
    progress: Progress | None = None,
    cache: Any = None,
    run: Any = None,
) -> Plan:
    """The whole plan in memory: no file is read or written here (``cache``, where the forecast's backtests
    and the risk step's hours by confidence are kept between runs, is the caller's:
    :class:`planner.cache.Cache`; ``run``, the runner of the risk step's large searches,
    :func:`planner.sla.risk.hours_by_confidence`, a process pool say).

    history: a :class:`forecasts.io.History` or a history-schema frame; None uses the scenario's sample
    when ``[data] sample = true``. forecast: a forecast (:class:`planner.domain.Forecast`, or a frame
    validated here) to plan from as is (no forecasting).
    calendar: the forecast's :class:`forecasts.daycalendar.DayCalendar` (default: from ``[data] holidays``).
    Reproducible: the same scenario (seed included) and data give the same plan on any machine load while
    each solve stops on its deterministic time (``[solver] workers = 1``).
    """
    part = forecast_part(scenario, history, forecast=forecast, calendar=calendar, progress=progress, cache=cache)
    return plan_from(scenario, part, progress=progress, run=run, cache=cache)


def plan_from(
    scenario: Scenario, part: Forecasted, *, progress: Progress | None = None, run: Any = None, cache: Any = None
) -> Plan:
    """The plan on a forecast already made (:func:`planner.steps.forecast_part`): staffing, rosters, the
    contract check and the cost (:func:`planner.steps.plan_on_forecast`), and the term's capacity and
    hiring plan when the scenario has a ``[capacity]`` section."""
    from planner.capacity_plan import with_capacity

    p = plan_on_forecast(scenario, part, progress=progress, run=run, cache=cache)
    if scenario.capacity is not None and progress is not None:
        progress(f"capacity plan over {scenario.capacity.months} months")
    return with_capacity(p)

def with_rosters(p: Plan, rosters: tuple, *, progress: Progress | None = None) -> Plan:
    """The plan with other rosters in place (one team re-solved under changed rules, say), measured and
    priced again: the contract check and the risk of the teams whose roster changed, and the cost, are
    redone on the same forecast and requirements, so nothing shown or written mixes the new rosters with the
    old rosters' figures. The capacity plan is measured again on the new rosters (when the scenario has a
    ``[capacity]`` section)."""
    from planner.capacity_plan import with_capacity

    before = {r.team: r for r in p.rosters}
    changed = tuple(r for r in rosters if before.get(r.team) is not r)  # only these are simulated again
    errors, _msgs = volume_errors(p.scenario, p.forecast_info)
    hours = {x.channel: x.hours for x in p.risk}  # the confidence steps' hours do not depend on the roster
    new_service, new_risk, notes = check_step(p.scenario, p.forecast, p.requirements, changed, progress, errors,
                                              hours)
    checks = {c.channel: c for c in (*p.service, *new_service)}
    risks = {x.channel: x for x in (*p.risk, *new_risk)}
    channels = [c for r in rosters for c in r.channels]
    service = tuple(checks[c] for c in channels if c in checks)
    risk = tuple(risks[c] for c in channels if c in risks)
    cost = cost_step(p.scenario, p.start, p.requirements, rosters, service)
    return with_capacity(replace(p, rosters=tuple(rosters), service=service, risk=risk, cost=cost, capacity=None,
                                 warnings=tuple(dict.fromkeys((*p.warnings, *notes)))))
