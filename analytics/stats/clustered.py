"""Cluster-robust inference for a correlation from its residual sums (SPEC §5), vectorised over many cells.

After scaling and removing the level's effects, a correlation is the regression of ỹ on x̃ through the origin:
b = Σx̃ỹ/Σx̃², ê = ỹ − b·x̃. Neighbouring months of one unit are not independent, so the slope's variance is
the cluster-robust (CR1) one, clustered by unit:

    se² = c · Σ_g (Σ_{i∈g} x̃_i·ê_i)² / (Σx̃²)²,   c = G/(G−1) · (N−1)/(N−K)

with t = b/se on G − 1 degrees of freedom. Each unit's score Σ_{i∈g} x̃ê = P_xy,g − b·P_xx,g, where P_xy,g and
P_xx,g are the unit's own sums of x̃ỹ and x̃², so Σ_g score² needs only three sums over units:
Σ P_xy², Σ P_xy·P_xx and Σ P_xx² (``ScoreSums``). The 95 % CI of r maps the t interval of b through
f(β) = β·sqrt(Σx̃²)/sqrt(β²·Σx̃² + Σê²), which is r at β = b and bounded in (−1, 1).

Everything here is numpy on arrays of cells (a matrix's grid, a scan's (pair, lag) list); nothing reads data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special  # scipy.stats is avoided: it costs ~1 s of import time

CONFIDENCE = 0.95
MIN_CLUSTERS = 10  # clustered levels need at least this many units (SPEC §5 "Insufficient")
MIN_RESIDUAL_DF = 8  # … and N − G − K at least this
MIN_INDEPENDENT = 10  # between / period: at least this many units
MIN_SCALED_PAIRS = 3  # scale='unit' drops units with fewer pairs (no sd to standardise by)
FLAT_TOL = 1e-12  # residual SS ≤ this share of the SS before the level's effects: the variable does not vary …
ROUNDING_TOL = 1e-24  # … nor does it when residual SS ≤ this × n × max|value|² (rounding noise)


@dataclass(frozen=True)
class ScoreSums:
    """Per cell: the residual sums and the three sums over units behind the clustered variance.

    ``xx``, ``yy``, ``xy``: Σx̃², Σỹ², Σx̃ỹ over all pairs. ``pp``, ``px``, ``xx2``: Σ_g P_xy,g², Σ_g P_xy,g·P_xx,g and
    Σ_g P_xx,g² over units g (P the unit's own sums of x̃ỹ and x̃²). ``n`` pairs, ``g`` clusters (units), ``k`` the
    parameters the level absorbed beyond the unit effects (1 within, months twoway, 2 pooled).
    """

    xx: np.ndarray
    yy: np.ndarray
    xy: np.ndarray
    pp: np.ndarray
    px: np.ndarray
    xx2: np.ndarray
    n: np.ndarray
    g: np.ndarray
    k: np.ndarray

    @classmethod
    def of_units(
        cls, pxx: np.ndarray, pyy: np.ndarray, pxy: np.ndarray, n: ArrayLike, g: ArrayLike, k: ArrayLike
    ) -> ScoreSums:
        """From each unit's own Σx̃², Σỹ², Σx̃ỹ (axis 0 runs over units; units left out hold 0)."""
        sums = (pxx, pyy, pxy, pxy * pxy, pxy * pxx, pxx * pxx)
        totals = [np.sum(v, axis=0) for v in sums]
        return cls(*totals, *(np.asarray(v, dtype=np.float64) for v in (n, g, k)))


@dataclass(frozen=True)
class Inference:
    """r, p, the 95 % CI of r and the test's df per cell; NaN where ``insufficient``."""

    r: np.ndarray
    p: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    df: np.ndarray
    insufficient: np.ndarray


def student_p(t: ArrayLike, df: ArrayLike) -> np.ndarray:
    """Two-sided p of a Student t statistic with ``df`` degrees of freedom (non-integer df allowed)."""
    t, df = np.asarray(t, dtype=np.float64), np.asarray(df, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isinf(t), 0.0, special.betainc(df / 2, 0.5, df / (df + t * t)))


def t_quantile(df: ArrayLike) -> np.ndarray:
    """The two-sided 95 % critical value of Student t with ``df`` degrees of freedom."""
    with np.errstate(invalid="ignore"):
        return special.stdtrit(np.asarray(df, dtype=np.float64), 0.5 + CONFIDENCE / 2)


def clustered(sums: ScoreSums, flat: ArrayLike) -> Inference:
    """Cluster-robust inference per cell (SPEC §5). ``flat`` marks cells whose x̃ or ỹ does not vary.

    Insufficient: G < 10, N − G − K < 8, or flat. A cell whose fit is exact (|r| = 1) gets p = 0 and CI [r, r].
    """
    s = sums
    insufficient = (s.g < MIN_CLUSTERS) | (s.n - s.g - s.k < MIN_RESIDUAL_DF) | np.asarray(flat, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.clip(s.xy / np.sqrt(s.xx * s.yy), -1.0, 1.0)
        b = s.xy / s.xx
        sse = np.maximum(s.yy - b * s.xy, 0.0)
        scores = np.maximum(s.pp - 2 * b * s.px + b * b * s.xx2, 0.0)
        c = s.g / (s.g - 1) * (s.n - 1) / (s.n - s.k)
        se = np.sqrt(c * scores) / s.xx
        df = s.g - 1.0
        exact = (np.abs(r) == 1) | (se == 0)
        p = np.where(exact, 0.0, student_p(b / se, df))
        half = t_quantile(df) * se
        low, high = (_slope_to_r(b + sign * half, s.xx, sse) for sign in (-1, 1))
    low, high = np.where(exact, r, low), np.where(exact, r, high)
    return _masked(r, p, low, high, df, insufficient)


def _slope_to_r(beta: np.ndarray, sxx: np.ndarray, sse: np.ndarray) -> np.ndarray:
    """f(β) = β·sqrt(Σx̃²)/sqrt(β²·Σx̃² + Σê²): the correlation a slope β implies with the same residual scatter."""
    return beta * np.sqrt(sxx) / np.sqrt(beta * beta * sxx + sse)


def independent(r: ArrayLike, n: ArrayLike, spearman: bool, flat: ArrayLike) -> Inference:
    """Plain inference for one value per unit (``between``, ``period``): t test on n − 2 df, Fisher-z CI.

    SE of z: 1/sqrt(n − 3), Bonett–Wright sqrt((1 + r²/2)/(n − 3)) for Spearman. Insufficient below 10 units.
    """
    r, n = np.clip(np.asarray(r, dtype=np.float64), -1.0, 1.0), np.asarray(n, dtype=np.float64)
    insufficient = (n < MIN_INDEPENDENT) | np.asarray(flat, dtype=bool)
    df = n - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p = special.betainc(df / 2, 0.5, np.clip((1 - r) * (1 + r), 0.0, 1.0))
        se = np.sqrt((1 + r * r / 2 if spearman else 1.0) / (n - 3))
        z = np.arctanh(r)
        z_crit = special.ndtri(0.5 + CONFIDENCE / 2)
        low = np.where(np.abs(r) == 1, r, np.tanh(z - z_crit * se))
        high = np.where(np.abs(r) == 1, r, np.tanh(z + z_crit * se))
    return _masked(r, p, low, high, df, insufficient)


def _masked(*arrays: np.ndarray) -> Inference:
    *values, insufficient = (np.asarray(a) for a in arrays)
    insufficient = np.broadcast_to(insufficient, values[0].shape).astype(bool)
    r, p, low, high, df = (np.where(insufficient, np.nan, np.asarray(v, dtype=np.float64)) for v in values)
    return Inference(r, p, low, high, df, insufficient)
