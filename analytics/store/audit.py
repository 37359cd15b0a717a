"""The audit log: who did what, when — logins, imports, reverts, exports, catalog, unit and user changes.

The log is append-only. This module offers :func:`record` and the readers; there is deliberately no function that
updates or deletes a row, and the admin page only reads. Each row also carries a SHA-256 chained to the previous
row's, so an edit made outside the product (with a DuckDB shell on the file) shows up in :func:`verify`.

A chain alone cannot show that rows were cut off the end, or that the whole chain was recomputed after an edit.
So after every committed append the head (id and hash) is also written to an **anchor file** beside the database
(``<db>.audit-anchor``, one JSON line per write, only ever appended to). :func:`check` compares the log with every
anchored head: a missing anchored id means truncation, a different hash a rewritten chain. A restore starts a new
epoch in the anchor file (the restored log legitimately ends earlier). What this cannot catch is in SECURITY.md.

``details`` is a JSON object (stored as text, ``ensure_ascii=False``); its keys depend on the action (see ACTIONS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics.store.connection import connect, first_row

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
CYCLE_OPEN, CYCLE_CLOSE, CYCLE_REOPEN = "cycle_open", "cycle_close", "cycle_reopen"
UNIT_STATUS, REVIEW_REFUSED = "unit_status", "review_refused"  # a reporting status changed; a refused change
RULES = "rules_change"  # cross-checks (勾稽关系) added or changed
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
    CYCLE_OPEN,
    CYCLE_CLOSE,
    CYCLE_REOPEN,
    UNIT_STATUS,
    REVIEW_REFUSED,
    RULES,
)
COLUMNS = ["id", "at", "actor", "action", "details"]
GENESIS = "0" * 64  # the "previous hash" of the first row
RETRIES = 5  # an append racing a caller's own transaction: the loser retries with the next id
RETRY_PAUSE_SECONDS = 0.01
# Appends take turns within a process (the app's sessions share one DuckDB instance); processes take turns
# through DuckDB's file lock. Without this, two sessions logging in at once would both claim the next id.
_APPEND = threading.RLock()
ANCHOR_SUFFIX = ".audit-anchor"  # the anchor file is the database file's name plus this


@contextmanager
def turn() -> Iterator[None]:
    """Hold the append turn: a transaction that will append an entry takes it before BEGIN and keeps it until
    COMMIT, because the entry chains to the head its snapshot sees; an append committed meanwhile by another
    session of this process would claim the same id and fail the whole transaction."""
    with _APPEND:
        yield


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction in which a change and its audit entry are written together (appends take turns); the new
    head is anchored after the commit."""
    with _APPEND:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        anchor(con)


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

    Call it on its own (it then commits and anchors the entry itself) or inside a transaction around the change it
    describes — ``with audit.transaction(con):``, or a caller's own BEGIN … COMMIT taken under :func:`turn` and
    followed by :func:`anchor` — so that the change and its record commit together.
    Values in ``details`` that JSON cannot hold are written as text. Raises ValueError for an unknown action.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    when = at or dt.datetime.now()
    text = json.dumps(dict(details or {}), ensure_ascii=False, sort_keys=True, default=str)
    for attempt in range(RETRIES):
        try:
            with _APPEND:
                if _in_transaction(con):
                    return _append(con, when, actor, action, text)[0]
                return _append_alone(con, when, actor, action, text)
        except (duckdb.ConstraintException, duckdb.TransactionException):
            if attempt == RETRIES - 1:
                raise
            time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
    raise AssertionError("unreachable")


def record_export(
    db: str | Path | None, actor: str, file_name: str, context: Mapping[str, object] | None = None
) -> int:
    """Log one export handed to a browser (a page's download button calls it, e.g. from ``on_click``).

    ``file_name`` is the name offered to the browser; its suffix is recorded as the format. ``context`` says what
    was exported (the view's filters, the page); its keys are stored beside ``format``, ``file`` and ``via="app"``.
    Written to ``db`` (the database the export was read from) in its own transaction; returns the entry's id.
    """
    suffix = Path(file_name).suffix.lstrip(".").lower()
    details = {**dict(context or {}), "format": suffix, "file": file_name, "via": "app"}
    with connect(db) as con:
        return record(con, actor, EXPORT, details)


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con`` is inside an explicit transaction. DuckDB has no flag for it, and a failed BEGIN would abort
    the caller's transaction; but outside one every statement runs in a transaction of its own, with a new id."""
    first = first_row(con, "SELECT txid_current()")
    return first == first_row(con, "SELECT txid_current()")


def _append_alone(con: duckdb.DuckDBPyConnection, when: dt.datetime, actor: str, action: str, text: str) -> int:
    """Append in a transaction of its own (the head read and the insert see the same log), then anchor it."""
    con.execute("BEGIN TRANSACTION")
    try:
        row_id, row_hash = _append(con, when, actor, action, text)
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
            con.execute("ROLLBACK")
        raise
    _write_anchor(con, {"id": row_id, "hash": row_hash})
    return row_id


def _append(con: duckdb.DuckDBPyConnection, when: dt.datetime, actor: str, action: str, text: str) -> tuple[int, str]:
    row_id, previous = head(con)
    row_id += 1
    row_hash = _row_hash(previous, row_id, when, actor, action, text)
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)", [row_id, when, actor, action, text, row_hash])
    return row_id, row_hash


def head(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """The last entry's (id, hash) as this connection sees it; (0, GENESIS) for an empty log."""
    last = first_row(con, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


# --- the anchor outside the database file ------------------------------------------------------------------


def anchor_path(db: str | Path) -> Path:
    """The anchor file of the database file ``db``: beside it, named ``<file name>.audit-anchor``."""
    path = Path(db)
    return path.with_name(path.name + ANCHOR_SUFFIX)


def _database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file ``con`` works on; None for an in-memory database (which has no anchor)."""
    row = first_row(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    return Path(row[0]) if row and row[0] else None


def _write_anchor(con: duckdb.DuckDBPyConnection, entry: Mapping[str, object]) -> None:
    """Append one line to the anchor file. The entry is already committed: a failure to write the file (a full or
    read-only disk) must not undo or fail it, and only leaves the newest entries unanchored (:func:`check`)."""
    file = _database_file(con)
    if file is None:
        return
    line = json.dumps(dict(entry), ensure_ascii=False, sort_keys=True) + "\n"
    with suppress(OSError), anchor_path(file).open("a", encoding="utf-8") as handle:
        handle.write(line)


def anchor(con: duckdb.DuckDBPyConnection) -> None:
    """After a caller's COMMIT that appended entries: write the log's head to the anchor file."""
    row_id, row_hash = head(con)
    if row_id:
        _write_anchor(con, {"id": row_id, "hash": row_hash})


def anchor_restored(con: duckdb.DuckDBPyConnection, source: str, recorded: Mapping[str, int | str] | None) -> None:
    """After a restore: start a new epoch in the anchor file at the restored log's head.

    The restored log ends where the backup was taken, before heads anchored since; the earlier lines stay in the
    file (it is only appended to) but are no longer checked. ``recorded`` is the head the backup's manifest holds
    (None for a backup made before the manifest held one): anchoring it, rather than what the restored file says,
    makes :func:`check` notice a backup whose log was altered along with its checksums.
    """
    row_id, row_hash = head(con)
    if recorded is not None:
        row_id, row_hash = int(recorded["id"]), str(recorded["hash"])
    _write_anchor(con, {"id": row_id, "hash": row_hash, "restored_from": source})


def anchored(db: str | Path) -> list[tuple[int, str]]:
    """The (id, hash) heads in the anchor file of ``db`` since its last restore, in file order; [] without one.

    Lines that cannot be read (e.g. a torn last line after a power cut) are skipped."""
    try:
        lines = anchor_path(db).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    heads: list[tuple[int, str]] = []
    for line in lines:
        try:
            entry = json.loads(line)
            point = (int(entry["id"]), str(entry["hash"]))
        except (ValueError, KeyError, TypeError):
            continue
        heads = [point] if "restored_from" in entry else [*heads, point]
    return heads


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


@dataclass(frozen=True)
class Check:
    """What :func:`check` found.

    ``broken``: the first entry id from which the log is not what was written (None when intact); ``reason``:
    ``chain`` (an entry's hash does not follow from its content and predecessor: an edit, a deletion, a re-order),
    ``missing`` (an anchored entry is gone: the log was cut short) or ``rewritten`` (an anchored entry's hash
    differs: the chain was recomputed); ``anchored``: the highest anchored id (0 without an anchor file);
    ``unanchored``: entries after it, which only the chain covers."""

    broken: int | None
    reason: str | None
    anchored: int
    unanchored: int


def check(con: duckdb.DuckDBPyConnection) -> Check:
    """Check the hash chain and compare the log with every head in its anchor file (see the module docstring)."""
    rows = con.execute("SELECT id, logged_at, actor, action, details, hash FROM audit_log ORDER BY id").fetchall()
    problems: list[tuple[int, str]] = []
    previous, expected_id = GENESIS, 1
    for row_id, at, actor, action, details, stored in rows:
        if row_id != expected_id or _row_hash(previous, row_id, at, actor, action, details) != stored:
            problems.append((int(row_id), "chain"))
            break
        previous, expected_id = stored, expected_id + 1
    file = _database_file(con)
    heads = anchored(file) if file is not None else []
    stored_hashes = {int(row[0]): str(row[5]) for row in rows}
    for row_id, row_hash in heads:
        if row_id and row_id not in stored_hashes:
            problems.append((row_id, "missing"))
        elif row_id and stored_hashes[row_id] != row_hash:
            problems.append((row_id, "rewritten"))
    top = max((row_id for row_id, _ in heads), default=0)
    after = sum(1 for row_id in stored_hashes if row_id > top)
    broken, reason = min(problems) if problems else (None, None)
    return Check(broken, reason, top, after)


def verify(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the first entry from which the log is not what was written; None if intact (see :func:`check`).

    A deleted row, an edited row or a re-ordered log break the chain from that point on; a log cut short or a
    recomputed chain no longer matches the heads in the anchor file.
    """
    return check(con).broken
