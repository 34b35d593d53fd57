"""The one reading of local timestamps: ISO 8601, and the forms Excel exports on Chinese Windows.

``2026-03-16T09:30``, ``2026-03-16 09:30``, ``2026/3/16 9:30`` and ``2026/03/16 09:30:00`` all mean the
same local time; an ISO offset (``+08:00``) is kept for the caller to convert. Used by the history reader
(forecasts.io) and by every planner reader (planner.calendar.parse_instant), so that a file one command
accepts, every command accepts.
"""

from __future__ import annotations

import re

_LOOSE = re.compile(r"^\s*(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


def normalise_timestamp(text: str) -> str:
    """``text`` rewritten as ISO 8601 when it is a slash/dot/space date-time form; otherwise unchanged."""
    m = _LOOSE.match(str(text))
    if not m:
        return str(text).strip()
    y, mo, d, h, mi, s = m.groups()
    out = f"{y}-{int(mo):02d}-{int(d):02d}"
    if h is not None:
        out += f"T{int(h):02d}:{mi}" + (f":{s}" if s else "")
    return out
