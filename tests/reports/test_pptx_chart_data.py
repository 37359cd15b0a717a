"""Native PowerPoint charts keep names as text: no formula or hyperlink in their embedded workbooks (issue 12 #6)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData as PlainCategoryData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from analytics.reports.pptx_chart_data import CategoryChartData, XyChartData

HOSTILE = ["=1+2", '=HYPERLINK("http://example.invalid","x")', "@SUM(A1)", "+1-2", "http://example.invalid"]


def deck_with(category_data, xy_data) -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for kind, data in ((XL_CHART_TYPE.COLUMN_CLUSTERED, category_data), (XL_CHART_TYPE.XY_SCATTER, xy_data)):
        if data is not None:
            slide.shapes.add_chart(kind, Inches(1), Inches(1), Inches(4), Inches(3), data)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def embedded_cells(blob: bytes) -> list:
    """Every cell of every workbook embedded in the deck (openpyxl, formulas not evaluated)."""
    cells = []
    with zipfile.ZipFile(io.BytesIO(blob)) as deck:
        for name in deck.namelist():
            if name.startswith("ppt/embeddings/") and name.endswith(".xlsx"):
                book = openpyxl.load_workbook(io.BytesIO(deck.read(name)))
                cells += [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    return cells


def hostile_category(cls):
    data = cls()
    data.categories = HOSTILE
    for name in HOSTILE:
        data.add_series(name, [1.0] * len(HOSTILE))
    return data


def hostile_xy():
    data = XyChartData()
    for name in HOSTILE:
        data.add_series(name).add_data_point(1.0, 2.0)
    return data


def test_names_stay_text_in_the_embedded_workbooks() -> None:
    cells = embedded_cells(deck_with(hostile_category(CategoryChartData), hostile_xy()))
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert set(HOSTILE) <= texts
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [c.coordinate for c in cells if c.hyperlink is not None] == []


def test_the_plain_library_would_have_written_formulas() -> None:
    """The reason for the subclasses: python-pptx's own chart data turns '=…' names into formulas."""
    cells = embedded_cells(deck_with(hostile_category(PlainCategoryData), None))
    assert any(c.data_type == "f" for c in cells)


@pytest.mark.parametrize("cls", [CategoryChartData, XyChartData])
def test_the_report_uses_the_text_only_chart_data(cls) -> None:
    from analytics.reports import pptx as report_pptx

    assert getattr(report_pptx, cls.__name__) is cls
