"""Correlations between metrics over a panel of units and months (SPEC §5).

Pairs are (unit, month) with both values present; with a lag K, x of calendar month t is paired
with y of month t + K of the same unit. Levels: ``pooled`` (all pairs), ``within`` (unit fixed
effects), ``twoway`` (unit and month fixed effects), ``between`` (unit means), ``period`` (across
units in one month). p values come from the t test with the level's residual degrees of freedom and
confidence intervals from Fisher's z. Correlation is not causation, and every result says how many
pairs (n) and units it rests on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special  # scipy.stats is avoided: it costs ~1 s of import time

from analytics.panel import Pairs, Panel, demean, dense_codes, month_window, pair_moments, pair_up, twoway_residuals

METHODS = ("pearson", "spearman")
LEVELS = ("within", "twoway", "pooled", "between", "period")
MIN_DF = 8  # residual df below this → "insufficient" (SPEC §5)
Z_975 = 1.959963984540054  # standard normal 97.5% quantile: 95% two-sided intervals
FLAT_TOL = 1e-12  # residual SS ≤ this share of the SS about the mean: the variable does not vary …
ROUNDING_TOL = 1e-24  # … nor does it when residual SS ≤ this × n × max|value|² (rounding noise)
ALPHA = 0.05  # findings are significant at q < ALPHA


@dataclass(frozen=True)
class Correlation:
    """One correlation. r, p and the 95% CI are None when ``insufficient`` (residual df < 8 or no variation)."""

    x: str
    y: str
    method: str
    level: str
    lag: int
    n: int
    n_units: int
    r: float | None
    p: float | None
    ci_low: float | None
    ci_high: float | None
    insufficient: bool

    def to_dict(self) -> dict[str, object]:
        """The SPEC §4 ``correlate`` JSON object (NaN and infinity as None)."""
        return {key: _json_value(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Finding:
    """A significant correlation from a scan: q is the BH-adjusted p over every (pair, lag) scanned."""

    x: str
    y: str
    lag: int
    r: float
    p: float
    q: float
    n: int
    n_units: int
    level: str
    method: str = "pearson"

    def to_dict(self) -> dict[str, object]:
        return {key: _json_value(value) for key, value in asdict(self).items()}


def _json_value(value: object) -> object:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


# ---------------------------------------------------------------- the statistics, vectorised


def _statistics(
    sxx: ArrayLike,
    syy: ArrayLike,
    sxy: ArrayLike,
    floor: tuple[ArrayLike, ArrayLike],
    df: ArrayLike,
    spearman: bool,
) -> tuple[np.ndarray, ...]:
    """r, p, CI low, CI high and the insufficient flag from residual sums of squares and products.

    A residual SS at or below ``floor`` (see ``_floor``) means the variable does not vary:
    insufficient, like residual df below MIN_DF. p: two-sided t test with ``df``, computed as
    I_{1-r²}(df/2, 1/2). CI: Fisher z, SE 1/sqrt(df - 1) (Bonett–Wright for Spearman); [r, r] at |r| = 1.
    """
    sxx, syy, sxy, df = (np.asarray(a, dtype=np.float64) for a in (sxx, syy, sxy, df))
    flat = (sxx <= np.asarray(floor[0])) | (syy <= np.asarray(floor[1]))
    insufficient = (df < MIN_DF) | flat
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(insufficient, np.nan, np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0))
        p = special.betainc(df / 2, 0.5, np.clip((1 - r) * (1 + r), 0.0, 1.0))
        se = np.sqrt((1 + r**2 / 2 if spearman else 1.0) / (df - 1))
        z = np.arctanh(r)
        low = np.where(np.abs(r) == 1, r, np.tanh(z - Z_975 * se))
        high = np.where(np.abs(r) == 1, r, np.tanh(z + Z_975 * se))
    return r, p, low, high, insufficient


def _floor(about_mean: ArrayLike, n: ArrayLike, peak: ArrayLike) -> np.ndarray:
    """The residual SS that counts as no variation: a share of the SS about the mean, or rounding noise."""
    return FLAT_TOL * np.asarray(about_mean) + ROUNDING_TOL * np.asarray(n) * np.asarray(peak) ** 2


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q values of p; NaN entries (cells with no p) stay NaN and are not counted."""
    p = np.asarray(p, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    scaled = p[order] * len(order) / np.arange(1, len(order) + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


# ---------------------------------------------------------------- one pair


def _check(method: str, level: str, period: str | None) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if level == "period" and period is None:
        raise ValueError("level 'period' needs a period (YYYY-MM)")


def _ranks(values: np.ndarray, spearman: bool) -> np.ndarray:
    """Average ranks (1..n, ties share their mean rank) for Spearman; the values themselves otherwise."""
    return pd.Series(values).rank(method="average").to_numpy() if spearman else values


def _with_repeats(pairs: Pairs) -> Pairs:
    """The pairs of units that have at least 2 of them (a unit with one pair has no within variation)."""
    counts = np.bincount(pairs.unit)
    return pairs.subset(counts[pairs.unit] >= 2)


def _prepared(pairs: Pairs, level: str, spearman: bool) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """(x, y) of the analysis before residualising, n, n_units and the residual df of the level.

    For within/twoway the pairs must already be restricted to units with at least 2 pairs.
    """
    n, n_units = len(pairs), len(np.unique(pairs.unit))
    x, y = pairs.x, pairs.y
    if level == "between":
        groups, n_units = dense_codes(pairs.unit)
        counts = np.bincount(groups, minlength=n_units)
        x, y = (np.bincount(groups, v, n_units) / counts for v in (x, y))
        n = n_units
    df = {"within": n - n_units - 1, "twoway": n - n_units - len(np.unique(pairs.month))}.get(level, n - 2)
    return _ranks(x, spearman), _ranks(y, spearman), n, n_units, df


def _residuals(values: np.ndarray, pairs: Pairs, level: str) -> np.ndarray:
    if level == "within":
        groups, count = dense_codes(pairs.unit)
        return demean(values, groups, count)
    if level == "twoway":
        return twoway_residuals(values, pairs.unit, pairs.month)
    return values - values.mean()


def correlate(
    panel: Panel,
    x: str,
    y: str,
    method: str = "pearson",
    level: str = "within",
    lag: int = 0,
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
) -> Correlation:
    """The correlation of metric codes x and y (SPEC §5).

    x of month t is paired with y of calendar month t + ``lag`` (same unit; a missing month is
    missing). ``from_``/``to`` (inclusive, ``YYYY-MM``) bound x's month, ``level='period'`` takes
    the single month ``period``; ``units`` restricts to those unit codes. Missing values drop the
    pair. Spearman ranks the analysis's pairs (after dropping units with < 2 pairs for
    within/twoway; the unit means for between) before any demeaning. Raises ValueError for an
    unknown method or level, a negative lag, a malformed month, or level 'period' without a period.
    """
    _check(method, level, period)
    if level == "period":
        from_ = to = period
    pairs = pair_up(panel, x, y, lag, from_, to, units)
    spearman = method == "spearman"
    if level in ("within", "twoway"):
        pairs = _with_repeats(pairs)
    xv, yv, n, n_units, df = _prepared(pairs, level, spearman)
    empty = Correlation(x, y, method, level, lag, n, n_units, None, None, None, None, insufficient=True)
    if df < MIN_DF:
        return empty
    xr, yr = (_residuals(v, pairs, level) for v in (xv, yv))
    # within: unit means are removed exactly, only rounding can fake variation (as in ``matrix``)
    about_mean = [0.0 if level == "within" else np.sum((v - v.mean()) ** 2) for v in (xv, yv)]
    floor = (_floor(about_mean[0], n, np.abs(xv).max()), _floor(about_mean[1], n, np.abs(yv).max()))
    r, p, low, high, insufficient = _statistics(xr @ xr, yr @ yr, xr @ yr, floor, df, spearman)
    if insufficient:
        return empty
    return replace(empty, r=float(r), p=float(p), ci_low=float(low), ci_high=float(high), insufficient=False)


def lag_profile(
    panel: Panel,
    x: str,
    y: str,
    lags: Iterable[int] = range(7),
    method: str = "pearson",
    level: str = "within",
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
) -> list[Correlation]:
    """``correlate`` at each lag (x leading y by K calendar months), in the order of ``lags``. Not adjusted."""
    unit_list = None if units is None else list(units)
    return [correlate(panel, x, y, method, level, k, period, from_, to, unit_list) for k in lags]


# ---------------------------------------------------------------- the matrix


def _moment_cells(panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: _Scope) -> pd.DataFrame:
    """Pearson cells from pairwise-complete moments (matrix products): pooled, within, between, period."""
    from_, to = (scope.period, scope.period) if scope.level == "period" else (scope.from_, scope.to)
    window = month_window(panel, scope.lag, from_, to)
    units = panel.unit_positions(scope.units)
    sums = pair_moments(panel, rows, cols, scope.lag, window, units, scope.level)
    df = sums["n"] - sums["units"] - 1 if scope.level == "within" else sums["n"] - 2
    floor = (_floor(sums["scale_x"], sums["n"], sums["peak_x"]), _floor(sums["scale_y"], sums["n"], sums["peak_y"]))
    r, p, _, _, insufficient = _statistics(sums["xx"], sums["yy"], sums["xy"], floor, df, spearman=False)
    columns = {"r": r, "p": p, "n": sums["n"].astype(np.int64), "n_units": sums["units"].astype(np.int64)}
    frame = _grid(rows, cols).assign(**{k: v.ravel() for k, v in columns.items()})
    return frame.assign(insufficient=insufficient.ravel())


def _grid(rows: Sequence[str], cols: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({"x": np.repeat(list(rows), len(cols)), "y": np.tile(list(cols), len(rows))})


def _pairwise_cells(panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: _Scope) -> pd.DataFrame:
    """Cells one ``correlate`` call at a time (Spearman and twoway: ranks and effects depend on the pair)."""
    options = {k: getattr(scope, k) for k in ("method", "level", "lag", "period", "from_", "to", "units")}
    found = [correlate(panel, x, y, **options) for x in rows for y in cols]
    keys = ("x", "y", "r", "p", "n", "n_units", "insufficient")
    frame = pd.DataFrame([{k: getattr(c, k) for k in keys} for c in found], columns=list(keys))
    types = {"r": np.float64, "p": np.float64, "n": np.int64, "n_units": np.int64, "insufficient": bool}
    return frame.astype(types)


@dataclass(frozen=True)
class _Scope:
    """The options shared by every cell of a matrix or scan."""

    method: str
    level: str
    lag: int
    period: str | None
    from_: str | None
    to: str | None
    units: tuple[str, ...] | None


def _cells(panel: Panel, rows: Sequence[str], cols: Sequence[str], scope: _Scope) -> pd.DataFrame:
    """Unadjusted cells (x, y, r, p, n, n_units, insufficient); x = y cells get no p (not tested)."""
    _check(scope.method, scope.level, scope.period)
    if scope.method == "spearman" or scope.level == "twoway":
        frame = _pairwise_cells(panel, rows, cols, scope)
    else:
        frame = _moment_cells(panel, rows, cols, scope)
    frame.loc[frame["x"] == frame["y"], "p"] = np.nan
    return frame


def matrix(
    panel: Panel,
    rows: Sequence[str],
    cols: Sequence[str],
    method: str = "pearson",
    level: str = "within",
    lag: int = 0,
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The grid of correlations rows × cols (metric codes), options as in ``correlate``.

    Returns one row per cell, rows-major: x, y, r, p, q, n, n_units, insufficient (r, p, q NaN when
    missing). Each cell uses its own pairwise-complete pairs and equals ``correlate`` for that pair.
    q is Benjamini–Hochberg over the cells with a p; x = y cells are not tested (p and q NaN).
    Pearson pooled/within/between/period is computed from matrix products (60 × 60 in well under a
    second at 2,000 units × 60 months); Spearman and twoway go pair by pair (ranks and two-way
    effects depend on each pair's rows): some 20–100 ms per cell at that scale, a minute or more
    for a 60 × 60 grid.
    """
    unit_codes = None if units is None else tuple(units)
    scope = _Scope(method, level, lag, period, from_, to, unit_codes)
    frame = _cells(panel, rows, cols, scope)
    frame.insert(4, "q", benjamini_hochberg(frame["p"].to_numpy()))
    return frame


def matrix_to_dict(frame: pd.DataFrame) -> dict[str, list[dict[str, object]]]:
    """The SPEC §4 ``matrix`` JSON document of a ``matrix`` frame: {"cells": [{x, y, r, p, q, n, insufficient}]}."""
    keys = ("x", "y", "r", "p", "q", "n", "insufficient")
    cells = [
        {k: _json_value(v) for k, v in zip(keys, row, strict=True)} for row in frame[list(keys)].itertuples(index=False)
    ]
    return {"cells": cells}


# ---------------------------------------------------------------- findings


def scan_findings(
    panel: Panel,
    rows: Sequence[str],
    cols: Sequence[str],
    lags: Iterable[int] = range(7),
    method: str = "pearson",
    level: str = "within",
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
    alpha: float = ALPHA,
) -> list[Finding]:
    """Significant correlations over the grid rows × cols at every lag, strongest |r| first.

    q is Benjamini–Hochberg over every (pair, lag) scanned that has a p (x = y cells are not
    tested); only q < ``alpha`` is returned. Options as in ``correlate``.
    """
    unit_codes = None if units is None else tuple(units)
    scopes = [_Scope(method, level, k, period, from_, to, unit_codes) for k in lags]
    frames = [_cells(panel, rows, cols, scope).assign(lag=scope.lag) for scope in scopes]
    if not frames:
        return []
    cells = pd.concat(frames, ignore_index=True)
    cells["q"] = benjamini_hochberg(cells["p"].to_numpy())
    hits = cells[cells["q"] < alpha]
    hits = hits.iloc[np.lexsort((hits["q"].to_numpy(), -hits["r"].abs().to_numpy()))]
    keys = ("x", "y", "lag", "r", "p", "q", "n", "n_units")
    return [
        Finding(**{k: _json_value(v) for k, v in zip(keys, row, strict=True)}, level=level, method=method)  # type: ignore[arg-type]
        for row in hits[list(keys)].itertuples(index=False)
    ]


# Same shape as analytics.i18n.TEXT (key → (zh, en)), ready to move there.
FINDING_TEXT: dict[str, tuple[str, str]] = {
    "finding.level.within": ("控制单位差异后，", "After controlling for differences between units, "),
    "finding.level.twoway": (
        "控制单位差异和各月共同波动后，",
        "After controlling for differences between units and common monthly swings, ",
    ),
    "finding.level.pooled": ("在全部单位的月度数据中，", "Across all unit-months, "),
    "finding.level.between": ("比较各单位的平均水平，", "Comparing units by their averages, "),
    "finding.level.period": ("在同一月份的各单位之间，", "Across units within the same month, "),
    "finding.sign.1": ("正相关", "positively"),
    "finding.sign.-1": ("负相关", "negatively"),
    "finding.lag.0": ("同月的{y}", "{y} in the same month"),
    "finding.lag.1": ("一个月后的{y}", "{y} one month later"),
    "finding.lag.k": ("{k}个月后的{y}", "{y} {k} months later"),
    "finding.sentence": (
        "{lead}{x}与{lagged}显著{sign}（{stat}={r}，q{q}，n={n}{notes}）",
        "{lead}{x} is significantly {sign} correlated with {lagged} ({stat}={r}, q{q}, n={n}{notes}).",
    ),
    "finding.lower_better": ("；{name}越低越好", "; lower {name} is better"),
    "finding.causation": (
        "相关不等于因果：显著相关只说明两项指标一同变化，不能证明党建工作导致了生产经营的变化。",
        "Correlation is not causation: a significant correlation shows that two metrics move together, "
        "not that party-building work caused the change in operations.",
    ),
}
_ZH_NUMBERS = "零一两三四五六七八九十"
_EN_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve".split()
P_FLOOR = 0.001  # q below this is written "q<0.001"


def _text(key: str, lang: str) -> str:
    zh, en = FINDING_TEXT[key]
    return en if lang == "en" else zh


def _months_ahead(lag: int, lang: str) -> str:
    if lang == "en":
        return _EN_NUMBERS[lag] if lag < len(_EN_NUMBERS) else str(lag)
    if lag <= 10:
        return _ZH_NUMBERS[lag]
    return "十" + _ZH_NUMBERS[lag - 10] if lag < 20 else str(lag)


def _lagged(y: str, lag: int, lang: str) -> str:
    key = "finding.lag.0" if lag == 0 else "finding.lag.1" if lag == 1 else "finding.lag.k"
    return _text(key, lang).format(y=y, k=_months_ahead(lag, lang))


def describe_finding(
    finding: Finding, names: dict[str, str], lang: str = "zh", directions: dict[str, int] | None = None
) -> str:
    """One plain sentence for a finding, in Chinese (``lang='zh'``) or English.

    ``names`` maps metric codes to display names in that language (the code when absent). The sign
    is stated plainly; a metric with direction −1 in ``directions`` gets "lower is better" noted.
    Pair it with ``causation_note(lang)``.
    """
    x, y = (names.get(code, code) for code in (finding.x, finding.y))
    lower = [names.get(c, c) for c in dict.fromkeys((finding.x, finding.y)) if (directions or {}).get(c) == -1]
    q = f"<{P_FLOOR:g}" if finding.q < P_FLOOR else f"={finding.q:.3f}"
    return _text("finding.sentence", lang).format(
        lead=_text(f"finding.level.{finding.level}", lang),
        x=x,
        lagged=_lagged(y, finding.lag, lang),
        sign=_text("finding.sign.1" if finding.r > 0 else "finding.sign.-1", lang),
        stat="ρ" if finding.method == "spearman" else "r",
        r=f"{finding.r:.2f}",
        q=q,
        n=f"{finding.n:,}",
        notes="".join(_text("finding.lower_better", lang).format(name=name) for name in lower),
    )


def causation_note(lang: str = "zh") -> str:
    """The sentence that goes with every finding: correlation is not causation."""
    return _text("finding.causation", lang)
