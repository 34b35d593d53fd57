"""The HTML pages a client or negotiator opens, rendered in headless Chromium (Debian's /usr/bin/chromium
through playwright): every chart draws something, and every Chinese character of the page is drawn from a
font that has it (not the missing-glyph box). A screenshot of each page is kept under ``artifacts/``
(``$PLANNER_ARTIFACTS`` overrides it) for people to look at.

In CI (``CI=true``) a missing Chromium is a failure, not a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ARTIFACTS

from planner.domain import Schedule

ROOT = Path(__file__).resolve().parents[1]

# each CJK character of the page drawn with its element's font, compared with a codepoint no font has
GLYPHS_JS = r"""
() => {
  const draw = (font, ch) => {
    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const g = c.getContext('2d'); g.font = font; g.fillStyle = '#000'; g.fillText(ch, 4, 36);
    return c.toDataURL();
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (['SCRIPT', 'STYLE'].includes(node.parentElement.tagName.toUpperCase())) continue;
    const style = getComputedStyle(node.parentElement);
    const font = `${style.fontWeight} 32px ${style.fontFamily}`;
    const tofu = draw(font, '\u{10FFFD}');
    const blank = draw(font, ' ');
    for (const ch of new Set(node.textContent.match(/[\u4e00-\u9fff]/g) || [])) {
      const img = draw(font, ch);
      out.push({ch, font, broken: img === tofu || img === blank});
    }
  }
  return out;
}
"""

# drawn pixels of every chart: a canvas, or an SVG (vega-embed's or one inlined by vl-convert)
CHARTS_JS = r"""
() => Array.from(document.querySelectorAll('canvas, svg')).filter(el => {
  const box = el.getBoundingClientRect();  // charts, not icons (vega-embed's menu button is an svg)
  return !el.parentElement.closest('svg') && box.width >= 100 && box.height >= 60;
}).map(el => {
  if (el.tagName.toLowerCase() === 'canvas') {
    const g = el.getContext('2d');
    const d = g.getImageData(0, 0, el.width, el.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
    return {kind: 'canvas', ink};
  }
  return {kind: 'svg', ink: el.querySelectorAll('path, line, circle, rect, text').length};
})
"""



def render(browser, html: Path, name: str) -> tuple[list[dict], list[dict]]:
    """Open ``html`` offline, wait for the charts, keep a screenshot; return glyph and chart checks."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("http*://**", lambda route: route.abort())  # self-contained: nothing may come from the web
    page.goto(html.resolve().as_uri())
    page.wait_for_selector("canvas, svg", timeout=120_000)
    page.wait_for_timeout(500)  # let vega finish drawing
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    glyphs, charts = page.evaluate(GLYPHS_JS), page.evaluate(CHARTS_JS)
    page.close()
    return glyphs, charts


def assert_rendered(glyphs: list[dict], charts: list[dict]) -> None:
    assert glyphs, "the page has no Chinese text"
    broken = [g for g in glyphs if g["broken"]]
    assert not broken, f"Chinese characters drawn as missing glyphs: {broken[:5]}"
    assert charts, "the page has no chart"
    assert all(c["ink"] > 20 for c in charts), f"an empty chart: {charts}"


def test_the_options_chart_renders_with_chinese_and_marks(browser, tmp_path):
    from planner.io.charts import write_options_chart

    rows = [
        {"option": name, "cost_month_cny": cost,
         "channels": {"voice": {"measure": "service_level", "period": "day", "target": target,
                                "worst_period_value": value, "met": value >= target}}}
        for name, cost, target, value in (("80/60", 1.65e6, 0.8, 0.89), ("90/20", 1.80e6, 0.9, 0.95))
    ]
    write_options_chart(rows, tmp_path / "o.png", tmp_path / "o.html")
    assert_rendered(*render(browser, tmp_path / "o.html", "options"))


def test_the_clients_check_page_renders_with_chinese_and_its_chart(browser, tmp_path):
    """A vendor roster with agents removed at the peak: the page a client forwards (not adequate, gaps, fix)."""
    from test_check import SCENARIO, _forecast

    from planner.check import check_roster
    from planner.io.check import check_html
    from planner.scenario import parse_scenario
    from planner.staffing import validate_forecast
    from planner.steps import roster_step, staff_step

    scen = parse_scenario(__import__("tomllib").loads(SCENARIO), source="s.toml")
    fc = validate_forecast(_forecast(), source="forecast", timezone=scen.timezone)
    req, _ = staff_step(scen, fc)
    (roster,), _ = roster_step(scen, req)
    sched = roster.schedule.frame
    cut = sched[~(sched["agent_id"].isin(sorted(sched["agent_id"].unique())[:3]) & (sched["date"] == "2026-03-17"))]
    result = check_roster(scen, Schedule(cut), _forecast())
    page = tmp_path / "check.html"
    page.write_text(check_html(result), encoding="utf-8")
    assert_rendered(*render(browser, page, "check"))


def test_the_service_report_renders_with_chinese_and_its_charts(browser, tmp_path):
    """The daily report a service manager sends (合同 2.6), in Chinese then English."""
    from test_reports import GOOD, SCENARIO_TOML

    from planner.cli import main

    (tmp_path / "s.toml").write_text(SCENARIO_TOML, encoding="utf-8")
    (tmp_path / "a.csv").write_text(GOOD, encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["report", str(tmp_path / "a.csv"), "--scenario", str(tmp_path / "s.toml"), "--period", "day",
              "--out", str(tmp_path / "report.html")])
    assert done.value.code == 0
    glyphs, charts = render(browser, tmp_path / "report.html", "report_day")
    assert_rendered(glyphs, charts)
    assert len(charts) >= 2  # volume, service level and ASA by day
