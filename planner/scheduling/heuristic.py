"""A fast primal heuristic for the aggregate roster model: LP diving on tours, then break placement.

1. LP diving on the tour counts (Berthold 2006, "Primal heuristics for mixed integer programs", sec.
   3.1): raise lower bounds of fractional tour counts and re-solve GLOP warm until they are integral.
2. Break placements: round the LP's fractional break counts by largest remainder within each
   (day, shift, break) group, then move single breaks between offsets while that lowers the penalty
   (a 1-exchange local search).
The result is a complete assignment of the model's variables that CP-SAT receives as a hint.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from planner.shifts import DAY_MIN, WEEK_DAYS, span_by_slot

if TYPE_CHECKING:
    from planner.scheduling.model import _Ctx


def best_dive(
    c: _Ctx,
    deadline_s: float | None,
    good_enough_fen: float = -math.inf,
    batch_fracs: tuple[float, ...] = (0.6, 0.9),
) -> dict[int, int] | None:
    """Dive with each rounding threshold while time allows (``deadline_s`` on ``time.perf_counter``) and
    the best roster costs more than ``good_enough_fen``; keep the cheapest complete roster.

    ``deadline_s`` None (reproducible mode): no clock is read; every threshold of ``batch_fracs`` is
    tried in turn (stopping early only on ``good_enough_fen``), so the hint depends on the input only."""
    best, best_obj = None, math.inf
    for k, frac in enumerate(batch_fracs):
        late = deadline_s is not None and time.perf_counter() > deadline_s
        if k and (late or best_obj <= good_enough_fen):
            break
        hint = lp_dive(c, batch_frac=frac, deadline=deadline_s)
        if hint is None:
            continue
        obj = sum(c.lp.objective.get(i, 0) * v for i, v in hint.items())
        if obj < best_obj:
            best, best_obj = hint, obj
    return best


def lp_dive(
    c: _Ctx, max_passes: int = 20, batch_frac: float = 0.6, deadline: float | None = None
) -> dict[int, int] | None:
    """Return {model var index: value} for every variable of ``c``, or None if the dive fails."""
    x = c.lp.dive([list(c.n.values())], batch_frac=batch_frac, deadline=deadline)
    if x is None:
        return None
    im = c.demand.interval_min
    ns = c.demand.n_slots
    need = [k * im for k in c.demand.need]
    floor = [c.costs.min_staff * im if k > 0 else 0 for k in c.demand.need]
    pen_s = math.ceil(c.costs.shortfall_fen_per_agent_hour / 60)
    pen_u = math.ceil(c.costs.surplus_fen_per_agent_hour / 60)

    hint: dict[int, int] = {v: round(x[v]) for v in c.n.values()}
    m_val: dict[tuple[int, object], int] = defaultdict(int)
    for (p, ti), v in c.n.items():
        tour = c.tours[ti]
        for d in range(WEEK_DAYS):
            if tour.days[d] and c.pools[p].active_days[d]:
                m_val[(d, tour.template)] += hint[v]
    cov = list(c.frozen_min)
    groups: dict[tuple, tuple[list[int], list[dict[int, int]], list[int]]] = {}  # y vars, break vecs, counts
    for (d, tmpl), mvar in c.m.items():
        total = m_val.get((d, tmpl), 0)
        hint[mvar] = total
        start = d * DAY_MIN + tmpl.start_min
        for slot, minutes in span_by_slot(start, tmpl.length_min, im, cyclic=c.cyclic).items():
            cov[slot] += total * minutes
        for b, rule in enumerate(tmpl.breaks):
            offs = rule.offsets_min()
            ys = [c.y[(d, tmpl, b, off)] for off in offs]
            vecs = [span_by_slot(start + off, rule.duration_min, im, cyclic=c.cyclic) for off in offs]
            raw = [max(0.0, x[v]) for v in ys]
            scale = total / sum(raw) if sum(raw) > 1e-9 else 0.0
            want = [r * scale for r in raw] if scale else [total / len(ys)] * len(ys)
            cnt = [math.floor(w + 1e-9) for w in want]
            order = sorted(range(len(ys)), key=lambda k: (cnt[k] - want[k], k))
            for k in order[: total - sum(cnt)]:
                cnt[k] += 1
            for k, vec in enumerate(vecs):
                for slot, minutes in vec.items():
                    cov[slot] -= cnt[k] * minutes
            groups[(d, tmpl, b)] = (ys, vecs, cnt)

    def pen(t: int, value: int) -> int:
        big = 100 * pen_s * max(0, floor[t] - value)
        return pen_s * max(0, need[t] - value) + pen_u * max(0, value - need[t]) + big

    def local_search() -> None:
        for _ in range(max_passes):
            improved = False
            for _ys, vecs, cnt in groups.values():
                for a in range(len(vecs)):
                    for b in range(len(vecs)):
                        if a == b or not cnt[a]:
                            continue
                        delta: dict[int, int] = defaultdict(int)
                        for slot, minutes in vecs[a].items():
                            delta[slot] += minutes  # the break leaves offset a: cover comes back
                        for slot, minutes in vecs[b].items():
                            delta[slot] -= minutes
                        gain = sum(pen(t, cov[t] + dv) - pen(t, cov[t]) for t, dv in delta.items() if dv)
                        if gain < 0:
                            for t, dv in delta.items():
                                cov[t] += dv
                            cnt[a] -= 1
                            cnt[b] += 1
                            improved = True
            if not improved:
                return

    def add_tour(key: tuple[int, int]) -> None:
        """Add one tour; each of its breaks goes to the offset that hurts coverage least."""
        p, ti = key
        tour = c.tours[ti]
        hint[c.n[key]] += 1
        for d in range(WEEK_DAYS):
            if not (tour.days[d] and c.pools[p].active_days[d]):
                continue
            tmpl = tour.template
            hint[c.m[(d, tmpl)]] += 1
            for slot, minutes in span_by_slot(
                d * DAY_MIN + tmpl.start_min, tmpl.length_min, im, cyclic=c.cyclic
            ).items():
                cov[slot] += minutes
            for b in range(len(tmpl.breaks)):
                _ys, vecs, cnt = groups[(d, tmpl, b)]
                costs = [sum(pen(t, cov[t] - mm) - pen(t, cov[t]) for t, mm in vec.items()) for vec in vecs]
                k = min(range(len(vecs)), key=lambda i: (costs[i], i))
                cnt[k] += 1
                for t, mm in vecs[k].items():
                    cov[t] -= mm

    presence: dict[tuple[int, int], dict[int, int]] = {}
    for key in c.n:
        p, ti = key
        tour = c.tours[ti]
        vec: dict[int, int] = defaultdict(int)
        for d in range(WEEK_DAYS):
            if tour.days[d] and c.pools[p].active_days[d]:
                tmpl = tour.template
                for slot, minutes in span_by_slot(
                    d * DAY_MIN + tmpl.start_min, tmpl.length_min, im, cyclic=c.cyclic
                ).items():
                    vec[slot] += minutes
                for rule in tmpl.breaks:  # a break costs roughly its length somewhere in its window
                    mid = d * DAY_MIN + tmpl.start_min + rule.offsets_min()[len(rule.offsets_min()) // 2]
                    for slot, minutes in span_by_slot(mid, rule.duration_min, im, cyclic=c.cyclic).items():
                        vec[slot] -= minutes
        presence[key] = dict(vec)
    used = defaultdict(int)
    for (p, _ti), v in c.n.items():
        used[p] += hint[v]

    keys = list(presence)
    mat = np.zeros((len(keys), ns), dtype=np.float64)
    for j, key in enumerate(keys):
        for t, mm in presence[key].items():
            mat[j, t] = mm
    cost = np.array([c.lp.objective.get(c.n[k], 0) for k in keys], dtype=np.float64)
    ub = np.array([c.lp.ubs[c.n[k]] for k in keys])
    pool_of = [k[0] for k in keys]
    need_a = np.array(need, dtype=np.float64)
    floor_a = np.array(floor, dtype=np.float64)
    surplus_gain = pen_u * mat.sum(1) + cost  # exact where cover already meets need and floor

    def penv(x: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n_, f_ = need_a[cols], floor_a[cols]
        return (
            pen_s * np.maximum(0, n_ - x)
            + pen_u * np.maximum(0, x - n_)
            + 100 * pen_s * np.maximum(0, f_ - x)
        )

    local_search()
    for _ in range(10_000):  # repair: add the tour that saves the most penalty net of its cost
        cov_a = np.array(cov, dtype=np.float64)
        short_cols = np.flatnonzero((cov_a < need_a) | (cov_a < floor_a))
        if not len(short_cols):
            break
        sub = mat[:, short_cols]
        base = cov_a[short_cols]
        gain = (
            surplus_gain
            - pen_u * sub.sum(1)
            + (penv(base[None, :] + sub, short_cols) - penv(base, short_cols)[None, :]).sum(1)
        )
        counts = np.array([hint[c.n[k]] for k in keys])
        room = counts < ub
        for j, p in enumerate(pool_of):
            size = c.pools[p].size
            if size is not None and used[p] >= size:
                room[j] = False
        gain = np.where(room, gain, np.inf)
        j = int(np.argmin(gain))
        if not gain[j] < 0:
            break
        add_tour(keys[j])
        used[keys[j][0]] += 1
        if len(groups) <= 2500:  # re-place breaks after each repair unless the model is large
            local_search()
    local_search()
    for ys, _vecs, cnt in groups.values():
        for v, k in zip(ys, cnt, strict=True):
            hint[v] = k
    if any(cov[t] < floor[t] for t in range(ns)):
        return None
    for t in range(ns):
        hint[c.short[t]] = max(0, need[t] - cov[t])
        hint[c.surplus[t]] = max(0, cov[t] - need[t])
        if hint[c.surplus[t]] > c.lp.ubs[c.surplus[t]]:
            return None
    return hint
