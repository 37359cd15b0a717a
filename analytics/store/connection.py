"""The one owner of DuckDB: connecting (open, work, close), schema and migrations, parameterised queries.

No process holds the database open between operations (SPEC §1): every operation is a ``with connect(...)``
block. A writer that finds the file locked by another process retries for ``busy_timeout`` seconds, then raises
:class:`DatabaseBusy`. Units and metrics are stored once with small integer ids; observations refer to them by id
so that 14 M rows stay compact. Observations keep every batch's values (imports never delete); the ``current``
table holds, per key, the value of the latest batch that is not reverted, and is maintained at each commit/revert.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analytics.errors import AnalyticsError
from analytics.settings import busy_timeout, default_db_path

BUSY_POLL_SECONDS = 0.1
# another process holds the file; or this process has it open in the other mode (a reader in one session of the
# app while another session writes): both clear when that operation closes the file
LOCK_MARKERS = ("lock", "Conflicting", "being used by another process", "different configuration")


class DatabaseBusy(AnalyticsError, RuntimeError):
    """Another process holds the database; try again shortly. ``str()`` is the database's path."""

    code = "database_busy"

    def __init__(self, path: str = "") -> None:
        self.path = path
        super().__init__(None, path=path)

    def summary(self) -> str:
        return self.path


Connection = duckdb.DuckDBPyConnection  # the type layers above store/ name a connection by


MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE TABLE units (
        uid INTEGER PRIMARY KEY, code VARCHAR NOT NULL UNIQUE, name VARCHAR NOT NULL,
        parent_code VARCHAR, headcount DOUBLE);
    CREATE TABLE metrics (
        mid INTEGER PRIMARY KEY, code VARCHAR NOT NULL UNIQUE, name_zh VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
        category VARCHAR NOT NULL, dimension VARCHAR NOT NULL, unit VARCHAR NOT NULL, direction INTEGER NOT NULL,
        min DOUBLE, max DOUBLE, aliases VARCHAR NOT NULL DEFAULT '', rollup VARCHAR NOT NULL);
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        files VARCHAR NOT NULL, observations INTEGER NOT NULL, n_new INTEGER NOT NULL, n_changed INTEGER NOT NULL,
        n_unchanged INTEGER NOT NULL, status VARCHAR NOT NULL, reverted_at TIMESTAMP, reverted_by VARCHAR,
        note VARCHAR);
    -- every value every batch wrote; value NULL is an explicit delete. No primary key on purpose: uniqueness is
    -- enforced by the import (a key constraint makes bulk inserts ~6x slower and the file ~13x larger).
    CREATE TABLE observations (batch_id INTEGER NOT NULL, uid INTEGER NOT NULL, period INTEGER NOT NULL,
        mid INTEGER NOT NULL, value DOUBLE);
    CREATE TABLE current (uid INTEGER NOT NULL, period INTEGER NOT NULL, mid INTEGER NOT NULL,
        value DOUBLE NOT NULL, batch_id INTEGER NOT NULL);
    -- per unit × metric: the latest values (newest last) behind the "far from its own history" warning
    CREATE TABLE history (uid INTEGER NOT NULL, mid INTEGER NOT NULL, last_period INTEGER NOT NULL,
        recent DOUBLE[] NOT NULL);
    """,
    # 2: accounts and the append-only audit log (analytics/store/accounts.py, analytics/store/audit.py)
    """
    -- units: comma-separated unit codes a planner may upload for (with their descendants); email: the SSO
    -- identity (st.user.email) mapped to this account; password_hash NULL = SSO only
    CREATE TABLE users (
        name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, units VARCHAR NOT NULL DEFAULT '', email VARCHAR,
        password_hash VARCHAR, disabled BOOLEAN NOT NULL DEFAULT false, failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TIMESTAMP, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL);
    -- append-only: the product has no statement that updates or deletes it; hash chains each row to the previous
    CREATE TABLE audit_log (
        id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
        details VARCHAR NOT NULL, hash VARCHAR NOT NULL);
    """,
    # 3: a random token that changes with every data change (analytics/store/snapshot.py keys its files by it)
    """
    INSERT OR REPLACE INTO meta VALUES ('data_token', replace(uuid()::VARCHAR, '-', ''));
    """,
    # 4: the history summary moves beside the file, keyed by the data token (analytics/store/history.py): keeping it
    # in every commit's transaction cost more than half of a monthly import
    """
    DROP TABLE history;
    """,
    # 5: the monthly reporting cycle (SPEC §8, analytics/store/cycles.py): a month's cycle, each reporting unit's
    # status in it (a unit without a row is missing), and the restatements of closed months (a batch's reason).
    # Their history is the audit log (cycle_open, cycle_close, cycle_reopen, unit_status).
    """
    CREATE TABLE cycles (
        period INTEGER PRIMARY KEY, state VARCHAR NOT NULL, deadline DATE, opened_at TIMESTAMP NOT NULL,
        opened_by VARCHAR NOT NULL, closed_at TIMESTAMP, closed_by VARCHAR);
    CREATE TABLE unit_status (
        period INTEGER NOT NULL, uid INTEGER NOT NULL, status VARCHAR NOT NULL, batch_id INTEGER,
        submitted_at TIMESTAMP, submitted_by VARCHAR, reviewed_at TIMESTAMP, reviewed_by VARCHAR, reason VARCHAR,
        PRIMARY KEY (period, uid));
    CREATE TABLE restatements (
        batch_id INTEGER PRIMARY KEY, reason VARCHAR NOT NULL, periods INTEGER[] NOT NULL);
    """,
    # 6: cross-checks (勾稽关系) and notes (情况说明), SPEC §8 (analytics/store/rules.py, analytics/store/notes.py):
    # a rule's texts as imported (parsed again when read: analytics.model.rules), a note per value and batch
    """
    CREATE TABLE rules (
        code VARCHAR PRIMARY KEY, "left" VARCHAR NOT NULL, op VARCHAR NOT NULL, "right" VARCHAR NOT NULL,
        tolerance DOUBLE NOT NULL DEFAULT 0, severity VARCHAR NOT NULL, message_zh VARCHAR NOT NULL,
        message_en VARCHAR NOT NULL);
    CREATE TABLE notes (
        batch_id INTEGER NOT NULL, uid INTEGER NOT NULL, period INTEGER NOT NULL, mid INTEGER NOT NULL,
        note VARCHAR NOT NULL, author VARCHAR NOT NULL, written_at TIMESTAMP NOT NULL);
    """,
)
RETIRED_TABLES = ("history",)  # tables a later migration dropped (derived data): a restore skips them
SCHEMA_VERSION = len(MIGRATIONS)


def _is_lock_error(exc: Exception) -> bool:
    return any(marker in str(exc) for marker in LOCK_MARKERS)


def _open(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise DatabaseBusy(str(path)) from exc
                raise
            time.sleep(BUSY_POLL_SECONDS)


@contextmanager
def connect(
    path: str | Path | None = None, read_only: bool = False, wait: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one operation and close it afterwards.

    A new or outdated file is migrated first (which needs a brief write open). Raises DatabaseBusy when another
    process keeps it locked for longer than the ``busy_timeout`` setting (at once if not ``wait``).
    """
    db_path = Path(path) if path else default_db_path()
    timeout = busy_timeout() if wait else 0.0
    if not db_path.exists():
        db_path.parent.mkdir(parents=True, exist_ok=True)
        _migrate_file(db_path, timeout)
    con = _open(db_path, read_only, timeout)
    if read_only and schema_version(con) != SCHEMA_VERSION:  # an older file: migrate, then reopen
        con.close()
        _migrate_file(db_path, timeout)
        con = _open(db_path, read_only, timeout)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


def _migrate_file(path: Path, timeout: float) -> None:
    con = _open(path, False, timeout)
    try:
        migrate(con)
    finally:
        con.close()


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, or None; reads the whole result so the connection is free afterwards."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    """The one row of a query that always returns one (an aggregate: count, max …)."""
    row = first_row(con, sql, params)
    if row is None:
        raise LookupError(f"no row from {sql!r}")
    return row


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The file's schema version; 0 for an empty file."""
    try:  # one cheap query on every open; only a new file lacks the table
        row = first_row(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply every migration the file lacks, each in its own transaction; seed the default catalog once."""
    version = schema_version(con)
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        con.execute("BEGIN TRANSACTION")
        con.execute(script)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
        if number == 1:
            from analytics.model.catalog import default_metrics

            insert_metrics(con, default_metrics())
        con.execute("COMMIT")


def get_meta(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = first_row(con, "SELECT value FROM meta WHERE key = ?", [key])
    return row[0] if row else default


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever data, units or the catalog change (the app's cache key)."""
    return int(get_meta(con, "data_version", "0") or 0)


def bump_view_version(con: duckdb.DuckDBPyConnection) -> int:
    """Mark a change of what pages show without a change of values (a month closed or reopened: SPEC §8's 初步
    marks and default range): the version goes up, the data token (the snapshots' key) stays."""
    version = data_version(con) + 1
    set_meta(con, "data_version", str(version))
    return version


def new_token() -> str:
    return uuid.uuid4().hex


def bump_data_version(con: duckdb.DuckDBPyConnection, token: str | None = None) -> int:
    """Mark a data change: the version goes up and the data token (the snapshots' key) is renewed, to ``token``
    when the caller chose it beforehand (to save derived data under it while the change is written)."""
    version = data_version(con) + 1
    set_meta(con, "data_version", str(version))
    set_meta(con, "data_token", token or new_token())
    return version


def insert_metrics(con: duckdb.DuckDBPyConnection, metrics: list) -> None:
    """Add or update catalog entries by code (ids stay stable)."""
    for m in metrics:
        row = first_row(con, "SELECT mid FROM metrics WHERE code = ?", [m.code])
        values = [
            m.name_zh,
            m.name_en,
            m.category,
            m.dimension,
            m.unit,
            m.direction,
            m.min,
            m.max,
            "|".join(m.aliases),
            m.rollup,
        ]
        if row:
            con.execute(
                "UPDATE metrics SET name_zh=?, name_en=?, category=?, dimension=?, unit=?, direction=?, min=?, "
                "max=?, aliases=?, rollup=? WHERE mid = ?",
                [*values, row[0]],
            )
        else:
            con.execute(
                "INSERT INTO metrics SELECT coalesce(max(mid), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM metrics",
                [m.code, *values],
            )
