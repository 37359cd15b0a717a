"""Cached reads for the pages, keyed by database path and data version (never a cached connection).

Each call opens the database read-only, reads, and closes it (SPEC §1). If a writer holds the file, the last
cached result is served and the page says the data may be a moment old.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.model.catalog import Catalog
from analytics.model.cycles import Marks
from analytics.model.panel import Panel
from analytics.model.units import Registry
from analytics.periods import parse_strict
from analytics.services.findings import warm_findings
from analytics.stats.integration import IntegrationSettings
from analytics.stats.quality import quality_flags
from analytics.stats.unit_profile import score_view
from analytics.store.batches import list_batches
from analytics.store.connection import DatabaseBusy, connect, data_version
from analytics.store.cycles import marks as cycle_marks
from analytics.store.metrics import load_catalog
from analytics.store.observations import current_count, current_months
from analytics.store.snapshot import Snapshot, load_snapshot, warm_snapshot
from analytics.store.units import load_registry

VERSION_TTL_SECONDS = 2  # readers re-check the data version at most this often, so writers find the file free


def after_write(db: str) -> None:
    """Call after the app changed the data: cached reads are dropped, and the panel snapshot of the new data is
    built in the background, so the next analysis page (in any session) does not wait for it."""
    st.cache_data.clear()
    threading.Thread(target=_warm, args=(db,), name="snapshot", daemon=True).start()


def _warm(db: str) -> None:
    """The snapshot with its long form (the overview reads it), then the default findings scans (the correlation
    page and the presentation read them)."""
    warm_snapshot(db, True)
    warm_findings(db)


def version(db: str) -> int:
    """The data version of ``db`` (0 when the file does not exist); the last known one while a writer holds it.

    Checked at most every VERSION_TTL_SECONDS per database, so steady page traffic does not keep the file open
    and starve an import from the command line; the app clears the cache itself after its own writes.
    """
    if not Path(db).exists():
        return 0
    try:
        current = _version(db)
    except DatabaseBusy:
        return st.session_state.get(f"version:{db}", -1)
    st.session_state[f"version:{db}"] = current
    return current


@st.cache_data(show_spinner=False, ttl=VERSION_TTL_SECONDS, max_entries=8)
def _version(db: str) -> int:
    with connect(db, read_only=True) as con:
        return data_version(con)


def has_data(db: str) -> bool:
    if not Path(db).exists():
        return False
    return _basics(db, version(db)).count > 0


@dataclass(frozen=True)
class _Basics:
    catalog: Catalog
    registry: Registry
    count: int  # current values
    months: tuple[str, ...]  # the months with data, oldest first


@st.cache_resource(show_spinner=False, max_entries=8)
def _basics(db: str, dv: int) -> _Basics:
    """What nearly every page reads, in one open of the file (shared read-only objects, not copied)."""
    with connect(db, read_only=True) as con:
        count = current_count(con)
        return _Basics(load_catalog(con), load_registry(con), count, current_months(con) if count else ())


def catalog(db: str, dv: int) -> Catalog:
    return _basics(db, dv).catalog


def registry(db: str, dv: int) -> Registry:
    return _basics(db, dv).registry


@st.cache_data(show_spinner=False, max_entries=8)
def batches(db: str, dv: int) -> pd.DataFrame:
    with connect(db, read_only=True) as con:
        return list_batches(con)


@st.cache_data(show_spinner=False, max_entries=8)
def completeness_grid(db: str, dv: int) -> pd.DataFrame:
    """Who reported what: every reporting unit × month (see analytics.model.completeness)."""
    return snapshot(db, dv).completeness([(u.code, u.name) for u in registry(db, dv).leaves()])


def marks(db: str) -> Marks:
    """What leaders' pages say about the months under the reporting cycle (SPEC §8), per data version (closing or
    reopening a month moves the version on)."""
    if not Path(db).exists():
        return Marks()
    try:
        return _marks(db, version(db))
    except DatabaseBusy:
        return Marks()


@st.cache_data(show_spinner=False, max_entries=8)
def _marks(db: str, dv: int) -> Marks:
    with connect(db, read_only=True) as con:
        return cycle_marks(con)


def months(db: str) -> list[str]:
    """The months that have data, oldest first."""
    return list(_basics(db, version(db)).months)


@st.cache_resource(show_spinner=False, max_entries=4)
def snapshot(db: str, dv: int) -> Snapshot:
    """All current values as a dense panel, from the snapshot beside the database when it is up to date."""
    with connect(db, read_only=True) as con:
        return load_snapshot(con, db)


@st.cache_resource(show_spinner=False, max_entries=4)
def analysis_obs(db: str, dv: int) -> pd.DataFrame:
    """All current values with categorical keys (shared, not copied: treat as read-only)."""
    return snapshot(db, dv).frame()


@st.cache_resource(show_spinner=False, max_entries=8)
def window_obs(db: str, dv: int, start: str | None, end: str | None) -> pd.DataFrame:
    """The current values of the months ``start``..``end`` (inclusive; None = open), as ``analysis_obs``."""
    return snapshot(db, dv).frame(parse_strict(start) if start else None, parse_strict(end) if end else None)


def panel(db: str, dv: int) -> Panel:
    """The dense units × months × metrics panel behind every correlation (read-only)."""
    return snapshot(db, dv).panel


@st.cache_data(show_spinner=False, max_entries=32)
def unit_quality_flags(db: str, dv: int, unit: str) -> pd.DataFrame:
    """One unit's data-quality flags over all its months (see analytics.stats.quality)."""
    obs = analysis_obs(db, dv)
    mine = obs[obs["unit"] == unit].astype({"unit": str, "period": str, "metric": str})
    return quality_flags(mine, catalog(db, dv))


@st.cache_data(show_spinner=False, max_entries=16)
def scored(
    db: str, dv: int, start: str | None, end: str | None, units: tuple[str, ...] | None, settings: IntegrationSettings
) -> object:
    """The integration index of the view (shared by the integration and unit-profile pages)."""
    return score_view(
        analysis_obs(db, dv),
        catalog(db, dv),
        registry(db, dv).parents(),
        start=start,
        end=end,
        units=units,
        settings=settings,
        headcount=registry(db, dv).headcounts(),
    )
