"""Read and validate interval history (DESIGN.md, "History / actuals").

A history file (CSV or XLSX, header row) has ``interval_start`` and ``offered`` and optionally
``channel`` (voice default, chat, email), ``queue``, ``answered``, ``aht_s`` and other ACD columns.
Rows are local wall-clock interval starts. Many ACDs omit empty or closed intervals, so a missing
interval means no contacts: each channel/queue series is laid on a regular grid of whole days, from
midnight of its first day to the end of the file's last day (over all series: one history, one
horizon), with missing intervals set to zero. Closed days at the end of a series (a weekday channel
whose rows stop on Friday in a file that runs to Sunday) are zeros, not the end of its data. Holes
inside hours that are otherwise always open are reported as warnings (possible outages).

Everything that makes a file unusable raises :class:`HistoryError` with one line naming the file,
row (the line number in the file, header = row 1) and field.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from forecasts.timefmt import normalise_timestamp

ALLOWED_INTERVAL_MIN = (5, 6, 10, 15, 30, 60)
CHANNELS = ("voice", "chat", "email")  # the usual ones; any scenario channel name is accepted
# No contact centre receives a million contacts in one interval: such a value is a data error.
MAX_CONTACTS_PER_INTERVAL = 1e6
CHANNEL_NAME = r"[a-z0-9][a-z0-9_\-]*"
_NULLS = ("", "nan", "null", "na", "n/a", "none", "-")  # empty cells of optional columns
_NUMERIC_OPTIONAL = ("answered", "abandoned", "answered_within_threshold", "aht_s", "asa_s")


class HistoryError(ValueError):
    """Unusable history: the message is one line naming the file, row or field."""


@dataclass(frozen=True)
class Series:
    """One channel/queue on a regular grid of whole days.

    ``offered[i]`` counts contacts arriving in ``[start + i*interval_min, start + (i+1)*interval_min)``.
    ``aht_s`` is the mean handle time [s] (NaN where nothing was handled), ``aht_weight`` the number
    of contacts it averages over (``answered`` if the file has it, else ``offered``).
    """

    channel: str
    queue: str | None
    start: pd.Timestamp
    interval_min: int
    offered: np.ndarray
    aht_s: np.ndarray | None = None
    aht_weight: np.ndarray | None = None

    @property
    def per_day(self) -> int:
        """Intervals per day."""
        return 1440 // self.interval_min

    @property
    def n_days(self) -> int:
        """Whole days of history."""
        return len(self.offered) // self.per_day

    @property
    def index(self) -> pd.DatetimeIndex:
        """Interval starts of the grid."""
        return pd.date_range(self.start, periods=len(self.offered), freq=f"{self.interval_min}min")

    @property
    def end(self) -> pd.Timestamp:
        """The first instant after the history (midnight after its last day)."""
        return self.start + pd.Timedelta(minutes=self.interval_min * len(self.offered))

    def extended_to(self, end: pd.Timestamp) -> Series:
        """This series on a grid that runs to ``end`` (a later midnight): the added intervals had no
        contacts (zero volume, no handle time)."""
        extra = int((end - self.end) / pd.Timedelta(minutes=self.interval_min))
        if extra <= 0:
            return self
        return replace(
            self,
            offered=np.concatenate([self.offered, np.zeros(extra)]),
            aht_s=None if self.aht_s is None else np.concatenate([self.aht_s, np.full(extra, np.nan)]),
            aht_weight=None if self.aht_weight is None else np.concatenate([self.aht_weight, np.zeros(extra)]),
        )

    def head(self, n_intervals: int) -> Series:
        """The first ``n_intervals`` of this series (used to cut backtest origins)."""
        cut = slice(0, n_intervals)
        return replace(
            self,
            offered=self.offered[cut],
            aht_s=None if self.aht_s is None else self.aht_s[cut],
            aht_weight=None if self.aht_weight is None else self.aht_weight[cut],
        )


@dataclass(frozen=True)
class History:
    """A validated history file: one series per channel/queue, plus warnings for the user."""

    source: str
    interval_min: int
    series: tuple[Series, ...]
    warnings: tuple[str, ...] = ()

    @property
    def end(self) -> pd.Timestamp:
        """The first instant after the history: midnight after its last day over all series.

        The one horizon rule: every series is forecast from here (see :func:`align_ends`).
        """
        return max(s.end for s in self.series)


def align_ends(history: History) -> History:
    """Every series of ``history`` runs to :attr:`History.end`: days after a series' last row are days
    without contacts (closed), so all series share one horizon. A no-op when they already do."""
    end = history.end
    if all(s.end == end for s in history.series):
        return history
    warnings = list(history.warnings)
    for s in history.series:
        if s.end < end:
            warnings.extend(_trailing_open_warning(s, end, history.source))
    return replace(history, series=tuple(s.extended_to(end) for s in history.series), warnings=tuple(warnings))


def _trailing_open_warning(series: Series, end: pd.Timestamp, source: str) -> list[str]:
    """Warn when days added after a series' last row are weekdays it usually had contacts on."""
    totals = series.offered[: series.n_days * series.per_day].reshape(series.n_days, -1).sum(axis=1)
    n_added = int((end - series.end) / pd.Timedelta(days=1))
    usual = []
    for k in range(n_added):  # day series.n_days + k
        same = [d for d in range(series.n_days + k - 7, -1, -7) if d < series.n_days][:4]
        if len(same) >= 2 and np.mean(totals[same] > 0) > 0.5:
            usual.append(series.end + pd.Timedelta(days=k))
    if not usual:
        return []
    label = f"{source} [{series.channel}{'/' + series.queue if series.queue else ''}]"
    shown = ", ".join(f"{d:%Y-%m-%d}" for d in usual[:5]) + (f" and {len(usual) - 5} more" if len(usual) > 5 else "")
    return [
        f"{label}: no rows on {shown}, before the file's last day {end - pd.Timedelta(days=1):%Y-%m-%d}, "
        "though that weekday usually has contacts; counted as zero contacts (closed or cut short?)"
    ]


def _row(i: int) -> int:
    """File row of data-frame position ``i`` (header is row 1)."""
    return int(i) + 2


@dataclass(frozen=True)
class Blob:
    """A file's bytes with the name it was given (an upload in the app): read like a file of that name,
    and named by it in every message (``str(blob)`` is the name)."""

    name: str
    data: bytes

    def __str__(self) -> str:
        return self.name


EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def load_table(path: Path | Blob, what: str = "history") -> pd.DataFrame:
    """The raw table as strings (CSV or XLSX; UTF-8, BOM or GBK), or HistoryError naming the file.

    The one table reader of the project (planner.io.table wraps it): a path, or the bytes of a file
    (:class:`Blob`, never written to disk). Header names are stripped, not lower-cased: callers compare
    case-insensitively where they need to.
    """
    if isinstance(path, Blob):
        suffix, empty = Path(path.name).suffix.lower(), not path.data.strip()
        if suffix not in EXCEL_SUFFIXES and b"\x00" in path.data[:4096]:
            raise HistoryError(f"{path}: not a text file (binary data); give CSV (UTF-8 or GBK) or XLSX")

        def source():
            return io.BytesIO(path.data)
    else:
        if not path.exists():
            raise HistoryError(f"{path}: file not found")
        if not path.is_file():
            raise HistoryError(f"{path}: not a file")
        suffix, empty = path.suffix.lower(), path.stat().st_size == 0

        def source():
            return path
    if empty:
        raise HistoryError(f"{path}: the {what} file is empty (need a header row)")
    try:
        if suffix in EXCEL_SUFFIXES:
            df = pd.read_excel(source(), dtype=str, keep_default_na=False)
        else:
            try:
                df = pd.read_csv(
                    source(), dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
                )
            except UnicodeDecodeError:  # Excel on Chinese Windows saves CSV as GBK
                df = pd.read_csv(
                    source(), dtype=str, keep_default_na=False, skipinitialspace=True, encoding="gb18030"
                )
    except pd.errors.EmptyDataError:
        raise HistoryError(f"{path}: the {what} file is empty (need a header row)") from None
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[-1]
        raise HistoryError(f"{path}: malformed CSV ({first})") from None
    except UnicodeDecodeError:
        raise HistoryError(f"{path}: not UTF-8 or GBK text (save the file as UTF-8 CSV or XLSX)") from None
    except (ValueError, OSError) as exc:
        raise HistoryError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from None
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    return df.apply(lambda col: col.str.strip()) if len(df) else df


def _numbers(df: pd.DataFrame, column: str, source: str, required: bool) -> np.ndarray:
    """A numeric, non-negative column (NaN for empty cells when not required)."""
    text = df[column].astype(str).str.strip()
    values = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)
    empty = text.str.lower().isin(_NULLS).to_numpy()
    values[empty] = np.nan
    bad = np.isnan(values) & (~empty | required)
    bad |= np.isinf(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = text.iloc[i] or "(empty)"
        raise HistoryError(f"{source}: row {_row(i)}, field '{column}': {shown!r} is not a number")
    negative = values < 0
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise HistoryError(f"{source}: row {_row(i)}, field '{column}': negative value {text.iloc[i]}")
    return values


def _timestamps(df: pd.DataFrame, source: str, tz: str | None) -> pd.Series:
    """Parse ``interval_start`` (ISO 8601); aware times are converted to ``tz`` and made naive."""
    text = df["interval_start"].astype(str).str.strip()
    parsed = pd.to_datetime(text.map(normalise_timestamp), format="ISO8601", errors="coerce", utc=False)
    if parsed.isna().any() or text.eq("").any():
        i = int(np.flatnonzero(parsed.isna().to_numpy() | text.eq("").to_numpy())[0])
        raise HistoryError(
            f"{source}: row {_row(i)}, field 'interval_start': cannot parse {text.iloc[i] or '(empty)'!r}"
            " (expected ISO 8601 like 2026-03-02T09:30)"
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(tz or "Asia/Shanghai").dt.tz_localize(None)
    return parsed


def _infer_interval(minutes: np.ndarray, keys: np.ndarray, source: str) -> int:
    """The most common positive spacing between consecutive rows of the same series [min]."""
    diffs = []
    for key in np.unique(keys):
        m = minutes[keys == key]
        d = np.diff(m)
        diffs.append(d[d > 0])
    d = np.concatenate(diffs) if diffs else np.array([], dtype=np.int64)
    if len(d) == 0:
        raise HistoryError(f"{source}: cannot infer the interval length from one row (a series needs two rows or more)")
    values, counts = np.unique(d, return_counts=True)
    step = int(values[np.argmax(counts)])
    # a sparse file (empty intervals omitted) can make the mode a multiple of the true step; a few
    # stray rows off the mode's grid are errors instead (reported by _check_grid)
    g = int(np.gcd.reduce(d))
    off_grid = float(np.mean(minutes % step != 0))
    if g < step and step % g == 0 and g in ALLOWED_INTERVAL_MIN and off_grid >= 0.05:
        step = g
    return step


def _check_grid(minutes: np.ndarray, keys: np.ndarray, step: int, source: str, order: np.ndarray) -> None:
    """Every row on the ``step`` grid, and no stretch of busy days sampled at a coarser step."""
    off = minutes % step != 0
    if off.any():
        i = int(order[np.flatnonzero(off)[0]])
        raise HistoryError(
            f"{source}: row {_row(i)}, field 'interval_start': not on the {step}-minute grid of the other "
            "rows (mixed interval lengths?)"
        )
    day = minutes // 1440
    for key in np.unique(keys):
        sel = keys == key
        m, dd, rows = minutes[sel], day[sel], order[sel]
        coarse_row, fine_seen = None, False
        for d0 in np.unique(dd):
            in_day = dd == d0
            if in_day.sum() < 12:
                continue
            gaps = np.diff(m[in_day])
            if (gaps == step).any():
                fine_seen = True
            elif coarse_row is None:
                coarse_row = (int(rows[in_day][0]), int(gaps.min()))
        if fine_seen and coarse_row is not None:
            i, gap = coarse_row
            raise HistoryError(
                f"{source}: row {_row(i)}: mixed interval lengths ({gap}-minute rows in a file of "
                f"{step}-minute rows); split the file or export one interval length"
            )


def _outage_warnings(
    present: np.ndarray, volume: np.ndarray, per_day: int, start: pd.Timestamp, step: int, label: str
) -> list[str]:
    """Holes in time-of-week slots that are otherwise always present (possible outages)."""
    per_week = 7 * per_day
    n = len(present)
    n_weeks = n // per_week
    if n_weeks < 3:
        return []
    slot = np.arange(n) % per_week
    weeks_seen = np.bincount(slot, minlength=per_week)
    hits = np.bincount(slot, weights=present.astype(float), minlength=per_week)
    usually_open = hits >= np.maximum(3, weeks_seen - np.maximum(1, 0.1 * weeks_seen))
    # a quiet interval is often empty (and omitted) by chance: only busy ones count (P(0) < 1e-4)
    slot_mean = np.bincount(slot, weights=volume, minlength=per_week) / np.maximum(hits, 1)
    usually_open &= slot_mean >= 10
    first_day = np.flatnonzero(present)
    lo, hi = (first_day[0], first_day[-1]) if len(first_day) else (0, -1)
    idx = np.arange(n)
    holes = usually_open[slot] & ~present & (idx > lo) & (idx < hi)
    if not holes.any():
        return []
    days = np.unique(idx[holes] // per_day)
    full = [
        d
        for d in days
        if holes[d * per_day : (d + 1) * per_day].sum()
        == usually_open[(np.arange(d * per_day, (d + 1) * per_day)) % per_week].sum()
    ]
    parts = []
    if full:
        shown = ", ".join((start + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d") for d in full[:5])
        more = f" and {len(full) - 5} more" if len(full) > 5 else ""
        parts.append(f"{label}: no rows at all on {shown}{more} (closed day, holiday or outage?)")
    partial = [int(i) for i in np.flatnonzero(holes) if int(i) // per_day not in set(full)]
    if partial:
        t = start + pd.Timedelta(minutes=step * partial[0])
        parts.append(
            f"{label}: {len(partial)} interval(s) missing inside usually-open hours, first at "
            f"{t.strftime('%Y-%m-%dT%H:%M')}; counted as zero contacts (outage?)"
        )
    return parts


def _cut_short_warning(
    present: np.ndarray, per_day: int, start: pd.Timestamp, step: int, label: str
) -> list[str]:
    """Warn when the last day stops well before that weekday usually closes (an export cut short)."""
    grid = present.reshape(-1, per_day)
    n_days = len(grid)
    same = [d for d in range(n_days - 8, -1, -7) if grid[d].any()][:4]
    if len(same) < 2 or not grid[-1].any():
        return []
    usual = int(np.median([np.flatnonzero(grid[d])[-1] for d in same]))
    last = int(np.flatnonzero(grid[-1])[-1])
    if last >= usual - 1:
        return []
    day = start + pd.Timedelta(days=n_days - 1)
    at = lambda k: (day + pd.Timedelta(minutes=step * k)).strftime("%H:%M")  # noqa: E731
    return [
        f"{label}: the last day {day:%Y-%m-%d} ends at {at(last)} but that weekday usually runs to "
        f"{at(usual)}; if the export was cut short, the missing intervals count as zero contacts"
    ]


def parse_history(
    df: pd.DataFrame, source: str, interval_min: int | None = None, tz: str | None = None
) -> History:
    """Validate a raw history table (strings) and lay each channel/queue on a regular grid."""
    df = df.copy()
    df.columns = [str(c).strip().lstrip("\ufeff").lower() for c in df.columns]
    for need in ("interval_start", "offered"):
        if need not in df.columns:
            found = ", ".join(df.columns) or "none"
            raise HistoryError(f"{source}: missing column '{need}' (found: {found})")
    if len(df) == 0:
        raise HistoryError(f"{source}: no data rows after the header")
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()][0]
        raise HistoryError(f"{source}: column '{dup}' appears twice in the header")

    ts = _timestamps(df, source, tz)
    offered = _numbers(df, "offered", source, required=True)
    absurd = np.flatnonzero(offered > MAX_CONTACTS_PER_INTERVAL)
    if absurd.size:
        i = int(absurd[0])
        raise HistoryError(
            f"{source}: row {_row(i)}, field 'offered': {offered[i]:.4g} contacts in one interval is not a real "
            f"volume (more than {MAX_CONTACTS_PER_INTERVAL:.0e}); fix or remove the row"
        )
    extra = {c: _numbers(df, c, source, required=False) for c in _NUMERIC_OPTIONAL if c in df.columns}
    if "channel" in df.columns:
        channel = df["channel"].astype(str).str.strip().str.lower().replace("", "voice")
        bad = ~channel.str.fullmatch(CHANNEL_NAME)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise HistoryError(
                f"{source}: row {_row(i)}, field 'channel': {df['channel'].iloc[i]!r} is not a channel name "
                f"(letters, digits, - and _, e.g. {', '.join(CHANNELS)} or social)"
            )
    else:
        channel = pd.Series("voice", index=df.index)
    queue = df["queue"].astype(str).str.strip() if "queue" in df.columns else pd.Series("", index=df.index)
    keys = (channel + "\x1f" + queue).to_numpy()

    epoch = pd.Timestamp("2000-01-01")
    minutes_f = ((ts - epoch) / pd.Timedelta(minutes=1)).to_numpy(dtype=float)
    if np.any(minutes_f != np.round(minutes_f)):
        i = int(np.flatnonzero(minutes_f != np.round(minutes_f))[0])
        raise HistoryError(f"{source}: row {_row(i)}, field 'interval_start': seconds are not allowed")
    minutes = np.round(minutes_f).astype(np.int64)

    # duplicates and order, per series, in file order
    for key in np.unique(keys):
        pos = np.flatnonzero(keys == key)
        m = minutes[pos]
        seen: dict[int, int] = {}
        for p, v in zip(pos, m, strict=True):
            if int(v) in seen:
                raise HistoryError(
                    f"{source}: row {_row(p)}, field 'interval_start': duplicate of row {_row(seen[int(v)])} "
                    f"({ts.iloc[p].strftime('%Y-%m-%dT%H:%M')}{_label_suffix(key)})"
                )
            seen[int(v)] = int(p)
        back = np.flatnonzero(np.diff(m) < 0)
        if len(back):
            p, q = pos[back[0]], pos[back[0] + 1]
            raise HistoryError(
                f"{source}: row {_row(q)}, field 'interval_start': {ts.iloc[q].strftime('%Y-%m-%dT%H:%M')} "
                f"comes before row {_row(p)} ({ts.iloc[p].strftime('%Y-%m-%dT%H:%M')}); sort the file by time"
            )

    order = np.arange(len(df))
    step = _infer_interval(minutes, keys, source)
    if interval_min is not None:
        if interval_min not in ALLOWED_INTERVAL_MIN:
            raise HistoryError(f"interval_min {interval_min}: must be one of {ALLOWED_INTERVAL_MIN}")
        if step % interval_min == 0 and np.all(minutes % interval_min == 0):
            step = interval_min  # sparse file: the given interval is finer than the spacing seen
    if step not in ALLOWED_INTERVAL_MIN:
        raise HistoryError(
            f"{source}: inferred interval of {step} min is not one of {ALLOWED_INTERVAL_MIN} (mixed or "
            "irregular timestamps?)"
        )
    _check_grid(minutes, keys, step, source, order)

    per_day = 1440 // step
    warnings: list[str] = []
    out = []
    for key in sorted(np.unique(keys)):
        sel = keys == key
        m = minutes[sel]
        day0 = int(m.min() // 1440) * 1440
        day1 = (int(m.max() // 1440) + 1) * 1440
        n = (day1 - day0) // step
        idx = (m - day0) // step
        vol = np.zeros(n)
        vol[idx] = offered[sel]
        present = np.zeros(n, dtype=bool)
        present[idx] = True
        ch, q = key.split("\x1f")
        start = epoch + pd.Timedelta(minutes=day0)
        label = f"{source} [{ch}{'/' + q if q else ''}]"
        warnings.extend(_outage_warnings(present, vol, per_day, start, step, label))
        warnings.extend(_cut_short_warning(present, per_day, start, step, label))
        aht = weight = None
        if "aht_s" in extra and np.isfinite(extra["aht_s"][sel]).any():
            w_src = extra["answered"][sel] if "answered" in extra else offered[sel]
            a = extra["aht_s"][sel]
            aht = np.full(n, np.nan)
            weight = np.zeros(n)
            ok = np.isfinite(a) & np.isfinite(w_src) & (w_src > 0)
            aht[idx[ok]] = a[ok]
            weight[idx[ok]] = w_src[ok]
        out.append(Series(ch, q or None, start, step, vol, aht, weight))
    return align_ends(History(source, step, tuple(out), tuple(warnings)))


def _label_suffix(key: str) -> str:
    ch, q = key.split("\x1f")
    return f", {ch}{'/' + q if q else ''}"


def read_history(path: str | Path, interval_min: int | None = None, tz: str | None = None) -> History:
    """Read and validate a history CSV/XLSX; ``interval_min`` forces the history's own interval."""
    p = Path(path)
    return parse_history(load_table(p), str(p), interval_min=interval_min, tz=tz)


def aggregate(series: Series, interval_min: int) -> Series:
    """Sum counts into a coarser interval; handle time is re-weighted by contacts (volume-weighted mean)."""
    if interval_min == series.interval_min:
        return series
    if interval_min not in ALLOWED_INTERVAL_MIN:
        raise HistoryError(f"interval_min {interval_min}: must be one of {ALLOWED_INTERVAL_MIN}")
    if interval_min % series.interval_min or 1440 % interval_min:
        raise HistoryError(
            f"interval_min {interval_min}: not a multiple of the history's {series.interval_min}-minute "
            "interval that divides the day"
        )
    k = interval_min // series.interval_min
    vol = series.offered.reshape(-1, k).sum(axis=1)
    aht = weight = None
    if series.aht_s is not None and series.aht_weight is not None:
        w = series.aht_weight.reshape(-1, k)
        a = np.nan_to_num(series.aht_s.reshape(-1, k))
        weight = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(weight > 0, (a * w).sum(axis=1) / np.where(weight > 0, weight, 1), np.nan)
    return replace(series, interval_min=interval_min, offered=vol, aht_s=aht, aht_weight=weight)


def aggregate_history(history: History, interval_min: int | None) -> History:
    """Every series of ``history`` at ``interval_min`` (None keeps the history's interval)."""
    if interval_min is None or interval_min == history.interval_min:
        return history
    if interval_min < history.interval_min:
        raise HistoryError(
            f"interval_min {interval_min}: finer than the history's {history.interval_min}-minute interval"
        )
    return replace(
        history, interval_min=interval_min, series=tuple(aggregate(s, interval_min) for s in history.series)
    )
