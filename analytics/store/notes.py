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
