"""Unit profile: one unit's integration index and rank, its metrics against its peers, its own lagged correlations."""

from functools import cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.figures import integration as fig
from analytics.figures.records import quality_table
from analytics.i18n import numbers as nf
from analytics.model.units import UnknownUnit
from analytics.services.rules import unit_notes
from analytics.stats.coupling import level_name
from analytics.stats.integration import IntegrationSettings, obstacle_degree
from analytics.stats.unit_profile import (
    default_metrics,
    in_view,
    integration_history,
    metric_history,
    own_lag_profile,
    reported_metrics,
    reporting_units,
    unit_labels,
)
from ui import data
from ui.context import lang, publish, tr, url_choice, url_choices, view
from ui.widgets import chart, kept, table

NOTE_COLUMNS = {
    "period": tr("col.period"),
    "metric": tr("col.metric"),
    "value": tr("notes.col.value"),
    "note": tr("notes.col.note"),
    "author": tr("notes.col.author"),
    "batch_id": tr("notes.col.batch"),
}
KINDS = {"n": nf.COUNT, "n_eff": nf.AMOUNT, "a_x": nf.R, "a_y": nf.R, "r": nf.R, "ci_low": nf.R, "ci_high": nf.R}


def lag_pieces(unit: str, x: str, y: str, title: str) -> tuple[go.Figure, pd.DataFrame]:
    """The unit's own lag profile of x and y: the chart and its table ("—", never None)."""
    profile = own_lag_profile(data.panel(current.db, dv), unit, x, y, start=current.start, end=current.end)
    table = nf.text_table(profile.drop(columns=["insufficient", "exploratory"]), {**KINDS, "p": nf.P})
    return fig.lag_profile_figure(profile, title, language), table


current, language = view(), lang()
st.title(tr("profile.title"))
if not data.has_data(current.db):
    st.info(tr("empty.no_data"))
    st.stop()
dv = data.version(current.db)
catalog, registry = data.catalog(current.db, dv), data.registry(current.db, dv)
names, coded = kept(
    ("unit_labels", current.db, dv), lambda: (unit_labels(registry.units), unit_labels(registry.units, with_code=True))
)
metric_names = {m.code: m.name(language) for m in catalog.metrics}
window = (current.db, dv, current.start, current.end)


@cache
def obs() -> pd.DataFrame:
    """The view's values: filtered once per run, and only when a piece below is not kept yet (a window of the
    2,000-unit group is hundreds of MB: not worth keeping beside the pieces made from it)."""
    return in_view(data.analysis_obs(current.db, dv), current.start, current.end)


try:
    units = tuple(registry.expand(list(current.units))) if current.units else None
except UnknownUnit:
    units = None
choices = kept(
    ("profile.units", *window, units),
    lambda: reporting_units(obs(), [u.code for u in registry.units if units is None or u.code in units]),
)
if not choices:
    st.info(tr("profile.no_data_unit"))
    st.stop()
unit = st.selectbox(tr("profile.unit"), choices, key="unit", bind="query-params", format_func=coded.get)
me = registry.by_code(unit)
facts = [tr("profile.parent", name=names.get(me.parent_code, me.parent_code))] if me and me.parent_code else []
facts += [tr("profile.headcount", n=me.headcount)] if me and me.headcount else []
st.caption(" · ".join(facts))

# ---- integration index and rank
result = data.scored(current.db, dv, current.start, current.end, units, IntegrationSettings())
seen = (*window, units, unit, language)  # what the unit's charts are drawn from
history = kept(("profile.history", *seen), lambda: integration_history(result.rows, unit))
if result.insufficient:  # too few units in the basis: nothing is scored, so nothing to rank against
    st.warning(tr("integ.insufficient", n=result.basis_units, k=result.settings.min_units))
elif history.empty:
    st.info(tr("profile.no_score"))
else:
    latest = history.iloc[-1]
    change = latest["D"] - history.iloc[-2]["D"] if len(history) > 1 else None
    kpi = st.columns([0.9, 0.9, 2.2, 1])  # level names run long in English ("intermediate coordination")
    kpi[0].metric(
        tr("profile.kpi_d", period=latest["period"]), f"{latest['D']:.3f}", f"{change:+.3f}" if change else None
    )
    kpi[1].metric(tr("profile.kpi_rank"), tr("profile.kpi_rank_value", rank=latest["rank"], n=latest["n_ranked"]))
    kpi[2].metric(tr("profile.kpi_level"), level_name(int(latest["level_index"]), language))
    kpi[3].metric(tr("profile.kpi_lagging"), tr(f"integ.lagging.{latest['lagging']}"))
    ranks = kept(
        ("profile.ranks", *seen), lambda: fig.rank_history_figure(history, tr("profile.history_title"), language)
    )
    chart(ranks, width="stretch")
    st.caption(tr("profile.defaults_note"))
    # drawn when opened (the expander reruns the page): a closed expander's chart still costs the browser its drawing
    with st.expander(tr("profile.obstacle"), key="profile_obstacle", on_change="rerun") as box:
        if box.open:
            title = tr("integ.obstacle_title", unit=names.get(unit, unit), period=latest["period"], n=fig.TOP_OBSTACLES)
            obstacles = kept(
                ("profile.obstacles", *seen),
                lambda: fig.obstacle_figure(
                    obstacle_degree(result, units=[unit], periods=[latest["period"]]), metric_names, title, language
                ),
            )
            chart(obstacles, width="stretch")
            st.caption(tr("integ.obstacle_help"))

# ---- metrics against the subsidiary and the group
st.subheader(tr("profile.metrics"))
defaults = kept(("profile.defaults", *window, unit), lambda: default_metrics(catalog, obs(), unit))
url_choices("profile_metrics", tuple(catalog.codes()), list(defaults))  # the URL carries codes
chosen = st.multiselect(
    tr("profile.metric_pick"),
    catalog.codes(),
    key="profile_metrics",
    format_func=lambda m: metric_names.get(m, m),
    placeholder=tr("ui.choose"),
)
publish("profile_metrics")
if chosen:
    labels = {m.code: (m.name(language), m.unit) for m in catalog.metrics}
    title = tr("profile.metrics_title", name=names.get(unit, unit))
    peers = kept(
        ("profile.metrics", *seen, tuple(chosen)),
        lambda: fig.metric_history_figure(
            metric_history(obs(), registry.parents(), unit, chosen), labels, title, language
        ),
    )
    chart(peers, width="stretch")
    st.caption(tr("profile.metrics_note"))

# ---- data-quality flags (box-ticking: copied values, uniform 100 %, implausible jumps)
st.subheader(tr("profile.quality_title"))
flags = data.unit_quality_flags(current.db, dv, unit)
if flags.empty:
    st.caption(tr("profile.quality_none"))
else:
    table(kept(("profile.quality", *seen), lambda: quality_table(flags, language)))

# ---- the uploaders' notes (情况说明) on the unit's values in the view's months (SPEC §8)
st.subheader(tr("profile.notes_title"))
notes = kept(("profile.notes", *seen), lambda: unit_notes(current.db, unit, current.start, current.end, language))
if notes.empty:
    st.caption(tr("profile.notes_none"))
else:
    table(notes, config=NOTE_COLUMNS)

# ---- the unit's own lagged correlations
st.subheader(tr("profile.lag_title"))
# exploratory, one unit's short series: drawn on request (the expander reruns the page), which also spares every visit
# its chart and selectors (~0.1 s in the browser, issue 14)
with st.expander(tr("profile.lag_open"), key="profile_lags", on_change="rerun") as lag_box:
    if lag_box.open:
        reported = kept(("profile.reported", *window, unit), lambda: reported_metrics(catalog, obs(), unit))
        if not reported["party"] or not reported["business"]:
            st.info(tr("profile.no_pair"))
            st.stop()
        left, right = st.columns(2)
        for key, options in (("profile_x", reported["party"]), ("profile_y", reported["business"])):
            url_choice(key, tuple(options), options[0])  # metric names are translated: the URL carries codes
            if st.session_state[key] not in options:  # another unit reports other metrics
                st.session_state[key] = options[0]
        x = left.selectbox(tr("profile.x"), reported["party"], key="profile_x", format_func=metric_names.get)
        y = right.selectbox(tr("profile.y"), reported["business"], key="profile_y", format_func=metric_names.get)
        publish("profile_x", "profile_y")
        st.warning(tr("profile.exploratory_note"))
        title = tr("profile.lag_chart_title", x=metric_names[x], y=metric_names[y])
        lags, lag_rows = kept(("profile.lags", *seen, x, y), lambda: lag_pieces(unit, x, y, title))
        chart(lags, width="stretch")
        table(
            lag_rows,
            config={"lag": tr("profile.lag"), "r": "r"}
            | {c: tr(f"profile.{c}") for c in ("n", "n_eff", "a_x", "a_y", "ci_low", "ci_high", "p")},
        )
        st.caption(tr("profile.lag_caution"))
