"""Who has reported: reported / partial / missing per unit and month, from counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

REPORTED, PARTIAL, MISSING = "reported", "partial", "missing"


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
