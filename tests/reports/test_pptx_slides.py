"""The PowerPoint deck is legible when projected and draws the same in PowerPoint, WPS and LibreOffice: scatter axes
cross at their minimum, the heatmap shows few enough metrics for 12 pt text and says what it leaves out, every XY
series has points and comes longest first (LibreOffice drops a series that a later one outnumbers), and LibreOffice
renders every slide with its content — the quadrant's red "party building lags" markers included.

In CI (CI=true) a missing LibreOffice or poppler is a failure, never a skip: it means .ci/run lacks an install step.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.util import Pt

from analytics.reports.deck import Scope, build_deck, parse_deck
from analytics.reports.export import render
from analytics.reports.html import LAGGING_COLOURS
from analytics.reports.marking import ExportMark
from analytics.reports.pptx import XySeries, heatmap_subset, title_size, xy_order, xy_series
from analytics.services.demo import create_demo
from analytics.services.exports import load_source

MARK = ExportMark("测试员", pd.Timestamp("2026-11-28 09:30").to_pydatetime())
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
MIN_PT = 12
RENDER_DPI = 30
INK_BELOW = 200  # a pixel darker than this in every channel is drawn content
PLOT_TOP, PLOT_BOTTOM = 0.18, 0.78  # the quadrant's plot area as shares of the slide's height


@pytest.fixture(scope="module")
def demo_decks(tmp_path_factory) -> dict[str, object]:
    """The default deck of the demo group, in Chinese and in English."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    create_demo(db)
    source = load_source(db)
    return {lang: build_deck(source, parse_deck(""), Scope(), lang) for lang in ("zh", "en")}


def _pptx(deck) -> Presentation:
    return Presentation(io.BytesIO(render(deck, "pptx", MARK)))


def _slide(pptx, deck, kind: str):
    return next(p for s, p in zip(deck.slides, pptx.slides, strict=True) if s.kind == kind)


def _chart_xml(slide) -> etree._Element:
    (chart,) = [shape.chart for shape in slide.shapes if shape.has_chart]
    return chart._chartSpace


# ---------------------------------------------------------------- the XML


@pytest.mark.parametrize("kind", ["quadrant", "scatter"])
def test_scatter_axes_cross_at_their_minimum(demo_decks, kind):
    deck = demo_decks["zh"]
    space = _chart_xml(_slide(_pptx(deck), deck, kind))
    axes = space.findall(f".//{C}valAx")
    assert len(axes) == 2
    assert [axis.find(f"{C}crosses").get("val") for axis in axes] == ["min", "min"]
    assert [axis.find(f"{C}tickLblPos").get("val") for axis in axes] == ["low", "low"]


def test_every_quadrant_series_has_points_longest_first_and_all_units_are_drawn(demo_decks):
    deck = demo_decks["zh"]
    slide = next(s for s in deck.slides if s.kind == "quadrant")
    space = _chart_xml(_slide(_pptx(deck), deck, "quadrant"))
    counts = []
    for series in space.iter(f"{C}ser"):
        xs = series.find(f"{C}xVal").findall(f".//{C}pt")
        ys = series.find(f"{C}yVal").findall(f".//{C}pt")
        assert len(xs) == len(ys) > 0
        assert all(np.isfinite(float(p.findtext(f"{C}v"))) for p in xs + ys)
        counts.append(len(xs))
    frame = slide.payload.frame
    kinds = frame["lagging"].nunique()
    assert len(counts) == kinds + 1  # the kinds present and U1 = U2
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) - 2 == len(frame)  # the diagonal has two points
    colours = {e.get("val") for e in space.iter(f"{A}srgbClr")}
    assert LAGGING_COLOURS["party"].lstrip("#").upper() in colours


def test_xy_order_puts_the_longest_series_first_and_drops_empty_ones():
    six = XySeries("six", tuple((i, i) for i in range(6)), "#000000")
    eleven = XySeries("eleven", tuple((i, i) for i in range(11)), "#000000")
    line = XySeries("line", ((0, 0), (1, 1)), "#000000", is_line=True)
    empty = xy_series("empty", [float("nan")], [1.0], "#000000")
    assert empty.points == ()
    assert [s.name for s in xy_order([six, eleven, empty, line])] == ["eleven", "six", "line"]
    kept = xy_series("kept", [1.0, float("nan"), 3.0], [2.0, 5.0, None], "#000000", labels=("a", "b", "c"))
    assert (kept.points, kept.labels) == (((1.0, 2.0),), ("a",))


def test_heatmap_keeps_significant_metrics_first_then_the_largest_r():
    xs, ys = [f"p{i}" for i in range(12)], [f"b{j}" for j in range(12)]
    cells = pd.DataFrame([(x, y) for x in xs for y in ys], columns=["x", "y"])
    cells["r"], cells["q"], cells["insufficient"] = 0.01, 0.9, False
    strong = {("p11", "b11"): (0.03, 0.01), ("p3", "b5"): (0.6, 0.2), ("p7", "b0"): (0.5, 0.3)}
    for (x, y), (r, q) in strong.items():
        cells.loc[(cells["x"] == x) & (cells["y"] == y), ["r", "q"]] = r, q
    cells.loc[cells["x"] == "p0", "insufficient"] = True
    cells.loc[cells["x"] == "p0", "r"] = 0.99  # too little data: never chosen for its r
    rows, cols = heatmap_subset(cells, max_rows=3, max_cols=2)
    assert rows == ["p3", "p7", "p11"]
    assert cols == ["b5", "b11"]
    assert heatmap_subset(cells.head(6), 3, 8) == (["p0"], ["b0", "b1", "b2", "b3", "b4", "b5"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_heatmap_slide_is_at_most_eight_by_eight_in_12_pt_and_says_what_is_left_out(demo_decks, lang):
    deck = demo_decks[lang]
    page = _slide(_pptx(deck), deck, "heatmap")
    (table,) = [shape.table for shape in page.shapes if shape.has_table]
    assert (len(table.rows), len(table.columns)) == (9, 9)
    sizes = [run.font.size for row in table.rows for cell in row.cells for p in cell.text_frame.paragraphs
             for run in p.runs]  # fmt: skip
    assert sizes and min(sizes) >= Pt(MIN_PT)
    texts = " ".join(shape.text_frame.text for shape in page.shapes if shape.has_text_frame)
    assert ("8 × 8" in texts and "20 × 16" in texts) if lang == "zh" else "Showing 8 × 8 of 20 × 16" in texts
    assert "-0.00" not in " ".join(cell.text for row in table.rows for cell in row.cells)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_on_any_slide_is_smaller_than_12_pt_except_the_footer(demo_decks, lang):
    deck = demo_decks[lang]
    pptx = _pptx(deck)
    for page in pptx.slides:
        footer = max(page.shapes, key=lambda shape: shape.top).shape_id  # the mark, filters and data version
        for shape in page.shapes:
            frames = [shape.text_frame] if shape.has_text_frame and shape.shape_id != footer else []
            frames += [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table else []
            sizes = [run.font.size for f in frames for p in f.paragraphs for run in p.runs if run.font.size]
            assert all(size >= Pt(MIN_PT) for size in sizes), (page.slide_id, shape.name)
        for shape in page.shapes:
            if shape.has_chart:
                size = shape.chart._chartSpace.find(f"{C}txPr//{A}defRPr").get("sz")
                assert int(size) >= MIN_PT * 100


def test_a_long_title_steps_down_to_stay_on_one_line():
    assert title_size("融合度排名") == 28
    assert title_size("Party member vanguard posts vs Product quality pass rate") == 24
    assert title_size("Lag profile: Party member vanguard posts and Product quality pass rate") == 18


# ---------------------------------------------------------------- LibreOffice


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install --no-install-recommends {package})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _pages(pptx_bytes: bytes, folder: Path) -> list[Image.Image]:
    """The deck rendered by LibreOffice Impress to PDF, then each PDF page to a small PNG by poppler."""
    soffice, pdftoppm = _tool("soffice", "libreoffice-impress"), _tool("pdftoppm", "poppler-utils")
    deck = folder / "deck.pptx"
    deck.write_bytes(pptx_bytes)
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
    subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(deck)],
                   capture_output=True, timeout=300, check=True)  # fmt: skip
    subprocess.run([pdftoppm, "-png", "-r", str(RENDER_DPI), str(folder / "deck.pdf"), str(folder / "page")],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob("page-*.png"))]


def _ink(image: Image.Image) -> float:
    """The share of the slide's body (below the title, above the footer) that is drawn."""
    width, height = image.size
    body = np.asarray(image.crop((0, int(height * 0.2), width, int(height * 0.9))))
    return float((body.max(axis=2) < INK_BELOW).mean() + (np.ptp(body, axis=2) > 60).mean())


def _has_colour(image: Image.Image, hex_colour: str, tolerance: int = 40) -> bool:
    """Whether the plot area (above the legend, whose key has every series' colour) has pixels of ``hex_colour``."""
    target = np.array([int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)])
    width, height = image.size
    plot = image.crop((0, int(height * PLOT_TOP), width, int(height * PLOT_BOTTOM)))
    pixels = np.asarray(plot).reshape(-1, 3).astype(int)
    return bool((np.abs(pixels - target).max(axis=1) < tolerance).sum() >= 5)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_draws_every_slide_and_every_quadrant_series(demo_decks, lang, tmp_path):
    deck = demo_decks[lang]
    pages = _pages(render(deck, "pptx", MARK), tmp_path)
    assert len(pages) == len(deck.slides)
    for slide, page in zip(deck.slides, pages, strict=True):
        assert _ink(page) > 0.01, f"slide {slide.kind} has nothing drawn in its body"
    quadrant = pages[[s.kind for s in deck.slides].index("quadrant")]
    kinds = set(next(s for s in deck.slides if s.kind == "quadrant").payload.frame["lagging"])
    for kind in kinds:
        assert _has_colour(quadrant, LAGGING_COLOURS[kind]), f"the {kind} series is not drawn"
