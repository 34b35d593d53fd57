"""The app in a real browser: ``streamlit run app.py`` on loopback, driven through Debian's Chromium by
playwright. It plans (quick preview), keeps the Start page's choices across a language switch, walks every
page in both languages (every Chinese character drawn with a glyph, every chart drawn), moves a what-if
control and sees the heatmap change, uploads a malformed scenario and sees the message, plans the contract
term before and after a language switch, has two users plan different scenarios at once, and keeps a
screenshot of every page under ``artifacts/app/`` (``$PLANNER_ARTIFACTS`` overrides the folder). Slow:
about a minute.

In CI (``CI=true``) a missing Chromium is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTIFACTS as SHARED_ARTIFACTS
from conftest import needs
from test_html_render import CHARTS_JS, GLYPHS_JS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = SHARED_ARTIFACTS / "app"
START_LIMIT_S = 300
CHART_PAGES = ("forecast", "staffing", "roster")
PAGES = ("start", "forecast", "staffing", "roster", "check", "options", "reports", "scenarios")
TITLES = {
    "en": ("Start", "Forecast", "Staffing", "Roster", "Check (client)", "SLA options", "Reports", "Scenarios"),
    "zh": ("开始", "预测", "人员需求", "排班", "排班审核(甲方)", "服务标准方案", "服务报告", "情景"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    needs("streamlit")
    port = free_port()
    env = {**os.environ, "PLANNER_SAVE_DIR": str(tmp_path_factory.mktemp("saved"))}
    log = (tmp_path_factory.mktemp("streamlit") / "server.log").open("w")  # read by people when it fails
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_LIMIT_S  # generous: a busy machine starts slowly, never a verdict
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start (see {log.name})")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()



def settle(page, timeout_ms: int = 120_000) -> None:
    """Wait until streamlit has finished running the script (no 'Running...' status widget)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_timeout(300)


def go(page, title: str) -> None:
    """Open a page from the sidebar and wait for its address, then for the script to finish (conditions,
    not sleeps: a busy machine only waits longer)."""
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=title).first
    href = link.get_attribute("href")
    if href and page.url.rstrip("/") == href.rstrip("/"):
        return
    link.click()
    if href:
        page.wait_for_url(href.rstrip("/") + "*", timeout=120_000)
    settle(page)


def changed(locator, before: bytes, limit_s: float = 120.0) -> bool:
    """Whether the element's picture differs from ``before`` within a generous limit (polled)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if locator.screenshot() != before:
            return True
        locator.page.wait_for_timeout(250)
    return False


def no_traceback(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.inner_text("body")


def test_walk_every_page_in_both_languages(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    page.locator('[data-testid="stSidebar"] label', has_text="English").click()
    settle(page)
    assert page.locator("h1", has_text="Contact-centre workforce planner").count() == 1

    # a malformed scenario upload: a readable message, no traceback
    page.locator("label", has_text="an uploaded file").first.click()
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[{"name": "bad.toml", "mimeType": "application/toml", "buffer": b"[site]\nbogus_key = 1\n"}])
    page.wait_for_selector("text=Input problem", timeout=30_000)
    assert "bogus_key" in page.inner_text('[data-testid="stAlert"]')
    no_traceback(page)
    page.screenshot(path=str(ARTIFACTS / "start-bad-upload-en.png"), full_page=True)
    page.locator("label", has_text="a shipped scenario").first.click()
    settle(page)

    # plan (quick preview)
    page.locator("label", has_text="Quick preview").click()
    settle(page)
    page.locator("button", has_text="Plan").first.click()
    page.wait_for_selector("text=Headline", timeout=180_000)
    settle(page)
    no_traceback(page)

    # switching the language on the Start page keeps the radios' choices (their labels change)
    for name in ("中文", "English"):
        page.locator('[data-testid="stSidebar"] label', has_text=name).click()
        settle(page)
        checked = page.locator('[data-testid="stMain"] [data-testid="stRadio"] input:checked').count()
        assert checked == 2, f"after switching to {name}: {checked} of the 2 radios show a choice"
        no_traceback(page)

    for lang in ("en", "zh"):
        if lang == "zh":
            page.locator('[data-testid="stSidebar"] label', has_text="中文").click()
            settle(page)
        for name, title in zip(PAGES, TITLES[lang], strict=True):
            go(page, title)
            no_traceback(page)
            assert page.locator('[data-testid="stAlert"]', has_text="Internal error").count() == 0
            assert page.locator('[data-testid="stAlert"]', has_text="内部错误").count() == 0
            page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
            if lang == "zh":  # every Chinese character drawn with a real glyph (fonts-noto-cjk), not tofu
                glyphs = page.evaluate(GLYPHS_JS)
                assert glyphs, f"{name}: no Chinese text"
                broken = [g for g in glyphs if g["broken"]]
                assert not broken, f"{name}: Chinese drawn as missing glyphs: {broken[:5]}"
            if name in CHART_PAGES:  # the page's charts drew something
                page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
                drawn = page.evaluate(CHARTS_JS)
                assert drawn and all(c["ink"] > 20 for c in drawn), f"{name}-{lang}: an empty chart: {drawn}"
        if lang == "zh":
            go(page, "人员需求")
            assert page.locator("text=需求人数").count() >= 1

    # a what-if control redraws the heatmap
    go(page, "人员需求")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=30_000)
    before = chart.screenshot()
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    settle(page)
    assert changed(page.locator('[data-testid="stVegaLiteChart"]').first, before)
    page.screenshot(path=str(ARTIFACTS / "staffing-whatif-zh.png"), full_page=True)
    no_traceback(page)

    # the contract term on the options page, planned in one language and again after a switch
    go(page, "服务标准方案")
    page.locator("button", has_text="计算合同期规划").click()
    page.wait_for_selector("text=合同期总成本", timeout=120_000)
    settle(page)
    page.locator('[data-testid="stSidebar"] label', has_text="English").click()
    settle(page)
    page.locator("button", has_text="Plan the term").click()
    page.wait_for_selector("text=Term cost", timeout=120_000)
    settle(page)
    no_traceback(page)
    assert page.locator('[data-testid="stAlert"]', has_text="Internal error").count() == 0
    page.screenshot(path=str(ARTIFACTS / "options-term-en.png"), full_page=True)
    page.close()


def plan_in(page, server: str, scenario: str) -> None:
    """Open the app in English, pick a shipped scenario, tick the quick preview and press Plan."""
    page.goto(server)
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    page.locator('[data-testid="stSidebar"] label', has_text="English").click()
    settle(page)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=scenario).click()
    settle(page)
    page.locator("label", has_text="Quick preview").click()
    settle(page)
    page.locator("button", has_text="Plan").first.click()


def test_two_browsers_planning_different_scenarios_at_once_see_only_their_own(server, browser):
    """Two browser contexts (two users, separate cookies) plan the 7x24 contract (voice, chat, email,
    social) and the custom contract (voice, email) at the same time; each headline lists its own channels."""
    one, two = (browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(2))
    plan_in(one, server, "contract_7x24.toml")
    plan_in(two, server, "contract_custom.toml")  # while the first is still planning
    for page in (one, two):
        page.wait_for_selector("text=Headline", timeout=300_000)
        settle(page)
        no_traceback(page)

    # the glide data grid draws on a canvas; its accessible table holds the cell text
    one_table = one.locator('[data-testid="stDataFrame"] table').first.inner_text()
    two_table = two.locator('[data-testid="stDataFrame"] table').first.inner_text()
    assert all(c in one_table for c in ("voice", "chat", "email", "social")), one_table
    assert "voice" in two_table and "email" in two_table, two_table
    assert "chat" not in two_table and "social" not in two_table, two_table
    one.screenshot(path=str(ARTIFACTS / "two-users-7x24.png"), full_page=True)
    two.screenshot(path=str(ARTIFACTS / "two-users-custom.png"), full_page=True)
    for page in (one, two):
        page.context.close()
