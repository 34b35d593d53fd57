"""Deferred work (email, tickets, social posts): fewest agent-hours meeting a working-hours deadline.

Model (fluid, conservative, documented in docs/staffing.md)
    * Intervals ``t = 0..T-1`` of ``interval_min`` minutes start at ``starts[t]``. The items arriving in
      interval t carry ``work_s[t]`` seconds of handling (items x AHT).
    * They are *released* at the end of their interval (nobody can answer an item before it arrives) and
      owed by ``d_t = due(starts[t], H)``: ``H`` working hours counted from the *start* of the interval.
      Both choices are on the safe side for every real arrival instant inside the interval.
    * ``x_u`` agents (integers) work the deferred queue during interval u. Only intervals entirely inside
      the coverage window count as capacity, ``x_u * interval_s`` seconds each (a partly open interval is
      staffed to the floor but its capacity is not relied on). Work is served first-in first-out; the
      team's capacity is pooled (an item's handling may continue across an interval boundary).
    * Backlog carries overnight and across holidays because deadlines count working time only. Items
      whose deadline falls after the last interval are left to the next plan (reported, not forced).

Feasibility (Hall's condition for divisible jobs with agreeable windows)
    Releases and deadlines both increase with t (``due`` is monotone), so FIFO = earliest deadline first
    and a staffing is feasible iff for every pair ``v <= t`` the capacity of the counted intervals in
    ``[v+1, p_t]`` covers the work of jobs ``v..t``, where ``p_t`` is the last interval ending by ``d_t``.
    With integer ``x`` this reads ``sum_{u in [v+1, p_t]} x_u >= b(v,t) = ceil(W[v..t] / interval_s)``.

Exact greedy ("as late as possible")
    Process jobs by ``p_t`` (non-decreasing) and add the largest deficit ``max_v b(v,t) - cover(v,t)``
    at the latest counted interval ``<= p_t``. Every constraint processed later has a right end
    ``>= p_t``, so if it contains any interval ``q <= p_t`` it also contains ``p_t``: a unit at ``p_t``
    covers every later constraint an earlier unit would, and the deficit is a lower bound on the units
    any solution needs in that range beyond those already placed. Hence the greedy total is minimal
    (the classic interval multi-cover argument; the constraint matrix has consecutive ones, so the LP
    relaxation with rounded-up demands is integral and the tests check the greedy against GLOP).
    Floors (``min_agents``) are a shift of variables and keep the argument. Every added unit is
    critical: remove one and the constraint that placed it is short by one agent-interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.calendar import ChineseCalendar, CoverageWindow, due, format_instant
from planner.errors import PlannerInputError

_EPS = 1e-9
_TOL_S = 1e-6  # agent-seconds of work treated as nothing in the replay (float rounding)


@dataclass(frozen=True)
class DeferredJob:
    """A batch of deferred work: released at ``release``, ``work_s`` seconds, owed by ``deadline``."""

    release: dt.datetime
    work_s: float
    deadline: dt.datetime
    items: float = 0.0  # number of items in the batch (for backlog counts; 0 = unknown)


@dataclass(frozen=True)
class DeferredPlan:
    """Result of :func:`deferred_requirements`."""

    agents: np.ndarray  # int per interval: agents on the deferred queue
    open_fraction: np.ndarray  # share of each interval inside the coverage window, in [0, 1]
    counted: np.ndarray  # bool: interval fully inside the window (its capacity is relied on)
    deadlines: tuple[dt.datetime, ...]  # due(start of interval, H) per interval
    carried_out_s: float  # work whose deadline falls after the horizon (left to the next plan)
    agent_hours: float


def interval_open_fraction(
    starts: Sequence[dt.datetime], interval_min: int, window: CoverageWindow, calendar: ChineseCalendar
) -> np.ndarray:
    """Share of each interval [start, start + interval_min) inside the window."""
    length = dt.timedelta(minutes=interval_min)
    out = np.zeros(len(starts))
    for i, s in enumerate(starts):
        e = s + length
        midnight = dt.datetime.combine(s.date(), dt.time())
        open_s = 0.0
        for day_mid in {midnight, dt.datetime.combine(e.date(), dt.time())}:
            for a, b in window.spans(day_mid.date(), calendar):
                lo = max(s, day_mid + dt.timedelta(minutes=a))
                hi = min(e, day_mid + dt.timedelta(minutes=b))
                if hi > lo:
                    open_s += (hi - lo).total_seconds()
        out[i] = open_s / length.total_seconds()
    return np.clip(out, 0.0, 1.0)


def deferred_requirements(
    starts: Sequence[dt.datetime],
    interval_min: int,
    work_s: np.ndarray,
    deadline_working_hours: float,
    window: CoverageWindow,
    calendar: ChineseCalendar | None = None,
    *,
    min_agents: int = 0,
    channel: str = "email",
    level: bool = True,
) -> DeferredPlan:
    """Fewest integer agents per interval so that FIFO service meets every working-hours deadline.

    ``work_s`` [s] per interval (items x aht_s); ``deadline_working_hours`` [h] of the window's open
    time; ``min_agents`` is a floor inside the window. Exact greedy: see the module docstring.
    With ``level`` (default) the plan is then flattened at equal agent-hours (the lowest peak, found by
    bisection on a per-interval cap); ``level=False`` returns the pure as-late-as-possible plan.
    Raises :class:`PlannerInputError` when some work cannot meet its deadline at any staffing.
    """
    calendar = calendar or ChineseCalendar()
    work = np.asarray(work_s, dtype=float)
    T = len(starts)
    if work.shape != (T,):
        raise PlannerInputError(f"{channel}: work_s has {work.size} values for {T} intervals")
    if T == 0:
        raise PlannerInputError(f"{channel}: no intervals to staff")
    if np.any(~np.isfinite(work)) or np.any(work < 0):
        raise PlannerInputError(f"{channel}: work must be finite and >= 0")
    if not (deadline_working_hours > 0 and math.isfinite(deadline_working_hours)):
        raise PlannerInputError(f"{channel}: first_reply_working_hours must be > 0")
    step = dt.timedelta(minutes=interval_min)
    interval_s = interval_min * 60.0
    open_frac = interval_open_fraction(starts, interval_min, window, calendar)
    counted = open_frac >= 1.0 - _EPS
    x0 = np.where(open_frac > 0, int(min_agents), 0).astype(np.int64)

    deadlines = tuple(due(s, deadline_working_hours, window, calendar) for s in starts)
    horizon_end = starts[-1] + step
    # p_t: last interval ending by d_t, moved back to the last counted interval.
    last_counted = np.where(counted, np.arange(T), -1)
    last_counted = np.maximum.accumulate(last_counted)
    carried = 0.0
    last_ok: list[tuple[int, int]] = []  # (job t, p_t) for jobs with a deadline inside the horizon
    for t in range(T):
        if work[t] <= 0:
            continue
        if deadlines[t] > horizon_end:
            carried += float(work[t])
            continue
        end_idx = int((deadlines[t] - starts[0]) // step) - 1  # last interval ending by d_t
        p = int(last_counted[min(end_idx, T - 1)]) if end_idx >= 0 else -1
        if p < t + 1:
            raise PlannerInputError(
                f"{channel}: work arriving {format_instant(starts[t])} cannot be answered by its deadline "
                f"{format_instant(deadlines[t])}: no whole open interval between arrival and deadline "
                f"(first_reply_working_hours {deadline_working_hours:g} vs interval_min {interval_min})"
            )
        last_ok.append((t, p))
    cum_work = np.concatenate(([0.0], np.cumsum(work)))  # cum_work[k] = work of jobs 0..k-1
    x = _greedy(x0, counted, cum_work, last_ok, interval_s, None)
    assert x is not None  # uncapped greedy is always feasible once every p_t >= t + 1
    if level and last_ok:
        x = _level(x, x0, counted, cum_work, last_ok, interval_s)
    agent_hours = float(x.sum() * interval_min / 60.0)
    return DeferredPlan(x, open_frac, counted, deadlines, carried, agent_hours)


def _greedy(
    x0: np.ndarray,
    counted: np.ndarray,
    cum_work: np.ndarray,
    jobs: list[tuple[int, int]],
    interval_s: float,
    cap: int | None,
) -> np.ndarray | None:
    """As-late-as-possible greedy; with ``cap`` (agents per interval) fill right to left. None: infeasible."""
    x = x0.copy()
    for t, p in jobs:
        cover = np.concatenate(([0], np.cumsum(np.where(counted, x, 0))))  # cover[k] = units in 0..k-1
        v = np.arange(t + 1)
        need = np.ceil((cum_work[t + 1] - cum_work[v]) / interval_s - _EPS)
        deficit = need - (cover[p + 1] - cover[v + 1])  # per left end v: units still missing in [v+1, p]
        total = int(max(0.0, float(deficit.max())))
        if total == 0:
            continue
        if cap is None:
            x[p] += total
            continue
        # fill `total` units from p leftwards into the free room under the cap (rightmost first)
        room = np.where(counted[: p + 1], np.maximum(cap - x[: p + 1], 0), 0)[::-1]
        before = np.concatenate(([0], np.cumsum(room)[:-1]))  # room strictly right of each position
        add = np.minimum(room, np.maximum(total - before, 0))[::-1]
        # units added in [v+1, p] must cover each left end's own deficit
        added_right = np.cumsum(add[::-1])[::-1]  # added_right[q] = units added at positions >= q
        if np.any(added_right[v + 1] < deficit - _EPS) or add.sum() < total:
            return None
        x[: p + 1] += add
    return x


def _level(
    x: np.ndarray,
    x0: np.ndarray,
    counted: np.ndarray,
    cum_work: np.ndarray,
    jobs: list[tuple[int, int]],
    interval_s: float,
) -> np.ndarray:
    """Among plans with the same (minimal) agent-hours, lower the peak: bisect the smallest cap K for
    which the capped right-to-left greedy still uses no more agent-intervals. The answer keeps the
    minimal total (checked), so levelling never costs agent-hours. Filling rightmost-first under a cap
    is the same dominance argument as the uncapped greedy; a slow test checks the peak against CP-SAT."""
    best, target = x, int(x.sum())
    lo, hi = max(int(x0.max(initial=0)), 1), int(x.max(initial=0))
    while lo < hi:
        mid = (lo + hi) // 2
        cand = _greedy(x0, counted, cum_work, jobs, interval_s, mid)
        if cand is not None and int(cand.sum()) == target:
            best, hi = cand, mid
        else:
            lo = mid + 1
    return best


def jobs_from_intervals(
    starts: Sequence[dt.datetime],
    interval_min: int,
    work_s: np.ndarray,
    deadline_working_hours: float,
    window: CoverageWindow,
    calendar: ChineseCalendar | None = None,
    *,
    items: np.ndarray | None = None,
    batch_items: np.ndarray | None = None,
) -> list[DeferredJob]:
    """Jobs for :func:`replay_fifo`.

    Without ``items``: the optimiser's model (one batch per interval, released at the interval's end,
    owed by due(start, H)). With ``items`` (count per interval): ``ceil(items)`` equal items spread
    evenly inside the interval, each released on arrival and owed by due(arrival, H): the real-world
    reading, which the model must be safe for. ``batch_items`` only labels the model's batches with
    their item counts (for backlog in items).
    """
    calendar = calendar or ChineseCalendar()
    step = dt.timedelta(minutes=interval_min)
    jobs = []
    for t, s in enumerate(starts):
        w = float(work_s[t])
        if w <= 0:
            continue
        if items is None:
            n_items = float(batch_items[t]) if batch_items is not None else 0.0
            jobs.append(DeferredJob(s + step, w, due(s, deadline_working_hours, window, calendar), n_items))
            continue
        n = max(1, math.ceil(float(items[t]) - _EPS))
        for i in range(n):
            a = s + step * ((i + 0.5) / n)
            jobs.append(DeferredJob(a, w / n, due(a, deadline_working_hours, window, calendar), float(items[t]) / n))
    return jobs


@dataclass(frozen=True)
class ReplayResult:
    """Outcome of a FIFO replay: completion per job (None = not done in the horizon) and misses."""

    completions: tuple[dt.datetime | None, ...]
    missed: tuple[int, ...]  # indices of jobs finished after their deadline (or not at all, deadline inside)
    backlog_s: np.ndarray  # work released but unfinished at the end of each interval [s]
    backlog_items: np.ndarray  # the same in items (pro rata within a batch)


def replay_fifo(
    starts: Sequence[dt.datetime],
    interval_min: int,
    agents: np.ndarray,
    jobs: Sequence[DeferredJob],
    window: CoverageWindow,
    calendar: ChineseCalendar | None = None,
    *,
    whole_intervals_only: bool = True,
) -> ReplayResult:
    """Replay a staffing against jobs, first-in first-out, and report deadline misses.

    Independent of the optimiser: it walks time forward through capacity segments (``agents[u]``
    agent-seconds per second while the window is open; with ``whole_intervals_only`` only in
    intervals entirely inside the window, as the optimiser assumes) and finishes jobs in release order.
    """
    calendar = calendar or ChineseCalendar()
    step = dt.timedelta(minutes=interval_min)
    t0 = starts[0]
    # capacity segments (start_s, end_s, rate) in seconds since t0
    segs: list[tuple[float, float, float]] = []
    for u, s in enumerate(starts):
        if agents[u] <= 0:
            continue
        e = s + step
        spans = []
        for day in sorted({s.date(), e.date()}):
            mid = dt.datetime.combine(day, dt.time())
            for a, b in window.spans(day, calendar):
                lo, hi = max(s, mid + dt.timedelta(minutes=a)), min(e, mid + dt.timedelta(minutes=b))
                if hi > lo:
                    spans.append((lo, hi))
        if whole_intervals_only and sum((hi - lo).total_seconds() for lo, hi in spans) < step.total_seconds():
            continue
        for lo, hi in spans:
            segs.append(((lo - t0).total_seconds(), (hi - t0).total_seconds(), float(agents[u])))
    segs.sort()

    order = sorted(range(len(jobs)), key=lambda j: jobs[j].release)
    completions: list[dt.datetime | None] = [None] * len(jobs)
    served: list[tuple[float, float, float, float, float]] = []  # (release, start, end, work_s, items)

    def full(k: int) -> float:
        return (segs[k][1] - segs[k][0]) * segs[k][2] if k < len(segs) else 0.0

    # Capacity is tracked in agent-seconds left in the current segment (`room`), not by adding times,
    # so that rounding does not build up over a month of segments.
    clock, k, room = 0.0, 0, full(0)
    for j in order:
        job = jobs[j]
        release = (job.release - t0).total_seconds()
        if release > clock:  # the queue ran empty: capacity before the release is lost
            clock = release
            while k < len(segs) and segs[k][1] <= clock:
                k += 1
                room = full(k)
            if k < len(segs) and segs[k][0] < clock:
                room = min(room, (segs[k][1] - clock) * segs[k][2])
        begin = clock
        left = job.work_s
        while left > _TOL_S:
            while k < len(segs) and room <= _TOL_S:
                k += 1
                room = full(k)
            if k == len(segs):
                clock = math.inf
                break
            a, b, rate = segs[k]
            if room >= left - _TOL_S:
                room = max(room - left, 0.0)
                left = 0.0
                clock = b - room / rate
            else:
                left -= room
                room = 0.0
                clock = b
        if math.isfinite(clock):
            completions[j] = t0 + dt.timedelta(seconds=clock)
        served.append((release, begin, clock, job.work_s, job.items))
    horizon_end = starts[-1] + step
    tol = dt.timedelta(microseconds=1)
    missed = tuple(
        j
        for j in range(len(jobs))
        if (completions[j] is None and jobs[j].deadline <= horizon_end)
        or (completions[j] is not None and completions[j] > jobs[j].deadline + tol)
    )
    ends = np.array([(s - t0).total_seconds() for s in starts]) + step.total_seconds()
    backlog_s, backlog_items = _backlog(ends, served, segs)
    return ReplayResult(tuple(completions), missed, backlog_s, backlog_items)


def _backlog(
    ends: np.ndarray, served: list[tuple[float, float, float, float, float]], segs: list[tuple[float, float, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Released-but-unfinished work [s] and items at each interval end, from the replayed service."""
    if not served:
        return np.zeros(len(ends)), np.zeros(len(ends))
    # cumulative capacity K(tau) is piecewise linear with breakpoints at segment ends
    knots = np.array([0.0] + [p for a, b, _ in segs for p in (a, b)])
    gains = np.array([0.0] + [g for a, b, r in segs for g in (0.0, (b - a) * r)])
    values = np.cumsum(gains)

    def cap(tau: np.ndarray) -> np.ndarray:
        return np.interp(np.minimum(tau, knots[-1]), knots, values)

    release, begin, end, work, items = (np.array(c, dtype=float) for c in zip(*served, strict=True))
    per_s = np.where(work > 0, items / np.where(work > 0, work, 1.0), 0.0)
    begin_k = cap(np.where(np.isfinite(begin), begin, knots[-1]))
    end_k = cap(ends)
    out_s, out_items = np.zeros(len(ends)), np.zeros(len(ends))
    for i, e in enumerate(ends):
        live = (release <= e) & (end > e)
        done_part = np.where(live & (begin < e), np.maximum(end_k[i] - begin_k, 0.0), 0.0)
        left = np.where(live, np.maximum(work - done_part, 0.0), 0.0)
        out_s[i], out_items[i] = float(left.sum()), float((left * per_s).sum())
    return out_s, out_items
