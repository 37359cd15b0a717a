"""The stored metric catalog: reading it, the metric ids, and saving catalog changes."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.model.catalog import Catalog, Metric, label_clashes
from analytics.model.master_data import MasterDataError, check_codes
from analytics.store.connection import bump_data_version, insert_metrics


def load_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    rows = con.execute(
        "SELECT code, name_zh, name_en, category, dimension, unit, direction, min, max, aliases, rollup "
        "FROM metrics ORDER BY mid"
    ).fetchall()
    metrics = tuple(
        Metric(
            c,
            zh,
            en,
            cat,
            dim,
            unit,
            int(d),
            lo,
            hi,
            tuple(a for a in aliases.split("|") if a),
            roll,
        )
        for c, zh, en, cat, dim, unit, d, lo, hi, aliases, roll in rows
    )
    return Catalog(metrics)


def metric_ids(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("SELECT code, mid FROM metrics").fetchall())


def save_metrics(con: duckdb.DuckDBPyConnection, metrics: list[Metric], replace: bool = False) -> None:
    """Add or update catalog entries by code — or, with ``replace``, make ``metrics`` the whole catalog — in one
    transaction. Metrics that stay keep their ids (and so their observations).

    Refused (MasterDataError, nothing changes): a code that is not an identifier; any label (code, name, alias,
    normalised) that would name two metrics, listing every clash; with ``replace``, dropping a metric that
    observations still refer to, listing those metrics and how many values each has.
    """
    check_codes((None, m.code) for m in metrics)
    con.execute("BEGIN TRANSACTION")
    try:
        stored = {m.code: m for m in load_catalog(con).metrics}
        incoming = {m.code: m for m in metrics}
        result = list(incoming.values()) if replace else [*({**stored, **incoming}).values()]
        clashes = label_clashes(result)
        if clashes:
            raise MasterDataError("md.clash", clashes, n=len(clashes))
        dropped = [code for code in stored if code not in incoming] if replace else []
        if dropped:
            _drop_metrics(con, dropped)
        insert_metrics(con, metrics)
        bump_data_version(con)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _drop_metrics(con: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    """Delete the catalog entries ``codes``, refusing (MasterDataError) while observations refer to any of them."""
    con.register("dropped_metrics", pd.DataFrame({"code": codes}))
    try:
        used = con.execute(
            "SELECT m.code, count(*) FROM observations o JOIN metrics m ON m.mid = o.mid "
            "WHERE m.code IN (SELECT code FROM dropped_metrics) GROUP BY m.code, m.mid ORDER BY m.mid"
        ).fetchall()
        if used:
            raise MasterDataError(
                "md.in_use",
                [f"{code} ({n})" for code, n in used],
            )
        con.execute("DELETE FROM metrics WHERE code IN (SELECT code FROM dropped_metrics)")
    finally:
        con.unregister("dropped_metrics")
