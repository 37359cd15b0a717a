"""Integration index (融合度): the choices behind it (basis, size, weights, missing), U1 × U2 quadrants, D trend and
ranking of the complete units, the incomplete ones greyed with what they lack, weights, obstacles."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics.figures import integration as fig
from analytics.model.units import UnknownUnit
from analytics.stats.ahp import AhpError, InconsistentJudgementError, PairwiseJudgement, ahp_weights
from analytics.stats.integration import (
    MISSING,
    MODELS,
    SIZES,
    SUBSYSTEMS,
    IntegrationError,
    IntegrationSettings,
)
from analytics.stats.unit_profile import dimensions, ranking, unit_labels, weight_table
from ui import data
from ui.context import lang, lazy_tabs, publish, tr, url_choice, view
from ui.widgets import chart, kept, table

BASES = ("all", "view", "window")
WEIGHTINGS = ("equal", "entropy", "ahp", "fixed")
TREND_DEFAULT_UNITS = 5


def judgement(subsystem: str, dims: list[str], label: str) -> PairwiseJudgement | None:
    """The subsystem's pairwise matrix as the user edits it (upper triangle), or None when refused."""
    blank = pd.DataFrame([["1" if i <= j else "" for j in range(len(dims))] for i in range(len(dims))], dims, dims)
    st.markdown(tr("integ.ahp_matrix", subsystem=label))
    edited = st.data_editor(blank, key=f"ahp_{subsystem}")
    texts = {(a, b): str(edited.loc[a, b]) for i, a in enumerate(dims) for b in dims[i + 1 :]}
    try:
        found = PairwiseJudgement.from_texts(dims, texts)
        check = ahp_weights(found)
    except InconsistentJudgementError as exc:
        st.error(tr("integ.ahp_refused", subsystem=label, cr=exc.cr))
        return None
    except AhpError as exc:
        st.error(tr("integ.ahp_bad", subsystem=label, value=exc.fields.get("text", "")))
        return None
    st.caption(
        tr("integ.ahp_cr", lmax=check.lambda_max, ci=max(check.ci, 0.0), cr=check.cr)
    )  # λmax ≥ n: CI < 0 is rounding
    return found


def choice(column, key: str, options: tuple[str, ...], label: str, note: str | None = None) -> str:
    """A radio whose option codes travel in the URL, its labels translated, with a note on what the choice means."""
    url_choice(key, options, options[0])
    picked = column.radio(tr(label), options, key=key, format_func=lambda o: tr(f"{label}.{o}"))
    column.caption(tr(f"{note or label + '_note'}.{picked}"))
    return picked


current, language = view(), lang()
st.title(tr("integ.title"))
if not data.has_data(current.db):
    st.info(tr("empty.no_data"))
    st.stop()
dv = data.version(current.db)
catalog, registry, months = data.catalog(current.db, dv), data.registry(current.db, dv), data.months(current.db)
names, coded = kept(
    ("unit_labels", current.db, dv), lambda: (unit_labels(registry.units), unit_labels(registry.units, with_code=True))
)
metric_names = {m.code: m.name(language) for m in catalog.metrics}
try:
    units = tuple(registry.expand(list(current.units))) if current.units else None
except UnknownUnit:
    units = None
view_key = (current.db, dv, current.start, current.end, units)
st.caption(tr("integ.intro"))

st.subheader(tr("integ.choices_title"))
basis_col, size_col, weights_col, missing_col = st.columns(4)
basis = choice(basis_col, "basis", BASES, "integ.basis", "integ.basis_note")
if basis == "window":
    first, last = basis_col.select_slider(
        tr("integ.window"), months, value=(months[0], months[-1]), key="window", bind="query-params"
    )
    basis = f"{first}..{last}"
size = choice(size_col, "size", SIZES, "integ.size")
weighting = choice(weights_col, "weighting", WEIGHTINGS, "integ.weights", "integ.weights_note")
missing = choice(missing_col, "missing", MISSING, "integ.missing")
with st.expander(tr("integ.about")):
    url_choice("model", MODELS, MODELS[0])
    model = st.radio(
        tr("integ.model"), MODELS, key="model", horizontal=True, format_func=lambda m: tr(f"integ.model.{m}")
    )
    st.markdown(tr("integ.about_basis"))
    st.markdown(tr("integ.about_saturation"))
publish("model", "basis", "size", "weighting", "missing")

base = IntegrationSettings(
    basis=basis, model=model, size=size, missing=missing, weighting="equal" if weighting == "equal" else "entropy"
)
try:
    result = data.scored(current.db, dv, current.start, current.end, units, base)
except IntegrationError as exc:
    st.error(tr("integ.error", error=exc.message(lang())))
    st.stop()
if result.insufficient:
    st.warning(tr("integ.insufficient", n=result.basis_units, k=base.min_units))
    st.stop()
month_slot = st.container()  # filled once the weights are known, shown above the tabs
# Only the open tab's charts are drawn (on_change="rerun": a click on a tab runs the page again): four tabs of
# charts drawn at once cost the browser about half a second on every visit. The weights tab always runs, for the
# weights it sets apply to every tab (its AHP and fixed-weight inputs keep their state); its table is drawn when open.
tab_quadrant, tab_trend, tab_weights, tab_obstacle = lazy_tabs(
    "integ_tab", {k: tr(f"integ.tab.{k}") for k in ("quadrant", "trend", "weights", "obstacle")}, "integ_view"
).values()
with tab_weights:
    settings = base
    if weighting == "ahp":
        st.caption(tr("integ.ahp_help"))
        judgements = {}
        for subsystem in SUBSYSTEMS:
            label, dims = tr(f"integ.subsystem.{subsystem}"), dimensions(result.weights, catalog, subsystem)
            found = judgement(subsystem, dims, label) if len(dims) > 1 else None
            if found is not None:
                judgements[subsystem] = found
        settings = replace(base, ahp=judgements or None)
    elif weighting == "fixed":
        st.caption(tr("integ.fixed_help"))
        edited = st.data_editor(
            weight_table(result.weights, catalog).assign(name=lambda f: f["metric"].map(metric_names)),
            key="fixed_weights", hide_index=True, disabled=["metric", "name", "subsystem", "dimension"],
            column_order=["name", "subsystem", "dimension", "weight"],
            column_config={"weight": st.column_config.NumberColumn(tr("integ.weight"), min_value=0.0, format="%.4f")},
        )  # fmt: skip
        settings = replace(base, weights=dict(zip(edited["metric"], edited["weight"].fillna(0.0), strict=True)))
    elif weighting == "entropy":
        st.caption(tr("integ.entropy_help"))
    if settings is not base:
        try:
            result = data.scored(current.db, dv, current.start, current.end, units, settings)
        except (IntegrationError, AhpError) as exc:
            st.error(tr("integ.weights_error", error=exc.message(lang())))
    if tab_weights.open:  # the weights table only when shown: with more than 30 metrics it is a grid (~0.3 s)
        table(
            kept(
                ("integ.weights", *view_key, result.settings, language),
                lambda: fig.weights_frame(result, catalog, language),
            ),
            config={
                "metric": tr("integ.metric"),
                "subsystem": tr("integ.subsystem"),
                "dimension": tr("integ.dimension"),
                "weight": st.column_config.ProgressColumn(
                    tr("integ.weight"), format="%.4f", min_value=0.0, max_value=1.0
                ),
            },
        )

scored_months = sorted(result.rows.loc[result.rows["D"].notna(), "period"].unique())
if not scored_months:
    month_slot.warning(tr("integ.no_rows"))
    st.stop()
month = month_slot.selectbox(
    tr("integ.month"), scored_months, index=len(scored_months) - 1, key="integ_month", bind="query-params"
)
seen = (*view_key, result.settings, month, language)  # what the page below shows
ranks, incomplete = kept(
    ("integ.ranks", *seen),
    lambda: (ranking(result.rows, month), fig.incomplete_table(result, month, names, metric_names, language)),
)
month_slot.markdown(f"**{fig.choices_text(result.settings, language)}**")
month_slot.caption(
    tr("integ.basis_rows", rows=result.basis_rows, scored=len(result.rows)) + " " + tr("integ.causation")
)
month_slot.caption(tr("integ.ranked_note", ranked=len(ranks), incomplete=len(incomplete)))
if ranks.empty:
    month_slot.info(tr("integ.none_complete", period=month))

with tab_quadrant:
    if tab_quadrant.open:
        picked = tuple(current.units)  # the units chosen in the sidebar are named, besides the extremes
        quadrant = kept(
            ("integ.quadrant", *seen, picked),
            lambda: fig.quadrant_figure(ranks, names, month, language, incomplete, picked),
        )
        chart(quadrant, width="stretch")
        x_split, y_split = fig.quadrant_split(ranks)
        st.caption(tr("integ.quadrant_note", x=x_split, y=y_split))
        chart(kept(("integ.legend", language), lambda: fig.level_legend_figure(language)), width="stretch")

with tab_trend:
    if tab_trend.open:
        trend_units = st.multiselect(
            tr("integ.trend_units"), list(ranks["unit"]), default=list(ranks["unit"][:TREND_DEFAULT_UNITS]),
            key="integ_units", bind="query-params", format_func=lambda u: names.get(u, u), placeholder=tr("ui.choose"),
        )  # fmt: skip
        trend = kept(
            ("integ.trend", *seen, tuple(trend_units)),
            lambda: fig.d_trend_figure(result.rows[result.rows["complete"]], trend_units, names, language),
        )
        chart(trend, width="stretch")
        chart(
            kept(("integ.ranking", *seen), lambda: fig.ranking_figure(ranks, names, month, language)), width="stretch"
        )
        if len(ranks) > fig.RANKING_BARS:
            half = fig.RANKING_BARS // 2
            st.caption(tr("integ.ranking_bars_note", half=half, hidden=len(ranks) - 2 * half, n=len(ranks)))
        level_column = "level_en" if language == "en" else "level"
        table(
            kept(("integ.ranks_table", *seen), lambda: fig.ranks_frame(ranks, names, language)),
            order=["rank", "unit", "name", "D", level_column, "u_party", "u_business", "lagging", "complete"],
            config={
                "rank": tr("integ.rank"),
                "unit": tr("col.unit"),
                "name": tr("col.name"),
                "D": st.column_config.NumberColumn("D", format="%.3f"),
                level_column: tr("integ.level"),
                "u_party": st.column_config.NumberColumn(tr("integ.u_party"), format="%.3f"),
                "u_business": st.column_config.NumberColumn(tr("integ.u_business"), format="%.3f"),
                "lagging": tr("integ.lagging"),
                "complete": tr("integ.complete"),
            },
        )
        if len(incomplete):
            st.markdown(f"**{tr('integ.incomplete_title')}**")
            table(
                incomplete,
                order=["unit", "name", "status", "missing"],
                muted=True,
                config={
                    "unit": tr("col.unit"),
                    "name": tr("col.name"),
                    "status": tr("integ.complete"),
                    "missing": tr("integ.missing_what"),
                },
            )

with tab_obstacle:
    if tab_obstacle.open:
        unit = st.selectbox(
            tr("integ.obstacle_unit"), [*ranks["unit"], *incomplete["unit"]], index=max(len(ranks) - 1, 0), key="unit",
            bind="query-params", format_func=coded.get,
        )  # fmt: skip
        obstacles = kept(
            ("integ.obstacle", *seen, unit),
            lambda: fig.unit_obstacle_figure(result, unit, month, names, metric_names, language),
        )
        if obstacles is not None:
            chart(obstacles, width="stretch")
        else:
            st.info(tr("integ.no_obstacle"))
        st.caption(tr("integ.obstacle_help"))
