"""Forecast risk: how likely a plan meets its target given the forecast's error, and what confidence costs.

A forecast is a mean; the calls that come differ from it by more than Poisson noise (the day's level is
off, and the intraday shape). :class:`planner.domain.VolumeError` describes that error (estimated from the
forecast's backtests): the simulator draws each replication's week, day and interval volume factors from
it (:func:`planner.simulation.draw_calls`), so a plan is judged against the volumes it may really meet.

* :func:`confidence_staffing`: the fewest agent-hours whose every ``sl_period`` meets the target with
  probability ``confidence`` under that error: the chance-constrained SL-aware search of
  :mod:`planner.sla.staffing` (quantile design volume, greedy marginal allocation, simulation check), with
  the calls drawn from the error model. Staffing for a quantile of the arrival rate is the classic answer
  to rate uncertainty (Gans, Koole & Mandelbaum 2003, section 4.1; Jongbloed & Koole 2001).
* :func:`channel_risk`: for a staffing already fixed (the roster), per day the probability that the day
  meets its target, the expected number of days a month that miss it, and the probability that the month
  meets the contract's measure (``sl_period`` month: the month's pooled value; day, interval or week: at
  least ``sl_min_share`` of the month's periods). The month is built from the horizon's days, repeated to
  ``DAYS_PER_MONTH`` days,
  each 7-day block taken from an independently chosen replication (a block bootstrap: a week's level error
  is shared by its days, weeks are independent). Missed days a month = the mean miss probability of the
  horizon's measured days x the measured days in a month.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from planner.cache import Cache, cached_map, content_key
from planner.calendar import ChineseCalendar
from planner.domain import ChannelSpec, VolumeError
from planner.errors import PlannerInputError
from planner.simulation import MAX_SIMULATED_CALLS, CallDraw, Workload
from planner.sla.service import ChannelService, ratio_result
from planner.sla.staffing import sl_aware_staffing
from planner.staffing import chat_handle_time_s, queue_channel_requirements

DAYS_PER_MONTH = 30  # a contract month of days (the bootstrap's month length)
MONTH_DRAWS = 4000  # bootstrap months behind the probability that the month meets its target
TOLERANCE = 0.005  # of the working service-level target: the search stops within half a point of it


def confidence_staffing(
    spec: ChannelSpec,
    starts: Sequence[Any],
    interval_min: int,
    calls: np.ndarray,
    aht_s: np.ndarray,
    error: VolumeError,
    confidence: float,
    *,
    replications: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """Agents per interval so that each ``spec.target.period`` meets ``spec.target.sl`` with probability
    ``confidence`` given the forecast ``calls`` and its ``error`` (module docstring). Chat counts
    ``concurrency`` slots per agent (the slot model of :mod:`planner.staffing`)."""
    where = f"channels.{spec.name}"
    if spec.target.sl is None or spec.target.answer_s is None:
        raise PlannerInputError(f"{where}: sl_confidence needs a service_level target with answer_s")
    if not 0 < confidence < 1:
        raise PlannerInputError(f"{where}: sl_confidence {confidence}: must be a fraction strictly between 0 and 1")
    c = spec.concurrency if spec.kind == "chat" else 1
    handle = chat_handle_time_s(aht_s, c, spec.handle_time_stretch if spec.kind == "chat" else 0.0)
    workload = Workload(starts[0], interval_min, np.asarray(calls, dtype=float), handle)
    patience = spec.patience_s if spec.model == "erlang-a" else None
    drawn = CallDraw(workload, replications, seed, patience, error)  # streamed beyond one draw's memory
    # each period is held to the confidence (min_share 1): the month's chance is priced by the risk report
    target = replace(spec.target, min_share=1.0, confidence=in_sample_share(confidence, replications))
    res = sl_aware_staffing(
        workload, target, drawn, model=spec.model, patience_s=patience, search="marginal", tolerance=TOLERANCE
    )
    if not res.met:
        raise PlannerInputError(f"{where}: sl_confidence {confidence:g} cannot be met: {res.reason}")
    return -(-np.asarray(res.staffing, dtype=np.int64) // c)


MIN_TABLE_REPLICATIONS = 20  # the fewest replications the hours-by-confidence table is priced on


def in_sample_share(confidence: float, replications: int) -> float:
    """The share of the search's own replications a period must meet: ``confidence`` plus one standard
    error of a proportion, sqrt(c (1 - c) / R). The search stops at the cheapest plan that passes on its
    draws, so the probability on fresh draws falls short of the in-sample share (the optimism of sample
    average approximation, Shapiro, Dentcheva & Ruszczynski 2009, *Lectures on Stochastic Programming*,
    section 5.1); the margin pays for it."""
    return min(1.0 - 0.5 / replications, confidence + math.sqrt(confidence * (1 - confidence) / replications))


@dataclass(frozen=True)
class ChannelRisk:
    """A channel's plan under forecast error (module docstring).

    ``p_day_met[d]``: share of replications in which day ``d`` met the target (nan: no contacts);
    ``day_value[d]``: the day's measure pooled over replications; ``hours``: (label, confidence, agent-hours
    of the requirement) for plain Erlang (confidence None) and each confidence step.
    """

    channel: str
    measure: str
    target: float
    confidence: float | None
    error: VolumeError
    error_source: str  # backtest | scenario | none
    days: tuple[str, ...]
    day_offered: np.ndarray
    day_value: np.ndarray
    p_day_met: np.ndarray
    expected_missed_days_per_month: float
    p_month_met: float
    replications: int
    hours: tuple[tuple[str, float | None, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (NaN becomes None)."""
        base = self.hours[0][2] if self.hours else None
        return {
            "confidence": self.confidence,
            "error": {
                "source": self.error_source,
                "week_log_sd": self.error.week_log_sd,
                "day_log_sd": self.error.day_log_sd,
                "interval_dispersion": self.error.interval_dispersion,
                "n_weeks": self.error.n_weeks,
            },
            "replications": self.replications,
            "p_day_met_min": _num(np.nanmin(self.p_day_met)) if np.isfinite(self.p_day_met).any() else None,
            "expected_missed_days_per_month": _num(self.expected_missed_days_per_month),
            "p_month_met": _num(self.p_month_met),
            "days": [
                {"date": d, "offered": _num(o), "expected_value": _num(v), "p_met": _num(p)}
                for d, o, v, p in zip(self.days, self.day_offered, self.day_value, self.p_day_met, strict=True)
            ],
            "hours_by_confidence": [
                {
                    "staffing": label,
                    "confidence": conf,
                    "agent_hours": _num(h),
                    "added_hours": _num(h - base) if base is not None else None,
                }
                for label, conf, h in self.hours
            ],
        }

    def days_frame(self) -> pd.DataFrame:
        """One row per day: channel, date, offered, expected_value (under the forecast's error), target,
        p_met (the probability of meeting the target)."""
        return pd.DataFrame(
            {
                "channel": self.channel,
                "date": list(self.days),
                "offered": self.day_offered,
                "expected_value": self.day_value,
                "target": self.target,
                "p_met": self.p_day_met,
            }
        )

    def hours_frame(self) -> pd.DataFrame:
        """One row per staffing rule: channel, staffing, confidence, agent_hours, added_hours."""
        d = self.to_dict()["hours_by_confidence"]
        return pd.DataFrame(
            {"channel": self.channel, **{k: [row[k] for row in d] for k in ("staffing", "confidence",
                                                                         "agent_hours", "added_hours")}}
        )


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _day_groups(service: ChannelService) -> tuple[list[str], np.ndarray]:
    """The service's dates (ISO) and each interval's index among them."""
    dates = [t.date().isoformat() for t in service.starts]
    labels = list(dict.fromkeys(dates))
    index = {lab: i for i, lab in enumerate(labels)}
    return labels, np.array([index[d] for d in dates], dtype=np.int64)


def day_sums(service: ChannelService) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per replication and day: the measure's numerator and denominator ([replications, days])."""
    labels, sums = ratio_result(service).group_sums("day")
    return labels, sums["answered_within"], sums["offered"]


def _meets(num: np.ndarray, den: np.ndarray, target: float, higher_is_better: bool) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    ok = value >= target - 1e-12 if higher_is_better else value <= target + 1e-12
    return np.where(den > 0, ok, True)


def month_met_probability(
    num: np.ndarray,
    den: np.ndarray,
    target: float,
    higher_is_better: bool,
    *,
    period: str = "month",
    min_share: float = 1.0,
    met: np.ndarray | None = None,
    counted: np.ndarray | None = None,
    seed: int = 0,
    days: int = DAYS_PER_MONTH,
    draws: int = MONTH_DRAWS,
) -> float:
    """Probability that a month of ``days`` days meets the contract's measure (block bootstrap, module
    docstring). ``num``/``den`` [replications, days] are the measure's sums per day. ``period`` month: the
    month's pooled value meets ``target``; week: at least ``min_share`` of its 7-day blocks do; day or
    interval: at least ``min_share`` of its periods with contacts do, counted per day by ``met`` and
    ``counted`` [replications, days] (default: the days themselves)."""
    reps, n_days = num.shape
    if not (den > 0).any():
        return math.nan
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7919]))
    day = np.arange(days) % n_days
    block = np.arange(days) // 7
    pick = rng.integers(0, reps, size=(draws, int(block.max()) + 1))[:, block]  # [draws, days]
    n, d = num[pick, day[None, :]], den[pick, day[None, :]]
    if period == "month":
        return float(_meets(n.sum(axis=1), d.sum(axis=1), target, higher_is_better).mean())
    if period == "week":
        starts = np.arange(0, days, 7)
        bn, bd = np.add.reduceat(n, starts, axis=1), np.add.reduceat(d, starts, axis=1)
        ok = _meets(bn, bd, target, higher_is_better) & (bd > 0)
        share = ok.sum(axis=1) / np.maximum((bd > 0).sum(axis=1), 1)
        return float((share >= min_share - 1e-12).mean())
    if met is None or counted is None:
        met, counted = (_meets(num, den, target, higher_is_better) & (den > 0)).astype(float), (den > 0).astype(float)
    m, c = met[pick, day[None, :]].sum(axis=1), counted[pick, day[None, :]].sum(axis=1)
    return float(np.where(c > 0, m / np.maximum(c, 1) >= min_share - 1e-12, True).mean())


def channel_risk(
    service: ChannelService,
    spec: ChannelSpec,
    error: VolumeError,
    error_source: str,
    *,
    hours: tuple[tuple[str, float | None, float], ...] = (),
) -> ChannelRisk:
    """The risk figures of a channel simulated under its forecast error (``service`` drawn with it)."""
    labels, num, den = day_sums(service)
    higher = service.measure != "asa_s"
    has = den.sum(axis=0) > 0
    met = _meets(num, den, service.target, higher)
    p_day = np.where(has, met.mean(axis=0), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(has, num.sum(axis=0) / den.sum(axis=0), np.nan)
    measured_per_month = DAYS_PER_MONTH * has.sum() / len(labels)
    met_n = counted_n = None
    if spec.target.period == "interval":  # the contract counts intervals: met and counted intervals per day
        _, g = _day_groups(service)
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = _meets(service.numerator, service.denominator, service.target, higher) & (service.denominator > 0)
        met_n = np.stack([np.bincount(g, weights=row, minlength=len(labels)) for row in ok.astype(float)])
        counted_n = np.stack([np.bincount(g, weights=row, minlength=len(labels))
                              for row in (service.denominator > 0).astype(float)])
    missed = float(np.nanmean(1.0 - p_day) * measured_per_month) if has.any() else math.nan
    return ChannelRisk(
        channel=service.channel,
        measure=service.measure,
        target=service.target,
        confidence=spec.target.confidence,
        error=error,
        error_source=error_source,
        days=tuple(labels),
        day_offered=np.bincount(_day_groups(service)[1], weights=service.offered, minlength=len(labels)),
        day_value=value,
        p_day_met=p_day,
        expected_missed_days_per_month=missed,
        p_month_met=month_met_probability(
            num, den, service.target, higher, period=spec.target.period, min_share=spec.target.min_share,
            met=met_n, counted=counted_n, seed=service.seed,
        ),
        replications=service.replications,
        hours=hours,
    )


def confidence_rule(error: VolumeError, confidence: float, *, replications: int = 200, seed: int = 0):
    """:func:`confidence_staffing` at ``confidence`` as a staffing rule for
    :func:`planner.staffing.staff_requirements` (which adds the floors and the coverage window)."""

    def rule(spec: ChannelSpec, starts: tuple, calls: np.ndarray, aht_s: np.ndarray, interval_min: int) -> np.ndarray:
        return confidence_staffing(
            spec, starts, interval_min, calls, aht_s, error, confidence, replications=replications, seed=seed
        )

    return rule


@dataclass(frozen=True)
class ConfidenceJob:
    """One step of the hours-by-confidence table: a channel's requirement staffed at ``confidence``
    (:func:`confidence_hours`); pure and seeded, so any runner gives the same hours."""

    spec: ChannelSpec
    starts: tuple[Any, ...]
    interval_min: int
    calls: np.ndarray
    aht_s: np.ndarray
    calendar: ChineseCalendar
    error: VolumeError
    confidence: float
    replications: int
    seed: int


def confidence_hours(job: ConfidenceJob) -> float | str:
    """Agent-hours of the requirement at ``job.confidence`` (:func:`confidence_staffing`, with the channel's
    floors and window), or the one-line reason it cannot be priced."""
    rule = confidence_rule(job.error, job.confidence, replications=job.replications, seed=job.seed)
    try:
        req = queue_channel_requirements(job.spec, job.starts, job.calls, job.aht_s, job.interval_min, job.calendar,
                                         rule)
    except PlannerInputError as exc:
        return str(exc)
    return float(req.required.sum()) * job.interval_min / 60.0


def confidence_key(job: ConfidenceJob) -> str:
    """The content key of one step's hours: every field of the job."""
    return content_key("confidence_hours", job.spec, job.starts, job.interval_min, job.calls, job.aht_s,
                       job.calendar, job.error, job.confidence, job.replications, job.seed)


Run = Callable[[Callable[[Any], Any], list[Any]], list[Any]]  # [fn(job) for job in jobs], perhaps in parallel
PARALLEL_CALL_REPLAYS = 1e7  # a step that simulates fewer calls x replications per try runs here, not on ``run``


def hours_by_confidence(
    spec: ChannelSpec,
    starts: Sequence[Any],
    interval_min: int,
    calls: np.ndarray,
    aht_s: np.ndarray,
    calendar: ChineseCalendar,
    error: VolumeError,
    steps: Sequence[float],
    *,
    replications: int = 200,
    seed: int = 0,
    known: dict[float, float] | None = None,
    run: Run | None = None,
    cache: Cache | None = None,
) -> tuple[tuple[tuple[str, float | None, float], ...], list[str]]:
    """Agent-hours of the requirement for plain per-interval Erlang and for each confidence in ``steps``
    (:func:`confidence_hours`): what each step of confidence costs, and a note for each step that could not
    be priced (left out of the rows; the plan goes on). ``known``: {confidence: hours} already staffed (the
    plan's own), not searched again. ``run``: the runner of the steps' searches (:mod:`planner.parallel`,
    e.g. a process pool), used when a search's every try simulates at least
    :data:`PARALLEL_CALL_REPLAYS` calls (a small channel's steps run here, cheaper than starting workers);
    the hours are the same on any runner. ``cache``: where each step's hours are kept between runs under
    the content of its job (:func:`confidence_key`; they do not depend on the roster).

    The searches replay the same calls many times, which is fast while every replication's calls are held
    in memory (:data:`planner.simulation.MAX_SIMULATED_CALLS`); for a channel too large for that, the table
    is priced on the replications that fit (at least :data:`MIN_TABLE_REPLICATIONS`), with a note, and the
    in-sample share of :func:`in_sample_share` widens with the fewer replications."""
    starts = tuple(starts)
    notes: list[str] = []
    workload = Workload(starts[0], interval_min, np.asarray(calls, dtype=float), np.asarray(aht_s, dtype=float))
    per_replication = CallDraw(workload, 1, volume_error=error).expected_calls
    fit = int(MAX_SIMULATED_CALLS // max(per_replication, 1.0))
    if fit < replications:
        notes.append(f"channel {spec.name}: the hours by confidence are priced on {max(fit, MIN_TABLE_REPLICATIONS)} "
                     f"of {replications} replications ({replications} replications of its calls do not fit in "
                     "memory at once)")
        replications = max(fit, MIN_TABLE_REPLICATIONS)
    plain = queue_channel_requirements(spec, starts, calls, aht_s, interval_min, calendar)
    todo = [c for c in steps if c not in (known or {})]
    jobs = [ConfidenceJob(spec, starts, interval_min, np.asarray(calls, dtype=float), np.asarray(aht_s, dtype=float),
                          calendar, error, float(c), replications, seed) for c in todo]
    heavy = run is not None and per_replication * replications >= PARALLEL_CALL_REPLAYS
    found = dict(zip(todo, cached_map(confidence_hours, jobs, confidence_key, cache, run if heavy else None),
                     strict=True))
    rows: list[tuple[str, float | None, float]] = [("erlang", None, float(plain.required.sum()) * interval_min / 60.0)]
    for conf in steps:
        h_conf = (known or {}).get(conf, found.get(conf))
        if isinstance(h_conf, str):
            notes.append(f"channel {spec.name}: the hours of confidence {conf:g} are not priced: {h_conf}")
            continue
        rows.append((f"confidence {conf:g}", float(conf), h_conf))
    return tuple(rows), notes
