"""The Streamlit app, page by page, with streamlit's AppTest (no browser): widgets set by key, the values
shown asserted, and no exception. One quick plan (the shipped 7x24 scenario, quick preview: a small sample
at 60-min intervals, a short solve) is made once and put into each test's session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import needs

AppTest = needs("streamlit.testing.v1").AppTest

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
    assert {"Target", "Predicted", "Simulated", "Chance of meeting the month", "Verdict"} <= set(head.columns)
    teams = at.dataframe[1].value
    assert list(teams["Team"]) == ["voice", "written"]
    assert {"Idle paid hours", "Over 36 h overtime (agent-months)", "Solver gap"} <= set(teams.columns)
    assert "record" in at.session_state


@pytest.mark.slow
def test_start_plans_a_scenario_with_a_contract_term():
    at = new_app("en")
    at.run()
    at.selectbox(key="start_scenario").set_value("capacity_24m.toml").run()
    at.checkbox(key="start_quick").check().run()
    at.button(key="start_plan").click().run()
    no_trouble(at)
    assert at.session_state["record"]["plan"].capacity.months == 24
    assert any(c.value.startswith("Contract term of 24 months: CNY ") for c in at.caption)


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
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert len(spec["layer"]) == 3  # the history's last weeks, the band, the forecast
    assert "locale" not in spec.get("config", {})


def test_forecast_page_in_chinese_uses_the_chinese_date_locale(record):
    at = new_app("zh", record)
    open_page(at, "forecast")
    no_trouble(at)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["config"]["locale"]["time"]["shortMonths"][2] == "3月"


def test_an_uploaded_history_is_what_the_forecast_page_draws():
    """The Start page's history upload: the forecast is made from it and its last three weeks are drawn."""
    from planner.demo import SAMPLE_HORIZON_START, sample_history
    from planner.ui import engine

    data = engine.quick(engine.shipped_data(engine.DEFAULT_SCENARIO))
    scen = engine.scenario_of(data, "s.toml")
    hist = sample_history(scen, end=SAMPLE_HORIZON_START, weeks=3, interval_min=60, seed=7, volume_scale=0.05)
    hist = hist.assign(offered=hist["offered"] * 0 + 2)  # two contacts an hour everywhere: not the sample
    up = engine.Upload("mine.csv", hist.to_csv(index=False).encode("utf-8"))
    part = engine.forecast_cached(engine.to_json(data), "s.toml", up)
    assert part.history is None  # not the built-in sample
    assert set(part.recent["channel"]) == set(hist["channel"])
    assert (part.recent["offered"] == 2).all()


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
    now = at.session_state["record"]
    resolved = now["plan"].roster("voice")
    worked = resolved.schedule.frame.query("activity == 'work'").groupby("agent_id")["date"].nunique()
    assert worked.max() <= 4
    assert now["resolved"]["voice"]["days_per_week"] == 4
    # measured and priced again (planner.pipeline.with_rosters, tested in test_pipeline.py)
    assert now["plan"].cost is not record["plan"].cost
    assert any("每周 4 天" in i.value for i in at.info), [i.value for i in at.info]


def csv_bytes(df) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def test_check_page_checks_the_plans_own_roster(record):
    from planner.io.plan import tables

    at = new_app("en", record)
    open_page(at, "check")
    no_trouble(at)
    at.file_uploader(key="check_roster_file").set_value(
        ("vendor.csv", csv_bytes(tables(record["plan"])["schedule"]), "text/csv")).run()
    at.button(key="check_run").click().run()
    assert not at.exception
    verdicts = [x.value for x in at.success] + [x.value for x in at.error]
    assert verdicts and verdicts[0] in ("The roster is adequate", "The roster is not adequate")
    assert any(m.value.startswith("Labour rules:") for m in at.markdown)
    assert len(at.dataframe) >= 2


@pytest.mark.parametrize("name, content, words", [
    ("vendor.csv", b"", "empty"),
    ("vendor.csv", b"\x00\x01\x02\x03", "binary"),
    ("vendor.csv", b"who,when\nA,2026-03-16\n", "agent_id"),
])
def test_check_page_names_a_bad_roster(record, name, content, words):
    at = new_app("en", record)
    open_page(at, "check")
    at.file_uploader(key="check_roster_file").set_value((name, content, "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and name in at.error[0].value and words in at.error[0].value, at.error[0].value


def test_reports_page_on_the_sample_history(record):
    at = new_app("zh", record)
    open_page(at, "reports")
    no_trouble(at)
    at.file_uploader(key="reports_file").set_value(
        ("actuals.csv", csv_bytes(record["plan"].history), "text/csv")).run()
    no_trouble(at)
    assert len(at.dataframe) == 2
    at.radio(key="reports_period").set_value("week").run()
    no_trouble(at)
    assert "每周服务绩效报告" in [s.value for s in at.subheader]


def test_reports_page_names_wrong_columns(record):
    at = new_app("en", record)
    open_page(at, "reports")
    at.file_uploader(key="reports_file").set_value(("actuals.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and "actuals.csv" in at.error[0].value


@pytest.mark.slow
def test_options_page_runs_two_options(record):
    at = new_app("en", record)
    open_page(at, "options")
    no_trouble(at)
    at.button(key="options_run").click().run()
    no_trouble(at)
    options = at.dataframe[0].value
    assert sorted(options["option"]) == ["v80", "v90"]
    assert len(at.get("vega_lite_chart")) == 1


def test_options_page_loads_a_shipped_options_file(record):
    """scenarios/options/sla_voice.toml holds four voice targets: 80/60, 80/20, 90/20 and 95/20."""
    at = new_app("en", record)
    open_page(at, "options")
    at.selectbox(key="options_example").set_value("sla_voice.toml").run()
    no_trouble(at)
    lines = at.text_area(key="options_text").value.splitlines()
    assert [x.split(":")[0] for x in lines] == ["voice_80_60", "voice_80_20", "voice_90_20", "voice_95_20"]
    assert lines[2] == "voice_90_20:channels.voice.service_level=0.9, channels.voice.answer_s=20"


def test_options_page_plans_the_contract_term_with_its_what_ifs(record):
    """The term section (capacity and hiring by month): losing 8 % a month needs more hires than 2 %."""
    at = new_app("en", record)
    open_page(at, "options")
    no_trouble(at)
    hires = {}
    for attrition in (0.02, 0.08):
        at.slider(key="term_months").set_value(12)
        at.number_input(key="term_attrition").set_value(attrition)
        at.button(key="term_run").click().run()
        no_trouble(at)
        metrics = {m.label: m.value for m in at.metric}
        assert "Solver status · MIP gap: optimal · gap 0.00 %" in [c.value for c in at.caption]
        assert metrics["Term cost"].startswith("CNY ")
        hires[attrition] = int(metrics["Hires"].replace(",", ""))
        rows = at.dataframe[0].value
        assert len(rows) == 12 and {"Month", "Required FTE", "Hires", "Headcount (start)"} <= set(rows.columns)
    assert hires[0.08] > hires[0.02]
    assert len(at.get("vega_lite_chart")) == 1
    assert any("No month short" in m.value or "Months short" in m.value for m in at.markdown)


def test_a_training_class_in_chinese_says_the_engines_facts():
    from planner.ui.text import class_reason

    c = {"month": "2027-09", "hires": 18, "classes": 1, "on_floor": "2027-11", "need_month": "2027-11",
         "lead_time_months": 2, "why": "peak", "peaks": ["Double 11"], "required_fte": 92.5, "above_fte": 26.0,
         "early_months": 0, "early_why": "", "reason": "Class of 18 starts 2027-09: ..."}
    assert class_reason(c, "en") == c["reason"]
    assert class_reason(c, "zh") == ("2027-09 开班,招 18 人:培训 2 个月,2027-11 上岗,赶在Double 11高峰之前"
                                     "(2027-11 需求 92.5 FTE,比扣除离职后的人力多 26.0)。")
    full = {**c, "early_months": 1, "early_why": "full"}
    assert class_reason(full, "zh").endswith(";比培训期要求提前 1 个月开班,因为之后各月的班级已满。")


def test_options_page_names_a_bad_option(record):
    at = new_app("en", record)
    open_page(at, "options")
    at.text_area(key="options_text").set_value("v1:channels.voice.no_such_key=1").run()
    at.button(key="options_run").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "no_such_key" in at.error[0].value


def test_scenarios_save_asks_before_overwriting_and_compares(record, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_SAVE_DIR", str(tmp_path))
    at = new_app("en", record)
    open_page(at, "staffing")
    at.slider(key="whatif_sl_voice").set_value(0.9).run()
    at.switch_page("planner/ui/scripts/scenarios.py").run()
    no_trouble(at)
    at.text_input(key="scenarios_name").set_value("v90.toml").run()
    at.button(key="scenarios_save").click().run()
    no_trouble(at)
    saved = tmp_path / "v90.toml"
    assert "service_level = 0.9" in saved.read_text(encoding="utf-8")
    saved.write_text("# mine\n", encoding="utf-8")
    at.button(key="scenarios_save").click().run()
    assert any("exists" in w.value for w in at.warning)
    assert saved.read_text(encoding="utf-8") == "# mine\n"  # not yet
    at.button(key="scenarios_cancel").click().run()
    assert saved.read_text(encoding="utf-8") == "# mine\n"
    at.button(key="scenarios_save").click().run()
    at.button(key="scenarios_overwrite").click().run()
    no_trouble(at)
    assert "service_level = 0.9" in saved.read_text(encoding="utf-8")
    at.selectbox(key="scenarios_left").set_value("(current what-if)")
    at.selectbox(key="scenarios_right").set_value("contract_7x24.toml").run()
    no_trouble(at)
    diff = at.dataframe[0].value
    row = diff[diff["Key"] == "channels.voice.service_level"]
    assert list(row["A"]) == ["0.9"] and list(row["B"]) == ["0.8"]


def test_two_sessions_do_not_share_results(record):
    planned, fresh = new_app("en", record), new_app("en")
    open_page(planned, "roster")
    open_page(fresh, "roster")
    no_trouble(planned)
    assert len(planned.get("vega_lite_chart")) == 2
    assert [i.value for i in fresh.info] == ["Plan first on the Start page."]
    assert "record" not in fresh.session_state


def test_why_a_channel_misses_in_both_languages():
    from planner.ui.text import why_missed

    voice = {"why": ["share", "floor"], "share_met": 5 / 7, "min_share": 1.0, "below_floor": 2, "floor": 0.5}
    assert why_missed(voice, "en") == "71 % of periods met, 100 % required; 2 interval(s) below the floor of 50 %"
    assert why_missed(voice, "zh") == "达标周期占比 71% 低于要求的 100%;2 个时段低于最低服务水平 50%"
    assert why_missed({**voice, "why": []}, "en") == ""


def test_term_status_and_measures_in_words():
    from planner.ui.text import measure_name, mip_status

    assert mip_status("OPTIMAL", 0.0, "zh") == "最优 · 差距 0.00%"
    assert mip_status("FEASIBLE", 0.0123, "en") == "feasible (not proven optimal) · gap 1.23 %"
    assert measure_name("service_level", "day", "zh") == "服务水平 / 日"
    assert measure_name("first_reply_share", "week", "en") == "first replies on time / week"


def test_every_label_has_both_languages():
    from planner.ui.text import TEXT

    for key, (zh, en) in TEXT.items():
        assert zh and en, key
        assert zh.count("{") == en.count("{"), key


def staffing_metrics(at: AppTest) -> list[dict[str, float]]:
    """The Staffing page's head metrics: the channel's row, then all channels' (label -> value)."""
    keys = ("Agent-hours on the job", "Scheduled agent-hours (after shrinkage)", "Agent FTE", "Cost a month (CNY)")
    rows: list[dict[str, float]] = [{}, {}]
    for m in at.metric:
        if m.label in keys:
            row = rows[0] if m.label not in rows[0] else rows[1]
            row[m.label] = float(m.value.replace(",", ""))
    return rows


def test_staffing_shrinkage_moves_heads_fte_and_cost_not_agents_on_the_job(record):
    """Issue 22: the shrinkage lever moves what it drives (heads after shrinkage, FTE, cost), not the agents
    on the job; at the plan's own shrinkage the heads are ceil(required / (1 - s)) per interval, computed
    here from the plan's requirement."""
    import numpy as np

    plan = record["plan"]
    at = new_app("en", record)
    open_page(at, "staffing")
    at.selectbox(key="staffing_channel").set_value("voice").run()
    no_trouble(at)
    voice = plan.requirements.of("voice")["required"].to_numpy(dtype=float)
    step_h = plan.interval_min / 60
    base = staffing_metrics(at)
    s = plan.scenario.shrinkage
    assert base[0]["Agent-hours on the job"] == pytest.approx(voice.sum() * step_h, abs=0.5)
    assert base[0]["Scheduled agent-hours (after shrinkage)"] == pytest.approx(
        np.ceil(voice / (1 - s) - 1e-9).sum() * step_h, abs=0.5)
    low, high = [], []
    for share, out in ((0.0, low), (0.6, high)):
        at.slider(key="whatif_shrinkage").set_value(share).run()
        no_trouble(at)
        out.extend(staffing_metrics(at))
    for row in (0, 1):  # the channel, all channels
        assert low[row]["Agent-hours on the job"] == high[row]["Agent-hours on the job"]
        for key in ("Scheduled agent-hours (after shrinkage)", "Agent FTE", "Cost a month (CNY)"):
            assert high[row][key] > low[row][key] * 2.4, (row, key)  # 1 / 0.4 against 1 / 1.0, less rounding
    assert low[1]["Agent FTE"] > low[0]["Agent FTE"]
