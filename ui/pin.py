"""A link's pinned data version (``?v=12.3``): the page shows the data as it stood then (issue 14, item 13).

The pinned state is rebuilt once into its own small database file beside the database
(:func:`analytics.store.versions.materialize`), and the view reads that file instead of the live one: every page,
cache, chart and export then shows the data of that version, exactly. Pages that change data (import, the data and
audit page, administration, welcome) always work on the live file (``view(live=True)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics.store.connection import DatabaseBusy, connect
from analytics.store.versions import Version, current_version, materialize
from ui import data

VERSION_PARAM = "v"


@dataclass(frozen=True)
class Pin:
    """The view's pinned version (``version``, its revert count resolved), the live data's (``latest``), and the
    file holding the pinned state (``db``)."""

    db: str
    version: Version
    latest: Version


def pinned_version() -> Version | None:
    """The version in the page's link (query parameter ``v``), if it parses."""
    return Version.parse(st.query_params.get(VERSION_PARAM))


@st.cache_data(show_spinner=False, max_entries=16)
def _latest(db: str, dv: int) -> Version:
    with connect(db, read_only=True) as con:
        return current_version(con)


def latest_version(db: str) -> Version:
    """The live data's version (cached per data version; 0.0 for a file without data or a busy one)."""
    try:
        return _latest(db, data.version(db))
    except DatabaseBusy:
        return Version(0, 0)


@st.cache_resource(show_spinner=False, max_entries=8)
def _materialized(db: str, dv: int, wanted: Version) -> tuple[str, Version] | None:
    try:
        path, exact = materialize(db, wanted)
    except LookupError:
        return None
    return str(path), exact


def pin_of(db: str) -> Pin | None:
    """The pin of this view: None without ``v``, with a ``v`` the data never had (the page then says so), or with
    the live data's own version."""
    wanted = pinned_version()
    if wanted is None or not data.has_data(db):
        return None
    latest = latest_version(db)
    if wanted == latest or (wanted.reverts is None and wanted.batch == latest.batch):
        return None
    with st.spinner():
        found = _materialized(db, data.version(db), wanted)
    if found is None:
        st.session_state["pin_refused"] = wanted.text
        return None
    path, exact = found
    return None if exact == latest else Pin(path, exact, latest)


def unpin() -> None:
    """Back to the current data: drop ``v`` from the link."""
    if VERSION_PARAM in st.query_params:
        del st.query_params[VERSION_PARAM]
