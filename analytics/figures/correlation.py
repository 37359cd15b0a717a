"""Figures and tables of the correlation page: functions that take data and return a plotly Figure or a DataFrame.

The heatmap is drawn as a scatter of square markers (one per cell) rather than a heatmap trace, so that a click
on a cell is a point selection the page can read; its stars come from the cluster-robust, BH-adjusted q. The
scatter plot shows by default exactly the values r is computed on (analytics.stats.correlation_points), with the least-
squares line through them and no naive confidence band; the lag profile shows r from y leading by 6 months to x
leading by 6, with the cluster-robust 95% intervals, so the direction check of the findings is visible.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.i18n import numbers as number_format
from analytics.i18n import t
from analytics.model.catalog import Catalog, Metric
from analytics.model.panel import Panel, per_capita
from analytics.model.units import Registry
from analytics.stats.correlation_points import Options, fit_line
from analytics.stats.correlations import Correlation
from analytics.stats.findings import Finding, describe_finding
from analytics.stats.options import CLUSTERED_LEVELS, TOP_FINDINGS

COUNT_UNITS = frozenset("次个项条场件起篇人")  # counts: divided per 100 employees on request
STARS = ((0.001, "★★★"), (0.01, "★★"), (0.05, "★"))  # BH q thresholds of the significance marks
CELL_PX = 38  # heatmap cell height in pixels; the marker fills most of it
MIN_TEXT_CELL_PX = 26  # smaller cells show no text (hover only)
MARKER_FILL = 0.92  # share of the cell the square marker covers
INSUFFICIENT_GREY = "#d9d9d9"
# A grid of more cells than this (the 2,000-unit catalog: 80 × 76) is drawn as one raster heatmap with small cells,
# r on hover and a dot on the cells with a significance mark: 6,000 squares with their texts took the browser
# seconds to draw and could not be read. Its cells are not clicked: the pair is chosen in the select box below.
DENSE_CELLS = 900
DENSE_CELL_PX = 16
DARK_TEXT_ABOVE = 0.55  # |r| above which a cell's text is white (dark cell)
TITLE_COLUMNS = 56  # a half-width chart's title line, in display columns (a CJK character counts two)
TITLE_LINE_PX = 24
STAT_LINE = '<span style="font-size:14px">{}</span>'  # the r, p, n line under a chart's title
MAX_SCATTER_POINTS = 1500  # a scatter is drawn with at most this many points (r and the line use all of them)
THIN_SEED = 20261128
LEGEND_FOOT_PX = 150  # bottom margin: a three-line x-axis title (~90 px) and, below it, the legend
STAT_COLUMNS = 62  # the smaller stat line under a half-width chart's title
AXIS_COLUMNS = 40  # an axis title's line, in display columns
LAG_COLUMNS = ("corr.col.lag", "corr.col.r", "corr.col.ci", "corr.col.p", "corr.col.n", "corr.col.units", "corr.col.df")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")


# ---------------------------------------------------------------- metrics, units, panel


def count_metrics(catalog: Catalog) -> list[str]:
    """Codes of count metrics (unit of measure 次/个/项/条/场/件/起/篇/人)."""
    return [m.code for m in catalog.metrics if m.unit in COUNT_UNITS]


def per_capita_panel(panel: Panel, catalog: Catalog, registry: Registry) -> Panel:
    """The panel with count metrics per 100 employees (registry headcounts; no headcount → missing)."""
    heads = {u.code: u.headcount for u in registry.units if u.headcount}
    return per_capita(panel, heads, count_metrics(catalog))


def metric_names(catalog: Catalog, lang: str) -> dict[str, str]:
    return {m.code: m.name(lang) for m in catalog.metrics}


def subsidiaries(registry: Registry) -> list[str]:
    """Codes of the subsidiaries (units right below a group root; every unit of a flat registry), registry order."""
    parents = {u.parent_code for u in registry.units if u.parent_code}
    roots = {u.code for u in registry.units if not u.parent_code and u.code in parents}
    found = {registry.subsidiary_of(u.code) for u in registry.units if u.code not in roots}
    return [u.code for u in registry.units if u.code in found]


def unit_groups(registry: Registry) -> dict[str, tuple[str, str]]:
    """unit code → (unit name, its subsidiary's name)."""
    names = {u.code: u.name for u in registry.units}
    return {u.code: (u.name, names[registry.subsidiary_of(u.code)]) for u in registry.units}


def strongest_pair(cells: pd.DataFrame) -> str | None:
    """``"x|y"`` of the cell with the smallest q (then largest |r|), the first cell when none has an r."""
    if cells.empty:
        return None
    ranked = cells.assign(size=-cells["r"].abs()).sort_values(["q", "size"], na_position="last", kind="stable")
    row = ranked.iloc[0]
    return f"{row['x']}|{row['y']}"


def default_pair(cells: pd.DataFrame, findings: Sequence[Finding]) -> str | None:
    """``"x|y"`` of the best finding when it is a cell of the grid, else of the cell with the smallest q."""
    keys = set(zip(cells["x"], cells["y"], strict=True))
    best = next((f"{f.x}|{f.y}" for f in findings if (f.x, f.y) in keys), None)
    return best or strongest_pair(cells)


# ---------------------------------------------------------------- formatting


def significance_mark(q: float | None) -> str:
    """★★★ q<0.001, ★★ q<0.01, ★ q<0.05, else '' (also for a missing q)."""
    if q is None or not np.isfinite(q):
        return ""
    return next((mark for limit, mark in STARS if q < limit), "")


def format_p(p: float | None) -> str:
    """p or q for display: '<0.001' below 0.001, three decimals otherwise, '—' when missing."""
    if p is None or not np.isfinite(p):
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _relation(p: float | None) -> str:
    """'= 0.012' or '< 0.001', for sentences such as 'p = 0.012'."""
    text = format_p(p)
    return f"< {text[1:]}" if text.startswith("<") else f"= {text}"


def stat_text(corr: Correlation, lang: str) -> str:
    """'r = 0.45 (95% CI 0.20 to 0.63), p = 0.003, n = 480 pairs in 20 units, df = 19', or why there is no r.

    p is cluster-robust by unit for twoway/within/pooled (df = G − 1), the plain t test for between (df = n − 2).
    """
    if corr.insufficient or corr.r is None:
        return t("corr.stat_insufficient", lang, n=f"{corr.n:,}", units=corr.n_units)
    fields = {"r": f"{corr.r:.2f}", "low": f"{corr.ci_low:.2f}", "high": f"{corr.ci_high:.2f}", "p": _relation(corr.p)}
    key = "corr.stat" if corr.level in CLUSTERED_LEVELS else "corr.stat_units"
    stat = "ρ" if corr.method == "spearman" else "r"
    return t(key, lang, stat=stat, n=f"{corr.n:,}", units=corr.n_units, df=_df_text(corr.df), **fields)


def _df_text(df: float | None) -> str:
    return "—" if df is None else f"{df:.0f}"


def level_name(level: str, lang: str) -> str:
    return t(f"corr.level.{level}", lang)


def scale_name(scale: str, lang: str) -> str:
    return t(f"corr.scale.{scale}", lang)


def points_name(points: str, lang: str) -> str:
    """What the scatter shows: 'analysis' (the values r describes) or 'raw' (as reported)."""
    return t(f"corr.points.{points}", lang)


def choice_text(options: Options, lang: str) -> str:
    """The level, and for within/twoway the scaling, in words: '扣除单位与月份效应，各单位同等权重'."""
    text = t(f"corr.level_short.{options.level}", lang)
    if options.level in ("within", "twoway"):
        text = t("corr.choice", lang, level=text, scale=t(f"corr.scale_short.{options.scale}", lang))
    return text[:1].upper() + text[1:]


def method_name(method: str, lang: str) -> str:
    return t(f"corr.method.{method}", lang)


def unit_of_measure(metric: Metric, lang: str) -> str:
    """The metric's unit of measure in ``lang`` (the catalog writes units in Chinese; unknown ones stay as written)."""
    return i18n.unit_of_measure(metric.unit, lang)


def wrap_title(text: str, columns: int = TITLE_COLUMNS) -> str:
    """``text`` broken into lines (``<br>``) at spaces so each is at most ``columns`` wide (plotly never wraps)."""
    lines: list[str] = []
    for word in re.split(r" +", text):
        if lines and _width(lines[-1]) + 1 + _width(word) <= columns:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def wrap_clauses(text: str, columns: int) -> str:
    """``text`` broken into lines (``<br>``) after its commas ('，' or ', '), each at most ``columns`` wide when the
    clauses allow: statistics such as 'n = 144' are never split."""
    lines: list[str] = []
    for clause in re.findall(r".+?(?:，|, |$)", text):
        if lines and _width(lines[-1]) + _width(clause) <= columns:
            lines[-1] += clause
        else:
            lines.append(clause)
    return "<br>".join(line.rstrip() for line in lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def axis_label(metric: Metric, lang: str, options: Options, later: int = 0, raw: bool = False) -> str:
    """An axis title saying what is plotted: the unit of measure, or for scaled values 'deviation from the unit's
    usual level (SD)', and what was done to the values (k months later, ranks, month effects removed).

    ``later`` is a lag in months (negative: earlier); ``raw`` labels the values as reported.
    """
    notes = [t("corr.note.later" if later > 0 else "corr.note.earlier", lang, k=abs(later))] if later else []
    sep = ", " if lang == "en" else "，"
    if options.scaled and not raw:
        notes += [t("corr.note.rank_within", lang)] if options.method == "spearman" else []
        notes += [t("corr.note.months_removed", lang)] if options.level == "twoway" else []
        extra = sep + sep.join(notes) if notes else ""
        return t("corr.axis.deviation", lang, name=metric.name(lang), notes=extra)
    unit = unit_of_measure(metric, lang)
    if options.per_capita and metric.unit in COUNT_UNITS:
        unit = t("corr.per100", lang, unit=unit)
    if not raw:
        notes += [t("corr.note.rank", lang)] if options.method == "spearman" else []
        notes += [t(f"corr.note.{options.level}", lang)] if options.level in ("within", "twoway") else []
    notes += [t("corr.note.between", lang)] if options.level == "between" else []
    if not notes:
        return t("corr.axis.metric", lang, name=metric.name(lang), unit=unit)
    return t("corr.axis.metric_note", lang, name=metric.name(lang), unit=unit, note=sep.join(notes))


# ---------------------------------------------------------------- heatmap


def _cell_hover(row: Mapping, names: Mapping[str, str], lang: str) -> str:
    x, y = names.get(row["x"], row["x"]), names.get(row["y"], row["y"])
    fields = {"x": x, "y": y, "n": f"{int(row['n']):,}", "units": int(row["n_units"])}
    if row["insufficient"]:
        return t("corr.hover.insufficient", lang, **fields)
    mark = significance_mark(row["q"])
    ci = {"low": f"{row['ci_low']:.2f}", "high": f"{row['ci_high']:.2f}", "df": _df_text(row["df"])}
    stats = {"r": f"{row['r']:.2f}", "mark": mark, "q": format_p(row["q"]), "p": format_p(row["p"]), **ci}
    return t("corr.hover.cell", lang, **stats, **fields)


def _cell_text(row: Mapping, lang: str) -> str:
    if row["insufficient"]:
        return t("corr.insufficient_cell", lang)
    mark, r = significance_mark(row["q"]), number_format.r_value(row["r"])  # never "-0.00"
    return f"{r}<br>{mark}" if mark else r


def is_dense(cells: pd.DataFrame) -> bool:
    """Whether a ``matrix`` frame's grid is drawn as a raster (more than DENSE_CELLS cells, not clickable)."""
    return cells["x"].nunique() * cells["y"].nunique() > DENSE_CELLS


def heatmap_figure(
    cells: pd.DataFrame,
    names: Mapping[str, str],
    lang: str = "zh",
    options: Options = Options(),
    selected: tuple[str, str] | None = None,
) -> go.Figure:
    """Party metrics (rows, cells' x) × business metrics (columns, cells' y), coloured by r on RdBu in [−1, 1].

    ``cells`` is a ``matrix`` frame (x, y, r, p, q, n, n_units, ci_low, ci_high, df, insufficient). Trace 0 holds
    the cells with an r (text: r and the significance mark of the clustered q), trace 1 the insufficient cells
    (grey, 'n 不足'), trace 2 outlines the ``selected`` (x, y) pair. Every point's customdata is [x code, y code].
    """
    rows, cols = list(dict.fromkeys(cells["x"])), list(dict.fromkeys(cells["y"]))
    records = cells.to_dict("records")  # plain rows: a pandas Series per cell costs more than the text itself
    frame = cells.assign(
        col=cells["y"].map({c: i for i, c in enumerate(cols)}),
        row=cells["x"].map({c: i for i, c in enumerate(rows)}),
        hover=[_cell_hover(row, names, lang) for row in records],
        text=[_cell_text(row, lang) for row in records],
    )
    pick = frame[(frame["x"] == selected[0]) & (frame["y"] == selected[1])] if selected else frame.iloc[0:0]
    level, method = choice_text(options, lang), method_name(options.method, lang)
    title = t("corr.heatmap.title", lang, level=level, method=method, lag=options.lag)
    if is_dense(cells):
        return _dense_heatmap(frame, rows, cols, names, lang, pick, title)
    size = CELL_PX * MARKER_FILL
    ok, short = frame[~frame["insufficient"]], frame[frame["insufficient"]]
    scale = {"cmin": -1.0, "cmax": 1.0, "colorscale": "RdBu", "reversescale": True, "showscale": True}  # red = +
    colorbar = {"title": {"text": "r"}, "tickvals": [-1, -0.5, 0, 0.5, 1], "len": 0.8}
    text_colour = ["white" if abs(r) > DARK_TEXT_ABOVE else "#222" for r in ok["r"]]
    figure = go.Figure(
        [
            _cell_trace(ok, "r", {"size": size, "color": ok["r"], **scale, "colorbar": colorbar}, text_colour),
            _cell_trace(short, t("corr.insufficient", lang), {"size": size, "color": INSUFFICIENT_GREY}, "#555"),
            _cell_trace(pick, "selected", {"size": size + 2, "color": "#111", "line": {"width": 3}}, None),
        ]
    )
    figure.data[2].update(marker_symbol="square-open", mode="markers", hoverinfo="skip")
    figure.update_layout(
        title={"text": title},
        height=CELL_PX * max(len(rows), 1) + 300,
        showlegend=False,
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis=_cell_axis(t("corr.axis.business", lang), [names.get(c, c) for c in cols], tickangle=-45),
        yaxis=_cell_axis(t("corr.axis.party", lang), [names.get(r, r) for r in rows], reverse=True),
    )
    return figure


def _dense_heatmap(
    frame: pd.DataFrame,
    rows: list[str],
    cols: list[str],
    names: Mapping[str, str],
    lang: str,
    pick: pd.DataFrame,
    title: str,
) -> go.Figure:
    """A grid of more than DENSE_CELLS cells: trace 0 a raster heatmap of r (insufficient cells empty, on the grey
    background) with each cell's hover; trace 1 a dot on each cell with a significance mark; trace 2 the outline
    of the selected pair."""
    z = np.full((len(rows), len(cols)), np.nan)
    hover = np.full((len(rows), len(cols)), "", dtype=object)
    ok = ~frame["insufficient"].to_numpy(dtype=bool)
    row, col = frame["row"].to_numpy(), frame["col"].to_numpy()
    z[row[ok], col[ok]] = frame["r"].to_numpy(dtype=float)[ok]
    hover[row, col] = frame["hover"].to_numpy()
    marked = frame[ok & frame["q"].lt(STARS[-1][0]).to_numpy()]
    scale = {"zmin": -1.0, "zmax": 1.0, "colorscale": "RdBu", "reversescale": True}
    figure = go.Figure(
        [
            go.Heatmap(
                z=z, hovertext=hover, hoverinfo="text", hoverongaps=False, xgap=1, ygap=1, name="r",
                colorbar={"title": {"text": "r"}, "tickvals": [-1, -0.5, 0, 0.5, 1], "len": 0.6}, **scale,
            ),
            go.Scatter(
                x=marked["col"], y=marked["row"], mode="markers", hoverinfo="skip", name="q",
                marker={"symbol": "circle", "size": 4, "color": "#111"},
            ),
            go.Scatter(
                x=pick["col"], y=pick["row"], mode="markers", hoverinfo="skip", name="selected",
                marker={"symbol": "square-open", "size": DENSE_CELL_PX + 2, "color": "#111", "line": {"width": 2}},
            ),
        ]
    )  # fmt: skip
    figure.update_layout(
        title={"text": title},
        height=DENSE_CELL_PX * max(len(rows), 1) + 300,
        showlegend=False,
        dragmode=False,
        hovermode="closest",
        plot_bgcolor=INSUFFICIENT_GREY,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis=_cell_axis(t("corr.axis.business", lang), [names.get(c, c) for c in cols], tickangle=-90),
        yaxis=_cell_axis(t("corr.axis.party", lang), [names.get(r, r) for r in rows], reverse=True),
        font={"size": 10},
    )
    return figure


def _cell_trace(part: pd.DataFrame, name: str, marker: dict, text_colour: object) -> go.Scatter:
    """Square markers at the (col, row) positions of ``part``, each with its cell text, hover and [x, y] codes."""
    show_text = CELL_PX >= MIN_TEXT_CELL_PX
    return go.Scatter(
        x=part["col"],
        y=part["row"],
        mode="markers+text" if show_text else "markers",
        text=part["text"],
        textfont={"size": 10 if name == "r" else 9, "color": text_colour},
        customdata=part[["x", "y"]].to_numpy(),
        hovertext=part["hover"],
        hoverinfo="text",
        marker={"symbol": "square", "line": {"width": 0}, **marker},
        unselected={"marker": {"opacity": 1}},  # the outline trace marks the chosen cell, not plotly's dimming
        name=name,
    )


def _cell_axis(title: str, labels: list[str], reverse: bool = False, tickangle: int = 0) -> dict:
    """A category axis drawn as integer positions 0..k-1 with the metric names as tick labels."""
    span = [-0.5, len(labels) - 0.5]
    return {
        "title": {"text": title},
        "tickvals": list(range(len(labels))),
        "ticktext": labels,
        "range": span[::-1] if reverse else span,  # reversed: the first row on top
        "tickangle": tickangle,
        "showgrid": False,
        "zeroline": False,
        "automargin": True,
        "fixedrange": True,
    }


# ---------------------------------------------------------------- scatter and lag profile


def thin(points: pd.DataFrame, limit: int = MAX_SCATTER_POINTS, seed: int = THIN_SEED) -> pd.DataFrame:
    """At most ``limit`` rows: a seeded random sample in the original order (all rows when there are fewer).

    A group's scatter of every unit-month (120,000 points at 2,000 units) is megabytes to send and draw and no easier
    to read than a sample; the statistics are always computed on every point."""
    if len(points) <= limit:
        return points
    keep = np.sort(np.random.default_rng(seed).choice(len(points), size=limit, replace=False))
    return points.iloc[keep].reset_index(drop=True)


def scatter_figure(
    points: pd.DataFrame,
    corr: Correlation,
    catalog: Catalog,
    groups: Mapping[str, tuple[str, str]],
    lang: str = "zh",
    options: Options = Options(),
    raw: bool = False,
) -> go.Figure:
    """Points per unit-month coloured by subsidiary, r with its CI, p, n, G units and df in the title.

    ``points`` from ``analysis_points`` (``raw`` as given there); ``groups`` maps unit code → (unit name, subsidiary
    name). The least-squares line is drawn only through the values r describes (not over raw values, where it
    would describe a different, pooled relation), and never with a band: a naive band would treat unit-months as
    independent. No line when the correlation is insufficient.
    """
    x, y = catalog.get(corr.x), catalog.get(corr.y)
    figure = go.Figure()
    shown = thin(points)
    labelled = shown.assign(
        name=shown["unit"].map(lambda u: groups.get(u, (u, u))[0]),
        group=shown["unit"].map(lambda u: groups.get(u, (u, u))[1]),
    )
    # one hover template per trace, the unit and month of each point in its customdata and the subsidiary as the
    # trace's name: the same hover as a template per point, at a fraction of the bytes (3,000 points at scale)
    hover = t("corr.hover.point", lang, unit="%{customdata[0]}", group="%{fullData.name}", month="%{customdata[1]}")
    for i, (group, part) in enumerate(labelled.groupby("group", sort=True)):
        figure.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=str(group),
                marker={"size": 7, "opacity": 0.75, "color": PALETTE[i % len(PALETTE)]},
                customdata=np.column_stack([part["name"].astype(str), part["month"].astype(str)]),
                hovertemplate=hover + "<extra></extra>",
            )
        )
    line = None if corr.insufficient or raw else fit_line(points["x"], points["y"])
    if line is not None:
        fit = go.Scatter(x=line["x"], y=line["fit"], mode="lines", line={"color": "#222", "width": 2},
                         hoverinfo="skip", name=t("corr.fit", lang))  # fmt: skip
        figure.add_trace(fit)
    title = wrap_title(t("corr.scatter.title_raw" if raw else "corr.scatter.title", lang, x=x.name(lang),
                         y=y.name(lang)))  # fmt: skip
    stat = wrap_clauses(stat_text(corr, lang), STAT_COLUMNS)
    if len(shown) < len(points):
        stat += "<br>" + t("corr.scatter.thinned", lang, shown=f"{len(shown):,}", total=f"{len(points):,}")
    lines = title.count("<br>") + stat.count("<br>") + 2
    figure.update_layout(
        title={"text": f"{title}<br>{STAT_LINE.format(stat)}"},
        height=480 + TITLE_LINE_PX * lines,
        xaxis_title=two_lines(axis_label(x, lang, options, raw=raw)),
        yaxis_title=two_lines(axis_label(y, lang, options, later=corr.lag, raw=raw)),
        # the legend sits at the figure's foot whatever its height, below the (automargin) axis title
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0},
        margin={"l": 10, "r": 10, "t": 30 + TITLE_LINE_PX * lines, "b": LEGEND_FOOT_PX},
    )
    if options.scaled and not raw:
        figure.add_hline(y=0, line={"color": "#bbb", "width": 1})
        figure.add_vline(x=0, line={"color": "#bbb", "width": 1})
    return figure


def two_lines(label: str, columns: int = AXIS_COLUMNS) -> str:
    """An axis title broken after the metric's name ('名称：…' or 'name: …'), and before its parenthesis when the
    rest is still wider than ``columns``, so a long one fits its axis."""
    for mark in ("：", ": "):
        if mark in label:
            name, rest = label.split(mark, 1)
            if _width(rest) > columns:
                rest = re.sub(r" ?([（(])", r"<br>\1", rest, count=1)
            return f"{name}{mark.strip()}<br>{rest}"
    return label


def scatter_caption(options: Options, raw: bool) -> str:
    """The translation key of the caption under the scatter plot: what its points are."""
    if raw and options.level in ("within", "twoway"):
        return "corr.scatter.caption_raw"
    return "corr.scatter.caption" if options.scaled else "corr.scatter.caption_plain"


def lag_figure(profile: Sequence[Correlation], names: Mapping[str, str], lang: str = "zh") -> go.Figure:
    """r at each lag (negative: y leads, positive: x leads) with 95% CI error bars; insufficient lags are gaps.

    Labels at both ends of the lag axis say which metric comes first; hover gives p, n, G units and df.
    """
    r = [c.r for c in profile]
    plus = [None if c.r is None or c.ci_high is None else c.ci_high - c.r for c in profile]
    minus = [None if c.r is None or c.ci_low is None else c.r - c.ci_low for c in profile]
    first = profile[0] if profile else None
    x, y = (names.get(first.x, first.x), names.get(first.y, first.y)) if first else ("", "")
    lags = [c.lag for c in profile]
    figure = go.Figure(
        go.Scatter(
            x=lags,
            y=r,
            mode="lines+markers",
            connectgaps=False,
            error_y={"type": "data", "array": plus, "arrayminus": minus, "visible": True},
            marker={"size": 9, "color": "#c0392b"},
            line={"color": "#c0392b"},
            hovertext=[_lag_hover(c, x, y, lang) for c in profile],
            hoverinfo="text",
            name=t("corr.lagprof.series", lang),
        )
    )
    figure.add_hline(y=0, line={"color": "#888", "width": 1, "dash": "dot"})
    figure.add_vline(x=0, line={"color": "#bbb", "width": 1})
    low, high = (min(lags), max(lags)) if lags else (0, 0)
    for side, text in ((0.0, t("corr.lagprof.y_first", lang, y=y)), (1.0, t("corr.lagprof.x_first", lang, x=x))):
        figure.add_annotation(x=side, xref="paper", y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                              xanchor="left" if side == 0 else "right", text=_safe_label(text),
                              font={"size": 12, "color": "#555"})  # fmt: skip
    title = wrap_title(t("corr.lagprof.title", lang, x=x, y=y))
    lines = title.count("<br>") + 2
    figure.update_layout(
        title={"text": title},
        height=400 + TITLE_LINE_PX * lines,
        xaxis={"title": {"text": t("corr.lagprof.xaxis", lang)}, "tickvals": lags, "range": [low - 0.5, high + 0.5]},
        yaxis={"title": {"text": t("corr.lagprof.yaxis", lang)}, "range": [-1.05, 1.05]},
        margin={"l": 10, "r": 10, "t": 30 + TITLE_LINE_PX * lines, "b": 10},
        showlegend=False,
    )
    return figure


def _safe_label(text: str) -> str:
    """Metric names in plotly text: plotly reads a few HTML tags, so < and > are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lag_hover(c: Correlation, x: str, y: str, lang: str) -> str:
    when = t("corr.lag.same", lang) if c.lag == 0 else lag_words(c.lag, x, y, lang)
    if c.insufficient or c.r is None:
        return when + "<br>" + t("corr.stat_insufficient", lang, n=f"{c.n:,}", units=c.n_units)
    fields = {"low": f"{c.ci_low:.2f}", "high": f"{c.ci_high:.2f}", "p": format_p(c.p), "n": f"{c.n:,}"}
    return t("corr.hover.lag", lang, when=when, r=f"{c.r:.2f}", units=c.n_units, df=_df_text(c.df), **fields)


def lag_words(lag: int, x: str, y: str, lang: str) -> str:
    """'党建指标在前 2 个月' / 'x leads by 2 months' (negative: y leads)."""
    if lag == 0:
        return t("corr.lag.same", lang)
    return t("corr.lag.leads", lang, first=x if lag > 0 else y, k=abs(lag))


def lag_table(profile: Iterable[Correlation], lang: str = "zh") -> pd.DataFrame:
    """One row per lag: lag, r, 95% CI, p, n, units (G), df (text, '—' where insufficient), headers in ``lang``."""
    rows = []
    for c in profile:
        ok = not c.insufficient and c.r is not None
        rows.append(
            {
                "corr.col.lag": c.lag,
                "corr.col.r": f"{c.r:.2f}" if ok else t("corr.insufficient", lang),
                "corr.col.ci": f"[{c.ci_low:.2f}, {c.ci_high:.2f}]" if ok else "—",
                "corr.col.p": format_p(c.p) if ok else "—",
                "corr.col.n": c.n,
                "corr.col.units": c.n_units,
                "corr.col.df": _df_text(c.df) if ok else "—",
            }
        )
    frame = pd.DataFrame(rows, columns=list(LAG_COLUMNS))
    return frame.rename(columns=lambda key: t(key, lang))


def finding_sentences(
    findings: Sequence[Finding], catalog: Catalog, lang: str = "zh", top: int = TOP_FINDINGS
) -> list[str]:
    """Plain sentences for the first ``top`` findings (best first, as analytics.stats.findings.scan orders them)."""
    names = metric_names(catalog, lang)
    directions = {m.code: m.direction for m in catalog.metrics}
    return [describe_finding(f, names, lang, directions) for f in findings[:top]]
