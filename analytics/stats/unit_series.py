"""One unit's own monthly series: how two of its metrics move together, tested with the effective sample size.

A unit's months are not independent observations: neighbouring months are alike (autocorrelation), so a Pearson
r over its own 24 months carries much less evidence than 24 independent pairs would. SPEC §5 ("One unit's own
series") discounts the pairs to an effective sample size

    n_eff = n · (1 − a_x·a_y) / (1 + a_x·a_y)

where a_x and a_y are the lag-1 autocorrelations of the paired x and y series over consecutive calendar months
(negative values taken as 0), and tests r with Student t on n_eff − 2 (non-integer) degrees of freedom. The result
is always *exploratory*: never starred, never worded as a finding.

Series are numpy arrays indexed by consecutive calendar months (position i + 1 is the month after position i),
NaN where the unit has no value. A missing month is missing: it is never bridged by "the next value".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Below this effective sample size r, p and the CI are not given (SPEC §5: insufficient when n_eff < 10).
MIN_EFFECTIVE_N = 10.0
#: Two-sided 95 % normal quantile for the Fisher z interval.
Z_95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class OwnSeriesCorrelation:
    """Pearson r of one unit's x in month t with its y in month t + ``lag``, tested with the effective n.

    ``n``: pairs (months with both values). ``a_x``, ``a_y``: lag-1 autocorrelations of the paired series
    (clipped at 0; NaN when a series has fewer than two values or does not vary). ``n_eff``: effective sample
    size (NaN when an autocorrelation is). ``t``, ``df`` = n_eff − 2, two-sided ``p`` from Student t with that df.
    ``ci_low``/``ci_high``: Fisher z interval with standard error 1/sqrt(n_eff − 3). r, t, df, p and the CI are
    None when ``insufficient`` (n_eff < 10, or x or y does not vary over the pairs). ``exploratory`` is always
    True: a unit's own series is a description, never a finding.
    """

    lag: int
    n: int
    r: float | None
    p: float | None
    a_x: float
    a_y: float
    n_eff: float
    t: float | None
    df: float | None
    ci_low: float | None
    ci_high: float | None
    insufficient: bool
    exploratory: bool = True


def lag1_autocorrelation(values_by_month: np.ndarray) -> float:
    """Lag-1 autocorrelation of a monthly series over consecutive calendar months, negative values taken as 0.

    ``values_by_month[i]`` is the value of month i (consecutive calendar months), NaN where missing. With m the
    mean of the values present, the estimator is the standard one

        a = Σ (v_t − m)(v_{t+1} − m) / Σ (v_t − m)²

    where the numerator runs over the months t with both v_t and v_{t+1} present (a pair across a missing month
    is not a lag-1 pair) and the denominator over every month present. A negative a is returned as 0.0 (it would
    *raise* the effective n above n). No consecutive months present → 0.0 (nothing to be alike). Fewer than two
    values, or values that do not vary → NaN.
    """
    v = np.asarray(values_by_month, dtype=float)
    present = ~np.isnan(v)
    if present.sum() < 2:
        return math.nan
    dev = v - v[present].mean()
    denominator = float(np.sum(dev[present] ** 2))
    if denominator == 0.0:
        return math.nan
    both = present[:-1] & present[1:]
    numerator = float(np.sum(dev[:-1][both] * dev[1:][both]))
    return max(numerator / denominator, 0.0)


def effective_n(n: int, a_x: float, a_y: float) -> float:
    """n · (1 − a_x·a_y) / (1 + a_x·a_y): the pairs counted as independent observations (NaN if an a is NaN)."""
    product = a_x * a_y
    return n * (1.0 - product) / (1.0 + product)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r of two complete equal-length arrays; NaN when either does not vary."""
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    if sxx == 0.0 or syy == 0.0:
        return math.nan
    return float(np.clip((dx @ dy) / math.sqrt(sxx * syy), -1.0, 1.0))


def own_series_correlation(x_by_month: np.ndarray, y_by_month: np.ndarray, lag: int) -> OwnSeriesCorrelation:
    """One unit's x of month t against its y of month t + ``lag`` (x leads by ``lag`` ≥ 0 calendar months).

    ``x_by_month`` and ``y_by_month`` share one axis of consecutive calendar months, NaN where missing (to bound
    x's months, pass NaN outside them; y may run past them by ``lag``). The pairs are the months t with x[t] and
    y[t + lag] both present; a missing month drops its pair and is never bridged. r is Pearson on the pairs;
    a_x is the lag-1 autocorrelation (:func:`lag1_autocorrelation`) of the x values at the pair months, a_y that
    of the paired y values (each NaN outside the pair months, so a gap in either breaks both series' lag-1
    pairs). Then n_eff = n·(1 − a_x·a_y)/(1 + a_x·a_y), t = r·sqrt((n_eff − 2)/(1 − r²)), df = n_eff − 2, p
    two-sided from Student t with that non-integer df (|r| = 1 → p = 0, CI [r, r]). Insufficient (r, t, df, p,
    CI None) when n_eff < 10 or r is undefined. See :class:`OwnSeriesCorrelation`.
    """
    if lag < 0:
        raise ValueError("lag must be 0 or more (x leads y)")
    x = np.asarray(x_by_month, dtype=float)
    y = np.asarray(y_by_month, dtype=float)
    months = max(min(len(x), len(y) - lag), 0)
    xs, ys = x[:months], y[lag : lag + months]
    paired = ~np.isnan(xs) & ~np.isnan(ys)
    n = int(paired.sum())
    xp, yp = np.where(paired, xs, np.nan), np.where(paired, ys, np.nan)
    a_x, a_y = lag1_autocorrelation(xp), lag1_autocorrelation(yp)
    n_eff = effective_n(n, a_x, a_y)
    r = _pearson(xs[paired], ys[paired]) if n >= 2 else math.nan
    if math.isnan(r) or not n_eff >= MIN_EFFECTIVE_N:
        return OwnSeriesCorrelation(lag, n, None, None, a_x, a_y, n_eff, None, None, None, None, True)
    df = n_eff - 2.0
    if abs(r) == 1.0:
        return OwnSeriesCorrelation(lag, n, r, 0.0, a_x, a_y, n_eff, math.copysign(math.inf, r), df, r, r, False)
    t = r * math.sqrt(df / (1.0 - r * r))
    p = float(2.0 * stats.t.sf(abs(t), df))
    half = Z_95 / math.sqrt(n_eff - 3.0)
    z = math.atanh(r)
    return OwnSeriesCorrelation(lag, n, r, p, a_x, a_y, n_eff, t, df, math.tanh(z - half), math.tanh(z + half), False)
