"""The data as it stood at an earlier version: what a shared link with ``v=`` reopens (issue 14, item 13).

A version is the state of the data after some change: the latest batch then (``batch``) and how many reverts had
been made by then (``reverts``; reverts do not create batches, so the batch id alone cannot tell the states before
and after a revert apart). Links carry it as ``v=12.3``; an older link's ``v=12`` means the last state in which
batch 12 was the newest, i.e. with every revert made before batch 13 came.

Batches and their observations are never deleted, so every version can be rebuilt exactly: a key's value at a
version is the value of the newest batch up to ``batch`` that had not been reverted among the first ``reverts``
reverts (in the order they were made); a NULL there is an explicit delete. This is the rule ``commit`` and
``revert`` maintain for ``current``, applied to the past.

:func:`materialize` writes that state into its own small database file beside the database (units, catalog, the
batches up to the version, their observations and the rebuilt ``current``), so every page, export and cache reads
it exactly as it reads the live file. Units and metric definitions are today's: the registry and the catalog are
not versioned (a unit added later shows without values).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics.store.connection import connect, first_row, get_meta, one_row
from analytics.store.snapshot import snapshot_dir

VERSION_TEXT = re.compile(r"^\s*v?(\d{1,9})(?:\.(\d{1,9}))?\s*$")
COPIED_META = ("demo",)  # meta keys a pinned copy keeps from the live file


@dataclass(frozen=True, order=True)
class Version:
    """``batch``: the newest batch id at that moment; ``reverts``: reverts made by then (None: not known, an older
    link — read as every revert made before the next batch)."""

    batch: int
    reverts: int | None = None

    @property
    def text(self) -> str:
        return str(self.batch) if self.reverts is None else f"{self.batch}.{self.reverts}"

    @staticmethod
    def parse(text: str | None) -> Version | None:
        """``"12.3"`` → Version(12, 3); ``"12"`` → Version(12, None); anything else → None."""
        found = VERSION_TEXT.match(text or "")
        if found is None:
            return None
        return Version(int(found.group(1)), int(found.group(2)) if found.group(2) is not None else None)


def current_version(con: duckdb.DuckDBPyConnection) -> Version:
    """The version of the live data: the newest batch id and the number of reverts made so far."""
    batch, reverts = one_row(con, "SELECT coalesce(max(id), 0), count(reverted_at) FROM batches")
    return Version(int(batch), int(reverts))


def resolved(con: duckdb.DuckDBPyConnection, version: Version) -> Version:
    """``version`` with its revert count filled in (an older link's ``v=12``: the reverts made before batch 13)."""
    if version.reverts is not None:
        return version
    row = first_row(con, "SELECT min(created_at) FROM batches WHERE id > ?", [version.batch])
    later = row[0] if row else None
    if later is None:
        (count,) = one_row(con, "SELECT count(reverted_at) FROM batches")
    else:
        (count,) = one_row(con, "SELECT count(*) FROM batches WHERE reverted_at < ?", [later])
    return Version(version.batch, int(count))


def _undone(con: duckdb.DuckDBPyConnection, version: Version) -> list[int]:
    """The batches reverted by then: the first ``version.reverts`` reverts, in the order they were made."""
    sql = "SELECT id FROM batches WHERE reverted_at IS NOT NULL ORDER BY reverted_at, id LIMIT ?"
    return [int(i) for (i,) in con.execute(sql, [version.reverts]).fetchall()]


# The state at a version (params: the newest batch, the batches undone by then); per key the newest value.
_STATE = """
    WITH live AS (SELECT id FROM batches WHERE id <= ? AND NOT list_contains(?::INTEGER[], id))
    SELECT uid, period, mid, value, batch_id FROM (
        SELECT o.uid, o.period, o.mid, o.value, o.batch_id,
               row_number() OVER (PARTITION BY o.uid, o.period, o.mid ORDER BY o.batch_id DESC) AS rn
        FROM observations o SEMI JOIN live ON o.batch_id = live.id)
    WHERE rn = 1 AND value IS NOT NULL
"""


def state_at(con: duckdb.DuckDBPyConnection, version: Version) -> pd.DataFrame:
    """The ``current`` table as it stood at ``version``: uid, period, mid, value, batch_id (unordered)."""
    exact = resolved(con, version)
    return con.execute(_STATE, [exact.batch, _undone(con, exact)]).df()


def _identity(con: duckdb.DuckDBPyConnection, version: Version, undone: list[int]) -> str:
    """What makes a pinned copy valid: the version and the history up to it (a restore of another history gives
    other creation and revert times, hence another file)."""
    rows = con.execute(
        "SELECT id, created_at, reverted_at FROM batches WHERE id <= ? ORDER BY id", [version.batch]
    ).fetchall()
    digest = hashlib.sha256(repr((rows, undone)).encode()).hexdigest()[:16]
    return f"{version.batch}.{version.reverts}-{digest}"


_COPY = {  # one fixed statement per copied table (no SQL is built from names)
    "units": "INSERT INTO units SELECT * FROM incoming",
    "metrics": "INSERT INTO metrics SELECT * FROM incoming",
    "batches": "INSERT INTO batches SELECT * FROM incoming",
    "observations": "INSERT INTO observations SELECT * FROM incoming",
    "current": "INSERT INTO current SELECT * FROM incoming",
}


def pinned_path(db: str | Path, identity: str) -> Path:
    return snapshot_dir(db) / f"as-of-{identity}.duckdb"


def materialize(db: str | Path, version: Version) -> tuple[Path, Version]:
    """The state at ``version`` of the database ``db`` as its own database file (built once, then reused); and the
    version with its revert count resolved. Raises LookupError for a version the database never had."""
    with connect(db, read_only=True) as con:
        exact = resolved(con, version)
        latest = current_version(con)
        if exact.batch > latest.batch or (exact.reverts or 0) > (latest.reverts or 0):
            raise LookupError(f"version {exact.text} is newer than the data ({latest.text})")
        undone = _undone(con, exact)
        path = pinned_path(db, _identity(con, exact, undone))
        if path.exists():
            return path, exact
        tables = {
            "units": con.sql("SELECT * FROM units ORDER BY uid").to_arrow_table(),
            "metrics": con.sql("SELECT * FROM metrics ORDER BY mid").to_arrow_table(),
            "batches": con.sql(  # as they stood: reverts made later are not there yet
                "SELECT * EXCLUDE (was) REPLACE (CASE WHEN was THEN status ELSE 'committed' END AS status, "
                "CASE WHEN was THEN reverted_at END AS reverted_at, CASE WHEN was THEN reverted_by END AS reverted_by) "
                "FROM (SELECT *, list_contains(?::INTEGER[], id) AS was FROM batches WHERE id <= ?) "
                "ORDER BY id",
                params=[undone, exact.batch],
            ).to_arrow_table(),
            "observations": con.sql(
                "SELECT * FROM observations WHERE batch_id <= ?", params=[exact.batch]
            ).to_arrow_table(),
            "current": con.sql(_STATE, params=[exact.batch, undone]).to_arrow_table(),
        }
        meta = {key: get_meta(con, key) for key in COPIED_META}
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.{os.getpid()}.building")
    building.unlink(missing_ok=True)
    with connect(building) as out:
        out.execute("DELETE FROM metrics")  # the new file's default catalog gives way to the live one
        for name, table in tables.items():
            out.register("incoming", table)
            out.execute(_COPY[name])
            out.unregister("incoming")
        for key, value in meta.items():
            if value is not None:
                out.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
        out.execute("INSERT OR REPLACE INTO meta VALUES ('data_token', ?)", [f"as-of-{path.stem[6:]}"])
        out.execute("INSERT OR REPLACE INTO meta VALUES ('pinned_version', ?)", [exact.text])
    os.replace(building, path)
    return path, exact
