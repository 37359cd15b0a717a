"""Units in the database: reading the registry, saving a units CSV, and the units as a table."""

from __future__ import annotations

import io

import duckdb
import pandas as pd

from analytics.model.master_data import MasterDataError, check_codes
from analytics.model.units import UNIT_COLUMNS, Registry, Unit, _parent, check_tree
from analytics.store.connection import bump_data_version


def load_registry(con: duckdb.DuckDBPyConnection) -> Registry:
    rows = con.execute("SELECT uid, code, name, parent_code, headcount FROM units ORDER BY uid").fetchall()
    return Registry(tuple(Unit(*row) for row in rows))


def unit_ids(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each unit's code → its id."""
    return dict(con.execute("SELECT code, uid FROM units").fetchall())


def unit_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM units").fetchall()[0][0])


def _stored_parents(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return dict(con.execute("SELECT code, parent_code FROM units ORDER BY uid").fetchall())


def save_units(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, object]],
    in_transaction: bool = False,
) -> int:
    """Add or update units by code (ids stay stable); returns how many rows were written.

    Refused (MasterDataError, nothing written): a code that is not an identifier, a parent that is neither
    registered nor in ``rows``, and a tree that would hold a cycle through a unit of ``rows`` (every such cycle
    named, ``A → B → A``; a cycle already stored, which no entry accepts, does not block unrelated units).
    """
    check_codes((None, str(r["code"])) for r in rows)
    parents = _stored_parents(con)
    parents.update({str(r["code"]): _parent(r) for r in rows})
    for r in rows:
        parent = _parent(r)
        if parent is not None and parent not in parents:
            raise MasterDataError("md.unknown_parent", unit=r["code"], parent=parent)
    check_tree(parents, through={str(r["code"]) for r in rows})
    if not in_transaction:
        con.execute("BEGIN TRANSACTION")
    frame = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
    con.register("incoming_units", frame)
    con.execute(
        "UPDATE units SET name = i.name, parent_code = i.parent_code, headcount = i.headcount "
        "FROM incoming_units i WHERE units.code = i.code"
    )
    con.execute(
        "INSERT INTO units SELECT (SELECT coalesce(max(uid), 0) FROM units) + row_number() OVER (), "
        "i.code, i.name, i.parent_code, i.headcount FROM incoming_units i "
        "WHERE i.code NOT IN (SELECT code FROM units)"
    )
    con.unregister("incoming_units")
    bump_data_version(con)
    if not in_transaction:
        con.execute("COMMIT")
    return len(rows)


def units_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT code, name, parent_code, headcount FROM units ORDER BY uid").df()


def units_csv(con: duckdb.DuckDBPyConnection) -> str:
    out = io.StringIO()
    frame = units_frame(con)
    frame["headcount"] = frame["headcount"].map(lambda v: "" if pd.isna(v) else format(v, "g"))
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
