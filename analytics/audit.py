"""The audit log: who did what, when — logins, imports, reverts, exports, catalog, unit and user changes.

The log is append-only. This module offers :func:`record` and the readers; there is deliberately no function that
updates or deletes a row, and the admin page only reads. Each row also carries a SHA-256 chained to the previous
row's, so an edit made outside the product (with a DuckDB shell on the file) shows up in :func:`verify`.

``details`` is a JSON object (stored as text, ``ensure_ascii=False``); its keys depend on the action (see ACTIONS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import duckdb
import pandas as pd

from analytics.db import first_row

# what is recorded; the values are the stored action names (stable: filters and reports rely on them)
LOGIN, LOGIN_FAILED, LOGOUT, LOCKED = "login", "login_failed", "logout", "locked"
IMPORT, REVERT, EXPORT = "import", "revert", "export"
CATALOG, UNITS = "catalog_change", "units_change"
USER_ADD, USER_PASSWORD, USER_ROLE, USER_DISABLE, USER_ENABLE, USER_EMAIL, USER_UNLOCK = (
    "user_add",
    "user_password",
    "user_role",
    "user_disable",
    "user_enable",
    "user_email",
    "user_unlock",
)
BACKUP, RESTORE = "backup", "restore"
ACTIONS: tuple[str, ...] = (
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    LOCKED,
    IMPORT,
    REVERT,
    EXPORT,
    CATALOG,
    UNITS,
    USER_ADD,
    USER_PASSWORD,
    USER_ROLE,
    USER_DISABLE,
    USER_ENABLE,
    USER_EMAIL,
    USER_UNLOCK,
    BACKUP,
    RESTORE,
)
COLUMNS = ["id", "at", "actor", "action", "details"]
GENESIS = "0" * 64  # the "previous hash" of the first row
RETRIES = 5  # an append racing a caller's own transaction: the loser retries with the next id
RETRY_PAUSE_SECONDS = 0.01
# Appends take turns within a process (the app's sessions share one DuckDB instance); processes take turns
# through DuckDB's file lock. Without this, two sessions logging in at once would both claim the next id.
_APPEND = threading.RLock()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction in which a change and its audit entry are written together (appends take turns)."""
    with _APPEND:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def _row_hash(previous: str, row_id: int, at: dt.datetime, actor: str, action: str, details: str) -> str:
    payload = json.dumps([previous, row_id, at.isoformat(), actor, action, details], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    action: str,
    details: Mapping[str, object] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Append one entry and return its id. ``at`` defaults to now (local time, like batches).

    Call it on its own or inside ``with audit.transaction(con):`` around the change it describes, so that the
    change and its record commit together.
    Values in ``details`` that JSON cannot hold are written as text. Raises ValueError for an unknown action.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    when = at or dt.datetime.now()
    text = json.dumps(dict(details or {}), ensure_ascii=False, sort_keys=True, default=str)
    for attempt in range(RETRIES):
        try:
            with _APPEND:
                return _append(con, when, actor, action, text)
        except (duckdb.ConstraintException, duckdb.TransactionException):
            if attempt == RETRIES - 1:
                raise
            time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
    raise AssertionError("unreachable")


def _append(con: duckdb.DuckDBPyConnection, when: dt.datetime, actor: str, action: str, text: str) -> int:
    last = first_row(con, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    row_id, previous = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    row_hash = _row_hash(previous, row_id, when, actor, action, text)
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)", [row_id, when, actor, action, text, row_hash])
    return row_id


def query(
    con: duckdb.DuckDBPyConnection,
    actor: str | None = None,
    action: str | list[str] | None = None,
    since: dt.datetime | dt.date | None = None,
    until: dt.datetime | dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Entries, newest first: columns id, at, actor, action, details (the JSON text).

    ``actor`` matches exactly; ``action`` is one name or a list; ``since``/``until`` bound ``at`` inclusively
    (a date as ``until`` means the whole day). None means no filter.
    """
    actions = [action] if isinstance(action, str) else action
    if isinstance(until, dt.date) and not isinstance(until, dt.datetime):
        until = dt.datetime.combine(until, dt.time.max)
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time.min)
    return con.execute(
        "SELECT id, logged_at AS at, actor, action, details FROM audit_log "
        "WHERE (?::VARCHAR IS NULL OR actor = ?) AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], action)) "
        "AND (?::TIMESTAMP IS NULL OR logged_at >= ?) AND (?::TIMESTAMP IS NULL OR logged_at <= ?) "
        "ORDER BY id DESC LIMIT ?",
        [actor, actor, actions, actions, since, since, until, until, limit],
    ).df()


def details_of(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The ``details`` column of a :func:`query` result decoded into dicts."""
    return [json.loads(text) for text in frame["details"]]


def actors(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Everyone who appears in the log, sorted (for the admin page's filter)."""
    return [name for (name,) in con.execute("SELECT DISTINCT actor FROM audit_log ORDER BY actor").fetchall()]


def verify(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the first entry whose hash does not follow from its content and predecessor; None if intact.

    A deleted row, an edited row or a re-ordered log all break the chain from that point on.
    """
    previous, expected_id = GENESIS, 1
    rows = con.execute("SELECT id, logged_at, actor, action, details, hash FROM audit_log ORDER BY id").fetchall()
    for row_id, at, actor, action, details, stored in rows:
        if row_id != expected_id or _row_hash(previous, row_id, at, actor, action, details) != stored:
            return int(row_id)
        previous, expected_id = stored, expected_id + 1
    return None
