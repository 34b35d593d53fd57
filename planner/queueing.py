"""Erlang B, C and A queueing formulas: exact, vectorised over intervals, in log space.

Every function broadcasts its arguments with numpy, so one call evaluates a whole week of intervals.
Units: ``calls`` [contacts per interval], ``interval_min`` [min], ``aht_s``, ``answer_s``, ``patience_s``
[s], ``load_erl`` [Erlang], ``agents`` [productive agents on the job], probabilities in [0, 1].

Numerics. No factorials and no O(n) recursions: Erlang B is the ratio of a Poisson probability to a
Poisson distribution function, both from the regularised incomplete gamma function (``scipy.special``),
taken in log space. The same function extends Erlang B to a real number of servers (Jagerman 1974,
"Some properties of the Erlang loss function", Bell Syst. Tech. J. 53(3)), which gives the continuous
("fractional") staffing requirement. Where the incomplete gamma function would underflow (far tails),
the equivalent convergent series is summed instead, so results stay exact from 0.01 to well beyond
20,000 Erlangs.

Erlang C (M/M/n): wait probability ``C = B / (1 - rho (1 - B))``, service level
``1 - C exp(-(n - A) T / AHT)``, ASA ``C AHT / (n - A)``, occupancy ``A / n`` (Cooper 1981, *Introduction
to Queueing Theory*, ch. 4).

Erlang A (M/M/n+M, exponential patience): Garnett, Mandelbaum and Reiman (2002), "Designing a call center
with impatient customers", MSOM 4(3), with ``x = n mu / theta``, ``y = lambda / theta`` and
``M(a, u) = sum_k prod_{i=1..k} u / (a + i) = Gamma(a+1) e^u u^-a P(a, u)`` (their ``A(x, y)``):
``P(wait) = M E / (1 + (M - 1) E)`` with ``E`` = Erlang B(n, A), and
``P(abandon) = P(wait) (1 / (rho M) + 1 - 1 / rho)``. The service level counts calls answered within T
over all arrivals. For a caller who finds ``j`` others waiting, ``exp(-theta V)`` of the offered wait
``V`` is Beta(x, j + 1) distributed (Renyi's representation of a sum of exponentials with rates
``theta (x + i)``); summing over the stationary queue gives
``P(answered within T, waited) = P(wait) x / (x + 1) [M(x+1, y) - z^(x+1) e^(y (1 - z)) M(x+1, y z)] / M(x, y)``
with ``z = exp(-theta T)``. ASA is the mean wait of all arrivals, ``P(abandon) * patience`` (Little's
law on the queue).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from planner.errors import IntervalError, PlannerInputError

MODELS = ("erlang-c", "erlang-a")

# Below this the incomplete gamma function is too close to underflow to trust in log space.
_TINY = 1e-250
# Largest number of agents the solver will try before calling a target unreachable.
_MAX_AGENTS = 10_000_000
# A target counts as met when missed by less than this (floating-point rounding in the formulas).
_SLACK = 1e-12


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one or many intervals (every field an array of one shape)."""

    load_erl: np.ndarray
    agents: np.ndarray
    wait_probability: np.ndarray
    service_level: np.ndarray
    asa_s: np.ndarray
    occupancy: np.ndarray
    abandon_rate: np.ndarray


@dataclass(frozen=True)
class StaffingResult:
    """Fewest productive agents that meet every target, per interval."""

    agents: np.ndarray
    fractional_agents: np.ndarray
    metrics: QueueMetrics


# ---------------------------------------------------------------------------------------------------
# Input checks (one line, naming the field)
# ---------------------------------------------------------------------------------------------------


def _as_float(name: str, value, *, low: float | None = None, low_open: bool = False,
              high: float | None = None, high_open: bool = False) -> np.ndarray:
    """Convert to a float array and check its range; raise PlannerInputError naming ``name``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise PlannerInputError(f"{name} must be a number, got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        _bad(arr, ~np.isfinite(arr), f"{name} must be a finite number")
    if low is not None:
        bad = arr <= low if low_open else arr < low
        if np.any(bad):
            _bad(arr, bad, f"{name} must be {'>' if low_open else '>='} {low:g}")
    if high is not None:
        bad = arr >= high if high_open else arr > high
        if np.any(bad):
            _bad(arr, bad, f"{name} must be {'<' if high_open else '<='} {high:g}")
    return arr


def _bad(arr: np.ndarray, bad: np.ndarray, rule: str) -> None:
    """Raise for the first bad value: a scalar by value, a series by value and interval
    (:class:`planner.errors.IntervalError`, which a caller that knows the times names by time)."""
    if arr.ndim == 0:
        raise PlannerInputError(f"{rule}, got {float(arr):g}")
    i = int(np.flatnonzero(bad.ravel())[0])
    raise IntervalError(f"{rule}, got {arr.ravel()[i]:g} ({IntervalError.WHERE})", i)


def _check_model(model: str, patience_s) -> None:
    if model not in MODELS:
        raise PlannerInputError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    if model == "erlang-a" and patience_s is None:
        raise PlannerInputError("patience_s is required for the erlang-a model")


def offered_load_erl(calls, interval_min, aht_s) -> np.ndarray:
    """Offered load [Erlang] = calls x AHT / interval length."""
    calls = _as_float("calls", calls, low=0)
    interval_min = _as_float("interval_min", interval_min, low=0, low_open=True)
    aht_s = _as_float("aht_s", aht_s, low=0, low_open=True)
    return calls * aht_s / (interval_min * 60.0)


def scheduled_agents(agents, shrinkage) -> np.ndarray:
    """Agents to schedule so that ``agents`` remain on the job after shrinkage: ceil(n / (1 - s))."""
    agents = _as_float("agents", agents, low=0)
    shrinkage = _as_float("shrinkage", shrinkage, low=0, high=1, high_open=True)
    # Round before ceil so that 14 / (1 - 0.3) = 20.000000000000004 stays 20.
    return np.ceil(np.round(agents / (1.0 - shrinkage), 9)).astype(np.int64)


def productive_agents(scheduled, shrinkage) -> np.ndarray:
    """Whole agents on the job among ``scheduled`` after shrinkage: floor(n (1 - s)), the inverse of
    :func:`scheduled_agents` (at least ``agents`` wherever ``scheduled_agents(agents)`` are at work)."""
    scheduled = _as_float("scheduled", scheduled, low=0)
    shrinkage = _as_float("shrinkage", shrinkage, low=0, high=1, high_open=True)
    return np.floor(np.round(scheduled * (1.0 - shrinkage), 9))


# ---------------------------------------------------------------------------------------------------
# Special functions in log space
# ---------------------------------------------------------------------------------------------------


def _series_log(ratio_of_term, a, u, max_terms: int = 200_000) -> np.ndarray:
    """log of sum_k prod_{i=1..k} ratio_of_term(a, u, i), summed until the terms are negligible.

    Used only where the ratio falls well below 1, so the series converges geometrically.
    """
    total = np.ones_like(u)
    term = np.ones_like(u)
    active = np.ones(u.shape, dtype=bool)
    for i in range(1, max_terms + 1):
        term = np.where(active, term * ratio_of_term(a, u, i), 0.0)
        total = total + term
        active &= np.abs(term) > 1e-17 * total
        if not active.any():
            break
    return np.log(total)


def _log_m(a: np.ndarray, u: np.ndarray) -> np.ndarray:
    """log M(a, u), M(a, u) = sum_{k>=0} prod_{i=1..k} u / (a + i) = Gamma(a+1) e^u u^-a P(a, u).

    ``P`` is the regularised lower incomplete gamma function. a > 0, u >= 0.
    """
    a, u = np.broadcast_arrays(np.asarray(a, float), np.asarray(u, float))
    out = np.zeros(a.shape)
    pos = u > 0
    p = np.zeros(a.shape)
    p[pos] = special.gammainc(a[pos], u[pos])
    direct = pos & (p > _TINY)
    out[direct] = (special.gammaln(a[direct] + 1) + u[direct] - a[direct] * np.log(u[direct])
                   + np.log(p[direct]))
    tail = pos & ~direct
    if tail.any():
        out[tail] = _series_log(lambda aa, uu, i: uu / (aa + i), a[tail], u[tail])
    return out


def _log_erlang_b(n: np.ndarray, load: np.ndarray) -> np.ndarray:
    """log of Erlang B(n, A) for real n >= 0 and A > 0 (Jagerman's continuous extension).

    B = Poisson pmf(n; A) / Poisson cdf(n; A) = e^-A A^n / Gamma(n+1) / Q(n+1, A), with Q the regularised
    upper incomplete gamma function. Where Q underflows (A far above n) we sum
    1/B = sum_{j>=0} prod_{i=0..j-1} (n - i) / A instead.
    """
    n, load = np.broadcast_arrays(np.asarray(n, float), np.asarray(load, float))
    q = special.gammaincc(n + 1.0, load)
    direct = q > _TINY
    out = np.empty(n.shape)
    out[direct] = (n[direct] * np.log(load[direct]) - load[direct] - special.gammaln(n[direct] + 1.0)
                   - np.log(q[direct]))
    tail = ~direct
    if tail.any():
        out[tail] = -_series_log(lambda nn, aa, i: (nn - (i - 1)) / aa, n[tail], load[tail])
    return out


def erlang_b(agents, load_erl) -> np.ndarray:
    """Erlang B blocking probability of ``agents`` servers offered ``load_erl`` Erlangs (M/M/n/n)."""
    n = _as_float("agents", agents, low=0)
    load = _as_float("load_erl", load_erl, low=0)
    n, load = np.broadcast_arrays(n, load)
    out = np.where(n == 0, 1.0, 0.0)
    ok = (load > 0) & (n > 0)
    out[ok] = np.exp(_log_erlang_b(n[ok], load[ok]))
    return out


def erlang_c(agents, load_erl) -> np.ndarray:
    """Erlang C probability of waiting (M/M/n); 1 where n <= A (the queue grows without bound)."""
    n = _as_float("agents", agents, low=0)
    load = _as_float("load_erl", load_erl, low=0)
    return _erlang_c(*np.broadcast_arrays(n, load))


def _erlang_c(n: np.ndarray, load: np.ndarray) -> np.ndarray:
    out = np.where(n > load, 0.0, 1.0)
    ok = (n > load) & (load > 0)
    if ok.any():
        log_b = _log_erlang_b(n[ok], load[ok])
        rho = load[ok] / n[ok]
        # C = B / (1 - rho + rho B)  <=>  1/C = rho + (1 - rho) / B
        with np.errstate(over="ignore"):
            out[ok] = 1.0 / (rho + (1.0 - rho) * np.exp(-log_b))
    return out


# ---------------------------------------------------------------------------------------------------
# Performance of a staffing level
# ---------------------------------------------------------------------------------------------------


def _metrics_c(load, n, t_over_aht, aht_s) -> tuple[np.ndarray, ...]:
    """Erlang C: wait probability, service level, ASA [s], occupancy, abandon rate (0)."""
    stable = n > load
    pw = _erlang_c(n, load)
    gap = np.where(stable, n - load, 0.0)
    sl = np.where(stable, 1.0 - pw * np.exp(-gap * t_over_aht), 0.0)
    with np.errstate(divide="ignore"):
        asa = np.where(stable, pw * aht_s / np.where(stable, gap, 1.0), np.inf)
    occ = np.where(stable, load / np.where(n > 0, n, 1.0), 1.0)
    return pw, sl, asa, occ, np.zeros_like(load)


def _metrics_a(load, n, t_over_aht, aht_s, r) -> tuple[np.ndarray, ...]:
    """Erlang A (M/M/n+M) with r = patience / AHT. See the module docstring for the formulas."""
    pw = np.ones_like(load)
    sl = np.zeros_like(load)
    ab = np.ones_like(load)
    ok = n > 0
    if ok.any():
        L, N, T, R = load[ok], n[ok], t_over_aht[ok], r[ok]
        x, y = N * R, L * R
        log_m = _log_m(x, y)
        log_e = _log_erlang_b(N, L)
        # P(wait) = M E / (1 + (M - 1) E) = expit(log M + log E - log(1 - E))
        logit_pw = log_m + log_e - np.log1p(-np.exp(log_e))
        pw_ok, no_wait = special.expit(logit_pw), special.expit(-logit_pw)  # no cancellation in 1 - P(wait)
        rho = y / x
        ab_ok = pw_ok * (np.exp(-log_m) / rho + 1.0 - 1.0 / rho)
        within = _answered_within_given_wait(x, y, T / R, log_m)
        pw[ok], ab[ok] = pw_ok, np.clip(ab_ok, 0.0, 1.0)
        sl[ok] = np.clip(no_wait + pw_ok * within, 0.0, 1.0)
    asa = ab * r * aht_s
    served_load = load * (1.0 - ab)
    occ = np.where(n > 0, served_load / np.where(n > 0, n, 1.0), 1.0)
    return pw, sl, asa, occ, ab


def _answered_within_given_wait(x, y, theta_t, log_m) -> np.ndarray:
    """P(answered within T | waited) for Erlang A; ``theta_t`` = T / patience.

    Equals (x / y) [P(x+1, y) - P(x+1, y z)] / P(x, y) with z = exp(-theta T). Where P(x+1, y z) > 1/2
    (overload) the difference is taken between the small upper tails Q instead, and where P(x, y)
    could underflow it is taken in the series form
    x / (x + 1) [M(x+1, y) - z^(x+1) e^(y (1 - z)) M(x+1, y z)] / M(x, y); both avoid cancellation.
    """
    yz = y * np.exp(-theta_t)
    out = np.empty_like(x)
    upper = special.gammainc(x + 1.0, yz) > 0.5
    if upper.any():
        xu, yu, yzu = x[upper], y[upper], yz[upper]
        out[upper] = (xu / yu) * ((special.gammaincc(xu + 1.0, yzu) - special.gammaincc(xu + 1.0, yu))
                                  / special.gammainc(xu, yu))
    low = ~upper
    if low.any():
        xl, yl, tl, lm = x[low], y[low], theta_t[low], log_m[low]
        out[low] = (xl / (xl + 1.0)) * (np.exp(_log_m(xl + 1.0, yl) - lm)
                                        - np.exp(-(xl + 1.0) * tl - yl * np.expm1(-tl)
                                                 + _log_m(xl + 1.0, yz[low]) - lm))
    return out


def evaluate(calls, interval_min, aht_s, answer_s, agents, *, model: str = "erlang-c",
             patience_s=None) -> QueueMetrics:
    """Service level, ASA, wait probability, occupancy (and abandonment for Erlang A) of a staffing level.

    Parameters
    ----------
    calls : contacts offered in the interval [count]
    interval_min : interval length [min]
    aht_s : average handle time [s]
    answer_s : the T of "X % answered within T s" [s]
    agents : productive agents on the job [count; may be fractional]
    model : ``"erlang-c"`` (infinitely patient callers) or ``"erlang-a"`` (exponential patience)
    patience_s : mean patience before abandoning [s], required for ``erlang-a``
    """
    _check_model(model, patience_s)
    load = offered_load_erl(calls, interval_min, aht_s)
    aht = _as_float("aht_s", aht_s, low=0, low_open=True)
    answer = _as_float("answer_s", answer_s, low=0)
    n = _as_float("agents", agents, low=0)
    patience = _as_float("patience_s", patience_s if patience_s is not None else 1.0, low=0, low_open=True)
    load, n, aht, answer, patience = np.broadcast_arrays(load, n, aht, answer, patience)
    return _evaluate(model, load, n, answer / aht, aht, patience / aht)


def _evaluate(model, load, n, t_over_aht, aht_s, r) -> QueueMetrics:
    """Metrics on broadcast float arrays; zero-load intervals are idle and perfect."""
    shape = load.shape
    load, n, t_over_aht, aht_s, r = (np.atleast_1d(v).astype(float) for v in (load, n, t_over_aht, aht_s, r))
    pw, sl, asa, occ, ab = (np.zeros_like(load), np.ones_like(load), np.zeros_like(load),
                            np.zeros_like(load), np.zeros_like(load))
    busy = load > 0
    if busy.any():
        args = (load[busy], n[busy], t_over_aht[busy], aht_s[busy])
        parts = _metrics_c(*args) if model == "erlang-c" else _metrics_a(*args, r[busy])
        for out, part in zip((pw, sl, asa, occ, ab), parts, strict=True):
            out[busy] = part
    return QueueMetrics(*(v.reshape(shape) for v in (load, n, pw, sl, asa, occ, ab)))


# ---------------------------------------------------------------------------------------------------
# Fewest agents
# ---------------------------------------------------------------------------------------------------


def required_agents(calls, interval_min, aht_s, answer_s, *, sl_target=None, asa_target_s=None,
                    max_occupancy=1.0, model: str = "erlang-c", patience_s=None) -> StaffingResult:
    """Fewest productive agents meeting a service-level and/or ASA target under an occupancy cap.

    Service level, ASA and occupancy are monotone in the number of agents and continuous in it through
    the continuous extension of Erlang B, so each interval's continuous requirement is the root of the
    binding target's slack, found by galloping to a bracket and regula falsi with the Anderson-Bjorck
    weighting, all intervals at once. The integer answer is that root rounded up and then
    verified against the exact discrete formulas (and corrected if rounding at an integer misled it), so
    ``agents == ceil(fractional_agents)``. The fractional requirement sums across queues without rounding
    inflation.

    Parameters
    ----------
    sl_target : fraction of calls to answer within ``answer_s`` [0-1), or None
    asa_target_s : average speed of answer not to exceed [s], or None
    max_occupancy : highest allowed occupancy (0-1]
    Other parameters as in :func:`evaluate`.
    """
    _check_model(model, patience_s)
    if sl_target is None and asa_target_s is None:
        raise PlannerInputError("give a service-level target (sl), an ASA target (asa_s), or both")
    sl = None if sl_target is None else _as_float("sl", sl_target, low=0, high=1)
    asa = None if asa_target_s is None else _as_float("asa_s", asa_target_s, low=0)
    occ_cap = _as_float("max_occupancy", 1.0 if max_occupancy is None else max_occupancy,
                        low=0, low_open=True, high=1)
    load = offered_load_erl(calls, interval_min, aht_s)
    aht = _as_float("aht_s", aht_s, low=0, low_open=True)
    answer = _as_float("answer_s", answer_s, low=0)
    patience = _as_float("patience_s", patience_s if patience_s is not None else 1.0, low=0, low_open=True)
    given = [a for a in (load, aht, answer, patience, occ_cap, sl, asa) if a is not None]
    shape = np.broadcast_shapes(*(a.shape for a in given))

    def flat(a):
        return None if a is None else np.broadcast_to(a, shape).astype(float).ravel()

    load_f, aht_f, answer_f, patience_f, occ_f, sl_f, asa_f = (
        flat(a) for a in (load, aht, answer, patience, occ_cap, sl, asa))
    busy = load_f > 0
    if sl_f is not None and np.any(busy & (sl_f >= 1.0)):
        raise PlannerInputError("sl 1.0 cannot be met: with calls arriving at random some always wait "
                                "longer than answer_s; choose a target below 1")
    if asa_f is not None and np.any(busy & (asa_f <= 0.0)):
        raise PlannerInputError("asa_s 0 cannot be met: with calls arriving at random some always wait; "
                                "choose a target above 0")
    t_over_aht, r = answer_f / aht_f, patience_f / aht_f

    def slacks(n: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
        """Slack of each target at n agents (>= 0: met); each is continuous and rising in n. A target
        counts as met to within 1e-12 (so 244.8 Erlangs on 288 agents is the 85 % occupancy it is)."""
        args = (load_f[idx], n, t_over_aht[idx], aht_f[idx])
        _, sl_n, asa_n, occ_n, _ = _metrics_c(*args) if model == "erlang-c" else _metrics_a(*args, r[idx])
        out = []
        if occ_cap_binds:  # a cap of 1 never binds: occupancy cannot exceed 1
            out.append(occ_f[idx] - occ_n + _SLACK)
        if sl_f is not None:
            out.append(sl_n - sl_f[idx] + _SLACK)
        if asa_f is not None:
            with np.errstate(invalid="ignore"):
                out.append(np.maximum((asa_f[idx] - asa_n) / asa_f[idx], -1.0) + _SLACK)
        return out

    def margin(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.minimum.reduce(slacks(n, idx))

    occ_cap_binds = bool(np.any(occ_f < 1.0))
    agents = np.zeros(load_f.shape, dtype=np.int64)
    frac = np.zeros(load_f.shape)
    idx = np.flatnonzero(busy)
    if idx.size:
        # Each target's own root (smooth, so regula falsi converges fast); the requirement is the
        # largest. A known-infeasible floor: the stability limit for Erlang C, no agents for Erlang A.
        # First guess by square-root staffing (Halfin and Whitt 1981): the answer is near A + beta sqrt(A).
        load_i = load_f[idx]
        floor_ = load_i.copy() if model == "erlang-c" else np.zeros(idx.size)
        root = np.maximum(1.0, np.sqrt(load_i))
        x = np.maximum(floor_, load_i / occ_f[idx]) if model == "erlang-c" else floor_.copy()
        n_targets = int(occ_cap_binds) + (sl_f is not None) + (asa_f is not None)
        for k in range(n_targets):
            if model == "erlang-c" and occ_cap_binds and k == 0:
                continue  # Erlang C occupancy A / n: its root A / cap is already in x

            def one(n, i, k=k):
                return slacks(n, i)[k]

            left, right = _bracket(one, idx, floor_, np.maximum(x, load_i + root), 0.5 * root)
            x = np.maximum(x, _regula_falsi(one, idx, left, right))
        agents[idx], frac[idx] = _round_up_verified(margin, idx, x, floor_)
    metrics = _evaluate(model, load_f, agents.astype(float), t_over_aht, aht_f, r)
    metrics = QueueMetrics(*(np.reshape(getattr(metrics, f), shape) for f in QueueMetrics.__dataclass_fields__))
    return StaffingResult(agents.reshape(shape), frac.reshape(shape), metrics)


def _bracket(margin, idx, floor_, guess, step) -> tuple[np.ndarray, np.ndarray]:
    """[left, right] with margin(left) < 0 <= margin(right), galloping from ``guess`` by doubling steps:
    up while the targets are missed, down (never below the infeasible ``floor_``) while they are met."""
    left, right = floor_.copy(), guess.copy()
    step = step.copy()
    ok = margin(right, idx) >= 0
    down = ok.copy()  # met at the guess: walk down to find an infeasible left end
    while down.any():
        d = np.flatnonzero(down)
        cand = right[d] - step[d]
        at_floor = cand <= floor_[d]
        probe = d[~at_floor]
        met = margin(cand[~at_floor], idx[probe]) >= 0 if probe.size else np.zeros(0, dtype=bool)
        right[probe[met]] = cand[~at_floor][met]
        left[probe[~met]] = cand[~at_floor][~met]
        step[probe[met]] *= 2.0
        down[d[at_floor]] = False
        down[probe[~met]] = False
    up = ~ok  # missed at the guess: it is a valid left end; walk up
    left[up] = right[up]
    while up.any():
        u = np.flatnonzero(up)
        right[u] = left[u] + step[u]
        if np.any(right[u] > _MAX_AGENTS):
            raise IntervalError(f"target cannot be met with up to {_MAX_AGENTS:,} agents ({IntervalError.WHERE})",
                                int(idx[u[np.argmax(right[u] > _MAX_AGENTS)]]))
        met = margin(right[u], idx[u]) >= 0
        left[u[~met]] = right[u[~met]]
        step[u[~met]] *= 2.0
        up[u[met]] = False
    return left, right


def _regula_falsi(margin, idx: np.ndarray, a: np.ndarray, b: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
    """Root of the rising margin in [a, b] (margin(a) < 0 <= margin(b)) by regula falsi with the
    Anderson-Bjorck weighting (Galdino 2011 compares it with Illinois), to a relative tolerance (the
    formulas themselves are good to about 1e-13). Stops when the bracket or the last move of the
    feasible end is below the tolerance; returns the feasible end."""
    a, b = a.astype(float).copy(), b.astype(float).copy()
    tol = rtol * np.maximum(b, 1.0)
    fa, fb = margin(a, idx), margin(b, idx)
    side = np.zeros(a.shape, dtype=np.int8)  # which end was replaced last time (-1 a, +1 b)
    todo = (b - a > tol) & (fb > 0)
    for _ in range(200):
        if not todo.any():
            break
        t = np.flatnonzero(todo)
        c = b[t] - fb[t] * (b[t] - a[t]) / (fb[t] - fa[t])
        c = np.clip(c, a[t] + 0.25 * tol[t], b[t] - 0.25 * tol[t])
        fc = margin(c, idx[t])
        up = fc >= 0
        tb, ta = t[up], t[~up]
        moved = b[tb] - c[up]
        # the end that stays for a second time has its value shrunk (Anderson-Bjorck factor, else 1/2)
        m = 1.0 - fc[up] / fb[tb]
        fa[tb] = np.where(side[tb] == 1, fa[tb] * np.where(m > 0, m, 0.5), fa[tb])
        b[tb], fb[tb], side[tb] = c[up], fc[up], 1
        m = 1.0 - fc[~up] / fa[ta]
        fb[ta] = np.where(side[ta] == -1, fb[ta] * np.where(m > 0, m, 0.5), fb[ta])
        a[ta], fa[ta], side[ta] = c[~up], fc[~up], -1
        todo[t] = (b[t] - a[t] > tol[t]) & (fb[t] > 0)
        todo[tb[moved < tol[tb]]] = False
    return b


def _round_up_verified(margin, idx, x, floor_):
    """Integer answer ceil(x) checked on the exact formulas: the smallest n with margin(n) >= 0."""
    n = np.maximum(np.ceil(x - 1e-9), np.floor(floor_) + 1.0)
    while True:  # rounding put n one short of the target (x within 1e-9 above an integer)
        short = margin(n, idx) < 0
        if not short.any():
            break
        n[short] += 1.0
    while True:  # one fewer agent is already enough (x within 1e-9 below an integer)
        cand = n - 1.0
        spare = (cand > floor_) & (cand >= 1.0)
        spare[spare] = margin(cand[spare], idx[spare]) >= 0
        if not spare.any():
            break
        n[spare] -= 1.0
    return n.astype(np.int64), np.clip(x, n - 1.0 + 1e-12, n)
