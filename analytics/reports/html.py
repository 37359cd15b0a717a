"""Slide figures (plotly) and the self-contained HTML report.

The HTML report opens with no network: plotly.js is embedded once in one ``<script>``, each figure follows as a
``<div>`` with its own small script, fonts come from the system's Chinese font stack (no web fonts), and nothing
links outside. The same figures serve the presentation page. A print variant (fixed figure width, one slide per A4
page) is what headless Chromium turns into the PDF.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from analytics.figures.correlation import LEGEND_FOOT_PX, PALETTE, heatmap_figure, lag_figure, two_lines
from analytics.figures.integration import point_labels, shown_ranking
from analytics.figures.overview import format_value, kpi_label
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
from analytics.stats.coverage import is_thin
from analytics.stats.integration import LAGGING_THRESHOLD

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", '
    '"WenQuanYi Micro Hei", SimHei, "Helvetica Neue", Arial, sans-serif'
)
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud", "select2d"]}
LAGGING_COLOURS = {"party": "#c0392b", "business": "#2471a3", "balanced": "#7f8c8d"}
ACCENT = "#B22222"
FIGURE_HEIGHT = 520
QUADRANT_HEIGHT = 680  # square axes: the height sets the size
HEATMAP_SIDE_PX, HEATMAP_BOTTOM_PX = 300, 260  # row names + colour bar; column names + axis title
HEATMAP_TEXT_MIN_PX = 20  # smaller cells show colour and hover only
PRINT_WIDTH_PX, PRINT_MAX_HEIGHT_PX = 700, 860  # a figure on an A4 page (portrait, 12 mm margins, with its title)


def _safe(text: object) -> str:
    """A label for plotly text: plotly reads a few HTML tags (links among them) in labels, so < and > are escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(figure: go.Figure, height: int = FIGURE_HEIGHT) -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        font={"family": FONT_STACK, "size": 14},
        height=height,
        title=None,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return figure


# ---------------------------------------------------------------- figures, one per charted slide kind


def kpi_figure(payload: KpiPayload, lang: str) -> go.Figure:
    """The mean integration index D of the units, month by month."""
    trend = payload.trend
    figure = go.Figure(
        go.Scatter(
            x=trend["period"],
            y=trend["D"],
            mode="lines+markers",
            line={"color": ACCENT, "width": 3},
            name=t("present.series.d_mean", lang),
            customdata=trend["n"],
            hovertemplate="%{x}: D = %{y:.3f} (n = %{customdata})<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"title": {"text": t("present.axis.month", lang)}, "type": "category"},
        yaxis={"title": {"text": t("present.series.d_mean", lang)}, "rangemode": "tozero"},
    )
    return _layout(figure, 380)


def ranking_figure(payload: RankingPayload, lang: str) -> go.Figure:
    """Horizontal bars of D, rank 1 on top, coloured by which side lags, with a legend of the colours."""
    frame = shown_ranking(payload.frame)
    labels = [f"{int(r)}. {_safe(n)}" for r, n in zip(frame["rank"], frame["name"], strict=True)]
    frame = frame.assign(label=labels)
    figure = go.Figure()
    for kind, colour in LAGGING_COLOURS.items():
        part = frame[frame["lagging"] == kind]
        if part.empty:
            continue
        figure.add_bar(
            x=part["D"],
            y=part["label"],
            orientation="h",
            name=t(f"present.lagging.{kind}", lang),
            marker={"color": colour},
            text=[number_format.index(d) for d in part["D"]],
            textposition="outside",
            hovertemplate="%{y}: D = %{x:.3f} · %{fullData.name}<extra></extra>",
        )
    figure.update_layout(
        xaxis={"title": {"text": t("present.axis.d", lang)}, "range": [0, 1.05]},
        yaxis={"autorange": "reversed", "automargin": True, "categoryorder": "array", "categoryarray": labels},
        legend={"orientation": "h", "yref": "container", "y": 1.0, "yanchor": "top", "x": 0.0},
        barmode="overlay",
        bargap=0.25,
    )
    figure = _layout(figure, max(FIGURE_HEIGHT, 22 * len(frame) + 80))
    return figure.update_layout(margin={"t": 40})


def quadrant_figure(payload: RankingPayload, lang: str) -> go.Figure:
    """U1 (party) across, U2 (business) up, one point per unit coloured by which side lags; diagonal and the
    ±0.1 band of 'in step'. Only the extremes of D are named when there are many (the rest on hover)."""
    frame = payload.frame
    frame = frame.assign(label=point_labels(frame["D"], [_safe(n) for n in frame["name"]]))
    figure = go.Figure()
    for kind, colour in LAGGING_COLOURS.items():
        part = frame[frame["lagging"] == kind]
        figure.add_trace(
            go.Scatter(
                x=part["u_party"],
                y=part["u_business"],
                mode="markers+text",
                text=part["label"],
                textposition="top center",
                textfont={"size": 12},
                hovertext=[_safe(n) for n in part["name"]],
                marker={"size": 11, "color": colour},
                name=t(f"present.lagging.{kind}", lang),
                hovertemplate="%{hovertext}: U1 = %{x:.3f}, U2 = %{y:.3f}<extra></extra>",
            )
        )
    lo, hi = quadrant_range(frame)
    for shift, dash in ((0.0, "solid"), (LAGGING_THRESHOLD, "dash"), (-LAGGING_THRESHOLD, "dash")):
        figure.add_shape(type="line", x0=lo, y0=lo + shift, x1=hi, y1=hi + shift, line={"color": "#999", "dash": dash})
    figure.update_layout(
        xaxis={"title": {"text": t("present.axis.u_party", lang)}, "range": [lo, hi], "constrain": "domain"},
        yaxis={"title": {"text": t("present.axis.u_business", lang)}, "range": [lo, hi], "scaleanchor": "x"},
        legend={"orientation": "h", "y": -0.15},
    )
    return _layout(figure, QUADRANT_HEIGHT)


def quadrant_range(frame: pd.DataFrame, pad: float = 0.05) -> tuple[float, float]:
    """One range for both axes of the quadrant: the scores' span with a margin, on tenths, within [0, 1]."""
    values = pd.concat([frame["u_party"], frame["u_business"]]).dropna()
    if values.empty:
        return 0.0, 1.0
    lo = math.floor((float(values.min()) - pad) * 10) / 10
    hi = math.ceil((float(values.max()) + pad) * 10) / 10
    return max(0.0, lo), min(1.0, hi)


def scatter_figure(payload: ScatterPayload, lang: str) -> go.Figure:
    """Points per unit-month by subsidiary (thinned), the OLS line over every point and its 95% band."""
    points, figure = payload.points, go.Figure()
    for i, (group, part) in enumerate(points.groupby("group", sort=True)):
        figure.add_trace(
            go.Scattergl(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=_safe(group),
                marker={"size": 7, "opacity": 0.75, "color": PALETTE[i % len(PALETTE)]},
                text=[_safe(n) for n in part["name"]],
                customdata=part["month"],
                hovertemplate="%{text} %{customdata}<br>x = %{x:.3g}, y = %{y:.3g}<extra></extra>",
            )
            if len(points) > 1000
            else go.Scatter(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=_safe(group),
                marker={"size": 8, "opacity": 0.8, "color": PALETTE[i % len(PALETTE)]},
                text=[_safe(n) for n in part["name"]],
                customdata=part["month"],
                hovertemplate="%{text} %{customdata}<br>x = %{x:.3g}, y = %{y:.3g}<extra></extra>",
            )
        )
    if payload.fit is not None:  # the line only: a naive band would treat a unit's months as independent
        line = payload.fit
        figure.add_trace(
            go.Scatter(
                x=line["x"],
                y=line["fit"],
                mode="lines",
                line={"color": "#222", "width": 2},
                hoverinfo="skip",
                name=t("present.series.fit", lang),
            )
        )
    figure.update_layout(
        xaxis={"title": {"text": two_lines(_safe(payload.x_label))}},
        yaxis={"title": {"text": two_lines(_safe(payload.y_label))}},
    )
    figure = _layout(figure)
    # the legend at the figure's foot, under an x-axis title of up to three lines (paper-relative offsets collide)
    legend = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0}
    return figure.update_layout(legend=legend, margin={"b": LEGEND_FOOT_PX})


def lag_profile_figure(payload: LagPayload, lang: str) -> go.Figure:
    """r at each lag with its 95% CI (analytics.figures.correlation.lag_figure), in the report's style."""
    first = payload.profile[0]
    figure = lag_figure(payload.profile, {first.x: payload.x_name, first.y: payload.y_name}, lang)
    return _layout(figure, 440)


def unit_figure(payload: UnitPayload, lang: str) -> go.Figure:
    """The unit's D, U1 and U2 month by month."""
    history, figure = payload.history, go.Figure()
    series = (
        ("D", "present.axis.d", ACCENT, 3),
        ("u_party", "present.axis.u_party", "#c0392b", 2),
        ("u_business", "present.axis.u_business", "#2471a3", 2),
    )
    for column, key, colour, width in series:
        figure.add_trace(
            go.Scatter(
                x=history["period"],
                y=history[column],
                mode="lines+markers",
                name=t(key, lang),
                line={"color": colour, "width": width, "dash": "solid" if column == "D" else "dot"},
            )
        )
    figure.update_layout(
        xaxis={"title": {"text": t("present.axis.month", lang)}, "type": "category"},
        yaxis={"range": [0, 1]},
        legend={"orientation": "h", "y": -0.2},
    )
    return _layout(figure, 420)


def heatmap_slide_figure(slide: Slide, lang: str) -> go.Figure:
    """The correlation page's heatmap (analytics.figures.correlation.heatmap_figure), in the report's style."""
    payload = slide.payload
    if not isinstance(payload, HeatmapPayload):
        raise TypeError(f"a {slide.kind} slide without a HeatmapPayload")
    names = {code: _safe(name) for code, name in payload.names.items()}
    figure = heatmap_figure(payload.cells, names, lang)
    height = figure.layout.height or FIGURE_HEIGHT
    figure = _layout(figure, int(height))
    figure.update_layout(clickmode="none", margin={"t": 10})
    return figure


def slide_figure(slide: Slide, lang: str) -> go.Figure | None:
    """The slide's chart; None for slides that are text (findings)."""
    p = slide.payload
    if slide.kind == "heatmap":
        return heatmap_slide_figure(slide, lang)
    if isinstance(p, KpiPayload):
        return kpi_figure(p, lang) if len(p.trend) else None
    if isinstance(p, RankingPayload):
        if p.frame.empty:
            return None
        return ranking_figure(p, lang) if slide.kind == "ranking" else quadrant_figure(p, lang)
    if isinstance(p, ScatterPayload):
        return scatter_figure(p, lang)
    if isinstance(p, LagPayload):
        return lag_profile_figure(p, lang)
    if isinstance(p, UnitPayload):
        return unit_figure(p, lang) if len(p.history) else None
    return None


# ---------------------------------------------------------------- text pieces shared with the page


def number_text(value: float, unit: str = "", digits: int | None = None) -> str:
    """A value for a card or a table (analytics.i18n.numbers.amount): thousands separators, the decimals that
    matter at its size (``digits`` fixed when given), the unit after it; '—' when missing."""
    if number_format.is_missing(value):
        return number_format.MISSING
    if digits is not None:
        return f"{value:,.{digits}f}{(' ' + unit) if unit else ''}"
    return number_format.amount(value, unit)


def change_text(value: float, kind: str, lang: str, unit: str = "") -> str:
    """'+1.2 百分点' (points), '+3.4%' (relative), '+5 起' (a count's difference), '+0.012' (index); '—' when
    missing (analytics.i18n.numbers.change)."""
    return number_format.change(kind, value, unit, lang)


def _units_text(n: int, usual: int, lang: str) -> str:
    """'30 个单位', or for a figure withheld as thin '仅 1 个单位（此前最多 30 个），不计集团数'."""
    if is_thin(n, usual):
        return t("present.kpi_units_thin", lang, n=n, usual=usual)
    return t("present.kpi_units", lang, n=n)


def kpi_cards(payload: KpiPayload, lang: str) -> list[dict[str, str]]:
    """One card per headline metric, written as the overview writes its cards: label (name and unit of measure),
    value, mom, yoy (signed texts), n, and ``mom_tone`` / ``yoy_tone`` (``good``, ``bad`` or ``flat``: the sign
    of the change against the metric's direction)."""
    cards = []
    for _, row in payload.kpis.iterrows():
        direction = -1 if row.get("better") == -1 else 1
        mom = change_text(row["mom"], row["change"], lang, row["unit"])
        yoy = change_text(row["yoy"], row["change"], lang, row["unit"])
        value = None if number_format.is_missing(row["value"]) else float(row["value"])
        cards.append(
            {
                "label": kpi_label(str(row["name"]), str(row["unit"]), lang),
                "value": format_value(value, row["unit"], row["change"]),
                "mom": mom,
                "yoy": yoy,
                "n": _units_text(int(row["n"]), int(row["usual_n"]), lang),
                "mom_tone": _tone(mom, direction),
                "yoy_tone": _tone(yoy, direction),
                "direction": str(direction),
            }
        )
    return cards


def _tone(change: str, direction: int) -> str:
    """``good`` when the change goes the metric's way, ``bad`` when against it, ``flat`` for none."""
    sign = number_format.direction_of(change)
    return "flat" if sign == 0 else "good" if sign * direction > 0 else "bad"


ARROWS = {1: "▲", -1: "▼", 0: ""}


def peer_rows(payload: UnitPayload, lang: str) -> pd.DataFrame:
    """The unit slide's peer table for people: metric name with its unit of measure, then the unit's value and the
    subsidiary's and group's medians written as amounts (no metric codes)."""
    peers = payload.peers
    values = ("unit_value", "sub_median", "group_median")
    rows = [
        {
            "name": kpi_label(str(p["name"]), str(p["unit_of_measure"]), lang),
            **{k: number_format.amount(p[k], "%" if p["unit_of_measure"] == "%" else "") for k in values},
        }
        for _, p in peers.iterrows()
    ]
    return pd.DataFrame(rows, columns=["name", *values])


# ---------------------------------------------------------------- the HTML document

CSS_TEMPLATE = """
:root { --accent: #B22222; }
* { box-sizing: border-box; }
body { font-family: %(fonts)s; margin: 0; color: #222; background: #f4f4f4; }
.mark { background: var(--accent); color: #fff; padding: 6px 16px; font-size: 14px; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { font-size: 28px; margin: 16px 0 4px; }
.meta { color: #555; font-size: 14px; margin: 2px 0; }
.slide { background: #fff; border-radius: 6px; padding: 20px 24px; margin: 20px 0; box-shadow: 0 1px 3px #0002; }
.slide-head { display: flex; justify-content: space-between; color: #888; font-size: 13px; }
.slide h2 { font-size: 26px; margin: 6px 0 2px; }
.sub { color: #444; font-size: 16px; margin: 0 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin: 10px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; }
.card .label { color: #555; font-size: 14px; }
.card .value { font-size: 24px; font-weight: 600; margin: 4px 0; }
.card .chg { font-size: 13px; color: #444; }
.card .good { color: #1a7f37; } .card .bad { color: #c0392b; }
ol.findings li { font-size: 17px; margin: 8px 0; line-height: 1.5; }
.note { font-style: italic; color: #7a1f1f; margin-top: 10px; }
table.data { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
table.data th, table.data td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
table.data th:first-child, table.data td:first-child { text-align: left; }
details.notes { margin-top: 10px; color: #555; font-size: 14px; white-space: pre-line; }
footer { color: #666; font-size: 13px; text-align: center; padding: 16px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  .slide { box-shadow: none; margin: 0; padding: 0; break-after: page; }
  .slide:last-of-type { break-after: auto; }
  details.notes { display: none; }
  .mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
CSS = CSS_TEMPLATE.replace("%(fonts)s", FONT_STACK)


def fit_heatmap(figure: go.Figure, width: int, height: int) -> None:
    """Shrink the heatmap's square markers (and their text) to the cells of a ``width`` × ``height`` figure."""
    rows = len(figure.layout.yaxis.tickvals or ()) or 1
    cols = len(figure.layout.xaxis.tickvals or ()) or 1
    cell = min((width - HEATMAP_SIDE_PX) / cols, (height - HEATMAP_BOTTOM_PX) / rows)
    size = max(cell * 0.92, 4.0)
    for trace in figure.data[:2]:
        trace.marker.size = size
        if size < HEATMAP_TEXT_MIN_PX:
            trace.mode = "markers"
        else:
            trace.textfont.size = min(10, max(6, int(size / 3.5)))
    if len(figure.data) > 2:
        figure.data[2].marker.size = size + 2


def _figure_html(figure: go.Figure, for_print: bool, kind: str = "") -> str:
    if for_print:
        height = min(int(figure.layout.height or FIGURE_HEIGHT), PRINT_MAX_HEIGHT_PX)
        figure.update_layout(width=PRINT_WIDTH_PX, height=height, autosize=False)
        if kind == "heatmap":
            fit_heatmap(figure, PRINT_WIDTH_PX, height)
    config = {**PLOT_CONFIG, "responsive": not for_print, "staticPlot": for_print}
    return figure.to_html(full_html=False, include_plotlyjs=False, config=config, default_height=figure.layout.height)


def _change_html(name: str, change: str, tone: str) -> str:
    """'环比 ▲ +4.6%' with the arrow following the sign and the colour the metric's direction."""
    arrow = ARROWS[number_format.direction_of(change)]
    shown = f"{arrow} {change}" if arrow else change
    return f'{html.escape(name)} <span class="{tone}">{html.escape(shown)}</span>'


def _cards_html(payload: KpiPayload, lang: str) -> str:
    mom, yoy = t("present.mom", lang), t("present.yoy", lang)
    cards = [
        f'<div class="card"><div class="label">{html.escape(c["label"])}</div>'
        f'<div class="value">{html.escape(c["value"])}</div>'
        f'<div class="chg">{_change_html(mom, c["mom"], c["mom_tone"])} · '
        f"{_change_html(yoy, c['yoy'], c['yoy_tone'])} · {html.escape(c['n'])}</div>"
        "</div>"
        for c in kpi_cards(payload, lang)
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _table_html(frame: pd.DataFrame, columns: Sequence[str], lang: str) -> str:
    head = "".join(f"<th>{html.escape(t(f'present.col.{c}', lang))}</th>" for c in columns)
    rows = []
    for _, row in frame.iterrows():
        cells = [number_text(v) if isinstance(v, float) else str(v) for v in (row[c] for c in columns)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _findings_html(payload: FindingsPayload, lang: str) -> str:
    if not payload.sentences:
        items = f"<p>{html.escape(payload.empty)}</p>"
    else:
        items = '<ol class="findings">' + "".join(f"<li>{html.escape(s)}</li>" for s in payload.sentences) + "</ol>"
    return items + f'<p class="note">{html.escape(payload.note)}</p>'


def slide_html(slide: Slide, index: int, total: int, deck: Deck, mark: str, for_print: bool = False) -> str:
    """One slide as an HTML section: counter, title, subtitle, chart or text, filters and data version, notes."""
    lang, parts = deck.lang, []
    if isinstance(slide.payload, KpiPayload):
        parts.append(_cards_html(slide.payload, lang))
    if isinstance(slide.payload, FindingsPayload):
        parts.append(_findings_html(slide.payload, lang))
    figure = slide_figure(slide, lang)
    if figure is not None:
        parts.append(_figure_html(figure, for_print, slide.kind))
    if isinstance(slide.payload, UnitPayload) and len(slide.payload.peers):
        peers = peer_rows(slide.payload, lang)
        parts.append(_table_html(peers, list(peers.columns), lang))
    counter = t("present.counter", lang, i=index, n=total)
    return (
        f'<section class="slide" data-kind="{slide.kind}">'
        f'<div class="slide-head"><span>{html.escape(mark)}</span><span>{counter}</span></div>'
        f'<h2>{html.escape(slide.title)}</h2><p class="sub">{html.escape(slide.subtitle)}</p>{"".join(parts)}'
        f'<p class="meta">{html.escape(deck.scope_text)} · {html.escape(deck.stamp_text)}</p>'
        f'<details class="notes"><summary>{html.escape(t("present.notes_label", lang))}</summary>'
        f"{html.escape(slide.notes)}</details></section>"
    )


def report_html(deck: Deck, mark: str, for_print: bool = False) -> str:
    """The whole report as one HTML document (UTF-8 text) that needs no network."""
    lang = deck.lang
    title = t("present.report_title", lang)
    total = len(deck.slides)
    slides = "".join(slide_html(s, i, total, deck, mark, for_print) for i, s in enumerate(deck.slides, start=1))
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script></head><body>'
        f'<div class="mark">{html.escape(mark)}</div><main><h1>{html.escape(title)}</h1>'
        f'<p class="meta">{html.escape(deck.scope_text)}</p><p class="meta">{html.escape(deck.stamp_text)}</p>'
        f"{slides}</main><footer>{html.escape(mark)}</footer></body></html>"
    )
