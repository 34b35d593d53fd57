"""Rostered realisation for SL-aware staffing: requirements -> CP-SAT weekly roster -> simulated roster.

The adapter between the scheduler (``planner.scheduling``, which knows nothing of simulation) and
``planner.sla.staffing`` (which knows nothing of shifts): :func:`realise_roster` turns per-interval
requirements of one cyclic week into a roster of real shifts with the shift rules given (days off,
lunches, short breaks, rest and hour limits), checks it with the independent checker, and returns the
``work`` windows the simulator plays (from the very rows written to ``schedule.csv``) with the roster's
paid hours. :func:`roster_realiser` binds the week, rules and solver settings into the
``realise(requirements)`` seam of :func:`planner.sla.staffing.sl_aware_staffing`.

Requirements are productive agents on the phones, so no shrinkage is applied here: what the roster puts
in ``work`` is what serves calls in the simulation (absences not in the roster are the caller's to add).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import time

import numpy as np
import pandas as pd

from planner.domain import TIME_FMT, SolverSettings
from planner.errors import PlannerInputError
from planner.labour import CostRates
from planner.scheduling.api import limits_for
from planner.scheduling.checker import check_schedule
from planner.scheduling.demand import WeekDemand
from planner.scheduling.model import ScheduleResult, solve_roster
from planner.scheduling.roster import coverage_frame, schedule_frame
from planner.shifts import DAY_MIN, WEEK_DAYS, ShiftRules
from planner.simulation import Workload, roster_from_schedule
from planner.sla.staffing import Realise, Realised

# Reproducible by default: one CP-SAT worker stopped on deterministic time (the same roster for the
# same inputs and seed whatever the machine load); no solver gets a wall-clock limit in this mode
# (time_limit_s is unused), the LP bound and the dives stop on deterministic work too.
DEFAULT_COSTS = CostRates()
DEFAULT_SETTINGS = SolverSettings(time_limit_s=60.0, workers=1, seed=0, deterministic_time=5.0)


@dataclass(frozen=True)
class RosteredPlan:
    """One rostered realisation: the solver's result, ``schedule.csv`` and ``coverage.csv`` rows."""

    result: ScheduleResult
    schedule: pd.DataFrame
    coverage: pd.DataFrame
    demand: WeekDemand


def week_demand(workload: Workload, requirements: np.ndarray) -> WeekDemand:
    """The scheduler's cyclic week for whole agents ``requirements`` per interval of ``workload``.

    The workload must be exactly one week from a midnight (the scheduler's horizon).
    """
    req = np.asarray(requirements)
    if req.shape != (workload.n_intervals,) or np.any(req < 0) or np.any(req != np.round(req)):
        raise PlannerInputError("requirements: need whole agents >= 0 for every interval of the workload")
    if workload.start.time() != time(0, 0) or workload.n_intervals * workload.interval_min != WEEK_DAYS * DAY_MIN:
        raise PlannerInputError(
            f"a rostered plan needs a forecast of exactly one week from 00:00 (got {workload.n_intervals} "
            f"intervals of {workload.interval_min} min from {workload.start:{TIME_FMT}})"
        )
    if req.sum() <= 0:
        raise PlannerInputError("requirements: every interval requires 0 agents: nothing to roster")
    need = tuple(int(x) for x in req)
    return WeekDemand(
        week_start=workload.start,
        interval_min=workload.interval_min,
        required=tuple(float(x) for x in need),
        need=need,
        shrinkage=0.0,
        channels=("voice",),
    )


def schedule_week(
    workload: Workload,
    requirements: np.ndarray,
    rules: ShiftRules,
    costs: CostRates = DEFAULT_COSTS,
    settings: SolverSettings = DEFAULT_SETTINGS,
) -> RosteredPlan:
    """Roster ``requirements`` with CP-SAT and check the rows independently (a failure is a bug)."""
    demand = week_demand(workload, requirements)
    result = solve_roster(demand, rules, costs, settings)
    sched = schedule_frame(result, demand)
    report = check_schedule(sched, demand.week_start, demand.interval_min, list(demand.need), limits_for(rules, costs))
    if not report.ok:
        raise RuntimeError("the roster fails the independent check: " + "; ".join(map(str, report.violations[:5])))
    return RosteredPlan(result, sched, coverage_frame(result, demand), demand)


def realise_roster(
    requirements: np.ndarray,
    *,
    workload: Workload,
    rules: ShiftRules,
    costs: CostRates = DEFAULT_COSTS,
    settings: SolverSettings = DEFAULT_SETTINGS,
) -> Realised:
    """The ``realise`` step of SL-aware staffing through the scheduler: the roster as simulated (its
    ``work`` rows, the week a cycle), its paid hours, and the :class:`RosteredPlan` as ``detail``."""
    plan = schedule_week(workload, requirements, rules, costs, settings)
    roster = roster_from_schedule(plan.schedule, workload, cyclic=True, source="roster")
    return Realised(roster=roster, paid_hours=plan.result.paid_hours, detail=plan)


def roster_realiser(
    workload: Workload,
    rules: ShiftRules,
    costs: CostRates = DEFAULT_COSTS,
    settings: SolverSettings = DEFAULT_SETTINGS,
) -> Realise:
    """``realise(requirements)`` for :func:`planner.sla.staffing.sl_aware_staffing` (a pure function of
    the requirements once the week, rules and solver settings are bound)."""
    return functools.partial(realise_roster, workload=workload, rules=rules, costs=costs, settings=settings)
