"""Service reports (合同 2.6): actuals in, daily / weekly / monthly contract KPIs out, each against its target.

An engine: pure functions over frames and domain objects; the files are read and written by
``planner.io.actuals`` and ``planner.io.report``. See docs/reports.md.
"""

from planner.reports.kpi import (
    KPI_NAMES,
    PERIODS,
    Kpi,
    KpiVerdict,
    PeriodRow,
    Report,
    build_report,
    clock_start,
    in_window,
    item_outcomes,
    period_end,
    period_start,
)

__all__ = [
    "KPI_NAMES",
    "PERIODS",
    "Kpi",
    "KpiVerdict",
    "PeriodRow",
    "Report",
    "build_report",
    "clock_start",
    "in_window",
    "item_outcomes",
    "period_end",
    "period_start",
]
