"""End to end in headless Chromium: the exported HTML draws every chart with networking off, and the presentation
page reopens the slide a link names and steps through the deck."""

from __future__ import annotations

from pathlib import Path

from analytics.reports.deck import build_deck, parse_deck
from analytics.reports.export import render
from analytics.services.exports import load_source
from tests.fixtures import FULL_DECK, MARK

SHOTS = Path(__file__).resolve().parents[2] / "benchmarks" / "out" / "screens"


def test_exported_html_draws_every_chart_offline(browser, filled, tmp_path):
    deck = build_deck(load_source(filled), parse_deck(FULL_DECK))
    report = tmp_path / "report.html"
    report.write_bytes(render(deck, "html", MARK))
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 900}, locale="zh-CN")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    charts = page.locator(".plotly-graph-div")
    charts.first.wait_for()
    assert charts.count() == 7  # every slide but the findings
    page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 7")
    for i in range(charts.count()):
        assert charts.nth(i).locator(".main-svg").count() >= 1, f"chart {i + 1} did not draw"
    assert page.locator("text=融合度排名").count() >= 1
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report_html.png"), full_page=True)
    context.close()


def test_present_page_reopens_the_linked_slide_and_steps(filled, server, page):
    page.goto(f"{server.url}/present?deck={FULL_DECK}&slide=3")
    page.get_by_role("heading", name="党建与经营双维度分布").wait_for()
    page.get_by_text("3 / 8", exact=True).wait_for()
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "present_slide3.png"), full_page=True)
    page.get_by_role("button", name="下一页").click()
    page.get_by_role("heading", name="党建与生产经营指标相关矩阵").wait_for()
    page.get_by_text("4 / 8", exact=True).wait_for()
    page.wait_for_url("**slide=4**")
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.screenshot(path=str(SHOTS / "present_slide4.png"), full_page=True)
    page.get_by_role("button", name="上一页").click()
    page.get_by_text("3 / 8", exact=True).wait_for()
    page.get_by_role("heading", name="党建与经营双维度分布").wait_for()
    page.get_by_role("button").filter(has_text="复制链接").click()  # the link is in a popover
    link = page.locator("code").filter(has_text="slide=3").first  # elements of the last run linger a moment
    link.wait_for()
    assert "/present?" in link.inner_text() and link.inner_text().endswith("v=1.0")  # batch 1, no revert yet


def test_present_page_findings_and_kpis_read_large(filled, server, page):
    page.goto(f"{server.url}/present?deck=kpis,findings&slide=1")
    page.get_by_role("heading", name="核心指标").wait_for()
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "present_kpis.png"), full_page=True)
    page.get_by_role("button", name="下一页").click()
    page.get_by_role("heading", name="主要发现").wait_for()
    page.get_by_text("相关不等于因果").first.wait_for()
    page.screenshot(path=str(SHOTS / "present_findings.png"), full_page=True)


def test_a_download_from_the_presentation_page_is_in_the_audit_log(filled, server, page):
    """Issue 12 #5: an export made in the app is logged (who, which file, which view), once per download."""
    from analytics.store.audit import EXPORT
    from analytics.store.connection import connect

    page.goto(f"{server.url}/present?deck=kpis,findings&slide=1")
    page.get_by_role("heading", name="核心指标").wait_for()
    page.get_by_text("导出（离线可用）").first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name="HTML").first.click()
    assert download.value.suggested_filename.endswith(".html")
    page.wait_for_timeout(500)
    with connect(filled, read_only=True) as con:
        rows = con.execute("SELECT details FROM audit_log WHERE action = ?", [EXPORT]).fetchall()
    assert len(rows) == 1
    details = rows[0][0]
    assert '"via": "app"' in details and '"page": "present"' in details and download.value.suggested_filename in details


def test_a_catalog_download_on_the_data_page_is_in_the_audit_log(filled, server, page):
    from analytics.store.audit import EXPORT
    from analytics.store.connection import connect

    page.goto(f"{server.url}/data")
    page.get_by_role("tab", name="指标目录").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").first.click()
    assert download.value.suggested_filename == "metrics.csv"
    page.wait_for_timeout(500)
    with connect(filled, read_only=True) as con:
        rows = con.execute("SELECT details FROM audit_log WHERE action = ?", [EXPORT]).fetchall()
    assert [('"file": "metrics.csv"' in d and '"page": "data"' in d) for (d,) in rows] == [True]
