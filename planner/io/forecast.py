"""Forecast files (DESIGN.md): ``interval_start, channel, offered, offered_lo, offered_hi, aht_s``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.errors import PlannerInputError
from planner.io.table import read_table
from planner.staffing import validate_forecast


def read_forecast(path: str | Path, *, timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    """Read and validate a forecast CSV/XLSX (see :func:`planner.staffing.validate_forecast`)."""
    path = Path(path)
    if not path.is_file():
        raise PlannerInputError(f"{path}: no such forecast file")
    return validate_forecast(read_table(path, "forecast"), source=str(path), timezone=timezone)


def write_forecast(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the forecast frame of :func:`planner.forecasting.forecast_frame` as CSV."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot write ({exc.strerror or exc})") from None
