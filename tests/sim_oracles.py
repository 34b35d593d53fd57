"""Independent reference models for the simulation tests (textbook formulas and a slow event-list simulator).

Nothing here imports ``planner.simulation``: these are the oracles the simulation is held against.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from scipy.linalg import expm


def erlang_c_service_level(
    calls: float, interval_min: float, aht_s: float, answer_s: float, agents: int
) -> float:
    """Erlang C: SL = 1 - C(n, A) exp(-(n - A) T / AHT); C via Erlang B (Cooper 1981, ch. 3)."""
    load = calls * aht_s / (60.0 * interval_min)
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    c = agents * b / (agents - load * (1 - b))
    return 1.0 - c * math.exp(-(agents - load) * answer_s / aht_s)


def erlang_a(
    calls: float, interval_min: float, aht_s: float, answer_s: float, agents: int, patience_s: float
):
    """Erlang A (M/M/n+M, Garnett, Mandelbaum & Reiman 2002) from its birth-death chain, exactly.

    Returns (wait_probability, service_level, abandon_rate) with SL = answered within T over all arrivals.
    An arrival finding j callers queued waits through the states j, j-1, ..., 0 (leaving state i at rate
    n mu + i theta) and abandons at rate theta meanwhile (PASTA gives the state it finds); the chance it is
    answered within T is an absorption probability of that small chain, taken with a matrix exponential.
    """
    lam = calls / (60.0 * interval_min)
    mu, theta, n = 1.0 / aht_s, 1.0 / patience_s, agents
    k_max = n + 2000
    logp = np.zeros(k_max + 1)
    for k in range(1, k_max + 1):
        death = min(k, n) * mu + max(k - n, 0) * theta
        logp[k] = logp[k - 1] + math.log(lam / death)
    p = np.exp(logp - logp.max())
    p /= p.sum()
    queued = p[n:]  # arrival finds j = k - n callers waiting
    j_max = int(np.flatnonzero(queued > 1e-15).max()) if np.any(queued > 1e-15) else 0
    rates = n * mu + np.arange(j_max + 1) * theta  # leaving "i ahead" (i = 0: being answered)
    size = j_max + 2  # states 0..j_max and "answered"
    q = np.zeros((size, size))
    for i in range(j_max + 1):
        q[i, i] = -(rates[i] + theta)
        q[i, i - 1 if i > 0 else size - 1] = rates[i]
    answered_by_t = expm(q * answer_s)[: j_max + 1, size - 1]
    answered_ever = np.cumprod(rates / (rates + theta))
    w = queued[: j_max + 1]
    wait_probability = float(queued.sum())
    service_level = float(p[:n].sum() + (w * answered_by_t).sum())
    abandon_rate = float((w * (1.0 - answered_ever)).sum())
    return wait_probability, service_level, abandon_rate


def event_list_fcfs(arrival_s, handle_s, patience_s, windows):
    """Slow event-by-event FCFS queue (longest idle agent first): answer time per call, nan if none.

    ``windows``: one list of (start_s, end_s) work windows per agent. An agent on a call when its window ends
    finishes the call and then goes off; a waiting caller leaves once its patience has run out.
    """
    n = len(arrival_s)
    start = np.full(n, np.nan)
    busy_until: dict[int, float] = {}
    idle_since: dict[int, float] = {}

    def on_duty(a: int, t: float) -> bool:
        return any(s <= t < e for s, e in windows[a])

    times = set(arrival_s.tolist())
    for wins in windows:
        for s, e in wins:
            times.update((s, e))
    times.update((arrival_s + patience_s)[np.isfinite(patience_s)].tolist())
    pending = sorted(times)
    queue: deque[int] = deque()
    nxt = 0
    import heapq

    heap = list(pending)
    heapq.heapify(heap)
    last = -math.inf
    while heap:
        t = heapq.heappop(heap)
        if t == last:
            continue
        last = t
        for a in [a for a, u in busy_until.items() if u == t]:
            del busy_until[a]
            if on_duty(a, t):
                idle_since[a] = t
        for a in list(idle_since):
            if not on_duty(a, t):
                del idle_since[a]
        for a in range(len(windows)):
            if a not in busy_until and a not in idle_since and on_duty(a, t):
                idle_since[a] = t
        while nxt < n and arrival_s[nxt] == t:
            queue.append(nxt)
            nxt += 1
        while queue and idle_since:
            a = min(idle_since, key=lambda x: idle_since[x])
            del idle_since[a]
            i = queue.popleft()
            start[i] = t
            busy_until[a] = t + handle_s[i]
            heapq.heappush(heap, t + handle_s[i])
        queue = deque(i for i in queue if not (arrival_s[i] + patience_s[i] <= t))
    return start
