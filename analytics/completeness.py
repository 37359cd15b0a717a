"""Who has reported: a units × months grid of reported / partial / missing (the planners' completeness view)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.periods import from_index

REPORTED, PARTIAL, MISSING = "reported", "partial", "missing"


def completeness(con: duckdb.DuckDBPyConnection, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """One row per reporting unit (a unit with no children) and month between the bounds (inclusive).

    A month's expected metrics are those any unit reported that month; a unit is ``reported`` when it gave all
    of them, ``partial`` when some, ``missing`` when none. Months run from the first to the last with data
    unless bounds are given. Columns: unit, name, period ('YYYY-MM'), values, expected, status.
    """
    frame = con.execute(
        """
        WITH leaves AS (SELECT uid, code, name FROM units
                        WHERE code NOT IN (SELECT parent_code FROM units WHERE parent_code IS NOT NULL)),
             span AS (SELECT coalesce(?, min(period)) AS lo, coalesce(?, max(period)) AS hi FROM current),
             months AS (SELECT unnest(range(lo, hi + 1)) AS period FROM span WHERE lo IS NOT NULL),
             expected AS (SELECT period, count(DISTINCT mid) AS expected FROM current GROUP BY period),
             got AS (SELECT uid, period, count(*) AS n FROM current GROUP BY uid, period)
        SELECT l.code AS unit, l.name, m.period, coalesce(g.n, 0) AS "values", coalesce(e.expected, 0) AS expected
        FROM leaves l CROSS JOIN months m
        LEFT JOIN got g ON g.uid = l.uid AND g.period = m.period
        LEFT JOIN expected e ON e.period = m.period
        ORDER BY l.uid, m.period""",
        [start, end],
    ).df()
    frame["period"] = frame["period"].map(from_index)
    return _with_status(frame)


def leaf_completeness(
    units: pd.Index, months: pd.Index, reported: np.ndarray, expected: np.ndarray, leaves: list[tuple[str, str]]
) -> pd.DataFrame:
    """:func:`completeness` over ``months`` from counts: ``reported[u, t]`` values of ``units[u]`` in month ``t``,
    ``expected[t]`` the metrics anyone reported that month. ``leaves``: the reporting units (code, name) in id
    order, as the database lists them; a leaf not in ``units`` reported nothing."""
    rows = units.get_indexer([code for code, _ in leaves])
    counts = np.zeros((len(leaves), len(months)), dtype=np.int64)
    counts[rows >= 0] = reported[rows[rows >= 0]]
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.array([code for code, _ in leaves], dtype=object), len(months)),
            "name": np.repeat(np.array([name for _, name in leaves], dtype=object), len(months)),
            "period": np.tile(np.asarray(months, dtype=object), len(leaves)),
            "values": counts.reshape(-1),
            "expected": np.tile(np.asarray(expected, dtype=np.int64), len(leaves)),
        }
    )
    return _with_status(frame)


def _with_status(frame: pd.DataFrame) -> pd.DataFrame:
    frame["status"] = MISSING
    frame.loc[frame["values"] > 0, "status"] = PARTIAL
    frame.loc[(frame["values"] >= frame["expected"]) & (frame["expected"] > 0), "status"] = REPORTED
    return frame


def missing_reports(grid: pd.DataFrame, period: str) -> pd.DataFrame:
    """The units that have not reported in full for one month (missing first, then partial)."""
    month = grid[(grid["period"] == period) & (grid["status"] != REPORTED)]
    return month.sort_values(["status", "unit"], ascending=[True, True])
