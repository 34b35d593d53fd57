"""Forecast files (DESIGN.md): ``interval_start, channel, offered, offered_lo, offered_hi, aht_s``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.domain import ColumnMap, Forecast
from planner.errors import PlannerInputError
from planner.io.table import Source, read_table, source_of
from planner.staffing import validate_forecast


def read_forecast(
    path: Source, *, timezone: str = "Asia/Shanghai", columns: tuple[tuple[str, str], ...] = ()
) -> Forecast:
    """Read and validate a forecast CSV/XLSX into a :class:`~planner.domain.Forecast` (see
    :func:`planner.staffing.validate_forecast`); ``columns`` maps schema names to the file's column names,
    as for a history."""
    from planner.io.history import map_columns

    path = source_of(path)
    if isinstance(path, Path) and not path.is_file():
        raise PlannerInputError(f"{path}: no such forecast file")
    raw = map_columns(read_table(path, "forecast"), ColumnMap(str(path), columns))
    return validate_forecast(raw, source=str(path), timezone=timezone)


def write_forecast(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the forecast frame of :func:`planner.forecasting.forecast_frame` as CSV."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot write ({exc.strerror or exc})") from None
