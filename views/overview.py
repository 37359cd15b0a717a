"""Overview (总览): group KPIs with month-on-month and year-on-year change, the 融合度 trend and ranking with red and
black lists, reporting completeness, and the month's alerts (data-quality flags included)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.figures.integration import choices_text, incomplete_frame
from analytics.figures.overview import (
    alert_counts,
    alert_table,
    coverage_notice,
    d_trend_figure,
    kpi_display,
    list_table,
    ranking_figure,
    ranking_withheld_text,
    sparkline_img,
)
from analytics.model.catalog import Catalog
from analytics.model.units import UnknownUnit
from analytics.stats.integration import IntegrationSettings
from analytics.stats.overview import DEFAULT_LIST_SIZE, YEAR, Overview, build_overview, red_black, shift_month
from ui import data
from ui.context import integration_settings, lang, tr, view
from ui.widgets import chart, kept, table

CARDS_PER_ROW = 4
LIST_SIZES = (3, 5, 10, 20)
PLOT_CONFIG = {"displaylogo": False}


@st.cache_data(show_spinner=False, max_entries=16)
def overview(
    db: str, version: int, start: str | None, end: str | None, units: tuple[str, ...], settings: IntegrationSettings
) -> Overview:
    """The overview of one view; recomputed only when the data version or the view changes."""
    registry = data.registry(db, version)
    try:
        picked = registry.expand(list(units)) if units else None
    except UnknownUnit:
        picked = None
    # the view plus the year before it: the comparisons and the quality flags' history reach back that far
    return build_overview(
        data.window_obs(db, version, shift_month(start, -YEAR) if start else None, end),
        data.catalog(db, version),
        registry,
        data.completeness_grid(db, version),
        start=start,
        end=end,
        units=picked,
        panel=data.panel(db, version),
        settings=settings,
        basis_obs=data.analysis_obs(db, version),
    )


def ranked(result: Overview, size: int, language: str) -> tuple[go.Figure, pd.DataFrame, pd.DataFrame]:
    """The ranking chart and the red and black lists of ``size`` units."""
    red, black = red_black(result.ranking, size)
    figure = ranking_figure(result.ranking, result.period, size, language)
    return figure, list_table(red, language), list_table(black, language)


def incomplete(result: Overview, catalog: Catalog, language: str) -> pd.DataFrame:
    """The incomplete units with what each lacks, in words."""
    names = dict(zip(result.incomplete["unit"], result.incomplete["name"], strict=True))
    metric_names = {m.code: m.name(language) for m in catalog.metrics}
    return incomplete_frame(result.incomplete, names, metric_names, language)


current, language = view(), lang()
st.title(tr("overview.title"))
if not data.has_data(current.db):
    st.info(tr("empty.no_data"))
    st.stop()
settings = integration_settings()
dv = data.version(current.db)
result = overview(current.db, dv, current.start, current.end, current.units, settings)
seen = (current.db, dv, current.start, current.end, current.units, settings, language)  # what the page shows
if result.period is None:
    st.info(tr("overview.no_view_data"))
    st.stop()
st.caption(tr("overview.asof", period=result.period, start=result.start))
notice = coverage_notice(result.coverage, language)
if notice:  # a month only some units have reported in: say what is in, and that thin figures are withheld
    st.warning(notice, icon=":material/hourglass_top:")

st.subheader(tr("overview.kpis"))
for first in range(0, len(result.kpis), CARDS_PER_ROW):
    columns = st.columns(CARDS_PER_ROW)
    for column, kpi in zip(columns, result.kpis[first : first + CARDS_PER_ROW], strict=False):
        card = kpi_display(kpi, language)
        with column.container(border=True, gap="small"):
            st.metric(
                card.label,
                card.value,
                card.delta,
                delta_color=card.delta_color,
                delta_arrow=card.delta_arrow,
                delta_description=card.delta_description,
                help=card.help,
            )
            st.html(kept(("overview.spark", *seen, kpi.key), lambda kpi=kpi: sparkline_img(kpi, language)))
        column.caption(card.caption)

st.subheader(tr("overview.trend_title"))
if result.insufficient:  # too few units for min–max scores: no trend, no ranking (SPEC §5)
    st.warning(tr("integ.insufficient", n=result.basis_units, k=result.settings.min_units))
else:
    chart(kept(("overview.trend", *seen), lambda: d_trend_figure(result.trend, language)), width="stretch",
          config=PLOT_CONFIG)  # fmt: skip
    st.caption(tr("overview.trend_caption"))

st.subheader(tr("overview.ranking_title", period=result.period))
size = st.select_slider(
    tr("overview.list_size"), LIST_SIZES, value=DEFAULT_LIST_SIZE, key="overview_top", bind="query-params"
)
if result.ranking.empty:
    if result.coverage is not None and result.coverage.ranking_withheld:
        st.info(ranking_withheld_text(result.coverage, language))
    elif not result.insufficient:  # otherwise the warning above says why
        st.info(tr("overview.no_ranking", period=result.period))
else:
    figure, red, black = kept(("overview.ranking", *seen, size), lambda: ranked(result, size, language))
    chart(figure, width="stretch", config=PLOT_CONFIG)
    left, right = st.columns(2)
    left.markdown(f"**{tr('overview.red_list')}**")
    table(red, where=left)
    right.markdown(f"**{tr('overview.black_list')}**")
    table(black, where=right)
    st.caption(tr("overview.ranking_caption", n=len(result.ranking)))
st.markdown(f"**{choices_text(result.settings, language)}**")
st.caption(tr("integ.ranked_note", ranked=len(result.ranking), incomplete=len(result.incomplete)))
st.page_link("views/integration.py", label=tr("integ.change_choices"), icon=":material/tune:")
if len(result.incomplete):
    shown = kept(("overview.incomplete", *seen), lambda: incomplete(result, data.catalog(current.db, dv), language))
    with st.expander(tr("integ.incomplete_title")):
        table(
            shown,
            order=["unit", "name", "status", "missing"],
            config={"unit": tr("col.unit"), "name": tr("col.name"), "status": tr("integ.complete"),
                    "missing": tr("integ.missing_what")},
            muted=True,
        )  # fmt: skip

st.subheader(tr("overview.reporting_title"))
reporting = result.reporting
st.markdown(
    tr(
        "overview.reporting_line",
        period=result.period,
        total=reporting.total,
        reported=reporting.reported,
        partial=reporting.partial,
        missing=reporting.missing,
    )
)
st.page_link("views/completeness.py", label=tr("overview.reporting_link"), icon=":material/calendar_month:")

st.subheader(tr("overview.alerts_title", period=result.period))
st.caption(tr("overview.alerts_caption"))
if result.alerts.empty:
    st.success(tr("overview.alerts_none", period=result.period))
else:
    st.markdown(alert_counts(result.alerts, language))
    wide = {tr("overview.col_detail"): st.column_config.TextColumn(width="large")}
    alerts = kept(("overview.alerts", *seen), lambda: alert_table(result.alerts, language))
    table(alerts, config=wide)
st.caption(tr("overview.not_causal"))
