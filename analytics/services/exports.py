"""The meeting report's use cases: read what a deck needs (one open of the store), and export a deck to a file.

:mod:`analytics.reports.deck` builds slides from an already-loaded :class:`~analytics.reports.deck.Source` and never
reads the database; this module loads it (:func:`load_source`, or :func:`source_of` from what a page already holds)
and plugs in the findings scan kept per data version (:mod:`analytics.services.findings`). :func:`export` is
``python -m analytics export``: the deck over a view, rendered, written and recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd

from analytics.errors import AnalyticsError
from analytics.model.catalog import Catalog
from analytics.model.panel import Panel
from analytics.model.units import Registry
from analytics.periods import from_index
from analytics.reports.deck import DataStamp, DeckError, Source, parse_deck
from analytics.reports.deck import Scope as Scope  # re-exported: the view an export is computed over
from analytics.reports.export import export_report
from analytics.reports.pdf import PdfUnavailable
from analytics.services.findings import findings_of
from analytics.store import audit
from analytics.store.batches import latest_change
from analytics.store.connection import Connection, connect, get_meta
from analytics.store.cycles import marks as cycle_marks
from analytics.store.metrics import load_catalog
from analytics.store.notes import notes_in_view
from analytics.store.snapshot import Snapshot, load_snapshot
from analytics.store.units import load_registry
from analytics.store.versions import current_version


def data_stamp(con: Connection) -> DataStamp:
    """The data version of an open database: latest batch id, the time data last changed (commit or revert), and
    whether it holds the demo group."""
    batch_id, as_of = latest_change(con)
    demo, reverts = get_meta(con, "demo") == "1", current_version(con).reverts or 0
    return DataStamp(batch_id, as_of, demo, reverts, cycle_marks(con))


def source_of(
    catalog: Catalog,
    registry: Registry,
    obs: pd.DataFrame,
    panel: Panel,
    stamp: DataStamp,
    snapshot: Snapshot | None = None,
    notes: pd.DataFrame | None = None,
) -> Source:
    """A deck's source from parts already read; its findings scans are kept with ``snapshot`` when ``panel`` is the
    snapshot's own (a transformed panel is scanned afresh each time). ``notes``: the notes (情况说明) its Excel
    export lists (:func:`export_notes`; None: none listed)."""
    scanner = partial(findings_of, snapshot) if snapshot is not None and snapshot.panel is panel else None
    return Source(catalog, registry, obs, panel, stamp, scanner, notes)


def export_notes(con: Connection) -> pd.DataFrame:
    """The notes (情况说明) of batches in force, for an export: unit, name, period (YYYY-MM), metric (code), value,
    note, author, batch_id, written_at."""
    found = notes_in_view(con)
    return found.assign(period=[from_index(int(p)) for p in found["period"]])


def notes_for_export(db: str | Path | None) -> pd.DataFrame:
    """:func:`export_notes` of the database ``db`` (a page's deck: read once per data version)."""
    with connect(db, read_only=True) as con:
        return export_notes(con)


def load_source(db: str | Path | None) -> Source:
    """Open the database read-only, read what a deck needs, close it."""
    with connect(db, read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
        snapshot, stamp = load_snapshot(con, db), data_stamp(con)
        notes = export_notes(con)
    return source_of(catalog, registry, snapshot.frame(), snapshot.panel, stamp, snapshot, notes)


def export(
    db: str | Path | None,
    deck: str,
    fmt: str,
    out: str,
    view: Scope = Scope(),
    lang: str = "zh",
    marked_by: str = "",
    actor: str = "",
) -> Path:
    """Write the deck ``deck`` (a deck string) over ``view`` as ``fmt`` (html, pptx, xlsx, pdf) to ``out``, marked
    as exported by ``marked_by``, and record the export in the audit log as ``actor``. ``view.units`` may hold unit
    labels (codes or unique names); each stands for its unit and every unit below it. Returns the path written.

    Raises AnalyticsError ``bad_deck`` (a malformed deck string), ``deck_failed`` (an unknown metric or unit in the
    deck), ``no_pdf`` (no Chromium), ``cannot_write``; UnknownUnit for a unit label that names no unit.
    """
    try:
        specs = parse_deck(deck)
    except DeckError as exc:
        raise AnalyticsError("bad_deck", error=str(exc)) from exc
    source = load_source(db)
    units = tuple(source.registry.expand(list(view.units))) if view.units else None
    try:
        path = export_report(source, specs, fmt, out, replace(view, units=units), lang, marked_by)
    except DeckError as exc:
        raise AnalyticsError("deck_failed", error=str(exc)) from exc
    except PdfUnavailable as exc:
        raise AnalyticsError("no_pdf", error=str(exc)) from exc
    except OSError as exc:
        raise AnalyticsError("cannot_write", out=out, error=str(exc)) from exc
    with connect(db) as con:
        audit.record(con, actor, audit.EXPORT, {"format": fmt, "out": str(path)})
    return path
