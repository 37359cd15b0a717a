"""Correlation: party × business heatmap with significance, a pair's scatter with fit and lag profile, findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import correlation_figures as cf
from analytics.correlations import Correlation, Finding, causation_note, correlate, lag_profile, matrix, scan_findings
from analytics.panel import Panel
from ui import data
from ui.context import lang, publish, tr, url_choice, view

LEVELS = ("within", "twoway", "pooled", "between")
METHODS = ("pearson", "spearman")


@st.cache_resource(show_spinner=False, max_entries=4)
def analysis_panel(db: str, dv: int, per_capita: bool) -> Panel:
    base = data.panel(db, dv)
    return cf.per_capita_panel(base, data.catalog(db, dv), data.registry(db, dv)) if per_capita else base


@st.cache_data(show_spinner=False, max_entries=32)
def grid(db: str, dv: int, options: cf.Options) -> pd.DataFrame:
    panel = analysis_panel(db, dv, options.per_capita)
    rows, cols = cf.grid_metrics(panel, data.catalog(db, dv))
    return matrix(panel, rows, cols, lag=options.lag, **options.scope())


@st.cache_data(show_spinner=False, max_entries=16)
def findings(db: str, dv: int, options: cf.Options) -> list[Finding]:
    panel = analysis_panel(db, dv, options.per_capita)
    rows, cols = cf.grid_metrics(panel, data.catalog(db, dv))
    return scan_findings(panel, rows, cols, cf.LAGS, **options.scope())


@st.cache_data(show_spinner=False, max_entries=64)
def pair(db: str, dv: int, options: cf.Options, x: str, y: str) -> tuple[Correlation, list[Correlation], pd.DataFrame]:
    panel = analysis_panel(db, dv, options.per_capita)
    corr = correlate(panel, x, y, lag=options.lag, **options.scope())
    profile = lag_profile(panel, x, y, cf.LAGS, **options.scope())
    return corr, profile, cf.analysis_points(panel, x, y, options)


def pick_cell() -> None:
    """A click on a heatmap cell chooses that pair in the select box (before the select box is drawn)."""
    points = st.session_state["corr_heatmap"].selection.points
    if points and points[0].get("customdata"):
        st.session_state["corr_pair"] = "|".join(points[0]["customdata"][:2])


def resend_translated_choices(language: str) -> None:
    """After a language switch, re-send the values of widgets whose option labels are translated.

    Streamlit matches a radio's or select box's value by its label, so the browser would otherwise show no choice.
    """
    if st.session_state.get("corr_lang", language) != language:
        for key in ("corr_level", "corr_method", "corr_pair"):
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

level_col, method_col, lag_col = st.columns([3, 2, 2])
url_choice("corr_level", tuple(LEVELS), LEVELS[0])  # codes in the URL: a link works in either language
url_choice("corr_method", tuple(METHODS), METHODS[0])
level = level_col.radio(
    tr("corr.level"),
    LEVELS,
    key="corr_level",
    horizontal=True,
    format_func=lambda v: cf.level_name(v, language),
)
level_col.caption(tr(f"corr.level_help.{level}"))
method = method_col.radio(
    tr("corr.method"),
    METHODS,
    key="corr_method",
    horizontal=True,
    format_func=lambda v: cf.method_name(v, language),
)
lag = lag_col.slider(tr("corr.lag"), 0, 6, 0, key="corr_lag", bind="query-params", help=tr("corr.lag_help"))
subs_col, capita_col = st.columns([3, 2])
subs = subs_col.multiselect(
    tr("corr.subsidiaries"),
    cf.subsidiaries(registry),
    key="corr_subs",
    bind="query-params",
    format_func=lambda code: registry.by_code(code).name if registry.by_code(code) else code,
)
per_capita = capita_col.toggle(
    tr("corr.per_capita"), key="corr_per_capita", bind="query-params", help=tr("corr.per_capita_help")
)
wanted = list(subs) or list(current.units)
units = tuple(registry.expand(wanted)) if wanted else None
options = cf.Options(per_capita, method, level, lag, current.start, current.end, units)

with st.spinner(tr("corr.computing")):
    cells = grid(current.db, dv, options)
if cells.empty:
    st.info(tr("corr.no_metrics"))
    st.stop()
choices = [f"{x}|{y}" for x, y in zip(cells["x"], cells["y"], strict=True)]
chosen = st.session_state.get("corr_pair")
selected = tuple(chosen.split("|")) if chosen in choices else None

st.caption(tr("corr.intro"))
st.plotly_chart(
    cf.heatmap_figure(cells, names, language, options, selected),
    key="corr_heatmap",
    on_select=pick_cell,
    selection_mode="points",
    width="stretch",
)
st.caption(tr("corr.legend"))

st.subheader(tr("corr.detail"))
url_choice("corr_pair", tuple(choices), cf.strongest_pair(cells) or choices[0])
if st.session_state["corr_pair"] not in choices:  # e.g. another level greys out the pair
    st.session_state["corr_pair"] = cf.strongest_pair(cells) or choices[0]
chosen = st.selectbox(
    tr("corr.pair"),
    choices,
    key="corr_pair",
    format_func=lambda code: tr("corr.pair_option", x=names[code.split("|")[0]], y=names[code.split("|")[1]]),
)
publish("corr_level", "corr_method", "corr_pair")
x, y = chosen.split("|")
corr, profile, points = pair(current.db, dv, options, x, y)
scatter_col, lag_col = st.columns(2)
scatter_col.plotly_chart(cf.scatter_figure(points, corr, catalog, cf.unit_groups(registry), language, options))
scatter_col.caption(tr("corr.scatter.caption"))
lag_col.plotly_chart(cf.lag_figure(profile, names, language))
lag_col.caption(tr("corr.lagprof.caption"))
lag_col.dataframe(cf.lag_table(profile, language), hide_index=True, width="stretch")
st.caption(causation_note(language))

st.subheader(tr("corr.findings"))
with st.spinner(tr("corr.computing")):
    sentences = cf.finding_sentences(findings(current.db, dv, options), catalog, language)
if sentences:
    st.caption(tr("corr.findings_caption", top=cf.TOP_FINDINGS))
    st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1)))
else:
    st.info(tr("corr.no_findings"))
st.warning(causation_note(language))
