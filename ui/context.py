"""The view every page renders: language, data source and the shared filters, all bound to the URL.

Widgets created here live in app.py's sidebar with ``bind="query-params"``, so a copied link reopens the same
view and the filters survive page switches. Pages call :func:`view` and :func:`tr`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analytics.i18n import DEFAULT_LANG, t
from analytics.settings import default_db_path, setting

SOURCES = ("real", "demo")


@dataclass(frozen=True)
class View:
    lang: str
    source: str
    db: str
    start: str | None
    end: str | None
    units: tuple[str, ...]

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"


def lang() -> str:
    return st.session_state.get("lang") or DEFAULT_LANG


def tr(key: str, **fields: object) -> str:
    """The UI text for ``key`` in the session's language."""
    return t(key, lang(), **fields)


def db_for(source: str) -> str:
    return str(setting("demo_db")) if source == "demo" else str(default_db_path())


def demo_available() -> bool:
    return Path(db_for("demo")).exists()


def view() -> View:
    """The current view, as the sidebar widgets set it."""
    state = st.session_state
    source = state.get("data") or default_source()
    return View(
        lang(),
        source,
        db_for(source),
        state.get("from") or None,
        state.get("to") or None,
        tuple(state.get("units") or ()),
    )


def default_source() -> str:
    from ui.data import has_data

    if has_data(db_for("real")) or not demo_available():
        return "real"
    return "demo"
