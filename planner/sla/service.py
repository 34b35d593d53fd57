"""Every channel of a rostered team checked against the contract: voice, chat and deferred work.

Pure functions on arrays and domain objects (no file I/O). Three steps:

1. :func:`split_team_staffing` shares a team's productive agents per interval among its channels.
   Real-time channels (voice, chat) are served first, each up to its requirement, pro rata to the
   requirements when the team is short. What is left goes to the deferred channels (kind ``email``: email,
   social media, tickets) pro rata to their requirements, or evenly when they require nothing in that
   interval (idle agents clear backlog). A team without deferred channels gives its surplus to its
   real-time channels in the same way. Fractional agents are kept; the shares sum to ``productive``.
2. :func:`channel_service` plays one channel's share against its forecast:

   * voice: the discrete-event simulator (:mod:`planner.simulation`) with ``floor(agents)`` agents per
     interval (:func:`~planner.simulation.roster_from_staffing`), exponential patience only for model
     ``erlang-a``. Measure ``service_level`` = answered within ``answer_s`` / offered (all arrivals, the
     Erlang A convention; abandoned and never-served calls stay in the denominator), or ``asa_s`` when the
     channel has only an ASA target: the mean wait of the callers who were answered or abandoned,
     abandoned callers counting the time they waited (the Erlang A convention of
     :mod:`planner.queueing`; calls still queued at the end of the horizon are not in it). The Erlang
     prediction (:func:`planner.queueing.evaluate`) on the same staffing comes alongside.
   * chat: the same with ``floor(agents * concurrency)`` servers and the per-chat handle time
     :func:`planner.staffing.chat_handle_time_s` (the slot model of :mod:`planner.staffing`).
   * email (deferred): the interval's items, each of ``aht_s``, are released at the interval's start and
     replayed first-in first-out against a capacity of ``agents * interval_s`` agent-seconds per interval
     (any time of day: agents the team has at work answer mail even outside the channel's window). An item
     is owed by ``due(interval start, first_reply_working_hours)`` on the channel's coverage window and
     the Chinese calendar. Measure ``first_reply_share`` = items replied by their deadline / items
     counted; an item still open at the horizon end whose deadline is after the end is not counted (it is
     *carried over*), one whose deadline has passed counts as missed. The target is the spec's
     ``sl_target`` when set, else 1.0 (every item on time, what :mod:`planner.deferred` staffs for).
     A fractional forecast (3.4 items) is 3 whole items and a 0.4 item, counted with weight 0.4.

3. :func:`measure` applies the contract's measure: per ``sl_period`` (interval, day, week or month) the
   value pooled over replications (sum of the numerators over sum of the denominators), the share of
   replications in which the period met the target, met or not and by how much; ``share_met`` is the
   share of periods with contacts that met, and the channel passes when ``share_met >= sl_min_share`` and
   no interval with contacts falls below ``sl_floor`` (share measures only). Share measures are checked by
   :func:`planner.sla.staffing.check_target`; ASA (lower is better) by the same sums the other way round.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from planner import queueing
from planner.calendar import ChineseCalendar, due
from planner.domain import CHANNEL_KINDS, SL_PERIODS, ChannelSpec, VolumeError
from planner.errors import PlannerInputError
from planner.simulation import SimulationResult, Workload, roster_from_staffing, simulate, volume_factors
from planner.sla.staffing import check_target
from planner.staffing import chat_handle_time_s

REAL_TIME_KINDS = ("voice", "chat")
MEASURES = ("service_level", "asa_s", "first_reply_share")
_WHOLE = 1e-9  # agents within this of a whole number count as that number (float sums of shares)
_ITEM_TOL = 1e-6  # of an item's work: a reply this close to done counts as done (float rounding)
_SLACK = 1e-12  # the slack check_target allows on a target


# ---------------------------------------------------------------------------------------------------
# 1. sharing a team's agents among its channels
# ---------------------------------------------------------------------------------------------------
def split_team_staffing(
    productive: np.ndarray, required: Mapping[str, np.ndarray], kinds: Mapping[str, str]
) -> dict[str, np.ndarray]:
    """A team's productive agents per interval shared among its channels (see the module docstring).

    ``productive`` [agents per interval], ``required`` {channel: agents per interval}, ``kinds``
    {channel: voice | chat | email}. Returns {channel: agents per interval} (floats) in the order of
    ``required``, summing to ``productive`` in every interval.
    """
    p = np.asarray(productive, dtype=float)
    if p.ndim != 1 or not np.all(np.isfinite(p)) or np.any(p < 0):
        raise PlannerInputError("productive: need finite agents >= 0, one per interval")
    if not required:
        raise PlannerInputError("required: the team has no channels")
    req: dict[str, np.ndarray] = {}
    for name, values in required.items():
        r = np.asarray(values, dtype=float)
        if r.shape != p.shape:
            raise PlannerInputError(f"required[{name!r}]: {r.size} values for {p.size} intervals")
        if not np.all(np.isfinite(r)) or np.any(r < 0):
            raise PlannerInputError(f"required[{name!r}]: need finite agents >= 0")
        kind = kinds.get(name)
        if kind not in CHANNEL_KINDS:
            raise PlannerInputError(f"kinds[{name!r}]: {kind!r} is not one of {', '.join(CHANNEL_KINDS)}")
        req[name] = r
    real = [c for c in req if kinds[c] in REAL_TIME_KINDS]
    deferred = [c for c in req if kinds[c] not in REAL_TIME_KINDS]
    out = {c: np.zeros_like(p) for c in req}
    need = sum((req[c] for c in real), np.zeros_like(p))
    given = np.minimum(p, need)
    with np.errstate(invalid="ignore", divide="ignore"):
        fill = np.where(need > 0, given / need, 0.0)  # 1 where the team covers real-time demand
    for c in real:
        out[c] = req[c] * fill
    left = p - given
    takers = deferred or real  # surplus: to the deferred channels, else back to the real-time ones
    weight = sum((req[c] for c in takers), np.zeros_like(p))
    for c in takers:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(weight > 0, req[c] / weight, 1.0 / len(takers))  # ratio first: no underflow
        out[c] = out[c] + left * share
    return out


# ---------------------------------------------------------------------------------------------------
# 2. one channel's service on its share of the team
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChannelService:
    """What the contract measure needs, per interval, for one channel on a given staffing.

    ``numerator`` / ``denominator`` [replications, intervals], by the contact's arrival interval:
    answered within ``answer_s`` / offered (``service_level``), summed wait [s] / answered + abandoned
    (``asa_s``), items on time / items counted (``first_reply_share``; one replication, deterministic).
    ``offered``: the forecast per interval. ``agents``: this channel's agents as given; ``servers``:
    what served (whole agents for voice, chat slots for chat, the agents themselves for email).
    ``predicted``: Erlang value per interval on the same servers (nan: email, or no contacts).
    ``carried_over``: items open at the horizon end whose deadline is after it (email). ``deadlines``:
    due date of each interval's items (email). ``simulation``: the simulator's result (voice, chat).
    """

    channel: str
    kind: str
    measure: str
    target: float
    starts: tuple[dt.datetime, ...]
    interval_min: int
    offered: np.ndarray
    agents: np.ndarray
    servers: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    predicted: np.ndarray
    carried_over: np.ndarray
    answer_s: float | None = None
    replications: int = 1
    seed: int = 0
    deadlines: tuple[dt.datetime, ...] = ()
    simulation: SimulationResult | None = field(default=None, repr=False, compare=False)

    @property
    def higher_is_better(self) -> bool:
        return self.measure != "asa_s"

    def interval_values(self) -> np.ndarray:
        """The measure per interval, pooled over replications (nan: no contacts)."""
        den = self.denominator.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, self.numerator.sum(axis=0) / den, np.nan)


def channel_service(
    spec: ChannelSpec,
    starts: Sequence[dt.datetime],
    interval_min: int,
    offered: np.ndarray,
    aht_s: np.ndarray,
    agents: np.ndarray,
    calendar: ChineseCalendar,
    *,
    replications: int = 10,
    seed: int = 0,
    volume_error: VolumeError | None = None,
) -> ChannelService:
    """Play ``agents`` (this channel's share of its team, per interval) against its forecast.

    ``starts``: contiguous interval starts (local wall-clock); ``offered`` contacts and ``aht_s`` [s]
    per interval (``spec.aht_s`` overrides the latter when set). See the module docstring for each kind.
    ``volume_error``: voice and chat calls are drawn from the forecast's error, not the forecast alone
    (:func:`planner.simulation.draw_calls`).
    """
    where = f"channels.{spec.name}"
    starts = tuple(starts)
    n = len(starts)
    if n == 0:
        raise PlannerInputError(f"{where}: no intervals")
    step = dt.timedelta(minutes=interval_min)
    for k in range(1, n):
        if starts[k] - starts[k - 1] != step:
            raise PlannerInputError(f"{where}: intervals are not contiguous {interval_min}-min steps at {starts[k]}")
    calls = _series(offered, n, f"{where}: offered")
    staff = _series(agents, n, f"{where}: agents")
    if spec.aht_s is not None:
        aht = np.full(n, float(spec.aht_s))
    else:
        aht = np.broadcast_to(np.asarray(aht_s, dtype=float), (n,)).copy()
    good = np.isfinite(aht) & (aht > 0)
    if np.any((calls > 0) & ~good):
        k = int(np.flatnonzero((calls > 0) & ~good)[0])
        raise PlannerInputError(f"{where}: aht_s must be > 0 where contacts are forecast ({starts[k]})")
    aht = np.where(good, aht, 1.0)  # no contacts: any handle time will do
    if spec.kind == "email":
        return _deferred_service(spec, starts, interval_min, calls, aht, staff, calendar, replications, seed,
                                 volume_error)
    if spec.kind not in REAL_TIME_KINDS:
        raise PlannerInputError(f"{where}: kind {spec.kind!r} is not one of {', '.join(CHANNEL_KINDS)}")
    return _queue_service(spec, starts, interval_min, calls, aht, staff, replications, seed, volume_error)


def _series(values: np.ndarray, n: int, name: str) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.shape != (n,):
        raise PlannerInputError(f"{name}: {x.size} values for {n} intervals")
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise PlannerInputError(f"{name}: need finite values >= 0")
    return x


def _queue_service(
    spec: ChannelSpec,
    starts: tuple[dt.datetime, ...],
    interval_min: int,
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    replications: int,
    seed: int,
    volume_error: VolumeError | None = None,
) -> ChannelService:
    """Voice or chat: simulate the servers, predict with Erlang on the same servers."""
    terms = spec.target
    if terms.sl is not None:
        measure, target = "service_level", float(terms.sl)
        if terms.answer_s is None:
            raise PlannerInputError(f"channels.{spec.name}: a service-level target needs answer_s")
    elif terms.asa_s is not None:
        measure, target = "asa_s", float(terms.asa_s)
    else:
        raise PlannerInputError(f"channels.{spec.name}: no target (sl_target with answer_s, or asa_target_s)")
    c = spec.concurrency if spec.kind == "chat" else 1
    stretch = spec.handle_time_stretch if spec.kind == "chat" else 0.0
    if c < 1:
        raise PlannerInputError(f"channels.{spec.name}: concurrency must be >= 1, got {c}")
    handle = chat_handle_time_s(aht, c, stretch)
    servers = np.floor(agents * c + _WHOLE)
    patience = spec.patience_s if spec.model == "erlang-a" else None
    answer_s = float(terms.answer_s) if terms.answer_s is not None else 0.0
    workload = Workload(starts[0], interval_min, calls, handle)
    sim = simulate(
        workload,
        roster_from_staffing(servers, interval_min),
        answer_s=answer_s,
        patience_s=patience,
        replications=replications,
        seed=seed,
        volume_error=volume_error,
    )
    if measure == "service_level":
        num, den = sim.answered_within, sim.offered
    else:
        waited = sim.wait_abandoned_s if sim.wait_abandoned_s is not None else np.zeros_like(sim.offered)
        num, den = sim.wait_answered_s + waited, sim.answered + sim.abandoned
    predicted = np.full(calls.size, np.nan)
    busy = calls > 0
    if busy.any():
        m = queueing.evaluate(
            calls[busy], interval_min, handle[busy], answer_s, servers[busy], model=spec.model, patience_s=patience
        )
        predicted[busy] = m.service_level if measure == "service_level" else m.asa_s
    return ChannelService(
        channel=spec.name,
        kind=spec.kind,
        measure=measure,
        target=target,
        starts=starts,
        interval_min=interval_min,
        offered=calls,
        agents=agents,
        servers=servers,
        numerator=num,
        denominator=den,
        predicted=predicted,
        carried_over=np.zeros(calls.size),
        answer_s=terms.answer_s,
        replications=replications,
        seed=seed,
        simulation=sim,
    )


def fifo_completion_s(
    interval_s: float, items: np.ndarray, aht_s: np.ndarray, agents: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-in first-out replay of deferred items against ``agents * interval_s`` capacity per interval.

    Interval ``t``'s items are released at its start (t = 0 s is the first interval's start) and
    served in order, each needing ``aht_s[t]`` agent-seconds; a fractional count ends with a part item.
    Returns ``(interval, weight, completion_s)`` per item: its arrival interval, 1 (or the part), and the
    instant [s] its reply is done (``inf``: still open at the horizon end).

    Done work ``D`` at interval ends follows ``D[u+1] = min(D[u] + agents[u] interval_s, A[u])`` with
    ``A[u]`` the work released by the start of ``u``; within an interval ``D`` rises at rate
    ``agents[u]`` until it reaches ``A[u]``. An item is done when ``D`` reaches its end position in the
    cumulative work.
    """
    items = np.asarray(items, dtype=float)
    aht = np.asarray(aht_s, dtype=float)
    rate = np.asarray(agents, dtype=float)
    work = items * aht
    arrived = np.cumsum(work)  # A[u]
    done = np.zeros(items.size + 1)  # D at the start of each interval and at the horizon end
    for u in range(items.size):
        done[u + 1] = min(done[u] + rate[u] * interval_s, arrived[u])
    whole = np.floor(items + _ITEM_TOL).astype(np.int64)
    part = np.where(items - whole > _ITEM_TOL, items - whole, 0.0)
    count = whole + (part > 0)
    interval = np.repeat(np.arange(items.size), count)
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    k = np.arange(interval.size) - first[interval] + 1  # 1-based place within its interval
    size = np.minimum(k, items[interval])  # items of the interval done when this one is
    weight = np.where(k <= whole[interval], 1.0, part[interval])
    position = arrived[interval] - work[interval] + size * aht[interval]
    tol = _ITEM_TOL * aht[interval]
    u = np.searchsorted(done[1:], position - tol, side="left")  # first interval at whose end it is done
    completion = np.full(interval.size, np.inf)
    ok = u < items.size
    uu = u[ok]
    with np.errstate(divide="ignore", invalid="ignore"):
        into = np.where(rate[uu] > 0, (position[ok] - done[uu]) / rate[uu], 0.0)
    completion[ok] = uu * interval_s + np.clip(into, 0.0, interval_s)
    return interval, weight, completion


def _deferred_service(
    spec: ChannelSpec,
    starts: tuple[dt.datetime, ...],
    interval_min: int,
    items: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    calendar: ChineseCalendar,
    replications: int = 1,
    seed: int = 0,
    volume_error: VolumeError | None = None,
) -> ChannelService:
    """Email and other deferred work: FIFO replay, first reply within the working-hours deadline.

    On the forecast as given (one replay), or, with ``volume_error``, on ``replications`` draws of the
    items: Poisson(forecast x week x day x interval factor), the factors of
    :func:`planner.simulation.volume_factors`."""
    hours = spec.first_reply_working_hours
    if hours is None or not (math.isfinite(hours) and hours > 0):
        raise PlannerInputError(f"channels.{spec.name}: deferred work needs first_reply_working_hours > 0")
    target = float(spec.target.sl) if spec.target.sl is not None else 1.0
    interval_s = interval_min * 60.0
    n = len(starts)
    deadlines = tuple(due(s, hours, spec.window, calendar) for s in starts)
    deadline_s = np.array([(d - starts[0]).total_seconds() for d in deadlines])
    horizon_s = n * interval_s

    def replay(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        interval, weight, completion = fifo_completion_s(interval_s, counts, aht, agents)
        on_time = completion <= deadline_s[interval] + _ITEM_TOL * aht[interval]
        counted = np.isfinite(completion) | (deadline_s[interval] <= horizon_s)
        return (np.bincount(interval, weights=weight * (on_time & counted), minlength=n),
                np.bincount(interval, weights=weight * counted, minlength=n),
                np.bincount(interval, weights=weight * ~counted, minlength=n))

    if volume_error is None:
        num, den, carried = replay(items)
        num, den, replications = num[None, :], den[None, :], 1
    else:
        day = np.array([(s.date() - starts[0].date()).days for s in starts])
        rows = []
        for r in range(replications):
            g = np.random.default_rng(np.random.SeedSequence([seed, r, 4]))
            factor, noise = volume_factors(g, volume_error, int(day.max()) + 1, n)
            rows.append(replay(g.poisson(items * factor[day] * noise).astype(float)))
        num, den = np.stack([x[0] for x in rows]), np.stack([x[1] for x in rows])
        carried = np.mean([x[2] for x in rows], axis=0)
    return ChannelService(
        channel=spec.name,
        kind=spec.kind,
        measure="first_reply_share",
        target=target,
        starts=starts,
        interval_min=interval_min,
        offered=items,
        agents=agents,
        servers=agents,
        numerator=num,
        denominator=den,
        predicted=np.full(n, np.nan),
        carried_over=carried,
        replications=replications,
        seed=seed,
        deadlines=deadlines,
    )


# ---------------------------------------------------------------------------------------------------
# 3. the contract's measure
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChannelCheck:
    """One channel measured the contract's way (see :func:`measure`); arrays are per period.

    ``value``: the measure pooled over replications (nan: no contacts); ``replications_met``: share of
    replications in which the period met the target; ``margin``: by how much it met (>= 0) or missed
    (< 0), in the measure's units, positive = better; ``period_met``: met (periods without contacts:
    False here, and None in :meth:`to_dict` / NA in :meth:`periods_frame`). ``handled``: contacts handled
    in the horizon: the forecast's times the simulated answered share (voice, chat), or the items less
    those carried over (email).
    """

    channel: str
    kind: str
    measure: str
    period: str
    target: float
    min_share: float
    floor: float | None
    labels: tuple[str, ...]
    offered: np.ndarray
    value: np.ndarray
    predicted: np.ndarray
    replications_met: np.ndarray
    has_contacts: np.ndarray
    period_met: np.ndarray
    margin: np.ndarray
    share_met: float
    met: bool
    worst_period: str | None
    worst_period_value: float
    worst_interval: str | None
    worst_interval_value: float
    below_floor: tuple[str, ...]
    replications: int
    carried_over: float
    notes: tuple[str, ...] = ()
    handled: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, full float precision; NaN and infinities become None."""
        periods = []
        for i, lab in enumerate(self.labels):
            has = bool(self.has_contacts[i])
            periods.append(
                {
                    "period": lab,
                    "offered": _num(self.offered[i]),
                    "value": _num(self.value[i]),
                    "predicted": _num(self.predicted[i]),
                    "target": self.target,
                    "met": bool(self.period_met[i]) if has else None,
                    "margin": _num(self.margin[i]),
                    "replications_met": _num(self.replications_met[i]),
                }
            )
        return {
            "channel": self.channel,
            "kind": self.kind,
            "measure": self.measure,
            "period": self.period,
            "target": float(self.target),
            "min_share": float(self.min_share),
            "floor": None if self.floor is None else float(self.floor),
            "met": bool(self.met),
            "share_met": _num(self.share_met),
            "periods_with_contacts": int(self.has_contacts.sum()),
            "worst_period": {"period": self.worst_period, "value": _num(self.worst_period_value)},
            "worst_interval": {"interval": self.worst_interval, "value": _num(self.worst_interval_value)},
            "intervals_below_floor": list(self.below_floor),
            "replications": int(self.replications),
            "carried_over": float(self.carried_over),
            "handled": _num(self.handled),
            "notes": list(self.notes),
            "periods": periods,
        }

    def periods_frame(self) -> pd.DataFrame:
        """One row per period: channel, period, offered, value, target, met (+ predicted, margin,
        replications_met); ``met`` is a nullable boolean, NA for periods without contacts."""
        met = pd.array([bool(m) if h else pd.NA for m, h in zip(self.period_met, self.has_contacts, strict=True)],
                       dtype="boolean")
        return pd.DataFrame(
            {
                "channel": self.channel,
                "period": list(self.labels),
                "offered": self.offered.astype(float),
                "value": self.value.astype(float),
                "target": float(self.target),
                "met": met,
                "predicted": self.predicted.astype(float),
                "margin": self.margin.astype(float),
                "replications_met": self.replications_met.astype(float),
            }
        )


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def ratio_result(service: ChannelService) -> SimulationResult:
    """The service's numerator / denominator as a SimulationResult (answered_within / offered), so that
    its period sums and :func:`check_target` apply to any ratio measure."""
    workload = Workload(service.starts[0], service.interval_min, service.offered, 1.0)
    zeros = np.zeros_like(service.denominator)
    return SimulationResult(
        workload=workload,
        answer_s=float(service.answer_s or 0.0),
        offered=service.denominator,
        answered=zeros,
        answered_within=service.numerator,
        abandoned=zeros,
        abandoned_short=zeros,
        unserved=zeros,
        wait_answered_s=zeros,
        busy_s=zeros,
        overrun_s=zeros,
        staffed_s=np.zeros(service.offered.size),
    )


def measure(service: ChannelService, spec: ChannelSpec) -> ChannelCheck:
    """The contract's measure of ``service`` per ``spec.target.period``, with the verdict (module docstring)."""
    where = f"channels.{spec.name}"
    if service.channel != spec.name:
        raise PlannerInputError(f"{where}: the service given is of channel {service.channel!r}")
    terms = spec.target
    period = terms.period
    if period not in SL_PERIODS:
        raise PlannerInputError(f"{where}: sl_period must be one of {', '.join(SL_PERIODS)}, got {period!r}")
    result = ratio_result(service)
    labels, sums = result.group_sums(period)
    num, den = sums["answered_within"], sums["offered"]  # [replications, periods]
    pooled_den = den.sum(axis=0)
    has = pooled_den > 0
    notes: list[str] = []
    iv_labels = result.period_labels("interval")
    target = service.target
    if service.higher_is_better:
        # the target (a share) as check_target takes it: strictly inside (0, 1); its slack of 1e-12 keeps
        # a target of 1 (every item on time) exact to 2e-12
        sl = min(max(target, _SLACK), 1.0 - _SLACK)
        chk = check_target(
            result,
            replace(terms, sl=sl, answer_s=result.answer_s, confidence=None),
        )
        value, reps_met, period_ok = chk.period_sl, chk.share_met, chk.period_ok
        interval_value, below = chk.interval_sl, chk.below_floor
        margin = value - target
        floor = terms.floor
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(has, num.sum(axis=0) / pooled_den, np.nan)
            reps = num / den
            interval_value = service.interval_values()
        reps_met = np.where(np.isfinite(reps), reps <= target + _SLACK, True).mean(axis=0)
        period_ok = np.where(has, value <= target + _SLACK, True)
        margin = target - value
        below = np.zeros(0, dtype=np.int64)
        floor = None
        if terms.floor is not None:
            notes.append("sl_floor applies to service-level measures; not checked for an ASA target")
    period_met = has & period_ok
    reps_met = np.where(has, reps_met, np.nan)
    share = float(period_met.sum() / has.sum()) if has.any() else math.nan
    met = (not has.any() or share >= terms.min_share - _SLACK) and below.size == 0
    sign = 1.0 if service.higher_is_better else -1.0
    worst_p, worst_pv = _worst(value, labels, sign)
    worst_i, worst_iv = _worst(interval_value, iv_labels, sign)
    # prediction per period: expected numerator over expected denominator, weighted by the forecast
    weight = np.where(np.isfinite(service.predicted) & (service.offered > 0), service.offered, 0.0)
    group = {lab: i for i, lab in enumerate(labels)}
    g = np.array([group[lab] for lab in result.period_labels(period)], dtype=np.int64)
    offered = np.bincount(g, weights=service.offered, minlength=len(labels))
    w = np.bincount(g, weights=weight, minlength=len(labels))
    with np.errstate(invalid="ignore", divide="ignore"):
        wp = np.bincount(g, weights=np.where(weight > 0, service.predicted * weight, 0.0), minlength=len(labels))
        predicted = np.where(w > 0, wp / w, np.nan)
    handled = float(service.offered.sum()) - float(service.carried_over.sum())
    sim = service.simulation
    if sim is not None and float(sim.offered.sum()) > 0:  # the forecast's contacts times the answered share
        handled = float(service.offered.sum()) * float(sim.answered.sum()) / float(sim.offered.sum())
    if service.carried_over.sum() > 0:
        notes.append(f"{service.carried_over.sum():g} items open at the horizon end are due after it (carried over)")
    return ChannelCheck(
        channel=service.channel,
        kind=service.kind,
        measure=service.measure,
        period=period,
        target=target,
        min_share=float(terms.min_share),
        floor=floor,
        labels=tuple(labels),
        offered=offered,
        value=value,
        predicted=predicted,
        replications_met=reps_met,
        has_contacts=has,
        period_met=period_met,
        margin=margin,
        share_met=share,
        met=bool(met),
        worst_period=worst_p,
        worst_period_value=worst_pv,
        worst_interval=worst_i,
        worst_interval_value=worst_iv,
        below_floor=tuple(iv_labels[i] for i in below),
        replications=service.replications,
        carried_over=float(service.carried_over.sum()),
        notes=tuple(notes),
        handled=handled,
    )


def _worst(values: np.ndarray, labels: Sequence[str], sign: float) -> tuple[str | None, float]:
    """The label and value of the worst finite value (lowest when sign > 0, highest otherwise)."""
    ok = ~np.isnan(values)
    if not ok.any():
        return None, math.nan
    i = int(np.argmin(np.where(ok, sign * values, np.inf)))
    return labels[i], float(values[i])
