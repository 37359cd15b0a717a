"""Use cases on what the database records: batches (list, revert), the current values, the unit and metric master
data, the monthly template, and the import of workbook files.

Each opens the store once for its work and returns a DataFrame or a frozen record. A use case that changes data
records it in the audit log and then saves the panel snapshot of the changed data, so the next analysis maps it
instead of reading the database (:func:`analytics.store.snapshot.warm_snapshot`). Refusals (AnalyticsError): the
codes ``unknown_metric``, ``bad_units_file``, ``bad_catalog_file``, ``file_not_found``, ``undecodable_file``;
UnknownUnit, BatchError, TooManyRows, DatabaseBusy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics.errors import AnalyticsError
from analytics.ingest.template import template_bytes
from analytics.model.catalog import Catalog, read_catalog_csv
from analytics.model.notes import read_notes_csv
from analytics.model.units import read_units_csv
from analytics.services import cycles
from analytics.services.imports import ImportResult, Upload, run_import
from analytics.store import audit
from analytics.store.batches import list_batches
from analytics.store.batches import revert as revert_batch
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog, save_metrics
from analytics.store.observations import current_frame, to_csv, to_xlsx
from analytics.store.snapshot import warm_snapshot
from analytics.store.units import load_registry, save_units, units_csv, units_frame

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # a CSV saved by Excel on a Chinese desktop is often GB 18030


def batches(db: str | Path | None) -> pd.DataFrame:
    """Every batch, newest first (analytics.store.batches.list_batches)."""
    with connect(db, read_only=True) as con:
        return list_batches(con)


def revert(db: str | Path | None, batch_id: int, user: str, actor: str) -> int:
    """Revert batch ``batch_id`` as ``user`` (audited as ``actor``) and save the new panel snapshot; returns how many
    values went back to their previous state. Raises BatchError for an unknown or already reverted batch."""
    with connect(db) as con:
        keys = revert_batch(con, batch_id, user, actor)
    warm_snapshot(db)  # the audit entry was committed with the revert
    return keys


def import_files(
    db: str | Path | None,
    paths: Sequence[str],
    period: int | None,
    dry_run: bool,
    create_units: bool,
    user: str,
    actor: str,
    restate: bool = False,
    reason: str | None = None,
    note_file: str | None = None,
) -> ImportResult:
    """Validate workbook files and, unless ``dry_run`` or any error, commit them as ``user`` (audited as ``actor``,
    in the commit's transaction), then save the new panel snapshot (analytics.services.imports.run_import).

    ``restate``: the upload may change closed months, as a restatement with ``reason`` by an admin (``user``, or
    the command line's operator ``actor``); refused (CycleError) for anyone else or without a reason.
    ``note_file``: a CSV of notes (情况说明, columns unit,period,metric,note) kept with the batch (SPEC §8)."""
    notes = read_notes_csv(read_text(note_file), Path(note_file).name) if note_file else []
    restated = cycles.restatement(db, reason, user, actor) if restate else None
    uploads = [Upload.from_path(path) for path in paths]
    result = run_import(db, uploads, period, dry_run, create_units, user, actor, restated, notes)
    if result.status == "committed":
        warm_snapshot(db)
    return result


def current_values(
    db: str | Path | None,
    start: int | None = None,
    end: int | None = None,
    units: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The current values, long (unit, period, metric, value), of months ``start..end`` (month indexes, None =
    open), of ``units`` (labels, each with every unit below it) and ``metrics`` (labels); None = all.
    Raises UnknownUnit, or AnalyticsError ``unknown_metric``."""
    with connect(db, read_only=True) as con:
        registry, catalog = load_registry(con), load_catalog(con)
        codes = registry.expand(list(units)) if units else None
        metric_codes = [_metric_code(catalog, label) for label in metrics or []] or None
        return current_frame(con, start, end, codes, metric_codes)


def _metric_code(catalog: Catalog, label: str) -> str:
    try:
        return catalog.resolve(label).code
    except KeyError as exc:
        raise AnalyticsError("unknown_metric", label=exc.args[0]) from exc


def values_csv(frame: pd.DataFrame) -> str:
    """The values as the SPEC §4 CSV text (analytics.store.observations.to_csv)."""
    return to_csv(frame)


def write_values(frame: pd.DataFrame, out: str) -> None:
    """Write the values to ``out``: an Excel sheet for ``.xlsx``, else the SPEC §4 CSV (UTF-8).
    Raises TooManyRows when they do not fit in one Excel sheet."""
    if out.lower().endswith(".xlsx"):
        to_xlsx(frame, out)
    else:
        Path(out).write_bytes(to_csv(frame).encode("utf-8"))


@dataclass(frozen=True, eq=False)
class UnitTable:
    """The registered units as a table (code, name, parent_code, headcount) and as the units CSV text."""

    frame: pd.DataFrame
    csv: str


def unit_table(db: str | Path | None) -> UnitTable:
    """Every registered unit, as a table and as CSV."""
    with connect(db, read_only=True) as con:
        return UnitTable(units_frame(con), units_csv(con))


def import_units(db: str | Path | None, path: str, actor: str) -> int:
    """Add or update the units of the CSV file ``path`` (UTF-8 or GB 18030), audited as ``actor``; returns how many
    rows the file held. Raises AnalyticsError ``bad_units_file`` (nothing written), ``file_not_found``,
    ``undecodable_file``."""
    text = read_text(path)
    try:
        rows = read_units_csv(text)
        with connect(db) as con:
            save_units(con, rows)
            audit.record(con, actor, "units_change", {"file": path, "units": len(rows)})
    except ValueError as exc:
        raise AnalyticsError("bad_units_file", error=str(exc)) from exc
    warm_snapshot(db)
    return len(rows)


def catalog(db: str | Path | None) -> Catalog:
    """The metric catalog."""
    with connect(db, read_only=True) as con:
        return load_catalog(con)


def import_metrics(db: str | Path | None, path: str, replace: bool, actor: str) -> int:
    """Add or update the metrics of the catalog CSV ``path`` (with ``replace``: the file becomes the whole catalog),
    audited as ``actor``; returns how many metrics the file held. Raises AnalyticsError ``bad_catalog_file``
    (nothing written), ``file_not_found``, ``undecodable_file``."""
    text = read_text(path)
    try:
        incoming = read_catalog_csv(text)
        with connect(db) as con:
            save_metrics(con, incoming, replace=replace)
            details = {"file": path, "metrics": [m.code for m in incoming], "replace": replace}
            audit.record(con, actor, "catalog_change", details)
    except (ValueError, KeyError) as exc:
        raise AnalyticsError("bad_catalog_file", error=str(exc)) from exc
    warm_snapshot(db)
    return len(incoming)


def read_text(path: str) -> str:
    """A small text file (a units or catalog CSV) in UTF-8 (with or without BOM) or GB 18030.
    Raises AnalyticsError ``file_not_found`` or ``undecodable_file``."""
    file = Path(path)
    if not file.is_file():
        raise AnalyticsError("file_not_found", path=path)
    raw = file.read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AnalyticsError("undecodable_file", path=path)


@dataclass(frozen=True)
class Template:
    """The monthly template workbook (.xlsx bytes) and how many reporting units it lists."""

    content: bytes
    units: int


def template(db: str | Path | None, period: int) -> Template:
    """The .xlsx template for month ``period`` (a month index), prefilled with the registered units."""
    with connect(db, read_only=True) as con:
        catalog, registry = load_catalog(con), load_registry(con)
    return Template(template_bytes(period, catalog, registry), len(registry.units))
