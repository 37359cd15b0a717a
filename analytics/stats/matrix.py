"""Correlation matrices: many metric pairs at once, per pair or with the vectorised grid engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analytics.model.panel import Panel
from analytics.stats.correlations import benjamini_hochberg, correlate, json_value
from analytics.stats.options import DEFAULT_LEVEL, DEFAULT_SCALE, Scope, check_options

CELL_COLUMNS = ("x", "y", "r", "p", "n", "n_units", "ci_low", "ci_high", "df", "insufficient")


def _pairwise_cells(panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: Scope) -> pd.DataFrame:
    """Cells one ``correlate`` call at a time (Spearman: ranks depend on each pair's rows)."""
    options = {k: getattr(scope, k) for k in ("method", "level", "lag", "period", "from_", "to", "units", "scale")}
    found = [correlate(panel, x, y, **options) for x in rows for y in cols]
    frame = pd.DataFrame([{k: getattr(c, k) for k in CELL_COLUMNS} for c in found], columns=list(CELL_COLUMNS))
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    floats = {k: np.float64 for k in ("r", "p", "ci_low", "ci_high", "df")}
    return frame.astype({**floats, "n": np.int64, "n_units": np.int64, "insufficient": bool})


def cells(panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: Scope) -> pd.DataFrame:
    """Unadjusted cells (CELL_COLUMNS) rows-major; x = y cells get no p (not tested)."""
    from analytics.stats import grid_statistics

    check_options(scope.method, scope.level, scope.scale, scope.period)
    if scope.method == "spearman":
        frame = _pairwise_cells(panel, rows, cols, scope)
    else:
        frame = _typed(grid_statistics.grid_cells(panel, rows, cols, scope))
    frame.loc[frame["x"] == frame["y"], "p"] = np.nan
    return frame


def _mirror_of(frame: pd.DataFrame) -> np.ndarray:
    """For each cell, the position of an earlier cell with x and y swapped (−1 when none): counted once."""
    keys = list(zip(frame["x"], frame["y"], strict=True))
    first: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    mirrors = [first.get((y, x), i) if first.get((y, x), i) < i else -1 for i, (x, y) in enumerate(keys)]
    return np.array(mirrors, dtype=np.int64)


def matrix(
    panel: Panel,
    rows: Sequence[str],
    cols: Sequence[str],
    method: str = "pearson",
    level: str = DEFAULT_LEVEL,
    lag: int = 0,
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
    scale: str = DEFAULT_SCALE,
) -> pd.DataFrame:
    """The grid of correlations rows × cols (metric codes), options as in ``correlate``.

    One row per cell, rows-major: x, y, r, p, q, n, n_units, ci_low, ci_high, df, insufficient (NaN where
    missing); each cell equals ``correlate`` for that pair. q is Benjamini–Hochberg over the cells with a p; x = y
    cells are not tested and, at lag 0, the mirror (y, x) of a cell already in the grid is counted once and
    shares its q.
    """
    scope = Scope(method, level, lag, period, from_, to, None if units is None else tuple(units), scale)
    frame = cells(panel, rows, cols, scope)
    p = frame["p"].to_numpy().copy()
    mirror = _mirror_of(frame) if lag == 0 else np.full(len(frame), -1, dtype=np.int64)
    p[mirror >= 0] = np.nan
    q = benjamini_hochberg(p)
    q[mirror >= 0] = q[mirror[mirror >= 0]]
    frame.insert(4, "q", q)
    return frame


def matrix_to_dict(frame: pd.DataFrame) -> dict[str, list[dict[str, object]]]:
    """The SPEC §4 ``matrix`` JSON document: {"cells": [{x, y, r, p, q, n, n_units, insufficient}]}."""
    keys = ("x", "y", "r", "p", "q", "n", "n_units", "insufficient")
    rows = frame[list(keys)].itertuples(index=False)
    return {"cells": [{k: json_value(v) for k, v in zip(keys, row, strict=True)} for row in rows]}
