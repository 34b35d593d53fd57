"""Actuals for the service report (DESIGN.md "History / actuals") and the written-items file, validated.

Every problem is one :class:`PlannerInputError` line naming the file, row (header = row 1) and field, found
before any work: unreadable text (not UTF-8, UTF-8 with BOM or GBK), missing columns, text or negative
numbers, ``answered`` above ``offered``, ``answered + abandoned`` above ``offered``,
``answered_within_threshold`` above ``answered``, ``resolved_first_contact`` above ``answered``,
``csat_satisfied`` above ``csat_responses``, a row repeated (same channel, queue and interval start), and a
channel the scenario does not have. Column names go through the same mapping as history (``[data.columns]``,
then ``[report.columns]``), and a ``date`` + ``interval`` (``09:00-09:30``) layout is joined into
``interval_start`` (:func:`planner.io.history.combine_date_interval`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasts.io import MAX_CONTACTS_PER_INTERVAL
from forecasts.timefmt import normalise_timestamp
from planner.domain import ColumnMap, Scenario
from planner.errors import PlannerInputError
from planner.io.history import combine_date_interval, map_columns
from planner.io.table import Source, read_table
from planner.reports.kpi import COUNT_COLUMNS

_NULLS = ("", "nan", "null", "na", "n/a", "none", "-")
# (smaller, larger, what): the smaller may not exceed the larger on any row
_ORDER = (
    ("answered", "offered", "more answered than offered"),
    ("abandoned", "offered", "more abandoned than offered"),
    ("answered_within_threshold", "answered", "more answered within the threshold than answered"),
    ("resolved_first_contact", "answered", "more resolved at first contact than answered"),
    ("csat_satisfied", "csat_responses", "more satisfied than survey responses"),
    ("replied_within_deadline", "offered", "more replied within the deadline than offered"),
    ("resolved_within_deadline", "offered", "more resolved within the deadline than offered"),
)


def _file_name(field: str, rename: dict[str, str]) -> str:
    """The file's own column for a schema field, e.g. "'Calls Answered' (answered)"."""
    own = next((k for k, v in rename.items() if v == field), None)
    return f"'{own}' ({field})" if own and own != field else f"'{field}'"


def _numbers(df: pd.DataFrame, column: str, source: str, label: str) -> np.ndarray:
    text = df[column].astype(str).str.strip().str.replace(",", "", regex=False)
    values = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)
    empty = text.str.lower().isin(_NULLS).to_numpy()
    values[empty] = np.nan
    bad = (np.isnan(values) & ~empty) | np.isinf(values)
    if column == "offered":
        bad |= empty
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PlannerInputError(f"{source}: row {i + 2}, field {label}: {df[column].iloc[i] or '(empty)'!r} "
                                "is not a number")
    neg = np.flatnonzero(values < 0)
    if neg.size:
        i = int(neg[0])
        raise PlannerInputError(f"{source}: row {i + 2}, field {label}: negative value {df[column].iloc[i]}")
    if column == "offered":  # the history reader's bound on one interval's contacts
        absurd = np.flatnonzero(values > MAX_CONTACTS_PER_INTERVAL)
        if absurd.size:
            i = int(absurd[0])
            raise PlannerInputError(
                f"{source}: row {i + 2}, field {label}: {values[i]:.4g} contacts in one interval is not a real "
                f"volume (more than {MAX_CONTACTS_PER_INTERVAL:.0e}); fix or remove the row"
            )
    return values


def _instants(text: pd.Series, source: str, label: str, required: bool) -> pd.Series:
    s = text.astype(str).str.strip()
    empty = s.str.lower().isin(_NULLS)
    parsed = pd.to_datetime(s.where(~empty, None).map(lambda x: normalise_timestamp(x) if x else None),
                            format="ISO8601", errors="coerce")
    bad = (parsed.isna() & ~empty) | (empty & required)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise PlannerInputError(f"{source}: row {i + 2}, field {label}: cannot read {text.iloc[i] or '(empty)'!r} "
                                "as a local date-time like 2026-03-16T09:30")
    if getattr(parsed.dt, "tz", None) is not None:
        raise PlannerInputError(f"{source}: field {label}: write local times without a UTC offset")
    return parsed


def _channels(df: pd.DataFrame, source: str, label: str, names: Sequence[str], default: str) -> pd.Series:
    if "channel" not in df.columns:
        ch = pd.Series(default, index=df.index)
    else:
        ch = df["channel"].astype(str).str.strip().str.lower().replace("", default)
    unknown = ~ch.isin(list(names))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise PlannerInputError(f"{source}: row {i + 2}, field {label}: channel '{ch.iloc[i]}' is not a channel of "
                                f"the scenario ({', '.join(names)})")
    return ch


def report_columns(scenario: Scenario, extra: Sequence[tuple[str, str]] = ()) -> tuple[tuple[str, str], ...]:
    """The report's column mapping: ``[data.columns]``, overridden by ``[report.columns]``, then ``extra``."""
    shared = dict(scenario.data.history[0].columns) if scenario.data.history else {}
    return tuple((dict(shared) | dict(scenario.report.columns) | dict(extra)).items())


def read_actuals(path: Source, scenario: Scenario, columns: Sequence[tuple[str, str]] = ()) -> pd.DataFrame:
    """The actuals file as a frame in the schema's names: ``interval_start`` (datetime), ``channel``,
    ``queue`` and every count column present as floats (NaN where empty), validated row by row."""
    source = str(path)
    raw = read_table(path, "actuals")
    cmap = ColumnMap(source, tuple(columns))
    have = {str(c).strip().lower(): c for c in raw.columns}
    rename = {have[c.strip().lower()]: f for f, c in cmap.columns if c.strip().lower() in have}
    df = map_columns(raw, cmap)
    df.columns = [str(c).strip().lower() for c in df.columns]
    df = combine_date_interval(df, source)
    for need in ("interval_start", "offered"):
        if need not in df.columns:
            raise PlannerInputError(f"{source}: missing column '{need}' (found: {', '.join(map(str, raw.columns))}); "
                                    "map other names in the scenario's [report.columns]")
    if len(df) == 0:
        raise PlannerInputError(f"{source}: no data rows after the header")
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise PlannerInputError(f"{source}: column '{dup[0]}' appears twice in the header")
    out = pd.DataFrame(index=df.index)
    out["interval_start"] = _instants(df["interval_start"], source, _file_name("interval_start", rename), True)
    names = [c.name for c in scenario.channels]
    out["channel"] = _channels(df, source, _file_name("channel", rename), names, "voice")
    out["queue"] = df["queue"].astype(str).str.strip() if "queue" in df.columns else ""
    for c in (*COUNT_COLUMNS, "asa_s", "aht_s"):
        if c in df.columns:
            out[c] = _numbers(df, c, source, _file_name(c, rename))
    for small, large, what in _ORDER:
        if small in out and large in out:
            bad = np.flatnonzero((out[small] > out[large] + 1e-9).to_numpy())
            if bad.size:
                i = int(bad[0])
                raise PlannerInputError(
                    f"{source}: row {i + 2}, field {_file_name(small, rename)}: {what} "
                    f"({out[small].iloc[i]:g} > {large} {out[large].iloc[i]:g})"
                )
    if "answered" in out and "abandoned" in out:
        bad = np.flatnonzero((out["answered"] + out["abandoned"] > out["offered"] + 1e-9).to_numpy())
        if bad.size:
            i = int(bad[0])
            raise PlannerInputError(
                f"{source}: row {i + 2}, field {_file_name('abandoned', rename)}: answered + abandoned "
                f"({out['answered'].iloc[i]:g} + {out['abandoned'].iloc[i]:g}) is more than offered "
                f"{out['offered'].iloc[i]:g}"
            )
    key = out[["channel", "queue", "interval_start"]]
    dups = key.duplicated(keep="first").to_numpy()
    if dups.any():
        i = int(np.flatnonzero(dups)[0])
        first = int(np.flatnonzero((key == key.iloc[i]).all(axis=1).to_numpy())[0])
        raise PlannerInputError(
            f"{source}: row {i + 2}, field {_file_name('interval_start', rename)}: duplicate of row {first + 2} "
            f"({out['interval_start'].iloc[i]:%Y-%m-%dT%H:%M}, {out['channel'].iloc[i]}"
            f"{'/' + out['queue'].iloc[i] if out['queue'].iloc[i] else ''})"
        )
    return out.reset_index(drop=True)


ITEM_COLUMNS = ("item_id", "channel", "received", "first_reply", "resolved")


def read_items(path: str, scenario: Scenario) -> pd.DataFrame:
    """Written items, one row each: ``received`` (required), ``first_reply`` and ``resolved`` (empty while
    open; at least one of the two columns), optional ``channel`` (default ``email``; a written channel of the
    scenario) and ``item_id``. Other columns of a ticket export (subject, agent, ...) are ignored."""
    source = str(path)
    df = read_table(path, "items")
    df.columns = [str(c).strip().lower() for c in df.columns]
    if "received" not in df.columns:
        raise PlannerInputError(f"{source}: missing column 'received' (found: {', '.join(df.columns) or 'none'})")
    if "first_reply" not in df.columns and "resolved" not in df.columns:
        raise PlannerInputError(f"{source}: missing column 'first_reply' or 'resolved' (found: {', '.join(df.columns)})"
                                "; other columns (subject, agent, ...) are ignored")
    written = [c.name for c in scenario.channels if c.kind == "email"]
    if not written:
        raise PlannerInputError(f"{source}: the scenario has no written (email-type) channel for items")
    out = pd.DataFrame(index=df.index)
    out["channel"] = _channels(df, source, "'channel'", written, "email" if "email" in written else written[0])
    out["received"] = _instants(df["received"], source, "'received'", True)
    for c in ("first_reply", "resolved"):
        out[c] = _instants(df[c], source, f"'{c}'", False) if c in df.columns else pd.NaT
        early = np.flatnonzero((out[c] < out["received"]).to_numpy())
        if early.size:
            i = int(early[0])
            raise PlannerInputError(f"{source}: row {i + 2}, field '{c}': before 'received' "
                                    f"({df[c].iloc[i]} < {df['received'].iloc[i]})")
    if "item_id" in df.columns:
        dups = df["item_id"].duplicated(keep="first").to_numpy() & (df["item_id"] != "").to_numpy()
        if dups.any():
            i = int(np.flatnonzero(dups)[0])
            raise PlannerInputError(f"{source}: row {i + 2}, field 'item_id': duplicate id {df['item_id'].iloc[i]!r}")
        out["item_id"] = df["item_id"]
    return out.reset_index(drop=True)
