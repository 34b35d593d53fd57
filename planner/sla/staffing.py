"""Service-level-aware staffing: staff to the target the contract measures, checked by simulation.

Per-interval Erlang staffing treats each interval as a steady state and meets the target in every
interval separately. Contracts usually measure the service level over a day or a month ("80 % of the
day's calls answered within 20 s"), often with a reliability clause ("on at least 95 % of days").
This module searches per-interval staffing levels for that target:

1. **Allocation** (analytic). For each period (day, week, month, or each interval) and a working target
   ``t``, start every interval at its floor (stable, and meeting the per-interval service-level floor)
   and add agents one at a time where the Erlang model says they raise the period's answered-within-T
   calls the most, until the period's predicted service level reaches ``t``. With a service level concave
   in the agents this greedy marginal analysis is optimal for one period (Koole & van der Sluis 2003,
   "Optimal shift scheduling with a global service level constraint", IIE Transactions 35(11)).
2. **Realisation** (the seam). ``realise(requirements) -> staffing`` turns the requirements into the agents
   actually at work: whole agents per interval, a :class:`~planner.simulation.Roster` (shifts with
   breaks, simulated as such; paid hours are then its ``work`` hours) or a :class:`Realised` (a roster
   with its paid hours). :func:`staff_exactly` is the identity; ``planner.sla.roster.roster_realiser``
   runs the CP-SAT weekly scheduler, so the roster's surplus is free capacity in the simulation.
3. **Check** (simulation). The staffing is simulated against common random numbers (the same calls every
   iteration) and the target is measured the contract's way. Each period's working target ``t`` is then
   raised or lowered by bisection until the period just passes; intervals whose simulated service level
   falls below the floor get a higher floor. The fewest paid hours among the plans that passed is kept.

The allocation of step 1 is one search family (``search="marginal"``); the other (``"erlang"``) staffs
every interval to per-interval Erlang at the period's working target ``t`` (``t`` = the target is plain
per-interval staffing), a shape a shift roster covers cheaply; ``"both"`` keeps the cheapest passing plan.

Paid hours are agent-hours of the staffing profile (sum of agents x interval length), before shrinkage.
The target is the contract's :class:`~planner.domain.ServiceTarget`. With a ``confidence`` the chance
constraint is applied per period: a period passes when it meets the service level in at least
``confidence`` of the replications (without one, when its expected service level does); the plan
passes when at least ``min_share`` of the periods pass and no interval is under the ``floor``. The
search raises every failing period's working target, so a plan it finds usually passes every period.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.domain import ServiceTarget
from planner.errors import FieldError, PlannerInputError
from planner.queueing import evaluate, required_agents
from planner.simulation import (
    CallDraw,
    CallStreams,
    Roster,
    SimulationResult,
    Workload,
    period_labels,
    roster_from_staffing,
    simulate_streams,
)


@dataclass(frozen=True)
class Realised:
    """What a realisation produced: the roster to simulate, its paid hours [h] (which may exceed its
    ``work`` hours: paid short breaks) and anything the caller wants back (e.g. the schedule rows)."""

    roster: Roster
    paid_hours: float
    detail: Any = None


Realise = Callable[[np.ndarray], "np.ndarray | Roster | Realised"]


def _realised(
    out: np.ndarray | Roster | Realised, req: np.ndarray, workload: Workload
) -> tuple[Roster, np.ndarray, float, Any]:
    """The roster to simulate, agents at work per interval, paid hours and detail of what ``realise``
    returned."""
    if isinstance(out, Realised):
        staffed = out.roster.staffed_s(workload.interval_s, workload.n_intervals) / workload.interval_s
        return out.roster, staffed, float(out.paid_hours), out.detail
    if isinstance(out, Roster):
        staffed = out.staffed_s(workload.interval_s, workload.n_intervals) / workload.interval_s
        return out, staffed, out.work_hours(), None
    staff = np.asarray(out)
    if staff.shape != req.shape or np.any(staff < 0) or np.any(staff != np.round(staff)):
        raise PlannerInputError("realise must return a Roster or whole agents >= 0 for every interval")
    staff = staff.astype(np.int64)
    return roster_from_staffing(staff, workload.interval_min), staff, paid_hours(staff, workload.interval_min), None


def staff_exactly(requirements: np.ndarray) -> np.ndarray:
    """The identity realisation: exactly the required agents at work in every interval."""
    return np.asarray(requirements, dtype=np.int64).copy()


@dataclass(frozen=True)
class TargetCheck:
    """A simulated staffing measured against a :class:`ServiceTarget`.

    ``share_met[g]``: share of replications in which period ``g`` reached the target;
    ``share_met_all``: share of all simulated periods that did; ``period_sl[g]``: expected service
    level of the period (pooled over replications); ``worst_period_sl``: the lowest service level of
    any simulated period; ``interval_sl``: expected service level per interval (nan without calls).
    """

    labels: tuple[str, ...]
    share_met: np.ndarray
    share_met_all: float
    period_sl: np.ndarray
    worst_period_sl: float
    worst_period_label: str
    interval_sl: np.ndarray
    worst_interval_sl: float
    worst_interval: int
    below_floor: np.ndarray  # indices of intervals under the floor
    period_ok: np.ndarray
    met: bool


def check_target(result: SimulationResult, target: ServiceTarget) -> TargetCheck:
    """Measure a simulation the contract's way (see :class:`ServiceTarget`)."""
    labels, s = result.group_sums(target.period)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = s["answered_within"] / s["offered"]  # [replications, periods]
        pooled = s["answered_within"].sum(0) / s["offered"].sum(0)
        interval_sl = result.answered_within.sum(0) / result.offered.sum(0)
    sl = searchable_sl(target)
    met = np.where(np.isfinite(reps), reps >= sl - 1e-12, True)
    share = met.mean(axis=0)
    if target.confidence is not None:
        ok = share >= target.confidence - 1e-12
    else:
        ok = np.where(np.isfinite(pooled), pooled >= sl - 1e-12, True)
    floor = target.floor
    below = (
        np.flatnonzero(np.isfinite(interval_sl) & (interval_sl < floor - 1e-12))
        if floor is not None
        else np.zeros(0, dtype=np.int64)
    )
    finite = np.where(np.isfinite(reps), reps, np.inf)
    flat = int(np.argmin(finite))
    worst_period = float(finite.ravel()[flat]) if np.isfinite(finite.ravel()[flat]) else math.nan
    isl = np.where(np.isfinite(interval_sl), interval_sl, np.inf)
    wi = int(np.argmin(isl))
    return TargetCheck(
        labels=tuple(labels),
        share_met=share,
        share_met_all=float(met.mean()),
        period_sl=pooled,
        worst_period_sl=worst_period,
        worst_period_label=labels[flat % len(labels)],
        interval_sl=interval_sl,
        worst_interval_sl=float(interval_sl[wi]) if np.isfinite(isl[wi]) else math.nan,
        worst_interval=wi,
        below_floor=below,
        period_ok=ok,
        met=bool(ok.mean() >= target.min_share - 1e-12 and below.size == 0),
    )


def searchable_sl(target: ServiceTarget) -> float:
    """The target's service level, which a simulated search needs: in (0, 1), with an answer time."""
    if target.sl is None:
        raise FieldError("sl", "is required: a service-level search needs a target (e.g. 0.8)")
    if target.answer_s is None:
        raise FieldError("answer_s", "is required: the T of 'sl answered within T s'")
    if not 0 < target.sl < 1:
        raise FieldError("sl", f"must be in (0, 1), got {target.sl}")
    return float(target.sl)


@dataclass(frozen=True)
class SLStaffingResult:
    """The outcome of :func:`sl_aware_staffing`.

    ``staffing``: agents at work per interval (after ``realise``; a mean over the interval when it
    returned a roster); ``requirements``: what was asked of
    ``realise``; ``check``: the plan measured on the search's own common random numbers (evaluate it
    on fresh seeds for an unbiased figure); ``met`` False with ``reason`` when no evaluated plan passed.
    """

    staffing: np.ndarray
    requirements: np.ndarray
    paid_hours: float
    check: TargetCheck
    met: bool
    reason: str
    iterations: int
    history: tuple[tuple[float, float, bool], ...]  # (paid hours, share of periods met, met) per iteration
    roster: Roster | None = None  # what was simulated
    detail: Any = None  # what the realisation handed back (the schedule, for a rostered plan)


def erlang_requirements(
    workload: Workload,
    *,
    sl: float,
    answer_s: float,
    model: str = "erlang-c",
    patience_s: float | None = None,
    max_occupancy: float = 1.0,
) -> np.ndarray:
    """Plain per-interval staffing: fewest agents meeting ``sl`` within ``answer_s`` in every interval."""
    return required_agents(
        workload.calls,
        workload.interval_min,
        workload.aht_s,
        answer_s,
        sl_target=sl,
        max_occupancy=max_occupancy,
        model=model,
        patience_s=patience_s,
    ).agents.astype(np.int64)


def paid_hours(staffing: np.ndarray, interval_min: int) -> float:
    """Agent-hours of a per-interval staffing profile [h]."""
    return float(np.sum(staffing) * interval_min / 60.0)


def _sl_table(
    workload: Workload, calls: np.ndarray, answer_s: float, n_max: int, model: str, patience_s: float | None
) -> np.ndarray:
    """Erlang service level of every interval for 0..n_max agents: array [intervals, n_max + 1]."""
    n = np.arange(n_max + 1, dtype=float)[None, :]
    m = evaluate(
        calls[:, None],
        workload.interval_min,
        workload.aht_s[:, None],
        answer_s,
        n,
        model=model,
        patience_s=patience_s,
    )
    return m.service_level


def _allocate(
    table: np.ndarray, calls: np.ndarray, groups: list[np.ndarray], targets: np.ndarray, n_min: np.ndarray
) -> np.ndarray:
    """Greedy marginal analysis per period: add agents where they add the most answered-within-T calls.

    Each step adds the block of agents with the best gain per agent in one interval, i.e. the greedy
    works on the concave majorant of each interval's curve (Erlang A's service level is convex in the
    agents below the load, where one agent at a time would look worthless); the last block stops at the
    first agent that reaches the target. Optimal for concave curves, near-optimal otherwise.
    """
    n = n_min.copy()
    top = table.shape[1] - 1

    def best(k: int) -> tuple[float, int]:
        j = np.arange(1, top - n[k] + 1)
        rate = calls[k] * (table[k, n[k] + j] - table[k, n[k]]) / j
        i = int(np.argmax(rate))
        return float(rate[i]), int(j[i])

    for g, idx in enumerate(groups):
        total = calls[idx].sum()
        if total <= 0:
            continue
        need = min(targets[g], 0.9999) * total
        have = float(np.sum(calls[idx] * table[idx, n[idx]]))
        heap = []
        for k in idx:
            if n[k] < top:
                rate, j = best(int(k))
                heap.append((-rate, int(k), j))
        heapq.heapify(heap)
        while have < need - 1e-9 and heap:
            _, k, j = heapq.heappop(heap)
            gains = calls[k] * (table[k, n[k] + 1 : n[k] + j + 1] - table[k, n[k]])
            enough = np.flatnonzero(have + gains >= need - 1e-9)
            if enough.size:
                j = int(enough[0]) + 1
            have += float(gains[j - 1])
            n[k] += j
            if n[k] < top:
                rate, j = best(k)
                heapq.heappush(heap, (-rate, k, j))
    return n


def _design_volume(
    workload: Workload, calls: CallStreams | CallDraw, groups: list[np.ndarray], target: ServiceTarget
) -> np.ndarray:
    """Volume multiplier per interval: the ``confidence`` quantile of its period's drawn volume factor."""
    day = workload.day_index()
    q = np.ones(workload.n_intervals)
    if target.confidence is None or calls.day_factor.size == 0:
        return q
    factor = calls.day_factor[:, day]  # [replications, intervals]
    for idx in groups:
        w = workload.calls[idx]
        per_rep = factor[:, idx] @ w / w.sum() if w.sum() > 0 else np.ones(calls.replications)
        q[idx] = max(1.0, float(np.quantile(per_rep, target.confidence)))
    return q


def sl_aware_staffing(
    workload: Workload,
    target: ServiceTarget,
    calls: CallStreams | CallDraw,
    *,
    model: str = "erlang-c",
    patience_s: float | None = None,
    realise: Realise = staff_exactly,
    max_iterations: int = 30,
    tolerance: float = 0.002,
    design_for_volume: bool = True,
    search: str = "marginal",
) -> SLStaffingResult:
    """Fewest paid hours whose simulated service level meets ``target`` (see the module docstring).

    ``calls`` are the common random numbers every candidate is simulated against (draw them with
    :func:`planner.simulation.draw_calls`, or stream them with :class:`planner.simulation.CallDraw` when they
    need not fit in memory, with the day-level volume uncertainty the plan must absorb).
    ``model``/``patience_s`` choose the analytic model that steers the allocation; the simulation uses
    the patience drawn into ``calls``. ``design_for_volume``: allocate for the period's design volume,
    the ``confidence`` quantile of the day-level volume factors drawn into ``calls`` (a chance constraint
    on a service level that falls with volume is met by meeting it at that quantile, the
    quantile staffing under arrival-rate uncertainty reviewed by Gans, Koole & Mandelbaum 2003,
    "Telephone call centers: tutorial, review, and research prospects", MSOM 5(2)), so the agents go
    where they help on the busy days that decide the constraint. ``search``: ``"marginal"``,
    ``"erlang"`` or ``"both"`` families of plans (module docstring); ``max_iterations`` is per family.
    """
    if max_iterations < 1:
        raise PlannerInputError(f"max_iterations must be >= 1, got {max_iterations}")
    if search not in ("marginal", "erlang", "both"):
        raise PlannerInputError(f"search must be marginal, erlang or both, got {search!r}")
    longer = (calls.workload.n_intervals > workload.n_intervals if isinstance(calls, CallDraw)
              else calls.interval.size and int(calls.interval.max()) >= workload.n_intervals)
    if longer:
        raise PlannerInputError("calls: drawn for a longer workload than the one given")
    sl = searchable_sl(target)
    labels = period_labels(workload, target.period)
    uniq = list(dict.fromkeys(labels))
    group_of = np.array([uniq.index(lab) for lab in labels], dtype=np.int64)
    groups = [np.flatnonzero(group_of == g) for g in range(len(uniq))]
    design = workload.calls * (_design_volume(workload, calls, groups, target) if design_for_volume else 1.0)
    design_load = design * workload.aht_s / workload.interval_s
    stable = (
        np.where(design_load > 0, np.floor(design_load).astype(np.int64) + 1, 0)
        if model == "erlang-c"
        else np.where(design_load > 0, 1, 0).astype(np.int64)
    )
    n_min = stable.copy()
    if target.floor:
        floor_req = erlang_requirements(
            workload,
            sl=target.floor,
            answer_s=target.answer_s,
            model=model,
            patience_s=patience_s,
        )
        n_min = np.maximum(n_min, floor_req)
    ceiling = required_agents(
        design,
        workload.interval_min,
        workload.aht_s,
        target.answer_s,
        sl_target=0.9999,
        model=model,
        patience_s=patience_s,
    ).agents
    n_max = int(max(ceiling.max(initial=0), n_min.max(initial=0))) + 4
    table = _sl_table(workload, design, target.answer_s, n_max, model, patience_s)

    families = (search,) if search != "both" else ("marginal", "erlang")
    table_f = _sl_table(workload, workload.calls, target.answer_s, n_max, model, patience_s) if (
        "erlang" in families) else table
    state: dict[str, Any] = {"best": None, "last": None}
    realised: dict[bytes, tuple[Roster, np.ndarray, float, Any]] = {}  # a scheduler is slow: once per plan
    history: list[tuple[float, float, bool]] = []

    def bisect(allocate: Callable[[np.ndarray, np.ndarray], np.ndarray], n_min: np.ndarray) -> int:
        """Per-period bisection of the working target ``t`` (see the module docstring); returns iterations."""
        t = np.full(len(uniq), sl)
        lo = np.full(len(uniq), -np.inf)  # highest working target seen failing
        hi = np.full(len(uniq), np.inf)  # lowest working target seen passing
        step = np.full(len(uniq), 0.01)
        seen: set[bytes] = set()
        it = 0
        for it in range(1, max_iterations + 1):  # noqa: B007 - reported
            req = allocate(t, n_min)
            if req.tobytes() not in realised:
                realised[req.tobytes()] = _realised(realise(req), req, workload)
            roster, staff, hours, detail = realised[req.tobytes()]
            key = staff.tobytes() + n_min.tobytes()
            res = simulate_streams(workload, roster, calls, answer_s=target.answer_s)
            chk = check_target(res, target)
            history.append((hours, chk.share_met_all, chk.met))
            state["last"] = (hours, staff, req, chk, roster, detail)
            if chk.met and (state["best"] is None or hours < state["best"][0]):
                state["best"] = state["last"]
            floor_moved = chk.below_floor.size > 0
            n_min[chk.below_floor] += 1
            np.minimum(n_min, n_max, out=n_min)  # the table's last column: far above any useful staffing
            ok = chk.period_ok
            # bisection bounds; a result that contradicts an earlier one (simulation noise, or a
            # neighbouring period's change spilling over midnight) wins, and the stale bound is dropped
            hi = np.where(ok, np.minimum(hi, t), np.where(hi <= t, np.inf, hi))
            lo = np.where(~ok, np.maximum(lo, t), np.where(lo >= t, -np.inf, lo))
            if floor_moved:  # the floor changed the plan: searched targets must be re-checked
                hi = np.where(ok, hi, np.inf)
            converged = np.isfinite(hi) & ((hi - lo) <= tolerance)
            if converged.all() and chk.met and np.allclose(t, hi) and not floor_moved:
                break
            both = np.isfinite(lo) & np.isfinite(hi)
            up = ~np.isfinite(hi)
            new_t = np.where(both, (lo + hi) / 2, np.where(up, lo + step, hi - step))
            new_t = np.where(converged, hi, new_t)
            step = np.where(both, step, step * 2)
            t = np.clip(new_t, 0.05, 0.99995)
            if key in seen and converged.all() and not floor_moved and chk.met:  # a cycle, and a passing plan
                break
            seen.add(key)
        return it

    def marginal(t: np.ndarray, n_min: np.ndarray) -> np.ndarray:
        return _allocate(table, design, groups, t, n_min)

    def erlang(t: np.ndarray, n_min: np.ndarray) -> np.ndarray:
        return _erlang_family(table_f, t[group_of], n_min)

    it = 0
    for family in families:
        if family == "marginal":
            it += bisect(marginal, n_min.copy())
        else:
            it += bisect(erlang, floor_req.copy() if target.floor else np.zeros_like(n_min))
    best, last = state["best"], state["last"]
    if best is not None:
        hours, staff, req, chk, roster, detail = best
        return SLStaffingResult(staff, req, hours, chk, True, "", it, tuple(history), roster, detail)
    assert last is not None
    hours, staff, req, chk, roster, detail = last
    reason = (
        f"no plan met the target within {max_iterations} iterations (last: "
        f"{chk.share_met_all:.3f} of periods met, {chk.below_floor.size} intervals below the floor)"
    )
    return SLStaffingResult(staff, req, hours, chk, False, reason, it, tuple(history), roster, detail)


def _erlang_family(table: np.ndarray, t: np.ndarray, n_min: np.ndarray) -> np.ndarray:
    """Per-interval staffing for a working target: the fewest agents >= ``n_min`` whose Erlang service
    level reaches ``t`` in every interval (``t`` = the contract's target gives plain per-interval Erlang)."""
    n = np.arange(table.shape[1])[None, :]
    ok = (np.nan_to_num(table, nan=1.0) >= t[:, None] - 1e-12) & (n >= n_min[:, None])
    first = np.argmax(ok, axis=1)
    return np.where(ok.any(axis=1), first, table.shape[1] - 1).astype(np.int64)
