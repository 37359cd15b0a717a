"""Pearson correlations of many metric pairs at once (a matrix, a findings scan), exactly as ``correlate`` per pair.

Each pair has its own pairwise-complete (unit, month) rows, so nothing can be shared naively between pairs. What can
be shared is the work per unit: for every unit and every pair, the count, means and centred sums of squares and
products over the pair's rows are batched matrix products over months (``unit_moments``). From them:

- ``within``: each unit's residuals are its centred (optionally standardised) values, so Σx̃ỹ and each unit's
  cluster score come straight from the per-unit sums (with scale='unit' the score of unit g is (n_g − 1)(r_g − r)).
- ``pooled``: the same sums, centred on the grand means instead.
- ``twoway``: the month effects γ solve (D'M_uD) γ = D'z per pair: a months × months system built from the pair's
  presence mask by one batched matrix product, solved for all pairs of a row metric at once; the residual sums
  and each unit's score follow from γ and the per-unit sums (see ``_twoway_row``).
- ``between`` and ``period``: one value per unit, from the moments of analytics.model.panel.

Memory is bounded by processing one row metric at a time for twoway (arrays of columns × units × months).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analytics.model.panel import Panel, month_window, pair_moments
from analytics.model.panel import _block as block_of
from analytics.model.panel import _zero_filled as zero_filled
from analytics.stats import clustered
from analytics.stats.clustered import FLAT_TOL, MIN_SCALED_PAIRS, ROUNDING_TOL, Inference, ScoreSums

if TYPE_CHECKING:
    from analytics.stats.options import Scope

UNIT_CHUNK = 256  # units per batch of per-unit moments (bounds temporary memory)
ROW_BLOCK = 16  # row metrics per pass: 16 × 60 columns × 2,000 units of per-unit sums is ~15 MB per array
WORKERS = max(1, min(4, os.cpu_count() or 1))  # rows of a twoway grid computed at once
COLUMN_CHUNK = (
    6  # twoway: column metrics per batch ([col, month, unit] temporaries of ~6 MB at 2,000 × 60: cache-sized)
)


def grid_cells(panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: Scope) -> pd.DataFrame:
    """Pearson cells rows × cols (rows-major): x, y, r, p, n, n_units, ci_low, ci_high, df, insufficient."""
    if scope.level in ("between", "period"):
        found, n, units = _independent(panel, rows, cols, scope)
    else:
        found, n, units = _in_row_blocks(panel, rows, cols, scope)
    frame = pd.DataFrame({"x": np.repeat(list(rows), len(cols)), "y": np.tile(list(cols), len(rows))})
    columns = {"r": found.r, "p": found.p, "n": n, "n_units": units, "ci_low": found.ci_low}
    columns.update(ci_high=found.ci_high, df=found.df, insufficient=found.insufficient)
    return frame.assign(**{k: np.asarray(v).ravel() for k, v in columns.items()})


def _in_row_blocks(
    panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: Scope
) -> tuple[Inference, np.ndarray, np.ndarray]:
    """The clustered grid, ROW_BLOCK row metrics at a time: bounds the per-unit arrays ([unit, row, col]) in memory."""
    parts = [_clustered_grid(panel, rows[i : i + ROW_BLOCK], cols, scope) for i in range(0, len(rows), ROW_BLOCK)]
    if not parts:
        return _clustered_grid(panel, rows, cols, scope)
    found = Inference(*(np.concatenate([getattr(p[0], f) for p in parts]) for f in Inference.__dataclass_fields__))
    return found, np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])


def _independent(
    panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: Scope
) -> tuple[Inference, np.ndarray, np.ndarray]:
    from_, to = (scope.period, scope.period) if scope.level == "period" else (scope.from_, scope.to)
    window = month_window(panel, scope.lag, from_, to)
    units = panel.unit_positions(scope.units)
    level = "between" if scope.level == "between" else "pooled"
    s = pair_moments(panel, rows, cols, scope.lag, window, units, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = s["xy"] / np.sqrt(s["xx"] * s["yy"])
    flat = (s["xx"] <= _floor(s["scale_x"], s["n"], s["peak_x"])) | (
        s["yy"] <= _floor(s["scale_y"], s["n"], s["peak_y"])
    )
    n = s["n"].astype(np.int64)
    return clustered.independent(r, n, False, flat), n, s["units"].astype(np.int64)


def _floor(about: np.ndarray, n: np.ndarray, peak: np.ndarray) -> np.ndarray:
    return FLAT_TOL * about + ROUNDING_TOL * n * peak**2


# ---------------------------------------------------------------- per-unit moments of every pair


def _moments(x0: np.ndarray, mx: np.ndarray, y0: np.ndarray, my: np.ndarray) -> dict[str, np.ndarray]:
    """Per unit [unit, row, col] over each pair's rows: n, means and centred sums of squares and products."""
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("n", "mx", "my", "cxx", "cyy", "cxy")}
    for start in range(0, max(len(x0), 1), UNIT_CHUNK):
        part = slice(start, start + UNIT_CHUNK)
        a, ma, b, mb = (v[part] for v in (x0, mx, y0, my))
        at, mat = a.transpose(0, 2, 1), ma.transpose(0, 2, 1)
        n = mat @ mb
        safe = np.maximum(n, 1.0)
        sx, sy = at @ mb, mat @ b
        mean_x, mean_y = sx / safe, sy / safe
        out["n"].append(n)
        out["mx"].append(mean_x)
        out["my"].append(mean_y)
        out["cxx"].append(np.maximum((at * at) @ mb - sx * mean_x, 0.0))
        out["cyy"].append(np.maximum(mat @ (b * b) - sy * mean_y, 0.0))
        out["cxy"].append(at @ b - sx * mean_y)
    return {k: np.concatenate(v) for k, v in out.items()}


def _scaling(m: dict[str, np.ndarray], peak_x: np.ndarray, peak_y: np.ndarray, scale: str) -> tuple[np.ndarray, ...]:
    """Which units each pair keeps and the factors that scale x and y (1/sd for scale='unit', else 1)."""
    n = m["n"]
    if scale == "unit":
        varies_x = m["cxx"] > ROUNDING_TOL * n * peak_x[:, :, None] ** 2
        varies_y = m["cyy"] > ROUNDING_TOL * n * peak_y[:, None, :] ** 2
        keep = (n >= MIN_SCALED_PAIRS) & varies_x & varies_y
        with np.errstate(divide="ignore", invalid="ignore"):
            ax = np.where(keep, np.sqrt((n - 1) / m["cxx"]), 0.0)
            ay = np.where(keep, np.sqrt((n - 1) / m["cyy"]), 0.0)
        return keep, ax, ay
    keep = n >= 2
    return keep, keep.astype(np.float64), keep.astype(np.float64)


# ---------------------------------------------------------------- clustered levels


def _clustered_grid(
    panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: Scope
) -> tuple[Inference, np.ndarray, np.ndarray]:
    lo, hi = month_window(panel, scope.lag, scope.from_, scope.to)
    months = max(0, hi - lo + 1)
    units = panel.unit_positions(scope.units)
    xraw = block_of(panel, rows, units, lo, months)
    yraw = block_of(panel, cols, units, lo + scope.lag, months)
    if scope.level == "pooled":
        return _pooled(xraw, yraw)
    peak_x, peak_y = (np.nan_to_num(np.fmax.reduce(np.abs(v), axis=1, initial=0.0)) for v in (xraw, yraw))
    x0, mx = zero_filled(xraw, (1,))  # each unit shifted by its own mean: sums of squares lose less to cancellation
    y0, my = zero_filled(yraw, (1,))
    m = _moments(x0, mx, y0, my)
    keep, ax, ay = _scaling(m, peak_x, peak_y, scope.scale)
    if scope.level == "within":
        sums, before = _within(m, keep, ax, ay)
    else:
        sums, before = _twoway(m, keep, ax, ay, (x0, mx, y0, my))
    rounding = ROUNDING_TOL * sums.n
    flat = (sums.xx <= FLAT_TOL * before[0] + rounding * peak_x.max(axis=0, initial=0.0)[:, None] ** 2) | (
        sums.yy <= FLAT_TOL * before[1] + rounding * peak_y.max(axis=0, initial=0.0)[None, :] ** 2
    )
    return clustered.clustered(sums, flat), sums.n.astype(np.int64), sums.g.astype(np.int64)


def _within(
    m: dict[str, np.ndarray], keep: np.ndarray, ax: np.ndarray, ay: np.ndarray
) -> tuple[ScoreSums, tuple[np.ndarray, np.ndarray]]:
    """Within sums; also Σz² of x and y (the SS before the level's effects: the residuals themselves here)."""
    pxx, pyy, pxy = ax * ax * m["cxx"], ay * ay * m["cyy"], ax * ay * m["cxy"]
    pxx, pyy, pxy = (np.where(keep, v, 0.0) for v in (pxx, pyy, pxy))
    n, g = np.where(keep, m["n"], 0.0).sum(axis=0), keep.sum(axis=0)
    sums = ScoreSums.of_units(pxx, pyy, pxy, n, g, np.ones_like(n))
    return sums, (sums.xx, sums.yy)


def _pooled(xraw: np.ndarray, yraw: np.ndarray) -> tuple[Inference, np.ndarray, np.ndarray]:
    """Pooled: centred on the grand means of each pair's rows; per-unit sums from the unit moments."""
    peak_x = np.nan_to_num(np.fmax.reduce(np.abs(xraw), axis=(0, 1), initial=0.0))
    peak_y = np.nan_to_num(np.fmax.reduce(np.abs(yraw), axis=(0, 1), initial=0.0))
    x0, mx = zero_filled(xraw, (0, 1))  # one shift for all units keeps the grand centring exact
    y0, my = zero_filled(yraw, (0, 1))
    m = _moments(x0, mx, y0, my)
    n_g = m["n"]
    n = n_g.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gx, gy = ((n_g * m[k]).sum(axis=0) / n for k in ("mx", "my"))
    dx, dy = m["mx"] - gx, m["my"] - gy
    pxx = m["cxx"] + n_g * dx * dx
    pyy = m["cyy"] + n_g * dy * dy
    pxy = m["cxy"] + n_g * dx * dy
    g = (n_g > 0).sum(axis=0).astype(np.float64)
    sums = ScoreSums.of_units(pxx, pyy, pxy, n, g, np.full_like(n, 2.0))
    flat = (sums.xx <= ROUNDING_TOL * n * peak_x[:, None] ** 2) | (sums.yy <= ROUNDING_TOL * n * peak_y[None, :] ** 2)
    return clustered.clustered(sums, flat), n.astype(np.int64), g.astype(np.int64)


def _twoway(
    m: dict[str, np.ndarray], keep: np.ndarray, ax: np.ndarray, ay: np.ndarray, blocks: tuple[np.ndarray, ...]
) -> tuple[ScoreSums, tuple[np.ndarray, np.ndarray]]:
    """Two-way (unit and month effects) sums for every pair, one row metric and a chunk of columns at a time.

    Arrays are laid out [col, month, unit] so that every product below is a plain batched matrix product, and
    chunks of COLUMN_CHUNK columns keep each temporary small enough to be reused rather than mapped afresh.
    """
    x0, mx, y0, my = blocks
    cols = y0.shape[2]
    yt, myt = np.ascontiguousarray(y0.transpose(2, 1, 0)), np.ascontiguousarray(my.transpose(2, 1, 0))
    keys = ("xx", "yy", "xy", "pp", "px", "xx2", "n", "g", "k", "zxx", "zyy")
    out = {k: np.zeros((x0.shape[2], cols)) for k in keys}

    def one_row(r: int) -> None:
        xr, mxr = np.ascontiguousarray(x0[:, :, r].T), np.ascontiguousarray(mx[:, :, r].T)
        # [col, unit], contiguous: strided views here made every broadcast below ten times slower
        row = {k: np.ascontiguousarray(v[:, r, :].T) for k, v in (*m.items(), ("keep", keep), ("ax", ax), ("ay", ay))}
        for start in range(0, cols, COLUMN_CHUNK):
            part = slice(start, start + COLUMN_CHUNK)
            unit = {k: v[part] for k, v in row.items()}
            factors = (unit.pop("keep"), unit.pop("ax"), unit.pop("ay"))
            for k, v in _twoway_row(xr, mxr, yt[part], myt[part], unit, *factors).items():
                out[k][r, part] = v

    # numpy releases the GIL in these loops: one row per worker, each with a single-threaded BLAS (OpenBLAS's own
    # threads cost more than they give on products this small: 4-5 s against 20-100 s for a 60 × 60 grid)
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one_row, range(x0.shape[2])))
    sums = ScoreSums(*(out[k] for k in keys[:9]))
    return sums, (out["zxx"], out["zyy"])


def _twoway_row(
    x0: np.ndarray,
    mx: np.ndarray,
    yt: np.ndarray,
    myt: np.ndarray,
    m: dict[str, np.ndarray],
    keep: np.ndarray,
    ax: np.ndarray,
    ay: np.ndarray,
) -> dict[str, np.ndarray]:
    """Two-way sums of one row metric x ([month, unit]) against a chunk of column metrics ([col, month, unit]).

    z = a·(v − unit mean) on the pair's rows of kept units. With h = month sums of z and A = D'M_uD (months ×
    months, from the pair's mask), γ = A⁺h are the month effects and x̃ = z − (γ_t − mean of γ over the unit's rows).
    Σx̃ỹ = Σz_x z_y − h_x'γ_y; a unit's Σx̃ỹ and Σx̃² expand the same way into per-unit sums of z·γ and of γ.
    z itself is never formed: with the pair's x values X, y values Y and mask M (each [col, month, unit]),
    z_x = a·X − a·mean·M per unit, so every month or unit sum of z is a batched matrix product of X, Y or M.
    """
    k = keep.astype(np.float64)
    n = np.where(keep, m["n"], 0.0)
    safe = np.maximum(n, 1.0)
    xs, ys = myt * x0[None], yt * mx[None]  # x and y on each pair's rows (0 elsewhere)
    mask = myt * mx[None]  # each pair's rows, before dropping units (k)
    a, b = ax * k, ax * k * m["mx"]
    c, d = ay * k, ay * k * m["my"]
    by_mask = np.matmul(mask, np.stack([b, d, k], axis=2))
    hx = np.matmul(xs, a[:, :, None])[:, :, 0] - by_mask[:, :, 0]
    hy = np.matmul(ys, c[:, :, None])[:, :, 0] - by_mask[:, :, 1]
    counts = by_mask[:, :, 2]
    normal = np.matmul(mask * (k / safe)[:, None, :], mask.transpose(0, 2, 1))
    gx, gy = _month_effects(counts, normal, hx, hy)
    # per unit: Σz_x z_y and Σz_x² from the moments; the γ terms from batched products [col, term, unit]
    zxy, zxx = ax * ay * np.where(keep, m["cxy"], 0.0), ax * ax * np.where(keep, m["cxx"], 0.0)
    zyy = ay * ay * np.where(keep, m["cyy"], 0.0)
    on_x = np.matmul(np.stack([gy, gx], axis=1), xs)
    on_y = np.matmul(gx[:, None, :], ys)[:, 0]
    on_mask = np.matmul(np.stack([gy, gx, gx * gy, gx * gx], axis=1), mask) * k[:, None, :]
    zx_gy, zx_gx = a * on_x[:, 0] - b * on_mask[:, 0], a * on_x[:, 1] - b * on_mask[:, 1]
    zy_gx = c * on_y - d * on_mask[:, 1]
    mean_gx, mean_gy = on_mask[:, 1] / safe, on_mask[:, 0] / safe
    pxy = zxy - zx_gy - zy_gx + on_mask[:, 2] - n * mean_gx * mean_gy
    pxx = zxx - 2 * zx_gx + on_mask[:, 3] - n * mean_gx * mean_gx
    return {
        "xx": zxx.sum(axis=1) - (hx * gx).sum(axis=1),
        "yy": zyy.sum(axis=1) - (hy * gy).sum(axis=1),
        "xy": zxy.sum(axis=1) - (hx * gy).sum(axis=1),
        "pp": (pxy * pxy).sum(axis=1), "px": (pxy * pxx).sum(axis=1), "xx2": (pxx * pxx).sum(axis=1),
        "n": n.sum(axis=1), "g": k.sum(axis=1), "k": (counts > 0).sum(axis=1).astype(np.float64),
        "zxx": zxx.sum(axis=1), "zyy": zyy.sum(axis=1),
    }  # fmt: skip


def _month_effects(
    counts: np.ndarray, normal: np.ndarray, hx: np.ndarray, hy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """γ with (diag(counts) − normal) γ = h for every pair [col], min-norm on the months present.

    The system is singular along the constant (unit effects absorb it) and on months without rows; adding the
    projection on the present months' constant and a unit diagonal on absent months makes it regular when the
    units' months connect, and leaves the solution of the consistent system (h sums to 0 over months) unchanged.
    Pairs whose design does not connect fall back to the pseudo-inverse.
    """
    present = (counts > 0).astype(np.float64)
    a = -normal
    idx = np.arange(counts.shape[1])
    a[:, idx, idx] += counts + (1.0 - present)
    size = np.maximum(present.sum(axis=1), 1.0)
    a += present[:, :, None] * present[:, None, :] / size[:, None, None]
    rhs = np.stack([hx, hy], axis=2)
    try:
        gamma = np.linalg.solve(a, rhs)
    except np.linalg.LinAlgError:
        a -= present[:, :, None] * present[:, None, :] / size[:, None, None]
        gamma = np.linalg.pinv(a) @ rhs
    gamma *= present[:, :, None]
    return gamma[:, :, 0], gamma[:, :, 1]
