"""The deck as PowerPoint with native, editable charts (python-pptx): no images, one slide per deck item.

Ranking → bar chart; D trend and a unit's D/U1/U2 → line charts; quadrant and pair → XY scatter; lag profile →
line chart with custom 95% CI error bars; the correlation matrix → a table coloured by r. Titles, labels and speaker
notes are in the deck's language; every slide carries the internal mark, the filters and the data version.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from analytics.correlation_figures import PALETTE, significance_mark
from analytics.deck import (
    Deck,
    FindingsPayload,
    KpiPayload,
    LagPayload,
    RankingPayload,
    ScatterPayload,
    Slide,
    UnitPayload,
    shown_ranking,
)
from analytics.i18n import t
from analytics.pptx_chart_data import CategoryChartData, XyChartData  # names in the chart workbooks stay text
from analytics.report_html import LABEL_POINTS_UP_TO, LAGGING_COLOURS, kpi_cards, number_text, quadrant_range
from analytics.reports import ExportMark

FONT = "Microsoft YaHei"  # 微软雅黑: on the presenters' Windows machines; LibreOffice substitutes a CJK font
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.4)
BODY_TOP, BODY_BOTTOM = Inches(1.35), Inches(6.85)
ACCENT = RGBColor(0xB2, 0x22, 0x22)
GREY = RGBColor(0x66, 0x66, 0x66)
HEATMAP_MAX_ROWS, HEATMAP_MAX_COLS = 20, 16  # more metrics than this: those with the most significant cells
DARK_TEXT_ABOVE = 0.55  # |r| above which a heatmap cell's text is white
RDBU_LOW, RDBU_MID, RDBU_HIGH = (0x21, 0x66, 0xAC), (0xF7, 0xF7, 0xF7), (0xB2, 0x18, 0x2B)
INSUFFICIENT = RGBColor(0xD9, 0xD9, 0xD9)


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


def _style(font, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    font.name, font.size, font.bold = FONT, Pt(size), bold
    if colour is not None:
        font.color.rgb = colour
    _east_asian(font._rPr if hasattr(font, "_rPr") else font._element)


def _text(slide, x, y, w, h, lines: Sequence[str], size: float, **style) -> None:
    """A text box with one paragraph per line."""
    frame = slide.shapes.add_textbox(x, y, w, h).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = style.get("align", PP_ALIGN.LEFT)
        run = paragraph.add_run()
        run.text = line
        _style(run.font, size, style.get("bold", False), style.get("colour"))
        if style.get("italic"):
            run.font.italic = True


def _frame(pslide, slide: Slide, index: int, total: int, deck: Deck, mark: str) -> None:
    """Title, subtitle, counter and the footer (internal mark, filters, data version) of one slide."""
    _text(pslide, MARGIN, Inches(0.25), WIDTH - 2 * MARGIN - Inches(1.2), Inches(0.6), [slide.title], 28, bold=True)
    _text(pslide, MARGIN, Inches(0.85), WIDTH - 2 * MARGIN, Inches(0.45), [slide.subtitle], 14, colour=GREY)
    counter = t("present.counter", deck.lang, i=index, n=total)
    _text(pslide, WIDTH - MARGIN - Inches(1.2), Inches(0.3), Inches(1.2), Inches(0.4), [counter], 14,
          colour=GREY, align=PP_ALIGN.RIGHT)  # fmt: skip
    footer = [mark, f"{deck.scope_text} · {deck.stamp_text}"]
    _text(pslide, MARGIN, Inches(6.9), WIDTH - 2 * MARGIN, Inches(0.5), footer, 9, colour=GREY)
    pslide.notes_slide.notes_text_frame.text = slide.notes


def _chart_fonts(chart, size: float = 12) -> None:
    """The chart's text in FONT; no automatic title (the slide has one)."""
    chart.font.name, chart.font.size = FONT, Pt(size)
    _east_asian(chart.font._element)
    chart.has_title = False


def _axis_title(axis, text: str) -> None:
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    _style(frame.paragraphs[0].runs[0].font, 12)


def _none_if_nan(values: Sequence[float]) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


# ---------------------------------------------------------------- charts


def _ranking(pslide, payload: RankingPayload, lang: str) -> None:
    frame = shown_ranking(payload.frame)
    data = CategoryChartData()
    data.categories = [f"{int(r)}. {n}" for r, n in zip(frame["rank"], frame["name"], strict=True)]
    data.add_series(t("present.axis.d", lang), _none_if_nan(frame["D"].tolist()), number_format="0.000")
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    chart = pslide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *box, data).chart
    _chart_fonts(chart, 9 if len(frame) > 20 else 11)
    chart.has_legend = False
    chart.category_axis.reverse_order = True  # rank 1 on top
    skip = (
        chart.category_axis._element.get_or_add_tickLblSkip()
        if hasattr(chart.category_axis._element, "get_or_add_tickLblSkip")
        else None
    )
    if skip is None:
        etree.SubElement(chart.category_axis._element, qn("c:tickLblSkip")).set("val", "1")
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


def _label_every_category(axis) -> None:
    """c:tickLblSkip = 1, so that no unit name is left out (placed where the schema wants it)."""
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", "1")
    later = [axis._element.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
    anchor = next((e for e in later if e is not None), None)
    if anchor is None:
        axis._element.append(skip)
    else:
        anchor.addprevious(skip)


def _scatter_series(chart, styles: Sequence[tuple[str, bool]]) -> None:
    """Style XY series in order: (colour, is_line) — markers only, or a line without markers."""
    for series, (colour, is_line) in zip(chart.plots[0].series, styles, strict=True):
        if is_line:
            series.marker.style = XL_MARKER_STYLE.NONE
            series.format.line.color.rgb = _rgb(colour)
            series.format.line.width = Pt(1.5)
        else:
            series.marker.style, series.marker.size = XL_MARKER_STYLE.CIRCLE, 6
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _rgb(colour)
            series.marker.format.line.fill.background()


def _quadrant(pslide, payload: RankingPayload, lang: str) -> None:
    frame, data, styles = payload.frame, XyChartData(), []
    lo, hi = quadrant_range(frame)
    kinds = [k for k in LAGGING_COLOURS if (frame["lagging"] == k).any()]
    for kind in kinds:
        part = frame[frame["lagging"] == kind]
        series = data.add_series(t(f"present.lagging.{kind}", lang), number_format="0.000")
        for x, y in zip(part["u_party"], part["u_business"], strict=True):
            series.add_data_point(float(x), float(y))
        styles.append((LAGGING_COLOURS[kind], False))
    diagonal = data.add_series(t("present.series.equal", lang))
    diagonal.add_data_point(lo, lo)
    diagonal.add_data_point(hi, hi)
    styles.append(("#999999", True))
    box = (MARGIN + Inches(2.2), BODY_TOP, Inches(8.0), BODY_BOTTOM - BODY_TOP)
    chart = pslide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *box, data).chart
    _chart_fonts(chart, 11)
    _scatter_series(chart, styles)
    for axis, key in ((chart.category_axis, "present.axis.u_party"), (chart.value_axis, "present.axis.u_business")):
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = lo, hi, 0.1
        axis.has_major_gridlines = True
        _axis_title(axis, t(key, lang))
    chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.BOTTOM, False
    if len(frame) <= LABEL_POINTS_UP_TO:
        for series, kind in zip(chart.plots[0].series, kinds, strict=False):
            names = frame.loc[frame["lagging"] == kind, "name"].tolist()
            for point, name in zip(series.points, names, strict=True):
                point.data_label.text_frame.text = name
                point.data_label.position = XL_LABEL_POSITION.ABOVE
                _style(point.data_label.text_frame.paragraphs[0].runs[0].font, 8, colour=GREY)


def _pair_scatter(pslide, payload: ScatterPayload, lang: str) -> None:
    data, styles = XyChartData(), []
    for i, (group, part) in enumerate(payload.points.groupby("group", sort=True)):
        series = data.add_series(str(group), number_format="0.00")
        for x, y in zip(part["x"], part["y"], strict=True):
            series.add_data_point(float(x), float(y))
        styles.append((PALETTE[i % len(PALETTE)], False))
    if payload.fit is not None:
        fit = payload.fit
        line = data.add_series(t("present.series.fit", lang))
        for x, y in zip(fit["x"], fit["fit"], strict=True):
            line.add_data_point(float(x), float(y))
        styles.append(("#222222", True))
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    chart = pslide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *box, data).chart
    _chart_fonts(chart, 11)
    _scatter_series(chart, styles)
    _axis_title(chart.category_axis, payload.x_label)
    _axis_title(chart.value_axis, payload.y_label)
    for axis in (chart.category_axis, chart.value_axis):  # deviations centre on 0: labels at the edges, not inside
        axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.BOTTOM, False


def _error_bars(series, plus: Sequence[float | None], minus: Sequence[float | None], colour: str) -> None:
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


def _lag(pslide, payload: LagPayload, lang: str) -> None:
    profile = payload.profile
    data = CategoryChartData()
    data.categories = [str(c.lag) for c in profile]
    data.add_series(t("present.series.r", lang), [c.r for c in profile], number_format="0.00")
    box = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    chart = pslide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    _chart_fonts(chart, 12)
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


def _line_chart(pslide, box, periods: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], lang: str):
    data = CategoryChartData()
    data.categories = list(periods)
    for name, values, _ in series:
        data.add_series(name, _none_if_nan(list(values)), number_format="0.000")
    chart = pslide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    _chart_fonts(chart, 11)
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


def _table(pslide, box, header: Sequence[str], rows: Sequence[Sequence[str]], size: float = 11):
    shape = pslide.shapes.add_table(len(rows) + 1, len(header), *box)
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


def _kpis(pslide, payload: KpiPayload, lang: str) -> None:
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


def _unit(pslide, payload: UnitPayload, lang: str) -> None:
    history = payload.history
    if len(history):
        series = [
            (t("present.axis.d", lang), history["D"].tolist(), "#B22222"),
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
        table_box = (Inches(8.0), BODY_TOP, WIDTH - Inches(8.0) - MARGIN, Inches(0.4) * (len(rows) + 1))
        _table(pslide, table_box, header, rows, 10)


def _findings(pslide, payload: FindingsPayload, lang: str) -> None:
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


def heatmap_subset(cells: pd.DataFrame, max_rows: int = HEATMAP_MAX_ROWS, max_cols: int = HEATMAP_MAX_COLS):
    """(rows, cols) metric codes to draw: all, or those with the smallest q (most significant) kept in order."""
    rows, cols = list(dict.fromkeys(cells["x"])), list(dict.fromkeys(cells["y"]))
    best = cells.assign(q=cells["q"].fillna(2.0))

    def keep(codes: list[str], column: str, limit: int) -> list[str]:
        if len(codes) <= limit:
            return codes
        strongest = set(best.groupby(column)["q"].min().nsmallest(limit).index)
        return [c for c in codes if c in strongest]

    return keep(rows, "x", max_rows), keep(cols, "y", max_cols)


def _vertical(cell) -> None:
    cell._tc.get_or_add_tcPr().set("vert", "eaVert")  # Chinese characters upright, stacked top to bottom


def _heatmap(pslide, slide: Slide, lang: str) -> None:
    cells, names = slide.payload.cells, slide.payload.names  # type: ignore[attr-defined]
    rows, cols = heatmap_subset(cells)
    lookup = cells.set_index(["x", "y"])
    header_h, first_w = Inches(1.45), Inches(2.3)
    row_h = min(Inches(0.26), int((BODY_BOTTOM - BODY_TOP - header_h) / max(len(rows), 1)))
    col_w = int((WIDTH - 2 * MARGIN - first_w) / max(len(cols), 1))
    shape = pslide.shapes.add_table(len(rows) + 1, len(cols) + 1, MARGIN, BODY_TOP, first_w + col_w * len(cols),
                                    header_h + row_h * len(rows))  # fmt: skip
    table = shape.table
    table.first_row = table.horz_banding = False
    table.columns[0].width = first_w
    for j in range(len(cols)):
        table.columns[j + 1].width = col_w
    table.rows[0].height = header_h
    for i in range(len(rows)):
        table.rows[i + 1].height = row_h
    _cell(table.cell(0, 0), t("corr.axis.party", lang) + " \\ " + t("corr.axis.business", lang), 7, None, True)
    for j, code in enumerate(cols):
        _cell(table.cell(0, j + 1), names.get(code, code), 7, None, True)
        _vertical(table.cell(0, j + 1))
    for i, x in enumerate(rows):
        _cell(table.cell(i + 1, 0), names.get(x, x), 7, None, True)
        for j, y in enumerate(cols):
            row = lookup.loc[(x, y)]
            if row["insufficient"] or row["r"] is None or np.isnan(row["r"]):
                _cell(table.cell(i + 1, j + 1), t("corr.insufficient", lang), 6, INSUFFICIENT, False)
                continue
            text = f"{row['r']:.2f}{significance_mark(row['q'])}"
            white = abs(row["r"]) > DARK_TEXT_ABOVE
            _cell(table.cell(i + 1, j + 1), text, 7, rdbu(row["r"]), False, white)


def _cell(cell, text: str, size: float, fill: RGBColor | None, bold: bool, white: bool = False) -> None:
    cell.text = text
    cell.margin_left = cell.margin_right = Emu(18000)
    cell.margin_top = cell.margin_bottom = Emu(9000)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is None:
        cell.fill.background()
    else:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    for run in cell.text_frame.paragraphs[0].runs:
        _style(run.font, size, bold, RGBColor(0xFF, 0xFF, 0xFF) if white else RGBColor(0x22, 0x22, 0x22))


# ---------------------------------------------------------------- the presentation


def _body(pslide, slide: Slide, lang: str) -> None:
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


def _properties(presentation, deck: Deck, mark: ExportMark) -> None:
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
