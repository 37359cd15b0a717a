"""End to end in headless Chromium: the leadership overview with KPI cards, the D trend and the ranking chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import fill_group

SHOTS = Path(__file__).resolve().parents[2] / "benchmarks" / "out" / "screens"
TALL = {"width": 1400, "height": 3000}  # the page scrolls inside Streamlit's container: shoot it all at once


@pytest.fixture
def db(db):
    """The shared registry with 14 months of the page tests' values, filled before the server starts."""
    fill_group(db)
    return db


def open_overview(page, url: str, lang: str) -> None:
    """The overview is the landing page once data exists, so it lives at the root URL (a default page has no
    path of its own in st.navigation)."""
    page.goto(f"{url}/?lang={lang}")
    page.locator("[data-testid=stSidebar]").get_by_text("语言 / Language").wait_for()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1500)  # let plotly re-layout to the new size
    page.screenshot(path=str(SHOTS / f"overview_{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})


@pytest.mark.parametrize(
    ("lang", "heading", "card", "ranking"),
    [
        ("zh", "集团总览", "营业收入（万元）", "各单位融合度 D：红榜与黑榜"),
        ("en", "Group overview", "Operating revenue (10k yuan)", "Integration index D by unit"),
    ],
)
def test_overview_shows_cards_trend_and_ranking(server, page, lang, heading, card, ranking):
    open_overview(page, server.url, lang)
    page.get_by_role("heading", name=heading).wait_for()
    page.get_by_text(card).first.wait_for()
    page.get_by_text(ranking).first.wait_for()
    page.locator(".js-plotly-plot").nth(1).wait_for()
    assert page.locator('[data-testid="stMetric"]').count() == 7
    assert page.locator(".js-plotly-plot").count() == 2
    shoot(page, lang)
