"""The view every page renders: language, data source and the shared filters, all bound to the URL.

Widgets created here live in app.py's sidebar with ``bind="query-params"``, so a copied link reopens the same
view and the filters survive page switches. Pages call :func:`view` and :func:`tr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from analytics.i18n import DEFAULT_LANG, t
from analytics.model.cycles import Marks
from analytics.periods import DEFAULT_RANGE_MONTHS
from analytics.settings import default_db_path, demo_db_path
from analytics.stats.integration import MISSING, SIZES, WEIGHTINGS, IntegrationSettings
from ui.pin import Pin, pin_of

SOURCES = ("real", "demo")
MONTH_KEYS = ("from", "to")  # the sidebar's month range, bound to the URL under these names
RANGE_MONTHS = DEFAULT_RANGE_MONTHS  # the default range: the last twelve months with data
PINNED_KEY = "months_pinned"  # the month keys a link set (they stay put when the data changes)
SEEN_KEY = "months_seen"  # the months the selects were last drawn with


@dataclass(frozen=True)
class View:
    """What the page shows. ``db`` is the file to read: the live database, or, when the link pins an older data
    version (``?v=``), the file holding that version's data (``pin``); ``live_db`` is always the live file, the one
    pages that change data write to."""

    lang: str
    source: str
    db: str
    start: str | None
    end: str | None
    units: tuple[str, ...]
    live_db: str = ""
    pin: Pin | None = None

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"


def url_choice(key: str, options: tuple[str, ...], default: str) -> None:
    """Seed ``st.session_state[key]`` from the URL's ``?key=`` once per session, by option code.

    Widgets bound with ``bind="query-params"`` write their *displayed* label into the URL, so a translated label
    would make a link work in one language only; these choices travel as codes instead (``?lang=en``).
    Call :func:`publish` after the widget has run.
    """
    if key not in st.session_state:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default


def url_choices(key: str, options: tuple[str, ...], default: list[str]) -> None:
    """:func:`url_choice` for a multiselect: seeded once per session from ``?key=a&key=b`` (codes; unknown ones are
    dropped), else ``default``."""
    if key not in st.session_state:
        wanted = [code for code in st.query_params.get_all(key) if code in options]
        st.session_state[key] = wanted or list(default)


def lazy_tabs(key: str, labels: Mapping[str, str], param: str) -> dict[str, Any]:
    """``st.tabs`` whose open tab alone is drawn (``on_change="rerun"``), keyed by tab codes: ``labels`` maps each
    code to its label in the UI language, first the default. Returns the tabs by code (``.open``: the one drawn).

    The open tab travels in the link as a code (``?param=code``, left out for the default), so a link reopens it in
    either language, and it stays open across a language switch. Another part of the page opens a tab with
    ``st.session_state[key] = labels[code]`` (in a callback, before this runs).
    """
    state, codes = st.session_state, list(labels)
    remembered = f"{key}_code"
    if key not in state:  # the session's first run: the link's tab, if it names one
        wanted = st.query_params.get(param)
        if wanted is not None and wanted in labels:
            state[key] = labels[wanted]
    elif state[key] not in labels.values():  # the language changed: the same tab by its code
        state[key] = labels.get(state.get(remembered, codes[0]), labels[codes[0]])
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
    by_code = dict(zip(codes, tabs, strict=True))
    code = next((c for c, tab in by_code.items() if tab.open), codes[0])
    state[remembered] = code
    if code != codes[0]:
        st.query_params[param] = code
    elif param in st.query_params:
        del st.query_params[param]
    return by_code


def publish(*keys: str) -> None:
    """Write the current choices to the URL (app.py runs on every page, so they survive page switches)."""
    for key in keys:
        value = st.session_state.get(key)
        if isinstance(value, list):
            if st.query_params.get_all(key) != value:
                st.query_params[key] = value
        elif value is not None and st.query_params.get(key) != value:
            st.query_params[key] = value


def lang() -> str:
    return st.session_state.get("lang") or DEFAULT_LANG


def tr(key: str, **fields: object) -> str:
    """The UI text for ``key`` in the session's language."""
    return t(key, lang(), **fields)


def db_for(source: str) -> str:
    return str(demo_db_path()) if source == "demo" else str(default_db_path())


def demo_available() -> bool:
    return Path(db_for("demo")).exists()


def view(live: bool = False) -> View:
    """The current view, as the sidebar widgets set it; a link's pinned version applies unless ``live`` (the pages
    that change data ask for the live file)."""
    state = st.session_state
    source = state.get("data") or default_source()
    live_db = db_for(source)
    pin = None if live else pin_of(live_db)
    return View(
        lang(),
        source,
        pin.db if pin else live_db,
        state.get("from") or None,
        state.get("to") or None,
        tuple(state.get("units") or ()),
        live_db,
        pin,
    )


def default_range(months: list[str], marks: Marks | None = None) -> tuple[str, str]:
    """The range a view without chosen months shows: RANGE_MONTHS months with data (oldest first) ending at the
    last month, or, while reporting cycles are in use, at the latest closed month (SPEC §8: later months are
    preliminary and shown on request)."""
    end = (marks or Marks()).default_end(months) or months[-1]
    last = months.index(end)
    return months[max(0, last + 1 - RANGE_MONTHS)], end


def follow_data(months: list[str], marks: Marks | None = None) -> None:
    """Before the month selects: when the months with data changed since the last run (an import, a revert, another
    data source), a month still at the old default moves to the new one, so "data up to" follows the data. A month
    the session's first link set stays pinned until the user picks another."""
    state = st.session_state
    if PINNED_KEY not in state:
        state[PINNED_KEY] = {key for key in MONTH_KEYS if key in st.query_params}
    seen, now = state.get(SEEN_KEY), (months, marks or Marks())
    if seen and months and seen != now:  # new months, or a month closed or reopened
        for key, old, new in zip(MONTH_KEYS, default_range(*seen), default_range(*now), strict=True):
            if key not in state[PINNED_KEY] and state.get(key, old) == old:
                state[key] = new
    state[SEEN_KEY] = now


def _unpin(key: str) -> None:
    st.session_state[PINNED_KEY].discard(key)


def month_selects(months: list[str], marks: Marks | None = None) -> None:
    """The sidebar's 起始月份 / 截止月份, bound to the URL (``?from=&to=``); nothing when there is no data."""
    follow_data(months, marks)
    if not months:
        return
    for key, default in zip(MONTH_KEYS, default_range(months, marks), strict=True):
        st.selectbox(tr(f"ui.{key}"), months, index=months.index(default), key=key, bind="query-params",
                     on_change=_unpin, args=(key,))  # fmt: skip


def demo_mark() -> None:
    """The demo data's mark at the top of every page (app.py), also where the sidebar is hidden."""
    st.badge(tr("ui.demo_banner"), icon=":material/science:", color="orange")


def cycle_marks(current: View, marks: Marks, months: list[str]) -> None:
    """Above a reading page: 初步 when the view shows months after the latest closed one, 更正 when it shows a
    restated month (SPEC §8); a view ending at the latest closed month says where the later months are."""
    for kind, text in marks.texts(current.start, current.end, current.lang):
        if kind == "preliminary":
            st.warning(text, icon=":material/pending:")
        else:
            st.info(text, icon=":material/edit_note:")
    later = bool(months) and marks.closed_through is not None and months[-1] > marks.closed_through
    if later and current.end == marks.closed_through:
        st.caption(tr("marks.closed_default", closed=marks.closed_through))


def default_source() -> str:
    from ui.data import has_data

    if has_data(db_for("real")) or not demo_available():
        return "real"
    return "demo"


def chosen(key: str, options: tuple[str, ...]) -> str:
    """An integration choice as the Integration page left it (session, else URL), else SPEC's default."""
    value = st.session_state.get(key) or st.query_params.get(key)
    return value if value in options else options[0]


def integration_settings() -> IntegrationSettings:
    """The Integration page's basis, size, weighting and missing choices, for the pages that show the index without
    its switches (overview, presentation): AHP and fixed weights stay on that page, elsewhere they mean entropy."""
    basis = chosen("basis", ("all", "view", "window"))
    window = st.session_state.get("window")
    basis = f"{window[0]}..{window[1]}" if basis == "window" and window else "all" if basis == "window" else basis
    weighting = "entropy" if chosen("weighting", (*WEIGHTINGS, "ahp", "fixed")) != "equal" else "equal"
    return IntegrationSettings(
        basis=basis, size=chosen("size", SIZES), weighting=weighting, missing=chosen("missing", MISSING)
    )
