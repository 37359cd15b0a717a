"""The meeting deck and its exports: deck strings, native PowerPoint charts holding the data, Excel without formula
injection, a self-contained HTML file, the ``export`` command's exit codes, PDF and a LibreOffice rendering."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import plotly.offline
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analytics.reports.deck import DeckError, Scope, SlideSpec, build_deck, deck_text, parse_deck, thin
from analytics.reports.export import render
from analytics.reports.xlsx import is_formula_like
from analytics.services.exports import load_source
from tests.fixtures import FULL_DECK, HOSTILE, MARK, cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def deck(filled: Path):
    return build_deck(load_source(filled), parse_deck(FULL_DECK), Scope(), "zh")


def test_deck_string_round_trips_and_rejects_unknown_slides():
    text = "kpis,ranking,scatter:vanguard_posts~quality_pass_rate@2,lag:a~b,unit:B12"
    specs = parse_deck(text)
    assert specs[2] == SlideSpec("scatter", "vanguard_posts", "quality_pass_rate", 2)
    assert specs[4] == SlideSpec("unit", unit="B12")
    assert deck_text(specs) == text
    assert [s.kind for s in parse_deck("")] == [s.kind for s in parse_deck(None)] == [
        "kpis", "ranking", "quadrant", "heatmap", "findings", "scatter", "lag", "unit",
    ]  # fmt: skip
    for bad in ("pie", "scatter:onlyx", "ranking:x~y", "scatter:x~y@two"):
        with pytest.raises(DeckError):
            parse_deck(bad)


def test_defaults_resolve_to_the_strongest_finding_and_the_top_unit(filled):
    built = build_deck(load_source(filled), parse_deck("scatter,lag,unit"))
    scatter, lag, unit = (s.spec for s in built.slides)
    assert (scatter.x, scatter.y) == (lag.x, lag.y) == ("heart_talks", "revenue")
    top = build_deck(load_source(filled), parse_deck("ranking")).slides[0].payload.frame.iloc[0]["unit"]
    assert unit.unit == top
    assert built.text.startswith("scatter:heart_talks~revenue")


def test_unknown_unit_or_metric_in_a_deck_is_an_error(filled):
    source = load_source(filled)
    with pytest.raises(DeckError):
        build_deck(source, parse_deck("unit:NOPE"))
    with pytest.raises(DeckError):
        build_deck(source, parse_deck("scatter:nope~revenue"))


def test_thin_keeps_at_most_the_limit_in_order():
    frame = pd.DataFrame({"x": np.arange(10_000)})
    shown = thin(frame, 3000)
    assert len(shown) == 3000 and shown["x"].is_monotonic_increasing
    assert thin(frame.head(10), 3000).equals(frame.head(10))


def test_kpis_are_the_overviews_cards_with_changes_in_points(deck):
    kpis = deck.slides[0].payload.kpis.set_index("metric")
    assert list(kpis.index) == ["D", "revenue", "total_profit", "three_meetings_rate", "vanguard_posts",
                                "quality_pass_rate"]  # fmt: skip
    assert kpis.loc["revenue", "n"] == 12  # the twelve branches; their parents report nothing themselves
    assert kpis.loc["three_meetings_rate", "change"] == "points"
    assert kpis.loc["revenue", "change"] == "relative"
    assert kpis.loc["D", "change"] == "index"
    trend = deck.slides[0].payload.trend
    assert kpis.loc["D", "value"] == pytest.approx(trend["D"].iloc[-1])
    assert np.isnan(kpis.loc["revenue", "yoy"])  # twelve months of data: no year-earlier month


def test_units_of_the_same_name_carry_their_code_on_every_slide(deck):
    ranking, quadrant = deck.slides[1].payload.frame, deck.slides[2].payload.frame
    for frame in (ranking, quadrant):
        named = dict(zip(frame["unit"], frame["name"], strict=True))
        assert (named["B11"], named["B21"]) == ("检修分公司（B11）", "检修分公司（B21）")  # two 检修分公司
        assert named["B12"] == "一电厂"  # a unique name stays as it is


def test_a_count_kpi_changes_by_its_difference(deck):
    kpis = deck.slides[0].payload.kpis.set_index("metric")
    assert kpis.loc["vanguard_posts", "change"] == "difference"
    assert kpis.loc["vanguard_posts", "better"] == 1


def _charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_pptx_has_native_charts_whose_values_are_the_data(deck):
    pptx = Presentation(io.BytesIO(render(deck, "pptx", MARK)))
    slides = list(pptx.slides)
    assert len(slides) == len(deck.slides)
    assert all(shape.shape_type != MSO_SHAPE_TYPE.PICTURE for s in slides for shape in s.shapes)
    kinds = {s.kind: (s, p) for s, p in zip(deck.slides, slides, strict=True)}

    kpi_slide, kpi_page = kinds["kpis"]
    (trend,) = _charts(kpi_page)
    assert trend.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert list(trend.plots[0].series[0].values) == pytest.approx(kpi_slide.payload.trend["D"].tolist())

    ranking, page = kinds["ranking"]
    (bars,) = _charts(page)
    assert bars.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(bars.plots[0].series[0].values) == pytest.approx(ranking.payload.frame["D"].tolist())
    assert next(iter(bars.plots[0].categories)).endswith(ranking.payload.frame.iloc[0]["name"])

    quadrant, page = kinds["quadrant"]
    (xy,) = _charts(page)
    assert xy.chart_type == XL_CHART_TYPE.XY_SCATTER
    points = sum(len(list(s.values)) for s in list(xy.plots[0].series)[:-1])  # the last series: U1 = U2
    assert points == len(quadrant.payload.frame)

    scatter, page = kinds["scatter"]
    (xy,) = _charts(page)
    assert xy.chart_type == XL_CHART_TYPE.XY_SCATTER
    drawn = sorted(v for s in list(xy.plots[0].series)[:-1] for v in s.values)  # the last series is the fit line
    assert drawn == pytest.approx(sorted(scatter.payload.points["y"]))

    lag, page = kinds["lag"]
    (line,) = _charts(page)
    assert line.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert list(line.plots[0].series[0].values) == pytest.approx([c.r for c in lag.payload.profile])
    assert line.plots[0].series[0]._element.find("{*}errBars") is not None  # the 95% CIs

    heatmap, page = kinds["heatmap"]
    (table,) = [shape.table for shape in page.shapes if shape.has_table]
    cells = heatmap.payload.cells.set_index(["x", "y"])
    r = cells.loc[("heart_talks", "revenue"), "r"]
    row = 1 + list(dict.fromkeys(heatmap.payload.cells["x"])).index("heart_talks")
    col = 1 + list(dict.fromkeys(heatmap.payload.cells["y"])).index("revenue")
    assert table.cell(row, col).text.startswith(f"{r:.2f}")

    unit, page = kinds["unit"]
    (history,) = _charts(page)
    assert history.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert list(history.plots[0].series[0].values) == pytest.approx(unit.payload.history["D"].tolist())


def test_pptx_titles_notes_and_properties_name_only_the_exporter(deck):
    pptx = Presentation(io.BytesIO(render(deck, "pptx", MARK)))
    first = pptx.slides[0]
    texts = [shape.text_frame.text for shape in first.shapes if shape.has_text_frame]
    assert "核心指标" in texts and "1 / 8" in texts
    assert any("内部资料" in text and "测试员" in text for text in texts)
    assert any("数据版本 v1" in text for text in texts)
    assert all(slide.notes_slide.notes_text_frame.text for slide in pptx.slides)
    assert "相关不等于因果" in pptx.slides[3].notes_slide.notes_text_frame.text
    props = pptx.core_properties
    assert (props.author, props.last_modified_by, props.revision) == ("测试员", "测试员", 1)


def test_pptx_in_english(filled):
    english = build_deck(load_source(filled), parse_deck("ranking,lag:heart_talks~revenue"), lang="en")
    pptx = Presentation(io.BytesIO(render(english, "pptx", MARK)))
    titles = [shape.text_frame.text for shape in pptx.slides[0].shapes if shape.has_text_frame]
    assert "Integration index ranking" in titles
    assert "Correlation is not causation" in pptx.slides[1].notes_slide.notes_text_frame.text


def test_xlsx_writes_formula_like_names_as_text(deck):
    book = openpyxl.load_workbook(io.BytesIO(render(deck, "xlsx", MARK)))
    assert book.sheetnames[0] == "内部资料" and len(book.sheetnames) == len(deck.slides) + 1
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if cell.value in HOSTILE.values():
                    found[cell.value] = cell
    assert set(found) == set(HOSTILE.values())
    for cell in found.values():
        assert cell.data_type == "s" and isinstance(cell.value, str)
        assert cell.quotePrefix  # stays text even when the cell is edited in Excel
    assert book.properties.creator == book.properties.lastModifiedBy or book.properties.lastModifiedBy is None
    assert book.properties.creator == "测试员"


def test_xlsx_tables_hold_the_matrix_with_r_p_q_n(deck):
    book = openpyxl.load_workbook(io.BytesIO(render(deck, "xlsx", MARK)))
    sheet = book["4 相关矩阵"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "党建指标"))
    assert rows[header][:13] == (
        "党建指标", "党建指标名称", "经营指标", "经营指标名称", "r", "95% 置信下限", "95% 置信上限", "p",
        "q（BH 校正）", "n", "单位数", "自由度", "样本不足",
    )  # fmt: skip
    cells = deck.slides[3].payload.cells
    first = cells.iloc[0]
    assert rows[header + 1][0] == first["x"] and rows[header + 1][4] == pytest.approx(first["r"])
    assert rows[header + 1][9:12] == (first["n"], 12, 11)  # n pairs, G units, df = G − 1 (clustered by unit)


@pytest.mark.parametrize("text", ["=1+1", "+A1", "-A1", "@A1", "\tx", "\rx"])
def test_formula_like_strings_are_recognised(text):
    assert is_formula_like(text)
    assert not is_formula_like("一电厂") and not is_formula_like("B12")


def test_html_is_self_contained_with_one_plotly_bundle(deck):
    document = render(deck, "html", MARK).decode("utf-8")
    bundle = plotly.offline.get_plotlyjs()
    assert document.count(bundle[:200]) == 1
    assert document.count("Plotly.newPlot(") == 7  # every slide but the findings draws a chart
    ours = document.replace(bundle, "")  # the bundle's own code mentions links it never opens here
    assert not re.search(r"<script[^>]*\bsrc\s*=", ours, re.I)
    assert not re.search(r"<link\b", ours, re.I)
    assert not re.search(r"""(src|href)\s*=\s*\\?["']?\s*(https?:)?//""", ours, re.I)  # a unit's name may say http
    assert "<a " not in ours.replace("&lt;a ", "")
    assert not re.search(r"@import|@font-face|url\(", ours, re.I)
    for needle in ("内部资料", "测试员", "数据版本 v1", "范围：2025-11 至 2026-10", "相关不等于因果"):
        assert needle in document


def test_html_of_a_ten_chart_deck_stays_under_8_mb(filled):
    ten = FULL_DECK + ",scatter:three_meetings_rate~quality_pass_rate@1,unit:B21,lag:vanguard_posts~total_profit"
    built = build_deck(load_source(filled), parse_deck(ten))
    document = render(built, "html", MARK)
    assert document.decode("utf-8").count("Plotly.newPlot(") == 10
    assert len(document) <= 8 * 1024 * 1024


def test_export_command_writes_each_format_and_checks_its_arguments(filled, tmp_path):
    for fmt in ("html", "pptx", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        done = cli("export", "--format", fmt, "--out", str(out), "--from", "2026-01", "--units", "S2", db=filled)
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0
    cover = openpyxl.load_workbook(tmp_path / "report.xlsx")["内部资料"]
    assert cover["A3"].value.startswith("范围：2026-01 至 2026-10 · 单位：二公司、检修分公司、二电厂、")
    assert cover["A3"].value.endswith(" 等 3 个 · 相关分析：扣除单位与月份效应，各单位同等权重")  # S2: 4 named, 3 more
    english = cli("export", "--format", "pptx", "--out", str(tmp_path / "en.pptx"), "--lang", "en", db=filled)
    assert english.returncode == 0, english.stderr
    pooled = tmp_path / "pooled.xlsx"
    done = cli("export", "--format", "xlsx", "--out", str(pooled), "--level", "pooled", "--deck", "findings", db=filled)
    assert done.returncode == 0, done.stderr
    cover = openpyxl.load_workbook(pooled)["内部资料"]
    assert cover["A3"].value.endswith("单位：全部 · 相关分析：全部单位月度合并（描述性）")
    assert (
        openpyxl.load_workbook(pooled)["1 主要发现"]["A2"].value
        == "全部单位月度合并（描述性）：该口径只作描述，不产生发现"
    )
    assert cli("export", "--format", "xlsx", "--out", str(pooled), "--level", "period", db=filled).returncode == 2
    assert (
        cli("export", "--format", "html", "--out", str(tmp_path / "x.html"), "--units", "NOPE", db=filled).returncode
        == 1
    )
    assert cli("export", "--format", "doc", "--out", str(tmp_path / "x.doc"), db=filled).returncode == 2
    assert (
        cli("export", "--format", "html", "--out", str(tmp_path / "x.html"), "--from", "2026-13", db=filled).returncode
        == 2
    )
    bad_deck = cli("export", "--format", "html", "--out", str(tmp_path / "x.html"), "--deck", "unit:NOPE", db=filled)
    assert bad_deck.returncode == 1 and "NOPE" in bad_deck.stderr


def test_pdf_is_a4_with_a_page_per_slide(deck):
    from analytics.reports.pdf import pdf_available

    if not pdf_available():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    pdf = render(deck, "pdf", MARK)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= len(deck.slides)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d* 84[12]\.\d*", pdf)  # A4 in points


def _soffice_pdf(path: Path, folder: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
    subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(path)],
                   capture_output=True, timeout=180, check=False)  # fmt: skip
    out = folder / (path.stem + ".pdf")
    return out if out.exists() else None


def test_libreoffice_renders_the_pptx(deck, tmp_path):
    """Skipped where LibreOffice Impress is absent (CI does not install it); run locally to look at the pages:
    the PDF goes to benchmarks/out/screens/report_pptx.pdf."""
    probe = tmp_path / "probe.pptx"
    Presentation().save(probe)
    if _soffice_pdf(probe, tmp_path) is None:
        pytest.skip("LibreOffice Impress is not installed (apt-get install libreoffice-impress-nogui)")
    deck_file = tmp_path / "report.pptx"
    deck_file.write_bytes(render(deck, "pptx", MARK))
    pdf = _soffice_pdf(deck_file, tmp_path)
    assert pdf is not None, "LibreOffice could not open the exported deck"
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == len(deck.slides)
    shots = ROOT / "benchmarks" / "out" / "screens"
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, shots / "report_pptx.pdf")


def test_analytics_deck_modules_do_not_import_streamlit():
    code = (
        "import sys, analytics.reports.deck, analytics.reports.export, analytics.reports.html, analytics.reports.pptx, "
    )
    code += "analytics.reports.xlsx, analytics.cli.export; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"


def test_correlation_slides_follow_the_views_level_and_state_n_units_and_q(filled):
    source = load_source(filled)
    built = build_deck(source, parse_deck("heatmap,findings,scatter,lag"), Scope(), "zh")
    heatmap, findings, scatter, lag = built.slides
    assert heatmap.subtitle.startswith("扣除单位与月份效应，各单位同等权重 · Pearson · 同月 · p 值按单位聚类")
    assert set(heatmap.payload.cells["n_units"]) == {12} and set(heatmap.payload.cells["df"]) == {11.0}
    best = findings.payload.findings[0]
    assert (best.x, best.y, best.lag, best.n_units) == ("heart_talks", "revenue", 0, 12)
    assert findings.payload.sentences[0].startswith(
        "扣除各单位自身水平和全集团各月共同波动（如春节）后，各单位同等权重"
    )
    assert "基于 12 个单位的 144 组月度数据" in findings.payload.sentences[0]
    assert findings.tables[0][1].loc[0, "direction"] == "同月"
    assert (scatter.spec.x, scatter.spec.y) == ("heart_talks", "revenue") and "未通过" not in scatter.subtitle
    assert scatter.payload.corr.level == "twoway" and scatter.payload.corr.scale == "unit"
    assert "，n = 144 组，12 个单位，df = 11" in scatter.subtitle
    assert [c.lag for c in lag.payload.profile] == list(range(-6, 7))
    within = build_deck(source, parse_deck("scatter:heart_talks~revenue"), Scope(level="within", scale="none"))
    assert (within.slides[0].payload.corr.level, within.slides[0].payload.corr.scale) == ("within", "none")
    assert within.scope_text.endswith("相关分析：仅扣除单位效应，按原始数值")


def test_when_nothing_passes_the_findings_slide_says_so_and_no_noise_is_promoted(filled):
    few = Scope(units=("B11", "B12", "B21", "B22"))  # 4 units: every clustered test is insufficient
    built = build_deck(load_source(filled), parse_deck("findings,scatter"), few, "zh")
    findings, scatter = built.slides
    assert findings.payload.sentences == ()
    assert findings.payload.empty.startswith("没有指标对通过检验：0 个检验中没有一个同时满足 q<0.05 且 |r|≥0.1。")
    html_text = render(build_deck(load_source(filled), parse_deck("findings"), few), "html", MARK).decode()
    assert "没有指标对通过检验" in html_text
    assert (scatter.spec.x, scatter.spec.y) == ("three_meetings_rate", "revenue")  # the first pair in catalog order
    assert scatter.subtitle.endswith("该指标对未通过发现检验（q<0.05 且 |r|≥0.1），仅供查看，不作为结论")
    pooled = build_deck(load_source(filled), parse_deck("findings"), Scope(level="pooled"), "en").slides[0]
    assert pooled.payload.findings == () and pooled.payload.empty.startswith(
        "The “All unit-months pooled (descriptive)” level mixes unit size and timing"
    )
