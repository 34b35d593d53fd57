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
