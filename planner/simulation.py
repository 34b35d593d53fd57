"""Discrete-event simulation of a contact centre's roster against its forecast.

One queue, homogeneous agents, first come first served (FCFS). Calls arrive as a non-stationary Poisson
process (piecewise constant rate per forecast interval, optionally scaled by a random day-level volume
factor), handle times are exponential or lognormal with the interval's mean ``aht_s [s]``, and callers
abandon after an exponential patience with mean ``patience_s [s]`` (``None``: nobody abandons, the
M/M/n of Erlang C; exponential patience gives the M/M/n+M of Erlang A, Garnett, Mandelbaum & Reiman 2002).

Agents serve only inside their ``work`` windows. A call in progress when a window ends is finished (the
agent leaves or starts the break afterwards, and the break still ends at its scheduled time); no call is
started after the window end.

FCFS with homogeneous agents needs no event list: calls are taken in arrival order, and each one goes to
the agent who can start it earliest (a min-heap of agent free times, advanced lazily past window ends).
A call whose wait would exceed its patience abandons and leaves the agents untouched. This is exact for
FCFS, the service starts of answered calls are non-decreasing in arrival order (e.g. Kiefer & Wolfowitz
1955 recursion for G/G/n). The event loop is compiled with numba; the independent event-list simulator
of the tests (tests/sim_oracles.py) checks it.

Service-level convention: ``service_level = answered within answer_s / offered`` (abandoned calls stay
in the denominator, as the Erlang A reference values of the project do). ``service_level_ex_short`` is
the variant that removes calls abandoned within ``short_abandon_s`` from the denominator. ASA is the
mean wait of answered calls (the ACD convention); ``asa_all_s`` also counts abandoned callers with the
time they waited (the Erlang A convention). Calls still waiting when no agent is left are
``unserved``: they count as offered and not answered.

Replications use common random numbers: replication ``r`` of seed ``s`` draws the same calls whatever
roster it is played against, so differences between rosters are not sampling noise.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit
from scipy import stats

if TYPE_CHECKING:
    import pandas as pd

from planner.calendar import parse_instant
from planner.domain import ACTIVITIES, INTERVALS_MIN, TARGET_PERIODS, TIME_FMT, VolumeError
from planner.errors import PlannerInputError

HANDLE_TIME_DISTRIBUTIONS = ("exponential", "lognormal")
INTERVAL_MINUTES = INTERVALS_MIN
# About 40 bytes a simulated call across the arrays: 2e7 calls drawn at once stay under 1 GB of memory.
MAX_SIMULATED_CALLS = 2e7
# simulate() draws and plays its replications in blocks of about this many calls, so its memory does not
# grow with the replications (each replication has its own seeds: the blocks do not change the figures)
BLOCK_CALLS = 2e6


# ---------------------------------------------------------------------------------------------------
# plain data
# ---------------------------------------------------------------------------------------------------
# Per-interval counts the event loop fills for each replication (the result's fields of the same names).
_KERNEL_COUNTS = (
    "answered", "answered_within", "abandoned", "abandoned_short", "unserved", "wait_answered_s", "busy_s",
    "overrun_s",
)

@dataclass(frozen=True)
class Workload:
    """The forecast on the simulation clock (t = 0 s at ``start``, local wall-clock time).

    ``calls`` [contacts per interval] and ``aht_s`` [s] are per interval; intervals are contiguous.
    """

    start: datetime
    interval_min: int
    calls: np.ndarray
    aht_s: np.ndarray

    def __post_init__(self) -> None:
        if self.interval_min not in INTERVAL_MINUTES:
            raise PlannerInputError(f"interval_min must be one of {INTERVAL_MINUTES}, got {self.interval_min}")
        calls = np.asarray(self.calls, dtype=float)
        if calls.ndim != 1 or calls.size == 0:
            raise PlannerInputError("calls: need a non-empty 1-D series of offered calls per interval")
        try:
            aht = np.broadcast_to(np.asarray(self.aht_s, dtype=float), calls.shape).copy()
        except ValueError:
            raise PlannerInputError("aht_s: need one value or one per interval") from None
        if not np.all(np.isfinite(calls)) or np.any(calls < 0):
            raise PlannerInputError(f"calls: offered must be finite and >= 0 ({self._when(_first_bad(calls))})")
        if not np.all(np.isfinite(aht)) or np.any(aht <= 0):
            raise PlannerInputError(f"aht_s: must be finite and > 0 ({self._when(_first_bad(aht, positive=True))})")
        object.__setattr__(self, "calls", calls)
        object.__setattr__(self, "aht_s", aht)

    def _when(self, k: int) -> str:
        """The start of interval ``k``, for a message."""
        return f"{self.start + timedelta(minutes=self.interval_min * k):%Y-%m-%dT%H:%M}"

    @property
    def n_intervals(self) -> int:
        return int(self.calls.size)

    @property
    def interval_s(self) -> float:
        return 60.0 * self.interval_min

    @property
    def horizon_s(self) -> float:
        return self.n_intervals * self.interval_s

    def interval_starts(self) -> list[datetime]:
        step = timedelta(minutes=self.interval_min)
        return [self.start + k * step for k in range(self.n_intervals)]

    def day_index(self) -> np.ndarray:
        """Index of each interval's calendar day (0 = the first day of the forecast)."""
        first = self.start.date()
        return np.array([(t.date() - first).days for t in self.interval_starts()], dtype=np.int64)


def _first_bad(values: np.ndarray, positive: bool = False) -> int:
    bad = ~np.isfinite(values) | ((values <= 0) if positive else (values < 0))
    return int(np.flatnonzero(bad)[0])


@dataclass(frozen=True)
class Roster:
    """Agents' work windows on the simulation clock [s], in CSR form.

    Agent ``a`` works ``[window_start_s[j], window_end_s[j])`` for ``j`` in
    ``agent_ptr[a]:agent_ptr[a+1]``; windows of one agent are sorted and do not touch.
    """

    window_start_s: np.ndarray
    window_end_s: np.ndarray
    agent_ptr: np.ndarray
    agent_ids: tuple[str, ...] = ()

    @property
    def n_agents(self) -> int:
        return int(self.agent_ptr.size - 1)

    def staffed_s(self, interval_s: float, n_intervals: int) -> np.ndarray:
        """Scheduled agent-seconds of work in each interval (the capacity before overrun)."""
        out = np.zeros(n_intervals)
        _add_segments(out, self.window_start_s, self.window_end_s, interval_s)
        return out

    def work_hours(self) -> float:
        """Scheduled ``work`` hours of the roster [h] (paid breaks and training are not in the roster)."""
        return float(np.sum(self.window_end_s - self.window_start_s) / 3600.0)


def roster_from_windows(windows: dict[str, list[tuple[float, float]]]) -> Roster:
    """Build a :class:`Roster` from ``{agent_id: [(start_s, end_s), ...]}``, merging touching windows."""
    starts: list[float] = []
    ends: list[float] = []
    ptr = [0]
    ids: list[str] = []
    for agent, wins in windows.items():
        merged: list[list[float]] = []
        for a, b in sorted(wins):
            if b <= a:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        if not merged:
            continue
        for a, b in merged:
            starts.append(a)
            ends.append(b)
        ptr.append(len(starts))
        ids.append(str(agent))
    return Roster(np.array(starts, dtype=float), np.array(ends, dtype=float), np.array(ptr, dtype=np.int64), tuple(ids))


def roster_from_staffing(agents: np.ndarray, interval_min: int) -> Roster:
    """A roster that has exactly ``agents[k]`` agents at work in interval ``k``.

    Agent ``j`` (1-based) works the intervals where ``agents >= j``: when the level drops, the agents
    added last leave first (each after finishing its call in progress).
    """
    n = np.asarray(agents)
    if n.ndim != 1 or np.any(n < 0) or not np.all(np.isfinite(n)) or np.any(n != np.round(n)):
        raise PlannerInputError("agents: need non-negative whole numbers of agents per interval")
    n = n.astype(np.int64)
    step = 60.0 * interval_min
    windows: dict[str, list[tuple[float, float]]] = {}
    for j in range(1, int(n.max(initial=0)) + 1):
        on = np.concatenate(([False], n >= j, [False])).astype(np.int8)
        edges = np.diff(on)
        ups, downs = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        windows[f"level-{j}"] = [(u * step, d * step) for u, d in zip(ups, downs, strict=True)]
    return roster_from_windows(windows)


@dataclass(frozen=True)
class CallStreams:
    """Random calls of every replication, drawn once and replayed against any roster (common random numbers).

    Replication ``r`` holds calls ``ptr[r]:ptr[r+1]``: arrival time [s] sorted, handle time [s],
    patience [s] (``inf`` without abandonment) and arrival interval index.
    """

    arrival_s: np.ndarray
    handle_s: np.ndarray
    patience_s: np.ndarray
    interval: np.ndarray
    ptr: np.ndarray
    day_factor: np.ndarray  # [replications, days] volume multipliers actually drawn

    @property
    def replications(self) -> int:
        return int(self.ptr.size - 1)

    @property
    def n_calls(self) -> int:
        return int(self.ptr[-1])


@dataclass(frozen=True)
class PeriodStats:
    """Results of one period (interval, day, week, month or the whole horizon), over replications.

    ``service_level`` is the mean over replications of each replication's ratio
    answered-within-T / offered in the period; ``service_level_ci95`` a Student-t interval on it.
    ``service_level_reps`` keeps each replication's value (for chance constraints). ``asa_s`` is the mean
    wait of answered calls (the ACD convention); ``asa_all_s`` that of all callers who answered or hung
    up, abandoned callers counting the time they waited (the Erlang A convention of ``planner.queueing``).
    """

    label: str
    offered: float
    service_level: float
    service_level_ci95: tuple[float, float]
    service_level_ex_short: float
    asa_s: float
    asa_all_s: float
    abandon_rate: float
    occupancy: float
    service_level_reps: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class SimulationResult:
    """Per-replication, per-interval counts of a simulation, with the workload that produced them.

    All count arrays have shape ``[replications, intervals]`` (by the call's arrival interval, except
    ``busy_s`` and ``overrun_s`` which are agent-seconds falling in the interval).
    """

    workload: Workload
    answer_s: float
    offered: np.ndarray
    answered: np.ndarray
    answered_within: np.ndarray
    abandoned: np.ndarray
    abandoned_short: np.ndarray
    unserved: np.ndarray
    wait_answered_s: np.ndarray
    busy_s: np.ndarray
    overrun_s: np.ndarray
    staffed_s: np.ndarray  # [intervals], scheduled agent-seconds
    wait_abandoned_s: np.ndarray | None = None  # time abandoned callers waited (their patience)

    @property
    def replications(self) -> int:
        return int(self.offered.shape[0])

    @property
    def calls_simulated(self) -> int:
        return int(self.offered.sum())

    def period_labels(self, period: str) -> list[str]:
        """Label of each interval in ``period`` (see :func:`period_labels`)."""
        return period_labels(self.workload, period)

    def group_sums(self, period: str) -> tuple[list[str], dict[str, np.ndarray]]:
        """Counts summed over the intervals of each period: arrays of shape ``[replications, periods]``."""
        labels = self.period_labels(period)
        uniq = list(dict.fromkeys(labels))
        index = {lab: i for i, lab in enumerate(uniq)}
        g = np.array([index[lab] for lab in labels], dtype=np.int64)
        m = np.zeros((g.size, len(uniq)))
        m[np.arange(g.size), g] = 1.0
        sums = {name: getattr(self, name) @ m for name in ("offered", *_KERNEL_COUNTS)}
        sums["staffed_s"] = self.staffed_s @ m
        waited = self.wait_abandoned_s if self.wait_abandoned_s is not None else np.zeros_like(self.offered)
        sums["wait_abandoned_s"] = waited @ m
        return uniq, sums

    def service_level_reps(self, period: str) -> tuple[list[str], np.ndarray]:
        """Service level of each replication in each period, ``[replications, periods]`` (nan: no calls)."""
        labels, s = self.group_sums(period)
        with np.errstate(invalid="ignore", divide="ignore"):
            return labels, s["answered_within"] / s["offered"]

    def summary(self, period: str = "total") -> list[PeriodStats]:
        """Service level (with a 95 % CI over replications), ASA, abandonment and occupancy per period."""
        labels, s = self.group_sums(period)
        r = self.replications
        with np.errstate(invalid="ignore", divide="ignore"):
            sl = s["answered_within"] / s["offered"]
            sl_ex = s["answered_within"] / (s["offered"] - s["abandoned_short"])
            asa = s["wait_answered_s"].sum(0) / s["answered"].sum(0)
            asa_all = (s["wait_answered_s"].sum(0) + s["wait_abandoned_s"].sum(0)) / (
                s["answered"].sum(0) + s["abandoned"].sum(0)
            )
            aband = s["abandoned"].sum(0) / s["offered"].sum(0)
            occ = s["busy_s"].sum(0) / (r * s["staffed_s"] + s["overrun_s"].sum(0))
        out = []
        for i, lab in enumerate(labels):
            out.append(
                PeriodStats(
                    label=lab,
                    offered=float(s["offered"][:, i].mean()),
                    service_level=_nanmean(sl[:, i]),
                    service_level_ci95=_t_interval(sl[:, i]),
                    service_level_ex_short=_nanmean(sl_ex[:, i]),
                    asa_s=float(asa[i]),
                    asa_all_s=float(asa_all[i]),
                    abandon_rate=float(aband[i]),
                    occupancy=float(occ[i]),
                    service_level_reps=sl[:, i].copy(),
                )
            )
        return out


def period_labels(workload: Workload, period: str) -> list[str]:
    """Label of each interval in ``period``: ISO minute, date, ISO week (2026-W10), month, or total."""
    if period not in TARGET_PERIODS:
        raise PlannerInputError(f"period must be one of {TARGET_PERIODS}, got {period!r}")
    starts = workload.interval_starts()
    if period == "interval":
        return [t.strftime(TIME_FMT) for t in starts]
    if period == "day":
        return [t.date().isoformat() for t in starts]
    if period == "week":
        return [f"{t.isocalendar().year}-W{t.isocalendar().week:02d}" for t in starts]
    if period == "month":
        return [t.strftime("%Y-%m") for t in starts]
    return ["total"] * len(starts)


def _nanmean(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan


def _t_interval(x: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Student-t confidence interval of the mean of independent replications (of a service level, so
    clipped to [0, 1]: the normal approximation can spill past 1 when nearly every call is answered)."""
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (math.nan, math.nan)
    m = float(x.mean())
    if x.size < 2:
        return (math.nan, math.nan)  # one replication says nothing about its own spread
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return (max(m - half, 0.0), min(m + half, 1.0))


# ---------------------------------------------------------------------------------------------------
# random calls
# ---------------------------------------------------------------------------------------------------
def _rng(seed: int, replication: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, replication, stream]))


def volume_factors(
    g: np.random.Generator, err: VolumeError, n_days: int, n_intervals: int
) -> tuple[np.ndarray, np.ndarray]:
    """One replication's day factors (week x day, lognormal, mean 1) and interval factors (gamma, mean 1);
    with ``err.n_weeks`` the replication's week log-SD is itself drawn (see :class:`VolumeError`)."""
    n_weeks = -(-n_days // 7)
    sd = err.week_log_sd
    if err.n_weeks >= 2 and sd > 0:  # the posterior predictive of an SD estimated from n weeks
        n = err.n_weeks
        sd = sd * math.sqrt((1 + 1 / n) * (n - 1) / g.chisquare(n - 1))
    week = np.exp(g.normal(-(sd**2) / 2, sd, size=n_weeks))
    day = np.exp(g.normal(-(err.day_log_sd**2) / 2, err.day_log_sd, size=n_days))
    phi = err.interval_dispersion
    noise = g.gamma(1.0 / phi, phi, size=n_intervals) if phi > 0 else np.ones(n_intervals)
    return np.repeat(week, 7)[:n_days] * day, noise


def draw_calls(
    workload: Workload,
    *,
    replications: int = 10,
    seed: int = 0,
    patience_s: float | None = None,
    handle_time: str = "exponential",
    handle_cv: float = 1.0,
    volume_cv: float = 0.0,
    volume_error: VolumeError | None = None,
    exact_counts: bool = False,
    first: int = 0,
) -> CallStreams:
    """Draw the calls of every replication (non-stationary Poisson arrivals, piecewise constant rate).

    Replication ``r`` (``first <= r < first + replications``) draws from its own seeds ``(seed, r, stream)``,
    so a block of replications drawn alone holds the very calls it holds in a longer draw.

    ``volume_error``: the forecast's error (:class:`planner.domain.VolumeError`): each replication draws a
    lognormal factor per week (7-day blocks from the first day) and per day, both with mean 1, and a gamma
    factor per interval with mean 1, so the rate is forecast x week x day x interval factor (a Poisson
    mixture, Jongbloed & Koole 2001). It replaces ``volume_cv`` (give one or the other). The factors have
    their own random stream, so the calls of a replication with all factors 1 are the plain draw.
    ``exact_counts``: the workload's counts are the calls that arrived (actuals, rounded to whole calls),
    placed uniformly at random within their interval; no Poisson draw, no volume factor.

    Each day of each replication has a volume factor with mean 1 and coefficient of variation
    ``volume_cv`` (gamma distributed; 0 = the forecast is the true rate), a common way to represent
    forecast error in staffing (Whitt 1999, "Dynamic staffing in a telephone call center aiming to
    immediately answer all calls"; Gans, Koole & Mandelbaum 2003). Handle times: exponential with mean
    ``aht_s``, or lognormal with that mean and coefficient of variation ``handle_cv``. Patience is
    exponential with mean ``patience_s`` (``None``: infinite). Separate random streams for arrivals,
    handle times and patience keep the common random numbers aligned when one of them changes.
    """
    if replications < 1:
        raise PlannerInputError(f"replications must be >= 1, got {replications}")
    if first < 0:
        raise PlannerInputError(f"first must be >= 0, got {first}")
    err = _check_draw(patience_s, handle_time, handle_cv, volume_cv, volume_error)
    if err is not None and exact_counts:
        raise PlannerInputError("exact_counts are the actual calls: they take no volume_error")
    if _expected_calls(workload, volume_cv, err) * replications > MAX_SIMULATED_CALLS:
        k = int(np.argmax(workload.calls))
        raise PlannerInputError(
            f"{workload.calls.sum():.4g} calls x {replications} replications is more than one draw holds "
            f"({MAX_SIMULATED_CALLS:.0e} calls; simulate() streams them in blocks); the largest interval, "
            f"{workload.interval_starts()[k]:{TIME_FMT}}, has {workload.calls[k]:.4g} calls"
        )
    step = workload.interval_s
    arr, hnd, pat, itv, ptr = [], [], [], [], [0]
    factors = np.ones((replications, int(workload.day_index().max()) + 1))
    for r in range(replications):
        rep = first + r
        g_arr, g_hnd, g_pat = _rng(seed, rep, 0), _rng(seed, rep, 1), _rng(seed, rep, 2)
        rate, factors[r] = _rate(workload, g_arr, seed, rep, err, volume_cv)
        counts = np.rint(workload.calls).astype(np.int64) if exact_counts else g_arr.poisson(rate)
        k = np.repeat(np.arange(workload.n_intervals, dtype=np.int64), counts)
        t = (k + g_arr.random(k.size)) * step
        order = np.argsort(t, kind="stable")  # calls of one interval stay in that interval
        t, k = t[order], k[order]
        mean = workload.aht_s[k]
        if handle_time == "exponential":
            h = g_hnd.exponential(1.0, size=k.size) * mean
        else:
            s2 = math.log1p(handle_cv**2)
            h = mean * np.exp(g_hnd.standard_normal(k.size) * math.sqrt(s2) - s2 / 2)
        p = g_pat.exponential(patience_s, size=k.size) if patience_s is not None else np.full(k.size, np.inf)
        arr.append(t)
        hnd.append(h)
        pat.append(p)
        itv.append(k)
        ptr.append(ptr[-1] + k.size)
    return CallStreams(
        np.concatenate(arr),
        np.concatenate(hnd),
        np.concatenate(pat),
        np.concatenate(itv),
        np.array(ptr, dtype=np.int64),
        factors,
    )


def _check_draw(
    patience_s: float | None, handle_time: str, handle_cv: float, volume_cv: float, volume_error: VolumeError | None
) -> VolumeError | None:
    """The checks of :func:`draw_calls`' arguments; the volume error that applies (None: none or zero)."""
    if handle_time not in HANDLE_TIME_DISTRIBUTIONS:
        raise PlannerInputError(f"handle_time must be one of {HANDLE_TIME_DISTRIBUTIONS}, got {handle_time!r}")
    if not (math.isfinite(handle_cv) and handle_cv > 0):
        raise PlannerInputError(f"handle_cv must be > 0, got {handle_cv}")
    if not (math.isfinite(volume_cv) and volume_cv >= 0):
        raise PlannerInputError(f"volume_cv must be >= 0, got {volume_cv}")
    if patience_s is not None and not (patience_s > 0):
        raise PlannerInputError(f"patience_s must be > 0, got {patience_s}")
    err = volume_error if volume_error is not None and not volume_error.is_zero else None
    if err is not None and volume_cv > 0:
        raise PlannerInputError("give volume_cv or volume_error, not both")
    return err


def _rate(
    workload: Workload, g_arr: np.random.Generator, seed: int, rep: int, err: VolumeError | None, volume_cv: float
) -> tuple[np.ndarray, np.ndarray]:
    """Replication ``rep``'s arrival rate per interval and its day factors (see :func:`draw_calls`); a
    ``volume_cv`` factor takes the first draws of the arrival stream ``g_arr``."""
    day = workload.day_index()
    n_days = int(day.max()) + 1
    if err is not None:
        factors, noise = volume_factors(_rng(seed, rep, 3), err, n_days, workload.n_intervals)
        return workload.calls * factors[day] * noise, factors
    if volume_cv > 0:
        shape = 1.0 / volume_cv**2
        factors = g_arr.gamma(shape, 1.0 / shape, size=n_days)
        return workload.calls * factors[day], factors
    return workload.calls, np.ones(n_days)


@dataclass(frozen=True, eq=False)
class CallDraw:
    """The calls of :func:`draw_calls` with these arguments, drawn a block of replications at a time when
    played (:func:`simulate_streams`): common random numbers that need not fit in memory.

    Each replication draws from its own seeds, so playing a ``CallDraw`` gives exactly what playing the
    :class:`CallStreams` of ``draw_calls`` with the same arguments gives. When all the replications fit in
    one draw (:data:`MAX_SIMULATED_CALLS` expected calls) they are drawn once, on first play, and kept;
    beyond that every play draws them again, block by block (memory of one block of ``block_calls``).
    """

    workload: Workload
    replications: int
    seed: int = 0
    patience_s: float | None = None
    volume_error: VolumeError | None = None
    volume_cv: float = 0.0
    handle_time: str = "exponential"
    handle_cv: float = 1.0
    block_calls: float = BLOCK_CALLS
    keep: bool = True  # keep the calls for the next play when they fit in one draw

    def __post_init__(self) -> None:
        if self.replications < 1:
            raise PlannerInputError(f"replications must be >= 1, got {self.replications}")
        _check_draw(self.patience_s, self.handle_time, self.handle_cv, self.volume_cv, self.volume_error)

    def _args(self) -> dict[str, Any]:
        return dict(seed=self.seed, patience_s=self.patience_s, volume_error=self.volume_error,
                    volume_cv=self.volume_cv, handle_time=self.handle_time, handle_cv=self.handle_cv)

    @property
    def expected_calls(self) -> float:
        """Calls of one replication, as :func:`draw_calls` reckons them (:func:`_expected_calls`)."""
        return _expected_calls(self.workload, self.volume_cv, self.volume_error)

    def _firsts(self) -> range:
        size = max(1, min(self.replications, int(self.block_calls // max(self.expected_calls, 1.0))))
        return range(0, self.replications, size)

    @cached_property
    def _held(self) -> tuple[CallStreams, ...] | None:
        if not self.keep or self.expected_calls * self.replications > MAX_SIMULATED_CALLS:
            return None
        return tuple(self._draw())

    def _draw(self) -> Iterator[CallStreams]:
        firsts = self._firsts()
        for first in firsts:
            yield draw_calls(self.workload, replications=min(firsts.step, self.replications - first), first=first,
                             **self._args())

    def blocks(self) -> Iterator[CallStreams]:
        """The replications' calls, block by block, in replication order."""
        held = self._held
        return iter(held) if held is not None else self._draw()

    @cached_property
    def day_factor(self) -> np.ndarray:
        """``[replications, days]`` volume multipliers, those :func:`draw_calls` draws (no calls drawn)."""
        err = _check_draw(self.patience_s, self.handle_time, self.handle_cv, self.volume_cv, self.volume_error)
        return np.stack([_rate(self.workload, _rng(self.seed, r, 0), self.seed, r, err, self.volume_cv)[1]
                         for r in range(self.replications)])


# ---------------------------------------------------------------------------------------------------
# the event loop
# ---------------------------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def _add_segments(out, seg_start, seg_end, interval_s):  # pragma: no cover - compiled
    """Add the length of each segment [a, b) to the intervals it overlaps (clipped to the horizon)."""
    n = out.size
    for i in range(seg_start.size):
        a, b = seg_start[i], seg_end[i]
        if b <= a:
            continue
        k = int(a // interval_s)
        if k < 0:
            k = 0
        while k < n:
            lo = k * interval_s
            hi = lo + interval_s
            if lo >= b:
                break
            x = max(a, lo)
            y = min(b, hi)
            if y > x:
                out[k] += y - x
            k += 1


@njit(cache=True, nogil=True)
def _add_one(out, a, b, interval_s):  # pragma: no cover - compiled
    n = out.size
    k = int(a // interval_s)
    if k < 0:
        k = 0
    while k < n:
        lo = k * interval_s
        if lo >= b:
            break
        hi = lo + interval_s
        out[k] += min(b, hi) - max(a, lo)
        k += 1


@njit(cache=True, nogil=True)
def _sift_down(ht, ha, size, i):  # pragma: no cover - compiled
    t, a = ht[i], ha[i]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and ht[c + 1] < ht[c]:
            c += 1
        if ht[c] >= t:
            break
        ht[i], ha[i] = ht[c], ha[c]
        i = c
    ht[i], ha[i] = t, a


@njit(cache=True, nogil=True)
def _fcfs_kernel(
    arrival_s,
    handle_s,
    patience_s,
    interval,
    answer_s,
    short_abandon_s,
    interval_s,
    win_start,
    win_end,
    agent_ptr,
    answered,
    answered_within,
    abandoned,
    abandoned_short,
    unserved,
    wait_answered,
    busy,
    overrun,
    start_out,
):  # pragma: no cover - compiled
    """FCFS multi-server queue with abandonment over agents' work windows (see the module docstring).

    Writes per-interval counts into the output arrays and each call's service start (``nan`` when the
    call abandons or is never served) into ``start_out``.
    """
    n_agents = agent_ptr.size - 1
    ht = np.empty(n_agents)
    ha = np.empty(n_agents, dtype=np.int64)
    cur = np.empty(n_agents, dtype=np.int64)
    size = 0
    for a in range(n_agents):
        if agent_ptr[a + 1] > agent_ptr[a]:
            cur[a] = agent_ptr[a]
            ht[size] = win_start[agent_ptr[a]]
            ha[size] = a
            size += 1
    # heapify
    for i in range(size // 2 - 1, -1, -1):
        _sift_down(ht, ha, size, i)
    for i in range(arrival_s.size):
        t = arrival_s[i]
        k = interval[i]
        start = np.inf
        while size > 0:
            f = ht[0]
            a = ha[0]
            w = cur[a]
            s = t if t > f else f
            if s < win_end[w]:
                start = s
                break
            w += 1
            if w >= agent_ptr[a + 1]:  # the agent has left for good
                size -= 1
                if size > 0:
                    ht[0], ha[0] = ht[size], ha[size]
                    _sift_down(ht, ha, size, 0)
                continue
            cur[a] = w
            nf = win_start[w]
            ht[0] = nf if nf > f else f
            _sift_down(ht, ha, size, 0)
        wait = start - t
        if wait > patience_s[i]:
            abandoned[k] += 1
            if patience_s[i] < short_abandon_s:
                abandoned_short[k] += 1
            start_out[i] = np.nan
            continue
        if start == np.inf:
            unserved[k] += 1
            start_out[i] = np.nan
            continue
        start_out[i] = start
        answered[k] += 1
        wait_answered[k] += wait
        if wait <= answer_s:
            answered_within[k] += 1
        end = start + handle_s[i]
        _add_one(busy, start, end, interval_s)
        we = win_end[cur[ha[0]]]
        if end > we:
            _add_one(overrun, start if start > we else we, end, interval_s)
        ht[0] = end
        _sift_down(ht, ha, size, 0)


def simulate_streams(
    workload: Workload,
    roster: Roster,
    calls: CallStreams | CallDraw,
    *,
    answer_s: float,
    short_abandon_s: float = 0.0,
) -> SimulationResult:
    """Play every replication of ``calls`` against ``roster``; per-interval counts for each replication.
    A :class:`CallDraw` is played block by block and the blocks' counts joined."""
    if not (math.isfinite(answer_s) and answer_s >= 0):
        raise PlannerInputError(f"answer_s must be >= 0, got {answer_s}")
    if isinstance(calls, CallDraw):
        parts = [simulate_streams(workload, roster, b, answer_s=answer_s, short_abandon_s=short_abandon_s)
                 for b in calls.blocks()]
        if len(parts) == 1:
            return parts[0]
        joined = {name: np.concatenate([getattr(p, name) for p in parts])
                  for name in ("offered", "wait_abandoned_s", *_KERNEL_COUNTS)}
        return replace(parts[0], **joined)
    r, n = calls.replications, workload.n_intervals
    out = {name: np.zeros((r, n)) for name in _KERNEL_COUNTS}
    offered = np.zeros((r, n))
    waited = np.zeros((r, n))
    for i in range(r):
        lo, hi = calls.ptr[i], calls.ptr[i + 1]
        offered[i] = np.bincount(calls.interval[lo:hi], minlength=n)
        start = np.empty(hi - lo)
        _fcfs_kernel(
            calls.arrival_s[lo:hi],
            calls.handle_s[lo:hi],
            calls.patience_s[lo:hi],
            calls.interval[lo:hi],
            float(answer_s),
            float(short_abandon_s),
            workload.interval_s,
            roster.window_start_s,
            roster.window_end_s,
            roster.agent_ptr,
            out["answered"][i],
            out["answered_within"][i],
            out["abandoned"][i],
            out["abandoned_short"][i],
            out["unserved"][i],
            out["wait_answered_s"][i],
            out["busy_s"][i],
            out["overrun_s"][i],
            start,
        )
        pat = calls.patience_s[lo:hi]
        gave_up = np.isnan(start) & np.isfinite(pat)
        waited[i] = np.bincount(calls.interval[lo:hi], weights=np.where(gave_up, pat, 0.0), minlength=n)
    return SimulationResult(
        workload=workload,
        answer_s=float(answer_s),
        offered=offered,
        staffed_s=roster.staffed_s(workload.interval_s, n),
        wait_abandoned_s=waited,
        **out,
    )


def simulate(
    workload: Workload,
    roster: Roster,
    *,
    answer_s: float,
    patience_s: float | None = None,
    replications: int = 10,
    seed: int = 0,
    handle_time: str = "exponential",
    handle_cv: float = 1.0,
    volume_cv: float = 0.0,
    volume_error: VolumeError | None = None,
    short_abandon_s: float = 0.0,
    block_calls: float = BLOCK_CALLS,
) -> SimulationResult:
    """Simulate ``roster`` against ``workload``: draw the calls (:func:`draw_calls`) and play them.

    Streamed (:class:`CallDraw`): the replications are drawn and played in blocks of about ``block_calls``
    expected calls (at least one replication a block), so memory holds one block's calls and the
    per-interval counts of every replication, whatever the replications. Each replication has its own
    seeds, so the figures are the same for any block size."""
    calls = CallDraw(workload, replications, seed, patience_s, volume_error, volume_cv, handle_time, handle_cv,
                     block_calls, keep=False)
    return simulate_streams(workload, roster, calls, answer_s=answer_s, short_abandon_s=short_abandon_s)


def _expected_calls(workload: Workload, volume_cv: float, volume_error: VolumeError | None) -> float:
    """The calls of one replication a draw must hold: the forecast's plus four SDs of the day-level volume
    factor (``volume_cv``, or the CV of the forecast error's week x day factor)."""
    err = volume_error if volume_error is not None and not volume_error.is_zero else None
    cv = volume_cv if err is None else math.sqrt(math.expm1(err.week_log_sd**2 + err.day_log_sd**2))
    return float(workload.calls.sum()) * (1.0 + 4.0 * cv)


def call_starts(
    roster: Roster, calls: CallStreams, workload: Workload, replication: int = 0, answer_s: float = 20.0
) -> np.ndarray:
    """Service start [s] of each call of one replication (``nan``: abandoned or never served), for checks."""
    lo, hi = calls.ptr[replication], calls.ptr[replication + 1]
    n = workload.n_intervals
    scratch = [np.zeros(n) for _ in range(8)]
    start = np.empty(hi - lo)
    _fcfs_kernel(
        calls.arrival_s[lo:hi],
        calls.handle_s[lo:hi],
        calls.patience_s[lo:hi],
        calls.interval[lo:hi],
        float(answer_s),
        0.0,
        workload.interval_s,
        roster.window_start_s,
        roster.window_end_s,
        roster.agent_ptr,
        *scratch,
        start,
    )
    return start


def day_dates(workload: Workload) -> Sequence[date]:
    """Calendar dates covered by the workload, in order."""
    return list(dict.fromkeys(t.date() for t in workload.interval_starts()))


def _require(df: pd.DataFrame, path: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PlannerInputError(f"{path}: missing column(s) {', '.join(missing)} (have {', '.join(df.columns)})")


def _parse_time(value: object, path: str, row: int, column: str) -> datetime:
    """Local wall-clock time; an explicit UTC offset is converted to the site zone (as for the forecast)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    try:
        return parse_instant(text, column)
    except PlannerInputError:
        raise PlannerInputError(f"{path}: row {row}: {column} {text!r} is not a time like 2026-03-02T09:30") from None


def roster_from_schedule(
    df: pd.DataFrame, workload: Workload, *, cyclic: bool | None = None, source: str = "schedule"
) -> Roster:
    """Agents' ``work`` windows of schedule rows (``agent_id, date, activity, start, end``, as in
    schedule.csv) on the workload's clock; ``source`` names the rows in error messages."""
    path = source
    _require(df, path, ("agent_id", "date", "activity", "start", "end"))
    horizon_s = workload.horizon_s
    if cyclic is None:
        cyclic = horizon_s % (7 * 86400.0) == 0
    windows: dict[str, list[tuple[float, float, int]]] = {}
    for i, rec in enumerate(df.itertuples(index=False)):
        row = i + 2
        agent = str(rec.agent_id).strip()
        if not agent or agent == "nan":
            raise PlannerInputError(f"{path}: row {row}: agent_id is empty")
        activity = str(rec.activity).strip().lower()
        if activity not in ACTIVITIES:
            raise PlannerInputError(
                f"{path}: row {row}: activity {rec.activity!r} is not one of {'|'.join(ACTIVITIES)}"
            )
        try:
            datetime.strptime(str(rec.date).strip(), "%Y-%m-%d")
        except ValueError:
            raise PlannerInputError(f"{path}: row {row}: date {rec.date!r} is not a date like 2026-03-02") from None
        start = _parse_time(rec.start, path, row, "start")
        end = _parse_time(rec.end, path, row, "end")
        if end <= start:
            raise PlannerInputError(f"{path}: row {row}: end {rec.end} is not after start {rec.start}")
        if activity != "work":
            continue
        a = (start - workload.start).total_seconds()
        b = (end - workload.start).total_seconds()
        windows.setdefault(agent, []).append((a, b, row))
    out: dict[str, list[tuple[float, float]]] = {}
    for agent, wins in windows.items():
        wins.sort()
        for (_a0, b0, r0), (a1, _b1, r1) in itertools.pairwise(wins):
            if a1 < b0:
                raise PlannerInputError(f"{path}: row {r1}: work of agent {agent} overlaps its work on row {r0}")
        pieces: list[tuple[float, float, int]] = []
        for a, b, r in wins:
            if b <= 0 or a >= horizon_s:
                continue  # outside the forecast's horizon
            a = max(a, 0.0)
            if cyclic and b > horizon_s:
                # the week is a cycle: what runs past the end covers the start (Sunday night -> Monday)
                pieces.append((a, horizon_s, r))
                pieces.append((0.0, min(b - horizon_s, horizon_s), r))
            else:
                pieces.append((a, b, r))
        if cyclic:
            pieces.sort()
            for (_a0, b0, r0), (a1, _b1, r1) in itertools.pairwise(pieces):
                if a1 < b0:
                    raise PlannerInputError(
                        f"{path}: row {r0}: work of agent {agent} wraps past the end of the week onto its "
                        f"work on row {r1}"
                    )
        out[agent] = [(a, b) for a, b, _r in pieces]
    roster = roster_from_windows(out)
    if roster.n_agents == 0:
        raise PlannerInputError(
            f"{path}: no 'work' inside the forecast's horizon {workload.start:{TIME_FMT}} + {horizon_s / 3600:g} h"
        )
    return roster
