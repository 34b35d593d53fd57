"""History files (DESIGN.md "History / actuals") read through a column mapping.

Exports from an ACD or a WFM suite rarely use our column names: ``[data.columns]`` in the scenario maps
schema names to the file's (``offered = "Calls Offered"``); a per-channel file sets every row's channel.
Columns are matched case-insensitively; a mapped column that the file lacks is named with the file.
"""

from __future__ import annotations

import re

import pandas as pd

from forecasts.io import History, HistoryError, aggregate_history, align_ends, parse_history
from forecasts.timefmt import normalise_timestamp
from planner.domain import ColumnMap
from planner.errors import PlannerInputError
from planner.io.table import read_table


def map_columns(df: pd.DataFrame, source: ColumnMap) -> pd.DataFrame:
    """The file's columns renamed to the schema's, with ``channel`` set for a per-channel file."""
    have = {str(c).strip().lower(): c for c in df.columns}
    rename = {}
    for field, column in source.columns:
        key = column.strip().lower()
        if key not in have:
            raise PlannerInputError(
                f"{source.path}: column mapping {field} = '{column}': no such column "
                f"(have: {', '.join(map(str, df.columns))})"
            )
        rename[have[key]] = field
    out = df.rename(columns=rename)
    mapped = set(rename.values())
    # an unmapped column that carries a mapped schema name would shadow the mapping: drop it
    clash = [c for c in out.columns if str(c).strip().lower() in mapped and c not in rename.values()]
    out = out.drop(columns=clash)
    if source.channel is not None:
        out["channel"] = source.channel
    return out


def combine_date_interval(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """An export with a ``date`` column and an ``interval`` column (``09:00-09:30``, or ``09:00``) instead of
    ``interval_start``: the two joined into ``interval_start`` (``2026-03-16T09:00``). Rows are named by
    their file row (header = row 1) when a cell cannot be read. Frames with ``interval_start`` pass unchanged.
    """
    cols = {str(c).strip().lower(): c for c in df.columns}
    if "interval_start" in cols or "interval" not in cols:
        return df
    if "date" not in cols:
        raise PlannerInputError(f"{source}: an 'interval' column (09:00-09:30) needs a 'date' column beside it")
    dates = df[cols["date"]].astype(str).str.strip().map(normalise_timestamp)
    spans = df[cols["interval"]].astype(str).str.strip()
    starts = []
    for i, (d, span) in enumerate(zip(dates, spans, strict=True)):
        m = _SPAN.match(span)
        if not m or len(d) < 10 or not _DATE.match(d[:10]):
            field = "interval" if not m else "date"
            shown = span if not m else df[cols["date"]].iloc[i]
            raise PlannerInputError(
                f"{source}: row {i + 2}, field '{field}': cannot read {shown!r} "
                "(expected a date like 2026-03-16 and a time span like 09:00-09:30)"
            )
        h, mi = int(m.group(1)), int(m.group(2))
        if h > 23 or mi > 59:
            raise PlannerInputError(f"{source}: row {i + 2}, field 'interval': {span!r} is not a time of day")
        starts.append(f"{d[:10]}T{h:02d}:{mi:02d}")
    out = df.drop(columns=[cols["date"], cols["interval"]])
    out.insert(0, "interval_start", starts)
    return out


_SPAN = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*[-~–至]\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def history_frame(source: ColumnMap) -> pd.DataFrame:
    """One history file as a raw frame in the schema's column names (strings, as read); a ``date`` +
    ``interval`` (``09:00-09:30``) layout is joined into ``interval_start``."""
    return combine_date_interval(map_columns(read_table(source.path, "history"), source), source.path)


def read_history(
    sources: ColumnMap | tuple[ColumnMap, ...], *, tz: str | None = None, interval_min: int | None = None
) -> History:
    """Read, map and validate one or more history files into one :class:`forecasts.io.History`.

    Several files (e.g. one per channel) must share an interval length; ``interval_min`` aggregates the
    history to a coarser planning interval.
    """
    sources = (sources,) if isinstance(sources, ColumnMap) else tuple(sources)
    try:
        parts = [parse_history(history_frame(s), s.path, tz=tz) for s in sources]
        lengths = {h.interval_min for h in parts}
        if len(lengths) > 1 and interval_min is None:
            interval_min = max(lengths)
        parts = [aggregate_history(h, interval_min) for h in parts]
    except HistoryError as exc:
        raise PlannerInputError(str(exc).splitlines()[0]) from None
    if len(parts) == 1:
        return parts[0]
    keys = [(s.channel, s.queue) for h in parts for s in h.series]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup is not None:
        raise PlannerInputError(f"{sources[1].path}: channel '{dup[0]}' also appears in {sources[0].path}")
    return align_ends(History(
        source=" + ".join(s.path for s in sources),
        series=tuple(s for h in parts for s in h.series),
        interval_min=parts[0].interval_min,
        warnings=tuple(w for h in parts for w in h.warnings),
    ))
