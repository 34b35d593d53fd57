"""The one table reader (CSV or XLSX as strings) and text reader, plus safe writers.

Chinese Excel saves CSV as GBK and often with a UTF-8 BOM: text is tried as UTF-8 (BOM stripped), then
GB18030 (a superset of GBK). Binary files are refused with the file named, never decoded into noise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecasts.io import Blob, HistoryError, load_table
from planner.errors import PlannerInputError

ENCODINGS = ("utf-8-sig", "gb18030")
Source = str | Path | Blob  # a file, or a file's bytes with its name (an upload: never written to disk)


def source_of(path: Source) -> Path | Blob:
    """A reader's input as the table reader takes it; ``str()`` of it names the file in messages."""
    return path if isinstance(path, Blob) else Path(path)


def read_table(path: Source, what: str = "data") -> pd.DataFrame:
    """A CSV/XLSX file (or its bytes, :class:`forecasts.io.Blob`) as a frame of stripped strings, header
    names stripped (case kept)."""
    try:
        return load_table(source_of(path), what)
    except HistoryError as exc:
        raise PlannerInputError(str(exc)) from None


def read_text(path: str | Path, what: str) -> str:
    """A small text file (scenario, holiday list) as str: UTF-8 with or without BOM, or GBK/GB18030."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise PlannerInputError(f"{path}: is a folder, not a {what} file") from None
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from None
    if b"\x00" in raw[:4096]:
        raise PlannerInputError(f"{path}: not a text file (binary data); save the {what} as UTF-8 text")
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise PlannerInputError(f"{path}: not UTF-8 or GBK text; save the {what} as UTF-8")


def check_writable(path: str | Path, flag: str, force: bool) -> Path:
    """An output file path: refused if it is a folder, or exists and ``force`` is not set."""
    path = Path(path)
    if path.is_dir():
        raise PlannerInputError(f"{flag} {path}: is a folder; give a file name")
    if path.exists() and not force:
        raise PlannerInputError(f"{flag} {path}: exists; use --force to overwrite it")
    return path


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write a frame as UTF-8 CSV, creating the folder; an OS error names the file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False)
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def prepare_out_dir(out_dir: str | Path, force: bool = False) -> Path:
    """An output folder, created if needed; a non-empty folder needs ``force`` (then only our files change)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PlannerInputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise PlannerInputError(f"--out {out}: folder is not empty; use --force to overwrite the plan's files in it")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlannerInputError(f"--out {out}: cannot create the folder ({exc.strerror or exc})") from None
    return out
