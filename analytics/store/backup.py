"""Backup and restore: every table as a Parquet file plus ``manifest.json`` (schema version, row counts, SHA-256).

A backup reads one consistent snapshot (one read-only transaction) and writes the manifest last, so a folder
without a manifest is an unfinished backup. A restore checks every file against the manifest first, builds the
database in a new file next to the target, and only then moves it into place: the target is never half-restored.
It refuses a target that holds data (anything beyond the seeded default catalog) unless ``force``, and a backup
whose units or metrics break the rules every other entry enforces (codes are identifiers, the unit tree is acyclic).
Table names come from the database's own catalog and are never formatted into SQL (DuckDB's relational API
takes them as arguments).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from analytics.errors import AnalyticsError
from analytics.settings import default_db_path
from analytics.store import audit
from analytics.store.connection import RETIRED_TABLES, SCHEMA_VERSION, connect, schema_version, set_meta

MANIFEST = "manifest.json"
FORMAT = 1  # the layout of a backup folder; bump when it changes
SEEDED = ("meta", "metrics")  # tables a new database already fills; they are replaced, never merged
CHUNK = 2**20


class BackupError(AnalyticsError, ValueError):
    """A backup that cannot be written or restored (code ``backup.*``). ``str()`` is its ``中文 / English`` form,
    whose Chinese is a heading (the English carries the details); a full-width bracket takes no space before the
    slash."""

    code = "backup"

    def bilingual(self) -> str:
        zh = self.message("zh")
        return zh + ("/ " if zh.endswith("）") else " / ") + self.message("en")


@dataclass(frozen=True)
class TableFile:
    table: str
    file: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format: int
    schema_version: int
    created_at: str
    tables: tuple[TableFile, ...]
    audit_head: dict[str, int | str] | None = None  # the audit log's head {id, hash} in the snapshot: its anchor

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, document: dict) -> Manifest:
        tables = tuple(TableFile(**t) for t in document["tables"])
        head = document.get("audit_head")  # absent from backups made before it was recorded
        return cls(int(document["format"]), int(document["schema_version"]), str(document["created_at"]), tables, head)

    def rows(self) -> dict[str, int]:
        return {t.table: t.rows for t in self.tables}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The database's own tables (schema main, not temporary), sorted."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' "
        "AND database_name = current_database() ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.table(table).aggregate("count(*)").fetchall()[0][0])


def backup(db: str | Path | None, out: str | Path, actor: str = "cli") -> Manifest:
    """Write every table of ``db`` to ``out`` (created; must not hold a backup already) and return the manifest.

    The backup itself is then recorded in the audit log (so it is not part of this backup).
    """
    folder = Path(out)
    if (folder / MANIFEST).exists():
        raise BackupError("backup.exists", folder=folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    with connect(db, read_only=True) as con:
        con.execute("BEGIN TRANSACTION")  # one snapshot across all tables
        version = schema_version(con)
        head_id, head_hash = audit.head(con)
        for table in table_names(con):
            path = folder / f"{table}.parquet"
            con.table(table).write_parquet(str(path))
            files.append(TableFile(table, path.name, _count(con, table), file_sha256(path)))
        con.execute("COMMIT")
    created = dt.datetime.now().isoformat(timespec="seconds")
    manifest = Manifest(FORMAT, version, created, tuple(files), {"id": head_id, "hash": head_hash})
    text = json.dumps(manifest.to_json(), ensure_ascii=False, indent=2)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
    with connect(db) as con:
        audit.record(con, actor, audit.BACKUP, {"out": str(folder), "rows": manifest.rows()})
    return manifest


def read_manifest(folder: str | Path) -> Manifest:
    """The folder's manifest after checking every file's presence and SHA-256; raises BackupError otherwise."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError("backup.no_manifest", manifest=MANIFEST, folder=folder)
    try:
        manifest = Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("backup.unreadable_manifest", error=exc) from exc
    if manifest.format != FORMAT:
        raise BackupError("backup.unsupported_format", format=manifest.format)
    for entry in manifest.tables:
        file = Path(folder) / entry.file
        if Path(entry.file).name != entry.file or not file.is_file():
            raise BackupError("backup.missing_file", file=entry.file)
        if file_sha256(file) != entry.sha256:
            raise BackupError("backup.damaged_file", file=entry.file)
    return manifest


def holds_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a database holds anything beyond what a new one starts with (the meta rows, the default catalog)."""
    from analytics.model.catalog import default_metrics
    from analytics.store.metrics import load_catalog

    if any(_count(con, table) for table in table_names(con) if table not in SEEDED):
        return True
    return load_catalog(con).metrics != tuple(default_metrics())


def restore(db: str | Path | None, folder: str | Path, force: bool = False, actor: str = "cli") -> Manifest:
    """Replace ``db`` by the backup in ``folder``; every table's rows come back exactly, in stored order.

    Refuses (BackupError) a damaged backup, one from a newer schema, or a target with data unless ``force``.
    A backup from an older schema is restored and then migrated, when its tables still fit the current ones.
    """
    manifest = read_manifest(folder)
    if manifest.schema_version > SCHEMA_VERSION:
        raise BackupError("backup.newer_schema", schema=manifest.schema_version, current=SCHEMA_VERSION)
    target = Path(db) if db else default_db_path()
    if target.exists() and not force:
        with connect(target, read_only=True) as con:
            if holds_data(con):
                raise BackupError("backup.target_holds_data", target=target)
    staging = target.with_name(target.name + ".restoring")
    for leftover in (staging, Path(str(staging) + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        _load(staging, Path(folder), manifest)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    if target.exists():
        with connect(target):  # waits for other processes, and a clean close leaves no write-ahead log behind
            pass
    os.replace(staging, target)
    with connect(target) as con:
        audit.anchor_restored(con, str(folder), manifest.audit_head)  # a new epoch: the log is the backup's
        audit.record(con, actor, audit.RESTORE, {"from": str(folder), "rows": manifest.rows(), "force": force})
    return manifest


def _load(path: Path, folder: Path, manifest: Manifest) -> None:
    """Build a new database at ``path`` (current schema) holding exactly the backup's rows, in one transaction."""
    with connect(path) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM metrics")  # the seeded catalog: the backup's own replaces it
            con.execute("DELETE FROM meta")
            for entry in manifest.tables:
                if manifest.schema_version < SCHEMA_VERSION and entry.table in RETIRED_TABLES:
                    continue  # derived data a later migration dropped
                _load_table(con, folder / entry.file, entry)
            if manifest.schema_version != SCHEMA_VERSION:  # the later migrations (added tables) are in place
                set_meta(con, "schema_version", str(SCHEMA_VERSION))
            _check_master_data(con)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def _check_master_data(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse (BackupError) restored units or metrics that no entry would accept: a code that is not an
    identifier, a unit tree with a cycle (named, ``A → B → A``)."""
    from analytics.model.master_data import MasterDataError, check_codes
    from analytics.model.units import check_tree

    units = con.execute("SELECT code, parent_code FROM units ORDER BY uid").fetchall()
    metrics = con.execute("SELECT code FROM metrics ORDER BY mid").fetchall()
    try:
        check_codes((None, code) for code, _ in units)
        check_codes((None, code) for (code,) in metrics)
        check_tree(dict(units), "md.stored_cycle")
    except MasterDataError as exc:
        raise BackupError("backup.bad_master_data", error=exc) from exc


def _load_table(con: duckdb.DuckDBPyConnection, file: Path, entry: TableFile) -> None:
    source = con.read_parquet(str(file))
    if entry.table not in table_names(con) or source.columns != con.table(entry.table).columns:
        raise BackupError("backup.table_mismatch", table=entry.table)
    source.insert_into(entry.table)
    if _count(con, entry.table) != entry.rows:
        raise BackupError("backup.row_count", table=entry.table)
