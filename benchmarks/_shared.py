"""Where the benchmarks find ../shared (reference values and the real data set)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def find_shared() -> Path:
    """``$PLANNER_SHARED``, else ``shared`` beside the checkout, else beside its parent (worktrees)."""
    if os.environ.get("PLANNER_SHARED"):
        return Path(os.environ["PLANNER_SHARED"])
    for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if p.is_dir():
            return p
    return ROOT.parent / "shared"


SHARED = find_shared()
BANK_CSV = SHARED / "data" / "israeli_bank_1999_6min.csv"
