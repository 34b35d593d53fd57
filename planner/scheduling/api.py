"""One call from files to a checked roster: what ``planner schedule`` and the pipeline use."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from planner.domain import SolverSettings
from planner.errors import PlannerInputError
from planner.labour import CostRates
from planner.scheduling.checker import Limits, check_schedule
from planner.scheduling.io import read_agents, read_requirements, write_csv
from planner.scheduling.model import ScheduleResult, agent_allows, solve_roster
from planner.scheduling.roster import coverage_frame, frozen_from_schedule, schedule_frame
from planner.shifts import ShiftRules, make_tours


def limits_for(rules: ShiftRules, costs: CostRates) -> Limits:
    """The checker's limits implied by the rules (computed here, checked there without the model)."""
    return Limits(
        min_rest_min=rules.min_rest_min,
        max_days=rules.max_days,
        max_week_paid_min=rules.max_week_work_min,
        max_day_paid_min=rules.max_day_work_min,
        min_staff=costs.min_staff,
    )


def schedule_files(
    requirements: str | Path,
    out_dir: str | Path,
    rules: ShiftRules,
    costs: CostRates | None = None,
    settings: SolverSettings | None = None,
    shrinkage: float = 0.0,
    agents: str | Path | None = None,
    frozen: str | Path | None = None,
    frozen_until: date | None = None,
    channels: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Read, solve, write ``schedule.csv`` and ``coverage.csv``, re-check independently; return a summary.

    ``channels`` limits the roster to those channels' requirements (one team); ``None``: all of them.
    """
    costs = costs or CostRates()
    settings = settings or SolverSettings()
    demand = read_requirements(requirements, shrinkage, channels)
    agent_rows = read_agents(agents, demand.week_start) if agents else None
    frozen_pools: tuple = ()
    frozen_min = None
    frozen_days = (False,) * 7
    if frozen is not None:
        if frozen_until is None:
            raise PlannerInputError("--frozen needs --frozen-until DATE (first date that may change)")
        tours = make_tours(rules)
        frozen_pools, frozen_min, frozen_days, _ids = frozen_from_schedule(
            frozen, demand, rules, tours, frozen_until
        )
        if agent_rows is not None:
            known = {a.agent_id for a in agent_rows}
            stray = sorted({a for p in frozen_pools for a in p.agent_ids} - known)
            if stray:
                raise PlannerInputError(
                    f"{frozen}: agent {stray[0]} works a published day but is not in {agents}"
                )
            # published agents keep their own eligibility (availability, window, night) on the later days
            by_id = {a.agent_id: a for a in agent_rows}
            frozen_pools = tuple(
                replace(
                    p,
                    name=f"{p.name}_{aid}",
                    size=1,
                    agent_ids=(aid,),
                    tours=tuple(ti for ti in p.tours if agent_allows(by_id[aid], tours[ti], rules)),
                    frozen=tuple(f for f in p.frozen if f.agent_id == aid),
                )
                for p in frozen_pools
                for aid in p.agent_ids
            )
            empty = [p.agent_ids[0] for p in frozen_pools if not p.tours]
            if empty:
                raise PlannerInputError(
                    f"{agents}: agent {empty[0]} has no legal tour that continues the published days"
                )
    result = solve_roster(demand, rules, costs, settings, agent_rows, frozen_pools, frozen_min, frozen_days)
    sched = schedule_frame(result, demand)
    cov = coverage_frame(result, demand)
    out = Path(out_dir)
    write_csv(sched, out / "schedule.csv")
    write_csv(cov, out / "coverage.csv")
    report = check_schedule(
        sched, demand.week_start, demand.interval_min, list(demand.need), limits_for(rules, costs)
    )
    if not report.ok:  # a solver bug, not bad input: say so loudly
        raise RuntimeError(
            "the roster fails the independent check: " + "; ".join(map(str, report.violations[:5]))
        )
    out_summary = summary(result, demand, cov, report.shortfall_agent_hours)
    out_summary["duty_spread"] = duty_spread(result, demand, rules)
    return out_summary


def duty_spread(result: ScheduleResult, demand, rules: ShiftRules) -> dict[str, list[int]]:
    """Fairness check: [min, max] weekend days and night shifts over rostered agents this week."""
    weekend = [d for d in range(7) if (demand.week_start.weekday() + d) % 7 >= 5]
    wk, night = [], []
    for a in result.agents:
        if a.tour is None:
            continue
        days = [d for d in range(7) if a.tour.days[d] and a.active_days[d]] + [f.day for f in a.frozen]
        wk.append(sum(1 for d in days if d in weekend))
        night.append(len(days) if a.tour.template.night_min(rules) > 0 else 0)
    return {
        "weekend_days": [min(wk, default=0), max(wk, default=0)],
        "night_shifts": [min(night, default=0), max(night, default=0)],
    }


def summary(result: ScheduleResult, demand, cov, checked_shortfall: float) -> dict[str, Any]:
    short_rows = cov[cov.shortfall > 0]
    return {
        "status": result.status,
        "objective_fen": result.objective_fen,
        "objective_cny": result.objective_fen / 100,
        "lower_bound_fen": result.lower_bound_fen,
        "lp_bound_fen": result.lp_bound_fen,
        "cpsat_bound_fen": result.cpsat_bound_fen,
        "gap": result.gap,
        "paid_hours": result.paid_hours,
        "required_hours": result.required_hours,
        "paid_over_required": result.paid_hours / result.required_hours if result.required_hours else None,
        "shortfall_agent_hours": checked_shortfall,
        "short_intervals": [
            {"interval_start": r.interval_start, "short": r.shortfall} for r in short_rows.itertuples()
        ],
        "surplus_agent_hours": result.surplus_agent_hours,
        "agents": sum(1 for a in result.agents if a.tour is not None or a.frozen),
        "unrostered_agents": list(result.unrostered),
        "interval_min": demand.interval_min,
        "shrinkage": demand.shrinkage,
        "channels": list(demand.channels),
        "time_limit_s": result.time_limit_s,
        "workers": result.workers,
        "seed": result.seed,
        "wall_s": result.wall_s,
        "notes": list(result.notes),
    }
