"""The dense observation panel: a float64 cube [unit, calendar month, metric] with NaN for missing.

Correlations pair values by calendar month, so the month axis is contiguous from the first to the
last month observed: a month nobody reported is a row of NaN, never skipped. This module also owns
the panel-shaped operations the statistics need: pairing two metrics (with a lag), removing unit
(and month) fixed effects exactly, and the pairwise-complete moments of many metric pairs at once
(matrix products over the [unit × month, metric] view, per unit where unit effects are removed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import periods

OBS_COLUMNS = ("unit", "period", "metric", "value")
PER_CAPITA_BASE = 100.0  # per-capita values are "per 100 employees"
FILL_CHUNK = 1 << 20  # observations placed per step (bounds temporary memory)
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


def key_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (−1 = missing) and the sorted labels (an object array) of a key column.

    Categorical codes are used as they are (small integers, no copy) when the categories are already sorted, else
    renumbered in a small integer type; other columns are factorised. Widen the codes before arithmetic on them.
    """
    if not isinstance(column.dtype, pd.CategoricalDtype):
        codes, labels = pd.factorize(column, sort=True)
        return codes, np.asarray(labels, dtype=object)
    codes = column.cat.codes.to_numpy()
    labels = np.asarray(column.cat.categories, dtype=object)
    order = np.argsort(labels, kind="stable")
    if np.array_equal(order, np.arange(len(order))):
        return codes, labels
    rank = np.full(len(order) + 1, -1, dtype=np.min_scalar_type(-len(order) - 1))  # the last slot keeps −1 at −1
    rank[order] = np.arange(len(order))
    return rank[codes], labels[order]


def _required_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """:func:`key_codes` of a column that may not have missing keys (ValueError)."""
    codes, labels = key_codes(column)
    if len(codes) and codes.min() < 0:
        raise ValueError(f"column {column.name!r} has missing keys")
    return codes, pd.Index(labels, dtype=object)


def _axis_codes(column: pd.Series, axis: pd.Index) -> np.ndarray:
    """Position of each row's label on ``axis`` (labels as text), −1 when not on it."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, uniques = pd.factorize(column)
    lookup = np.append(axis.get_indexer(pd.Index(uniques).astype(str)), -1)
    return lookup[codes]


def _month_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes of a ``YYYY-MM`` column, each code's calendar-month position, and the month labels."""
    codes, labels = _required_codes(column)
    index = np.array([periods.parse_strict(str(label)) for label in labels], dtype=np.int64)
    first, last = (int(index.min()), int(index.max())) if len(index) else (0, -1)
    months = pd.Index([periods.from_index(i) for i in range(first, last + 1)], dtype=object)
    return codes, index - first, months


def build_panel(obs: pd.DataFrame, metrics: pd.Index | None = None) -> Panel:
    """The dense panel of long observations.

    ``obs`` has columns ``unit`` (code), ``period`` (``YYYY-MM``), ``metric`` (code) and ``value``
    (float). Absent rows and NaN values are missing. Categorical or pyarrow-string key columns are
    fastest (no hashing of Python strings). Units come out sorted by code; months run without gaps
    from the first to the last period present. The metrics are ``metrics`` in their order when given
    (observations of other metrics are left out), else every metric present, sorted by code. Raises
    ValueError on a missing key, a malformed period or a key given twice.
    """
    missing = [c for c in OBS_COLUMNS if c not in obs.columns]
    if missing:
        raise ValueError(f"observations lack columns {missing}")
    u, units = _required_codes(obs["unit"])
    t, month_of_code, months = _month_codes(obs["period"])
    values = obs["value"].to_numpy(dtype=np.float64)
    if metrics is None:
        m, metrics = _required_codes(obs["metric"])
    else:
        m = _axis_codes(obs["metric"], metrics)
        kept = m >= 0
        if not kept.all():
            u, t, m, values = u[kept], t[kept], m[kept], values[kept]
    cube = np.full((len(units), len(months), len(metrics)), np.nan)
    flat_cube = cube.reshape(-1)
    for start in range(0, len(values), FILL_CHUNK):
        rows = slice(start, start + FILL_CHUNK)
        flat = u[rows].astype(np.int64) * len(months) + month_of_code[t[rows]]
        flat *= len(metrics)
        flat += m[rows]
        flat_cube[flat] = values[rows]
    if cube.size - np.isnan(cube).sum() != len(values) - np.isnan(values).sum():
        raise ValueError("observations hold some (unit, period, metric) key more than once")
    return frozen_panel(units, months, metrics, cube)


def frozen_panel(units: pd.Index, months: pd.Index, metrics: pd.Index, cube: np.ndarray) -> Panel:
    cube.flags.writeable = False
    return Panel(units=units, months=months, metrics=metrics, cube=cube)


def sub_panel(panel: Panel, first: str, last: str, units: Iterable[str] | None = None) -> Panel:
    """The months ``first``..``last`` (``YYYY-MM``, clipped to the panel) of the given unit codes (None = all)."""
    lo = max(0, panel.month_position(first)) if len(panel.months) else 0
    hi = min(len(panel.months), panel.month_position(last) + 1) if len(panel.months) else 0
    rows = panel.unit_positions(units)
    cube = panel.cube[rows, lo : max(lo, hi), :]
    return frozen_panel(panel.units[rows], panel.months[lo : max(lo, hi)], panel.metrics, cube)


def per_capita(panel: Panel, headcount: Mapping[str, float], metrics: Iterable[str]) -> Panel:
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
    return frozen_panel(panel.units, panel.months, panel.metrics, cube)


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


def month_window(panel: Panel, lag: int, from_: str | None, to: str | None) -> tuple[int, int]:
    """Inclusive positions ``(lo, hi)`` of x's months: within ``from_..to`` and leaving room for the lag.

    A negative lag pairs x of month t with y of the earlier month t + lag (y leads). ``hi < lo`` means no month
    qualifies.
    """
    lo = max(0, -lag) if from_ is None else max(0, -lag, panel.month_position(from_))
    hi = len(panel.months) - 1 - max(lag, 0)
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
    """Pairs of x in calendar month t with y in month t + lag of the same unit (``from_``/``to`` bound t).

    A negative lag pairs x with an earlier month of y (y leads x by −lag months).
    """
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


def twoway_residuals(values: np.ndarray, unit: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Residuals of ``values`` on unit and month dummies, exact also on unbalanced panels.

    Unit effects are concentrated out (demeaning), the month effects then solve the small normal
    equations ``(D_tᵀ M_u D_t) γ = D_tᵀ M_u v`` by least squares (min-norm, as the dummies are
    collinear). ``unit`` and ``month`` label each value; a (unit, month) appears at most once.
    """
    unit, n_units = dense_codes(unit)
    month, n_months = dense_codes(month)
    unit_sizes = np.bincount(unit, minlength=n_units).astype(np.float64)
    incidence = np.zeros((n_units, n_months))
    incidence[unit, month] = 1.0
    normal = np.diag(incidence.sum(axis=0)) - (incidence / unit_sizes[:, None]).T @ incidence
    within = demean(values, unit, n_units)
    gamma = np.linalg.lstsq(normal, np.bincount(month, within, n_months), rcond=None)[0]
    fitted = gamma[month] - ((incidence @ gamma) / unit_sizes)[unit]
    return within - fitted


# ---------------------------------------------------------------- pairwise moments of many metric pairs


def _block(panel: Panel, codes: Sequence[str], units: np.ndarray, lo: int, months: int) -> np.ndarray:
    """Values [unit, month, metric] of the metric codes over ``months`` months from position ``lo``.

    Metrics not in the panel are all NaN.
    """
    pos = panel.metrics.get_indexer(list(codes))
    if (pos >= 0).all() and months > 0:
        block = np.take(panel.cube[:, lo : lo + months, :], pos, axis=2)
        return block if len(units) == len(panel.units) else block[units]
    block = np.full((len(units), months, len(codes)), np.nan)
    found = np.flatnonzero(pos >= 0)
    if len(found) and months > 0:
        block[:, :, found] = _block(panel, [codes[int(i)] for i in found], units, lo, months)
    return block


def _zero_filled(block: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``block`` (overwritten) shifted by its mean over ``axes``, 0 where missing; and the 0/1 presence mask.

    Correlations do not change under the shift (per unit for within-unit sums, overall otherwise),
    and the sums of squares lose far less to cancellation. Works in place: large temporaries are
    what costs time here.
    """
    missing = np.isnan(block)
    np.copyto(block, 0.0, where=missing)
    present = np.prod([block.shape[a] for a in axes]) - missing.sum(axis=axes, keepdims=True)
    block -= block.sum(axis=axes, keepdims=True) / np.maximum(present, 1)
    np.copyto(block, 0.0, where=missing)
    return block, np.logical_not(missing, out=np.empty(block.shape))


def _unit_sums(x: tuple[np.ndarray, np.ndarray], y: tuple[np.ndarray, np.ndarray], squares: bool) -> dict:
    """Per unit [unit, row, col]: pairwise-complete count n, sums sx, sy and, if ``squares``, sxx, syy, sxy."""
    (x0, mx), (y0, my) = x, y
    xt, mxt = x0.transpose(0, 2, 1), mx.transpose(0, 2, 1)
    sums = {"n": mxt @ my, "sx": xt @ my, "sy": mxt @ y0}
    if squares:
        sums.update(sxx=(xt * xt) @ my, syy=mxt @ (y0 * y0), sxy=xt @ y0)
    return sums


def _within_chunk(xb: np.ndarray, yb: np.ndarray) -> dict[str, np.ndarray]:
    """Within-unit centred sums of a chunk of units, over units with at least 2 pairs."""
    s = _unit_sums(_zero_filled(xb, (1,)), _zero_filled(yb, (1,)), squares=True)
    keep = (s["n"] >= 2).astype(np.float64)
    inverse = keep / np.maximum(s["n"], 1.0)
    out = {k: (s["s" + k] * keep - s["s" + k[0]] * s["s" + k[1]] * inverse).sum(axis=0) for k in ("xx", "yy", "xy")}
    out.update(n=(s["n"] * keep).sum(axis=0), units=keep.sum(axis=0))
    return out


def _between_chunk(x0: np.ndarray, mx: np.ndarray, y0: np.ndarray, my: np.ndarray) -> dict[str, np.ndarray]:
    """Raw sums over a chunk of units of their means (each unit with at least 1 pair counts once)."""
    s = _unit_sums((x0, mx), (y0, my), squares=False)
    keep = s["n"] >= 1
    mean_x, mean_y = (s[k] / np.maximum(s["n"], 1.0) for k in ("sx", "sy"))
    parts = {"n": keep, "sx": mean_x, "sy": mean_y, "sxx": mean_x**2, "syy": mean_y**2, "sxy": mean_x * mean_y}
    return {k: v.sum(axis=0, dtype=np.float64) for k, v in parts.items()}


def _pooled_sums(x0: np.ndarray, mx: np.ndarray, y0: np.ndarray, my: np.ndarray) -> dict[str, np.ndarray]:
    """Raw sums over all pairwise-complete (unit, month) rows, by matrix products on the 2-D view."""
    by_unit = mx.astype(np.float32).transpose(0, 2, 1) @ my.astype(np.float32)  # exact: counts ≤ months
    x0, mx, y0, my = (a.reshape(-1, a.shape[2]) for a in (x0, mx, y0, my))
    sums = {"n": mx.T @ my, "sx": x0.T @ my, "sy": mx.T @ y0, "sxx": (x0 * x0).T @ my}
    sums.update(syy=mx.T @ (y0 * y0), sxy=x0.T @ y0, units=(by_unit > 0).sum(axis=0, dtype=np.float64))
    return sums


def _centred(sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Raw sums → centred sums of squares and products, keeping n, units and the uncentred scale."""
    with np.errstate(divide="ignore", invalid="ignore"):
        centred = {k: sums["s" + k] - sums["s" + k[0]] * sums["s" + k[1]] / sums["n"] for k in ("xx", "yy", "xy")}
    return {**centred, "n": sums["n"], "units": sums["units"], "scale_x": sums["sxx"], "scale_y": sums["syy"]}


def _chunked(fn: Callable[..., dict[str, np.ndarray]], *arrays: np.ndarray) -> dict[str, np.ndarray]:
    """``fn`` over chunks of UNIT_CHUNK units of the [unit, …] arrays, its sums added up."""
    total: dict[str, np.ndarray] = {}
    for start in range(0, max(len(arrays[0]), 1), UNIT_CHUNK):
        part = fn(*(a[start : start + UNIT_CHUNK] for a in arrays))
        total = {k: total.get(k, 0.0) + v for k, v in part.items()}
    return total


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
    unit means for ``between``; overall otherwise), ``n`` (pairs; units for between),
    ``units`` (contributing units), ``scale_x``/``scale_y`` (sums of squares of the values shifted
    by an overall mean, which bound the rounding error of xx and yy; 0 for within) and
    ``peak_x``/``peak_y`` (largest |value| of each row / column metric, also a bound on rounding).
    """
    lo, hi = window
    months = max(0, hi - lo + 1)
    xb, yb = _block(panel, rows, units, lo, months), _block(panel, cols, units, lo + lag, months)
    peaks = {"peak_x": _peak(xb)[:, None], "peak_y": _peak(yb)[None, :]}
    if level == "within":
        sums = _chunked(_within_chunk, xb, yb)
        return {**sums, **peaks, "scale_x": np.zeros_like(sums["xx"]), "scale_y": np.zeros_like(sums["yy"])}
    shifted = (*_zero_filled(xb, (0, 1)), *_zero_filled(yb, (0, 1)))
    if level == "between":
        sums = _chunked(_between_chunk, *shifted)
        return {**_centred({**sums, "units": sums["n"]}), **peaks}
    return {**_centred(_pooled_sums(*shifted)), **peaks}


def _peak(block: np.ndarray) -> np.ndarray:
    """Largest |value| of each metric of a [unit, month, metric] block (0 where all missing)."""
    if block.size == 0:
        return np.zeros(block.shape[2])
    return np.nan_to_num(np.fmax.reduce(np.abs(block), axis=(0, 1)))
