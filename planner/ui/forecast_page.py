"""Forecast: history and forecast with the 80 % band, the backtest table and the model chosen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.ui import charts, text
from planner.ui.common import guarded, lang, need_record, table, tr


def render() -> None:
    st.title(tr("page_forecast"))
    rec = need_record()
    if rec is None:
        return
    plan, lg = rec["plan"], lang()
    channels = list(plan.forecast.channels)
    ch = st.selectbox(tr("channel"), channels, key="forecast_channel")
    hist = rec["part"].recent  # the last three weeks of the history the forecast was made from
    if hist is not None:
        hist = hist[hist["channel"] == ch]
    else:
        st.caption(tr("no_history"))
    fc = plan.forecast.of(ch).reset_index(drop=True)
    st.altair_chart(charts.forecast_chart(hist, fc, lg), width="stretch")
    st.subheader(tr("backtest"))
    rows = [
        {
            tr("channel"): x.channel,
            tr("model"): x.model,
            tr("wape"): text.fmt_pct(x.backtest_wape, lg),
            tr("backtest_weeks"): x.backtest_weeks,
            tr("runner_up"): x.runner_up,
        }
        for x in plan.forecast_info.series
    ]
    table(pd.DataFrame(rows), "backtest", "forecast_backtest")
    table(fc.assign(interval_start=lambda d: d["interval_start"].astype(str)),
          f"forecast_{ch}", "forecast_table")


page = guarded(render)
