"""How the overview is shown: the texts of its KPI cards and tables, their sparklines (inline SVG), and its plotly
figures (the group's D trend over the ten level bands, the ranking bar chart coloured by level). Functions take data
and a language and return texts, SVG, DataFrames or a plotly ``Figure``; nothing here computes a statistic.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.i18n import numbers as number_format
from analytics.i18n import t
from analytics.stats.coverage import MonthCoverage
from analytics.stats.integration import LEVELS_EN, LEVELS_ZH
from analytics.stats.overview import (
    ALERT_ORDER,
    D_KEY,
    INDEX,
    LEVEL_COLOURS,
    RELATIVE,
    Comparison,
    Kpi,
    red_black,
    unit_rollup,
)
from analytics.stats.unit_profile import display_names

BAR_HEIGHT_PX, CHART_PADDING_PX, MIN_CHART_PX = 26, 170, 420  # 420 px holds the ten-level legend
SPARK_HEIGHT_PX = 36  # the sparkline under a KPI card's value
SPARK_VIEW_W, SPARK_VIEW_H, SPARK_PAD = 240, 36, 4  # its drawing box (stretched to the card's width)
SPARK_COLOUR = "#4C78A8"
BAND_OPACITY = 0.14
BAND_STEP = 0.1  # one coordination level per 0.1 of D
MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


# ---------------------------------------------------------------- card and table texts


def format_value(value: float | None, unit: str, change: str = RELATIVE) -> str:
    """A KPI value (analytics.i18n.numbers): ``98.2%`` for rates, ``0.612`` for D, otherwise thousands separated
    with decimals that matter at its size (``178,212``, ``615.3``, ``12.45``); ``—`` when missing."""
    if change == INDEX:
        return number_format.index(value)
    return number_format.amount(value, "%" if unit == "%" else "")


def format_change(kpi: Kpi, which: str, lang: str) -> str | None:
    """The like-for-like change of ``which`` (``mom`` or ``yoy``) as signed text; None when no unit reported
    in both months.

    % metrics: ``+1.5 百分点`` / ``+1.5 pp``; counts: the difference with its unit (``+5 起``: 1 → 6 accidents is
    not ``+500%``); other metrics: ``+12.3%``, or the difference with its unit when the base is 0 (``+2 万元``);
    D: ``+0.012``. A change that rounds to zero has no sign (``0.0%``).
    """
    compared = kpi.mom if which == "mom" else kpi.yoy
    diff, pct = compared.diff, compared.pct
    if diff is None:
        return None
    kind = number_format.change_kind(kpi.change, kpi.unit)
    if kind == RELATIVE and pct is None:
        kind = number_format.DIFFERENCE
    return number_format.change(kind, pct if kind == RELATIVE else diff, kpi.unit, lang)


def delta_style(change: str | None, direction: int) -> tuple[str, str]:
    """st.metric's ``delta_color`` and ``delta_arrow`` for a change text: no arrow and grey for no change; else
    the arrow follows the sign and the colour the metric's direction (a fall of a lower-is-better metric is
    green: ``inverse``)."""
    if not change or number_format.direction_of(change) == 0:
        return "off", "off"
    return ("inverse" if direction < 0 else "normal"), "auto"


def _against(kpi: Kpi, compared: Comparison, lang: str) -> str:
    """``较 2026-09`` — naming the units compared when they are fewer than this month's."""
    if compared.n_units < kpi.n_units:
        return t("overview.against_some", lang, period=compared.period, n=compared.n_units)
    return t("overview.against", lang, period=compared.period)


def coverage_notice(coverage: MonthCoverage | None, lang: str, hint: bool = True) -> str | None:
    """``2026-11：仅 1 个单位报送了 2 项指标（此前月份最多 30 个单位、36 项指标）。本月尚未报齐：…`` for a partial
    month (None otherwise); ``hint`` adds the latest complete month to choose in the sidebar."""
    if coverage is None or not coverage.partial:
        return None
    one = "_one" if coverage.metrics == 1 else ""
    metrics = t(f"overview.n_metrics{one}", lang, n=coverage.metrics)
    key = "overview.partial_month_one" if coverage.units == 1 else "overview.partial_month"
    text = t(key, lang, period=coverage.period, units=coverage.units, metrics=metrics)
    text += t("overview.partial_usual", lang, units=coverage.usual_units, metrics=coverage.usual_metrics)
    if hint and coverage.last_full:
        text += t("overview.partial_last_full", lang, period=coverage.last_full)
    return text


def ranking_withheld_text(coverage: MonthCoverage, lang: str) -> str:
    """``2026-11 仅 1 个单位指标齐全（此前月份最多 17 个），不足以排名。``"""
    return t("overview.ranking_withheld", lang, period=coverage.period, n=coverage.scored, usual=coverage.usual_scored)


def _caption(kpi: Kpi, mom: str | None, yoy: str | None, lang: str) -> str:
    """Against which months the changes are, the year-on-year change, and from how many units the figure is;
    for a month with no figure (or a thin one, withheld), that instead."""
    d = "_d" if kpi.key == D_KEY else ""
    if kpi.thin:
        return t(f"overview.card_thin{d}", lang, period=kpi.period, n=kpi.n_units, usual=kpi.usual_n_units)
    if kpi.value is None:
        before = t("overview.units_before", lang, n=kpi.previous_n_units) if kpi.previous_n_units else ""
        return t(f"overview.card_none{d}", lang, period=kpi.period) + before
    if mom:
        lines = [t("overview.mom_line", lang, against=_against(kpi, kpi.mom, lang))]
    else:
        lines = [t("overview.mom_none", lang, period=kpi.mom.period)]
    if yoy:
        lines.append(t("overview.yoy", lang, change=yoy, against=_against(kpi, kpi.yoy, lang)))
    else:
        lines.append(t("overview.yoy_none", lang, period=kpi.yoy.period))
    how = "d" if kpi.key == D_KEY else unit_rollup(kpi.rollup, kpi.unit) + ("_stock" if kpi.rollup == "last" else "")
    made = t(f"overview.how_{how}", lang, n=kpi.n_units)
    if kpi.previous_n_units and kpi.previous_n_units != kpi.n_units:
        made += t("overview.units_before", lang, n=kpi.previous_n_units)
    return " · ".join([*lines, made])


def kpi_label(name: str, unit: str, lang: str) -> str:
    """A card's label: the metric's name with its unit of measure (``营业收入（万元）``, ``Revenue (10k yuan)``),
    none for rates and D."""
    if unit in ("", "%"):
        return name
    shown = number_format.unit_label(unit, lang)
    return t("sep.noted", lang, name=name, note=shown)


@dataclass(frozen=True)
class KpiDisplay:
    """What one KPI card shows in one language: st.metric's arguments and the caption under it (the sparkline is
    :func:`sparkline_svg`)."""

    label: str
    value: str
    delta: str | None
    delta_color: str
    delta_arrow: str
    delta_description: str | None
    caption: str
    help: str


def kpi_display(kpi: Kpi, lang: str) -> KpiDisplay:
    """The texts of a KPI card: label with unit, value, month-on-month delta, and a caption with the year-on-year
    change, how the figure is made and from how many units (and that a comparison month is missing, if so)."""
    label = kpi_label(kpi.name(lang), kpi.unit, lang)
    mom, yoy = format_change(kpi, "mom", lang), format_change(kpi, "yoy", lang)
    return KpiDisplay(
        label=label,
        value=format_value(kpi.value, kpi.unit, kpi.change),
        delta=mom,
        delta_color=delta_style(mom, kpi.direction)[0],
        delta_arrow=delta_style(mom, kpi.direction)[1],
        delta_description=t("overview.mom", lang) if mom else None,
        caption=_caption(kpi, mom, yoy, lang),
        help=f"**{label}** — {t(f'overview.change_{number_format.change_kind(kpi.change, kpi.unit)}', lang)}",
    )


def alert_counts(frame: pd.DataFrame, lang: str) -> str:
    """``未报送 2 · 等级下降 6 · …``: how many alerts of each kind, most urgent first (kinds present only)."""
    counts = frame["kind"].value_counts()
    return " · ".join(f"{t(f'overview.kind_{k}', lang)} {counts[k]}" for k in ALERT_ORDER if k in counts)


def list_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A ranking (or red/black list) for display: rank, unit, name, D (3 decimals), level, lagging subsystem —
    headers and texts in ``lang``."""
    return pd.DataFrame(
        {
            t("overview.col_rank", lang): frame["rank"],
            t("col.unit", lang): frame["unit"],
            t("col.name", lang): frame["name"],
            t("overview.col_d", lang): frame["D"].map(number_format.index),
            t("overview.col_level", lang): frame["level_en" if lang == "en" else "level"],
            t("overview.col_lagging", lang): frame["lagging"].map(lambda s: t(f"overview.lagging_{s}", lang)),
        }
    )


def alert_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The month's alerts for display: kind, unit, name, detail — headers and texts in ``lang`` — and the stored
    kind code last (for experts)."""
    return pd.DataFrame(
        {
            t("overview.col_kind", lang): frame["kind"].map(lambda k: t(f"overview.kind_{k}", lang)),
            t("col.unit", lang): frame["unit"],
            t("col.name", lang): frame["name"] if "name" in frame else frame["unit"],
            t("overview.col_detail", lang): frame["detail_en" if lang == "en" else "detail_zh"],
            t("col.code", lang): frame["kind"],
        }
    )


# ---------------------------------------------------------------- figures


def _levels(lang: str) -> tuple[str, ...]:
    return LEVELS_EN if lang == "en" else LEVELS_ZH


def sparkline_svg(kpi: Kpi, lang: str = "zh") -> str:
    """A KPI's monthly figures as a small SVG line (gaps where a month has no figure, a dot on the latest), with
    each month's figure on hover and the series in its ``<title>`` for screen readers.

    An SVG drawn by the browser itself: ``st.metric``'s own sparkline loads a chart library (~0.8 MB of JavaScript,
    +0.2 s on the overview, issue 14) for a line of twelve points. :func:`sparkline_img` puts it on a page.
    """
    values = [np.nan if v is None else float(v) for v in kpi.spark]
    shown = _spark_texts(kpi)
    summary = escape(_spark_summary(kpi, lang))
    width, height, pad = SPARK_VIEW_W, SPARK_VIEW_H, SPARK_PAD
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)

    def at(i: int, v: float) -> str:
        y = height / 2 if hi == lo else pad + (hi - v) / span * (height - 2 * pad)
        return f"{i * step:.1f},{y:.1f}"

    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if math.isfinite(v):
            runs[-1].append(at(i, v))
        elif runs[-1]:
            runs.append([])
    lines = "".join(
        f'<path d="M{" L".join(run)}" fill="none" stroke="{SPARK_COLOUR}" stroke-width="2" '
        f'stroke-linejoin="round" stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
        for run in runs
        if run
    )  # a lone month between gaps is a zero-length path: its round caps draw a dot
    last = next((i for i in range(len(values) - 1, -1, -1) if math.isfinite(values[i])), None)
    dot = (
        f'<path d="M{at(last, values[last])} h0" stroke="{SPARK_COLOUR}" stroke-width="6" stroke-linecap="round" '
        'vector-effect="non-scaling-stroke"/>'
        if last is not None
        else ""
    )
    bands = "".join(
        f'<rect x="{max(i - 0.5, 0) * step:.1f}" y="0" width="{step if 0 < i < len(values) - 1 else step / 2:.1f}" '
        f'height="{height}" fill="transparent"><title>{escape(month)}：{escape(text)}</title></rect>'
        for i, (month, text) in enumerate(shown)
    )  # one hover band per month
    return (
        f'<svg class="kpi-spark" role="img" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        f'width="100%" height="{SPARK_HEIGHT_PX}" xmlns="http://www.w3.org/2000/svg" '
        f'style="display:block;overflow:visible"><title>{summary}</title>{lines}{dot}{bands}</svg>'
    )


def sparkline_img(kpi: Kpi, lang: str = "zh") -> str:
    """:func:`sparkline_svg` as an HTML ``<img>`` (``st.html`` keeps images, not inline SVG) whose ``alt`` and hover
    text list the months and figures."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(sparkline_svg(kpi, lang).encode()).decode()
    text = escape(_spark_summary(kpi, lang), quote=True)
    return f'<img src="{uri}" alt="{text}" title="{text}" style="display:block;width:100%;height:{SPARK_HEIGHT_PX}px">'


def _spark_texts(kpi: Kpi) -> list[tuple[str, str]]:
    """Each sparkline month with its figure as the card writes it ("—" when none)."""
    return [
        (month, format_value(v, kpi.unit, kpi.change)) for month, v in zip(kpi.spark_periods, kpi.spark, strict=True)
    ]


def _spark_summary(kpi: Kpi, lang: str) -> str:
    """``营业收入（万元）：2025-10 176,262；…``: the sparkline in words, for its title and hover."""
    label = kpi_label(kpi.name(lang), kpi.unit, lang)
    return f"{label}：" + "；".join(f"{month} {text}" for month, text in _spark_texts(kpi))


def _band_range(values: pd.Series) -> tuple[float, float]:
    """The D axis range: the levels the data touches, one band of air either side, within [0, 1]."""
    if values.empty:
        return 0.0, 1.0
    lo = max(0.0, math.floor(values.min() / BAND_STEP) * BAND_STEP - BAND_STEP)
    hi = min(1.0, math.ceil(values.max() / BAND_STEP) * BAND_STEP + BAND_STEP)
    return round(lo, 1), round(hi, 1)


def d_trend_figure(trend: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """The group's mean D per month over the coordination-level bands, hover with the number of units."""
    figure = go.Figure(
        go.Scatter(
            x=trend["period"],
            y=trend["D"],
            customdata=trend["n_units"],
            mode="lines+markers",
            line={"color": "#1F2937", "width": 2},
            name=t("overview.d_name", lang),
            hovertemplate=t("overview.fig_trend_hover", lang) + "<extra></extra>",
        )
    )
    lo, hi = _band_range(trend["D"])
    levels = _levels(lang)
    for i in range(round(lo / BAND_STEP), round(hi / BAND_STEP)):
        figure.add_hrect(
            y0=i * BAND_STEP,
            y1=(i + 1) * BAND_STEP,
            fillcolor=LEVEL_COLOURS[i],
            opacity=BAND_OPACITY,
            line_width=0,
            layer="below",
            annotation_text=levels[i],
            annotation_position="inside right",
            annotation_font={"size": 11, "color": LEVEL_COLOURS[i]},
        )
    figure.update_layout(
        title=t("overview.fig_trend_title", lang),
        xaxis_title=t("overview.fig_month", lang),
        yaxis={"title": {"text": t("overview.fig_d_axis", lang)}, "range": [lo, hi], "dtick": BAND_STEP},
        xaxis={"type": "category"},
        height=360,
        margin=MARGIN,
        showlegend=False,
    )
    return figure


def _bar_label(frame: pd.DataFrame, lang: str) -> pd.Series:
    """``name（code）`` (analytics.stats.unit_profile.display_names): names repeat across subsidiaries (two 检修分公司),
    codes do not."""
    labels = display_names(list(frame["unit"]), list(frame["name"]), with_code=True, lang=lang)
    return frame["unit"].map(labels)


def ranking_figure(ranked: pd.DataFrame, period: str, n: int, lang: str = "zh") -> go.Figure:
    """Horizontal bars of D for the red list (top ``n``) and the black list (bottom ``n``), best at the top,
    coloured by coordination level, with a legend of all ten levels; every unit when there are at most 2n."""
    red, black = red_black(ranked, n)
    shown = pd.concat([red, black.iloc[::-1]])
    hidden = len(ranked) - len(shown)
    labels = list(_bar_label(red, lang))
    gap = t("overview.fig_gap", lang, n=hidden)
    if hidden:
        labels.append(gap)
    labels += list(_bar_label(black.iloc[::-1], lang))
    levels = _levels(lang)
    figure = go.Figure()
    for i, level in enumerate(levels):
        rows = shown[shown["level_index"] == i]
        if rows.empty and labels:  # a bar of length 0 keeps the level in the legend
            empty = {"x": [0], "y": labels[:1], "hoverinfo": "skip"}
            figure.add_bar(**empty, orientation="h", name=level, marker_color=LEVEL_COLOURS[i])
            continue
        figure.add_bar(
            x=rows["D"],
            y=_bar_label(rows, lang),
            orientation="h",
            name=level,
            marker_color=LEVEL_COLOURS[i],
            text=rows["D"].map(lambda d: f"{d:.3f}"),
            textposition="outside",
            customdata=rows["rank"],
            hovertemplate=t("overview.fig_rank_hover", lang) + "<extra>" + level + "</extra>",
        )
    if hidden:
        figure.add_bar(x=[0], y=[gap], orientation="h", showlegend=False, hoverinfo="skip", marker_color="#FFFFFF")
    figure.update_layout(
        title=t("overview.fig_ranking_title", lang, period=period),
        xaxis={"title": {"text": t("overview.fig_d_axis", lang)}, "range": [0, 1.08], "dtick": BAND_STEP},
        yaxis={"categoryorder": "array", "categoryarray": labels, "autorange": "reversed", "automargin": True},
        legend={"title": {"text": t("overview.fig_level_legend", lang)}, "traceorder": "reversed"},
        barmode="overlay",
        showlegend=True,
        height=max(MIN_CHART_PX, BAR_HEIGHT_PX * len(labels) + CHART_PADDING_PX),
        margin=MARGIN,
    )
    return figure
