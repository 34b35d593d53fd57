"""A cache of finished results on disk (the forecast's backtests, the risk step's hours by confidence): one
pickle file per key, safe to delete.

The folder is ``$PLANNER_CACHE`` (``off`` or ``0`` turns the cache off), else ``$XDG_CACHE_HOME/planner``,
else ``~/.cache/planner``. A key is mixed with a digest of the code that computes the values (every module
of ``forecasts`` and ``planner``, and the versions of the numerical libraries under them), so a changed
model or simulator never reads an old result. A file that cannot be read (damaged, from another Python) is
a miss; a folder that cannot be written is skipped silently: the cache only ever saves time. Only this
process's user writes there; a pickle is code, so do not point ``PLANNER_CACHE`` at a folder others can
write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


LIBRARIES = ("numpy", "pandas", "statsmodels", "numba", "holidays", "scipy")  # their versions change results


@cache
def code_digest() -> str:
    """A digest of the code behind a cached value: every module of ``forecasts`` and ``planner`` and the
    versions of :data:`LIBRARIES`."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    for path in sorted([*(ROOT / "forecasts").rglob("*.py"), *(ROOT / "planner").rglob("*.py")]):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={version(name)};".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    return h.hexdigest()[:16]


class DiskCache:
    """Values kept as pickle files in ``folder`` under this code's digest (see the module docstring)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder) / code_digest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pkl"

    def get(self, key: str) -> Any | None:
        try:
            with open(self._path(key), "rb") as fh:
                return pickle.load(fh)
        except Exception:  # missing, damaged or foreign: a miss, never an error
            return None

    def put(self, key: str, value: Any) -> None:
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(key))  # readers see the whole file or none
        except Exception:  # a folder that cannot be written, a value that cannot be pickled: not kept
            if tmp is not None and os.path.exists(tmp):
                os.remove(tmp)


def default_cache() -> DiskCache | None:
    """The user's cache (module docstring), or None when ``PLANNER_CACHE`` is ``off`` or ``0``."""
    where = os.environ.get("PLANNER_CACHE", "")
    if where.lower() in ("off", "0", "no", "false"):
        return None
    if where:
        return DiskCache(where)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return DiskCache(Path(base) / "planner")
