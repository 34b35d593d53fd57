"""What people read of a plan: the JSON summary (``summary.json``), the headline and the lines
``planner plan`` prints. Full float precision in the JSON; rounding is for people."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.verdict import channel_line, channel_verdict, provisional_line, verdict_line, verdict_of

if TYPE_CHECKING:  # a plan's summary is read off the plan; the plan asks for it (Plan.summary)
    from planner.domain import Schedule
    from planner.plan import Plan


def _num(x: Any) -> Any:
    """JSON-safe number: None for NaN/inf, plain Python types, full precision."""
    if x is None:
        return None
    if isinstance(x, (np.integer, int)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(x) else None
    return x

def summary_of(p: Plan) -> dict[str, Any]:
    """The plan's figures: horizon, per channel (forecast, requirement, contract measure), per team."""
    s = p.scenario

    req = p.requirements.summary()
    checks = {c.channel: c for c in p.service}
    risks = {r.channel: r for r in p.risk}
    channels = {}
    for spec in s.channels:
        fc = p.forecast.of(spec.name)
        r = req.get(spec.name)
        x = p.forecast_info.of(spec.name)
        channels[spec.name] = {
            "kind": spec.kind,
            "team": s.team_of(spec.name),
            "forecast_volume": _num(float(fc[s.volume_column].sum())) if len(fc) else None,
            "model": x.model if x else None,
            "backtest_wape": _num(x.backtest_wape) if x else None,
            "backtest_weeks": x.backtest_weeks if x else None,
            "required_agent_hours": _num(r["agent_hours"]) if r else None,
            "peak_required": r["peak_required"] if r else None,
            "service": checks[spec.name].to_dict() if spec.name in checks else None,
            "risk": risks[spec.name].to_dict() if spec.name in risks else None,
        }
    for c in channels.values():
        c["verdict"] = channel_verdict(c["service"], c["risk"])
    cost = p.cost.to_dict() if p.cost is not None else None
    flags = [f["team"] for f in cost["overtime_flags"]] if cost is not None else []
    teams = {}
    for r in p.rosters:
        x = r.summary()
        teams[r.team] = {
            k: x[k]
            for k in (
                "channels",
                "status",
                "weeks",
                "agents",
                "agents_per_week",
                "paid_hours",
                "required_hours",
                "paid_over_required",
                "shortfall_agent_hours",
                "short_intervals",
                "closed_paid_hours",
                "objective_fen",
                "objective_terms_cny",
                "lower_bound_fen",
                "gap",
                "duty_spread",
                "wall_s",
            )
        }
        teams[r.team]["idle_paid_hours"] = _num(idle_paid_hours(r.coverage, x.get("interval_min", p.interval_min)))
        teams[r.team]["overtime_flags"] = flags.count(r.team) if cost is not None else None
    verdict = verdict_of(channels)
    years = estimated_holiday_years(p)
    reason = "; ".join(s.calendar.warnings_for(years)) or None
    return {
        "scenario": s.source,
        "scenario_name": s.name,
        "seed": s.solver.seed,
        "horizon": {
            "start": p.start.isoformat(),
            "weeks": p.weeks,
            "end": (p.start + timedelta(days=7 * p.weeks - 1)).isoformat(),
        },
        "interval_min": p.interval_min,
        "data": "forecast" if p.forecast_info.given else ("sample" if p.history is not None else "history"),
        "shrinkage": s.shrinkage,
        "solver": {
            "time_limit_s": s.solver.time_limit_s,
            "workers": s.solver.workers,
            "deterministic_time": s.solver.deterministic_time,
        },
        "contract_met": all(c.met for c in p.service),
        **verdict,
        "provisional": bool(years),
        "provisional_reason": reason,
        "estimated_holiday_years": years,
        "cost": cost,
        **({"capacity": p.capacity.to_dict()} if p.capacity is not None else {}),
        "channels": channels,
        "teams": teams,
        "wall_s": dict(p.timings_s),
        "warnings": list(p.warnings),
    }

def idle_paid_hours(coverage: pd.DataFrame, interval_min: int) -> float | None:
    """Paid agent-hours in intervals whose requirement is none (``needed_after_shrinkage == 0``): the
    scheduled agents there times the interval's hours (None for a coverage without the column)."""
    if coverage is None or "needed_after_shrinkage" not in coverage or "scheduled" not in coverage:
        return None
    idle = coverage["needed_after_shrinkage"].to_numpy(dtype=float) == 0
    return float(coverage["scheduled"].to_numpy(dtype=float)[idle].sum()) * interval_min / 60.0

def estimated_holiday_years(p: Plan) -> list[int]:
    """The years of the plan's horizon whose Chinese holiday arrangement is the library's estimate (no
    official make-up days published, none overridden): the plan is provisional on them."""
    end = p.start + timedelta(days=7 * p.weeks - 1)
    years = range(p.start.year, end.year + 1)
    return [y for y in years if p.scenario.calendar.warnings_for([y])]

def _why_missed(svc: dict[str, Any]) -> list[str]:
    """Why a channel misses its contract measure (the rule of :func:`planner.sla.service.measure`): too few
    periods meet the target (``share``), or an interval falls below the floor (``floor``)."""
    if svc["met"]:
        return []
    why = []
    if svc.get("min_share") is not None and svc["share_met"] < svc["min_share"] - 1e-9:
        why.append("share")
    if svc.get("intervals_below_floor"):
        why.append("floor")
    return why

def headline(summary: dict[str, Any]) -> dict[str, Any]:
    """The plan's headline for people (the app's start page): agent FTE, headcount, cost a month; the
    verdict (:mod:`planner.verdict`: ``met``, ``at_risk`` or ``not_met``, the lowest probability of meeting
    the month and its channel, ``provisional`` and why); per channel the contract's measure on its worst
    period, simulated and as predicted by the staffing model, against the target, why a channel misses it
    (``why``: ``share`` of periods met below ``min_share``, intervals ``below_floor``), the probability of
    meeting the month and the expected missed days a month, and the channel's verdict; per team the overtime
    flags (agent-months over 36 h), paid and required hours, idle paid hours and the solver's gap."""
    from planner.verdict import channel_verdict, of_summary

    cost = summary.get("cost") or {}
    flags = cost.get("overtime_flags")
    channels = []
    for ch, c in summary["channels"].items():
        svc = c.get("service")
        if svc is None:
            continue
        worst = svc["worst_period"]["period"]
        period = next((p for p in svc["periods"] if p["period"] == worst), None)
        risk = c.get("risk") or {}
        channels.append({
            "channel": ch,
            "measure": svc["measure"],
            "period": svc["period"],
            "worst_period": worst,
            "target": svc["target"],
            "simulated": svc["worst_period"]["value"],
            "predicted": None if period is None else period["predicted"],
            "share_met": svc["share_met"],
            "min_share": svc.get("min_share"),
            "floor": svc.get("floor"),
            "below_floor": len(svc.get("intervals_below_floor") or ()),
            "met": svc["met"],
            "why": _why_missed(svc),
            "p_month_met": risk.get("p_month_met"),
            "expected_missed_days_per_month": risk.get("expected_missed_days_per_month"),
            "verdict": c.get("verdict") or channel_verdict(svc, c.get("risk")),
        })
    teams = []
    for team, t in (summary.get("teams") or {}).items():
        teams.append({
            "team": team,
            "status": t.get("status"),
            "agents": t.get("agents"),
            "paid_hours": t.get("paid_hours"),
            "required_hours": t.get("required_hours"),
            "paid_over_required": t.get("paid_over_required"),
            "idle_paid_hours": t.get("idle_paid_hours"),
            "overtime_flags": t.get("overtime_flags",
                                    None if flags is None else sum(f["team"] == team for f in flags)),
            "gap": t.get("gap"),
        })
    return {
        "fte": cost.get("fte"),
        "headcount": cost.get("headcount"),
        "cost_month_cny": cost.get("cost_month_cny"),
        "contract_met": summary["contract_met"],
        **of_summary(summary),
        "overtime_flags": None if flags is None else len(flags),
        "channels": channels,
        "teams": teams,
    }

def summary_lines(summary: dict[str, Any]) -> list[str]:
    """A short human summary of a plan (what ``planner plan`` prints)."""
    h = summary["horizon"]
    lines = [
        f"scenario {summary['scenario_name'] or summary['scenario']}: {h['weeks']} week(s) "
        f"{h['start']} to {h['end']}, seed {summary['seed']}"
    ]
    for ch, c in summary["channels"].items():
        if c["forecast_volume"] is None:
            lines.append(f"  {ch:<8} no data: not planned")
            continue
        wape = "" if c["backtest_wape"] is None else f", model {c['model']} (WAPE {c['backtest_wape']:.3f})"
        svc = c["service"]
        verdict = ""
        if svc is not None:
            verdict = (
                f"; {svc['measure']} {svc['period']}: {svc['share_met']:.0%} of periods meet "
                f"{svc['target']:g} -> {channel_line(c, 'en')}"
            )
        lines.append(
            f"  {ch:<8} {c['forecast_volume']:>9.0f} contacts{wape}, "
            f"{c['required_agent_hours'] or 0:.0f} required agent-h{verdict}"
        )
        risk = c.get("risk")
        if risk is not None and risk["p_day_met_min"] is not None:
            source = {"none": "Poisson noise only"}.get(risk["error"]["source"], f"{risk['error']['source']} error")
            staffed = f"; staffed for confidence {risk['confidence']:g}" if risk["confidence"] else ""
            lines.append(
                f"    risk ({source}): worst day meets the target with p {risk['p_day_met_min']:.2f}, "
                f"{risk['expected_missed_days_per_month']:.1f} missed days/month expected, the month meets the "
                f"contract with p {risk['p_month_met']:.2f}{staffed}"
            )
            steps = ", ".join(
                f"{x['confidence']:g} {x['added_hours']:+.0f} h" for x in risk["hours_by_confidence"] if x["confidence"]
            )
            if steps:
                lines.append(f"    agent-hours over plain per-interval Erlang, by confidence: {steps}")
    for team, t in summary["teams"].items():
        gap = "n/a" if t["gap"] is None else f"{t['gap']:.1%}"
        req_h, idle, flags = t.get("required_hours"), t.get("idle_paid_hours"), t.get("overtime_flags")
        lines.append(
            f"  team {team:<8} {t['agents']} agents, {t['paid_hours']:.0f} paid h"
            + ("" if not req_h else f" / {req_h:.0f} required h ({t['paid_hours'] / req_h:.2f}x)")
            + ("" if idle is None else f", {idle:.0f} paid h idle (no requirement)")
            + ("" if flags is None else f", {flags} overtime flag(s)")
            + f", gap {gap} ({t['status']})"
        )
        if t["shortfall_agent_hours"] > 0:
            first = t["short_intervals"][0]["interval_start"] if t["short_intervals"] else "?"
            lines.append(
                f"    SHORT: {t['shortfall_agent_hours']:.1f} agent-hours uncovered "
                f"({len(t['short_intervals'])} intervals, first {first})"
            )
    lines += cost_lines(summary.get("cost"))
    lines.append(f"  verdict: {verdict_line(summary, 'en')}; {summary['wall_s']['total_s']:.0f} s")
    why = provisional_line(summary, "en")
    if why:
        lines.append(f"    {why}")
    return lines

def cost_lines(cost: dict[str, Any] | None) -> list[str]:
    """The plan's cost for people (CNY, rounded)."""
    if not cost:
        return []
    support = sum(cost["support_staff"].values())
    per = cost["cost_per_contact_cny"]
    lines = [
        f"  cost ({cost['hours_system']} hours): {cost['cost_month_cny']:,.0f} CNY a month, "
        f"{cost['cost_year_cny']:,.0f} a year; {cost['fte']:.1f} agent FTE + {support} support"
        + ("" if per is None else f"; {per:.2f} CNY a contact"),
        f"    price at margin {cost['margin']:.0%}: {cost['price_month_cny']:,.0f} CNY a month"
        + ("" if cost["price_per_contact_cny"] is None else f", {cost['price_per_contact_cny']:.2f} a contact")
        + ("" if cost["price_per_fte_month_cny"] is None else f", {cost['price_per_fte_month_cny']:,.0f} an FTE-month"),
    ]
    flags = cost["overtime_flags"]
    if flags:
        lines.append(
            f"    OVERTIME: {len(flags)} agent-month(s) over 36 h (Labour Law art. 41), first "
            f"{flags[0]['agent_id']} {flags[0]['month']} ({flags[0]['projected_h']:.1f} h projected)"
        )
    return lines


def roster_grid(schedule: Schedule) -> pd.DataFrame:
    """The grid a team leader prints: one row per agent, one column per date (``YYYY-MM-DD``), each cell
    the shift ``HH:MM-HH:MM`` (first to last activity of the day; overnight shifts end the next day) or
    empty."""
    df = schedule.busy()
    if df.empty:
        return pd.DataFrame(columns=["agent_id"])
    g = df.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max")).reset_index()
    g["shift"] = g["start"].dt.strftime("%H:%M") + "-" + g["end"].dt.strftime("%H:%M")
    g["date"] = g["date"].dt.strftime("%Y-%m-%d")
    dates = sorted(schedule.frame["date"].dt.strftime("%Y-%m-%d").unique())
    grid = g.pivot(index="agent_id", columns="date", values="shift").reindex(columns=dates).fillna("")
    grid.columns = [str(c) for c in grid.columns]
    return grid.reset_index()
