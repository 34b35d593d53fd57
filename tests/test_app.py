"""The Streamlit app, page by page, with streamlit's AppTest (no browser): widgets set by key, the values
shown asserted, and no exception. One quick plan (the shipped 7x24 scenario, quick preview: a small sample
at 60-min intervals, a short solve) is made once and put into each test's session."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120


def new_app(lang: str = "en", record: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if record is not None:
        at.session_state["record"] = record
    return at


def open_page(at: AppTest, name: str) -> AppTest:
    at.run()
    return at.switch_page(f"planner/ui/scripts/{name}.py").run()


def no_trouble(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def record() -> dict:
    """A quick plan, as the Start page makes it (planner.ui.engine.plan_now)."""
    from planner.ui import engine

    data = engine.quick(engine.merged(engine.shipped_data(engine.DEFAULT_SCENARIO), {"data": {"sample": True}}))
    return engine.plan_now(data, engine.DEFAULT_SCENARIO, None, lambda _m: None)


def test_start_plans_the_shipped_scenario_and_shows_the_headline():
    at = new_app("en")
    at.run()
    no_trouble(at)
    assert at.selectbox(key="start_scenario").value == "contract_7x24.toml"
    at.checkbox(key="start_quick").check().run()
    at.button(key="start_plan").click().run()
    no_trouble(at)
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"Agent FTE", "Headcount", "Cost a month (CNY)"}
    assert float(metrics["Agent FTE"]) > 0
    assert metrics["Cost a month (CNY)"].startswith("CNY ")
    head = at.dataframe[0].value
    assert list(head["Channel"]) == ["voice", "chat", "email", "social"]
    assert {"Target", "Predicted", "Simulated", "Met"} <= set(head.columns)
    assert "record" in at.session_state


def test_start_in_chinese(record):
    at = new_app("zh", record)
    at.run()
    no_trouble(at)
    labels = {m.label for m in at.metric}
    assert labels == {"坐席FTE", "人数", "月成本(元)"}
    assert any(m.value.startswith("¥") for m in at.metric)
    assert "渠道" in at.dataframe[0].value.columns


def test_start_names_a_scenario_with_an_unknown_key():
    at = new_app("en")
    at.run()
    at.radio(key="start_source").set_value("uploaded").run()
    at.file_uploader(key="start_scenario_file").set_value(
        ("bad.toml", b'version = 2\n[site]\nname = "x"\nbogus_key = 1\n', "application/toml")).run()
    assert not at.exception
    assert len(at.error) == 1 and "bad.toml" in at.error[0].value and "bogus_key" in at.error[0].value


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    (b"version = = 2", "TOML"),
])
def test_start_names_an_unreadable_scenario(content, words):
    at = new_app("en")
    at.run()
    at.radio(key="start_source").set_value("uploaded").run()
    at.file_uploader(key="start_scenario_file").set_value(("s.toml", content, "application/toml")).run()
    assert not at.exception
    assert len(at.error) == 1 and "s.toml" in at.error[0].value and words in at.error[0].value


def test_forecast_page_shows_the_band_and_the_backtest(record):
    at = new_app("en", record)
    open_page(at, "forecast")
    no_trouble(at)
    assert at.selectbox(key="forecast_channel").value == "chat"
    backtest = at.dataframe[0].value
    assert list(backtest.columns) == ["Channel", "Model chosen", "Backtest WAPE", "Backtest weeks", "Runner-up"]
    assert len(backtest) == 4
    assert len(at.get("vega_lite_chart")) == 1


def heatmap_total(at: AppTest) -> float:
    (metric,) = [m for m in at.metric if m.label == "Agents required"]
    return float(metric.value.replace(",", ""))


def test_staffing_whatif_redraws_the_heatmap(record):
    at = new_app("en", record)
    open_page(at, "staffing")
    no_trouble(at)
    at.selectbox(key="staffing_channel").set_value("voice").run()
    before = heatmap_total(at)
    at.slider(key="whatif_volume").set_value(50).run()
    no_trouble(at)
    after = heatmap_total(at)
    assert after > before
    at.slider(key="whatif_sl_voice").set_value(0.95).run()
    assert heatmap_total(at) > after
    at.selectbox(key="whatif_window").set_value("weekday").run()
    no_trouble(at)
    assert heatmap_total(at) < after  # open 45 h a week instead of 168
    assert "ms" in " ".join(c.value for c in at.caption)


def test_roster_page_gantt_coverage_and_resolve(record):
    at = new_app("zh", record)
    open_page(at, "roster")
    no_trouble(at)
    assert at.selectbox(key="roster_team").value == "voice"
    assert len(at.get("vega_lite_chart")) == 2
    grid = at.dataframe[0].value
    assert grid.columns[0] == "agent_id" and len(grid.columns) == 8  # agent + 7 days
    at.number_input(key="roster_days").set_value(4)
    at.number_input(key="roster_limit").set_value(5.0)
    at.button(key="roster_resolve").click().run()
    no_trouble(at)
    resolved = at.session_state["resolved"][record["key"]]["voice"]
    worked = resolved.schedule[resolved.schedule["activity"] == "work"].groupby("agent_id")["date"].nunique()
    assert worked.max() <= 4
