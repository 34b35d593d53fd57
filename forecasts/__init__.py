"""forecasts: interval volume and handle-time forecasting (never imports planner)."""
