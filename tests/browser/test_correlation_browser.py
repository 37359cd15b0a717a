"""End to end in headless Chromium: the correlation heatmap renders, a click on a cell opens its pair, English works."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import fill_correlation

SHOTS = Path(__file__).resolve().parents[2] / "benchmarks" / "out" / "screens"
TALL = {"width": 1400, "height": 3400}  # the page scrolls inside Streamlit's container: shoot it all at once
CLICKED = ("volunteer_hours", "revenue")  # not the pair shown by default (the best finding)


@pytest.fixture
def db(db):
    """The shared registry, filled with the page tests' synthetic values before the server starts."""
    fill_correlation(db)
    return db


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1500)  # let plotly re-layout to the new size
    page.screenshot(path=str(SHOTS / f"correlation_{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})


def click_cell(page, x: str, y: str) -> None:
    """Click the heatmap square of the pair (x, y), found by its customdata in plotly's own trace data."""
    index = page.evaluate(
        """([x, y]) => {
            const data = document.querySelector('.js-plotly-plot')._fullData[0].customdata;
            return data.findIndex(d => d[0] === x && d[1] === y);
        }""",
        [x, y],
    )
    assert index >= 0
    point = page.locator(".js-plotly-plot").first.locator("g.trace.scatter").first.locator("path.point").nth(index)
    point.scroll_into_view_if_needed()  # a mouse click outside the viewport goes nowhere
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def open_through_the_entry_point(page, url: str) -> None:
    """Load the app's root first, then the page.

    Streamlit runs a new server's first session in multipage-v1 mode (pages/ directory, app.py skipped) until
    some session has called st.navigation; the root URL does that. See the report on pages/ vs st.navigation.
    """
    page.goto(url)
    page.locator("[data-testid=stSidebar]").get_by_text("语言 / Language").wait_for()
    page.goto(f"{url}/correlation")
    page.locator("[data-testid=stSidebar]").get_by_text("语言 / Language").wait_for()


def test_heatmap_renders_a_click_opens_the_pair_and_english_works(server, page):
    open_through_the_entry_point(page, server.url)
    heatmap = page.locator(".js-plotly-plot").first
    heatmap.wait_for(state="visible")
    page.get_by_text("党建指标 × 生产经营指标相关系数（扣除单位与月份效应，各单位同等权重").first.wait_for()
    page.get_by_text("主要发现").first.wait_for()
    page.get_by_text("谈心谈话次数与两个月后的利润总额同向变化（正相关）").first.wait_for()
    assert page.locator(".js-plotly-plot").count() == 1  # the grid's tab: the pair's charts are not drawn
    shoot(page, "zh")

    click_cell(page, *CLICKED)  # opens the pair's tab
    page.get_by_text("志愿服务时长 与 营业收入").first.wait_for()
    page.get_by_text("滞后相关：志愿服务时长 与 营业收入").first.wait_for()
    assert page.get_by_role("tab", name="指标对详情").get_attribute("aria-selected") == "true"
    assert "corr_pair=" in page.url  # the chosen pair is in the link
    shoot(page, "pair_zh")

    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="English").click()
    page.get_by_role("tab", name="Pair detail").wait_for()  # the open tab stays open in the other language
    page.get_by_text("Key findings").first.wait_for()
    assert page.get_by_role("tab", name="Pair detail").get_attribute("aria-selected") == "true"
    page.get_by_role("tab", name="Correlation grid").click()
    page.get_by_text("Party-building × operations correlations (Unit and month effects removed").first.wait_for()
    page.get_by_text("Production and efficiency metrics").first.wait_for()
    shoot(page, "en")
