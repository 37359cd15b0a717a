"""The deck as PowerPoint with native, editable charts (python-pptx): no images, one slide per deck item.

Ranking → bar chart; D trend and a unit's D/U1/U2 → line charts; quadrant and pair → XY scatter; lag profile →
line chart with custom 95% CI error bars; the correlation matrix → a table coloured by r. Titles, labels and speaker
notes are in the deck's language; every slide carries the internal mark, the filters and the data version.
"""

from __future__ import annotations

import io
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.axis import _BaseAxis
from pptx.chart.chart import Chart
from pptx.chart.data import _BaseChartData
from pptx.chart.series import _BaseSeries
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.table import Table, _Cell
from pptx.text.text import Font
from pptx.util import Emu, Inches, Pt

from analytics.figures.correlation import PALETTE, significance_mark
from analytics.figures.integration import shown_ranking
from analytics.i18n import numbers as number_format
from analytics.i18n import t
from analytics.reports.deck import (
    Deck,
    FindingsPayload,
    HeatmapPayload,
    KpiPayload,
    LagPayload,
    RankingPayload,
    ScatterPayload,
    Slide,
    UnitPayload,
)
from analytics.reports.html import LAGGING_COLOURS, kpi_cards, number_text, quadrant_range
from analytics.reports.marking import ExportMark
from analytics.reports.pptx_chart_data import CategoryChartData, XyChartData  # names in the chart workbooks stay text

FONT = "Microsoft YaHei"  # 微软雅黑: on the presenters' Windows machines; LibreOffice substitutes a CJK font
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.4)
BODY_TOP, BODY_BOTTOM = Inches(1.35), Inches(6.85)
ACCENT = RGBColor(0xB2, 0x22, 0x22)
GREY = RGBColor(0x66, 0x66, 0x66)
FOOTER_PT = 10
TITLE_PT = (28, 24, 20, 18)  # a long title steps down rather than run into the subtitle
LATIN_EM = 0.6  # bold Latin letters, spaces included, on average
CHART_PT = 12  # axis ticks, legends and labels: the smallest text that reads on a projector
HEATMAP_MAX_ROWS, HEATMAP_MAX_COLS = 8, 8  # more metrics than this: those with q < 0.05 first, then the largest |r|
HEATMAP_NAME_PT, HEATMAP_VALUE_PT = 12, 14
SIGNIFICANT_Q = 0.05
PEER_ROW_H, PEER_NAME_W = Inches(0.6), Inches(2.3)  # the unit slide's table of metrics beside its chart
QUADRANT_EXTREMES, QUADRANT_GAPS = 2, 2  # units named: this many highest and lowest D, and widest |U1 − U2|
DARK_TEXT_ABOVE = 0.55  # |r| above which a heatmap cell's text is white
RDBU_LOW, RDBU_MID, RDBU_HIGH = (0x21, 0x66, 0xAC), (0xF7, 0xF7, 0xF7), (0xB2, 0x18, 0x2B)
INSUFFICIENT = RGBColor(0xD9, 0xD9, 0xD9)

Box = tuple[int, int, int, int]  # x, y, width, height in EMU


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _east_asian(element: etree._Element) -> None:
    """Give a run's (or a default's) properties the East Asian typeface too, so Chinese text uses FONT."""
    ea = element.find(qn("a:ea"))
    if ea is None:
        ea = etree.SubElement(element, qn("a:ea"))
        latin = element.find(qn("a:latin"))
        if latin is not None:
            latin.addnext(ea)
    ea.set("typeface", FONT)


def _style(font: Font, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    font.name, font.size, font.bold = FONT, Pt(size), bold
    if colour is not None:
        font.color.rgb = colour
    _east_asian(font._rPr if hasattr(font, "_rPr") else font._element)


def _text(
    slide: PptxSlide,
    x: int,
    y: int,
    w: int,
    h: int,
    lines: Sequence[str],
    size: float,
    *,
    bold: bool = False,
    colour: RGBColor | None = None,
    italic: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    """A text box with one paragraph per line."""
    frame = slide.shapes.add_textbox(Emu(x), Emu(y), Emu(w), Emu(h)).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        _style(run.font, size, bold, colour)
        if italic:
            run.font.italic = True


def title_size(title: str) -> float:
    """The largest of TITLE_PT that fits ``title`` on one line above the subtitle (a CJK character is one em wide,
    any other about LATIN_EM)."""
    ems = sum(1.0 if ord(ch) > 0x2E7F else LATIN_EM for ch in title)
    width_pt = (WIDTH - 2 * MARGIN - Inches(1.2)) / Pt(1)
    return next((size for size in TITLE_PT if ems * size <= width_pt), TITLE_PT[-1])


def _frame(pslide: PptxSlide, slide: Slide, index: int, total: int, deck: Deck, mark: str) -> None:
    """Title, subtitle, counter and the footer (internal mark, filters, data version) of one slide."""
    size = title_size(slide.title)
    _text(pslide, MARGIN, Inches(0.25), WIDTH - 2 * MARGIN - Inches(1.2), Inches(0.6), [slide.title], size, bold=True)
    _text(pslide, MARGIN, Inches(0.85), WIDTH - 2 * MARGIN, Inches(0.45), [slide.subtitle], 14, colour=GREY)
    counter = t("present.counter", deck.lang, i=index, n=total)
    _text(pslide, WIDTH - MARGIN - Inches(1.2), Inches(0.3), Inches(1.2), Inches(0.4), [counter], 14,
          colour=GREY, align=PP_ALIGN.RIGHT)  # fmt: skip
    footer = [mark, f"{deck.scope_text} · {deck.stamp_text}"]
    _text(pslide, MARGIN, Inches(6.9), WIDTH - 2 * MARGIN, Inches(0.5), footer, FOOTER_PT, colour=GREY)
    notes = pslide.notes_slide.notes_text_frame
    if notes is None:  # only a template whose notes master lacks a body placeholder (not the default one)
        raise ValueError("the notes slide has no text frame")
    notes.text = slide.notes


def _chart_fonts(chart: Chart, size: float = CHART_PT) -> None:
    """The chart's text in FONT; no automatic title (the slide has one)."""
    chart.font.name, chart.font.size = FONT, Pt(size)
    _east_asian(chart.font._element)
    chart.has_title = False


def _axis_title(axis: _BaseAxis, text: str) -> None:
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    _style(frame.paragraphs[0].runs[0].font, 12)


def _none_if_nan(values: Sequence[float]) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


# ---------------------------------------------------------------- charts


def distinct_names(frame: pd.DataFrame, lang: str) -> list[str]:
    """Unit names in ``frame``'s order, each with its code when another unit in ``frame`` has the same name."""
    counts = frame["name"].value_counts()
    return [
        t("present.metric_unit", lang, name=name, unit=code) if counts[name] > 1 else str(name)
        for name, code in zip(frame["name"], frame["unit"], strict=True)
    ]


def _legend(pslide: PptxSlide, x: int, y: int, w: int, entries: Sequence[tuple[str, str]]) -> None:
    """One line of coloured squares and their labels, for colours a chart's own legend cannot show."""
    paragraph = pslide.shapes.add_textbox(Emu(x), Emu(y), Emu(w), Inches(0.4)).text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    for colour, label in entries:
        for text, fill in (("■ ", _rgb(colour)), (label + "　　", RGBColor(0x22, 0x22, 0x22))):
            run = paragraph.add_run()
            run.text = text
            _style(run.font, CHART_PT, colour=fill)


def _ranking(pslide: PptxSlide, payload: RankingPayload, lang: str) -> None:
    frame = shown_ranking(payload.frame)
    data = CategoryChartData()
    data.categories = [f"{int(r)}. {n}" for r, n in zip(frame["rank"], distinct_names(frame, lang), strict=True)]
    data.add_series(t("present.axis.d", lang), _none_if_nan(frame["D"].tolist()), number_format="0.000")
    legend_h = Inches(0.4)
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP - legend_h)
    chart = _add_chart(pslide, XL_CHART_TYPE.BAR_CLUSTERED, box, data)
    _chart_fonts(chart, 9 if len(frame) > 20 else CHART_PT)
    chart.has_legend = False
    chart.category_axis.reverse_order = True  # rank 1 on top
    _label_every_category(chart.category_axis)
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0.0, 1.0
    _axis_title(chart.value_axis, t("present.axis.d", lang))
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = "0.000", False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for point, lagging in zip(plot.series[0].points, frame["lagging"], strict=True):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(LAGGING_COLOURS.get(lagging, "#7f8c8d"))
    kinds = [k for k in LAGGING_COLOURS if (frame["lagging"] == k).any()]
    entries = [(LAGGING_COLOURS[k], t(f"present.lagging.{k}", lang)) for k in kinds]
    _legend(pslide, MARGIN, BODY_BOTTOM - legend_h, WIDTH - 2 * MARGIN, entries)


def _label_every_category(axis: _BaseAxis) -> None:
    """c:tickLblSkip = 1, so that no unit name is left out (placed where the schema wants it)."""
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", "1")
    later = [axis._element.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
    anchor = next((e for e in later if e is not None), None)
    if anchor is None:
        axis._element.append(skip)
    else:
        anchor.addprevious(skip)


@dataclass(frozen=True)
class XySeries:
    """One series of an XY chart: markers in ``colour`` (or a line without markers), optional text by each point."""

    name: str
    points: tuple[tuple[float, float], ...]
    colour: str
    is_line: bool = False
    labels: tuple[str, ...] = ()  # one per point, "" for none


def xy_series(
    name: str,
    xs: Sequence[float],
    ys: Sequence[float],
    colour: str,
    *,
    is_line: bool = False,
    labels: Sequence[str] | None = None,
) -> XySeries:
    """An XySeries of the points where both x and y are finite (a NaN point is not drawn, nor kept)."""
    labels = ("",) * len(xs) if labels is None else labels
    kept = [
        ((float(x), float(y)), label)
        for x, y, label in zip(xs, ys, labels, strict=True)
        if x is not None and y is not None and math.isfinite(float(x)) and math.isfinite(float(y))
    ]
    points = tuple(point for point, _ in kept)
    return XySeries(name, points, colour, is_line=is_line, labels=tuple(label for _, label in kept))


def xy_order(series: Sequence[XySeries]) -> list[XySeries]:
    """The series to draw, longest first (ties in the given order), empty ones left out.

    LibreOffice (7.x) drops every series of an imported XY chart that a later series outnumbers in points
    (a 6-point series followed by an 11-point one is not drawn); longest first, every series is drawn."""
    return sorted((s for s in series if s.points), key=lambda s: -len(s.points))


def _add_chart(pslide: PptxSlide, kind: XL_CHART_TYPE, box: Box, data: _BaseChartData) -> Chart:
    """A native chart of ``data`` in ``box``.

    python-pptx 1.0.2 annotates ``add_chart`` too narrowly: it takes any chart data (category or XY), not only
    ``ChartData``, and returns the GraphicFrame that holds the chart, not the Chart."""
    x, y, w, h = box
    frame = pslide.shapes.add_chart(kind, Emu(x), Emu(y), Emu(w), Emu(h), data)  # type: ignore[arg-type]
    return cast(GraphicFrame, frame).chart


def _xy_chart(pslide: PptxSlide, box: Box, series: Sequence[XySeries], number_format: str) -> Chart:
    """An XY scatter of ``series`` whose axes cross at their minimum, so tick labels sit at the edges."""
    drawn = xy_order(series)
    data = XyChartData()
    for item in drawn:
        plotted = data.add_series(item.name, number_format=number_format)
        for x, y in item.points:
            plotted.add_data_point(x, y)
    chart = _add_chart(pslide, XL_CHART_TYPE.XY_SCATTER, box, data)
    _chart_fonts(chart)
    _scatter_series(chart, [(item.colour, item.is_line) for item in drawn])
    for axis in (chart.category_axis, chart.value_axis):
        axis.crosses = XL_AXIS_CROSSES.MINIMUM  # not at 0, which runs the labels through the points
        axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    for plotted, item in zip(chart.plots[0].series, drawn, strict=True):
        for point, label in zip(plotted.points, item.labels, strict=False):
            if label:
                point.data_label.text_frame.text = label
                point.data_label.position = XL_LABEL_POSITION.ABOVE
                _style(point.data_label.text_frame.paragraphs[0].runs[0].font, CHART_PT, colour=GREY)
    chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.BOTTOM, False
    return chart


def _scatter_series(chart: Chart, styles: Sequence[tuple[str, bool]]) -> None:
    """Style XY series in order: (colour, is_line) — markers only, or a line without markers."""
    for series, (colour, is_line) in zip(chart.plots[0].series, styles, strict=True):
        if is_line:
            series.marker.style = XL_MARKER_STYLE.NONE
            series.format.line.color.rgb = _rgb(colour)
            series.format.line.width = Pt(1.5)
        else:
            series.marker.style, series.marker.size = XL_MARKER_STYLE.CIRCLE, 7
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _rgb(colour)
            series.marker.format.line.fill.background()


def quadrant_named(frame: pd.DataFrame) -> set[Hashable]:
    """Index labels of the units named on the quadrant: the QUADRANT_EXTREMES highest and lowest D and the
    QUADRANT_GAPS widest gaps |U1 − U2| among the rest (units without both scores are not drawn, so not named)."""
    scored = frame.dropna(subset=["u_party", "u_business"])
    by_d = scored["D"].dropna().sort_values()
    named = set(by_d.index[-QUADRANT_EXTREMES:]) | set(by_d.index[:QUADRANT_EXTREMES])
    gaps = (scored["u_party"] - scored["u_business"]).abs().drop(list(named))
    return named | set(gaps.nlargest(QUADRANT_GAPS).index)


def _quadrant(pslide: PptxSlide, payload: RankingPayload, lang: str) -> None:
    frame = payload.frame
    lo, hi = quadrant_range(frame)
    names = pd.Series(distinct_names(frame, lang), index=frame.index)
    named = quadrant_named(frame)
    series = []
    for kind, colour in LAGGING_COLOURS.items():
        part = frame[frame["lagging"] == kind]
        labels = [names[i] if i in named else "" for i in part.index]
        name = t(f"present.lagging.{kind}", lang)
        series.append(xy_series(name, part["u_party"].tolist(), part["u_business"].tolist(), colour, labels=labels))
    series.append(XySeries(t("present.series.equal", lang), ((lo, lo), (hi, hi)), "#999999", is_line=True))
    note_h = Inches(0.4)
    box = (MARGIN + Inches(2.2), BODY_TOP, Inches(8.0), BODY_BOTTOM - BODY_TOP - note_h)
    chart = _xy_chart(pslide, box, series, "0.000")
    for axis, key in ((chart.category_axis, "present.axis.u_party"), (chart.value_axis, "present.axis.u_business")):
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = lo, hi, 0.1
        axis.has_major_gridlines = True
        _axis_title(axis, t(key, lang))
    if len(named) < len(frame):
        note = [t("present.pptx.quadrant_labels", lang)]
        _text(pslide, MARGIN, BODY_BOTTOM - note_h, WIDTH - 2 * MARGIN, note_h, note, CHART_PT, colour=GREY,
              align=PP_ALIGN.CENTER)  # fmt: skip


def _pair_scatter(pslide: PptxSlide, payload: ScatterPayload, lang: str) -> None:
    series = [
        xy_series(str(group), part["x"].tolist(), part["y"].tolist(), PALETTE[i % len(PALETTE)])
        for i, (group, part) in enumerate(payload.points.groupby("group", sort=True))
    ]
    if payload.fit is not None:
        fit = payload.fit
        name = t("present.series.fit", lang)
        series.append(xy_series(name, fit["x"].tolist(), fit["fit"].tolist(), "#222222", is_line=True))
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    chart = _xy_chart(pslide, box, series, "0.00")
    _axis_title(chart.category_axis, payload.x_label)
    _axis_title(chart.value_axis, payload.y_label)


def _error_bars(series: _BaseSeries, plus: Sequence[float | None], minus: Sequence[float | None], colour: str) -> None:
    """Custom ± error bars on a line series (c:errBars goes before c:cat in the series XML)."""
    bars = etree.SubElement(series._element, qn("c:errBars"))
    etree.SubElement(bars, qn("c:errBarType")).set("val", "both")
    etree.SubElement(bars, qn("c:errValType")).set("val", "cust")
    etree.SubElement(bars, qn("c:noEndCap")).set("val", "0")
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        literal = etree.SubElement(etree.SubElement(bars, qn(tag)), qn("c:numLit"))
        etree.SubElement(literal, qn("c:formatCode")).text = "0.000"
        etree.SubElement(literal, qn("c:ptCount")).set("val", str(len(values)))
        for i, value in enumerate(values):
            if value is not None:
                point = etree.SubElement(literal, qn("c:pt"))
                point.set("idx", str(i))
                etree.SubElement(point, qn("c:v")).text = repr(float(value))
    line = etree.SubElement(etree.SubElement(bars, qn("c:spPr")), qn("a:ln"))
    line.set("w", "15875")
    etree.SubElement(etree.SubElement(line, qn("a:solidFill")), qn("a:srgbClr")).set("val", colour.lstrip("#"))
    series._element.find(qn("c:cat")).addprevious(bars)


def _lag(pslide: PptxSlide, payload: LagPayload, lang: str) -> None:
    profile = payload.profile
    data = CategoryChartData()
    data.categories = [str(c.lag) for c in profile]
    data.add_series(t("present.series.r", lang), [c.r for c in profile], number_format="0.00")
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    chart = _add_chart(pslide, XL_CHART_TYPE.LINE_MARKERS, box, data)
    _chart_fonts(chart)
    chart.has_legend = False
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = -1.0, 1.0
    chart.value_axis.major_unit = 0.5
    _axis_title(chart.value_axis, t("present.axis.r", lang))
    _axis_title(chart.category_axis, t("present.axis.lag", lang))
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # below the plot, not on r = 0
    series = chart.plots[0].series[0]
    series.format.line.color.rgb = _rgb("#c0392b")
    series.marker.style, series.marker.size = XL_MARKER_STYLE.CIRCLE, 8
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = _rgb("#c0392b")
    plus = [None if c.r is None or c.ci_high is None else c.ci_high - c.r for c in profile]
    minus = [None if c.r is None or c.ci_low is None else c.r - c.ci_low for c in profile]
    _error_bars(series, plus, minus, "#c0392b")


def _line_chart(
    pslide: PptxSlide, box: Box, periods: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], lang: str
) -> Chart:
    data = CategoryChartData()
    data.categories = list(periods)
    for name, values, _ in series:
        data.add_series(name, _none_if_nan(list(values)), number_format="0.000")
    chart = _add_chart(pslide, XL_CHART_TYPE.LINE_MARKERS, box, data)
    _chart_fonts(chart)
    for plotted, (_, _, colour) in zip(chart.plots[0].series, series, strict=True):
        plotted.format.line.color.rgb = _rgb(colour)
        plotted.smooth = False
        plotted.marker.style, plotted.marker.size = XL_MARKER_STYLE.CIRCLE, 5
        plotted.marker.format.fill.solid()
        plotted.marker.format.fill.fore_color.rgb = _rgb(colour)
    _axis_title(chart.category_axis, t("present.axis.month", lang))
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    return chart


def _table(
    pslide: PptxSlide, box: Box, header: Sequence[str], rows: Sequence[Sequence[str]], size: float = CHART_PT
) -> Table:
    x, y, w, h = box
    shape = pslide.shapes.add_table(len(rows) + 1, len(header), Emu(x), Emu(y), Emu(w), Emu(h))
    table = shape.table
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = str(value)
            cell.margin_left = cell.margin_right = Inches(0.04)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT
                for run in paragraph.runs:
                    _style(run.font, size, bold=r == 0)
    return table


def _kpis(pslide: PptxSlide, payload: KpiPayload, lang: str) -> None:
    header = [t("present.col.name", lang), t("present.col.value", lang), t("present.mom", lang), t("present.yoy", lang)]
    header.append(t("present.col.reported", lang))  # a figure withheld for too few units says so here
    rows = [[c["label"], c["value"], c["mom"], c["yoy"], c["n"]] for c in kpi_cards(payload, lang)]
    height = Inches(0.42) * (len(rows) + 1)
    _table(pslide, (MARGIN, BODY_TOP, Inches(6.6), height), header, rows, 12)
    trend = payload.trend
    if len(trend):
        box = (Inches(7.2), BODY_TOP, WIDTH - Inches(7.2) - MARGIN, BODY_BOTTOM - BODY_TOP)
        series = [(t("present.series.d_mean", lang), trend["D"].tolist(), "#B22222")]
        chart = _line_chart(pslide, box, trend["period"].tolist(), series, lang)
        chart.value_axis.minimum_scale = 0.0
        chart.has_title = True
        chart.chart_title.text_frame.text = t("present.series.d_mean", lang)
        _style(chart.chart_title.text_frame.paragraphs[0].runs[0].font, 13, bold=True)


def _unit(pslide: PptxSlide, payload: UnitPayload, lang: str) -> None:
    history = payload.history
    if len(history):
        series = [
            (t("present.axis.d", lang), history["D"].tolist(), "#222222"),  # not a third red beside U1
            (t("present.axis.u_party", lang), history["u_party"].tolist(), "#c0392b"),
            (t("present.axis.u_business", lang), history["u_business"].tolist(), "#2471a3"),
        ]
        box = (MARGIN, BODY_TOP, Inches(7.4), BODY_BOTTOM - BODY_TOP)
        chart = _line_chart(pslide, box, history["period"].tolist(), series, lang)
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0.0, 1.0
    peers = payload.peers
    if len(peers):
        keys = ("name", "unit_value", "sub_median", "group_median")
        header = [t(f"present.col.{k}", lang) for k in keys]
        rows = [
            [f"{p['name']}（{p['unit_of_measure']}）", *(number_text(p[k]) for k in keys[1:])]
            for _, p in peers.iterrows()
        ]
        width = WIDTH - Inches(8.0) - MARGIN
        table = _table(pslide, (Inches(8.0), BODY_TOP, width, PEER_ROW_H * (len(rows) + 1)), header, rows)
        table.columns[0].width = PEER_NAME_W  # metric names wrap over two lines, never three
        for j in range(1, len(table.columns)):
            table.columns[j].width = Emu(int((width - PEER_NAME_W) / (len(header) - 1)))


def _findings(pslide: PptxSlide, payload: FindingsPayload, lang: str) -> None:
    lines = [f"{i}. {s}" for i, s in enumerate(payload.sentences, start=1)] or [payload.empty]
    size = 15 if len(lines) <= 6 else 13
    top = BODY_TOP + Inches(0.25)  # room for a subtitle of two lines
    _text(pslide, MARGIN, top, WIDTH - 2 * MARGIN, Inches(4.6), lines, size)
    _text(pslide, MARGIN, Inches(6.3), WIDTH - 2 * MARGIN, Inches(0.5), [payload.note], 13, colour=ACCENT, italic=True)


# ---------------------------------------------------------------- the heatmap as a coloured table


def rdbu(r: float) -> RGBColor:
    """r in [−1, 1] → blue (−1) through near-white (0) to red (+1), as the page's heatmap."""
    r = max(-1.0, min(1.0, r))
    end = RDBU_HIGH if r > 0 else RDBU_LOW
    mixed = (round(m + (e - m) * abs(r)) for m, e in zip(RDBU_MID, end, strict=True))
    return RGBColor(*mixed)


def heatmap_subset(
    cells: pd.DataFrame, max_rows: int = HEATMAP_MAX_ROWS, max_cols: int = HEATMAP_MAX_COLS
) -> tuple[list[str], list[str]]:
    """(rows, cols): the metric codes to draw, in the matrix's order. All of them when they fit; otherwise first the
    metrics with a cell at q < SIGNIFICANT_Q, then those with the largest |r| (cells with too little data count
    for neither)."""
    rows, cols = list(dict.fromkeys(cells["x"])), list(dict.fromkeys(cells["y"]))
    valid = cells[~cells["insufficient"].astype(bool) & cells["r"].notna()]
    scored = valid.assign(significant=valid["q"] < SIGNIFICANT_Q, size=valid["r"].abs())

    def keep(codes: list[str], column: str, limit: int) -> list[str]:
        if len(codes) <= limit:
            return codes
        best = scored.groupby(column)[["significant", "size"]].max()
        ranked = best.sort_values(["significant", "size"], ascending=False, kind="stable").index.tolist()
        chosen = set((ranked + [c for c in codes if c not in ranked])[:limit])
        return [c for c in codes if c in chosen]

    return keep(rows, "x", max_rows), keep(cols, "y", max_cols)


def _heatmap(pslide: PptxSlide, slide: Slide, lang: str) -> None:
    payload = slide.payload
    if not isinstance(payload, HeatmapPayload):
        raise TypeError(f"a {slide.kind} slide without a HeatmapPayload")
    cells, names = payload.cells, payload.names
    rows, cols = heatmap_subset(cells)
    all_rows, all_cols = cells["x"].nunique(), cells["y"].nunique()
    lookup = cells.set_index(["x", "y"])
    note_h = Inches(0.55) if (len(rows), len(cols)) != (all_rows, all_cols) else 0
    header_h, first_w = Inches(0.95), Inches(3.0)
    row_h = min(Inches(0.5), int((BODY_BOTTOM - BODY_TOP - header_h - note_h) / max(len(rows), 1)))
    col_w = min(Inches(1.6), int((WIDTH - 2 * MARGIN - first_w) / max(len(cols), 1)))
    shape = pslide.shapes.add_table(len(rows) + 1, len(cols) + 1, MARGIN, BODY_TOP, Emu(first_w + col_w * len(cols)),
                                    Emu(header_h + row_h * len(rows)))  # fmt: skip
    table = shape.table
    table.first_row = table.horz_banding = False
    table.columns[0].width = first_w
    for j in range(len(cols)):
        table.columns[j + 1].width = col_w
    table.rows[0].height = header_h
    for i in range(len(rows)):
        table.rows[i + 1].height = row_h
    corner = t("corr.axis.party", lang) + " \\ " + t("corr.axis.business", lang)
    _cell(table.cell(0, 0), corner, HEATMAP_NAME_PT, None, True)
    for j, code in enumerate(cols):
        _cell(table.cell(0, j + 1), names.get(code, code), HEATMAP_NAME_PT, None, True, align=PP_ALIGN.CENTER)
    for i, x in enumerate(rows):
        _cell(table.cell(i + 1, 0), names.get(x, x), HEATMAP_NAME_PT, None, True)
        for j, y in enumerate(cols):
            row = lookup.loc[(x, y)]
            target = table.cell(i + 1, j + 1)
            if row["insufficient"] or row["r"] is None or np.isnan(row["r"]):
                _cell(target, t("corr.insufficient", lang), HEATMAP_NAME_PT, INSUFFICIENT, False, align=PP_ALIGN.CENTER)
                continue
            text = number_format.r_value(row["r"]) + significance_mark(row["q"])
            white = abs(row["r"]) > DARK_TEXT_ABOVE
            _cell(target, text, HEATMAP_VALUE_PT, rdbu(row["r"]), False, white, align=PP_ALIGN.CENTER)
    if note_h:
        note = [t("present.pptx.heatmap_subset", lang, rows=len(rows), cols=len(cols), all_rows=all_rows,
                  all_cols=all_cols)]  # fmt: skip
        _text(pslide, MARGIN, BODY_BOTTOM - note_h, WIDTH - 2 * MARGIN, note_h, note, CHART_PT, colour=GREY)


def _cell(
    cell: _Cell,
    text: str,
    size: float,
    fill: RGBColor | None,
    bold: bool,
    white: bool = False,
    *,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    cell.text = text
    cell.margin_left = cell.margin_right = Emu(36000)
    cell.margin_top = cell.margin_bottom = Emu(18000)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is None:
        cell.fill.background()
    else:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.alignment = align
    for run in paragraph.runs:
        _style(run.font, size, bold, RGBColor(0xFF, 0xFF, 0xFF) if white else RGBColor(0x22, 0x22, 0x22))


# ---------------------------------------------------------------- the presentation


def _body(pslide: PptxSlide, slide: Slide, lang: str) -> None:
    p = slide.payload
    if slide.kind == "heatmap":
        _heatmap(pslide, slide, lang)
    elif isinstance(p, KpiPayload):
        _kpis(pslide, p, lang)
    elif isinstance(p, RankingPayload) and len(p.frame):
        (_ranking if slide.kind == "ranking" else _quadrant)(pslide, p, lang)
    elif isinstance(p, FindingsPayload):
        _findings(pslide, p, lang)
    elif isinstance(p, ScatterPayload):
        _pair_scatter(pslide, p, lang)
    elif isinstance(p, LagPayload):
        _lag(pslide, p, lang)
    elif isinstance(p, UnitPayload):
        _unit(pslide, p, lang)


def report_pptx(deck: Deck, mark: ExportMark) -> bytes:
    """The deck as .pptx bytes: one slide per item, native charts, speaker notes, the mark on every slide."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDTH, HEIGHT
    blank = presentation.slide_layouts[6]
    text = mark.text(deck.lang)
    for index, slide in enumerate(deck.slides, start=1):
        pslide = presentation.slides.add_slide(blank)
        _frame(pslide, slide, index, len(deck.slides), deck, text)
        _body(pslide, slide, deck.lang)
    _properties(presentation, deck, mark)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _properties(presentation: PptxPresentation, deck: Deck, mark: ExportMark) -> None:
    """Only who exported it and when, the mark, filters and data version: no template author or revision trail."""
    props = presentation.core_properties
    props.author = props.last_modified_by = mark.user
    props.title = t("present.report_title", deck.lang)
    props.subject = f"{deck.scope_text} · {deck.stamp_text}"
    props.category = t("present.internal", deck.lang)
    props.comments = mark.text(deck.lang)
    props.keywords = ""
    props.created = props.modified = mark.when
    props.last_printed = mark.when
    props.revision = 1
