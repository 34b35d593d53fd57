"""The least-cost hiring plan: an OR-Tools MIP (SCIP through ``pywraplp``, one thread, gap 0).

For months t = 0..T-1 of the term (supply coefficients from :mod:`planner.capacity`):

* ``c_t`` integer in [0, classes_max_month]: classes starting in month t;
* ``x_t`` integer, ``class_size_min c_t <= x_t <= class_size_max c_t``: hires starting in month t;
* ``o_t >= 0``: overtime in FTE (174 paid hours each), ``o_t <= overtime_max_h_month / 174 x floor_t``;
* ``u_t >= 0``: the FTE short (priced at a large penalty, so an impossible requirement still gives a plan
  that shows where and by how much it is short);
* ``prod_t + o_t + u_t >= req_t``; idle = ``prod_t + o_t + u_t - req_t``.

Expected heads are linear in the hires: ``head_t = H0 (1-a)^t + sum_{s<=t} x_s S(t-s)`` with S the
survival of a hire, ``floor_t`` the same over hires past training, ``prod_t`` weighted by the ramp.

Objective (fen): ``sum_t head_fen head_t + overtime_fen o_t + hire_fen x_t + class_fen c_t + penalty u_t``
plus a tie-breaker of 1 fen x (T - t) per hire (later hiring when costs are equal). The gap is
``(objective - best bound) / objective`` on the solver's objective (the starting team's cost and the holiday
premium are constants outside it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.capacity import productivity, starting_headcount, supply, survival
from planner.domain import CapacityTerms
from planner.errors import PlannerInputError
from planner.labour import OVERTIME_WORKDAY_MULTIPLE, PAID_HOURS_PER_MONTH


@dataclass(frozen=True)
class Hiring:
    """The MIP's answer: status (OPTIMAL, FEASIBLE, ...), objective and best bound (fen, the solver's
    objective), the relative gap, and per month the classes, hires, overtime FTE, FTE short and idle FTE."""

    status: str
    objective_fen: float
    bound_fen: float
    gap: float
    classes: tuple[int, ...]
    hires: tuple[int, ...]
    overtime_fte: tuple[float, ...]
    short_fte: tuple[float, ...]
    idle_fte: tuple[float, ...]
    wall_s: float

    @property
    def optimal(self) -> bool:
        return self.status == "OPTIMAL"


def _clean(x: float) -> float:
    """A solver's value with its round-off (|x| < 1e-9 FTE, e.g. 1.4e-14) read as 0; never negative."""
    return 0.0 if x < 1e-9 else float(x)


def overtime_fen_per_fte(hourly_fen: float) -> float:
    """An FTE-month of overtime: 174 h at 150 % of the hourly base (Labour Law art. 44(1))."""
    return PAID_HOURS_PER_MONTH * OVERTIME_WORKDAY_MULTIPLE * hourly_fen


def solve_hiring(
    required_fte: Sequence[float],
    terms: CapacityTerms,
    *,
    headcount: float,
    head_fen_month: float,
    hourly_fen: float,
) -> Hiring:
    """The least-cost classes for ``required_fte`` (one value a month) from ``headcount`` at the start.

    ``head_fen_month``: a head's loaded cost a month (wage, employer contributions, seat, IT, overhead,
    support), trainees included; ``hourly_fen``: the hourly base of overtime pay. No wall-clock limit: the
    model is small (four variables a month, at most 36 months) and is solved to proof on one thread, so
    the plan is the same on any machine load."""
    from ortools.linear_solver import pywraplp

    t0 = time.perf_counter()
    T = len(required_fte)
    if T != terms.months:
        raise PlannerInputError(f"capacity: {T} months of requirement for a term of {terms.months}")
    req = np.asarray(required_fte, dtype=float)
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - SCIP ships with OR-Tools
        raise RuntimeError("OR-Tools has no SCIP solver")
    solver.SetNumThreads(1)
    cmax = terms.classes_max_month
    c = [solver.IntVar(0, cmax, f"c{t}") for t in range(T)]
    x = [solver.IntVar(0, terms.class_size_max * cmax, f"x{t}") for t in range(T)]
    o = [solver.NumVar(0, solver.infinity(), f"o{t}") for t in range(T)]
    u = [solver.NumVar(0, solver.infinity(), f"u{t}") for t in range(T)]
    cap = terms.overtime_max_h_month / PAID_HOURS_PER_MONTH
    surv = [survival(terms, k) for k in range(T)]
    prod = [productivity(terms, k) for k in range(T)]
    for t in range(T):
        solver.Add(x[t] >= terms.class_size_min * c[t])
        solver.Add(x[t] <= terms.class_size_max * c[t])
        h0 = starting_headcount(terms, headcount, t)
        floor = h0 + solver.Sum([x[s] * surv[t - s] for s in range(t + 1) if t - s >= terms.lead_time_months])
        productive = h0 + solver.Sum([x[s] * (surv[t - s] * prod[t - s]) for s in range(t + 1)
                                      if prod[t - s] > 0])
        solver.Add(o[t] <= cap * floor)
        solver.Add(productive + o[t] + u[t] >= float(req[t]))
    penalty = terms.short_penalty_fte_month * head_fen_month * T
    ot_fen = overtime_fen_per_fte(hourly_fen)
    hire_fen, class_fen = terms.hire_cost_cny * 100, terms.class_cost_cny * 100
    objective = solver.Sum(
        [x[s] * (head_fen_month * sum(surv[k] for k in range(T - s)) + hire_fen + (T - s)) for s in range(T)]
        + [c[t] * class_fen + o[t] * ot_fen + u[t] * penalty for t in range(T)]
    )
    solver.Minimize(objective)
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    code = solver.Solve(params)
    names = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
             pywraplp.Solver.INFEASIBLE: "INFEASIBLE", pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
             pywraplp.Solver.ABNORMAL: "ABNORMAL", pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED"}
    status = names.get(code, str(code))
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise PlannerInputError(f"capacity: the hiring MIP found no plan ({status})")
    obj = solver.Objective().Value()
    bound = solver.Objective().BestBound()
    gap = 0.0 if abs(obj) < 1e-9 else max(0.0, (obj - bound) / abs(obj))
    hires = tuple(round(v.solution_value()) for v in x)
    classes = tuple(round(v.solution_value()) for v in c)
    ot = tuple(_clean(v.solution_value()) for v in o)
    short = tuple(_clean(v.solution_value()) for v in u)
    # idle from the rounded hires (the solver's integers are integral within its tolerance)
    sup = supply(terms, headcount, hires)
    idle = tuple(_clean(sup.productive[t] + ot[t] + short[t] - req[t]) for t in range(T))
    return Hiring(status, obj, bound, gap, classes, hires, ot, short, idle, time.perf_counter() - t0)
