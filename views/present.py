"""Presentation mode (演示模式): one slide at a time, full width and large type, for 党委会 and 经营分析会.

The deck and the slide number live in the URL (``deck``, ``slide``) so a copied link reopens the same slide; the link
also pins the data version (``v``) and the correlation level and scaling (``corr_level``, ``corr_scale``, shared with
the correlation page). The sidebar is hidden; the filters chosen before entering still apply. A
presenter's clicker (PageUp / PageDown) steps through the slides.
"""

from __future__ import annotations

import html

import streamlit as st

from analytics.figures.correlation import level_name, scale_name
from analytics.figures.overview import delta_style
from analytics.reports.deck import (
    PAIR_KINDS,
    SLIDE_KINDS,
    DeckAnalysis,
    DeckError,
    Scope,
    Slide,
    SlideSpec,
    deck_of,
    deck_text,
    names_of,
    parse_deck,
    parse_slide,
    scope_text,
    stamp_text,
)
from analytics.reports.export import MIME, file_name, render
from analytics.reports.html import PLOT_CONFIG, kpi_cards, peer_rows, slide_figure
from analytics.reports.marking import mark_now
from analytics.reports.pdf import pdf_available
from analytics.services.exports import notes_for_export, source_of
from analytics.stats.integration import IntegrationSettings
from analytics.stats.options import LAGS, PAGE_LEVELS, SCALES
from analytics.stats.unit_profile import unit_labels
from analytics.store.audit import record_export
from ui import data, share
from ui.context import integration_settings, lang, publish, tr, url_choice, view
from ui.widgets import chart, kept, table

STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarCollapseButton"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.2rem 2.5rem 2rem; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.4rem !important; font-weight: 600; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem !important; color: #444; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; }
</style>"""
CARDS_PER_ROW = 4
CONTROL_KEYS = ("present_kinds", "present_x", "present_y", "present_lag", "present_unit")


@st.cache_resource(show_spinner=False, max_entries=4)
def _analysis(db: str, dv: int, view: Scope, settings: IntegrationSettings) -> DeckAnalysis:
    source = source_of(
        data.catalog(db, dv),
        data.registry(db, dv),
        data.analysis_obs(db, dv),
        data.panel(db, dv),
        share.current_stamp(db),
        data.snapshot(db, dv),
        notes_for_export(db),  # the Excel export's 情况说明 sheet
    )
    return DeckAnalysis(source, view, settings)


@st.cache_resource(show_spinner=False, max_entries=64)
def _slide(db: str, dv: int, view: Scope, settings: IntegrationSettings, spec: str, language: str) -> Slide:
    return _analysis(db, dv, view, settings).slide(parse_slide(spec), language)


def _url_deck(analysis: DeckAnalysis) -> list[SlideSpec]:
    """The deck in the URL, defaults resolved (a bad deck string falls back to the default deck, with a warning)."""
    try:
        specs = parse_deck(st.query_params.get("deck"))
    except DeckError as exc:
        st.warning(tr("present.bad_deck", error=exc.message(lang())))
        specs = parse_deck(None)
    resolved = []
    for spec in specs:
        try:
            resolved.append(analysis.resolved(spec))
        except DeckError:
            resolved.append(spec)  # drawn as an error slide
    return resolved


def _apply() -> None:
    """Controls → the deck in the URL (order = order of selection); back to the first slide."""
    s = st.session_state
    specs = []
    for kind in s["present_kinds"]:
        if kind in PAIR_KINDS:
            specs.append(SlideSpec(kind, s["present_x"], s["present_y"], s["present_lag"] if kind == "scatter" else 0))
        else:
            specs.append(SlideSpec(kind, unit=s["present_unit"]) if kind == "unit" else SlideSpec(kind))
    text = deck_text(specs)
    st.query_params["deck"] = text
    st.query_params["slide"] = "1"
    s["present_seen"] = text


def _controls(analysis: DeckAnalysis, specs: list[SlideSpec]) -> None:
    """Choose and order the slides; pick the pair (scatter, lag) and the unit (unit profile)."""
    url = deck_text(specs)
    if st.session_state.get("present_seen") != url:  # a new link: the controls follow the URL
        for key in CONTROL_KEYS:
            st.session_state.pop(key, None)
        st.session_state["present_seen"] = url
    names = names_of(analysis.source.catalog, lang())
    party, business = analysis.grid
    pair = next((s for s in specs if s.kind in PAIR_KINDS and s.x), None) or _default(analysis, "scatter")
    scatter = next((s for s in specs if s.kind == "scatter" and s.x), None) or pair
    unit = next((s.unit for s in specs if s.kind == "unit" and s.unit), None) or _default(analysis, "unit").unit
    units = [u.code for u in analysis.source.registry.units]
    unit_names = unit_labels(analysis.source.registry.units, with_code=True)
    with st.expander(tr("present.controls"), icon=":material/tune:"):
        x = st.selectbox(tr("present.pick_x"), party, index=_at(party, pair and pair.x), key="present_x",
                         format_func=names.get, on_change=_apply)  # fmt: skip
        y = st.selectbox(tr("present.pick_y"), business, index=_at(business, pair and pair.y), key="present_y",
                         format_func=names.get, on_change=_apply)  # fmt: skip
        st.selectbox(tr("present.pick_lag"), list(LAGS), index=scatter.lag if scatter else 0, key="present_lag",
                     on_change=_apply)  # fmt: skip
        level_col, scale_col = st.columns(2)
        level_col.radio(tr("present.pick_level"), PAGE_LEVELS, key="corr_level", horizontal=True,
                        format_func=lambda v: level_name(v, lang()))  # fmt: skip
        scale_col.radio(tr("present.pick_scale"), SCALES, key="corr_scale", horizontal=True,
                        format_func=lambda v: scale_name(v, lang()))  # fmt: skip
        chosen = st.selectbox(tr("present.pick_unit"), units, index=_at(units, unit), key="present_unit",
                              format_func=unit_names.get, on_change=_apply)  # fmt: skip
        pair_text = f"{names.get(x, x)} × {names.get(y, y)}"
        labels = {k: tr(f"present.kind.{k}", pair=pair_text, unit=unit_names.get(chosen, "")) for k in SLIDE_KINDS}
        st.multiselect(tr("present.items"), SLIDE_KINDS, default=list(dict.fromkeys(s.kind for s in specs)),
                       key="present_kinds", format_func=labels.get, on_change=_apply,
                       placeholder=tr("ui.choose"))  # fmt: skip


def _default(analysis: DeckAnalysis, kind: str) -> SlideSpec:
    """The slide the deck would show for ``kind`` without an argument (strongest pair, top unit)."""
    try:
        return analysis.resolved(SlideSpec(kind))
    except DeckError:
        return SlideSpec(kind)


def _at(options: list[str], value: str | None) -> int:
    return options.index(value) if value in options else 0


def _go(to: int) -> None:
    st.query_params["slide"] = str(to)


def _navigation(index: int, total: int) -> None:
    back, counter, forward = st.columns([1, 1, 1], vertical_alignment="center")
    back.button(tr("present.prev"), on_click=_go, args=(index - 1,), disabled=index <= 1, key="present_prev",
                icon=":material/arrow_back:", shortcut="PageUp", width="stretch")  # fmt: skip
    counter.markdown(f"<div style='text-align:center;font-size:1.6rem'>{tr('present.counter', i=index, n=total)}</div>",
                     unsafe_allow_html=True)  # fmt: skip
    forward.button(tr("present.next"), on_click=_go, args=(index + 1,), disabled=index >= total, key="present_next",
                   icon=":material/arrow_forward:", shortcut="PageDown", width="stretch")  # fmt: skip


def _body(slide: Slide, seen: tuple) -> None:
    """The slide's cards, sentences, chart and table; ``seen``: what the slide is made from (its cache key)."""
    if slide.kind == "kpis":
        cards = kpi_cards(slide.payload, lang())  # type: ignore[arg-type]
        for first in range(0, len(cards), CARDS_PER_ROW):  # rows of four, as on the overview: nothing is cut
            for column, card in zip(st.columns(CARDS_PER_ROW), cards[first : first + CARDS_PER_ROW], strict=False):
                colour, arrow = delta_style(card["mom"], int(card["direction"]))
                column.metric(card["label"], card["value"], card["mom"], delta_color=colour, delta_arrow=arrow,
                              delta_description=tr("present.mom"), border=True)  # fmt: skip
                column.caption(f"{tr('present.yoy')} {card['yoy']} · {card['n']}")
    if slide.kind == "findings":
        sentences = slide.payload.sentences  # type: ignore[attr-defined]
        if sentences:
            st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1)))
        else:
            st.info(slide.payload.empty)  # type: ignore[attr-defined]
        st.markdown(f"*{slide.payload.note}*")  # type: ignore[attr-defined]
    figure = kept(("present.figure", *seen), lambda: slide_figure(slide, lang()))
    if figure is not None:
        chart(figure, config=PLOT_CONFIG, width="stretch", key=f"slide_{slide.spec}")
    if slide.kind == "unit" and len(slide.payload.peers):  # type: ignore[attr-defined]
        peers = peer_rows(slide.payload, lang()).rename(columns=lambda c: tr(f"present.col.{c}"))  # type: ignore[arg-type]
        table(peers)


def _exports(analysis: DeckAnalysis, current, specs: list[SlideSpec], dv: int) -> None:
    def make(fmt: str):
        def build() -> bytes:  # runs when the browser asks for the file: that is the export, so it is logged here
            user = st.session_state.get("user") or "app"
            slides = [_slide(current.db, dv, analysis.scope, settings, str(s), lang()) for s in specs]
            content = render(deck_of(analysis, slides, lang()), fmt, mark_now(user))
            s = analysis.scope
            context = {"page": "present", "from": s.start, "to": s.end, "units": list(s.units or ()), "level": s.level,
                       "version": stamp.version}  # fmt: skip
            # logged in the live file's audit log, also when the view shows a pinned version's copy
            record_export(current.live_db or current.db, user, file_name(fmt, stamp.batch_id), context)
            return content

        return build

    stamp = analysis.source.stamp
    with st.expander(tr("present.export"), icon=":material/download:"):
        columns = st.columns(4)
        for column, fmt in zip(columns, ("html", "pptx", "xlsx", "pdf"), strict=True):
            if fmt == "pdf" and not pdf_available():
                column.button(tr("present.download.pdf"), disabled=True, key="present_pdf_missing")
                column.caption(tr("present.no_pdf"))
                continue
            column.download_button(tr(f"present.download.{fmt}"), make(fmt), file_name(fmt, stamp.batch_id),
                                   MIME[fmt], key=f"present_download_{fmt}", on_click="ignore")  # fmt: skip


def _scope(current) -> Scope:
    """The view's months and units with the correlation level and scale chosen (URL, else twoway / unit)."""
    url_choice("corr_level", PAGE_LEVELS, PAGE_LEVELS[0])
    url_choice("corr_scale", SCALES, SCALES[0])
    publish("corr_level", "corr_scale")
    state = st.session_state
    return Scope(current.start, current.end, tuple(current.units) or None, state["corr_level"], state["corr_scale"])


def _exit(current) -> None:
    """退出演示 / Exit: back to the page the presenter came from (else the overview), the filters kept in the URL."""
    page, params = share.way_back(current)
    _, right = st.columns([5, 1])
    right.page_link(page, label=tr("present.exit"), icon=":material/close:", query_params=params)


def _slide_number(total: int) -> int:
    raw = str(st.query_params.get("slide", "1"))
    return min(max(int(raw) if raw.isdigit() else 1, 1), total)


current = view()
st.html(STYLE)
_exit(current)
if not data.has_data(current.db):
    st.info(tr("empty.no_data"))
    st.stop()
dv = data.version(current.db)
settings = integration_settings()  # the Integration page's choices, as the overview uses them
analysis = _analysis(current.db, dv, _scope(current), settings)
specs = _url_deck(analysis)
_controls(analysis, specs)
if not specs:
    st.info(tr("present.empty_deck"))
    st.stop()
index = _slide_number(len(specs))
_navigation(index, len(specs))
seen = (current.db, dv, analysis.scope, settings, str(specs[index - 1]), lang())
try:
    slide = _slide(*seen)
except DeckError as exc:
    st.warning(tr("present.slide_error", error=exc.message(lang())))
else:
    st.title(slide.title, anchor=False)
    st.markdown(
        f"<div style='font-size:1.25rem;color:#555'>{html.escape(slide.subtitle)}</div>", unsafe_allow_html=True
    )
    _body(slide, seen)
    with st.expander(tr("present.notes_label"), icon=":material/record_voice_over:"):
        st.text(slide.notes)
stamp = stamp_text(analysis.source.stamp, lang(), current.start, current.end)
st.caption(f"{scope_text(analysis.scope, analysis, lang())} · {stamp}")
choices = {"corr_level": analysis.scope.level, "corr_scale": analysis.scope.scale}
share.copy_link(current.db, {**share.view_params(current), **choices, "deck": deck_text(specs), "slide": str(index)})
_exports(analysis, current, specs, dv)
