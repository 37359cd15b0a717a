"""The demo group is marked as such wherever it is shown: on every page (also in presentation mode, where the sidebar
is hidden) and on every slide and sheet of every export."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from analytics.reports.deck import build_deck, parse_deck
from analytics.reports.export import render
from analytics.services.demo import create_demo
from analytics.services.exports import load_source
from analytics.services.imports import Upload, run_import
from tests.fixtures import MARK, WIDE, xlsx

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE_MARK = {
    "zh": "当前为演示数据（合成数据，含有意设置的效应），不代表任何真实单位。",
    "en": "You are viewing DEMO data (synthetic, with planted effects); it describes no real unit.",
}
EXPORT_MARK = {"zh": "演示数据（合成数据，不代表任何真实单位）", "en": "DEMO data (synthetic, describes no real unit)"}
DECK = "kpis,ranking,heatmap"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    create_demo(path, months=24)
    return path


def page_marks(at: AppTest, lang: str) -> int:
    return sum(PAGE_MARK[lang] in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["overview", "present", "completeness", "unit"])
def test_every_page_of_the_demo_carries_the_mark(demo_db, tmp_path, monkeypatch, page, lang):
    monkeypatch.setenv("ANALYTICS_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at._page_hash = calc_hash(page)  # opened by its address (AppTest's switch_page re-reads labels in Chinese)
    at.run()
    assert not at.exception, at.exception
    assert page_marks(at, lang) == 1  # before the fix: only in the sidebar, which presentation mode hides
    assert not any(PAGE_MARK[lang] in i.value for i in at.sidebar.info)


def test_real_data_carries_no_demo_mark(db, tmp_path, monkeypatch):
    run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and page_marks(at, "zh") == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_and_sheet_of_a_demo_export_carries_the_mark(demo_db, lang):
    deck = build_deck(load_source(demo_db), parse_deck(DECK), lang=lang)
    mark = EXPORT_MARK[lang]
    page = render(deck, "html", MARK).decode("utf-8")
    assert page.count(mark) == len(deck.slides) + 2  # the banner, each slide's head, the footer
    slides = Presentation(io.BytesIO(render(deck, "pptx", MARK))).slides
    for slide in slides:
        text = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert sum(mark in t for t in text) == 1, text
    book = openpyxl.load_workbook(io.BytesIO(render(deck, "xlsx", MARK)))
    for sheet in book.worksheets:
        assert sum(mark in str(c.value) for row in sheet.iter_rows(max_row=4) for c in row) == 1, sheet.title


def test_an_export_of_real_data_carries_no_demo_mark(db):
    run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    deck = build_deck(load_source(db), parse_deck("kpis"), lang="zh")
    assert EXPORT_MARK["zh"] not in render(deck, "html", MARK).decode("utf-8")


def test_a_demo_file_opened_as_the_data_carries_the_mark(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(demo_db))  # e.g. ANALYTICS_DB=data/demo.duckdb
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and page_marks(at, "zh") == 1
