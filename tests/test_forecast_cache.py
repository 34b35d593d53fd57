"""Issue 23: the forecast's backtests are kept between runs by content (planner.io.cache), and a cached
forecast is the very forecast made afresh; any change to the history or the settings makes it afresh."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import planner.forecasting
from planner.forecasting import forecast, history_calendar
from planner.io.cache import DiskCache, code_digest
from planner.scenario import load_scenario
from planner.steps import _history

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
METHOD = "day_profile_shrunk"  # one model (auto's candidates would take longer; the cache does not care)


@pytest.fixture(scope="module")
def sample():
    scen = load_scenario(ROOT / "scenarios" / "contract_7x24.toml")
    hist, _ = _history(scen, None)
    return hist, history_calendar(hist, 14, "CN")


def _made(monkeypatch) -> list[str]:
    """Count the series forecast afresh (calls of make_forecast) from here on."""
    made: list[str] = []
    real = planner.forecasting.make_forecast

    def counting(series, *a, **k):
        made.append(series.channel)
        return real(series, *a, **k)

    monkeypatch.setattr(planner.forecasting, "make_forecast", counting)
    return made


def test_a_cached_forecast_is_the_forecast_made_afresh(sample, tmp_path, monkeypatch):
    hist, cal = sample
    fresh, fresh_info = forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2)
    cache = DiskCache(tmp_path)
    made = _made(monkeypatch)
    first, first_info = forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2, cache=cache)
    assert sorted(made) == sorted(s.channel for s in hist.series)  # an empty cache: every series made
    made.clear()
    again, again_info = forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2, cache=DiskCache(tmp_path))
    assert made == []  # a new process's cache object on the same folder: nothing made afresh
    for frame, info in ((first, first_info), (again, again_info)):
        pd.testing.assert_frame_equal(frame, fresh)
        assert info == fresh_info
    assert (tmp_path / code_digest()).is_dir()  # kept under this code's digest


def test_any_change_to_the_history_or_the_settings_forecasts_afresh(sample, tmp_path, monkeypatch):
    hist, cal = sample
    cache = DiskCache(tmp_path)
    forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2, cache=cache)
    made = _made(monkeypatch)
    forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2, level=0.9, cache=cache)  # another band level
    assert len(made) == len(hist.series)
    made.clear()
    forecast(hist, 8, calendar=cal, method=METHOD, backtest_weeks=2, cache=cache)  # another horizon
    assert len(made) == len(hist.series)
    made.clear()
    one = hist.series[0]
    offered = one.offered.copy()
    offered[-1] += 1.0  # one more contact in the last interval of one series
    changed = replace(hist, series=(replace(one, offered=offered), *hist.series[1:]))
    forecast(changed, 7, calendar=cal, method=METHOD, backtest_weeks=2, cache=cache)
    assert made == [one.channel]  # only the changed series; the others are the same content


def test_a_damaged_cache_file_is_a_miss(sample, tmp_path, monkeypatch):
    hist, cal = sample
    cache = DiskCache(tmp_path)
    fresh, _ = forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2, cache=cache)
    for f in (tmp_path / code_digest()).glob("*.pkl"):
        f.write_bytes(b"not a pickle")
    made = _made(monkeypatch)
    got, _ = forecast(hist, 7, calendar=cal, method=METHOD, backtest_weeks=2, cache=cache)
    assert len(made) == len(hist.series)
    pd.testing.assert_frame_equal(got, fresh)
