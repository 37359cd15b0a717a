"""Coupling coordination (耦合协调度): the self-contained numeric building blocks of the integration index.

The size comparison of amounts and counts, min–max normalisation, entropy weights, the standard and corrected
coupling degree C, the coordination T, D = sqrt(C·T), the ten coordination levels and the lagging subsystem
(SPEC §5). Plain numpy on arrays: ``analytics.stats.integration`` assembles them into the index of every unit and month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import xlogy

from analytics.errors import AnalyticsError
from analytics.i18n import t

#: Normalised values run from the lower to the upper bound: x' = lo + (hi − lo)·(x − min)/(max − min).
DEFAULT_BOUNDS: tuple[float, float] = (0.0001, 1.0)
#: |U1 − U2| above this marks the lower subsystem as lagging.
LAGGING_THRESHOLD = 0.1
#: Ten coordination levels, index = min(floor(10·D), 9); their names are ``integ.level.<index>`` in the table.
LEVEL_COUNT = 10
LEVELS_ZH: tuple[str, ...] = tuple(t(f"integ.level.{i}", "zh") for i in range(LEVEL_COUNT))
LEVELS_EN: tuple[str, ...] = tuple(t(f"integ.level.{i}", "en") for i in range(LEVEL_COUNT))
#: Absorbs float rounding so that a D computed as 0.29999999999999993 is level 3, not 2.
LEVEL_EPSILON = 1e-9
#: 1 − e below this is treated as 0 (a constant metric carries no information).
ENTROPY_TOLERANCE = 1e-12
MODELS = ("standard", "corrected")
LAGGING_VALUES = ("party", "business", "balanced")
#: How sum-rollup metrics (amounts, counts) are compared across units of different size (SPEC §5).
SIZES = ("adjusted", "per100", "raw")
#: ``per100``: amounts per this many staff.
STAFF_PER = 100.0


class IntegrationError(AnalyticsError, ValueError):
    """Inputs or settings that cannot be scored (bad basis, weights, catalog or unit tree); ``str()`` is English."""

    code = "integration"

    def summary(self) -> str:
        return self.message("en")


def column_extreme(x: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """Per-column ``np.fmin``/``np.fmax`` of a (rows × columns) array, skipping NaN; NaN for no rows."""
    if x.shape[0] == 0:
        return np.full(x.shape[1], np.nan)
    return ufunc.reduce(x, axis=0)  # fmin/fmax skip NaN without copying or warning


@dataclass(frozen=True)
class SizeFit:
    """Per metric, the least-squares line asinh(x) = intercept + slope·ln(headcount) (NaN where not fitted)."""

    intercept: np.ndarray
    slope: np.ndarray


def fit_size(values: np.ndarray, heads: np.ndarray) -> SizeFit:
    """Fit asinh(x) = a + b·ln(headcount) per column of a (rows × metrics) array, by least squares over the rows
    that have the value (not NaN) and a positive headcount (``heads``: one per row, NaN when unknown).

    A column whose rows share one headcount gets b = 0 and a = mean of asinh(x) (the same residuals as any least
    squares solution); a column without such rows gets NaN.
    """
    v = np.arcsinh(np.asarray(values, dtype=float))
    log_h = np.log(np.where(np.asarray(heads, float) > 0, heads, np.nan))[:, None]
    ok = ~np.isnan(v) & ~np.isnan(log_h)
    n = ok.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        l_mean = np.where(ok, log_h, 0.0).sum(axis=0) / n
        v_mean = np.where(ok, v, 0.0).sum(axis=0) / n
        dl = np.where(ok, log_h - l_mean, 0.0)
        sxx, sxy = (dl * dl).sum(axis=0), (dl * np.where(ok, v - v_mean, 0.0)).sum(axis=0)
        slope = np.where(sxx > 0, sxy / sxx, 0.0)
    return SizeFit(v_mean - slope * l_mean, np.where(n > 0, slope, np.nan))


def size_values(
    values: np.ndarray, heads: np.ndarray, sized: np.ndarray, size: str, fit: SizeFit | None = None
) -> np.ndarray:
    """The (rows × metrics) values with the ``sized`` columns (sum rollup) compared across sizes (SPEC §5).

    ``adjusted``: the residual asinh(x) − a − b·ln(headcount) of ``fit`` (one line per sized column, in order);
    ``per100``: x/(headcount/100); ``raw``: unchanged. Rows without a positive headcount (``heads`` NaN) lose
    their sized values (NaN); other columns are returned as given. A new array unless nothing changes.
    """
    if size not in SIZES:
        raise IntegrationError("integration.bad_choice", name="size", allowed=SIZES, value=size)
    if size == "raw" or not sized.any():
        return values
    if size == "adjusted" and fit is None:
        raise IntegrationError("integration.no_fit")
    h = np.where(np.asarray(heads, float) > 0, heads, np.nan)[:, None]
    out = np.array(values, dtype=float)
    if size == "per100":
        out[:, sized] = out[:, sized] / (h / STAFF_PER)
    else:
        assert fit is not None
        out[:, sized] = np.arcsinh(out[:, sized]) - fit.intercept - fit.slope * np.log(h)
    return out


def minmax_normalise(
    values: np.ndarray,
    directions: np.ndarray,
    *,
    bounds: tuple[float, float] = DEFAULT_BOUNDS,
    lows: np.ndarray | None = None,
    highs: np.ndarray | None = None,
) -> np.ndarray:
    """Min–max normalise each column of a (rows × metrics) array onto ``bounds``.

    ``x' = lo + (hi − lo)·(x − min)/(max − min)``, ``(max − x)`` where the direction is
    negative, and ``x' = hi`` (1 by default) where max = min. ``lows``/``highs`` freeze the
    column min/max (computed from ``values`` when omitted); values outside are clipped.
    NaN (missing) stays NaN, as does every value of a column without bounds.
    """
    x = np.asarray(values, dtype=float)
    lows = column_extreme(x, np.fmin) if lows is None else np.asarray(lows, dtype=float)
    highs = column_extreme(x, np.fmax) if highs is None else np.asarray(highs, dtype=float)
    span = highs - lows
    flat = span == 0
    flip = np.asarray(directions, dtype=float) < 0
    lo, hi = bounds
    out = np.clip(x, lows, highs)
    out -= lows
    out /= np.where(flat, 1.0, span)
    out *= np.where(flip, -(hi - lo), hi - lo)  # lower-is-better: lo + (hi − lo)·(1 − z)
    out += np.where(flip, hi, lo)
    if flat.any():
        out[:, flat] = np.where(np.isnan(x[:, flat]), np.nan, hi)
    return out


def entropy_information(filled: np.ndarray, present: np.ndarray) -> np.ndarray:
    """1 − e per column of normalised values (``filled``: missing set to 0; ``present``: not missing).

    ``e = −Σ p·ln p / ln(rows)`` over the column's present rows with ``p = x'/Σx'``; a column with
    fewer than 2 present rows, no positive total or (numerically) no information gives 0.
    """
    n = present.sum(axis=0)
    total = filled.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_log_p = xlogy(filled, filled).sum(axis=0) / total - np.log(total)
        d = 1.0 + p_log_p / np.log(n)
    d[(n < 2) | ~(total > 0) | ~np.isfinite(d) | (d < ENTROPY_TOLERANCE)] = 0.0
    return d


def shares(d: np.ndarray) -> np.ndarray:
    """``d / Σd`` (non-negative parts to weights summing to 1), or equal shares where Σd = 0."""
    total = d.sum()
    return d / total if total > 0 else np.full(d.shape, 1.0 / max(len(d), 1))


def entropy_weights(normalised: np.ndarray) -> np.ndarray:
    """Entropy weights of the columns of a normalised (rows × metrics) array, summing to 1.

    Each column uses only its non-missing (non-NaN) rows: ``p = x'/Σx'``,
    ``e = −Σ p·ln p / ln(rows)``, ``w = (1 − e)/Σ(1 − e)``; a column with fewer than 2 rows
    carries no information (1 − e = 0); equal weights when Σ(1 − e) = 0.
    """
    x = np.asarray(normalised, dtype=float)
    present = ~np.isnan(x)
    return shares(entropy_information(np.where(present, x, 0.0), present))


def _as_matrix(u: np.ndarray) -> np.ndarray:
    u = np.asarray(u, dtype=float)
    return u.reshape(1, -1) if u.ndim == 1 else u


def coupling_standard(u: np.ndarray) -> np.ndarray:
    """Standard coupling degree of n subsystems per row: ``C = n·(∏U)^(1/n) / ΣU``.

    For n = 2 this is SPEC's ``2·sqrt(U1·U2)/(U1 + U2)``. Rows with a NaN give NaN; C = 0
    where ΣU = 0.
    """
    u = _as_matrix(u)
    total = u.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = u.shape[1] * np.prod(u, axis=1) ** (1.0 / u.shape[1]) / total
    return np.where(total == 0, 0.0, c)


def coupling_corrected(u: np.ndarray) -> np.ndarray:
    """Corrected coupling degree (王淑佳 等, 自然资源学报 2021, 36(3): 793–810).

    ``C = sqrt{[1 − mean_{i<j} |Ui − Uj|] · [∏ Ui / max U]^(1/(n−1))}`` per row of an
    (rows × n) array, n ≥ 2. Rows with a NaN give NaN; C = 0 where max U = 0.
    """
    u = _as_matrix(u)
    n = u.shape[1]
    if n < 2:
        raise IntegrationError("integration.one_subsystem")
    i, j = np.triu_indices(n, 1)
    spread = np.abs(u[:, i] - u[:, j]).mean(axis=1)
    top = u.max(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(top == 0, 0.0, u / top).prod(axis=1)
    return np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio ** (1.0 / (n - 1)))


def coupling_coordination(u: np.ndarray, weights: np.ndarray | None = None, model: str = "standard") -> pd.DataFrame:
    """Coupling C, coordination T = Σ wᵢ·Uᵢ and coupling coordination D = sqrt(C·T).

    ``u`` is (rows × n) subsystem scores in [0, 1]; ``weights`` default to equal; ``model``
    is ``standard`` or ``corrected``. Returns columns C, T, D (NaN where a U is missing).
    """
    u = _as_matrix(u)
    w = np.full(u.shape[1], 1.0 / u.shape[1]) if weights is None else np.asarray(weights, float)
    if model not in MODELS:
        raise IntegrationError("integration.bad_choice", name="model", allowed=MODELS, value=model)
    c = coupling_standard(u) if model == "standard" else coupling_corrected(u)
    t = u @ w
    return pd.DataFrame({"C": c, "T": t, "D": np.sqrt(c * t)})


def coordination_level(d: np.ndarray | float) -> np.ndarray:
    """Level index ``min(floor(10·D), 9)`` per D (−1 where D is missing).

    Index into :data:`LEVELS_ZH` / :data:`LEVELS_EN`.
    """
    d = np.atleast_1d(np.asarray(d, dtype=float))
    level = np.minimum(np.floor(10.0 * d + LEVEL_EPSILON), len(LEVELS_ZH) - 1)
    return np.where(np.isnan(level), -1, level).astype(np.int64)


def level_name(index: int, lang: str = "zh") -> str:
    """The name of coordination level ``index`` (0–9) in ``lang`` (zh or en)."""
    return (LEVELS_EN if lang == "en" else LEVELS_ZH)[index]


def lagging(u_party: np.ndarray, u_business: np.ndarray, threshold: float = LAGGING_THRESHOLD) -> np.ndarray:
    """Which subsystem lags, per row, as an object array.

    ``party`` where U2 − U1 > threshold, ``business`` where U1 − U2 > threshold, else
    ``balanced``; None where either score is missing.
    """
    gap = np.asarray(u_business, float) - np.asarray(u_party, float)
    out = np.select([gap > threshold, gap < -threshold], ["party", "business"], "balanced").astype(object)
    out[np.isnan(gap)] = None
    return out
