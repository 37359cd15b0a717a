"""Correlations between metrics over a panel of units and months (SPEC §5).

Pairs are (unit, month) with both values present; with a lag K, x of calendar month t is paired with y of month
t + K of the same unit (a negative K: y leads). Levels: ``twoway`` (the default: unit and month effects removed, so
common shocks such as the Spring Festival do not count), ``within`` (unit effects), ``pooled`` (all pairs as they
are; descriptive), ``between`` (unit means) and ``period`` (across units in one month). For ``within``/``twoway``
each unit's values are standardised on its pairs by default (``scale='unit'``), so every unit counts equally.

Monthly panels are serially correlated, so p values for ``twoway``/``within``/``pooled`` are cluster-robust by unit
(analytics.stats.clustered) on G − 1 degrees of freedom; ``between``/``period`` have one value per unit and use the
plain t test. Correlation is not causation, and every result says how many pairs (n) and units (G) it rests on."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analytics.model.panel import Pairs, Panel, dense_codes, pair_up, twoway_residuals
from analytics.stats import clustered
from analytics.stats.clustered import FLAT_TOL, MIN_SCALED_PAIRS, ROUNDING_TOL, Inference, ScoreSums
from analytics.stats.options import CLUSTERED_LEVELS, DEFAULT_LEVEL, DEFAULT_SCALE, check_options


@dataclass(frozen=True)
class Correlation:
    """One correlation (SPEC §4 ``correlate``). r, p, CI and df are None when ``insufficient``.

    ``n`` pairs and ``n_units`` units (G) after the level's filters; ``df`` the test's degrees of freedom (G − 1
    for the clustered levels, n − 2 for between/period).
    """

    x: str
    y: str
    method: str
    level: str
    scale: str
    lag: int
    n: int
    n_units: int
    r: float | None
    p: float | None
    ci_low: float | None
    ci_high: float | None
    df: float | None
    insufficient: bool

    def to_dict(self) -> dict[str, object]:
        """The SPEC §4 ``correlate`` JSON object (NaN and infinity as None)."""
        return {key: json_value(value) for key, value in asdict(self).items()}


def json_value(value: object) -> object:
    """A JSON-ready scalar: numpy types unwrapped, NaN and infinity as None."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q values of p; NaN entries (cells with no p) stay NaN and are not counted."""
    p = np.asarray(p, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    scaled = p[order] * len(order) / np.arange(1, len(order) + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def ranks_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank) of ``values`` within each group."""
    return pd.Series(values).groupby(groups).rank(method="average").to_numpy()


def _unit_moments(values: np.ndarray, groups: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: number of values, mean and centred sum of squares (two-pass, so constant groups give 0)."""
    n = np.bincount(groups, minlength=count).astype(np.float64)
    mean = np.bincount(groups, values, count) / np.maximum(n, 1)
    centred = np.bincount(groups, (values - mean[groups]) ** 2, count)
    return n, mean, centred


def _varies(centred: np.ndarray, values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Per group: the centred SS is more than rounding noise of its values (a zero sd otherwise)."""
    peak = np.zeros(count)
    np.maximum.at(peak, groups, np.abs(values))
    return centred > ROUNDING_TOL * np.bincount(groups, minlength=count) * peak**2


def scaled_pairs(pairs: Pairs, scale: str, spearman: bool) -> tuple[Pairs, np.ndarray, np.ndarray]:
    """The pairs of ``within``/``twoway`` after ranking (Spearman, within each unit) and scaling.

    ``scale='unit'``: each unit's x and y standardised on its pairs (sample sd); units with < 3 pairs or a zero sd
    in x or y dropped. ``'none'``: raw values, units with < 2 pairs dropped. Returns the kept pairs and their x and
    y, centred on each unit's mean.
    """
    groups, count = dense_codes(pairs.unit)
    x, y = pairs.x, pairs.y
    if spearman:
        x, y = ranks_within(x, groups), ranks_within(y, groups)
    (n, mx, cx), (_, my, cy) = _unit_moments(x, groups, count), _unit_moments(y, groups, count)
    if scale == "unit":
        keep = (n >= MIN_SCALED_PAIRS) & _varies(cx, x, groups, count) & _varies(cy, y, groups, count)
        sx, sy = (np.sqrt(c / np.maximum(n - 1, 1)) for c in (cx, cy))
    else:
        keep, sx, sy = n >= 2, np.ones(count), np.ones(count)
    rows = keep[groups]
    g = groups[rows]
    return pairs.subset(rows), (x[rows] - mx[g]) / sx[g], (y[rows] - my[g]) / sy[g]


def _flat(residual_ss: float, before: np.ndarray, raw: np.ndarray) -> bool:
    """The residual SS is no more than a tiny share of the SS before the level's effects, or rounding noise of the
    raw values (``raw``): the variable does not vary at this level."""
    about = float(np.sum((before - before.mean()) ** 2)) if len(before) else 0.0
    peak = float(np.abs(raw).max()) if len(raw) else 0.0
    return residual_ss <= FLAT_TOL * about + ROUNDING_TOL * len(before) * peak**2


def score_sums(unit: np.ndarray, xr: np.ndarray, yr: np.ndarray, k: int) -> ScoreSums:
    """ScoreSums of one pair's residuals x̃, ỹ clustered by ``unit``, with ``k`` absorbed parameters."""
    groups, count = dense_codes(unit)
    pxx, pyy, pxy = (np.bincount(groups, a * b, count) for a, b in ((xr, xr), (yr, yr), (xr, yr)))
    return ScoreSums.of_units(pxx, pyy, pxy, len(xr), count, k)


def _clustered(pairs: Pairs, level: str, scale: str, spearman: bool) -> tuple[Pairs, Inference]:
    """Residualise one pair's values for a clustered level and test them (SPEC §5)."""
    if level == "pooled":
        if not len(pairs):
            return pairs, clustered.clustered(score_sums(pairs.unit, pairs.x, pairs.y, 2), flat=True)
        x, y = (pd.Series(v).rank().to_numpy() if spearman else v for v in (pairs.x, pairs.y))
        xr, yr, k = x - x.mean(), y - y.mean(), 2
        before = (x, y)
        raw = (pairs.x, pairs.y)
    else:
        pairs, xz, yz = scaled_pairs(pairs, scale, spearman)
        if level == "within":
            xr, yr, k = xz, yz, 1
        else:
            xr, yr = (twoway_residuals(v, pairs.unit, pairs.month) for v in (xz, yz))
            k = len(np.unique(pairs.month))
        before, raw = (xz, yz), (pairs.x, pairs.y)
    if not len(xr):
        return pairs, clustered.clustered(score_sums(pairs.unit, xr, yr, k), flat=True)
    flat = _flat(xr @ xr, before[0], raw[0]) or _flat(yr @ yr, before[1], raw[1])
    return pairs, clustered.clustered(score_sums(pairs.unit, xr, yr, k), flat)


def unit_means(pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's mean x and mean y over its pairs (the ``between`` values), in unit order."""
    groups, count = dense_codes(pairs.unit)
    n = np.bincount(groups, minlength=count)
    return np.bincount(groups, pairs.x, count) / n, np.bincount(groups, pairs.y, count) / n


def _independent(pairs: Pairs, level: str, spearman: bool) -> tuple[int, Inference]:
    """between (unit means) or period (one month): plain correlation and t test over units."""
    x, y = unit_means(pairs) if level == "between" else (pairs.x, pairs.y)
    if spearman:
        x, y = (pd.Series(v).rank().to_numpy() for v in (x, y))
    xc, yc = x - x.mean() if len(x) else x, y - y.mean() if len(y) else y
    flat = not len(x) or _flat(xc @ xc, x, x) or _flat(yc @ yc, y, y)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc @ yc) / math.sqrt((xc @ xc) * (yc @ yc)) if not flat else np.nan
    return len(x), clustered.independent(r, len(x), spearman, flat)


def correlate(
    panel: Panel,
    x: str,
    y: str,
    method: str = "pearson",
    level: str = DEFAULT_LEVEL,
    lag: int = 0,
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
    scale: str = DEFAULT_SCALE,
) -> Correlation:
    """The correlation of metric codes x and y (SPEC §5), with its test.

    x of month t is paired with y of calendar month t + ``lag`` (same unit; a missing month is missing; a negative
    lag lets y lead). ``from_``/``to`` (inclusive, ``YYYY-MM``) bound x's month; ``level='period'`` takes the single
    month ``period``; ``units`` restricts to those unit codes. ``scale`` applies to within/twoway only. Raises
    ValueError for an unknown method, level or scale, a malformed month, or level 'period' without a period.
    """
    check_options(method, level, scale, period)
    if level == "period":
        from_ = to = period
    pairs = pair_up(panel, x, y, lag, from_, to, units)
    spearman = method == "spearman"
    if level in CLUSTERED_LEVELS:
        pairs, found = _clustered(pairs, level, scale, spearman)
        n, n_units = len(pairs), len(np.unique(pairs.unit))
    else:
        n, found = _independent(pairs, level, spearman)
        n_units = n
    r, p, low, high, df = (
        _number(v, found.insufficient) for v in (found.r, found.p, found.ci_low, found.ci_high, found.df)
    )
    used_scale = scale if level in ("within", "twoway") else "none"
    return Correlation(x, y, method, level, used_scale, lag, n, n_units, r, p, low, high, df, bool(found.insufficient))


def _number(value: np.ndarray, insufficient: np.ndarray) -> float | None:
    """A 0-d result as a float; None when insufficient or not finite."""
    number = float(value)
    return None if bool(insufficient) or not math.isfinite(number) else number


def lag_profile(
    panel: Panel,
    x: str,
    y: str,
    lags: Iterable[int] = range(-6, 7),
    method: str = "pearson",
    level: str = DEFAULT_LEVEL,
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
    scale: str = DEFAULT_SCALE,
) -> list[Correlation]:
    """``correlate`` at each lag, in the order of ``lags`` (negative: y leads; positive: x leads). Not adjusted."""
    unit_list = None if units is None else list(units)
    return [correlate(panel, x, y, method, level, k, period, from_, to, unit_list, scale) for k in lags]
