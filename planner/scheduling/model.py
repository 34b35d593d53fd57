"""Weekly roster as an aggregate (implicit) integer model solved with CP-SAT, bounded by its LP relaxation.

Formulation (tour/implicit-break model; Dantzig 1954 set covering for shifts, Bechtold & Jacobs 1990
implicit break placement, Aykin 1996 break-window variables): integer counts ``n[pool, tour]`` of weekly
tours (working-day pattern x shift template, the same start every working day), day/shift totals
``M[d, s]``, break-placement counts ``y[d, s, break, offset]`` that sum to ``M[d, s]`` per break, and per
interval shortfall/surplus in agent-minutes. Coverage of interval t in agent-minutes:
``sum presence(d, s, t) M[d, s] - sum breakmin(d, s, b, o, t) y[d, s, b, o] + frozen(t)``.
The objective (integer fen) is the tours' pay as costing charges it (:func:`planner.scheduling.rota.tour_pay`:
the week's wage share, overtime, rest-day and holiday premiums by calendar date, the night allowance, less
the allowance on unpaid lunch minutes at night, credited on the lunch's placement) + the solver-only weights:
split days off, shortfall and surplus. Each business rule is one function that adds its rows and records its
objective terms by name (:data:`OBJECTIVE_TERMS`; after OR-Tools' ``examples/python/shift_scheduling_sat.py``),
so a result reports its objective term by term (``ScheduleResult.objective_terms_fen``).

Shortfall comes first. The weighted objective alone may prefer a short interval to one more weekly tour
(a 6-minute interval one agent short costs 60000 fen, a 40 h tour about 130000), and a gap stop may
accept such a roster. So (1) the gap callback never stops on an incumbent whose shortfall one more tour
could cover (``_coverable``: a tour with room -- an anonymous pool, or an unused named agent's allowed
tour -- that works the short interval net of its breaks), and (2) after the solve a deterministic
repair (``_close_shortfall``) adds, while some short interval can be covered, the tour that removes the
most short agent-minutes (ties: the cheapest, then the lowest variable index) with its breaks where
they hurt least. The repair was chosen over a re-solve with ``shortfall == 0``: it always terminates,
needs no time budget, cannot be infeasible (named pools may truly run out), and keeps the roster a
feasible point of the model (cover only grows). Any shortfall left is said in ``ScheduleResult.notes``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.domain import SolverSettings
from planner.errors import PlannerInputError
from planner.labour import CostRates
from planner.scheduling.demand import Agent, WeekDemand
from planner.scheduling.heuristic import best_dive
from planner.scheduling.linear import LinearProgram
from planner.scheduling.rota import WeekRota, rota_tours, tour_pay, week_rota
from planner.shifts import (
    DAY_MIN,
    WEEK_DAYS,
    ShiftRules,
    ShiftTemplate,
    Tour,
    consecutive_days_off,
    night_overlap_min,
    span_by_slot,
)


@dataclass(frozen=True)
class FrozenShift:
    """A published shift kept as is: start [min from week start], length, paid minutes and its rows
    ``(activity, start_min, end_min)``."""

    agent_id: str
    day: int
    start_abs_min: int
    length_min: int
    paid_min: int
    rows: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Pool:
    """Agents that share the same allowed tours. size None = as many as needed (anonymous roster).

    active_days: days whose coverage the model decides (frozen days are constant). exact: every agent
    of the pool must get a tour (they already work published days).
    """

    name: str
    size: int | None
    tours: tuple[int, ...]
    agent_ids: tuple[str, ...] = ()
    active_days: tuple[bool, ...] = (True,) * WEEK_DAYS
    exact: bool = False
    frozen: tuple[FrozenShift, ...] = ()


@dataclass(frozen=True)
class AgentTour:
    """One person's week: the tour, and per working day the break offsets [min after shift start]."""

    agent_id: str
    tour: Tour | None
    active_days: tuple[bool, ...]
    breaks: tuple[
        tuple[int, tuple[tuple[str, int, int, bool], ...]], ...
    ]  # (day, ((name, off, dur, paid),..))
    frozen: tuple[FrozenShift, ...] = ()


@dataclass(frozen=True)
class ScheduleResult:
    status: str
    objective_fen: int
    lp_bound_fen: float | None
    cpsat_bound_fen: float
    lower_bound_fen: float
    gap: float
    paid_hours: float
    required_hours: float
    shortfall_agent_hours: float
    surplus_agent_hours: float
    coverage_min: tuple[int, ...]
    agents: tuple[AgentTour, ...]
    time_limit_s: float
    workers: int
    seed: int
    wall_s: float
    n_tour_vars: int
    unrostered: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    objective_terms_fen: tuple[tuple[str, int], ...] = ()  # (term, fen) for each of OBJECTIVE_TERMS


class RosterFailure(PlannerInputError):
    """CP-SAT gave no roster. ``reason``: ``infeasible`` (the rules cannot be met), ``no_solution`` (none
    found within the time limit) or ``model_invalid``; the message says what to change."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# ---------------------------------------------------------------------------- pools


def _fits_window(t: ShiftTemplate, earliest: int, latest_end: int) -> bool:
    end = t.start_min + t.length_min
    if earliest < latest_end:
        return earliest <= t.start_min and end <= latest_end
    # window wraps midnight, e.g. 20:00 -> 08:00
    return t.start_min >= earliest and end <= DAY_MIN + latest_end


def agent_allows(agent: Agent, tour: Tour, rules: ShiftRules) -> bool:
    """Named-agent eligibility: availability, days, contracted hours, start/end window, night work."""
    if any(tour.days[d] for d in agent.unavailable_days):
        return False
    if tour.n_days > agent.max_days_week:
        return False
    if tour.week_paid_min > round(agent.contract_hours_week * 60):
        return False
    if not _fits_window(tour.template, agent.earliest_start_min, agent.latest_end_min):
        return False
    return agent.night_ok or tour.template.night_min(rules) == 0


def agent_pools(
    agents: tuple[Agent, ...], tours: tuple[Tour, ...], rules: ShiftRules, channels: tuple[str, ...]
) -> tuple[tuple[Pool, ...], tuple[str, ...]]:
    """Group named agents by their eligibility signature; returns (pools, agents without a usable skill)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    no_skill: list[str] = []
    for a in agents:
        if a.skills and not set(a.skills) & set(channels):
            no_skill.append(a.agent_id)
            continue
        key = (
            a.unavailable_days,
            a.max_days_week,
            round(a.contract_hours_week * 60),
            a.earliest_start_min,
            a.latest_end_min,
            a.night_ok,
        )
        groups[key].append(a.agent_id)
    by_id = {a.agent_id: a for a in agents}
    pools = []
    for k, ids in enumerate(sorted(groups.values(), key=lambda ids: ids[0])):
        first = by_id[ids[0]]
        allowed = tuple(i for i, t in enumerate(tours) if agent_allows(first, t, rules))
        pools.append(Pool(name=f"class{k}", size=len(ids), tours=allowed, agent_ids=tuple(ids)))
    return tuple(pools), tuple(no_skill)


# ---------------------------------------------------------------------------- rules (one function each)


@dataclass
class _Ctx:
    demand: WeekDemand
    rules: ShiftRules
    costs: CostRates
    tours: tuple[Tour, ...]
    pools: tuple[Pool, ...]
    frozen_min: list[int]
    rota: WeekRota
    cyclic: bool = True  # False: shift minutes past the week end go to the next week, not to day 0
    lp: LinearProgram = field(default_factory=LinearProgram)
    n: dict[tuple[int, int], int] = field(default_factory=dict)  # (pool, tour) -> var
    m: dict[tuple[int, ShiftTemplate], int] = field(default_factory=dict)  # (day, template) -> var
    y: dict[tuple[int, ShiftTemplate, int, int], int] = field(default_factory=dict)
    cover_terms: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    short: list[int] = field(default_factory=list)
    surplus: list[int] = field(default_factory=list)
    terms: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))  # name -> (var, fen)

    def cost(self, term: str, v: int, fen: int) -> None:
        """Add ``fen`` per unit of ``v`` to the objective, under the rule's term (:data:`OBJECTIVE_TERMS`)."""
        self.lp.cost(v, fen)
        self.terms[term].append((v, int(fen)))


# The objective's terms, one per rule that prices something: the pay of the tours (what costing charges,
# :func:`planner.scheduling.rota.tour_pay`), then the solver-only weights.
OBJECTIVE_TERMS = ("pay", "split_days_off", "shortfall", "surplus")


def objective_terms(c: _Ctx, val: Sequence[int] | dict[int, int]) -> tuple[tuple[str, int], ...]:
    """The objective of a solution ``val`` term by term (fen): which rule cost what."""
    return tuple((name, int(sum(val[v] * k for v, k in c.terms.get(name, ())))) for name in OBJECTIVE_TERMS)


def _add_tour_counts(c: _Ctx) -> None:
    """Tour counts per pool, their cost, pool sizes and the split-days-off preference (soft)."""
    peak = 2 * max(c.demand.need) + c.costs.min_staff  # breaks may need more heads than the peak
    for p, pool in enumerate(c.pools):
        ids = []
        for ti in pool.tours:
            tour = c.tours[ti]
            if not any(tour.days[d] and pool.active_days[d] for d in range(WEEK_DAYS)) and not pool.exact:
                continue
            ub = peak if pool.size is None else min(pool.size, peak)
            v = c.lp.var(0, ub, f"n_{p}_{ti}")
            c.n[(p, ti)] = v
            ids.append(v)
            c.cost("pay", v, tour_pay(tour, pool.active_days, c.demand, c.rules, c.costs, c.rota)[0])
            if not consecutive_days_off(tour.days):
                c.cost("split_days_off", v, c.costs.split_days_off_fen)
        if pool.size is not None:
            if pool.exact:
                c.lp.row(ids, [1] * len(ids), pool.size, pool.size)
            elif ids:
                c.lp.row(ids, [1] * len(ids), 0, pool.size)


def _add_day_shift_totals(c: _Ctx) -> None:
    """M[d, s] = number of tours working template s on day d (active days only)."""
    members: dict[tuple[int, ShiftTemplate], list[int]] = defaultdict(list)
    for (p, ti), v in c.n.items():
        tour = c.tours[ti]
        for d in range(WEEK_DAYS):
            if tour.days[d] and c.pools[p].active_days[d]:
                members[(d, tour.template)].append(v)
    for key in sorted(members, key=lambda k: (k[0], k[1].start_min, k[1].length_min)):
        vs = members[key]
        ub = sum(c.lp.ubs[v] for v in vs)
        m = c.lp.var(0, ub, f"M_{key[0]}_{key[1].label}")
        c.lp.row([*vs, m], [1] * len(vs) + [-1], 0, 0)
        c.m[key] = m


def _add_breaks(c: _Ctx) -> None:
    """Breaks inside their windows: for each break rule, placements sum to the shifts worked."""
    for (d, tmpl), m in c.m.items():
        start_abs = d * DAY_MIN + tmpl.start_min
        for slot, minutes in span_by_slot(start_abs, tmpl.length_min, c.demand.interval_min,
                                          cyclic=c.cyclic).items():
            c.cover_terms[slot].append((m, minutes))
        for b, rule in enumerate(tmpl.breaks):
            ys = []
            for off in rule.offsets_min():
                y = c.lp.var(0, c.lp.ubs[m], f"y_{d}_{tmpl.label}_{b}_{off}")
                c.y[(d, tmpl, b, off)] = y
                ys.append(y)
                if not rule.paid:  # the tour's night allowance counted the shift's span: lunch is unpaid
                    credit = _unpaid_night_fen(c, start_abs + off, rule.duration_min)
                    if credit:
                        c.cost("pay", y, -credit)
                for slot, minutes in span_by_slot(
                    start_abs + off, rule.duration_min, c.demand.interval_min, cyclic=c.cyclic
                ).items():
                    c.cover_terms[slot].append((y, -minutes))
            c.lp.row([*ys, m], [1] * len(ys) + [-1], 0, 0)


def _unpaid_night_fen(c: _Ctx, start_abs: int, duration_min: int) -> int:
    """The night allowance of an unpaid break's minutes (fen, rounded): costing pays it per paid hour in the
    night window (:func:`planner.costing.team_cost`), and the tour's price counted the whole shift."""
    night = night_overlap_min(start_abs % DAY_MIN, duration_min, c.rules.night_start_min, c.rules.night_end_min)
    return round(night * c.costs.pay.night_allowance_fen_per_hour / 60)


def _add_soft_coverage(c: _Ctx) -> None:
    """Coverage + shortfall - surplus = need (agent-minutes); both penalised, never infeasible."""
    im = c.demand.interval_min
    pen_short = math.ceil(c.costs.shortfall_fen_per_agent_hour / 60)
    pen_surplus = math.ceil(c.costs.surplus_fen_per_agent_hour / 60)
    big = sum(c.lp.ubs[m] for m in c.m.values()) * im + max(c.frozen_min, default=0)
    for t in range(c.demand.n_slots):
        need_min = c.demand.need[t] * im
        s = c.lp.var(0, need_min, f"short_{t}")
        u = c.lp.var(0, big, f"surplus_{t}")
        c.short.append(s)
        c.surplus.append(u)
        c.cost("shortfall", s, pen_short)
        c.cost("surplus", u, pen_surplus)
        terms = c.cover_terms.get(t, [])
        rhs = need_min - c.frozen_min[t]
        c.lp.row([v for v, _ in terms] + [s, u], [k for _, k in terms] + [1, -1], rhs, rhs)


def _add_staff_floor(c: _Ctx) -> None:
    """Hard floor: at least min_staff agents working throughout every interval with a requirement."""
    im = c.demand.interval_min
    for t in range(c.demand.n_slots):
        if c.demand.need[t] > 0 and c.costs.min_staff > 0:
            terms = c.cover_terms.get(t, [])
            c.lp.row(
                [v for v, _ in terms],
                [k for _, k in terms],
                c.costs.min_staff * im - c.frozen_min[t],
                float("inf"),
            )


# ---------------------------------------------------------------------------- feasibility explanation


def _ranges(slots: list[int], demand: WeekDemand) -> str:
    """Compress slots into 'YYYY-MM-DDTHH:MM-HH:MM' ranges."""
    out = []
    start = prev = None
    for s in [*sorted(slots), None]:
        if s is not None and prev is not None and s == prev + 1:
            prev = s
            continue
        if start is not None:
            a = demand.slot_start(start)
            b = demand.slot_start(prev + 1)
            out.append(
                f"{a:%a %Y-%m-%dT%H:%M}-" + (f"{b:%H:%M}" if b.date() == a.date() else f"{b:%a %H:%M}")
            )
        start = prev = s
    return ", ".join(out[:6]) + (f" and {len(out) - 6} more" if len(out) > 6 else "")


def explain_uncoverable(
    demand: WeekDemand,
    rules: ShiftRules,
    costs: CostRates,
    tours: tuple[Tour, ...],
    pools: tuple[Pool, ...],
    frozen_min: list[int],
    cyclic: bool = True,
) -> None:
    """Raise PlannerInputError naming the intervals no allowed tour can staff (or not to the floor).

    ``cyclic`` as in :func:`solve_roster`: in a week that is not cyclic a shift reaches no slot past the
    week end (the week's first hours are reached only by its own shifts and ``frozen_min``)."""
    im = demand.interval_min
    cap = [0.0] * demand.n_slots  # most agents that could be present per slot
    reach = [False] * demand.n_slots
    for pool in pools:
        seen: set[int] = set()
        for ti in pool.tours:
            tour = tours[ti]
            for d in range(WEEK_DAYS):
                if tour.days[d] and pool.active_days[d]:
                    for slot in span_by_slot(
                        d * DAY_MIN + tour.template.start_min, tour.template.length_min, im, cyclic=cyclic
                    ):
                        seen.add(slot)
        for slot in seen:
            reach[slot] = True
            cap[slot] += math.inf if pool.size is None else pool.size
    for t in range(demand.n_slots):
        if frozen_min[t] > 0:
            reach[t] = True
            cap[t] += frozen_min[t] / im
    lengths = "/".join(f"{x / 60:g}" for x in sorted(set(rules.shift_lengths_min)))
    window = ", ".join(
        f"{lo // 60:02d}:{lo % 60:02d}-{hi // 60:02d}:{hi % 60:02d}"
        for lo, hi in ((rules.earliest_start_min, rules.latest_start_min), *rules.extra_start_windows)
    )
    dead = [t for t in range(demand.n_slots) if demand.need[t] > 0 and not reach[t]]
    if dead:
        why = (
            f"no allowed shift works then (starts {window}: {rules.name('earliest_start')}, "
            f"{rules.name('latest_start')}; lengths {lengths} h: {rules.name('shift_hours')}"
            + (
                ", named agents' availability, hours and night eligibility"
                if any(p.size is not None for p in pools)
                else ""
            )
            + ")"
        )
        raise PlannerInputError(
            f"cannot cover {len(dead)} interval(s) with a requirement: {_ranges(dead, demand)}: {why}"
        )
    thin = [t for t in range(demand.n_slots) if demand.need[t] > 0 and cap[t] < costs.min_staff]
    if thin:
        raise PlannerInputError(
            f"cannot keep the floor of {costs.min_staff} agent(s) ({rules.name('min_staff')}) in {len(thin)} "
            f"interval(s): {_ranges(thin, demand)}: too few eligible agents can work then"
        )


def _build(
    demand: WeekDemand,
    rules: ShiftRules,
    costs: CostRates,
    tours: tuple[Tour, ...],
    pools: tuple[Pool, ...],
    frozen_min: list[int],
    cyclic: bool = True,
    rota: WeekRota | None = None,
) -> _Ctx:
    """The aggregate model: one rule function after another."""
    c = _Ctx(demand, rules, costs, tours, pools, frozen_min, rota or week_rota(rules, demand), cyclic)
    _add_tour_counts(c)
    _add_day_shift_totals(c)
    _add_breaks(c)
    _add_soft_coverage(c)
    _add_staff_floor(c)
    return c


def reproducible(settings: SolverSettings) -> bool:
    """Reproducible mode (see :class:`SolverSettings`): one worker and a deterministic-time budget."""
    return settings.workers == 1 and settings.deterministic_time is not None


ShiftKey = tuple[int, ShiftTemplate]  # (day, template): one worked shift of the aggregate model


@dataclass
class _Reach:
    """Which shift and tour can add cover where: what the gap stop and the shortfall repair look at.

    presence[(d, s)]: minutes of the shift in each slot; breaks[(d, s)]: per break rule the allowed
    ``(offset, {slot: minutes}, y var)``; net[(d, s)]: slots where one more such shift adds cover however
    the other shifts' breaks lie (its presence exceeds the least its breaks must take there);
    by_slot: slot -> shifts that add cover there; tours_of: shift -> tour keys ``(pool, tour)`` that work
    it; days_of: tour key -> its shifts.
    """

    presence: dict[ShiftKey, dict[int, int]] = field(default_factory=dict)
    breaks: dict[ShiftKey, list[list[tuple[int, dict[int, int], int]]]] = field(default_factory=dict)
    net: dict[ShiftKey, frozenset[int]] = field(default_factory=dict)
    by_slot: dict[int, list[ShiftKey]] = field(default_factory=lambda: defaultdict(list))
    tours_of: dict[ShiftKey, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    days_of: dict[tuple[int, int], list[ShiftKey]] = field(default_factory=dict)


def _reach(c: _Ctx) -> _Reach:
    im = c.demand.interval_min
    r = _Reach()
    for (d, tmpl) in c.m:
        start = d * DAY_MIN + tmpl.start_min
        pres = span_by_slot(start, tmpl.length_min, im, cyclic=c.cyclic)
        brk = [
            [
                (off, span_by_slot(start + off, rule.duration_min, im, cyclic=c.cyclic), c.y[(d, tmpl, b, off)])
                for off in rule.offsets_min()
            ]
            for b, rule in enumerate(tmpl.breaks)
        ]
        least = {t: sum(min(vec.get(t, 0) for _o, vec, _y in opts) for opts in brk) for t in pres}
        net = frozenset(t for t, mm in pres.items() if mm > least[t])
        r.presence[(d, tmpl)], r.breaks[(d, tmpl)], r.net[(d, tmpl)] = pres, brk, net
        for t in sorted(net):
            r.by_slot[t].append((d, tmpl))
    for (p, ti) in sorted(c.n, key=lambda k: c.n[k]):
        tour = c.tours[ti]
        days = [(d, tour.template) for d in range(WEEK_DAYS) if tour.days[d] and c.pools[p].active_days[d]]
        r.days_of[(p, ti)] = days
        for dt in days:
            r.tours_of[dt].append((p, ti))
    return r


def _has_room(c: _Ctx, key: tuple[int, int], n_val: int, used: dict[int, int]) -> bool:
    """May one more of this tour be rostered (its count below its bound, its pool not exhausted)?"""
    pool = c.pools[key[0]]
    if pool.exact or n_val >= c.lp.ubs[c.n[key]]:
        return False
    return pool.size is None or used[key[0]] < pool.size


def _coverable(c: _Ctx, reach: _Reach, short_slots: list[int], value) -> bool:
    """Could one more tour (of an anonymous pool, or of an unused named agent) cover a short slot?

    ``value(var) -> int`` reads the incumbent."""
    if not short_slots:
        return False
    n_val: dict[tuple[int, int], int] = {}
    used: dict[int, int] = defaultdict(int)
    for key, v in c.n.items():
        n_val[key] = value(v)
        used[key[0]] += n_val[key]
    for t in short_slots:
        for dt in reach.by_slot.get(t, ()):
            for key in reach.tours_of[dt]:
                if _has_room(c, key, n_val[key], used):
                    return True
    return False


class _StopAtGap(cp_model.CpSolverSolutionCallback):
    """Stop the search once a solution is within ``gap`` of an external lower bound (the LP bound) --
    unless that solution leaves a shortfall that one more tour could cover (shortfall comes first: such
    a roster is never accepted on the gap, only on the solver's limits, and is then repaired).

    CP-SAT's own ``relative_gap_limit`` is 0, so this callback (and ``on_bound`` for a bound that
    improves without a new solution) is the only place the gap stops the search.
    """

    def __init__(self, lower: float, gap: float, c: _Ctx | None = None, reach: _Reach | None = None,
                 xs: list | None = None) -> None:
        super().__init__()
        self.lower = lower
        self.gap = gap
        self.c, self.reach, self.xs = c, reach, xs
        self.last_obj: float | None = None
        self.last_coverable = False
        self.withheld = 0  # solutions within the gap not accepted because of a coverable shortfall
        self.solver: cp_model.CpSolver | None = None

    def _within(self, obj: float, bound: float) -> bool:
        return obj <= 0 or (obj - max(self.lower, bound)) / obj <= self.gap

    def _short_slots(self) -> list[int]:
        c, xs = self.c, self.xs
        return [
            t
            for t in range(len(c.short))
            if self.value(xs[c.short[t]]) > self.value(xs[c.surplus[t]])
        ]

    def on_solution_callback(self) -> None:
        obj = self.objective_value
        self.last_obj = obj
        self.last_coverable = False
        if self.c is not None:
            short = self._short_slots()
            self.last_coverable = _coverable(self.c, self.reach, short, lambda v: self.value(self.xs[v]))
        if self._within(obj, self.best_objective_bound):
            if self.last_coverable:
                self.withheld += 1
            else:
                self.stop_search()

    def on_bound(self, bound: float) -> None:
        if (
            self.solver is not None
            and self.last_obj is not None
            and not self.last_coverable
            and self._within(self.last_obj, bound)
        ):
            self.solver.stop_search()


@dataclass
class _Run:
    status: int
    val: list[int]
    objective: float
    bound: float
    withheld: int = 0


def _cpsat(
    c: _Ctx,
    settings: SolverSettings,
    time_limit_s: float | None,
    hint: dict[int, int],
    lower: float = -math.inf,
    reach: _Reach | None = None,
) -> _Run:
    """Solve with CP-SAT; time limit, workers and seed are set on the solver's parameters.

    ``time_limit_s`` None sets no wall-clock limit: reproducible mode, where one worker stopped by
    ``max_deterministic_time`` (or the gap) gives the same answer for the same seed under any machine
    load. Several workers, or a wall-clock limit, may not.
    """
    model, xs = c.lp.to_cpsat()
    for i, v in hint.items():
        model.add_hint(xs[i], v)
    solver = cp_model.CpSolver()
    prm = solver.parameters
    if time_limit_s is not None:
        prm.max_time_in_seconds = float(time_limit_s)
    elif settings.deterministic_time is None:  # a bug: nothing would stop the search
        raise ValueError("CP-SAT needs a wall-clock or a deterministic time limit")
    prm.num_workers = int(settings.workers)
    prm.random_seed = int(settings.seed)
    if settings.deterministic_time is not None:
        prm.max_deterministic_time = float(settings.deterministic_time)
    prm.relative_gap_limit = 0.0  # the callback stops on the gap, shortfall permitting
    prm.log_search_progress = False
    cb = _StopAtGap(lower, settings.target_gap, c, reach, xs)
    cb.solver = solver
    solver.best_bound_callback = cb.on_bound
    status = solver.solve(model, cb)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Run(status, [], math.nan, math.nan, cb.withheld)
    return _Run(
        status,
        [int(solver.value(x)) for x in xs],
        solver.objective_value,
        solver.best_objective_bound,
        cb.withheld,
    )


def _place_shift(c: _Ctx, reach: _Reach, dt: ShiftKey, cov: list[int], need: list[int]):
    """One more shift ``dt`` on top of coverage ``cov``: each break in turn goes to the offset that costs
    least (shortfall, then surplus penalty; ties: earliest offset). Returns (short agent-minutes it
    removes, y vars of its breaks, {slot: new coverage})."""
    pen_s = math.ceil(c.costs.shortfall_fen_per_agent_hour / 60)
    pen_u = math.ceil(c.costs.surplus_fen_per_agent_hour / 60)

    def pen(t: int, x: int) -> int:
        return pen_s * max(0, need[t] - x) + pen_u * max(0, x - need[t])

    new = {t: cov[t] + mm for t, mm in reach.presence[dt].items()}
    ys = []
    for opts in reach.breaks[dt]:
        _o, vec, y = min(
            opts, key=lambda o: (sum(pen(t, new[t] - mm) - pen(t, new[t]) for t, mm in o[1].items()), o[0])
        )
        for t, mm in vec.items():
            new[t] -= mm
        ys.append(y)
    gain = sum(max(0, need[t] - cov[t]) - max(0, need[t] - x) for t, x in new.items())
    return gain, ys, new


def _close_shortfall(c: _Ctx, reach: _Reach, val: list[int]) -> int:
    """Deterministic repair after the solve: while some interval is short and one more tour (of an
    anonymous pool, or an unused named agent's allowed tour) covers it, add the tour that removes the
    most short agent-minutes (ties: the cheapest, then the lowest variable index), its breaks placed
    where they hurt least. ``val`` is updated in place and stays a feasible point of the model (cover
    only grows, so floor rows hold; shortfall/surplus are recomputed). Returns the tours added."""
    im = c.demand.interval_min
    need = [c.demand.need[t] * im - c.frozen_min[t] for t in range(c.demand.n_slots)]
    cov = [sum(val[v] * k for v, k in c.cover_terms.get(t, [])) for t in range(c.demand.n_slots)]
    used: dict[int, int] = defaultdict(int)
    for key, v in c.n.items():
        used[key[0]] += val[v]
    added = 0
    while True:
        short = [t for t in range(c.demand.n_slots) if cov[t] < need[t]]
        shifts = sorted({dt for t in short for dt in reach.by_slot.get(t, ())}, key=lambda dt: c.m[dt])
        if not shifts:
            break
        placed = {dt: _place_shift(c, reach, dt, cov, need) for dt in shifts}
        keys = sorted({key for dt in shifts for key in reach.tours_of[dt]}, key=lambda k: c.n[k])
        best = None
        for key in keys:
            if not _has_room(c, key, val[c.n[key]], used):
                continue
            gain = sum(placed[dt][0] for dt in reach.days_of[key] if dt in placed)
            rank = (-gain, c.lp.objective.get(c.n[key], 0), c.n[key])
            if gain > 0 and (best is None or rank < best[0]):
                best = (rank, key)
        if best is None:
            break
        key = best[1]
        val[c.n[key]] += 1
        used[key[0]] += 1
        added += 1
        for dt in reach.days_of[key]:  # the days of one tour never share a slot (shifts < 24 h)
            _g, ys, new = placed[dt] if dt in placed else _place_shift(c, reach, dt, cov, need)
            val[c.m[dt]] += 1
            for y in ys:
                val[y] += 1
            for t, x in new.items():
                cov[t] = x
    if added:
        for t in range(c.demand.n_slots):
            val[c.short[t]] = max(0, need[t] - cov[t])
            val[c.surplus[t]] = max(0, cov[t] - need[t])
    return added


def _translate(small: _Ctx, val: list[int], full: _Ctx) -> dict[int, int]:
    """Map a solution of the restricted model onto the full model's variables (a complete hint)."""
    hint = {v: 0 for v in full.n.values()}
    for key, v in small.n.items():
        hint[full.n[key]] = val[v]
    for key, v in full.m.items():
        hint[v] = val[small.m[key]] if key in small.m else 0
    for key, v in full.y.items():
        hint[v] = val[small.y[key]] if key in small.y else 0
    for t, v in enumerate(full.short):
        hint[v] = val[small.short[t]]
        hint[full.surplus[t]] = val[small.surplus[t]]
    return hint


# ---------------------------------------------------------------------------- solve


def solve_roster(
    demand: WeekDemand,
    rules: ShiftRules,
    costs: CostRates = CostRates(),  # noqa: B008 (frozen)
    settings: SolverSettings = SolverSettings(),  # noqa: B008 (frozen)
    agents: tuple[Agent, ...] | None = None,
    frozen_pools: tuple[Pool, ...] = (),
    frozen_min: list[int] | None = None,
    frozen_days: tuple[bool, ...] = (False,) * WEEK_DAYS,
    cyclic: bool = True,
    premium_cap_min: int | None = None,
) -> ScheduleResult:
    """Build the aggregate model, bound it with GLOP, solve it with CP-SAT, close any shortfall that more
    staff can cover, and decompose into people.

    The week's tours follow its calendar (:mod:`planner.scheduling.rota`: days, hours, shifts inside the
    window, each tour priced by the calendar date of its hours); ``premium_cap_min``: the week's share of
    the 36 h a month of premium hours a tour may carry (:func:`planner.scheduling.rota.premium_caps`).
    ``frozen_min``: agent-minutes of work per slot that are fixed (published days; in a later week of a
    chained horizon also the previous week's shifts that run into this week's first hours, see
    :func:`planner.scheduling.roster.carry_in_from_schedule`). ``cyclic`` (default): the week wraps, a
    last-day shift's minutes past the week end cover the same week's first hours (the week before is
    assumed rostered like this one). ``cyclic=False``: those minutes go to the next week (or, past the
    horizon end, to the next plan) and count nowhere in this model -- the coverage rows, the floor, the
    feasibility explanation, the heuristic, the gap callback and the shortfall repair all use the same
    slots.

    Reproducible mode (one worker and ``deterministic_time``, see :class:`SolverSettings`) reads the clock
    for no decision: GLOP and the dives are limited by work, CP-SAT by ``max_deterministic_time`` (and the
    gap, judged on its deterministic search) and by no wall-clock limit; ``time_limit_s`` is not used."""
    t0 = time.perf_counter()
    rota, tours, notes = rota_tours(rules, demand, costs, premium_cap_min)
    if not tours and any(demand.need):
        raise PlannerInputError(
            f"week of {demand.week_start:%Y-%m-%d}: no weekly tour is legal ({rota.min_days}-{rota.max_days} "
            f"days on the {sum(rota.open_days)} open day(s), at most {rota.max_week_work_min / 60:g} h"
            + ("" if premium_cap_min is None else f", premium hours at most {premium_cap_min / 60:g} h")
            + f"): relax {rules.name('shift_hours')}, {rules.name('min_rest')} or {rules.name('days_per_week')}"
        )
    frozen_min = list(frozen_min) if frozen_min is not None else [0] * demand.n_slots
    active = tuple(not f for f in frozen_days)
    unrostered: tuple[str, ...] = ()
    if agents is not None:
        pools, no_skill = agent_pools(agents, tours, rules, demand.channels)
        if no_skill:
            notes.append(f"{len(no_skill)} agent(s) lack every channel's skill and are not rostered")
        unrostered = no_skill
        frozen_ids = {a for p in frozen_pools for a in p.agent_ids}
        pools = tuple(
            Pool(p.name, len(ids), p.tours, ids, active, False)
            for p in pools
            if (ids := tuple(a for a in p.agent_ids if a not in frozen_ids))
        )
    else:
        # anonymous new tours may not work published (frozen) days
        allowed = tuple(
            i for i, t in enumerate(tours) if not any(t.days[d] and frozen_days[d] for d in range(WEEK_DAYS))
        )
        pools = (Pool("anonymous", None, allowed, (), active, False),)
    pools = pools + tuple(frozen_pools)
    explain_uncoverable(demand, rules, costs, tours, pools, frozen_min, cyclic)

    c = _build(demand, rules, costs, tours, pools, frozen_min, cyclic, rota)
    repro = reproducible(settings)
    lp_bound = None
    lp_values = None
    if settings.lp_bound:
        if repro:  # GLOP's deterministic work, not the clock, bounds the LP and every dive re-solve
            lp = c.lp.solve_lp(deterministic_s=settings.deterministic_time)
        else:
            lp = c.lp.solve_lp(time_limit_s=max(1.0, settings.time_limit_s * 0.5 - (time.perf_counter() - t0)))
        if lp is not None:
            lp_bound, lp_values = lp
    hint: dict[int, int] = {}
    if lp_values is not None and settings.heuristic:
        # the LP gets up to half of the time limit, LP and dives together up to 60 %; reproducible mode
        # dives with every threshold instead
        good = lp_bound / (1 - settings.target_gap) if lp_bound is not None else -math.inf
        hint = best_dive(c, None if repro else t0 + settings.time_limit_s * 0.6, good) or {}
    # reproducible mode: max_deterministic_time stops CP-SAT, never the clock (a wall-clock stop would make
    # the roster depend on the machine's load)
    cap = None if repro else max(0.5, settings.time_limit_s - (time.perf_counter() - t0))
    lp_lower = math.ceil(lp_bound - 1e-6) if lp_bound is not None else -math.inf
    reach = _reach(c)
    run = _cpsat(c, settings, cap, hint, lp_lower, reach)
    status, val, objective_f, cpsat_bound = run.status, run.val, run.objective, run.bound
    name = {
        cp_model.OPTIMAL: "OPTIMAL",
        cp_model.FEASIBLE: "FEASIBLE",
        cp_model.INFEASIBLE: "INFEASIBLE",
        cp_model.MODEL_INVALID: "MODEL_INVALID",
    }.get(status, "UNKNOWN")
    if status == cp_model.INFEASIBLE:
        raise RosterFailure(
            "infeasible",
            f"the rules cannot be met: the floor of {costs.min_staff} agent(s) per open interval is "
            "infeasible with these breaks, days off and agent limits (lower "
            f"{rules.name('min_staff')} or widen the start times, {rules.name('earliest_start')} and "
            f"{rules.name('latest_start')})"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and hint and c.lp.feasible(hint):
        # CP-SAT ran out of time before loading the hint: the heuristic roster is complete and feasible
        status, val, cpsat_bound = cp_model.FEASIBLE, [hint[i] for i in range(c.lp.n_vars)], -math.inf
        objective_f = sum(c.lp.objective.get(i, 0) * v for i, v in enumerate(val))
        notes.append("CP-SAT found nothing in time; the roster is the LP-diving heuristic's")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        budget = (
            f"the deterministic time {settings.deterministic_time:g} (solver.deterministic_time)" if repro
            else f"the time limit of {settings.time_limit_s:g} s ({rules.name('time_limit_s')})"
        )
        raise RosterFailure(
            "model_invalid" if status == cp_model.MODEL_INVALID else "no_solution",
            f"no roster found within {budget} ({name}); allow more time"
        )
    before = val[:]
    added = _close_shortfall(c, reach, val)
    if added:
        if not c.lp.feasible(dict(enumerate(val))):  # a bug, not bad input
            raise RuntimeError("the shortfall repair broke the roster model")
        closed = sum(before[v] - val[v] for v in c.short) / 60
        objective_f = sum(c.lp.objective.get(i, 0) * v for i, v in enumerate(val))
        notes.append(
            f"{added} tour(s) added after the solve to close {closed:g} agent-hour(s) of shortfall "
            "that more staff could cover"
        )
    objective = round(objective_f)
    lower = max(cpsat_bound, math.ceil(lp_bound - 1e-6) if lp_bound is not None else -math.inf)
    gap = 0.0 if objective <= 0 else max(0.0, (objective - lower) / objective)
    # CP-SAT says OPTIMAL once within relative_gap_limit: call it optimal only when the bound proves it
    name = "OPTIMAL" if lower >= objective else "FEASIBLE"

    taken = frozenset(a for p in pools for a in p.agent_ids)
    agents_out = _decompose(c, val, agents, taken)
    rostered = {a.agent_id for a in agents_out}
    if agents is not None:
        unrostered = unrostered + tuple(a.agent_id for a in agents if a.agent_id not in rostered)

    im = demand.interval_min
    cover = []
    for t in range(demand.n_slots):
        cover.append(sum(val[v] * k for v, k in c.cover_terms.get(t, [])) + frozen_min[t])
    short_by_slot = [max(0, demand.need[t] * im - cover[t]) for t in range(demand.n_slots)]
    short = sum(short_by_slot)
    if short:
        notes.append(_shortfall_note(short_by_slot, demand, agents is not None))
    surplus = sum(max(0, cover[t] - demand.need[t] * im) for t in range(demand.n_slots))
    paid_min = 0
    for a in agents_out:
        if a.tour is not None:
            paid_min += (
                sum(1 for d in range(WEEK_DAYS) if a.tour.days[d] and a.active_days[d])
                * a.tour.template.paid_min
            )
        paid_min += sum(f.paid_min for f in a.frozen)
    return ScheduleResult(
        status=name,
        objective_fen=objective,
        lp_bound_fen=lp_bound,
        cpsat_bound_fen=cpsat_bound,
        lower_bound_fen=lower,
        gap=gap,
        paid_hours=paid_min / 60,
        required_hours=sum(demand.need) * im / 60,
        shortfall_agent_hours=short / 60,
        surplus_agent_hours=surplus / 60,
        coverage_min=tuple(cover),
        agents=tuple(agents_out),
        time_limit_s=settings.time_limit_s,
        workers=settings.workers,
        seed=settings.seed,
        wall_s=time.perf_counter() - t0,
        n_tour_vars=len(c.n),
        unrostered=unrostered,
        notes=tuple(notes),
        objective_terms_fen=objective_terms(c, val),
    )


def _shortfall_note(short_by_slot: list[int], demand: WeekDemand, named: bool) -> str:
    """The plain sentence the CLI prints for a shortfall left in the roster."""
    slots = [t for t, x in enumerate(short_by_slot) if x > 0]
    hours = sum(short_by_slot) / 60
    why = (
        "no unrostered agent has an allowed shift that works then"
        if named
        else "no allowed shift can add cover then"
    )
    return (
        f"{round(hours, 2):g} agent-hours short in {len(slots)} interval(s) "
        f"(first {demand.slot_start(slots[0]):%Y-%m-%dT%H:%M}): {why}: {_ranges(slots, demand)}"
    )


def _duty(tour: Tour, weekend_days: tuple[int, ...], rules: ShiftRules) -> tuple[int, int]:
    wk = sum(1 for d in weekend_days if tour.days[d])
    night = tour.n_days if tour.template.night_min(rules) > 0 else 0
    return wk, night


def _decompose(
    c: _Ctx, val: list[int], agents: tuple[Agent, ...] | None, taken_ids: frozenset[str] = frozenset()
) -> list[AgentTour]:
    """Turn counts into people: tours to agents (fair shares of weekend/night duty), breaks to shifts."""
    weekend = tuple(d for d in range(WEEK_DAYS) if (c.demand.week_start.weekday() + d) % 7 >= 5)
    by_id = {a.agent_id: a for a in agents} if agents else {}
    people: list[tuple[str, Tour | None, tuple[bool, ...], tuple[FrozenShift, ...]]] = []
    anon = 0
    for p, pool in enumerate(c.pools):
        chosen: list[Tour] = []
        for ti in pool.tours:
            v = c.n.get((p, ti))
            if v is not None:
                chosen.extend([c.tours[ti]] * val[v])
        if pool.size is None:
            for tour in chosen:
                anon += 1
                while f"A{anon:04d}" in taken_ids:
                    anon += 1
                people.append((f"A{anon:04d}", tour, pool.active_days, ()))
            continue
        if pool.frozen:
            # frozen pools hold exactly one agent (their published days are personal)
            for aid, tour in zip(pool.agent_ids, chosen, strict=False):
                people.append(
                    (aid, tour, pool.active_days, tuple(f for f in pool.frozen if f.agent_id == aid))
                )
            continue
        # Fairness: the heaviest weekend/night tours go to the agents with the least such duty so far.
        chosen.sort(key=lambda t: (_duty(t, weekend, c.rules), t.template.start_min, t.days), reverse=True)
        ids = sorted(
            pool.agent_ids,
            key=lambda a: (
                by_id[a].weekend_days_before + by_id[a].night_shifts_before if a in by_id else 0,
                a,
            ),
        )
        for aid, tour in zip(ids, chosen, strict=False):
            people.append((aid, tour, pool.active_days, ()))
    # Breaks: hand out the placement counts of each (day, template) to the people working it, in order.
    queue: dict[tuple[int, ShiftTemplate, int], list[int]] = defaultdict(list)
    for (d, tmpl, b, off), v in sorted(
        c.y.items(), key=lambda kv: (kv[0][0], kv[0][1].start_min, kv[0][1].length_min, kv[0][2], kv[0][3])
    ):
        queue[(d, tmpl, b)].extend([off] * val[v])
    out = []
    for aid, tour, active, frozen in sorted(people, key=lambda x: x[0]):
        brk = []
        if tour is not None:
            for d in range(WEEK_DAYS):
                if tour.days[d] and active[d]:
                    placed = []
                    for b, rule in enumerate(tour.template.breaks):
                        off = queue[(d, tour.template, b)].pop(0)
                        placed.append((rule.name, off, rule.duration_min, rule.paid))
                    brk.append((d, tuple(placed)))
        out.append(AgentTour(aid, tour, active, tuple(brk), frozen))
    return out
