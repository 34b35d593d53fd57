"""One call from demand to a checked roster over one or more weeks: what ``planner schedule``, the plan
pipeline and the client's check use. Pure: frames and domain objects in, a :class:`TeamRoster` out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from planner.calendar import ChineseCalendar, CoverageWindow
from planner.domain import Schedule, SolverSettings
from planner.errors import PlannerInputError
from planner.labour import CostRates
from planner.scheduling.checker import AgentLimits, CheckReport, Limits, WeekLimits, check_schedule
from planner.scheduling.demand import Agent, WeekDemand
from planner.scheduling.model import OBJECTIVE_TERMS, ScheduleResult, agent_allows, solve_roster
from planner.scheduling.roster import carry_in_from_schedule, coverage_frame, frozen_from_schedule, schedule_frame
from planner.scheduling.rota import premium_caps, rota_tours, week_rota
from planner.shifts import ShiftRules


def limits_for(
    rules: ShiftRules,
    costs: CostRates,
    agents: tuple[Agent, ...] | None = None,
    week_start: date | datetime | None = None,
) -> Limits:
    """The checker's limits implied by the rules (computed here, checked there without the model).

    ``agents`` (named, one week from ``week_start``: their unavailable day indexes become dates) add each
    agent's window, days, unavailable dates and contracted hours."""
    named = None
    if agents is not None:
        if week_start is None:
            raise ValueError("named agents' limits need the week_start their unavailable days count from")
        first = week_start.date() if isinstance(week_start, datetime) else week_start
        named = {
            a.agent_id: AgentLimits(
                earliest_start_min=a.earliest_start_min,
                latest_end_min=a.latest_end_min,
                max_days=a.max_days_week,
                unavailable=frozenset(first + timedelta(days=d) for d in a.unavailable_days),
                contract_hours=a.contract_hours_week,
            )
            for a in agents
        }
    return Limits(
        min_rest_min=rules.min_rest_min,
        max_days=rules.max_days,
        max_week_paid_min=rules.max_week_work_min,
        max_day_paid_min=rules.max_day_work_min,
        min_staff=costs.min_staff,
        break_min=rules.break_min,
        breaks_per_shift=rules.breaks_per_shift if rules.break_min > 0 else 0,
        start_windows=((rules.earliest_start_min, rules.latest_start_min), *rules.extra_start_windows),
        shift_lengths_min=tuple(rules.shift_lengths_min),
        min_days=rules.min_days,
        agents=named,
    )


@dataclass(frozen=True)
class TeamRoster:
    """A team's roster over the horizon: the rows, coverage per interval, each week's solve and the check.

    schedule: the :class:`planner.domain.Schedule` of its agents (``team`` on every row; "" when the team
    is not named), with person ids that hold across weeks;
    coverage: ``interval_start, required, scheduled, shortfall, needed_after_shrinkage``;
    weeks: each week's :class:`ScheduleResult`; check: the independent checker over the horizon.
    """

    team: str
    channels: tuple[str, ...]
    schedule: Schedule
    coverage: pd.DataFrame
    weeks: tuple[ScheduleResult, ...]
    demands: tuple[WeekDemand, ...]
    check: CheckReport
    duty_spread: dict[str, list[int]]

    def summary(self) -> dict[str, Any]:
        """JSON-ready figures (full precision; units in the keys)."""
        return roster_summary(self)


def _frozen_pools(
    schedule: pd.DataFrame,
    demand: WeekDemand,
    rules: ShiftRules,
    frozen_until: date,
    agents: tuple[Agent, ...] | None,
    source: str,
    agents_source: str,
    costs: CostRates,
    premium_cap_min: int | None,
):
    tours = rota_tours(rules, demand, costs, premium_cap_min)[1]
    pools, frozen_min, frozen_days, _ids = frozen_from_schedule(schedule, demand, rules, tours, frozen_until, source)
    if agents is not None:
        known = {a.agent_id for a in agents}
        stray = sorted({a for p in pools for a in p.agent_ids} - known)
        if stray:
            raise PlannerInputError(f"{source}: agent {stray[0]} works a published day but is not in {agents_source}")
        # published agents keep their own eligibility (availability, window, night) on the later days
        by_id = {a.agent_id: a for a in agents}
        pools = tuple(
            replace(
                p,
                name=f"{p.name}_{aid}",
                size=1,
                agent_ids=(aid,),
                tours=tuple(ti for ti in p.tours if agent_allows(by_id[aid], tours[ti], rules)),
                frozen=tuple(f for f in p.frozen if f.agent_id == aid),
            )
            for p in pools
            for aid in p.agent_ids
        )
        empty = [p.agent_ids[0] for p in pools if not p.tours]
        if empty:
            raise PlannerInputError(
                f"{agents_source}: agent {empty[0]} has no legal tour that continues the published days"
            )
    return pools, frozen_min, frozen_days


def roster_weeks(
    demands: Sequence[WeekDemand],
    rules: ShiftRules,
    costs: CostRates | None = None,
    settings: SolverSettings | None = None,
    *,
    team: str = "",
    agents: tuple[Agent, ...] | None = None,
    agents_source: str = "agents",
    frozen: Schedule | None = None,
    frozen_until: date | None = None,
    frozen_source: str = "schedule",
    progress: Callable[[str], None] | None = None,
    calendar: ChineseCalendar | None = None,
    windows: Sequence[CoverageWindow] = (),
) -> TeamRoster:
    """Roster each week in turn (CP-SAT, LP bound, heuristic; :func:`solve_roster`), join the weeks with
    person ids that keep the minimum rest across week boundaries, and re-check everything independently.

    Week boundaries: the first week is solved cyclic (the week before the horizon is assumed rostered
    like it, so its last-day shifts' spill covers its own first hours); every later week is solved with
    the previous week's actual spill into its first hours as fixed coverage and its own spill past the
    week end not wrapped (it covers the next week; past the horizon end it belongs to the next plan).
    The independent checker counts coverage the same way (:func:`check_schedule`).

    ``frozen`` (a published :class:`~planner.domain.Schedule`) keeps its days before ``frozen_until`` as
    published (first week only).
    Each week's tours follow its calendar (the demands' own, :func:`planner.scheduling.demand.week_demands`);
    ``calendar`` and the team's ``windows`` share the 36 h a month of premium hours among the weeks
    (:func:`planner.scheduling.rota.premium_caps`).
    A roster that fails the independent check is a bug, not bad input: it raises ``RuntimeError``.
    """
    costs = costs or CostRates()
    settings = settings or SolverSettings()
    if agents is not None and len(demands) > 1:
        raise PlannerInputError(
            f"{agents_source}: named agents are rostered one week at a time; give one week of requirements"
        )
    if frozen is not None and frozen_until is None:
        raise PlannerInputError("a published schedule to keep needs the first date that may change (frozen_until)")
    caps = premium_caps(demands, rules, calendar, windows)
    rotas = [week_rota(rules, d, cap) for d, cap in zip(demands, caps, strict=True)]
    results, frames, covs = [], [], []
    for w, demand in enumerate(demands):
        if progress is not None:
            progress(f"rostering {team or 'team'} week {w + 1}/{len(demands)} ({demand.week_start:%Y-%m-%d})")
        pools: tuple = ()
        frozen_min = None
        frozen_days = (False,) * 7
        if frozen is not None and w == 0:
            pools, frozen_min, frozen_days = _frozen_pools(
                frozen.frame, demand, rules, frozen_until, agents, frozen_source, agents_source, costs, caps[w]
            )
        cyclic = w == 0
        if not cyclic:  # the previous week's shifts that run into this week's first hours
            carry = carry_in_from_schedule(frames[-1], demand)
            frozen_min = carry if frozen_min is None else [a + b for a, b in zip(frozen_min, carry, strict=True)]
        result = solve_roster(demand, rules, costs, settings, agents, pools, frozen_min, frozen_days, cyclic,
                              premium_cap_min=caps[w])
        results.append(result)
        frames.append(schedule_frame(result, demand))
        covs.append(coverage_frame(result, demand))
    if len(frames) == 1:
        sched = frames[0]
    else:
        from planner.scheduling.chain import chain_weeks

        sched = chain_weeks(frames, rules.min_rest_min, prefix="A")
    cov = pd.concat(covs, ignore_index=True)
    need = [n for d in demands for n in d.need]
    # named agents keep their ids only in a one-week roster (chain_weeks renumbers people across weeks)
    named = agents if len(demands) == 1 else None
    limits = limits_for(rules, costs, named, demands[0].week_start)
    opens = [d.open_slot for d in demands]
    limits = replace(
        limits,
        weeks=tuple(WeekLimits(r.max_days, r.min_days, r.max_week_work_min) for r in rotas),
        open_slot=None if any(o is None for o in opens) else tuple(x for o in opens for x in o),
    )
    if frozen is not None:
        # a replanned week keeps its published days: a named agent who was off on them may be left with
        # fewer than min_days working days (the model counts a tour only on the days it may change)
        limits = replace(limits, min_days=None)
    report = check_schedule(sched, demands[0].week_start, demands[0].interval_min, need, limits)
    if not report.ok:  # a solver bug, not bad input: say so loudly
        raise RuntimeError("the roster fails the independent check: " + "; ".join(map(str, report.violations[:5])))
    if team:  # ids unique across a plan's teams; the team is its own column (never read back from the id)
        sched = sched.assign(agent_id=f"{team}-" + sched["agent_id"].astype(str))
    return TeamRoster(
        team=team,
        channels=demands[0].channels,
        schedule=Schedule.of_rows(sched, team=team, source=f"roster of team {team}" if team else "roster"),
        coverage=cov,
        weeks=tuple(results),
        demands=tuple(demands),
        check=report,
        duty_spread=duty_spread(results, demands, rules),
    )


def duty_spread(
    results: Sequence[ScheduleResult], demands: Sequence[WeekDemand], rules: ShiftRules
) -> dict[str, list[int]]:
    """Fairness check: [min, max] weekend days and night shifts a week over rostered agents."""
    wk, night = [], []
    for result, demand in zip(results, demands, strict=True):
        weekend = [d for d in range(7) if (demand.week_start.weekday() + d) % 7 >= 5]
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


def _worst_status(results: Sequence[ScheduleResult]) -> str:
    return "OPTIMAL" if all(r.status == "OPTIMAL" for r in results) else "FEASIBLE"


def roster_summary(r: TeamRoster) -> dict[str, Any]:
    """The schedule command's JSON keys (DESIGN.md, units in the names), summed over the weeks."""
    res = r.weeks
    cov = r.coverage
    objective = sum(x.objective_fen for x in res)
    lower = sum(x.lower_bound_fen for x in res)
    lp = [x.lp_bound_fen for x in res]
    required = sum(x.required_hours for x in res)
    paid = sum(x.paid_hours for x in res)
    short_rows = cov[cov.shortfall > 0]
    return {
        "status": _worst_status(res),
        "weeks": len(res),
        "objective_fen": objective,
        "objective_cny": objective / 100,
        # the objective term by term (model.OBJECTIVE_TERMS): the tours' pay as costing prices it, then the
        # solver-only weights (split days off, shortfall, surplus)
        "objective_terms_cny": {
            name: sum(dict(x.objective_terms_fen).get(name, 0) for x in res) / 100 for name in OBJECTIVE_TERMS
        },
        "lower_bound_fen": lower,
        "lp_bound_fen": None if any(v is None for v in lp) else sum(lp),
        "cpsat_bound_fen": sum(x.cpsat_bound_fen for x in res),
        "gap": 0.0 if objective <= 0 else max(0.0, (objective - lower) / objective),
        "paid_hours": paid,
        "required_hours": required,
        "paid_over_required": paid / required if required else None,
        "shortfall_agent_hours": r.check.shortfall_agent_hours,
        "short_intervals": [
            {"interval_start": x.interval_start, "short": x.shortfall} for x in short_rows.itertuples()
        ],
        "surplus_agent_hours": sum(x.surplus_agent_hours for x in res),
        "closed_paid_hours": r.check.closed_paid_min / 60,
        "agents": len(r.schedule.agents),
        "agents_per_week": [sum(1 for a in x.agents if a.tour is not None or a.frozen) for x in res],
        "unrostered_agents": sorted({a for x in res for a in x.unrostered}),
        "interval_min": r.demands[0].interval_min,
        "shrinkage": r.demands[0].shrinkage,
        "channels": list(r.channels),
        "time_limit_s": res[0].time_limit_s,
        "workers": res[0].workers,
        "seed": res[0].seed,
        "wall_s": sum(x.wall_s for x in res),
        "duty_spread": r.duty_spread,
        "notes": list(dict.fromkeys(n for x in res for n in x.notes)),
    }
