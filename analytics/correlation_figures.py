"""Figures and tables of the correlation page: functions that take data and return a plotly Figure or a DataFrame.

The heatmap is drawn as a scatter of square markers (one per cell) rather than a heatmap trace, so that a click
on a cell is a point selection the page can read. The scatter plot shows exactly the values the correlation is
computed on (demeaned within unit for ``within``, ranks for Spearman …) with an OLS fit line and its 95%
confidence band; the lag profile shows r at lags 0..6 with their confidence intervals.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import special

from analytics.catalog import Catalog, Metric
from analytics.correlations import Correlation, Finding, describe_finding
from analytics.i18n import TEXT, t
from analytics.panel import Panel, demean, dense_codes, pair_up, per_capita, twoway_residuals
from analytics.registry import Registry

COUNT_UNITS = frozenset("次个项条场件起篇人")  # counts: divided per 100 employees on request
STARS = ((0.001, "★★★"), (0.01, "★★"), (0.05, "★"))  # BH q thresholds of the significance marks
CELL_PX = 38  # heatmap cell height in pixels; the marker fills most of it
MIN_TEXT_CELL_PX = 26  # smaller cells show no text (hover only)
MARKER_FILL = 0.92  # share of the cell the square marker covers
INSUFFICIENT_GREY = "#d9d9d9"
DARK_TEXT_ABOVE = 0.55  # |r| above which a cell's text is white (dark cell)
TITLE_COLUMNS = 56  # a half-width chart's title line, in display columns (a CJK character counts two)
TITLE_LINE_PX = 24
STAT_LINE = '<span style="font-size:14px">{}</span>'  # the r, p, n line under a chart's title
FIT_POINTS = 60  # points along the fit line and band
CONFIDENCE = 0.95
TOP_FINDINGS = 10
LAGS = range(7)
LAG_COLUMNS = ("corr.col.lag", "corr.col.r", "corr.col.ci", "corr.col.p", "corr.col.n", "corr.col.units")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")


@dataclass(frozen=True)
class Options:
    """The analysis options of the page: every cached result is keyed on these (with database and version)."""

    per_capita: bool = False
    method: str = "pearson"
    level: str = "within"
    lag: int = 0
    from_: str | None = None
    to: str | None = None
    units: tuple[str, ...] | None = None

    def scope(self) -> dict[str, object]:
        """Keyword arguments of analytics.correlations functions (all but the lag)."""
        return {"method": self.method, "level": self.level, "from_": self.from_, "to": self.to, "units": self.units}


# ---------------------------------------------------------------- metrics, units, panel


def count_metrics(catalog: Catalog) -> list[str]:
    """Codes of count metrics (unit of measure 次/个/项/条/场/件/起/篇/人)."""
    return [m.code for m in catalog.metrics if m.unit in COUNT_UNITS]


def per_capita_panel(panel: Panel, catalog: Catalog, registry: Registry) -> Panel:
    """The panel with count metrics per 100 employees (registry headcounts; no headcount → missing)."""
    heads = {u.code: u.headcount for u in registry.units if u.headcount}
    return per_capita(panel, heads, count_metrics(catalog))


def grid_metrics(panel: Panel, catalog: Catalog) -> tuple[list[str], list[str]]:
    """(party metrics, production + efficiency metrics) in catalog order, keeping those with any value in the panel."""
    present = set(panel.metrics[~np.isnan(panel.cube).all(axis=(0, 1))]) if panel.cube.size else set()
    party = [m.code for m in catalog.metrics if m.category == "party" and m.code in present]
    business = [m.code for m in catalog.metrics if m.is_business and m.code in present]
    return party, business


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
    """'r = 0.45, p = 0.003, n = 480 (20 units)', or the 'too few pairs' sentence."""
    if corr.insufficient or corr.r is None:
        return t("corr.stat_insufficient", lang, n=f"{corr.n:,}", units=corr.n_units)
    stat = "ρ" if corr.method == "spearman" else "r"
    return t("corr.stat", lang, stat=stat, r=f"{corr.r:.2f}", p=_relation(corr.p), n=f"{corr.n:,}", units=corr.n_units)


def level_name(level: str, lang: str) -> str:
    return t(f"corr.level.{level}", lang)


def method_name(method: str, lang: str) -> str:
    return t(f"corr.method.{method}", lang)


def unit_of_measure(metric: Metric, lang: str) -> str:
    """The metric's unit of measure in ``lang`` (the catalog writes units in Chinese; unknown ones stay as written)."""
    key = f"corr.uom.{metric.unit}"
    return t(key, lang) if key in TEXT else metric.unit


def wrap_title(text: str, columns: int = TITLE_COLUMNS) -> str:
    """``text`` broken into lines (``<br>``) at spaces so each is at most ``columns`` wide (plotly never wraps)."""
    lines: list[str] = []
    for word in re.split(r" +", text):
        if lines and _width(lines[-1]) + 1 + _width(word) <= columns:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def axis_label(metric: Metric, lang: str, options: Options, later: int = 0) -> str:
    """An axis title with the unit of measure and what was done to the values (demeaned, ranks, k months later)."""
    unit = unit_of_measure(metric, lang)
    if options.per_capita and metric.unit in COUNT_UNITS:
        unit = t("corr.per100", lang, unit=unit)
    notes = [t("corr.note.later", lang, k=later)] if later else []
    if options.method == "spearman":
        notes.append(t("corr.note.rank", lang))
    if options.level in ("within", "twoway", "between"):
        notes.append(t(f"corr.note.{options.level}", lang))
    if not notes:
        return t("corr.axis.metric", lang, name=metric.name(lang), unit=unit)
    sep = ", " if lang == "en" else "，"
    return t("corr.axis.metric_note", lang, name=metric.name(lang), unit=unit, note=sep.join(notes))


# ---------------------------------------------------------------- heatmap


def _cell_hover(row: pd.Series, names: Mapping[str, str], lang: str) -> str:
    x, y = names.get(row["x"], row["x"]), names.get(row["y"], row["y"])
    fields = {"x": x, "y": y, "n": f"{int(row['n']):,}", "units": int(row["n_units"])}
    if row["insufficient"]:
        return t("corr.hover.insufficient", lang, **fields)
    mark = significance_mark(row["q"])
    return t(
        "corr.hover.cell", lang, r=f"{row['r']:.2f}", mark=mark, q=format_p(row["q"]), p=format_p(row["p"]), **fields
    )


def _cell_text(row: pd.Series, lang: str) -> str:
    if row["insufficient"]:
        return t("corr.insufficient_cell", lang)
    mark = significance_mark(row["q"])
    return f"{row['r']:.2f}<br>{mark}" if mark else f"{row['r']:.2f}"


def heatmap_figure(
    cells: pd.DataFrame,
    names: Mapping[str, str],
    lang: str = "zh",
    options: Options = Options(),
    selected: tuple[str, str] | None = None,
) -> go.Figure:
    """Party metrics (rows, cells' x) × business metrics (columns, cells' y), coloured by r on RdBu in [−1, 1].

    ``cells`` is a ``matrix`` frame (x, y, r, p, q, n, n_units, insufficient). Trace 0 holds the cells with an
    r (text: r and the significance mark of q), trace 1 the insufficient cells (grey, 'n 不足'), trace 2 outlines
    the ``selected`` (x, y) pair. Every point's customdata is [x code, y code].
    """
    rows, cols = list(dict.fromkeys(cells["x"])), list(dict.fromkeys(cells["y"]))
    frame = cells.assign(
        col=cells["y"].map({c: i for i, c in enumerate(cols)}),
        row=cells["x"].map({c: i for i, c in enumerate(rows)}),
        hover=cells.apply(_cell_hover, axis=1, args=(names, lang)) if len(cells) else [],
        text=cells.apply(_cell_text, axis=1, args=(lang,)) if len(cells) else [],
    )
    size = CELL_PX * MARKER_FILL
    ok, short = frame[~frame["insufficient"]], frame[frame["insufficient"]]
    scale = {"cmin": -1.0, "cmax": 1.0, "colorscale": "RdBu", "reversescale": True, "showscale": True}  # red = +
    colorbar = {"title": {"text": "r"}, "tickvals": [-1, -0.5, 0, 0.5, 1], "len": 0.8}
    text_colour = ["white" if abs(r) > DARK_TEXT_ABOVE else "#222" for r in ok["r"]]
    pick = frame[(frame["x"] == selected[0]) & (frame["y"] == selected[1])] if selected else frame.iloc[0:0]
    figure = go.Figure(
        [
            _cell_trace(ok, "r", {"size": size, "color": ok["r"], **scale, "colorbar": colorbar}, text_colour),
            _cell_trace(short, t("corr.insufficient", lang), {"size": size, "color": INSUFFICIENT_GREY}, "#555"),
            _cell_trace(pick, "selected", {"size": size + 2, "color": "#111", "line": {"width": 3}}, None),
        ]
    )
    figure.data[2].update(marker_symbol="square-open", mode="markers", hoverinfo="skip")
    level, method = level_name(options.level, lang), method_name(options.method, lang)
    title = t("corr.heatmap.title", lang, level=level, method=method, lag=options.lag)
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


# ---------------------------------------------------------------- the values behind one pair


def analysis_points(
    panel: Panel,
    x: str,
    y: str,
    options: Options = Options(),
) -> pd.DataFrame:
    """The (x, y) values one correlation is computed on, per unit-month (per unit for ``between``).

    Columns: unit (code), month (x's month ``YYYY-MM``; empty for ``between``), x, y. Pairs are as in
    ``correlate``: x of month t with y of month t + lag, both present. For ``within``/``twoway`` units with fewer
    than 2 pairs are dropped; Spearman takes average ranks over the pairs of the analysis first; then values are
    demeaned by unit (``within``), residualised on unit and month effects (``twoway``) or averaged per unit
    (``between``). The Pearson r of the returned x and y is the correlation's r.
    """
    pairs = pair_up(panel, x, y, options.lag, options.from_, options.to, options.units)
    if options.level in ("within", "twoway") and len(pairs):
        counts = np.bincount(pairs.unit)
        pairs = pairs.subset(counts[pairs.unit] >= 2)
    if not len(pairs):
        return pd.DataFrame({"unit": [], "month": [], "x": [], "y": []}).astype({"unit": object, "month": object})
    unit, month, xs, ys = pairs.unit, panel.months[pairs.month].to_numpy(), pairs.x, pairs.y
    if options.level == "between":
        groups, count = dense_codes(pairs.unit)
        sizes = np.bincount(groups, minlength=count)
        xs, ys = (np.bincount(groups, v, count) / sizes for v in (xs, ys))
        unit, month = np.unique(pairs.unit), np.full(count, "", dtype=object)
    if options.method == "spearman":
        xs, ys = (pd.Series(v).rank(method="average").to_numpy() for v in (xs, ys))
    if options.level == "within":
        groups, count = dense_codes(unit)
        xs, ys = demean(xs, groups, count), demean(ys, groups, count)
    elif options.level == "twoway":
        xs, ys = twoway_residuals(xs, unit, pairs.month), twoway_residuals(ys, unit, pairs.month)
    return pd.DataFrame({"unit": panel.units[unit].to_numpy(), "month": month, "x": xs, "y": ys})


def absorbed_parameters(points: pd.DataFrame, level: str) -> int:
    """Parameters the transformation used beyond a line's two: unit means (within), unit + month effects (twoway).

    The fit's residual df is then n − 2 − absorbed (n − n_units − 1 within, n − n_units − n_months twoway, SPEC §5).
    """
    if level == "within":
        return max(points["unit"].nunique() - 1, 0)
    if level == "twoway":
        return max(points["unit"].nunique() + points["month"].nunique() - 2, 0)
    return 0


@dataclass(frozen=True)
class Fit:
    """An OLS line y = intercept + slope·x with its 95% band (columns x, fit, low, high over the x range)."""

    slope: float
    intercept: float
    se_slope: float
    df: int
    band: pd.DataFrame


def ols_fit(x: Sequence[float], y: Sequence[float], absorbed: int = 0, points: int = FIT_POINTS) -> Fit | None:
    """The least-squares line of y on x and the 95% confidence band of its mean, by numpy.

    Residual variance s² = SSR / df with df = n − 2 − ``absorbed`` (parameters already removed from the data,
    e.g. unit means); band half-width t(0.975, df)·s·sqrt(1/n + (x₀ − x̄)²/Sxx) at ``points`` evenly spaced
    x₀ over the range of x. NaN pairs are dropped. None when df < 1 or x does not vary.
    """
    xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n, df = len(xs), len(xs) - 2 - absorbed
    sxx = float(np.sum((xs - xs.mean()) ** 2)) if n else 0.0
    if df < 1 or sxx <= 0:
        return None
    slope = float(np.sum((xs - xs.mean()) * (ys - ys.mean())) / sxx)
    intercept = float(ys.mean() - slope * xs.mean())
    s2 = float(np.sum((ys - intercept - slope * xs) ** 2)) / df
    grid = np.linspace(xs.min(), xs.max(), points)
    fit = intercept + slope * grid
    half = special.stdtrit(df, 0.5 + CONFIDENCE / 2) * np.sqrt(s2 * (1 / n + (grid - xs.mean()) ** 2 / sxx))
    band = pd.DataFrame({"x": grid, "fit": fit, "low": fit - half, "high": fit + half})
    return Fit(slope, intercept, float(np.sqrt(s2 / sxx)), df, band)


# ---------------------------------------------------------------- scatter and lag profile


def scatter_figure(
    points: pd.DataFrame,
    corr: Correlation,
    catalog: Catalog,
    groups: Mapping[str, tuple[str, str]],
    lang: str = "zh",
    options: Options = Options(),
) -> go.Figure:
    """Points per unit-month coloured by subsidiary, OLS fit line with 95% band, r/p/n in the title.

    ``points`` from ``analysis_points``; ``groups`` maps unit code → (unit name, subsidiary name). No fit is drawn
    when the correlation is insufficient.
    """
    x, y = catalog.get(corr.x), catalog.get(corr.y)
    figure = go.Figure()
    labelled = points.assign(
        name=points["unit"].map(lambda u: groups.get(u, (u, u))[0]),
        group=points["unit"].map(lambda u: groups.get(u, (u, u))[1]),
    )
    for i, (group, part) in enumerate(labelled.groupby("group", sort=True)):
        figure.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=str(group),
                marker={"size": 7, "opacity": 0.75, "color": PALETTE[i % len(PALETTE)]},
                hovertemplate=[
                    t("corr.hover.point", lang, unit=n, group=group, month=m) + "<extra></extra>"
                    for n, m in zip(part["name"], part["month"], strict=True)
                ],
            )
        )
    fit = None if corr.insufficient else ols_fit(points["x"], points["y"], absorbed_parameters(points, corr.level))
    if fit is not None:
        _add_fit(figure, fit, lang)
    title = wrap_title(t("corr.scatter.title", lang, x=x.name(lang), y=y.name(lang)))
    lines = title.count("<br>") + 2
    figure.update_layout(
        title={"text": f"{title}<br>{STAT_LINE.format(stat_text(corr, lang))}"},
        height=480 + TITLE_LINE_PX * lines,
        xaxis_title=axis_label(x, lang, options),
        yaxis_title=axis_label(y, lang, options, later=corr.lag),
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 30 + TITLE_LINE_PX * lines, "b": 10},
    )
    return figure


def _add_fit(figure: go.Figure, fit: Fit, lang: str) -> None:
    band = fit.band
    figure.add_trace(
        go.Scatter(
            x=np.concatenate([band["x"], band["x"][::-1]]),
            y=np.concatenate([band["high"], band["low"][::-1]]),
            fill="toself",
            fillcolor="rgba(80, 80, 80, 0.18)",
            line={"width": 0},
            hoverinfo="skip",
            name=t("corr.band", lang),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=band["x"],
            y=band["fit"],
            mode="lines",
            line={"color": "#222", "width": 2},
            hoverinfo="skip",
            name=t("corr.fit", lang),
        )
    )


def lag_figure(profile: Sequence[Correlation], names: Mapping[str, str], lang: str = "zh") -> go.Figure:
    """r at each lag with 95% CI error bars; insufficient lags are gaps (None). Hover gives p and n."""
    r = [c.r for c in profile]
    plus = [None if c.r is None or c.ci_high is None else c.ci_high - c.r for c in profile]
    minus = [None if c.r is None or c.ci_low is None else c.r - c.ci_low for c in profile]
    hover = [_lag_hover(c, lang) for c in profile]
    first = profile[0] if profile else None
    x, y = (names.get(first.x, first.x), names.get(first.y, first.y)) if first else ("", "")
    figure = go.Figure(
        go.Scatter(
            x=[c.lag for c in profile],
            y=r,
            mode="lines+markers",
            connectgaps=False,
            error_y={"type": "data", "array": plus, "arrayminus": minus, "visible": True},
            marker={"size": 9, "color": "#c0392b"},
            line={"color": "#c0392b"},
            hovertext=hover,
            hoverinfo="text",
            name=t("corr.lagprof.series", lang),
        )
    )
    figure.add_hline(y=0, line={"color": "#888", "width": 1, "dash": "dot"})
    title = wrap_title(t("corr.lagprof.title", lang, x=x, y=y))
    lines = title.count("<br>") + 1
    figure.update_layout(
        title={"text": title},
        height=400 + TITLE_LINE_PX * lines,
        xaxis={"title": {"text": t("corr.lagprof.xaxis", lang)}, "tickvals": list(LAGS), "range": [-0.5, 6.5]},
        yaxis={"title": {"text": t("corr.lagprof.yaxis", lang)}, "range": [-1.05, 1.05]},
        margin={"l": 10, "r": 10, "t": 30 + TITLE_LINE_PX * lines, "b": 10},
        showlegend=False,
    )
    return figure


def _lag_hover(c: Correlation, lang: str) -> str:
    if c.insufficient or c.r is None:
        return t("corr.stat_insufficient", lang, n=c.n, units=c.n_units)
    fields = {"low": f"{c.ci_low:.2f}", "high": f"{c.ci_high:.2f}", "p": format_p(c.p), "n": f"{c.n:,}"}
    return t("corr.hover.lag", lang, k=c.lag, r=f"{c.r:.2f}", **fields)


def lag_table(profile: Iterable[Correlation], lang: str = "zh") -> pd.DataFrame:
    """One row per lag: lag, r, 95% CI, p, n, units (text, '—' where insufficient), headers in ``lang``."""
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
            }
        )
    frame = pd.DataFrame(rows, columns=list(LAG_COLUMNS))
    return frame.rename(columns=lambda key: t(key, lang))


def finding_sentences(
    findings: Sequence[Finding], catalog: Catalog, lang: str = "zh", top: int = TOP_FINDINGS
) -> list[str]:
    """Plain sentences for the ``top`` strongest findings (they come strongest first from ``scan_findings``)."""
    names = metric_names(catalog, lang)
    directions = {m.code: m.direction for m in catalog.metrics}
    return [describe_finding(f, names, lang, directions) for f in findings[:top]]
