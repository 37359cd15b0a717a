"""Notes (情况说明, SPEC §8) in the database: the uploader's explanation of a value, kept per value and batch.
Written by the commit of the batch, in its transaction (analytics.store.batches); read for reviewers, the unit
profile and exports."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

NOTE_FIELDS = ["uid", "period", "mid", "note"]


def save_notes(con: duckdb.DuckDBPyConnection, batch_id: int, notes: pd.DataFrame, author: str) -> int:
    """Write ``notes`` (uid, period, mid, note) for ``batch_id`` inside the caller's transaction; how many."""
    if notes is None or notes.empty:
        return 0
    rows = notes[NOTE_FIELDS].reset_index(drop=True)
    con.register("staged_notes", rows)
    try:
        con.execute(
            "INSERT INTO notes SELECT ?, uid, period, mid, note, ?, ? FROM staged_notes",
            [batch_id, author, dt.datetime.now()],
        )
    finally:
        con.unregister("staged_notes")
    return len(rows)


def load_notes(
    con: duckdb.DuckDBPyConnection,
    batch_id: int | None = None,
    uid: int | None = None,
    period: int | None = None,
) -> pd.DataFrame:
    """Notes with their unit and metric codes (batch_id, unit, period, metric, note, author, written_at), of one
    batch, unit or month when given, oldest first; notes of reverted batches included (the batch says so)."""
    return con.execute(
        "SELECT n.batch_id, u.code AS unit, n.period, m.code AS metric, n.note, n.author, n.written_at "
        "FROM notes n JOIN units u ON u.uid = n.uid JOIN metrics m ON m.mid = n.mid "
        "WHERE (?::INTEGER IS NULL OR n.batch_id = ?) AND (?::INTEGER IS NULL OR n.uid = ?) "
        "AND (?::INTEGER IS NULL OR n.period = ?) ORDER BY n.batch_id, u.code, n.period, m.code",
        [batch_id, batch_id, uid, uid, period, period],
    ).df()


def notes_in_view(
    con: duckdb.DuckDBPyConnection,
    start: int | None = None,
    end: int | None = None,
    uids: list[int] | None = None,
) -> pd.DataFrame:
    """The notes of batches still in force (not reverted) in months ``start..end`` (inclusive, None: open) of units
    ``uids`` (None: every unit): unit (code), name, period, metric (code), value (the value that batch wrote),
    note, author, batch_id, written_at; by unit, period, metric, then oldest first."""
    return con.execute(
        "SELECT u.code AS unit, u.name, n.period, m.code AS metric, o.value, n.note, n.author, n.batch_id, "
        "n.written_at FROM notes n JOIN batches b ON b.id = n.batch_id AND b.status = 'committed' "
        "JOIN units u ON u.uid = n.uid JOIN metrics m ON m.mid = n.mid "
        "LEFT JOIN observations o ON o.batch_id = n.batch_id AND o.uid = n.uid AND o.period = n.period "
        "AND o.mid = n.mid "
        "WHERE (?::INTEGER IS NULL OR n.period >= ?) AND (?::INTEGER IS NULL OR n.period <= ?) "
        "AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], n.uid)) "
        "ORDER BY u.code, n.period, m.code, n.batch_id, n.written_at",
        [start, start, end, end, uids, uids],
    ).df()
