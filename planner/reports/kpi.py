"""Actuals in, contract KPIs out: per day, week (Mon-Sun) or month and channel, each against its target.

Definitions (docs/reports.md; the clause of the contract, /shared/contract_zh.txt, in brackets):

* volume: ``offered``, ``answered``, ``abandoned`` inside the channel's coverage window [2.4, 2.6];
* ``service_level`` = answered_within_threshold / offered, abandoned calls in the denominator (the Erlang A
  convention of planner.simulation and DESIGN.md) against the channel's ``service_level`` within
  ``answer_s`` [2.1];
* ``asa_s`` = mean wait of answered contacts, weighted by ``answered`` [s], against the channel's ``asa_s``;
* ``abandon_rate`` = abandoned / offered (reported, no target);
* ``first_reply_share``: written items first replied to within ``first_reply_working_hours`` of the channel's
  window on the Chinese calendar [2.1]; ``resolution_share``: items resolved within
  ``resolution_working_hours`` [2.2];
* ``fcr`` = resolved_first_contact / answered [2.3]; ``csat`` = csat_satisfied / csat_responses [2.5];
* ``complaints``: count (reported, no target) [2.6].

Periods are pooled: a week's or month's ratio is its summed numerator over its summed denominator, never a
mean of daily ratios. An interval outside its channel's window (nights, weekends and statutory holidays of a
weekday window; make-up working days count as working days) is counted apart as out-of-hours contacts and
left out of every KPI. A written item's deadline clock starts at the window's next opening, so it belongs to
the period in which its clock starts, whenever it arrived.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.calendar import ChineseCalendar, CoverageWindow, due, working_seconds_between
from planner.domain import ChannelSpec, ReportTargets, Scenario

PERIODS = ("day", "week", "month")
COUNT_COLUMNS = (
    "offered", "answered", "abandoned", "answered_within_threshold", "resolved_first_contact",
    "csat_responses", "csat_satisfied", "complaints", "replied_within_deadline", "resolved_within_deadline",
)
KPI_NAMES = (
    "service_level", "asa_s", "abandon_rate", "first_reply_share", "resolution_share", "fcr", "csat", "complaints",
)
_TOL = 1e-9  # float slack of a target comparison (12/15 against 0.8)


@dataclass(frozen=True)
class Kpi:
    """One KPI of one period and channel. ``value`` None: no data; ``target`` None: reported only;
    ``at_most``: the target is a ceiling (ASA), else a floor; ``n``: the denominator (contacts, items)."""

    name: str
    value: float | None
    target: float | None = None
    at_most: bool = False
    n: float = 0.0

    @property
    def met(self) -> bool | None:
        """Whether the value meets the target (None without a value or a target)."""
        if self.value is None or self.target is None:
            return None
        return self.value <= self.target + _TOL if self.at_most else self.value >= self.target - _TOL


@dataclass(frozen=True)
class PeriodRow:
    """One period (``start`` .. ``end`` inclusive, local dates) of one channel."""

    period: str
    start: dt.date
    end: dt.date
    channel: str
    kind: str
    volume: dict[str, float]  # offered, answered, abandoned inside the window
    out_of_hours: dict[str, float]  # the same outside it
    kpis: tuple[Kpi, ...]
    items: dict[str, int] = field(default_factory=dict)  # written items: measured, pending

    def kpi(self, name: str) -> Kpi:
        """The KPI called ``name``."""
        return next(k for k in self.kpis if k.name == name)

    def as_dict(self) -> dict[str, Any]:
        """Flat JSON object: every KPI with ``NAME_target`` and ``NAME_met``."""
        out: dict[str, Any] = {
            "period": self.period, "start": self.start.isoformat(), "end": self.end.isoformat(),
            "channel": self.channel, "type": self.kind, **self.volume,
            **{f"out_of_hours_{k}": v for k, v in self.out_of_hours.items()},
        }
        for k in self.kpis:
            out[k.name] = k.value
            out[f"{k.name}_target"] = k.target
            out[f"{k.name}_met"] = k.met
        out.update({f"items_{k}": v for k, v in self.items.items()})
        return out


@dataclass(frozen=True)
class KpiVerdict:
    """One channel's KPI over the report: periods measured, met, and the worst period."""

    channel: str
    name: str
    target: float | None
    at_most: bool
    measured: int
    met: int
    worst_start: dt.date | None
    worst_value: float | None
    total_value: float | None  # pooled over the whole report

    @property
    def all_met(self) -> bool | None:
        """Every measured period met (None: no target or nothing measured)."""
        if self.target is None or self.measured == 0:
            return None
        return self.met == self.measured


@dataclass(frozen=True)
class Report:
    """A service report: rows per period and channel, daily rows for the charts, the verdict per KPI."""

    period: str
    rows: tuple[PeriodRow, ...]
    daily: tuple[PeriodRow, ...]
    verdicts: tuple[KpiVerdict, ...]
    first_day: dt.date
    last_day: dt.date
    answer_s: dict[str, float]  # the T of each queue channel's service level
    title: str = ""
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """``{"period": ..., "rows": [...]}`` plus the verdicts and notes."""
        return {
            "period": self.period,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "rows": [r.as_dict() for r in self.rows],
            "summary": [
                {"channel": v.channel, "kpi": v.name, "target": v.target, "periods": v.measured,
                 "periods_met": v.met, "met": v.all_met, "pooled_value": v.total_value,
                 "worst_period_start": v.worst_start.isoformat() if v.worst_start else None,
                 "worst_value": v.worst_value}
                for v in self.verdicts
            ],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------------------
# Window and period arithmetic
# ---------------------------------------------------------------------------------------------


def period_start(day: dt.date, period: str) -> dt.date:
    """First day of the day / week (Monday) / month holding ``day``."""
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"period: '{period}' must be one of {', '.join(PERIODS)}")


def period_end(start: dt.date, period: str) -> dt.date:
    """Last day (inclusive) of the period starting on ``start``."""
    if period == "day":
        return start
    if period == "week":
        return start + dt.timedelta(days=6)
    nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def in_window(starts: pd.Series, window: CoverageWindow, calendar: ChineseCalendar) -> np.ndarray:
    """Whether each interval start lies inside the window (spans half-open) [合同 2.4]."""
    ts = pd.to_datetime(starts)
    minutes = (ts.dt.hour * 60 + ts.dt.minute).to_numpy()
    days = ts.dt.date.to_numpy()
    out = np.zeros(len(ts), dtype=bool)
    for d in pd.unique(days):
        sel = days == d
        for a, b in window.spans(d, calendar):
            out[sel] |= (minutes[sel] >= a) & (minutes[sel] < b)
    return out


def clock_start(instant: dt.datetime, window: CoverageWindow, calendar: ChineseCalendar) -> dt.datetime:
    """The first open instant at or after ``instant``: where a deadline in working hours starts counting."""
    day = instant.date()
    for _ in range(3 * 366):
        midnight = dt.datetime.combine(day, dt.time())
        for a, b in window.spans(day, calendar):
            lo, hi = midnight + dt.timedelta(minutes=a), midnight + dt.timedelta(minutes=b)
            if hi > instant:
                return max(lo, instant)
        day += dt.timedelta(days=1)
    raise ValueError(f"window {window.describe()} does not open within three years of {instant}")


# ---------------------------------------------------------------------------------------------
# Items (email, tickets): deadline outcomes per item
# ---------------------------------------------------------------------------------------------


def item_outcomes(
    items: pd.DataFrame, scenario: Scenario, as_of: dt.datetime
) -> pd.DataFrame:
    """Per item: ``day`` (its clock's start date), ``channel``, and ``replied`` / ``resolved`` each 1 (within
    the deadline), 0 (missed: late, or still open after its deadline at ``as_of``) or NaN (open and not yet
    due, or no deadline) [合同 2.1, 2.2]."""
    rows = []
    targets = scenario.report
    for rec in items.itertuples(index=False):
        spec = scenario.channel(rec.channel)
        received = pd.Timestamp(rec.received).to_pydatetime()
        start = clock_start(received, spec.window, scenario.calendar)
        reply = _deadline_outcome(received, rec.first_reply, spec.first_reply_working_hours, spec, scenario, as_of)
        resolved = _deadline_outcome(
            received, getattr(rec, "resolved", pd.NaT), targets.resolution_working_hours, spec, scenario, as_of
        )
        rows.append({"channel": rec.channel, "day": start.date(), "replied": reply, "resolved": resolved})
    return pd.DataFrame(rows, columns=["channel", "day", "replied", "resolved"])


def _deadline_outcome(
    received: dt.datetime, done: Any, hours: float | None, spec: ChannelSpec, scenario: Scenario, as_of: dt.datetime
) -> float:
    if hours is None:
        return math.nan
    if done is None or pd.isna(done):
        deadline = due(received, hours, spec.window, scenario.calendar)
        return 0.0 if deadline < as_of else math.nan
    used = working_seconds_between(received, pd.Timestamp(done).to_pydatetime(), spec.window, scenario.calendar)
    return 1.0 if used <= hours * 3600 + 1e-6 else 0.0


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


def _ratio(num: np.ndarray, den: np.ndarray) -> tuple[float | None, float]:
    """sum(num) / sum(den) over the rows where both are known (None when the denominator is 0)."""
    ok = ~(np.isnan(num) | np.isnan(den))
    d = float(den[ok].sum())
    return (float(num[ok].sum()) / d if d > 0 else None), d


def _kpis(g: pd.DataFrame, it: pd.DataFrame | None, spec: ChannelSpec, targets: ReportTargets) -> tuple[Kpi, ...]:
    """Every KPI of one period and channel from its in-window rows ``g`` and its items ``it``."""
    nan = np.full(len(g), np.nan)
    cols = {c: g[c].to_numpy(dtype=float) for c in (*COUNT_COLUMNS, "asa_s") if c in g.columns}
    col = lambda name: cols.get(name, nan)  # noqa: E731
    queue = spec.kind != "email"
    sl, n_sl = _ratio(col("answered_within_threshold"), col("offered"))
    asa_s, answered = col("asa_s"), col("answered")
    ok = ~(np.isnan(asa_s) | np.isnan(answered))
    w = float(answered[ok].sum())
    asa = float((asa_s[ok] * answered[ok]).sum()) / w if w > 0 else None
    abandon, n_ab = _ratio(col("abandoned"), col("offered"))
    fcr, n_fcr = _ratio(col("resolved_first_contact"), col("answered"))
    csat, n_csat = _ratio(col("csat_satisfied"), col("csat_responses"))
    complaints = float(np.nansum(col("complaints"))) if (~np.isnan(col("complaints"))).any() else None
    reply, n_reply = _ratio(col("replied_within_deadline"), col("offered"))
    resolved, n_res = _ratio(col("resolved_within_deadline"), col("offered"))
    if it is not None and len(it):  # an items file wins over interval counts
        r = it["replied"].dropna()
        if len(r):
            reply, n_reply = float(r.mean()), float(len(r))
        s = it["resolved"].dropna()
        if len(s):
            resolved, n_res = float(s.mean()), float(len(s))
    written = spec.first_reply_working_hours is not None
    return (
        Kpi("service_level", sl if queue else None, spec.target.sl if queue else None, n=n_sl),
        Kpi("asa_s", asa if queue else None, spec.target.asa_s if queue else None, at_most=True, n=w),
        Kpi("abandon_rate", abandon if queue else None, n=n_ab),
        Kpi("first_reply_share", reply if written else None, targets.first_reply_target if written else None,
            n=n_reply),
        Kpi("resolution_share", resolved, targets.resolution_target, n=n_res),
        Kpi("fcr", fcr, targets.fcr_target, n=n_fcr),
        Kpi("csat", csat, targets.csat_target, n=n_csat),
        Kpi("complaints", complaints, n=complaints or 0.0),
    )


def _rows(
    actuals: pd.DataFrame, outcomes: pd.DataFrame, scenario: Scenario, period: str
) -> tuple[PeriodRow, ...]:
    a = actuals.assign(pstart=actuals["kpi_day"].map(lambda d: period_start(d, period)))
    o = outcomes.assign(pstart=outcomes["day"].map(lambda d: period_start(d, period)))
    groups = {k: g for k, g in a.groupby(["pstart", "channel"], sort=False)}
    item_groups = {k: g for k, g in o.groupby(["pstart", "channel"], sort=False)} if len(o) else {}
    order = {c.name: i for i, c in enumerate(scenario.channels)}
    empty_items = o.iloc[0:0]
    rows = []
    for start, channel in sorted(set(groups) | set(item_groups), key=lambda k: (k[0], order[k[1]])):
        spec = scenario.channel(channel)
        g = groups.get((start, channel), a.iloc[0:0])
        inside, outside = g[g["in_window"]], g[~g["in_window"]]
        it = item_groups.get((start, channel), empty_items)
        vol = lambda f: {c: float(f[c].sum()) if c in f else 0.0 for c in ("offered", "answered", "abandoned")}  # noqa: E731
        items = {}
        if len(it):
            items = {"measured": int(it["replied"].notna().sum()), "pending": int(it["replied"].isna().sum())}
        rows.append(PeriodRow(period, start, period_end(start, period), channel, spec.kind, vol(inside),
                              vol(outside), _kpis(inside, it, spec, scenario.report), items))
    return tuple(rows)


def _verdicts(rows: Iterable[PeriodRow], pooled: dict[str, tuple[Kpi, ...]]) -> tuple[KpiVerdict, ...]:
    by: dict[tuple[str, str], list[tuple[PeriodRow, Kpi]]] = {}
    for r in rows:
        for k in r.kpis:
            by.setdefault((r.channel, k.name), []).append((r, k))
    out = []
    for (channel, name), pairs in by.items():
        measured = [(r, k) for r, k in pairs if k.value is not None]
        if not measured:
            continue
        k0 = measured[0][1]
        worst = (max if k0.at_most else min)(measured, key=lambda p: p[1].value)
        total = next(k.value for k in pooled[channel] if k.name == name)
        out.append(KpiVerdict(channel, name, k0.target, k0.at_most, len(measured),
                              sum(bool(k.met) for _, k in measured), worst[0].start, worst[1].value, total))
    return tuple(out)


def build_report(
    actuals: pd.DataFrame,
    scenario: Scenario,
    period: str,
    items: pd.DataFrame | None = None,
    *,
    as_of: dt.datetime | None = None,
) -> Report:
    """The contract report of ``actuals`` (validated, schema names; ``interval_start`` datetimes, counts as
    floats, NaN where unknown) and optional written ``items`` (``channel, received, first_reply, resolved``).

    ``as_of``: the instant the report is made (default: the latest time in the data), after which an open
    item's deadline is not yet due. Every channel of the data must be a channel of ``scenario``.
    """
    if period not in PERIODS:
        raise ValueError(f"period: '{period}' must be one of {', '.join(PERIODS)}")
    a = actuals.copy()
    a["interval_start"] = pd.to_datetime(a["interval_start"])
    a["in_window"] = np.zeros(len(a), dtype=bool)
    a["kpi_day"] = a["interval_start"].dt.date
    for spec in scenario.channels:
        sel = (a["channel"] == spec.name).to_numpy()
        if not sel.any():
            continue
        a.loc[sel, "in_window"] = in_window(a.loc[sel, "interval_start"], spec.window, scenario.calendar)
        if spec.kind == "email":  # written items: the clock starts at the next opening
            a.loc[sel, "kpi_day"] = [
                clock_start(t.to_pydatetime(), spec.window, scenario.calendar).date()
                for t in a.loc[sel, "interval_start"]
            ]
    stamps = [a["interval_start"].max()] if len(a) else []
    if items is not None and len(items):
        stamps += [items[c].max() for c in ("received", "first_reply", "resolved") if c in items]
    as_of = as_of or max(pd.Timestamp(s).to_pydatetime() for s in stamps if pd.notna(s))
    outcomes = (item_outcomes(items, scenario, as_of) if items is not None and len(items)
                else pd.DataFrame(columns=["channel", "day", "replied", "resolved"]))
    rows = _rows(a, outcomes, scenario, period)
    daily = rows if period == "day" else _rows(a, outcomes, scenario, "day")
    pooled = {}
    for spec in scenario.channels:
        g = a[(a["channel"] == spec.name) & a["in_window"]]
        it = outcomes[outcomes["channel"] == spec.name]
        pooled[spec.name] = _kpis(g, it, spec, scenario.report)
    days = [r.start for r in daily]
    notes = []
    n_out = sum(r.out_of_hours["offered"] for r in daily)
    if n_out:
        notes.append(f"{n_out:,.0f} contacts arrived outside their channel's coverage window and are reported "
                     "apart, not in the KPIs")
    years = {d.year for d in days}
    if any(c.window.kind != "7x24" for c in scenario.channels):
        notes += list(scenario.calendar.warnings_for(years))
    return Report(
        period=period,
        rows=rows,
        daily=daily,
        verdicts=_verdicts(rows, pooled),
        first_day=min(days) if days else dt.date.today(),
        last_day=max(days) if days else dt.date.today(),
        answer_s={c.name: c.target.answer_s for c in scenario.channels if c.target.answer_s is not None},
        title=scenario.name,
        notes=tuple(notes),
    )
