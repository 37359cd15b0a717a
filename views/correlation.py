"""Correlation: party × business heatmap with significance, a pair's scatter with fit and lag profile, findings."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.figures import correlation as cf
from analytics.model.panel import Panel
from analytics.services.findings import findings_of
from analytics.stats.correlation_points import analysis_points, data_need
from analytics.stats.correlations import Correlation, correlate, lag_profile
from analytics.stats.findings import FINDING_LEVELS, FindingScan, causation_note, scanned_metrics
from analytics.stats.findings import scan as findings
from analytics.stats.matrix import matrix
from analytics.stats.options import LAGS, METHODS, PAGE_LEVELS, PROFILE_LAGS, SCALES, TOP_FINDINGS
from ui import data
from ui.context import lang, lazy_tabs, publish, tr, url_choice, view
from ui.widgets import chart, kept, table

POINTS = ("analysis", "raw")


@st.cache_resource(show_spinner=False, max_entries=4)
def analysis_panel(db: str, dv: int, per_capita: bool) -> Panel:
    base = data.panel(db, dv)
    return cf.per_capita_panel(base, data.catalog(db, dv), data.registry(db, dv)) if per_capita else base


@st.cache_data(show_spinner=False, max_entries=32)
def grid(db: str, dv: int, options: cf.Options) -> pd.DataFrame:
    panel = analysis_panel(db, dv, options.per_capita)
    rows, cols = scanned_metrics(panel, data.catalog(db, dv))
    return matrix(panel, rows, cols, lag=options.lag, **options.scope())


@st.cache_data(show_spinner=False, max_entries=16)
def scan(db: str, dv: int, options: cf.Options) -> FindingScan:
    """The findings scan of the view (every lag 0..6: the lag slider does not change it), kept beside the snapshot."""
    panel = analysis_panel(db, dv, options.per_capita)
    rows, cols = scanned_metrics(panel, data.catalog(db, dv))
    o = options
    found = (LAGS, o.level, o.scale, o.method, o.from_, o.to, o.units)
    if o.per_capita:
        return findings(panel, rows, cols, *found)
    return findings_of(data.snapshot(db, dv), rows, cols, *found)


@st.cache_data(show_spinner=False, max_entries=64)
def pair(
    db: str, dv: int, options: cf.Options, x: str, y: str, raw: bool
) -> tuple[Correlation, list[Correlation], pd.DataFrame]:
    panel = analysis_panel(db, dv, options.per_capita)
    corr = correlate(panel, x, y, lag=options.lag, **options.scope())
    profile = lag_profile(panel, x, y, PROFILE_LAGS, **options.scope())
    return corr, profile, analysis_points(panel, x, y, options, raw)


def pick_cell() -> None:
    """A click on a heatmap cell chooses that pair in the select box and opens the pair's tab (callbacks run before
    the page, so the tab opens in the same rerun)."""
    points = st.session_state["corr_heatmap"].selection.points
    if points and points[0].get("customdata"):
        st.session_state["corr_pair"] = "|".join(points[0]["customdata"][:2])
        st.session_state["corr_tab"] = tr("corr.detail")


def resend_translated_choices(language: str) -> None:
    """After a language switch, re-send the values of widgets whose option labels are translated.

    Streamlit matches a radio's or select box's value by its label, so the browser would otherwise show no choice
    (the open tab is ui.context.lazy_tabs' to keep).
    """
    if st.session_state.get("corr_lang", language) != language:
        for key in ("corr_level", "corr_scale", "corr_method", "corr_points", "corr_pair"):
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state["corr_lang"] = language


current, language = view(), lang()
resend_translated_choices(language)
st.title(tr("page.correlation"))
if not data.has_data(current.db):
    st.info(tr("empty.no_data"))
    st.stop()
dv = data.version(current.db)
catalog, registry = data.catalog(current.db, dv), data.registry(current.db, dv)
names = cf.metric_names(catalog, language)

level_col, scale_col = st.columns([3, 2])
url_choice("corr_level", tuple(PAGE_LEVELS), PAGE_LEVELS[0])  # codes in the URL: a link works in either language
url_choice("corr_scale", tuple(SCALES), SCALES[0])
url_choice("corr_method", tuple(METHODS), METHODS[0])
url_choice("corr_points", POINTS, POINTS[0])
level = level_col.radio(
    tr("corr.level"),
    PAGE_LEVELS,
    key="corr_level",
    horizontal=True,
    format_func=lambda v: cf.level_name(v, language),
)
scaled_level = level in FINDING_LEVELS
scale = scale_col.radio(
    tr("corr.scale"),
    SCALES,
    key="corr_scale",
    horizontal=True,
    disabled=not scaled_level,
    format_func=lambda v: cf.scale_name(v, language),
)
level_col.caption(tr(f"corr.level_help.{level}"))
scale_col.caption(tr(f"corr.scale_help.{scale}") if scaled_level else tr("corr.scale_ignored"))
method_col, lag_col = st.columns([3, 2])
method = method_col.radio(
    tr("corr.method"),
    METHODS,
    key="corr_method",
    horizontal=True,
    format_func=lambda v: cf.method_name(v, language),
)
lag_slot = lag_col.empty()  # drawn once the findings are known: its default is the best finding's lag
subs_col, capita_col = st.columns([3, 2])
subs = subs_col.multiselect(
    tr("corr.subsidiaries"),
    cf.subsidiaries(registry),
    key="corr_subs",
    bind="query-params",
    placeholder=tr("ui.choose"),
    format_func=lambda code: registry.by_code(code).name if registry.by_code(code) else code,
)
per_capita = capita_col.toggle(
    tr("corr.per_capita"), key="corr_per_capita", bind="query-params", help=tr("corr.per_capita_help")
)
wanted = list(subs) or list(current.units)
units = tuple(registry.expand(wanted)) if wanted else None
options = cf.Options(per_capita, method, level, 0, current.start, current.end, units, scale)
with st.spinner(tr("corr.computing")):
    found = scan(current.db, dv, options) if level in FINDING_LEVELS else None
best_lag = found.findings[0].lag if found and found.findings else 0  # the headline finding's lag by default
lag = lag_slot.slider(tr("corr.lag"), 0, 6, best_lag, key="corr_lag", bind="query-params", help=tr("corr.lag_help"))
options = cf.Options(per_capita, method, level, lag, current.start, current.end, units, scale)
need = data_need(analysis_panel(current.db, dv, per_capita), options)
if not need.enough:  # say what is missing: every cell of the grid would be grey
    short = need.months < need.need_months
    advice = tr("corr.too_few_months" if short else "corr.too_few_units")
    st.info(tr("corr.too_few", level=cf.level_name(level, language), advice=advice, **asdict(need)))
    if short:  # with too few units the grid still shows each cell's n and the scatter its points
        st.stop()

with st.spinner(tr("corr.computing")):
    cells = grid(current.db, dv, options)
if cells.empty:
    st.info(tr("corr.no_metrics"))
    st.stop()
choices = [f"{x}|{y}" for x, y in zip(cells["x"], cells["y"], strict=True)]
first = cf.default_pair(cells, found.findings if found else ()) or choices[0]
url_choice("corr_pair", tuple(choices), first)
if st.session_state["corr_pair"] not in choices:  # e.g. another level greys out the pair
    st.session_state["corr_pair"] = first
selected = tuple(st.session_state["corr_pair"].split("|"))

# Two tabs, only the open one drawn (on_change="rerun"): the grid and the chosen pair's charts together cost the
# browser ~0.4 s on every visit (issue 14). A click on a cell opens the pair's tab.
tabs = lazy_tabs("corr_tab", {"grid": tr("corr.grid"), "pair": tr("corr.detail")}, "corr_view")
tab_grid, tab_pair = tabs["grid"], tabs["pair"]
with tab_grid:
    if tab_grid.open:
        st.caption(tr("corr.intro"))
        heatmap = kept(
            ("corr.heatmap", current.db, dv, options, selected, language),
            lambda: cf.heatmap_figure(cells, names, language, options, selected),
        )
        chart(heatmap, key="corr_heatmap", on_select=pick_cell, selection_mode="points", width="stretch")
        st.caption(tr("corr.legend"))
        if cf.is_dense(cells):  # a raster grid: hover for r, pick the pair in the other tab
            st.caption(tr("corr.dense_note", n=len(cells)))
        st.caption(tr("corr.grid_pair", pair=tr("corr.pair_option", x=names[selected[0]], y=names[selected[1]])))

with tab_pair:
    if tab_pair.open:
        chosen = st.selectbox(
            tr("corr.pair"),
            choices,
            key="corr_pair",
            format_func=lambda code: tr("corr.pair_option", x=names[code.split("|")[0]], y=names[code.split("|")[1]]),
        )
        shown = st.radio(
            tr("corr.points"), POINTS, key="corr_points", horizontal=True,
            format_func=lambda v: cf.points_name(v, language),
        )  # fmt: skip
        x, y = chosen.split("|")
        raw = shown == "raw"
        scatter_col, lag_col = st.columns(2)

        def pair_pieces() -> tuple[go.Figure, go.Figure, pd.DataFrame]:
            """The scatter, the lag profile and its table of the chosen pair."""
            corr, profile, points = pair(current.db, dv, options, x, y, raw)
            scatter = cf.scatter_figure(points, corr, catalog, cf.unit_groups(registry), language, options, raw)
            return scatter, cf.lag_figure(profile, names, language), cf.lag_table(profile, language)

        scatter, lags, lag_rows = kept(("corr.pair", current.db, dv, options, x, y, raw, language), pair_pieces)
        with scatter_col:
            chart(scatter)
        scatter_col.caption(tr(cf.scatter_caption(options, raw)))
        with lag_col:
            chart(lags)
        lag_col.caption(tr("corr.lagprof.caption"))
        table(lag_rows, where=lag_col)
        st.caption(causation_note(language))
publish("corr_level", "corr_scale", "corr_method", "corr_points", "corr_pair")

st.subheader(tr("corr.findings"))
if found is None:
    st.info(tr("corr.findings_not_here", level=cf.level_name(level, language)))
else:
    sentences = cf.finding_sentences(found.findings, catalog, language)
    choice = cf.choice_text(options, language)
    if sentences:
        st.caption(tr("corr.findings_caption", top=TOP_FINDINGS, scanned=found.scanned, choice=choice))
        st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1)))
    else:
        st.info(tr("corr.no_findings", scanned=found.scanned))
st.warning(causation_note(language))
