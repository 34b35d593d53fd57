"""The app's calls into the library: scenarios from text, cached forecasts, plans kept per session.

Heavy shared work is cached with ``st.cache_data`` keyed by content (the scenario's JSON text and the
uploaded bytes); each user's results live in ``st.session_state``. No module-level mutable state. Uploaded
files are written to a temporary folder (the readers take paths) and its path is taken out of messages.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from planner.errors import PlannerInputError

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = "contract_7x24.toml"
# the quick preview: a small sample at 60-min intervals, a short solve, few replications
QUICK: dict[str, Any] = {
    "staffing": {"interval_min": 60},
    "solver": {"deterministic_time": 0.5, "time_limit_s": 5},
    "check": {"replications": 2, "risk_replications": 20, "confidence_steps": []},
    "forecast": {"method": "mean_4w", "backtest_weeks": 1},
}
QUICK_SAMPLE: dict[str, Any] = {"sample_weeks": 3, "sample_scale": 0.05}


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name and bytes (hashable, so cached calls key on the content)."""

    name: str
    data: bytes

    @staticmethod
    def of(uploaded: Any) -> Upload | None:
        return None if uploaded is None else Upload(Path(uploaded.name).name or "upload", uploaded.getvalue())


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it, table by table (new mapping)."""
    out = copy.deepcopy(base)
    for k, v in changes.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def quick(data: dict[str, Any]) -> dict[str, Any]:
    """The quick-preview version of a scenario mapping."""
    out = merged(data, QUICK)
    if out.get("data", {}).get("sample"):
        out = merged(out, {"data": QUICK_SAMPLE})
    return out


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def content_key(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def shipped_scenarios() -> list[str]:
    return sorted(p.name for p in SCENARIO_DIR.glob("*.toml"))


def shipped_option_files() -> list[str]:
    return sorted(p.name for p in (SCENARIO_DIR / "options").glob("*.toml"))


def shipped_option_lines(name: str) -> str:
    """A shipped options file (``scenarios/options/NAME``) as the Options page's lines, ``NAME:key=value,...``."""
    from planner.scenario import read_options

    if name not in shipped_option_files():
        raise PlannerInputError(f"{name}: not a shipped options file")
    return "\n".join(f"{o.name}:{o.label()}" for o in read_options(SCENARIO_DIR / "options" / name))


def shipped_data(name: str) -> dict[str, Any]:
    from planner.scenario import read_scenario_data

    if name not in shipped_scenarios():
        raise PlannerInputError(f"{name}: not a shipped scenario")
    return read_scenario_data(SCENARIO_DIR / name)


def upload_text(up: Upload, what: str) -> str:
    """An uploaded text file (scenario, options) as text: empty and binary files refused by name."""
    if not up.data.strip():
        raise PlannerInputError(f"{up.name}: the file is empty")
    if b"\x00" in up.data[:4096]:
        raise PlannerInputError(f"{up.name}: not a text file (binary data); save the {what} as UTF-8 text")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return up.data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise PlannerInputError(f"{up.name}: not UTF-8 or GBK text; save the {what} as UTF-8")


def uploaded_data(up: Upload) -> dict[str, Any]:
    """An uploaded scenario's mapping, validated (an unknown key is named)."""
    from planner.scenario import parse_scenario, scenario_data_from_text

    data = scenario_data_from_text(upload_text(up, "scenario"), up.name)
    parse_scenario(data, source=up.name, base_dir=SCENARIO_DIR)
    return data


def scenario_of(data: dict[str, Any], source: str) -> Any:
    from planner.scenario import parse_scenario

    return parse_scenario(data, source=source, base_dir=SCENARIO_DIR)


def with_upload(up: Upload, fn: Callable[[Any], Any]) -> Any:
    """``fn`` on the upload's bytes (:class:`forecasts.io.Blob`, named as uploaded; never written to a file):
    the readers take it as they take a path and decode it the same way (UTF-8, BOM, GBK); an error that is
    not already one line naming the file is made one."""
    from planner.io.table import Blob  # the readers' in-memory file (forecasts.io.Blob)

    try:
        return fn(Blob(up.name, up.data))
    except PlannerInputError:
        raise
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PlannerInputError(f"{up.name}: {text}") from None


@st.cache_data(show_spinner=False, max_entries=16)
def forecast_cached(scenario_json: str, source: str, history: Upload | None) -> Any:
    """The horizon's forecast (:func:`planner.steps.forecast_part`) from the scenario's data or an
    uploaded history; cached by content, shared by every session."""
    from dataclasses import replace

    from planner.domain import ColumnMap
    from planner.io.cache import default_cache
    from planner.steps import forecast_part

    scen = scenario_of(json.loads(scenario_json), source)
    if history is not None:
        from planner.io.history import read_history

        cols = scen.data.history[0].columns if scen.data.history else ()
        hist = with_upload(history, lambda p: read_history(ColumnMap(p, cols), tz=scen.timezone))
        return forecast_part(scen, hist, cache=default_cache())
    if scen.data.forecast is not None:
        from planner.io.forecast import read_forecast

        fc = read_forecast(scen.data.forecast.path, timezone=scen.timezone, columns=scen.data.forecast.columns)
        return forecast_part(scen, forecast=fc)
    if scen.data.history:
        from planner.io.history import read_history

        history = read_history(scen.data.history, tz=scen.timezone)
        return forecast_part(scen, history, cache=default_cache())
    if not scen.data.sample:
        scen = replace(scen, data=replace(scen.data, sample=True))
    return forecast_part(scen, cache=default_cache())


def plan_now(data: dict[str, Any], source: str, history: Upload | None, say: Callable[[str], None]) -> dict:
    """Plan (the forecast and the risk step's hours cached on disk, the rest per session) and return the
    session's record of the plan."""
    from planner.io.cache import default_cache
    from planner.pipeline import plan_from

    t0 = time.perf_counter()
    scen = scenario_of(data, source)
    say("forecast")
    part = forecast_cached(to_json(data), source, history)
    plan = plan_from(scen, part, progress=say, cache=default_cache())
    return {
        "key": content_key(to_json(data), source, history.data if history else b""),
        "data": data,
        "source": source,
        "history": history,
        "plan": plan,
        "part": part,
        "wall_s": time.perf_counter() - t0,
    }


def resolve_team(record: dict, team: str, rules: dict[str, Any], say: Callable[[str], None]) -> Any:
    """One team's roster solved again under changed rules (``[rules]`` keys and ``[solver] time_limit_s``)
    on the plan's requirements; returns the new :class:`TeamRoster`."""
    from dataclasses import replace

    from planner.steps import roster_step

    rules = dict(rules)
    limit = rules.pop("time_limit_s", None)
    changes: dict[str, Any] = {"rules": rules}
    if limit is not None:
        changes["solver"] = {"time_limit_s": float(limit)}
    scen = scenario_of(merged(record["data"], changes), record["source"])
    scen = replace(scen, teams=tuple(t for t in scen.effective_teams() if t.name == team))
    rosters, _notes = roster_step(scen, record["plan"].requirements, say)
    if not rosters:
        raise PlannerInputError(f"team {team}: nothing to roster")
    return rosters[0]


def with_roster(plan: Any, roster: Any, say: Callable[[str], None]) -> Any:
    """The plan with one team's roster replaced, its service and cost measured again
    (:func:`planner.pipeline.with_rosters`)."""
    from planner.pipeline import with_rosters

    return with_rosters(plan, tuple(roster if r.team == roster.team else r for r in plan.rosters), progress=say)


def term_plan(record: dict, changes: dict[str, Any]) -> Any:
    """The contract term's capacity and hiring plan of the session's plan under what-if ``changes`` to the
    scenario's ``[capacity]`` keys (:func:`planner.capacity_plan.capacity_of`; validated like a file)."""
    from planner.capacity_plan import capacity_of

    scen = scenario_of(merged(record["data"], changes), record["source"])
    return capacity_of(record["plan"], scen)


def plan_xlsx(plan: Any) -> bytes:
    """``plan.xlsx`` as bytes (written to a temporary file by :func:`planner.io.xlsx.write_plan_xlsx`)."""
    from planner.io.plan import tables
    from planner.io.xlsx import write_plan_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.xlsx"
        write_plan_xlsx(path, plan.summary(), tables(plan))
        return path.read_bytes()


def xlsx_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    import io

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        df.to_excel(xl, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
