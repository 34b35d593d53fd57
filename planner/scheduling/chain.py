"""Chain consecutive weekly rosters into one horizon with persistent person ids.

Each week is rostered on its own, so its agent ids (``A001``...) mean nothing outside it. At every week
boundary the people known so far are matched to the next week's agents by a maximum bipartite matching
in which a pair is allowed iff the person's rest, from the end of their last shift to the agent's first
shift, is at least ``min_rest_min``. People idle in the week just ended (and agents without shifts)
always fit. Among maximum matchings the assignment prefers continuity, lexicographically: first the
same shift start time of day as last week, then a person who worked last week over an idle one. It is
solved as a rectangular assignment problem (Kuhn 1955, Munkres 1957; ``scipy.optimize.
linear_sum_assignment``, Crouse 2016) with integer costs: a forbidden pair costs more than any set of
preference penalties, so the optimum uses as few forbidden pairs (dropped afterwards) as possible,
i.e. a maximum matching of allowed pairs. Agents left unmatched become new people.

The head count is minimal for the chained weeks: after each boundary the people who worked the new
week carry exactly that week's shifts, whoever they are, and the rest are idle (fit anywhere), so the
state handed to the next boundary does not depend on which maximum matching was chosen, and a maximum
matching at each boundary minimises the new people added there. People idle in a week have no rows for
it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from planner.domain import TIME_FMT

COLUMNS = ["agent_id", "date", "activity", "start", "end"]


def _parse(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col
    return pd.to_datetime(col.astype(str), format=TIME_FMT)


def _week_agents(week: pd.DataFrame) -> dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None, int | None]]:
    """Per agent id: (first shift start, last shift end, usual start [min of day]); None without shifts."""
    out: dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None, int | None]] = {}
    busy = week[week["activity"] != "off"]
    for aid in sorted(set(week["agent_id"])):
        g = busy[busy["agent_id"] == aid]
        if g.empty:
            out[aid] = (None, None, None)
            continue
        starts = g.groupby("_date")["_s"].min()
        tod = Counter(int(t.hour * 60 + t.minute) for t in starts)
        usual = min(tod, key=lambda m: (-tod[m], m))  # most frequent start, earliest on ties
        out[aid] = (g["_s"].min(), g["_e"].max(), usual)
    return out


def chain_weeks(weeks: Sequence[pd.DataFrame], min_rest_min: int, prefix: str = "") -> pd.DataFrame:
    """One roster for consecutive weeks, with person ids ``f"{prefix}{n:03d}"`` (n from 1).

    ``weeks``: schedule frames (``agent_id, date, activity, start, end``; agent ids local to each week),
    consecutive 7-day blocks in order. Every person rests at least ``min_rest_min`` between their last
    shift of one week and their first shift of the next. Rows keep their values; sorted by person, start.
    """
    if min_rest_min < 0:
        raise ValueError(f"min_rest_min {min_rest_min} must be >= 0")
    prepared = []
    for k, week in enumerate(weeks):
        missing = [c for c in COLUMNS if c not in week.columns]
        if missing:
            raise ValueError(f"week {k + 1}: missing column(s) {', '.join(missing)}")
        w = week[COLUMNS].copy()
        w["agent_id"] = w["agent_id"].astype(str)
        w["_s"] = _parse(w["start"])
        w["_e"] = _parse(w["end"])
        w["_date"] = pd.to_datetime(w["date"]).dt.normalize()
        if prepared and not w.empty and not prepared[-1].empty and w["_date"].min() <= prepared[-1]["_date"].max():
            raise ValueError(f"week {k + 1} does not come after week {k}: the weeks must be consecutive, in order")
        prepared.append(w)

    last_end: list[pd.Timestamp | None] = []  # per person (index n - 1)
    last_start_tod: list[int | None] = []  # usual start in the week just ended; None if idle then
    out = []
    for w in prepared:
        agents = _week_agents(w)
        ids = list(agents)  # sorted
        person_of: dict[str, int] = {}
        if last_end and ids:
            n_p, n_a = len(last_end), len(ids)
            size = min(n_p, n_a)
            w_start = size + 1  # one start-time miss outweighs every worked/idle preference
            big = size * (w_start + 1) + 1  # one forbidden pair outweighs every preference
            cost = np.zeros((n_p, n_a), dtype=np.int64)
            allowed = np.ones((n_p, n_a), dtype=bool)
            for j, aid in enumerate(ids):
                first, _last, usual = agents[aid]
                for p in range(n_p):
                    end = last_end[p]
                    if first is not None and end is not None and (first - end) < pd.Timedelta(minutes=min_rest_min):
                        allowed[p, j] = False
                        cost[p, j] = big
                        continue
                    tod = last_start_tod[p]
                    cost[p, j] = (w_start if tod is None or tod != usual else 0) + (1 if tod is None else 0)
            rows, cols = linear_sum_assignment(cost)
            for p, j in zip(rows.tolist(), cols.tolist(), strict=True):
                if allowed[p, j]:
                    person_of[ids[j]] = p
        tod_now: list[int | None] = [None] * len(last_end)
        for aid in ids:
            if aid not in person_of:
                person_of[aid] = len(last_end)
                last_end.append(None)
                tod_now.append(None)
            p = person_of[aid]
            _first, end, usual = agents[aid]
            if end is not None:
                last_end[p] = end
            tod_now[p] = usual
        last_start_tod = tod_now
        w["_n"] = w["agent_id"].map(person_of)
        out.append(w)

    if not out or all(w.empty for w in out):
        return pd.DataFrame(columns=COLUMNS)
    df = pd.concat([w for w in out if not w.empty], ignore_index=True)
    df = df.sort_values(["_n", "_s", "_e", "activity"], kind="stable")
    df["agent_id"] = [f"{prefix}{n + 1:03d}" for n in df["_n"]]
    return df[COLUMNS].reset_index(drop=True)
