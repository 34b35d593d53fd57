"""SLA options side by side: each option a full plan on the base scenario's forecast, priced and compared.

An option is the base scenario with some keys changed (:mod:`planner.options`). The forecast is made
once; every option redoes staffing, rosters, the simulation check and the costing
(:func:`planner.steps.plan_on_forecast`) as a pure job -- scenario and forecast in, figures out, its
seeds its scenario's ``[solver] seed`` -- so the table is the same on one worker, on many or on a Dask
cluster (:mod:`planner.parallel`). Options share the base seed unless they set their own: common random
numbers, so that the differences between options are the options', not the noise's.

The table is sorted by cost (over the term when every option has a ``[capacity]`` section, else a
month's); each row's step up is measured against the row above it: the added cost a
month, the added paid agent-hours a week and where they went (team, official working day or rest day,
time of day). With a ``[capacity]`` section each option is also sized over the contract term
(:mod:`planner.capacity_plan`): its term cost, annual cost, hires and months short join the row, so an
option may change the term's keys too (``capacity.attrition_month``, ``capacity.volume.fcr_target``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.domain import Scenario
from planner.verdict import channel_verdict

# time-of-day blocks of the "where the hours went" figures: [start hour, end hour)
BLOCKS = ((0, 8), (8, 12), (12, 18), (18, 24))
TOP_PLACES = 3


@dataclass(frozen=True)
class OptionJob:
    """One option to plan: its name, what it changes (for people), its scenario and the shared forecast
    (:class:`planner.plan.Forecasted`). ``keep_plan``: return the whole plan (to write its files);
    ``cache``: where the risk step's hours are kept between runs (:class:`planner.cache.Cache`, picklable)."""

    name: str
    changes: str
    scenario: Scenario
    forecasted: Any
    keep_plan: bool = False
    cache: Any = None


@dataclass(frozen=True)
class OptionResult:
    """One option's plan figures: its summary (``summary.json``'s, with the cost block), its paid agent-hours
    by place (team, day type, block), and the plan itself when asked for."""

    name: str
    changes: str
    summary: dict[str, Any]
    hours: pd.DataFrame
    plan: Any = None


def run_option(job: OptionJob) -> OptionResult:
    """Plan and price one option (a pure, picklable job); with a ``[capacity]`` section, its capacity and
    hiring plan over the contract term too (:func:`planner.capacity_plan.with_capacity`)."""
    from planner.capacity_plan import with_capacity
    from planner.steps import plan_on_forecast

    # with a [capacity] section the option is also sized over the contract term (hiring, attrition)
    p = with_capacity(plan_on_forecast(job.scenario, job.forecasted, cache=job.cache))
    return OptionResult(job.name, job.changes, p.summary(), hours_by_place(p), p if job.keep_plan else None)


def hours_by_place(p: Any) -> pd.DataFrame:
    """Scheduled paid agent-hours a week per team, day type (official working day or rest day) and block."""
    cal = p.scenario.calendar
    rows = []
    for r in p.rosters:
        cov = r.coverage
        t = pd.to_datetime(cov["interval_start"])
        hours = cov["scheduled"].to_numpy(dtype=float) * r.demands[0].interval_min / 60
        work = {d: cal.is_working_day(d) for d in set(t.dt.date)}
        day_type = t.dt.date.map(work).map({True: "working day", False: "rest day"})
        block = pd.cut(t.dt.hour, [b[0] for b in BLOCKS] + [24], right=False,
                       labels=[f"{a:02d}-{b:02d}" for a, b in BLOCKS])
        frame = pd.DataFrame({"team": r.team, "day_type": day_type, "block": block.astype(str), "hours": hours})
        rows.append(frame.groupby(["team", "day_type", "block"], as_index=False)["hours"].sum())
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["team", "day_type", "block", "hours"])
    out["hours"] = out["hours"] / p.weeks
    return out


def run_options(
    jobs: Sequence[OptionJob],
    *,
    workers: int | None = None,
    cluster: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[OptionResult]:
    """Every option planned, in the jobs' order, on a local process pool or a Dask cluster."""
    from planner.parallel import map_jobs

    return map_jobs(run_option, list(jobs), workers=workers, cluster=cluster, progress=progress)


def _where(now: pd.DataFrame, before: pd.DataFrame) -> list[dict[str, Any]]:
    """The places whose paid hours a week changed most between two options, largest change first."""
    keys = ["team", "day_type", "block"]
    both = now.merge(before, on=keys, how="outer", suffixes=("", "_before")).fillna({"hours": 0.0,
                                                                                     "hours_before": 0.0})
    both["added"] = both["hours"] - both["hours_before"]
    both = both[both["added"].abs() >= 0.5].sort_values("added", key=abs, ascending=False, kind="stable")
    return [{"team": x.team, "day_type": x.day_type, "block": x.block, "added_hours": float(x.added)}
            for x in both.head(TOP_PLACES).itertuples()]


def _paid_hours_week(summary: dict[str, Any]) -> float:
    h = summary["horizon"]["weeks"]
    return sum(t["paid_hours"] for t in summary["teams"].values()) / h


def compare(results: Sequence[OptionResult]) -> list[dict[str, Any]]:
    """One row per option, cheapest first, with each option's step up from the row above (JSON-ready)."""
    # over a contract term ([capacity] in every option) the term's cost orders them, else a month's
    by_term = bool(results) and all(r.summary.get("capacity") for r in results)
    order = sorted(results, key=lambda r: (
        r.summary["capacity"]["term_cost_cny"] if by_term else 0.0, r.summary["cost"]["cost_month_fen"], r.name))
    rows, prev = [], None
    for r in order:
        s, c = r.summary, r.summary["cost"]
        row: dict[str, Any] = {
            "option": r.name,
            "changes": r.changes,
            "contract_met": s["contract_met"],
            "verdict": s.get("verdict", "met" if s["contract_met"] else "not_met"),
            "p_month_met_min": s.get("p_month_met_min"),
            "fte": c["fte"],
            "headcount": c["headcount"],
            "support_staff": sum(c["support_staff"].values()),
            "paid_hours_week": _paid_hours_week(s),
            "cost_month_cny": c["cost_month_cny"],
            "cost_year_cny": c["cost_year_cny"],
            "price_month_cny": c["price_month_cny"],
            "cost_per_contact_cny": c["cost_per_contact_cny"],
            "price_per_contact_cny": c["price_per_contact_cny"],
            "overtime_flags": len(c["overtime_flags"]),
            **_term(s.get("capacity")),
            "channels": {},
        }
        for ch, x in s["channels"].items():
            svc, risk = x["service"], x.get("risk")
            if svc is None:
                continue
            row["channels"][ch] = {
                "measure": svc["measure"],
                "period": svc["period"],
                "target": svc["target"],
                "worst_period_value": svc["worst_period"]["value"],
                "share_met": svc["share_met"],
                "met": svc["met"],
                "verdict": channel_verdict(svc, risk),
                "required_agent_hours": x["required_agent_hours"],
                "p_month_met": None if risk is None else risk["p_month_met"],
            }
        if prev is None:
            row["step"] = None
        else:
            ps, pr = prev.summary, prev
            row["step"] = {
                "from": prev.name,
                "added_cost_month_cny": c["cost_month_cny"] - ps["cost"]["cost_month_cny"],
                "added_paid_hours_week": row["paid_hours_week"] - _paid_hours_week(ps),
                "added_required_hours": {
                    ch: (x["required_agent_hours"] or 0.0) - (ps["channels"][ch]["required_agent_hours"] or 0.0)
                    for ch, x in s["channels"].items()
                    if ch in ps["channels"]
                },
                "where": _where(r.hours, pr.hours),
            }
            if "term_cost_cny" in row and "term_cost_cny" in rows[-1]:
                row["step"]["added_term_cost_cny"] = row["term_cost_cny"] - rows[-1]["term_cost_cny"]
        rows.append(row)
        prev = r
    return rows


def _term(cap: dict[str, Any] | None) -> dict[str, Any]:
    """The contract term's figures of an option sized by its capacity plan (none without ``[capacity]``)."""
    if not cap:
        return {}
    return {
        "term_months": cap["months"],
        "term_cost_cny": cap["term_cost_cny"],
        "term_annual_cost_cny": cap["annual_cost_cny"],
        "term_hires": cap["hires"],
        "term_months_short": len(cap["short_months"]),
        "term_optimal": cap["optimal"],
    }


def where_text(step: dict[str, Any] | None) -> str:
    """A step's places for people: ``voice working day 08-12 +40.0 h; ...``."""
    if not step:
        return ""
    return "; ".join(f"{w['team']} {w['day_type']} {w['block']} {w['added_hours']:+.1f} h" for w in step["where"])


def table(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The comparison as a flat table (``options.csv``): one row per option, per-channel columns."""
    flat = []
    for row in rows:
        out = {k: v for k, v in row.items() if k not in ("channels", "step")}
        for ch, x in row["channels"].items():
            out[f"{ch}_measure"] = x["measure"]
            out[f"{ch}_period"] = x["period"]
            out[f"{ch}_target"] = x["target"]
            out[f"{ch}_worst_period_value"] = x["worst_period_value"]
            out[f"{ch}_share_periods_met"] = x["share_met"]
            out[f"{ch}_met"] = x["met"]
            out[f"{ch}_p_month_met"] = x["p_month_met"]
            out[f"{ch}_verdict"] = x["verdict"]
        step = row["step"]
        out["step_from"] = step["from"] if step else ""
        out["added_cost_month_cny"] = step["added_cost_month_cny"] if step else None
        out["added_paid_hours_week"] = step["added_paid_hours_week"] if step else None
        if "term_cost_cny" in row:
            out["added_term_cost_cny"] = step.get("added_term_cost_cny") if step else None
        out["where_hours_went"] = where_text(step)
        flat.append(out)
    return pd.DataFrame(flat)


def _said(x: dict[str, Any]) -> str:
    """A channel's verdict in the options table: ``ok`` never stands alone where the month is more likely
    missed than met (:mod:`planner.verdict`)."""
    p = x.get("p_month_met")
    if x.get("verdict") == "not_met" or not x["met"]:
        return "MISSED"
    if x.get("verdict") == "at_risk":
        return f"AT RISK (month p {p:.2f})"
    return "ok" if p is None else f"ok (month p {p:.2f})"


def table_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The comparison for people: one line per option and its step up."""
    lines = [f"{'option':<14} {'cost/month CNY':>15} {'per contact':>11} {'FTE':>6} {'paid h/wk':>9}  service"]
    for row in rows:
        svc = ", ".join(
            f"{ch} {x['worst_period_value']:.3g}/{x['target']:g} {_said(x)}"
            for ch, x in row["channels"].items()
            if x["worst_period_value"] is not None
        )
        per = row["cost_per_contact_cny"]
        lines.append(
            f"{row['option']:<14} {row['cost_month_cny']:>15,.0f} {'' if per is None else f'{per:.2f}':>11} "
            f"{row['fte']:>6.1f} {row['paid_hours_week']:>9.0f}  {svc}"
        )
        if "term_cost_cny" in row:
            lines.append(
                f"  over {row['term_months']} months: {row['term_cost_cny']:,.0f} CNY "
                f"({row['term_annual_cost_cny']:,.0f} a year), {row['term_hires']} hires"
                + (f", {row['term_months_short']} month(s) short" if row["term_months_short"] else "")
            )
        step = row["step"]
        if step:
            term = (f"{step['added_term_cost_cny']:+,.0f} CNY over the term, "
                    if step.get("added_term_cost_cny") is not None else "")
            lines.append(
                f"  step up from {step['from']}: {term}{step['added_cost_month_cny']:+,.0f} CNY a month, "
                f"{step['added_paid_hours_week']:+.0f} paid agent-h a week "
                f"({where_text(step) or 'the same rosters'})"
            )
    return lines

