"""A solver-neutral integer linear program, exported to CP-SAT (the roster) and GLOP (its LP bound).

Building the model once and handing the same rows to both solvers guarantees that the LP relaxation
bounds exactly the model CP-SAT solves.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model


@dataclass
class LinearProgram:
    """Integer variables with bounds, linear rows ``lb <= sum(coef * var) <= ub``, a linear objective."""

    lbs: list[int] = field(default_factory=list)
    ubs: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[tuple[list[int], list[int], float, float]] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)
    dive_trace: list[float] = field(default_factory=list)
    _state: tuple | None = field(default=None, repr=False)
    _glop_work: float | None = field(default=None, repr=False)  # GLOP max_deterministic_time per solve

    def var(self, lb: int, ub: int, name: str) -> int:
        self.lbs.append(int(lb))
        self.ubs.append(int(ub))
        self.names.append(name)
        return len(self.lbs) - 1

    def row(self, idx: list[int], coef: list[int], lb: float, ub: float) -> None:
        self.rows.append((list(idx), [int(c) for c in coef], lb, ub))

    def cost(self, idx: int, fen: int) -> None:
        if fen:
            self.objective[idx] = self.objective.get(idx, 0) + int(fen)

    def feasible(self, values: dict[int, int]) -> bool:
        """Does a complete assignment satisfy every bound and row? (Used to trust a heuristic roster.)"""
        if len(values) != self.n_vars:
            return False
        if any(not self.lbs[i] <= v <= self.ubs[i] for i, v in values.items()):
            return False
        for idx, coef, lb, ub in self.rows:
            total = sum(c * values[i] for i, c in zip(idx, coef, strict=True))
            if not lb <= total <= ub:
                return False
        return True

    @property
    def n_vars(self) -> int:
        return len(self.lbs)

    def to_cpsat(self) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
        model = cp_model.CpModel()
        xs = [
            model.new_int_var(lo, hi, name)
            for lo, hi, name in zip(self.lbs, self.ubs, self.names, strict=True)
        ]
        inf = float("inf")
        for idx, coef, lb, ub in self.rows:
            expr = cp_model.LinearExpr.weighted_sum([xs[i] for i in idx], coef)
            if lb == ub:
                model.add(expr == int(lb))
            else:
                if lb > -inf:
                    model.add(expr >= int(lb))
                if ub < inf:
                    model.add(expr <= int(ub))
        keys = sorted(self.objective)
        model.minimize(
            cp_model.LinearExpr.weighted_sum([xs[i] for i in keys], [self.objective[i] for i in keys])
        )
        return model, xs

    def _glop(self) -> tuple[pywraplp.Solver, list[pywraplp.Variable], pywraplp.Objective]:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        inf = solver.infinity()
        xs = [solver.NumVar(lo, hi, "") for lo, hi in zip(self.lbs, self.ubs, strict=True)]
        for idx, coef, lb, ub in self.rows:
            ct = solver.Constraint(lb if lb > -float("inf") else -inf, ub if ub < float("inf") else inf)
            for i, c in zip(idx, coef, strict=True):
                ct.SetCoefficient(xs[i], ct.GetCoefficient(xs[i]) + c)
        obj = solver.Objective()
        for i, c in self.objective.items():
            obj.SetCoefficient(xs[i], c)
        obj.SetMinimization()
        if self._glop_work is not None:
            solver.SetSolverSpecificParametersAsString(f"max_deterministic_time: {self._glop_work!r}")
        return solver, xs, obj

    def solve_lp(
        self, time_limit_s: float | None = None, deterministic_s: float | None = None
    ) -> tuple[float, list[float]] | None:
        """LP relaxation with GLOP: (optimal objective, values), or None if GLOP finds no optimum in time.

        ``time_limit_s`` is a wall-clock limit (the answer may then depend on machine load);
        ``deterministic_s`` limits GLOP's deterministic work instead, for this solve and every re-solve of
        the later ``dive`` calls, so that the answer depends on the input only. GLOP runs on one thread.
        The solver is kept, so that ``dive`` starts warm from this optimal basis."""
        self._glop_work = None if deterministic_s is None else float(deterministic_s)
        solver, xs, obj = self._glop()
        if time_limit_s is not None:
            solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        self._state = (solver, xs)
        return obj.Value(), [x.solution_value() for x in xs]

    def dive(
        self,
        order: list[list[int]],
        batch_frac: float = 0.6,
        max_rounds: int = 400,
        deadline: float | None = None,
    ) -> list[float] | None:
        """LP diving (Berthold 2006, sec. 3.1): raise lower bounds to round up fractional variables, group
        by group, re-solving the LP warm from its last basis, until the groups are integral. Past
        ``deadline`` (``time.perf_counter``) it stops and returns the LP values as they are; without one it
        is bounded by ``max_rounds`` per group only (and by ``solve_lp``'s deterministic limit per re-solve).

        Returns the last LP's values (integral on the groups unless stopped) or None if the dive fails.
        """
        if self._state is None:
            solver, xs, _ = self._glop()
        else:  # the first dive starts warm from solve_lp's optimum; later dives start afresh
            (solver, xs), self._state = self._state, None

        def resolve() -> bool:
            return solver.Solve() == pywraplp.Solver.OPTIMAL

        if not resolve():
            return None
        for group in order:
            for _ in range(max_rounds):
                vals = [xs[i].solution_value() for i in group]
                frac = [(i, v - math.floor(v + 1e-7)) for i, v in zip(group, vals, strict=True)]
                frac = [(i, f) for i, f in frac if 1e-6 < f < 1 - 1e-7]
                if not frac:
                    break
                for i, v in zip(group, vals, strict=True):
                    if math.floor(v + 1e-7) > xs[i].lb():
                        xs[i].SetLb(math.floor(v + 1e-7))
                if deadline is not None and time.perf_counter() > deadline:
                    break  # out of time: the caller rounds what is left and repairs
                big = [i for i, f in frac if f >= batch_frac]
                if not big:
                    big = [max(frac, key=lambda it: it[1])[0]]
                value = dict(zip(group, vals, strict=True))
                for i in big:
                    xs[i].SetLb(math.ceil(value[i] - 1e-7))
                if not resolve():
                    return None
            else:
                return None
            self.dive_trace.append(solver.Objective().Value())
        return [x.solution_value() for x in xs]
