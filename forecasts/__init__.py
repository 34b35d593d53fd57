"""forecasts: interval volume and handle-time forecasting (never imports planner).

- ``forecasts.io``: read and validate history (CSV/XLSX), grids, aggregation (``HistoryError``).
- ``forecasts.daycalendar``: CN holidays and make-up working days, other countries, user files.
- ``forecasts.models``: seasonal naive, mean of K weeks, Holt-Winters, MSTL+ETS/ARIMA, daily total x
  intraday profile (with a day-of-month effect), shrunk weekday profiles, a combination; handle time.
- ``forecasts.backtest``: rolling-origin backtests (WAPE, bias, coverage), ``auto``, ``make_forecast``.
- ``forecasts.uncertainty``: the backtest error distribution (``ForecastError``) and calibrated bands.
- ``forecasts.synthetic``: a seeded generator of realistic Chinese contact-centre history.
"""
