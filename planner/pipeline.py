"""End to end: scenario -> history -> forecast -> requirements -> rosters -> simulation -> summary.

DESIGN.md "scenario.toml -> planner.pipeline.run() -> all of the above; the CLI and app.py call it".
:func:`run` chains the public steps of the library and writes every intermediate file, so each step
can be re-run alone with its own command (``planner forecast``, ``staff``, ``schedule``, ``simulate``):

1. history: a seeded multi-channel sample (:func:`forecasts.synthetic.synthetic_history`, a doubly
   stochastic Poisson process with Chinese holidays) -> ``history.csv``;
2. forecast: :func:`planner.forecasting.run_forecast` (method ``auto``: the model with the lowest
   one-week-ahead backtest WAPE) -> ``forecast.csv``;
3. staffing: :func:`planner.staffing.staff_requirements` for every scenario channel -> ``requirements.csv``;
4. rosters: :func:`planner.scheduling.api.schedule_files` (CP-SAT, LP bound, independent checker), one
   roster per team because the scheduler is single-skill and sums channels per interval: ``voice`` for
   the voice channels, ``written`` for chat and the deferred channels (email, social). The scenario's
   shrinkage is applied. Per-team files go to ``teams/<team>/``; ``schedule.csv`` joins them with agent
   ids prefixed by the team, ``coverage.csv`` stacks them with a ``team`` column (last);
5. simulation: the voice team's productive staffing per interval, ``floor(scheduled * (1 - shrinkage))``
   agents, is played against the voice forecast (:mod:`planner.simulation`, seeded) and evaluated with
   the scenario's Erlang model (:func:`planner.queueing.evaluate`): simulated and predicted service level
   on the same staffing. Shrinkage time (absence, training, meetings) is not in the roster, so the
   roster's ``work`` hours are not all on the phones; taking it out keeps the figures honest;
6. ``summary.json``.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import PlannerInputError
from planner.scenario import Scenario, load_scenario

ARTIFACTS = ("history.csv", "forecast.csv", "requirements.csv", "schedule.csv", "coverage.csv", "summary.json")
SAMPLE_CHANNELS = ("voice", "chat", "email")  # the channels forecasts/ reads in a history file
# Normal Monday-to-Friday contacts a day of the sample history (a mid-size outsourced contract).
SAMPLE_DAILY_CONTACTS = {"voice": 2400.0, "chat": 1200.0, "email": 500.0}
TEAM_OF_KIND = {"voice": "voice", "chat": "written", "email": "written"}
DEFAULT_SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "contract_7x24.toml"


@dataclass(frozen=True)
class DemoSettings:
    """Knobs of the demo run (sizes, solver limits, seeds); the defaults finish well under 2 minutes.

    history_weeks: weeks of sample history (>= 3; the backtest uses up to ``backtest_weeks``).
    start: first day of the history (a Monday keeps the forecast week Monday to Sunday).
    time_limit_s [s]: wall-clock cap per team roster. workers / deterministic_time: CP-SAT threads and its
    deterministic-time budget per solve; one worker stopped on deterministic time gives the same roster
    on any machine load (unless the wall-clock cap binds first). replications: simulation replications.
    volume_scale: multiplies the sample's daily contacts (smaller instances for tests).
    """

    history_weeks: int = 10
    start: str = "2026-01-05"
    interval_min: int = 30
    seed: int = 0
    time_limit_s: float = 20.0
    workers: int = 1
    deterministic_time: float | None = 5.0
    replications: int = 10
    backtest_weeks: int = 8
    volume_scale: float = 1.0
    shift_hours: float = 9.0

    def __post_init__(self) -> None:
        if not 3 <= self.history_weeks <= 104:
            raise PlannerInputError(f"history_weeks {self.history_weeks}: must be between 3 and 104")
        if not (self.time_limit_s > 0 and math.isfinite(self.time_limit_s)):
            raise PlannerInputError(f"--time-limit-s {self.time_limit_s}: must be > 0")
        if self.workers < 1 or (self.deterministic_time is not None and not self.deterministic_time > 0):
            raise PlannerInputError("workers must be >= 1 and deterministic_time > 0")
        if self.replications < 2:
            raise PlannerInputError(f"replications {self.replications}: need at least 2 for a confidence interval")
        if self.seed < 0:
            raise PlannerInputError(f"--seed {self.seed}: must be >= 0")
        if not self.volume_scale > 0:
            raise PlannerInputError(f"volume_scale {self.volume_scale}: must be > 0")
        if self.interval_min not in (15, 30, 60):
            raise PlannerInputError(f"interval_min {self.interval_min}: the demo plans 15, 30 or 60-min intervals")


def prepare_out_dir(out_dir: str | Path, force: bool = False) -> Path:
    """The output folder, created if needed; a non-empty folder needs ``force`` (then only our files change)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PlannerInputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise PlannerInputError(f"--out {out}: folder is not empty; use --force to overwrite the demo's files in it")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlannerInputError(f"--out {out}: cannot create the folder ({exc.strerror or exc})") from None
    return out


def sample_history(scenario: Scenario, settings: DemoSettings) -> pd.DataFrame:
    """Seeded sample history (``interval_start, channel, offered, aht_s``) for the scenario's channels.

    Only channels named voice, chat or email get a history (the history schema's channels); each
    channel has its own seed (``seed + k``) so the series are independent. Customers of a queue channel
    (voice, chat) with a coverage window other than 7x24 contact the centre only while it is open: the
    sample is thinned binomially by each interval's open share. Email arrives at any hour (it waits).
    """
    from forecasts.synthetic import synthetic_history
    from planner.deferred import interval_open_fraction

    names = [c.name for c in scenario.channels if c.name in SAMPLE_CHANNELS]
    if not names:
        raise PlannerInputError(
            f"{scenario.source}: no channel named voice, chat or email: the demo has no sample history for it"
        )
    parts = [
        synthetic_history(
            start=settings.start,
            weeks=settings.history_weeks,
            interval_min=settings.interval_min,
            daily_contacts=SAMPLE_DAILY_CONTACTS[name] * settings.volume_scale,
            pattern="7x24",
            channel=name,
            seed=settings.seed + SAMPLE_CHANNELS.index(name),
        )
        for name in names
    ]
    for k, (name, part) in enumerate(zip(names, parts, strict=True)):
        spec = scenario.channel(name)
        if spec.kind == "email" or spec.window.kind == "7x24":
            continue
        starts = [t.to_pydatetime() for t in pd.to_datetime(part["interval_start"])]
        share = interval_open_fraction(starts, settings.interval_min, spec.window, scenario.calendar)
        rng = np.random.default_rng([settings.seed, 1000 + k])
        part["offered"] = rng.binomial(part["offered"].to_numpy(), np.clip(share, 0.0, 1.0))
        if "aht_s" in part.columns:
            part.loc[part["offered"] == 0, "aht_s"] = np.nan
    return pd.concat(parts, ignore_index=True)


def teams_for(scenario: Scenario, present: set[str]) -> dict[str, tuple[str, ...]]:
    """Channels rostered together: ``voice`` (voice channels) and ``written`` (chat, email-like work)."""
    teams: dict[str, list[str]] = {}
    for c in scenario.channels:
        if c.name in present:
            teams.setdefault(TEAM_OF_KIND[c.kind], []).append(c.name)
    return {t: tuple(chs) for t, chs in teams.items()}


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _voice_service(
    scenario: Scenario,
    forecast: pd.DataFrame,
    coverage: pd.DataFrame,
    voice_channel: str,
    settings: DemoSettings,
) -> dict[str, Any]:
    """Predicted (Erlang) and simulated service level of the voice team's productive staffing."""
    from planner import queueing
    from planner.simulation import Workload, roster_from_staffing, simulate

    spec = scenario.channel(voice_channel)
    fc = forecast[forecast["channel"] == voice_channel].sort_values("interval_start")
    starts = pd.to_datetime(fc["interval_start"])
    calls = fc["offered"].to_numpy(dtype=float)
    if spec.aht_s is not None:
        aht = np.full(calls.size, float(spec.aht_s))
    else:
        aht = fc["aht_s"].to_numpy(dtype=float)
        aht = np.where(np.isfinite(aht) & (aht > 0), aht, np.nanmean(aht))
    cov = coverage.set_index("interval_start")["scheduled"]
    scheduled = cov.reindex(starts.dt.strftime("%Y-%m-%dT%H:%M")).to_numpy(dtype=float)
    if np.isnan(scheduled).any():
        raise RuntimeError("voice coverage does not line up with the voice forecast")
    # Whole agents on the phones: floor(scheduled * (1 - shrinkage)); >= required wherever the roster meets
    # its need ceil(required / (1 - shrinkage)).
    productive = np.floor(scheduled * (1.0 - scenario.shrinkage) + 1e-9)
    answer_s = spec.answer_s if spec.answer_s is not None else 0.0
    workload = Workload(starts.iloc[0].to_pydatetime(), settings.interval_min, calls, aht)
    sim = simulate(
        workload,
        roster_from_staffing(productive, settings.interval_min),
        answer_s=answer_s,
        patience_s=spec.patience_s if spec.model == "erlang-a" else None,
        replications=settings.replications,
        seed=settings.seed,
    )
    # Erlang on the same staffing: expected answered-within-T per interval, summed and divided by calls.
    pred_sl = np.zeros(calls.size)
    busy = (calls > 0) & (productive > 0)
    if busy.any():
        m = queueing.evaluate(
            calls[busy], settings.interval_min, aht[busy], answer_s, productive[busy], model=spec.model,
            patience_s=spec.patience_s if spec.model == "erlang-a" else None,
        )
        pred_sl[busy] = np.asarray(m.service_level, dtype=float)
    dates = starts.dt.strftime("%Y-%m-%d").to_numpy()
    total = sim.summary("total")[0]
    per_day = []
    for p in sim.summary("day"):
        on = dates == p.label
        w = calls[on].sum()
        per_day.append(
            {
                "date": p.label,
                "offered": _r(float(w), 1),
                "predicted_service_level": _r(float((pred_sl[on] * calls[on]).sum() / w)) if w > 0 else None,
                "service_level": _r(p.service_level),
                "service_level_ci95": [_r(x) for x in p.service_level_ci95],
            }
        )
    return {
        "channel": voice_channel,
        "model": spec.model,
        "sl_target": spec.sl_target,
        "answer_s": spec.answer_s,
        "patience_s": spec.patience_s,
        "productive_agent_hours": _r(float(productive.sum()) * settings.interval_min / 60, 2),
        "predicted_service_level": _r(float((pred_sl * calls).sum() / calls.sum())) if calls.sum() > 0 else None,
        "service_level": _r(total.service_level),
        "service_level_ci95": [_r(x) for x in total.service_level_ci95],
        "asa_s": _r(total.asa_s, 2),
        "abandon_rate": _r(total.abandon_rate),
        "occupancy": _r(total.occupancy),
        "calls_simulated": sim.calls_simulated,
        "replications": sim.replications,
        "seed": settings.seed,
        "per_day": per_day,
    }


def run(
    out_dir: str | Path,
    scenario: str | Path | None = None,
    settings: DemoSettings | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Run the whole demo pipeline into ``out_dir``; returns the summary also written to ``summary.json``.

    Reproducible: the same scenario and settings (seed included) give the same files, except wall
    times, as long as each solve stops on its deterministic time rather than the wall-clock cap (see
    :class:`DemoSettings`; several workers may return another roster of equal quality).
    """
    from planner.domain import SolverSettings
    from planner.forecasting import run_forecast
    from planner.labour import CostRates
    from planner.scheduling.api import schedule_files
    from planner.shifts import ShiftRules
    from planner.staffing import requirement_summary, staff_file

    settings = settings or DemoSettings()
    scenario_path = Path(scenario) if scenario is not None else DEFAULT_SCENARIO
    scen = load_scenario(scenario_path)  # bad scenario fails before anything is written
    if scen.interval_min is not None and scen.interval_min != settings.interval_min:
        settings = replace(settings, interval_min=scen.interval_min)  # the scenario's interval wins
    out = prepare_out_dir(out_dir, force)
    wall: dict[str, float] = {}
    t_all = t = time.perf_counter()
    notes: list[str] = []

    history = sample_history(scen, settings)
    history.to_csv(out / "history.csv", index=False)
    wall["history_s"] = time.perf_counter() - t

    t = time.perf_counter()
    fc_info = run_forecast(
        str(out / "history.csv"), 7, str(out / "forecast.csv"), interval_min=settings.interval_min,
        method="auto", holidays="CN", backtest_weeks=settings.backtest_weeks, tz=scen.timezone,
    )
    notes += fc_info["warnings"]
    wall["forecast_s"] = time.perf_counter() - t

    t = time.perf_counter()
    req, messages = staff_file(scen, out / "forecast.csv", out / "requirements.csv")
    notes += messages
    wall["staffing_s"] = time.perf_counter() - t

    t = time.perf_counter()
    rules = ShiftRules(shift_lengths_min=(round(settings.shift_hours * 60),))
    solver = SolverSettings(
        time_limit_s=settings.time_limit_s,
        workers=settings.workers,
        seed=settings.seed,
        deterministic_time=settings.deterministic_time,
    )
    teams = teams_for(scen, set(req["channel"]))
    team_info: dict[str, dict[str, Any]] = {}
    scheds, covs = [], []
    for team, chans in teams.items():
        team_dir = out / "teams" / team
        res = schedule_files(
            out / "requirements.csv", team_dir, rules, CostRates(), solver, scen.shrinkage, channels=chans
        )
        sched = pd.read_csv(team_dir / "schedule.csv", dtype=str)
        sched["agent_id"] = f"{team}-" + sched["agent_id"]
        scheds.append(sched)
        cov = pd.read_csv(team_dir / "coverage.csv")
        cov["team"] = team
        covs.append(cov)
        team_info[team] = {
            "channels": list(chans),
            "status": res["status"],
            "agents": res["agents"],
            "paid_hours": _r(res["paid_hours"], 2),
            "required_hours": _r(float(cov["required"].sum()) * settings.interval_min / 60, 2),
            "needed_hours_after_shrinkage": _r(res["required_hours"], 2),
            "shortfall_agent_hours": _r(res["shortfall_agent_hours"], 2),
            "objective_cny": _r(res["objective_cny"], 2),
            "lower_bound_cny": _r(res["lower_bound_fen"] / 100, 2) if res["lower_bound_fen"] is not None else None,
            "gap": _r(res["gap"]),
            "wall_s": _r(res["wall_s"], 2),
        }
        notes += [f"{team} roster: {n}" for n in res["notes"]]
    pd.concat(scheds, ignore_index=True).to_csv(out / "schedule.csv", index=False)
    coverage = pd.concat(covs, ignore_index=True)
    coverage.to_csv(out / "coverage.csv", index=False)
    wall["schedule_s"] = time.perf_counter() - t

    t = time.perf_counter()
    voice = None
    if "voice" in teams:
        voice_cov = coverage[coverage["team"] == "voice"]
        voice = _voice_service(scen, forecast_frame_of(out / "forecast.csv"), voice_cov, teams["voice"][0], settings)
    wall["simulation_s"] = time.perf_counter() - t

    fc = pd.read_csv(out / "forecast.csv")
    series = {s["channel"]: s for s in fc_info["series"]}
    channels = {}
    for ch, r in requirement_summary(req).items():
        s = series.get(ch, {})
        channels[ch] = {
            "team": next(t for t, cs in teams.items() if ch in cs),
            "forecast_volume": _r(float(fc.loc[fc["channel"] == ch, "offered"].sum()), 1),
            "model": s.get("model"),
            "backtest_wape": _r(s.get("backtest_wape")),
            "backtest_weeks": s.get("backtest_weeks"),
            "required_agent_hours": _r(r["agent_hours"], 2),
            "peak_required": r["peak_required"],
        }
    unstaffed = [c.name for c in scen.channels if c.name not in channels]
    notes = [n for n in notes if not any(n.startswith(f"channel '{c}': no rows in") for c in unstaffed)]
    notes += [
        f"channel '{c}': the sample history has only voice, chat and email channels; '{c}' is not staffed "
        "in the demo (give it a history of your own to plan it)"
        for c in unstaffed
    ]
    wall["total_s"] = time.perf_counter() - t_all
    summary = {
        "scenario": str(scenario_path),
        "scenario_name": scen.name,
        "out": str(out),
        "seed": settings.seed,
        "history": {
            "weeks": settings.history_weeks,
            "first": str(history["interval_start"].iloc[0]),
            "last": str(history["interval_start"].iloc[-1]),
            "rows": len(history),
        },
        "forecast": {
            "first": str(fc["interval_start"].min()),
            "last": str(fc["interval_start"].max()),
            "interval_min": fc_info["interval_min"],
            "horizon_days": 7,
        },
        "shrinkage": scen.shrinkage,
        "time_limit_s": settings.time_limit_s,
        "solver": {"workers": settings.workers, "deterministic_time": settings.deterministic_time},
        "channels": channels,
        "channels_without_sample_history": unstaffed,
        "teams": team_info,
        "voice": voice,
        "wall_s": {k: round(v, 2) for k, v in wall.items()},
        "warnings": list(dict.fromkeys(notes)),
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def forecast_frame_of(path: Path) -> pd.DataFrame:
    """The forecast file as written (``interval_start`` as ISO text)."""
    return pd.read_csv(path, dtype={"interval_start": str, "channel": str})


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """A short human summary of :func:`run`'s result."""
    lines = [f"scenario {summary['scenario_name'] or summary['scenario']}, forecast week "
             f"{summary['forecast']['first'][:10]} to {summary['forecast']['last'][:10]}, seed {summary['seed']}"]
    for ch, c in summary["channels"].items():
        wape = "n/a" if c["backtest_wape"] is None else f"{c['backtest_wape']:.3f}"
        lines.append(f"  {ch:<6} {c['forecast_volume']:>9.0f} contacts, model {c['model']} (WAPE {wape}), "
                     f"{c['required_agent_hours']:.0f} required agent-h, team {c['team']}")
    for team, t in summary["teams"].items():
        gap = "n/a" if t["gap"] is None else f"{t['gap']:.1%}"
        lines.append(f"  team {team:<8} {t['agents']} agents, {t['paid_hours']:.0f} paid h, shortfall "
                     f"{t['shortfall_agent_hours']:.1f} agent-h, gap {gap} ({t['status']})")
    v = summary["voice"]
    if v is not None:
        lo, hi = (_f(x) for x in v["service_level_ci95"])
        target = f"target {v['sl_target']:g} in {v['answer_s']:g} s" if v["sl_target"] is not None else "no SL target"
        lines.append(
            f"  voice service level ({target}): predicted {_f(v['predicted_service_level'])}, simulated "
            f"{_f(v['service_level'])} (95% CI {lo}-{hi}), abandoned {_f(v['abandon_rate'])}"
        )
    lines.append(f"  {summary['wall_s']['total_s']:.0f} s; files in {summary['out']}")
    return lines
