"""The completeness grid read straight from the database (the planners' view)."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.model.completeness import _with_status
from analytics.periods import from_index


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
