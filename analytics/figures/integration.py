"""Plotly figures of the integration index and the unit profile: each takes data and returns a Figure.

No Streamlit here, so every chart is testable headless. Names (units, metrics) come in as mappings from code to
label, already in the reader's language; all other text goes through the translation table.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.i18n import t, unit_of_measure
from analytics.model.catalog import Catalog
from analytics.stats.coupling import LAGGING_THRESHOLD, LEVELS_EN, LEVELS_ZH
from analytics.stats.integration import (
    IntegrationResult,
    IntegrationSettings,
    missing_metrics,
    obstacle_degree,
    parse_basis,
)
from analytics.stats.unit_profile import weight_table

#: One colour per coordination level, red (extreme imbalance) to green (high-quality coordination): ColorBrewer
#: RdYlGn with 10 classes, which stays readable for the common red–green colour-vision deficiencies in print.
LEVEL_COLOURS: tuple[str, ...] = (
    "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b",
    "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850", "#006837",
)  # fmt: skip
SUBSYSTEM_COLOURS = {"party": "#c0392b", "business": "#1f77b4"}
SERIES_STYLE = {  # the unit against its peers: solid, dashed, dotted
    "unit": {"color": "#c0392b", "dash": "solid", "width": 2.5},
    "subsidiary": {"color": "#1f77b4", "dash": "dash", "width": 1.8},
    "group": {"color": "#7f7f7f", "dash": "dot", "width": 1.8},
}
BAND_COLOUR = "rgba(128, 128, 128, 0.18)"
MISSING_COLOUR = "#bbbbbb"
TREND_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
MULTIPLE_COLUMNS = 3  # small multiples per row
TITLE_WIDTH = 34  # characters per line of a small multiple's title
LABEL_ALL_UP_TO = 12  # quadrant points: name every unit up to this many, else only the highest and lowest D …
LABEL_EXTREMES = 3  # … this many of each
TITLE_BAND = 0.09  # share of the quadrant's span added above and below the points for the quadrant titles
QUADRANT_PX = 620
AXIS_PAD = 0.05  # quadrant axes span the scores ± this (both axes alike, so the band stays at 45°)
MULTIPLE_ROW_PX, BAR_ROW_PX, MIN_HEIGHT_PX = 260, 26, 320
TOP_OBSTACLES = 10
MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}
#: Months as categories in calendar order (YYYY-MM sorts as text), whichever trace names a month first.
MONTH_AXIS = {"type": "category", "categoryorder": "category ascending"}


def level_colour(index: object) -> str:
    """The colour of a level index 0–9 (grey when missing)."""
    if not isinstance(index, (int, float, np.integer, np.floating)) or math.isnan(index):  # None, NA, NaN
        return MISSING_COLOUR
    return LEVEL_COLOURS[int(index)]


def _level_names(lang: str) -> tuple[str, ...]:
    return LEVELS_EN if lang == "en" else LEVELS_ZH


def wrapped(text: str, width: int = TITLE_WIDTH) -> str:
    """``text`` broken into lines of about ``width`` characters with <br> (at spaces for English; a CJK
    character is counted as two)."""
    if sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) <= width:
        return text
    if " " in text:
        return "<br>".join(textwrap.wrap(text, width))
    half = width // 2
    return "<br>".join(text[i : i + half] for i in range(0, len(text), half))


RANKING_BARS = 30  # a ranking chart draws every unit up to this many, else the top and bottom 15


def shown_ranking(frame: pd.DataFrame, limit: int = RANKING_BARS) -> pd.DataFrame:
    """The ranking rows a chart draws (page and exports): all of them, or the first and last ``limit // 2`` (the
    table keeps all)."""
    if len(frame) <= limit:
        return frame
    return pd.concat([frame.head(limit // 2), frame.tail(limit - limit // 2)], ignore_index=True)


def _names(codes: pd.Series, names: Mapping[str, str]) -> list[str]:
    return [names.get(str(c), str(c)) for c in codes]


# ---------------------------------------------------------------- integration page


def quadrant_split(rows: pd.DataFrame) -> tuple[float, float]:
    """Where the quadrants split: the medians of U1 and U2 over the rows scored (NaN when none)."""
    scored = rows[rows["D"].notna()]
    if scored.empty:
        return math.nan, math.nan
    return float(scored["u_party"].median()), float(scored["u_business"].median())


def _band() -> go.Scatter:
    """The in-step band |U1 − U2| ≤ threshold inside the unit square."""
    b = LAGGING_THRESHOLD
    xs = [0, 0, 1 - b, 1, 1, b, 0]
    ys = [0, b, 1, 1, 1 - b, 0, 0]
    return go.Scatter(
        x=xs, y=ys, mode="lines", fill="toself", fillcolor=BAND_COLOUR, line={"width": 0}, hoverinfo="skip"
    )


def _axis_range(scored: pd.DataFrame) -> list[float]:
    values = pd.concat([scored["u_party"], scored["u_business"]])
    if values.empty:
        return [0.0, 1.0]
    return [max(0.0, float(values.min()) - AXIS_PAD), min(1.0, float(values.max()) + AXIS_PAD)]


def labelled(d: pd.Series, selected: Sequence[bool] | None = None) -> np.ndarray:
    """Which points of a quadrant chart carry their name (the rest on hover): every one up to LABEL_ALL_UP_TO
    points, else the LABEL_EXTREMES highest and lowest D and the ``selected`` ones (a mask like ``d``)."""
    if len(d) <= LABEL_ALL_UP_TO:
        return np.ones(len(d), dtype=bool)
    order = d.rank(method="first").to_numpy()
    keep = (order <= LABEL_EXTREMES) | (order > len(d) - LABEL_EXTREMES)
    return keep | np.asarray(selected if selected is not None else np.zeros(len(d), dtype=bool), dtype=bool)


def point_labels(d: pd.Series, labels: Sequence[str], selected: Sequence[bool] | None = None) -> list[str]:
    """``labels`` where :func:`labelled`, else empty."""
    return [label if keep else "" for label, keep in zip(labels, labelled(d, selected), strict=True)]


def _titled(span: list[float]) -> list[float]:
    """The y range with a band for the quadrant titles above and below the points (no name runs into a title)."""
    band = (span[1] - span[0]) * TITLE_BAND
    return [span[0] - band, span[1] + band]


def _point_labels(scored: pd.DataFrame, names: Mapping[str, str], selected: Sequence[str] = ()) -> list[str]:
    """Every unit's name when few; else only the extremes of D and the ``selected`` units (the rest on hover)."""
    return point_labels(scored["D"], _names(scored["unit"], names), scored["unit"].isin(list(selected)).to_numpy())


def choices_text(settings: IntegrationSettings, lang: str = "zh") -> str:
    """'口径：基准 全部数据（默认） · 规模 与同等规模单位相比（默认） · …' — the choices behind a ranking, in words."""
    window = parse_basis(settings.basis)
    basis = f"{window[0]}–{window[1]}" if window else t(f"integ.basis.{settings.basis}", lang)
    return t(
        "integ.choices",
        lang,
        basis=basis,
        size=t(f"integ.size.{settings.size}", lang),
        weights=t(f"integ.weights.{settings.weights_method}", lang),
        missing=t(f"integ.missing.{settings.missing}", lang),
    )


def missing_text(metrics: Sequence[str], no_headcount: bool, metric_names: Mapping[str, str], lang: str) -> str:
    """'职工人数、营业收入' — what an incomplete row lacks: the headcount first, then metric names."""
    parts = ([t("integ.no_headcount", lang)] if no_headcount else []) + [metric_names.get(m, m) for m in metrics]
    return t("sep.list", lang).join(parts)


def incomplete_table(
    result: IntegrationResult, month: str, names: Mapping[str, str], metric_names: Mapping[str, str], lang: str = "zh"
) -> pd.DataFrame:
    """The month's incomplete units for the page: ``incomplete_frame`` (what each lacks, in words) with their U1, U2."""
    missing = missing_metrics(result)
    table = incomplete_frame(missing[missing["period"] == month], names, metric_names, lang)
    scores = result.rows.loc[result.rows["period"] == month, ["unit", "u_party", "u_business"]]
    return table.merge(scores, on="unit", how="left")


def incomplete_frame(
    missing: pd.DataFrame, names: Mapping[str, str], metric_names: Mapping[str, str], lang: str = "zh"
) -> pd.DataFrame:
    """The incomplete units of a month for a table: unit, name, status (数据不全), missing (in words).

    ``missing``: rows of analytics.stats.integration.missing_metrics (unit, metrics, no_headcount) for one month.
    """
    texts = [
        missing_text(m, bool(h), metric_names, lang)
        for m, h in zip(missing["metrics"], missing["no_headcount"], strict=True)
    ]
    return pd.DataFrame(
        {
            "unit": missing["unit"].to_numpy(),
            "name": _names(missing["unit"], names),
            "status": t("integ.incomplete", lang),
            "missing": texts,
        }
    )


def _incomplete_trace(incomplete: pd.DataFrame, names: Mapping[str, str], lang: str) -> go.Scatter:
    """Grey, unlabelled points for the incomplete rows (not ranked, no level), what they lack on hover."""
    hover = [
        f"{name}<br>{t('integ.incomplete', lang)}: {text}"
        for name, text in zip(_names(incomplete["unit"], names), incomplete["missing"], strict=True)
    ]
    return go.Scatter(
        x=incomplete["u_party"],
        y=incomplete["u_business"],
        mode="markers",
        marker={"size": 9, "color": MISSING_COLOUR, "symbol": "circle-open", "line": {"width": 1.5}},
        name=t("integ.incomplete", lang),
        hovertext=hover,
        hoverinfo="text",
    )


def quadrant_figure(
    rows: pd.DataFrame,
    names: Mapping[str, str],
    period: str,
    lang: str = "zh",
    incomplete: pd.DataFrame | None = None,
    selected: Sequence[str] = (),
) -> go.Figure:
    """U1 (x) × U2 (y) of one month's rows, split at the medians, the in-step band shaded, points by level.

    ``rows``: integration rows (unit, u_party, u_business, D, level_index, lagging) of one month; rows without a
    D are left out. ``names``: unit code → label. With many units only the highest and lowest D and the
    ``selected`` units are named (:func:`labelled`); the quadrant titles sit in bands above and below the points.
    ``incomplete``: rows with unit, u_party, u_business and ``missing`` (in words) drawn as grey open circles
    (rows without both scores are left out); they do not move the medians.
    """
    scored = rows[rows["D"].notna()]
    axes = ["u_party", "u_business"]
    drawn = incomplete.dropna(subset=axes) if incomplete is not None else scored.iloc[:0]
    x_split, y_split = quadrant_split(rows)
    span = _axis_range(pd.concat([scored[axes], drawn[axes]]))
    band = _band()
    band.name = t("integ.band", lang)
    figure = go.Figure(band)
    level_names = _level_names(lang)
    hover = [
        f"{name}<br>U1 {u1:.3f} · U2 {u2:.3f}<br>D {d:.3f} {level_names[int(k)]}<br>{t(f'integ.lagging.{lag}', lang)}"
        for name, u1, u2, d, k, lag in zip(
            _names(scored["unit"], names),
            scored["u_party"],
            scored["u_business"],
            scored["D"],
            scored["level_index"],
            scored["lagging"],
            strict=True,
        )
    ]
    figure.add_trace(
        go.Scatter(
            x=scored["u_party"],
            y=scored["u_business"],
            mode="markers+text",
            text=_point_labels(scored, names, selected),
            textposition="top center",
            textfont={"size": 10},
            marker={
                "size": 12,
                "color": [level_colour(k) for k in scored["level_index"]],
                "line": {"width": 1, "color": "#333"},
            },
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    if len(drawn):
        figure.add_trace(_incomplete_trace(drawn, names, lang))
    if not math.isnan(x_split):
        figure.add_vline(x=x_split, line={"dash": "dash", "color": "#555", "width": 1})
        figure.add_hline(y=y_split, line={"dash": "dash", "color": "#555", "width": 1})
    corners = {"hh": (1, 1, "right", "top"), "hl": (1, 0, "right", "bottom")}
    corners |= {"lh": (0, 1, "left", "top"), "ll": (0, 0, "left", "bottom")}
    for key, (x, y, xanchor, yanchor) in corners.items():
        figure.add_annotation(
            x=x, y=y, xref="x domain", yref="y domain", text=f"<b>{t(f'integ.quadrant.{key}', lang)}</b>",
            showarrow=False, xanchor=xanchor, yanchor=yanchor, font={"size": 12, "color": "#444"},
            bgcolor="rgba(255, 255, 255, 0.85)",
        )  # fmt: skip
    figure.update_layout(
        title=t("integ.quadrant_title", lang, period=period),
        xaxis={"title": t("integ.axis_u1", lang), "range": span, "constrain": "domain"},
        yaxis={"title": t("integ.axis_u2", lang), "range": _titled(span), "scaleanchor": "x"},
        height=QUADRANT_PX,
        margin=MARGIN,
        legend={"orientation": "h", "y": -0.12},
    )
    return figure


def d_trend_figure(rows: pd.DataFrame, units: Sequence[str], names: Mapping[str, str], lang: str = "zh") -> go.Figure:
    """D by month, one line per unit in ``units`` (months without a score are gaps), level bands behind."""
    figure = go.Figure()
    _level_bands(figure)
    for i, unit in enumerate(units):
        mine = rows[rows["unit"] == unit].sort_values("period")
        figure.add_trace(
            go.Scatter(
                x=mine["period"],
                y=mine["D"],
                name=names.get(unit, unit),
                mode="lines+markers",
                line={"color": TREND_COLOURS[i % len(TREND_COLOURS)]},
                hovertemplate="%{x}: D %{y:.3f}<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        title=t("integ.trend_title", lang),
        xaxis={"title": t("integ.axis_month", lang), **MONTH_AXIS},
        yaxis={"title": t("integ.axis_d", lang), "range": [0, 1]},
        height=420,
        margin=MARGIN,
    )
    return figure


def _level_bands(figure: go.Figure) -> None:
    """Faint horizontal bands, one per coordination level (D 0–0.1, …, 0.9–1), across the first x axis.

    Written as the layout's shapes at once (what ``add_hrect`` writes, without its per-call axis search)."""
    bands = [
        {"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": k / 10, "y1": (k + 1) / 10,
         "fillcolor": colour, "opacity": 0.08, "line": {"width": 0}, "layer": "below"}
        for k, colour in enumerate(LEVEL_COLOURS)
    ]  # fmt: skip
    figure.update_layout(shapes=[*figure.layout.shapes, *bands])


def ranking_figure(ranking: pd.DataFrame, names: Mapping[str, str], period: str, lang: str = "zh") -> go.Figure:
    """Horizontal bars of D, best at the top, coloured by level with a legend of the levels shown; beyond
    RANKING_BARS units the first and last halves of them with the number left out between (the table below the
    chart has every unit). ``ranking`` as analytics.stats.unit_profile.ranking, ``names`` code → display name."""
    level_names = _level_names(lang)
    hidden = max(0, len(ranking) - RANKING_BARS)
    ranking = shown_ranking(ranking)  # a chart of 2,000 bars is 50,000 px tall and tells nothing
    labels = [f"{r}. {n}" for r, n in zip(ranking["rank"], _names(ranking["unit"], names), strict=True)]
    frame = ranking.assign(label=labels)
    gap = t("overview.fig_gap", lang, n=hidden)
    if hidden:
        labels.insert(RANKING_BARS // 2, gap)
    figure = go.Figure()
    for k in sorted(frame["level_index"].dropna().astype(int).unique(), reverse=True):
        part = frame[frame["level_index"] == k]
        figure.add_bar(
            x=part["D"],
            y=part["label"],
            orientation="h",
            name=level_names[k],
            marker={"color": level_colour(k)},
            text=[f"{d:.3f} {level_names[k]}" for d in part["D"]],
            textposition="outside",
            hovertemplate="%{y}: D %{x:.3f}<extra></extra>",
        )
    if hidden:
        figure.add_bar(x=[0], y=[gap], orientation="h", showlegend=False, hoverinfo="skip", marker_color="#FFFFFF")
    figure.update_layout(
        title=t("integ.ranking_title", lang, period=period),
        xaxis={"title": t("integ.axis_d", lang), "range": [0, 1.15]},
        yaxis={"autorange": "reversed", "type": "category", "categoryorder": "array", "categoryarray": labels},
        legend={"title": {"text": t("integ.level", lang)}},
        barmode="overlay",
        height=max(MIN_HEIGHT_PX, BAR_ROW_PX * len(labels) + 100),
        margin=MARGIN,
    )
    return figure


def level_legend_figure(lang: str = "zh") -> go.Figure:
    """The ten coordination levels as a strip of coloured cells, with their D ranges."""
    level_names = _level_names(lang)
    figure = go.Figure(
        go.Bar(
            x=[0.1] * len(LEVEL_COLOURS),
            y=[""] * len(LEVEL_COLOURS),
            base=[k / 10 for k in range(len(LEVEL_COLOURS))],
            orientation="h",
            marker={"color": list(LEVEL_COLOURS), "line": {"width": 1, "color": "white"}},
            text=[f"{name}<br>{k / 10:.1f}–{(k + 1) / 10:.1f}" for k, name in enumerate(level_names)],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"size": 10, "color": ["white"] * 3 + ["black"] * 5 + ["white"] * 2},
            hoverinfo="text",
        )
    )
    figure.update_layout(
        title=t("integ.legend_title", lang),
        xaxis={"title": t("integ.axis_d", lang), "range": [0, 1], "dtick": 0.1},
        yaxis={"visible": False},
        height=170,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        showlegend=False,
    )
    return figure


def obstacle_figure(
    tidy: pd.DataFrame, metric_names: Mapping[str, str], title: str, lang: str = "zh", top: int = TOP_OBSTACLES
) -> go.Figure:
    """The ``top`` largest obstacle degrees of one unit-month as horizontal bars (%), coloured by subsystem.

    ``tidy``: rows of analytics.stats.integration.obstacle_degree for one unit and month.
    """
    shown = tidy.dropna(subset=["obstacle"]).nlargest(top, "obstacle")
    subsystem = [t(f"integ.subsystem.{s}", lang) for s in shown["subsystem"]]
    figure = go.Figure(
        go.Bar(
            x=shown["obstacle"] * 100,
            y=_names(shown["metric"], metric_names),
            orientation="h",
            marker={"color": [SUBSYSTEM_COLOURS[s] for s in shown["subsystem"]]},
            text=[f"{v:.1f}%" for v in shown["obstacle"] * 100],
            textposition="outside",
            customdata=np.column_stack([subsystem, shown["dimension"], shown["weight"], 1 - shown["deviation"]]),
            hovertemplate="%{y} (%{customdata[0]} · %{customdata[1]})<br>%{x:.1f}%<extra></extra>",
        )
    )
    figure.update_layout(
        title=title,
        xaxis={"title": t("integ.axis_obstacle", lang), "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "type": "category"},
        height=max(MIN_HEIGHT_PX, BAR_ROW_PX * len(shown) + 120),
        margin=MARGIN,
    )
    return figure


def unit_obstacle_figure(
    result: IntegrationResult,
    unit: str,
    month: str,
    names: Mapping[str, str],
    metric_names: Mapping[str, str],
    lang: str = "zh",
) -> go.Figure | None:
    """The unit's largest obstacle degrees in ``month`` (:func:`obstacle_figure`, titled); None when it has none."""
    tidy = obstacle_degree(result, units=[unit], periods=[month])
    if not tidy["obstacle"].notna().any():
        return None
    n = min(TOP_OBSTACLES, int(tidy["obstacle"].notna().sum()))
    title = t("integ.obstacle_title", lang, unit=names.get(unit, unit), period=month, n=n)
    return obstacle_figure(tidy, metric_names, title, lang)


def weights_frame(result: IntegrationResult, catalog: Catalog, lang: str = "zh") -> pd.DataFrame:
    """The result's weights table (metric, subsystem, dimension, weight) with metric and subsystem names in ``lang``."""
    shown = weight_table(result.weights, catalog)
    names = {m.code: m.name(lang) for m in catalog.metrics}
    return shown.assign(
        metric=shown["metric"].map(names), subsystem=shown["subsystem"].map(lambda s: t(f"integ.subsystem.{s}", lang))
    )


def ranks_frame(ranks: pd.DataFrame, names: Mapping[str, str], lang: str = "zh") -> pd.DataFrame:
    """A month's ranking (analytics.stats.unit_profile.ranking) with unit names and the lagging subsystem in words."""
    return ranks.assign(
        name=ranks["unit"].map(names), lagging=ranks["lagging"].map(lambda s: t(f"integ.lagging.{s}", lang))
    )


# ---------------------------------------------------------------- unit profile


def rank_history_figure(history: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """A unit's D by month (top) and its rank among the units scored (bottom, 1 at the top).

    ``history``: analytics.stats.unit_profile.integration_history.
    """
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.6, 0.4])
    level_names = _level_names(lang)
    figure.add_trace(
        go.Scatter(
            x=history["period"],
            y=history["D"],
            mode="lines+markers",
            name="D",
            marker={"color": [level_colour(k) for k in history["level_index"]], "size": 9},
            line={"color": "#555"},
            customdata=[level_names[int(k)] for k in history["level_index"]],
            hovertemplate="%{x}: D %{y:.3f} %{customdata}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=history["period"],
            y=history["rank"],
            mode="lines+markers",
            name=t("profile.kpi_rank", lang),
            line={"color": "#1f77b4"},
            customdata=history["n_ranked"],
            hovertemplate="%{x}: %{y} / %{customdata}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    figure.update_yaxes(title_text=t("integ.axis_d", lang), range=[0, 1], row=1, col=1)
    lowest = int(history["n_ranked"].max()) if len(history) else 1
    figure.update_yaxes(
        title_text=t("profile.axis_rank", lang), range=[lowest + 0.5, 0.5], tickformat="d", row=2, col=1
    )
    figure.update_xaxes(**MONTH_AXIS, row=1, col=1)
    figure.update_xaxes(title_text=t("integ.axis_month", lang), **MONTH_AXIS, row=2, col=1)
    figure.update_layout(title=title, height=480, margin=MARGIN, showlegend=False)
    return figure


def metric_history_figure(
    history: pd.DataFrame, labels: Mapping[str, tuple[str, str]], title: str, lang: str = "zh"
) -> go.Figure:
    """Small multiples, one per metric: the unit's values against the subsidiary and group medians.

    ``history``: analytics.stats.unit_profile.metric_history (metric, period, series, value, n). ``labels``: metric code
    → (name, unit of measure); the unit of measure titles each y axis.
    """
    metrics = list(dict.fromkeys(history["metric"]))
    columns = max(1, min(MULTIPLE_COLUMNS, len(metrics)))
    rows = max(1, math.ceil(len(metrics) / columns))
    titles = [wrapped(labels.get(m, (m, ""))[0]) for m in metrics]
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.5 / rows + 0.04)
    for i, metric in enumerate(metrics):
        row, col = i // columns + 1, i % columns + 1
        mine = history[history["metric"] == metric]
        for series, style in SERIES_STYLE.items():
            part = mine[mine["series"] == series].sort_values("period")
            note = [t("profile.median_n", lang, n=n) if series != "unit" else "" for n in part["n"]]
            figure.add_trace(
                go.Scatter(
                    x=part["period"],
                    y=part["value"],
                    mode="lines+markers" if series == "unit" else "lines",
                    name=t(f"profile.series.{series}", lang),
                    legendgroup=series,
                    showlegend=i == 0,
                    line=style,
                    marker={"size": 5},
                    customdata=note,
                    hovertemplate="%{x}: %{y:,.2f} %{customdata}<extra>%{fullData.name}</extra>",
                ),
                row=row,
                col=col,
            )
        figure.update_yaxes(title_text=unit_of_measure(labels.get(metric, (metric, ""))[1], lang), row=row, col=col)
        figure.update_xaxes(**MONTH_AXIS, nticks=6, row=row, col=col)
    figure.update_layout(
        title=title,
        height=max(MIN_HEIGHT_PX, MULTIPLE_ROW_PX * rows + 80),
        margin={**MARGIN, "t": 120},  # room for the legend and two-line subplot titles
        legend={"orientation": "h", "yref": "container", "y": 1, "yanchor": "top", "x": 1, "xanchor": "right"},
    )
    return figure


def lag_profile_figure(profile: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """A unit's own r by lag (exploratory) with its 95% CI as error bars; lags whose effective sample size is too
    small are marked, not drawn. The hover gives n, n_eff and the effective-n p; nothing is starred.

    ``profile``: analytics.stats.unit_profile.own_lag_profile (lag, n, n_eff, r, ci_low, ci_high, p, insufficient).
    """
    ok = profile[~profile["insufficient"].astype(bool)]
    short = profile[profile["insufficient"].astype(bool)]
    figure = go.Figure(
        go.Scatter(
            x=ok["lag"],
            y=ok["r"],
            mode="markers+lines",
            marker={"size": 10, "color": "#1f77b4"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": ok["ci_high"] - ok["r"],
                "arrayminus": ok["r"] - ok["ci_low"],
            },
            customdata=np.column_stack([ok["n"], ok["n_eff"], ok["p"]]) if len(ok) else None,
            hovertemplate="k = %{x}: r %{y:.3f}<br>n %{customdata[0]:.0f} · n_eff %{customdata[1]:.1f} · "
            "p %{customdata[2]:.3g}<extra></extra>",
            showlegend=False,
        )
    )
    if len(short):
        figure.add_trace(
            go.Scatter(
                x=short["lag"],
                y=[0.0] * len(short),
                mode="markers+text",
                marker={"symbol": "x", "size": 9, "color": MISSING_COLOUR},
                text=[t("profile.insufficient", lang)] * len(short),
                textposition="top center",
                hoverinfo="skip",
                showlegend=False,
            )
        )
    figure.add_hline(y=0, line={"color": "#888", "width": 1})
    figure.update_layout(
        title=title,
        xaxis={"title": t("profile.axis_lag", lang), "dtick": 1},
        yaxis={"title": t("profile.axis_r", lang), "range": [-1.05, 1.05]},
        height=380,
        margin=MARGIN,
    )
    return figure
