"""The dense observation panel: a float64 cube [unit, calendar month, metric] with NaN for missing.

Correlations pair values by calendar month, so the month axis is contiguous from the first to the
last month observed: a month nobody reported is a row of NaN, never skipped. This module also owns
the panel-shaped operations the statistics need: pairing two metrics (with a lag), and removing unit
(and month) fixed effects exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import periods

OBS_COLUMNS = ("unit", "period", "metric", "value")
PER_CAPITA_BASE = 100.0  # per-capita values are "per 100 employees"
UNIT_CHUNK = 256  # units per batch in the per-unit moment sums (bounds memory)


@dataclass(frozen=True, eq=False)
class Panel:
    """Observations on a dense grid.

    ``cube[u, t, m]`` is the value of metric ``metrics[m]`` for unit ``units[u]`` in month
    ``months[t]`` (``YYYY-MM``), NaN where missing. ``months`` is contiguous, one per calendar month.
    The cube is read-only; derive new panels instead of editing one.
    """

    units: pd.Index
    months: pd.Index
    metrics: pd.Index
    cube: np.ndarray

    @property
    def first_month(self) -> int:
        """The month index (``year * 12 + month - 1``) of ``months[0]``; 0 for an empty panel."""
        return periods.parse_strict(self.months[0]) if len(self.months) else 0

    def column(self, metric: str) -> np.ndarray:
        """The [unit, month] view of one metric; all NaN when the metric has no observations."""
        pos = self.metrics.get_indexer([metric])[0]
        if pos < 0:
            return np.full(self.cube.shape[:2], np.nan)
        return self.cube[:, :, pos]

    def month_position(self, period: str) -> int:
        """Position of a ``YYYY-MM`` month on the month axis (may lie outside ``0..len(months)-1``)."""
        return periods.parse_strict(period) - self.first_month

    def unit_positions(self, units: Iterable[str] | None) -> np.ndarray:
        """Positions of the given unit codes (unknown codes are ignored); every unit when None."""
        if units is None:
            return np.arange(len(self.units))
        found = self.units.get_indexer(list(units))
        return np.unique(found[found >= 0])


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and sorted labels of a key column (categorical codes are used as they are)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, labels = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, labels = pd.factorize(column, use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"column {column.name!r} has missing keys")
    order = np.argsort(np.asarray(labels, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], pd.Index(np.asarray(labels, dtype=object)[order], dtype=object)


def _month_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Calendar-month positions of a ``YYYY-MM`` column and the contiguous month labels."""
    codes, labels = _codes(column)
    index = np.array(
        [periods.parse_strict(str(label)) for label in labels], dtype=np.int64
    )
    first, last = (int(index.min()), int(index.max())) if len(index) else (0, -1)
    months = pd.Index(
        [periods.from_index(i) for i in range(first, last + 1)], dtype=object
    )
    return index[codes] - first if len(index) else codes, months


def build_panel(obs: pd.DataFrame) -> Panel:
    """The dense panel of long observations.

    ``obs`` has columns ``unit`` (code), ``period`` (``YYYY-MM``), ``metric`` (code) and ``value``
    (float). Absent rows and NaN values are missing. Categorical or pyarrow-string key columns are
    fastest (no hashing of Python strings). Units and metrics come out sorted by code; months run
    without gaps from the first to the last period present. Raises ValueError on a malformed
    period or a key given twice.
    """
    missing = [c for c in OBS_COLUMNS if c not in obs.columns]
    if missing:
        raise ValueError(f"observations lack columns {missing}")
    u, units = _codes(obs["unit"])
    t, months = _month_codes(obs["period"])
    m, metrics = _codes(obs["metric"])
    values = obs["value"].to_numpy(dtype=np.float64)
    cube = np.full((len(units), len(months), len(metrics)), np.nan)
    flat = (u * len(months) + t) * len(metrics) + m
    cube.reshape(-1)[flat] = values
    if np.count_nonzero(~np.isnan(cube)) != np.count_nonzero(~np.isnan(values)):
        raise ValueError(
            "observations hold some (unit, period, metric) key more than once"
        )
    return _frozen(units, months, metrics, cube)


def _frozen(
    units: pd.Index, months: pd.Index, metrics: pd.Index, cube: np.ndarray
) -> Panel:
    cube.flags.writeable = False
    return Panel(units=units, months=months, metrics=metrics, cube=cube)


def per_capita(
    panel: Panel, headcount: Mapping[str, float], metrics: Iterable[str]
) -> Panel:
    """A panel where the given (count) metrics are per 100 employees: value / (headcount / 100).

    Units without a positive headcount get NaN for those metrics (missing, not zero); other metrics
    are unchanged. Metrics not in the panel are ignored.
    """
    heads = np.array([float(headcount.get(u) or np.nan) for u in panel.units])
    scale = np.where(heads > 0, heads / PER_CAPITA_BASE, np.nan)
    positions = panel.metrics.get_indexer(list(metrics))
    cube = panel.cube.copy()
    for pos in positions[positions >= 0]:
        cube[:, :, pos] /= scale[:, None]
    return _frozen(panel.units, panel.months, panel.metrics, cube)


@dataclass(frozen=True, eq=False)
class Pairs:
    """The (unit, month) pairs of an analysis: x of month ``month`` with y of ``month + lag``.

    ``unit`` and ``month`` are positions in the panel's axes (month = x's month); rows are ordered by
    unit, then month. Only pairs with both values present are kept.
    """

    unit: np.ndarray
    month: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def subset(self, keep: np.ndarray) -> Pairs:
        return Pairs(self.unit[keep], self.month[keep], self.x[keep], self.y[keep])


def month_window(
    panel: Panel, lag: int, from_: str | None, to: str | None
) -> tuple[int, int]:
    """Inclusive positions ``(lo, hi)`` of x's months: within ``from_..to`` and leaving room for the lag.

    ``hi < lo`` means no month qualifies.
    """
    if lag < 0:
        raise ValueError("lag must be 0 or more (x leads y)")
    lo = 0 if from_ is None else max(0, panel.month_position(from_))
    hi = len(panel.months) - 1 - lag
    if to is not None:
        hi = min(hi, panel.month_position(to))
    return lo, hi


def pair_up(
    panel: Panel,
    x: str,
    y: str,
    lag: int = 0,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
) -> Pairs:
    """Pairs of x in calendar month t with y in month t + lag of the same unit (``from_``/``to`` bound t)."""
    lo, hi = month_window(panel, lag, from_, to)
    rows = panel.unit_positions(units)
    if hi < lo or not len(rows):
        empty = np.empty(0)
        return Pairs(empty.astype(np.int64), empty.astype(np.int64), empty, empty)
    xs = panel.column(x)[rows, lo : hi + 1]
    ys = panel.column(y)[rows, lo + lag : hi + 1 + lag]
    r, t = np.nonzero(~np.isnan(xs) & ~np.isnan(ys))
    return Pairs(rows[r], t + lo, xs[r, t], ys[r, t])


def dense_codes(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels renumbered 0..k-1 (in sorted order) and k, the number of distinct labels."""
    uniques, codes = np.unique(labels, return_inverse=True)
    return codes, len(uniques)


def demean(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Values minus their group mean (``groups`` dense codes 0..n_groups-1, every group non-empty)."""
    counts = np.bincount(groups, minlength=n_groups)
    return values - (np.bincount(groups, values, n_groups) / counts)[groups]


def twoway_residuals(
    values: np.ndarray, unit: np.ndarray, month: np.ndarray
) -> np.ndarray:
    """Residuals of ``values`` on unit and month dummies, exact also on unbalanced panels.

    Unit effects are concentrated out (demeaning), the month effects then solve the small normal
    equations ``(D_tᵀ M_u D_t) γ = D_tᵀ M_u v`` by least squares (min-norm, as the dummies are
    collinear); ``unit`` and ``month`` are dense codes and each (unit, month) appears at most once.
    """
    unit, n_units = dense_codes(unit)
    month, n_months = dense_codes(month)
    unit_sizes = np.bincount(unit, minlength=n_units).astype(np.float64)
    incidence = np.zeros((n_units, n_months))
    incidence[unit, month] = 1.0
    normal = (
        np.diag(incidence.sum(axis=0)) - (incidence / unit_sizes[:, None]).T @ incidence
    )
    within = demean(values, unit, n_units)
    gamma = np.linalg.lstsq(normal, np.bincount(month, within, n_months), rcond=None)[0]
    fitted = gamma[month] - ((incidence @ gamma) / unit_sizes)[unit]
    return within - fitted


# ---------------------------------------------------------------- pairwise moments of many metric pairs


def _block(
    panel: Panel,
    codes: Sequence[str],
    rows: np.ndarray,
    lo: int,
    months: int,
    by_unit: bool,
) -> np.ndarray:
    """Values [unit, month, metric] of the given metric codes over ``months`` months from ``lo``, shifted.

    Each metric is shifted by its mean (per unit when ``by_unit``): correlations do not change, and
    sums of squares then lose far less to cancellation. Metrics not in the panel are all NaN.
    """
    pos = panel.metrics.get_indexer(list(codes))
    block = np.full((len(rows), months, len(codes)), np.nan)
    found = np.flatnonzero(pos >= 0)
    if len(found) and months > 0:
        window = panel.cube[:, lo : lo + months, :]
        block[:, :, found] = window[
            rows[:, None, None],
            np.arange(months)[None, :, None],
            pos[found][None, None, :],
        ]
    axes = (1,) if by_unit else (0, 1)
    present = np.count_nonzero(~np.isnan(block), axis=axes, keepdims=True)
    shift = np.nansum(block, axis=axes, keepdims=True) / np.maximum(present, 1)
    return block - shift


def _unit_moments(xb: np.ndarray, yb: np.ndarray) -> dict[str, np.ndarray]:
    """Per unit and metric pair [unit, x, y]: pairwise-complete count, sums, sums of squares and products."""
    mx, my = (~np.isnan(b) for b in (xb, yb))
    x0, y0 = np.where(mx, xb, 0.0), np.where(my, yb, 0.0)
    mxt, xt = mx.astype(np.float64).transpose(0, 2, 1), x0.transpose(0, 2, 1)
    my = my.astype(np.float64)
    return {
        "n": mxt @ my,
        "sx": xt @ my,
        "sy": mxt @ y0,
        "sxx": (xt * xt) @ my,
        "syy": mxt @ (y0 * y0),
        "sxy": xt @ y0,
    }


def _chunk_sums(m: dict[str, np.ndarray], level: str) -> dict[str, np.ndarray]:
    """One chunk of units' additive contributions to the level's sums, summed over its units."""
    if level == "within":
        keep = m["n"] >= 2
        n = np.where(keep, m["n"], 1.0)
        parts = {
            k: m["s" + k] - m["s" + k[0]] * m["s" + k[1]] / n
            for k in ("xx", "yy", "xy")
        }
        parts.update(
            n=m["n"], units=np.ones_like(n), scale_x=m["sxx"], scale_y=m["syy"]
        )
        return {k: np.where(keep, v, 0.0).sum(axis=0) for k, v in parts.items()}
    if level == "between":
        keep = m["n"] >= 1
        mx, my = (
            np.where(keep, m[k] / np.where(keep, m["n"], 1.0), 0.0)
            for k in ("sx", "sy")
        )
        m = {
            "n": keep.astype(np.float64),
            "sx": mx,
            "sy": my,
            "sxx": mx * mx,
            "syy": my * my,
            "sxy": mx * my,
        }
    return {
        "units": (m["n"] > 0).sum(axis=0).astype(np.float64),
        **{k: v.sum(axis=0) for k, v in m.items()},
    }


def _centred(sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Raw sums → centred sums of squares and products (pooled, period and between)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = sums["n"]
        centred = {
            k: sums["s" + k] - sums["s" + k[0]] * sums["s" + k[1]] / n
            for k in ("xx", "yy", "xy")
        }
    return {
        **centred,
        "n": n,
        "units": sums["units"],
        "scale_x": sums["sxx"],
        "scale_y": sums["syy"],
    }


def pair_moments(
    panel: Panel,
    rows: Sequence[str],
    cols: Sequence[str],
    lag: int,
    window: tuple[int, int],
    units: np.ndarray,
    level: str,
) -> dict[str, np.ndarray]:
    """Second moments of every metric pair rows × cols over its own pairwise-complete pairs.

    x months run over ``window`` (inclusive positions, see ``month_window``), y is ``lag`` months
    later, ``units`` are unit positions. Returns [row, col] arrays: ``xx``, ``yy``, ``xy`` (centred
    sums of squares and products: by unit for ``within``, which drops units with < 2 pairs; of the
    unit means for ``between``; overall otherwise), ``n`` (pairs; units for between), ``units``
    (contributing units) and ``scale_x``/``scale_y`` (uncentred sums of squares, to detect no variation).
    """
    lo, hi = window
    months = max(0, hi - lo + 1)
    xb = _block(panel, rows, units, lo, months, level == "within")
    yb = _block(panel, cols, units, lo + lag, months, level == "within")
    sums: dict[str, np.ndarray] = {}
    for start in range(0, max(len(units), 1), UNIT_CHUNK):
        part = _chunk_sums(
            _unit_moments(
                xb[start : start + UNIT_CHUNK], yb[start : start + UNIT_CHUNK]
            ),
            level,
        )
        sums = {k: sums.get(k, 0.0) + v for k, v in part.items()}
    if level == "within":
        return sums
    sums = _centred(sums)
    if level == "between":
        sums["n"] = sums["units"]
    return sums
